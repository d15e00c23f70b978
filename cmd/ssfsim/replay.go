package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/scpd/scpd/camel"
	"github.com/scpd/scpd/cmd/ssfsim/internal/dissect"
	"github.com/scpd/scpd/cmd/ssfsim/msc"
	"github.com/scpd/scpd/sigtran/tcap"
	"github.com/scpd/scpd/sigtran/transport"
)

// capturedIDP is an InitialDP Begin found in a capture.
type capturedIDP struct {
	Frame int
	OTID  string
	Phase camel.Phase
	IDP   *camel.InitialDPArg
}

// skipped is an InitialDP Begin that cannot be replayed, or an M3UA frame
// that does not decode (it may have been one), and why.
type skipped struct {
	Frame  int    `json:"frame"`
	OTID   string `json:"otid,omitempty"`
	Reason string `json:"reason"`
}

// initialDPs reads every InitialDP Begin of a capture, in frame order.
// The phase is the one of the Begin's application context.
func initialDPs(file string) ([]capturedIDP, []skipped, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	results, err := dissect.NewDecoder(camel.Phase2).Capture(f)
	if errors.Is(err, dissect.ErrCutShort) {
		fmt.Fprintf(os.Stderr, "ssfsim: warning: %s: %v\n", file, err)
	} else if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", file, err)
	}
	var found []capturedIDP
	var skips []skipped
	for _, r := range results {
		otherProtocol := r.PPID != nil && *r.PPID != uint32(transport.PPIDM3UA) // Diameter, S1AP… on the same link
		if r.TCAP == nil && r.Truncated != nil && !otherProtocol {
			// It may have been a Begin, cut before its TCAP ended.
			skips = append(skips, skipped{Frame: r.Frame, Reason: fmt.Sprintf("the capture kept %d of the frame's %d octets: capture with tcpdump -s 0", r.Truncated.Captured, r.Truncated.Length)})
			continue
		}
		if r.TCAP == nil && len(r.Errors) > 0 && !otherProtocol {
			// It may have been a Begin: say so rather than pass over it.
			skips = append(skips, skipped{Frame: r.Frame, Reason: "the frame does not decode: " + strings.Join(r.Errors, "; ")})
			continue
		}
		if r.TCAP == nil || r.TCAP.Type != tcap.Begin {
			continue
		}
		for _, c := range r.TCAP.Components {
			if c.Type != tcap.Invoke || c.Operation != camel.OpInitialDP.String() {
				continue
			}
			skip := func(reason string) { skips = append(skips, skipped{Frame: r.Frame, OTID: r.TCAP.OTID, Reason: reason}) }
			dlg := r.TCAP.Dialogue
			ph, ok := camel.Phase(0), false
			if dlg != nil && dlg.ApplicationContext != nil {
				ph, ok = camel.PhaseOf(dlg.ApplicationContext)
			}
			idp, isIDP := c.Argument.(*camel.InitialDPArg)
			switch {
			case dlg == nil || dlg.ApplicationContext == nil:
				skip("no application context (a CAP phase 1 Begin?): scpd speaks phases 2-4")
			case !ok:
				skip("application context " + dlg.ApplicationContext.String() + " is not CAP phase 2-4 gsmSSF-to-gsmSCF")
			case !isIDP || idp == nil:
				skip("the InitialDP does not decode: " + strings.Join(r.Errors, "; "))
			default:
				found = append(found, capturedIDP{Frame: r.Frame, OTID: r.TCAP.OTID, Phase: ph, IDP: idp})
			}
		}
	}
	return found, skips, nil
}

// replayed is what the SCP answered to one replayed InitialDP.
type replayed struct {
	Frame      int    `json:"frame"`
	OTID       string `json:"otid"`
	Phase      int    `json:"phase"`
	ServiceKey uint32 `json:"serviceKey"`
	Calling    string `json:"calling"`
	Called     string `json:"called"`
	// Answer is the SCP's first instruction: connect, continue,
	// releaseCall, returnError, abort, or none (no answer in --wait).
	Answer       string  `json:"answer"`
	ConnectTo    string  `json:"connectTo,omitempty"`
	ReleaseCause int     `json:"releaseCause,omitempty"`
	ReturnError  string  `json:"returnError,omitempty"`
	FirstAnswer  float64 `json:"firstAnswerMs,omitempty"`
	// Error is a failure of the call after (or instead of) the answer.
	Error string      `json:"error,omitempty"`
	Call  *msc.Result `json:"call,omitempty"`
}

// Answers a replayed call can get.
const (
	answerConnect     = "connect"
	answerContinue    = "continue"
	answerRelease     = "releaseCall"
	answerReturnError = "returnError"
	answerAbort       = "abort"
	answerNone        = "none"
)

// answerOf reads the SCP's first instruction from a call's result.
func answerOf(r *msc.Result, err error) replayed {
	var out replayed
	if err != nil {
		out.Error = err.Error()
	}
	if r == nil {
		out.Answer = answerNone
		return out
	}
	out.Call = r
	if r.FirstAnswer > 0 {
		out.FirstAnswer = float64(r.FirstAnswer.Microseconds()) / 1000
	}
	switch {
	case r.Connected != "":
		out.Answer, out.ConnectTo = answerConnect, r.Connected
	case r.Continued:
		out.Answer = answerContinue
	case r.ReturnError != "":
		out.Answer, out.ReturnError = answerReturnError, r.ReturnError
	case r.Released:
		out.Answer, out.ReleaseCause = answerRelease, r.ReleaseCause
	case r.End == "scp-abort":
		out.Answer = answerAbort
	default:
		out.Answer = answerNone
	}
	return out
}

func (r replayed) String() string {
	var s string
	switch r.Answer {
	case answerConnect:
		s = "Connect to " + r.ConnectTo
	case answerContinue:
		s = "Continue"
	case answerReturnError:
		s = "ReturnError " + r.ReturnError
	case answerRelease:
		s = fmt.Sprintf("ReleaseCall cause %v", camel.CauseValue(r.ReleaseCause))
	case answerAbort:
		s = "TC-ABORT"
	default:
		s = "no answer"
	}
	if r.FirstAnswer > 0 {
		s += fmt.Sprintf(" in %.1f ms", r.FirstAnswer)
	}
	if c := r.Call; c != nil && (r.Answer == answerConnect || r.Answer == answerContinue) {
		var then []string
		if len(c.Periods) > 0 {
			then = append(then, fmt.Sprintf("%d ApplyCharging", len(c.Periods)))
		}
		if c.Talk > 0 {
			then = append(then, fmt.Sprintf("talk %.1fs", c.Talk.Seconds()))
		}
		if c.Released {
			then = append(then, fmt.Sprintf("released cause %d", c.ReleaseCause))
		}
		if c.End != "" {
			then = append(then, "end "+c.End)
		}
		if len(then) > 0 {
			s += "; " + strings.Join(then, ", ")
		}
	}
	if r.Error != "" {
		s += "; error: " + r.Error
	}
	return fmt.Sprintf("frame %-5d otid %s  phase %d  key %d  %s -> %s: %s", r.Frame, r.OTID, r.Phase, r.ServiceKey, r.Calling, r.Called, s)
}

// replaySummary counts the answers.
type replaySummary struct {
	File          string         `json:"file"`
	Calls         int            `json:"calls"`
	Answers       map[string]int `json:"answers"`
	ReleaseCauses map[string]int `json:"releaseCauses,omitempty"`
	Errors        int            `json:"errors"`
	Skipped       []skipped      `json:"skipped,omitempty"`
	Elapsed       float64        `json:"elapsedSeconds"`
}

func (s replaySummary) String() string {
	var parts []string
	for _, a := range []string{answerConnect, answerContinue, answerRelease, answerReturnError, answerAbort, answerNone} {
		n := s.Answers[a]
		if n == 0 {
			continue
		}
		p := fmt.Sprintf("%d %s", n, a)
		if a == answerNone {
			p = fmt.Sprintf("%d with no answer", n) // counted as failed below
		}
		if a == answerRelease {
			var causes []string
			for c, k := range s.ReleaseCauses {
				causes = append(causes, fmt.Sprintf("cause %s ×%d", c, k))
			}
			sort.Strings(causes)
			p += " (" + strings.Join(causes, ", ") + ")"
		}
		parts = append(parts, p)
	}
	out := fmt.Sprintf("%s: %d InitialDPs replayed in %.1fs: %s; %d errors", s.File, s.Calls, s.Elapsed, strings.Join(parts, ", "), s.Errors)
	if len(s.Skipped) > 0 {
		out += fmt.Sprintf("; %d skipped", len(s.Skipped))
	}
	return out
}

func replayCommand() *cobra.Command {
	var (
		conn        connFlags
		answerDelay time.Duration
		hold        time.Duration
		outcome     string
		wait        time.Duration
		serviceKey  uint32
		concurrency int
		asJSON      bool
	)
	cmd := &cobra.Command{
		Use:   "replay FILE.pcap",
		Short: "Play every InitialDP of a capture as a call against a live SCP and report what it answered",
		Long: `replay reads a pcap or pcapng capture — SCTP (PPID 3) or M3UA over TCP, or
frames without IP: DLT_SCCP, or DLT_USER0-15 holding M3UA, SCCP or bare TCAP —
takes every TC-BEGIN with an InitialDP, and plays each as a call against the
SCP, as ssfsim call does: the captured InitialDP is sent as it decodes, in the
phase of the Begin's application context; what follows the SCP's answer is
the simulator's script (--answer-delay, --hold, --outcome).

Each call reports the SCP's first instruction — Connect to a number,
Continue, ReleaseCall with its cause, a ReturnError, an abort, or no answer
within --wait — and how the call ended; a summary follows. Begins that cannot
be replayed (no CAP phase 2-4 application context, an InitialDP that does not
decode) are listed as skipped. The exit status is non-zero when a call got no
answer or failed.`,
		Example: `  ssfsim replay testdata/initialdp-phase2.pcap
  ssfsim replay field.pcapng --scp 10.1.1.2:2905 --pc 101 --scp-pc 200 --concurrency 20 --hold 0s
  ssfsim replay testdata/flow-tcp.pcap --service-key 200 --json   # as prepaid calls`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return errors.New("replay needs one capture file: ssfsim replay FILE.pcap")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			oc, err := msc.ParseOutcome(outcome)
			if err != nil {
				return fmt.Errorf("--%w", err)
			}
			if concurrency < 1 {
				return fmt.Errorf("--concurrency %d: give at least 1", concurrency)
			}
			if wait <= 0 {
				return fmt.Errorf("--wait %v: give a positive duration", wait)
			}
			calls, skips, err := initialDPs(args[0])
			if err != nil {
				return err
			}
			if len(calls) == 0 {
				if len(skips) > 0 {
					return fmt.Errorf("%s: none of its %d InitialDP Begins can be replayed (frame %d: %s)", args[0], len(skips), skips[0].Frame, skips[0].Reason)
				}
				return fmt.Errorf("%s: no TC-BEGIN with an InitialDP in the capture (ssfsim decode shows what it holds)", args[0])
			}
			sim, err := conn.start(cmd.Context())
			if err != nil {
				return err
			}
			defer sim.Close()
			r := &replayer{sim: sim, out: cmd.OutOrStdout(), text: !asJSON, serviceKey: serviceKey,
				base: msc.Call{AnswerDelay: answerDelay, HoldTime: hold, Outcome: oc, Wait: wait}}
			start := time.Now()
			results := r.run(cmd.Context(), calls, concurrency)
			sum := summarizeReplay(args[0], results, skips, time.Since(start))
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				if err := enc.Encode(struct {
					Calls   []replayed    `json:"calls"`
					Summary replaySummary `json:"summary"`
				}{results, sum}); err != nil {
					return err
				}
			} else {
				for _, s := range skips {
					fmt.Fprintf(cmd.OutOrStdout(), "frame %-5d otid %s  skipped: %s\n", s.Frame, s.OTID, s.Reason)
				}
				fmt.Fprintln(cmd.OutOrStdout(), sum)
			}
			if failed := sum.Errors + sum.Answers[answerNone]; failed > 0 {
				return fmt.Errorf("%d of %d replayed calls got no answer or failed (see above)", failed, sum.Calls)
			}
			return nil
		},
	}
	conn.add(cmd)
	fl := cmd.Flags()
	fl.DurationVar(&answerDelay, "answer-delay", 200*time.Millisecond, "ringing time before answer (or before no-answer/abandon)")
	fl.DurationVar(&hold, "hold", time.Second, "talk time after answer")
	fl.StringVar(&outcome, "outcome", "answer", "what the called party does: answer, busy, no-answer, abandon, route-failure or abort")
	fl.DurationVar(&wait, "wait", 10*time.Second, "how long to wait for each answer of the SCP")
	fl.Uint32Var(&serviceKey, "service-key", 0, "send this service key instead of the captured one (0: keep it)")
	fl.IntVar(&concurrency, "concurrency", 1, "calls in progress at once")
	fl.BoolVar(&asJSON, "json", false, "print the results and the summary as JSON")
	return cmd
}

// replayer plays captured InitialDPs through one simulated MSC.
type replayer struct {
	sim        *msc.Sim
	base       msc.Call
	serviceKey uint32
	out        io.Writer
	text       bool
}

// run plays the calls, concurrency at a time, and returns the results in
// capture order; in text mode each is printed, in that order, when done.
func (r *replayer) run(ctx context.Context, calls []capturedIDP, concurrency int) []replayed {
	results := make([]replayed, len(calls))
	done := make([]chan struct{}, len(calls))
	for i := range done {
		done[i] = make(chan struct{})
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(concurrency, len(calls)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = r.one(ctx, calls[i])
				close(done[i])
			}
		}()
	}
	go func() {
		for i := range calls {
			next <- i
		}
		close(next)
	}()
	for i := range calls {
		<-done[i]
		if r.text {
			fmt.Fprintln(r.out, results[i])
		}
	}
	wg.Wait()
	return results
}

func (r *replayer) one(ctx context.Context, c capturedIDP) replayed {
	idp := c.IDP
	if r.serviceKey != 0 {
		cp := *idp
		cp.ServiceKey = r.serviceKey
		idp = &cp
	}
	called := idp.CalledPartyBCDNumber.Digits
	if called == "" {
		called = idp.CalledPartyNumber.Digits
	}
	call := r.base
	call.Phase, call.InitialDP = c.Phase, idp
	call.ServiceKey, call.Calling, call.Called = idp.ServiceKey, idp.CallingPartyNumber.Digits, called
	res, err := r.sim.Call(ctx, call)
	out := answerOf(res, err)
	out.Frame, out.OTID, out.Phase = c.Frame, c.OTID, int(c.Phase)
	out.ServiceKey, out.Calling, out.Called = idp.ServiceKey, call.Calling, called
	return out
}

func summarizeReplay(file string, results []replayed, skips []skipped, elapsed time.Duration) replaySummary {
	s := replaySummary{File: file, Calls: len(results), Answers: map[string]int{}, Skipped: skips, Elapsed: elapsed.Seconds()}
	for _, r := range results {
		s.Answers[r.Answer]++
		if r.Answer == answerRelease {
			if s.ReleaseCauses == nil {
				s.ReleaseCauses = map[string]int{}
			}
			s.ReleaseCauses[strconv.Itoa(r.ReleaseCause)]++
		}
		if r.Error != "" && r.Answer != answerNone {
			s.Errors++
		}
	}
	return s
}
