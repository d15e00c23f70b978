package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/scpd/scpd/camel"
	"github.com/scpd/scpd/cmd/ssfsim/msc"
	"github.com/scpd/scpd/sigtran/transport"
)

// connFlags are the flags that say how to reach the SCP.
type connFlags struct {
	scp            []string
	transport      string
	local          []string
	pc, scpPC, rc  uint32
	mscAddress     string
	connectTimeout time.Duration
}

func (f *connFlags) add(cmd *cobra.Command) {
	d := msc.DefaultConfig()
	cmd.Flags().StringSliceVar(&f.scp, "scp", d.SCP, "SCP M3UA address host:port (several for a multi-homed SCTP peer)")
	cmd.Flags().StringVar(&f.transport, "transport", string(d.Transport), "transport: tcp, sctp (kernel), userspace-sctp (raw sockets: root or CAP_NET_RAW) or auto")
	cmd.Flags().StringSliceVar(&f.local, "local", nil, "local address to dial from (host:port, port 0 for any); default: the system's choice")
	cmd.Flags().Uint32Var(&f.pc, "pc", d.PointCode, "the simulated MSC's point code")
	cmd.Flags().Uint32Var(&f.scpPC, "scp-pc", d.SCPPointCode, "the SCP's point code")
	cmd.Flags().Uint32Var(&f.rc, "rc", 0, "M3UA routing context (0: none)")
	cmd.Flags().StringVar(&f.mscAddress, "msc-address", d.MSCAddress, "the MSC's global title digits")
	cmd.Flags().DurationVar(&f.connectTimeout, "connect-timeout", 10*time.Second, "how long to wait for ASP-ACTIVE")
}

func (f *connFlags) start(ctx context.Context) (*msc.Sim, error) {
	if !slices.Contains(transport.Kinds, transport.Kind(f.transport)) {
		return nil, fmt.Errorf("--transport %q: use tcp, sctp, userspace-sctp or auto", f.transport)
	}
	if f.connectTimeout <= 0 {
		return nil, fmt.Errorf("--connect-timeout %v: must be positive", f.connectTimeout)
	}
	// An address that cannot be one is said at once, not retried until
	// --connect-timeout behind a screen of redial warnings.
	for _, a := range f.scp {
		if _, port, err := net.SplitHostPort(a); err != nil || !validPort(port, false) {
			return nil, fmt.Errorf("--scp %q: want host:port, e.g. 127.0.0.1:2905", a)
		}
	}
	for _, a := range f.local {
		if host, port, err := net.SplitHostPort(a); err != nil || !validPort(port, true) || net.ParseIP(host) == nil && host != "" {
			return nil, fmt.Errorf("--local %q: want ip:port, port 0 for any, e.g. 127.0.0.2:0", a)
		}
	}
	cfg := msc.DefaultConfig()
	cfg.SCP, cfg.Transport, cfg.PointCode, cfg.SCPPointCode = f.scp, transport.Kind(f.transport), f.pc, f.scpPC
	cfg.RoutingContext, cfg.MSCAddress, cfg.Local = f.rc, f.mscAddress, f.local
	ctx, cancel := context.WithTimeout(ctx, f.connectTimeout)
	defer cancel()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	return msc.Start(ctx, cfg, log)
}

// callFlags are one call's parameters.
type callFlags struct {
	serviceKey    uint32
	phase         int
	calling       string
	called        string
	international bool
	imsi          string
	mt            bool
	answerDelay   time.Duration
	hold          time.Duration
	outcome       string
	hangup        string
	acrFirst      bool
}

func (f *callFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.Uint32Var(&f.serviceKey, "service-key", 100, "service key of the InitialDP (scpd default: 100 VPN, 200 prepaid)")
	fl.IntVar(&f.phase, "phase", 2, "CAMEL phase: 2, 3 or 4")
	fl.StringVar(&f.calling, "calling", "31612345001", "calling party (international digits)")
	fl.StringVar(&f.called, "called", "1002", "number dialled (a short number, a national or an international number)")
	fl.BoolVar(&f.international, "international", false, "the dialled number is international")
	fl.StringVar(&f.imsi, "imsi", "", "IMSI of the calling subscriber (default: the example's)")
	fl.BoolVar(&f.mt, "mt", false, "send a mobile-terminated InitialDP (termAttemptAuthorized) instead")
	fl.DurationVar(&f.answerDelay, "answer-delay", time.Second, "ringing time before answer (or before no-answer/abandon)")
	fl.DurationVar(&f.hold, "hold", 3*time.Second, "talk time after answer")
	fl.StringVar(&f.outcome, "outcome", "answer", "answer, busy, no-answer, abandon, route-failure, abort or vanish")
	fl.StringVar(&f.hangup, "hangup", "A", "who hangs up: A (caller) or B (called)")
	fl.BoolVar(&f.acrFirst, "acr-first", false, "send the final ApplyChargingReport before the disconnect EventReportBCSM")
}

func (f *callFlags) call() (msc.Call, error) {
	if f.phase < 2 || f.phase > 4 {
		return msc.Call{}, fmt.Errorf("--phase %d: CAMEL phase must be 2, 3 or 4", f.phase)
	}
	outcome, err := msc.ParseOutcome(f.outcome)
	if err != nil {
		return msc.Call{}, fmt.Errorf("--%w", err)
	}
	if f.hangup != "A" && f.hangup != "B" {
		return msc.Call{}, fmt.Errorf("--hangup %q: use A (caller) or B (called)", f.hangup)
	}
	if f.hold < 0 || f.answerDelay < 0 {
		return msc.Call{}, fmt.Errorf("--hold and --answer-delay must not be negative (0s: at once)")
	}
	return msc.Call{ServiceKey: f.serviceKey, Phase: camel.Phase(f.phase), Calling: f.calling, Called: f.called,
		CalledInternational: f.international, IMSI: f.imsi, MT: f.mt, AnswerDelay: f.answerDelay, HoldTime: f.hold,
		Outcome: outcome, Hangup: msc.Side(f.hangup), ACRBeforeERB: f.acrFirst}, nil
}

func callCommand() *cobra.Command {
	var (
		conn   connFlags
		cf     callFlags
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "call",
		Short: "Play one call against a live SCP, as the MSC, and print the message flow",
		Long: `call opens an M3UA association to the SCP (ASP up, ASP active), sends an
InitialDP and then behaves like a gsmSSF: it arms the events the SCP asks for,
rings for --answer-delay, answers (or reports busy, no answer, abandon or a
route failure), counts down each ApplyCharging period and reports at its end,
answers ActivityTest, hangs up after --hold from the side --hangup names, and
obeys ReleaseCall. The flow is printed as it was exchanged.`,
		Example: `  ssfsim call                                   # ACME member 31612345001 dials short number 1002
  ssfsim call --called 0201234567 --hold 10s     # an off-net call
  ssfsim call --service-key 200 --calling 31612345005 --called 0201234567
  ssfsim call --outcome busy --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := cf.call()
			if err != nil {
				return err
			}
			sim, err := conn.start(cmd.Context())
			if err != nil {
				return err
			}
			defer sim.Close()
			res, err := sim.Call(cmd.Context(), c)
			if res != nil {
				if asJSON {
					enc := json.NewEncoder(cmd.OutOrStdout())
					enc.SetIndent("", "  ")
					if err := enc.Encode(res); err != nil {
						return err
					}
				} else {
					printFlow(cmd.OutOrStdout(), c, res)
				}
			}
			return err
		},
	}
	conn.add(cmd)
	cf.add(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON")
	return cmd
}

func printFlow(w io.Writer, c msc.Call, r *msc.Result) {
	for _, s := range r.Flow {
		fmt.Fprintf(w, "%+8.3fs  %-8s  %-26s %s\n", s.At.Seconds(), s.Dir, s.Message, strings.Join(s.Ops, ", "))
	}
	var parts []string
	switch {
	case r.Connected != "":
		p := "connected to " + r.Connected
		if r.OriginalCalled != "" {
			p += " (dialled " + r.OriginalCalled + ")"
		}
		parts = append(parts, p)
	case r.Continued:
		parts = append(parts, "continued to "+c.Called)
	}
	if len(r.Periods) > 0 {
		var ps []string
		for _, p := range r.Periods {
			ps = append(ps, p.String())
		}
		parts = append(parts, "periods granted "+strings.Join(ps, ", "))
		if r.LastPeriod {
			parts = append(parts, "last period (release at expiry, warning tone)")
		}
	}
	if r.Talk > 0 {
		parts = append(parts, fmt.Sprintf("talk %.1fs", r.Talk.Seconds()))
	}
	if r.Released {
		parts = append(parts, fmt.Sprintf("released by the SCP, cause %s", camel.CauseValue(r.ReleaseCause)))
	}
	if r.ReturnError != "" {
		parts = append(parts, "error "+r.ReturnError)
	}
	if r.FirstAnswer > 0 {
		parts = append(parts, fmt.Sprintf("first answer %.1f ms (SCP response %.1f ms)", float64(r.FirstAnswer.Microseconds())/1000,
			float64(r.SCPResponse.Microseconds())/1000))
	} else {
		parts = append(parts, "no answer from the SCP")
	}
	fmt.Fprintln(w, "result:", strings.Join(parts, "; "))
}

// validPort tells whether s is a port number (0 only when any port will do).
func validPort(s string, zeroOK bool) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n <= 65535 && (n > 0 || zeroOK && n == 0)
}
