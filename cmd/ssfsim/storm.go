package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/signal"
	"sort"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/scpd/scpd/camel"
	"github.com/scpd/scpd/sigtran/m3ua"
	"github.com/scpd/scpd/sigtran/sccp"
	"github.com/scpd/scpd/sigtran/tcap"
)

// stormKind is one way of breaking a message, at one layer.
type stormKind struct {
	name string
	// expect is the protocol's own answer the SCP should give.
	expect string
	make   func(r *rand.Rand, s *storm) []byte // whole M3UA message to send raw
}

type storm struct {
	pc, scpPC uint32
	rc        uint32
	msc, scp  sccp.Address
	idp       []byte // a good InitialDP Begin's TCAP
}

func (s *storm) data(payload []byte) []byte {
	d := m3ua.Data{OPC: s.pc, DPC: s.scpPC, SI: m3ua.SISCCP, NI: m3ua.NINational, SLS: 7, Payload: payload}
	if s.rc != 0 {
		d.RoutingContext, d.HasRoutingContext = s.rc, true
	}
	b, _ := d.Append(nil)
	return b
}

func (s *storm) udt(tcapBytes []byte) []byte {
	u, _ := sccp.NewUDT(s.scp, s.msc, tcapBytes, true).Append(nil)
	return s.data(u)
}

func flip(r *rand.Rand, b []byte, n int) []byte {
	b = append([]byte(nil), b...)
	for i := 0; i < n && len(b) > 0; i++ {
		b[r.IntN(len(b))] ^= byte(1 << r.IntN(8))
	}
	return b
}

var stormKinds = []stormKind{
	{"m3ua-unknown-class", "M3UA ERR unsupported message class", func(r *rand.Rand, s *storm) []byte {
		return []byte{1, 0, byte(10 + r.IntN(200)), 1, 0, 0, 0, 8}
	}},
	{"m3ua-bad-parameter", "M3UA ERR parameter field error", func(r *rand.Rand, s *storm) []byte {
		b := s.data([]byte{9, 0, 3, 5, 7})
		pd := 8 // the protocol data parameter follows the routing context, if any
		if s.rc != 0 {
			pd += 8
		}
		b[pd+2], b[pd+3] = 0, 6 // protocol data shorter than a routing label
		return b
	}},
	{"sccp-garbage", "dropped, counted as malformed SCCP", func(r *rand.Rand, s *storm) []byte {
		g := make([]byte, 4+r.IntN(40))
		for i := range g {
			g[i] = byte(r.IntN(256))
		}
		g[0] = 0x09
		g[2] = 0xff // first pointer beyond the message
		return s.data(g)
	}},
	{"sccp-unknown-ssn", "UDTS unequipped user", func(r *rand.Rand, s *storm) []byte {
		to := s.scp
		to.SSN = 8
		u, _ := sccp.NewUDT(to, s.msc, s.idp, true).Append(nil)
		return s.data(u)
	}},
	{"tcap-garbage", "P-Abort or discard", func(r *rand.Rand, s *storm) []byte {
		return s.udt(flip(r, s.idp[:12+r.IntN(len(s.idp)-12)], 3))
	}},
	{"tcap-unknown-dtid", "P-Abort unrecognizedTransactionID", func(r *rand.Rand, s *storm) []byte {
		m, _ := tcap.NewContinue(tcap.NewTransactionID(r.Uint32()), tcap.NewTransactionID(r.Uint32()), nil, tcap.NewInvoke(1, 24, []byte{0x30, 0})).Append(nil)
		return s.udt(m)
	}},
	{"cap-bad-argument", "Reject mistypedParameter", func(r *rand.Rand, s *storm) []byte {
		m, _ := tcap.NewBegin(tcap.NewTransactionID(r.Uint32()), tcap.NewAARQ(camel.ACPhase2),
			tcap.NewInvoke(1, 0, []byte{0x30, 0x03, 0x80, 0x01, 0xff})).Append(nil)
		return s.udt(m)
	}},
	{"cap-unknown-ac", "AARE application-context-name-not-supported", func(r *rand.Rand, s *storm) []byte {
		m, _ := tcap.NewBegin(tcap.NewTransactionID(r.Uint32()), tcap.NewAARQ([]byte{4, 0, 0, 1, 0, 50, 0}),
			tcap.NewInvoke(1, 0, []byte{0x30, 0x03, 0x80, 0x01, 0x64})).Append(nil)
		return s.udt(m)
	}},
}

// stallGrace is how long a write may stay blocked after the storm's end
// before the association is closed under it.
const stallGrace = time.Second

// stormReport counts what was sent.
type stormReport struct {
	Sent     map[string]int64  `json:"sent"`
	Expected map[string]string `json:"expectedAnswer"`
	Elapsed  float64           `json:"elapsedSeconds"`
}

func stormCommand() *cobra.Command {
	var (
		conn     connFlags
		rate     float64
		duration time.Duration
		asJSON   bool
	)
	cmd := &cobra.Command{
		Use:   "storm",
		Short: "Send malformed messages at every layer to a live SCP, to see in its metrics that it answers them and keeps serving",
		Long: `storm opens its own association to the SCP and sends, at --rate messages per
second, messages broken at each layer in turn: M3UA (unknown class, bad
parameter), SCCP (garbage, unknown subsystem), TCAP (flipped bits, unknown
DTID) and CAP (a mistyped InitialDP, an unknown application context). The SCP
should answer each the way its protocol says (ERR, UDTS, P-Abort, Reject,
AARE refusal) or drop and count it, and keep serving good calls meanwhile —
run "ssfsim load" beside it and watch both reports and scpd's metrics.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// NaN compares false with 0 and passed, as did +Inf: both sent nothing.
			if !(rate > 0) || math.IsInf(rate, 0) {
				return fmt.Errorf("--rate %v: give a positive number of messages per second", rate)
			}
			if duration <= 0 {
				return fmt.Errorf("--duration %v: give a positive time, e.g. 10s", duration)
			}
			// Messages go at 0, 1/rate, 2/rate… before --duration ends.
			total := math.Ceil(rate*duration.Seconds() - 1e-9)
			if total > 1<<53 {
				return fmt.Errorf("--rate %v for --duration %v is %.3g messages: too many to count", rate, duration, total)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer stop()
			sim, err := conn.start(ctx)
			if err != nil {
				return err
			}
			defer sim.Close()
			assocs := sim.Stack().Node.Associations()
			if len(assocs) == 0 {
				return fmt.Errorf("no association to the SCP")
			}
			p, _ := camel.AppendArgument(nil, camel.ExampleMOInitialDP(), camel.Phase2)
			idp, _ := tcap.NewBegin(tcap.NewTransactionID(1), tcap.NewAARQ(camel.ACPhase2), tcap.NewInvoke(1, 0, p)).Append(nil)
			s := &storm{pc: conn.pc, scpPC: conn.scpPC, rc: conn.rc, idp: idp,
				scp: sccp.Address{RouteOnSSN: true, HasPC: true, PointCode: uint16(conn.scpPC), SSN: sccp.SSNCAP},
				msc: sccp.Address{SSN: sccp.SSNCAP, GT: sccp.GlobalTitle{Indicator: sccp.GTITTNPESNAI, NumberingPlan: sccp.NPISDN,
					NatureOfAddress: sccp.NAIInternational, Digits: conn.mscAddress}}}
			rep := stormReport{Sent: map[string]int64{}, Expected: map[string]string{}}
			r := rand.New(rand.NewPCG(1, 2))
			start := time.Now()
			sendCtx, cancel := context.WithDeadline(ctx, start.Add(duration))
			defer cancel()
			// A write blocks while the SCP does not read: closing the
			// association when one is still blocked stallGrace after the
			// end (or ctrl-C) is what lets it return.
			var stalled atomic.Bool
			finished := make(chan struct{})
			go func() {
				select {
				case <-finished:
					return
				case <-sendCtx.Done():
				}
				select {
				case <-finished:
				case <-time.After(stallGrace):
					stalled.Store(true)
					assocs[0].Close()
				}
			}()
			tick := time.NewTicker(time.Millisecond)
			defer tick.Stop()
			n, sent := int64(total), int64(0)
			var werr error
			// The clock is looked at for each message, not each tick: a
			// rate beyond what can be sent made one tick's burst outlast
			// --duration and ctrl-C.
			for sent < n && sendCtx.Err() == nil && werr == nil {
				for due := min(int64(time.Since(start).Seconds()*rate)+1, n); sent < due && sendCtx.Err() == nil; sent++ {
					k := stormKinds[sent%int64(len(stormKinds))]
					if werr = assocs[0].WriteRaw(k.make(r, s)); werr != nil {
						break
					}
					rep.Sent[k.name]++
					rep.Expected[k.name] = k.expect
				}
				if sent < n && werr == nil {
					select {
					case <-sendCtx.Done():
					case <-tick.C:
					}
				}
			}
			close(finished)
			if werr != nil && stalled.Load() {
				// Say so after the report, rather than hang or lose the counts.
				werr = fmt.Errorf("the SCP stopped reading: a write was still blocked %v after the end, %d messages queued", stallGrace, sent)
			} else if werr != nil {
				werr = fmt.Errorf("association lost after %d messages: %w", sent, werr)
			}
			rep.Elapsed = time.Since(start).Seconds()
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				if err := enc.Encode(rep); err != nil {
					return err
				}
			} else {
				printStorm(cmd.OutOrStdout(), rep)
			}
			return werr
		},
	}
	conn.add(cmd)
	cmd.Flags().Float64Var(&rate, "rate", 100, "malformed messages per second")
	cmd.Flags().DurationVar(&duration, "duration", 10*time.Second, "how long to send")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	return cmd
}

func printStorm(w io.Writer, r stormReport) {
	var names []string
	for n := range r.Sent {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintf(w, "malformed messages sent in %.1fs:\n", r.Elapsed)
	for _, n := range names {
		fmt.Fprintf(w, "  %-20s %6d   expected: %s\n", n, r.Sent[n], r.Expected[n])
	}
	// The storm sends; it does not tally what comes back.
	fmt.Fprintln(w, "the answers are not checked here: compare scpd's scpd_m3ua_errors_sent_total, scpd_sccp_messages_total,")
	fmt.Fprintln(w, "scpd_tcap_p_aborts_sent_total, scpd_cap_rejects_sent_total and scpd_tcap_dialogues_ended_total")
}
