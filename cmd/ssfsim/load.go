package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/signal"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/scpd/scpd/cmd/ssfsim/msc"
)

// scenario is one entry of a --mix file: a share of the calls with their
// own outcome and timings.
type scenario struct {
	Weight      int    `yaml:"weight" json:"weight"`
	Outcome     string `yaml:"outcome" json:"outcome"`
	Hold        string `yaml:"hold" json:"hold"`                 // a distribution, see parseDist
	AnswerDelay string `yaml:"answer_delay" json:"answer_delay"` // a distribution
	Hangup      string `yaml:"hangup" json:"hangup"`
	ACRFirst    *bool  `yaml:"acr_first" json:"acr_first"` // absent: as --acr-first
	ServiceKey  uint32 `yaml:"service_key" json:"service_key"`
	Called      string `yaml:"called" json:"called"`
}

// dist draws durations: "2s" (fixed), "uniform:1s-3s", "exp:30s" (mean).
type dist func() time.Duration

func parseDist(s string) (dist, error) {
	kind, arg, ok := strings.Cut(s, ":")
	if !ok {
		d, err := time.ParseDuration(s)
		if err != nil || d < 0 {
			return nil, fmt.Errorf("%q: give a duration (2s), uniform:MIN-MAX or exp:MEAN", s)
		}
		return func() time.Duration { return d }, nil
	}
	switch kind {
	case "uniform":
		lo, hi, ok := strings.Cut(arg, "-")
		a, err1 := time.ParseDuration(lo)
		b, err2 := time.ParseDuration(hi)
		if !ok || err1 != nil || err2 != nil || b < a || a < 0 {
			return nil, fmt.Errorf("%q: uniform:MIN-MAX, e.g. uniform:1s-3s", s)
		}
		return func() time.Duration { return a + time.Duration(rand.Int64N(int64(b-a)+1)) }, nil
	case "exp":
		m, err := time.ParseDuration(arg)
		if err != nil || m <= 0 {
			return nil, fmt.Errorf("%q: exp:MEAN, e.g. exp:90s", s)
		}
		return func() time.Duration { return time.Duration(rand.ExpFloat64() * float64(m)) }, nil
	}
	return nil, fmt.Errorf("%q: give a duration (2s), uniform:MIN-MAX or exp:MEAN", s)
}

// loadReport is the final report of a load run.
type loadReport struct {
	Started    int64            `json:"started"`
	Completed  int64            `json:"completed"`
	Failed     int64            `json:"failed"`
	Elapsed    float64          `json:"elapsedSeconds"`
	CallsPerS  float64          `json:"callsPerSecond"`
	Latency    latencySummary   `json:"firstAnswerMs"`
	Response   latencySummary   `json:"scpResponseMs"` // the SCP's part of Latency (msc.Result.SCPResponse)
	Outcomes   map[string]int64 `json:"outcomes"`
	Errors     map[string]int64 `json:"protocolErrors"`
	MaxOpen    int64            `json:"maxConcurrent"`
	TargetRate float64          `json:"targetRate,omitempty"`
}

type latencySummary struct {
	P50, P90, P99, Max float64
	N                  int
}

func summarize(ms []float64) latencySummary {
	if len(ms) == 0 {
		return latencySummary{}
	}
	sort.Float64s(ms)
	q := func(p float64) float64 { return ms[min(len(ms)-1, int(math.Ceil(p*float64(len(ms))))-1)] }
	return latencySummary{P50: q(.50), P90: q(.90), P99: q(.99), Max: ms[len(ms)-1], N: len(ms)}
}

func loadCommand() *cobra.Command {
	var (
		conn        connFlags
		cf          callFlags
		rate        float64
		concurrency int
		count       int64
		duration    time.Duration
		holdDist    string
		callers     int
		mixFile     string
		asJSON      bool
		progress    bool
		latencyLog  string
	)
	cmd := &cobra.Command{
		Use:   "load",
		Short: "Drive an SCP with calls at a rate or concurrency, and report calls/s and latency",
		Long: `load plays calls as ssfsim call does, many at once: at --rate calls per second,
or keeping --concurrency calls up, until --count calls were started or
--duration has passed. Callers are spread over --callers consecutive numbers
from --calling; hold times come from --hold-dist; --mix gives a file of
weighted scenarios (YAML or JSON list of {weight, outcome, hold, answer_delay,
hangup, acr_first, service_key, called}). A progress line shows on a terminal;
the report gives calls/s, first-answer latency percentiles (InitialDP sent →
SCP's first answer seen by the call's script, and the SCP's part of it: TC-BEGIN
handed to the stack → answer taken off the association), outcomes and
protocol errors; --json for scripts. --latency-log writes every call's start
time and first-answer latency, to see when the slow calls happened: spread
out (queueing) or together (a pause of the SCP, its disk or the machine).`,
		Example: `  ssfsim load --rate 500 --duration 30s --callers 1 --hold-dist uniform:1s-3s
  ssfsim load --concurrency 200 --count 10000 --hold-dist 0s --answer-delay 0s --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			base, err := cf.call()
			if err != nil {
				return err
			}
			if rate < 0 || concurrency < 0 || count < 0 || duration < 0 {
				return fmt.Errorf("--rate, --concurrency, --count and --duration must not be negative")
			}
			if (rate > 0) == (concurrency > 0) {
				return fmt.Errorf("give exactly one of --rate or --concurrency")
			}
			if count <= 0 && duration <= 0 {
				return fmt.Errorf("give --count or --duration (or both: whichever comes first)")
			}
			if callers < 1 {
				return fmt.Errorf("--callers %d: at least 1", callers)
			}
			first, err := strconv.ParseUint(base.Calling, 10, 64)
			if err != nil {
				return fmt.Errorf("--calling %q: digits needed to spread callers", base.Calling)
			}
			hold, err := parseDist(holdDist)
			if err != nil {
				return fmt.Errorf("--hold-dist %w", err)
			}
			mix, err := readMix(mixFile, base, hold)
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer stop()
			sim, err := conn.start(ctx)
			if err != nil {
				return err
			}
			defer sim.Close()
			l := &loader{sim: sim, mix: mix, firstCaller: first, callers: uint64(callers), width: len(base.Calling)}
			var logFile *os.File
			if latencyLog != "" {
				if logFile, err = os.Create(latencyLog); err != nil {
					return fmt.Errorf("--latency-log: %w", err)
				}
				defer logFile.Close()
				l.latLog = csv.NewWriter(logFile) // buffered
				_ = l.latLog.Write([]string{"start_unix_us", "first_answer_us", "outcome"})
			}
			if progress {
				stopProgress := l.progress(cmd.ErrOrStderr())
				defer stopProgress()
			}
			rep := l.run(ctx, rate, concurrency, count, duration)
			if logFile != nil {
				l.latLog.Flush()
				if err := errors.Join(l.latLog.Error(), logFile.Close()); err != nil {
					return fmt.Errorf("--latency-log %s: %w", latencyLog, err)
				}
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				if err := enc.Encode(rep); err != nil {
					return err
				}
				return loadFailed(rep)
			}
			printReport(cmd.OutOrStdout(), rep)
			return loadFailed(rep)
		},
	}
	conn.add(cmd)
	cf.add(cmd)
	fl := cmd.Flags()
	fl.Float64Var(&rate, "rate", 0, "calls started per second")
	fl.IntVar(&concurrency, "concurrency", 0, "calls kept up at once (instead of --rate)")
	fl.Int64Var(&count, "count", 0, "calls to start")
	fl.DurationVar(&duration, "duration", 0, "how long to start calls")
	fl.StringVar(&holdDist, "hold-dist", "2s", "hold time distribution: 2s, uniform:1s-3s or exp:90s (overrides --hold)")
	fl.IntVar(&callers, "callers", 1, "spread calls over this many consecutive calling numbers from --calling")
	fl.StringVar(&mixFile, "mix", "", "file of weighted scenarios (YAML or JSON)")
	fl.BoolVar(&asJSON, "json", false, "print the report as JSON")
	fl.BoolVar(&progress, "progress", isTerminal(os.Stderr), "live progress line on stderr (default: when stderr is a terminal)")
	fl.StringVar(&latencyLog, "latency-log", "", "write a CSV line per call to `FILE`: start (µs since the Unix epoch), first answer (µs; empty if it failed), outcome")
	return cmd
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// weighted is a scenario ready to draw calls from.
type weighted struct {
	weight int
	call   msc.Call
	hold   dist
	answer dist
}

func readMix(path string, base msc.Call, hold dist) ([]weighted, error) {
	fixed := func(d time.Duration) dist { return func() time.Duration { return d } }
	if path == "" {
		return []weighted{{weight: 1, call: base, hold: hold, answer: fixed(base.AnswerDelay)}}, nil
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--mix: %w", err)
	}
	var list []scenario
	// YAML reads JSON too; a key no scenario has (a typo) is an error, not
	// a scenario quietly run with the defaults.
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&list); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("--mix %s: %w", path, err)
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("--mix %s: no scenario", path)
	}
	var out []weighted
	for i, s := range list {
		w := weighted{weight: s.Weight, call: base, hold: hold, answer: fixed(base.AnswerDelay)}
		if w.weight <= 0 {
			return nil, fmt.Errorf("--mix %s: scenario %d: weight must be positive", path, i+1)
		}
		if s.Outcome != "" {
			if w.call.Outcome, err = msc.ParseOutcome(s.Outcome); err != nil {
				return nil, fmt.Errorf("--mix %s: scenario %d: %w", path, i+1, err)
			}
		}
		if s.Hold != "" {
			if w.hold, err = parseDist(s.Hold); err != nil {
				return nil, fmt.Errorf("--mix %s: scenario %d: hold %w", path, i+1, err)
			}
		}
		if s.AnswerDelay != "" {
			if w.answer, err = parseDist(s.AnswerDelay); err != nil {
				return nil, fmt.Errorf("--mix %s: scenario %d: answer_delay %w", path, i+1, err)
			}
		}
		if s.Hangup != "" {
			if s.Hangup != string(msc.SideA) && s.Hangup != string(msc.SideB) {
				return nil, fmt.Errorf("--mix %s: scenario %d: hangup %q: use A (caller) or B (called)", path, i+1, s.Hangup)
			}
			w.call.Hangup = msc.Side(s.Hangup)
		}
		if s.ACRFirst != nil {
			w.call.ACRBeforeERB = *s.ACRFirst
		}
		if s.ServiceKey != 0 {
			w.call.ServiceKey = s.ServiceKey
		}
		if s.Called != "" {
			w.call.Called = s.Called
		}
		out = append(out, w)
	}
	return out, nil
}

// loader runs the calls and keeps the figures.
type loader struct {
	sim         *msc.Sim
	mix         []weighted
	firstCaller uint64
	callers     uint64
	width       int // --calling's digits: leading zeros are kept

	started, completed, failed, open, maxOpen atomic.Int64
	longest                                   atomic.Int64 // the longest ringing + hold drawn, ns
	next                                      atomic.Uint64

	mu        sync.Mutex
	latencies []float64
	responses []float64
	outcomes  map[string]int64
	errors    map[string]int64
	begin     time.Time
	latLog    *csv.Writer // --latency-log; nil: none
}

func (l *loader) draw() msc.Call {
	total := 0
	for _, w := range l.mix {
		total += w.weight
	}
	n := rand.IntN(total)
	w := l.mix[0]
	for _, m := range l.mix {
		if n < m.weight {
			w = m
			break
		}
		n -= m.weight
	}
	c := w.call
	c.HoldTime, c.AnswerDelay = w.hold(), w.answer()
	for long := int64(c.HoldTime + c.AnswerDelay); ; {
		if m := l.longest.Load(); long <= m || l.longest.CompareAndSwap(m, long) {
			break
		}
	}
	c.Calling = fmt.Sprintf("%0*d", l.width, l.firstCaller+l.next.Add(1)%l.callers)
	return c
}

// one plays one call; the caller counted it as started (before starting
// the goroutine, so that --count and the rate see it at once).
func (l *loader) one(ctx context.Context) {
	if o := l.open.Add(1); o > l.maxOpen.Load() {
		l.maxOpen.Store(o)
	}
	defer l.open.Add(-1)
	c := l.draw()
	start := time.Now()
	res, err := l.sim.Call(ctx, c)
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil {
		l.failed.Add(1)
		l.errors[classify(err)]++
		l.logLatency(start, "", "failed: "+classify(err))
		return
	}
	l.completed.Add(1)
	l.latencies = append(l.latencies, float64(res.FirstAnswer.Microseconds())/1000)
	if res.SCPResponse > 0 {
		l.responses = append(l.responses, float64(res.SCPResponse.Microseconds())/1000)
	}
	l.outcomes[outcomeOf(res)]++
	l.logLatency(start, strconv.FormatInt(res.FirstAnswer.Microseconds(), 10), outcomeOf(res))
	for _, r := range res.Rejects {
		l.errors["reject: "+r]++
	}
}

// logLatency writes a call's line to --latency-log; l.mu is held. A write
// error shows when the run ends (csv.Writer keeps it).
func (l *loader) logLatency(start time.Time, firstAnswerUs, outcome string) {
	if l.latLog != nil {
		_ = l.latLog.Write([]string{strconv.FormatInt(start.UnixMicro(), 10), firstAnswerUs, outcome})
	}
}

// classify groups errors by what failed, not by the details that differ
// call to call (numbers: transaction IDs, ports, durations). The text
// before the first colon alone said "msc" for every failure.
func classify(err error) string {
	s := numbers.ReplaceAllString(err.Error(), "N")
	if len(s) > 100 {
		s = s[:100] + "…"
	}
	return s
}

var numbers = regexp.MustCompile(`0x[0-9a-fA-F]+|[0-9]+`)

// outcomeOf names what the SCP did with a call.
func outcomeOf(r *msc.Result) string {
	switch {
	case r.ReturnError != "":
		return "error " + r.ReturnError
	case r.Released && r.Talk == 0 && len(r.Periods) == 0 && r.Connected == "" && !r.Continued:
		return fmt.Sprintf("refused cause %d", r.ReleaseCause)
	case r.End == "msc-abort":
		return "aborted by MSC"
	case r.Talk > 0:
		return "answered"
	case r.Released:
		return fmt.Sprintf("released cause %d", r.ReleaseCause)
	}
	return "other (" + r.End + ")"
}

func (l *loader) run(ctx context.Context, rate float64, concurrency int, count int64, duration time.Duration) loadReport {
	l.outcomes, l.errors = map[string]int64{}, map[string]int64{}
	l.begin = time.Now()
	if duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, duration)
		defer cancel()
	}
	callCtx := context.Background() // calls started before the end run to their end
	var wg sync.WaitGroup
	more := func() bool { return ctx.Err() == nil && (count <= 0 || l.started.Load() < count) }
	if rate > 0 {
		// Start calls on a clock: at each tick, as many as the rate owes.
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for more() {
			select {
			case <-ctx.Done():
			case <-tick.C:
			}
			owed := int64(time.Since(l.begin).Seconds()*rate) - l.started.Load()
			for ; owed > 0 && more(); owed-- {
				l.started.Add(1)
				wg.Add(1)
				go func() { defer wg.Done(); l.one(callCtx) }()
			}
		}
	} else {
		sem := make(chan struct{}, concurrency)
		for more() {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				continue
			}
			l.started.Add(1)
			wg.Add(1)
			go func() { defer wg.Done(); l.one(callCtx); <-sem }()
		}
	}
	startedFor := time.Since(l.begin)
	wg.Wait()
	elapsed := time.Since(l.begin)
	l.mu.Lock()
	defer l.mu.Unlock()
	rep := loadReport{Started: l.started.Load(), Completed: l.completed.Load(), Failed: l.failed.Load(),
		Elapsed: elapsed.Seconds(), Latency: summarize(slices.Clone(l.latencies)),
		Response: summarize(slices.Clone(l.responses)), Outcomes: l.outcomes, Errors: l.errors,
		MaxOpen: l.maxOpen.Load(), TargetRate: rate}
	// Calls per second over the time calls were being started, so the
	// tail of the last calls' hold time does not dilute the rate.
	if s := startedFor.Seconds(); s > 0 {
		// The longest ringing + hold the calls drew (--hold-dist, --mix),
		// not the --hold those override.
		rep.CallsPerS = float64(rep.Completed) / max(s, elapsed.Seconds()-time.Duration(l.longest.Load()).Seconds())
	}
	return rep
}

func (l *loader) progress(w io.Writer) func() {
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		var last int64
		for {
			select {
			case <-done:
				fmt.Fprintln(w)
				return
			case <-t.C:
				c := l.completed.Load()
				fmt.Fprintf(w, "\r%6.1fs  started %d  completed %d (%d/s)  failed %d  open %d   ",
					time.Since(l.begin).Seconds(), l.started.Load(), c, (c-last)*2, l.failed.Load(), l.open.Load())
				last = c
			}
		}
	}()
	return func() { close(done) }
}

func printReport(w io.Writer, r loadReport) {
	fmt.Fprintf(w, "calls: %d started, %d completed, %d failed in %.1fs — %.0f completed calls/s (max %d at once)\n",
		r.Started, r.Completed, r.Failed, r.Elapsed, r.CallsPerS, r.MaxOpen)
	fmt.Fprintf(w, "first answer: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms (%d calls)\n",
		r.Latency.P50, r.Latency.P90, r.Latency.P99, r.Latency.Max, r.Latency.N)
	fmt.Fprintf(w, "  of which the SCP (TC-BEGIN to the stack → answer off the association): p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
		r.Response.P50, r.Response.P90, r.Response.P99, r.Response.Max)
	keys := func(m map[string]int64) []string {
		var k []string
		for s := range m {
			k = append(k, s)
		}
		sort.Strings(k)
		return k
	}
	for _, k := range keys(r.Outcomes) {
		fmt.Fprintf(w, "  outcome %-28s %d\n", k, r.Outcomes[k])
	}
	for _, k := range keys(r.Errors) {
		fmt.Fprintf(w, "  error   %-28s %d\n", k, r.Errors[k])
	}
}

// loadFailed is the exit status of a run in which no call completed: the
// SCP was not reached, or answered none. Some failures among completed
// calls are the figures of a load run (overload), reported, not an error.
func loadFailed(rep loadReport) error {
	if rep.Started > 0 && rep.Completed == 0 {
		return fmt.Errorf("no call completed: %d failed (the errors are above)", rep.Failed)
	}
	return nil
}
