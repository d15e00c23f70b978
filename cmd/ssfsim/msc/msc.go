// Package msc plays the MSC/gsmSSF side of CAMEL against an SCP: it opens
// a dialogue with an InitialDP and then behaves like a gsmSSF would —
// arms the events the SCP requests, counts down ApplyCharging periods and
// reports at their end, answers ActivityTest, reports answer, busy, no
// answer, abandon, route failure and disconnect, and obeys ReleaseCall.
// The simulator's call, load and replay commands and scpd's end-to-end
// tests run calls through it.
package msc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/scpd/scpd/camel"
	"github.com/scpd/scpd/sigtran/m3ua"
	"github.com/scpd/scpd/sigtran/sccp"
	"github.com/scpd/scpd/sigtran/stack"
	"github.com/scpd/scpd/sigtran/tcap/dialogue"
	"github.com/scpd/scpd/sigtran/transport"
)

// Config says how to reach the SCP.
type Config struct {
	// SCP is the M3UA address of the SCP (host:port), reached over
	// Transport: tcp, sctp (kernel), userspace-sctp (raw sockets, root or
	// CAP_NET_RAW) or auto.
	SCP       []string
	Transport transport.Kind
	// Local is the local address to dial from (host:port, port 0 for any);
	// empty lets the system choose.
	Local []string
	// PointCode is the simulated MSC's; SCPPointCode the SCP's.
	PointCode, SCPPointCode uint32
	RoutingContext          uint32
	// MSCAddress is the gsmSSF's global title (calling party address).
	MSCAddress string
	// Trace, when set, records every message in and out.
	Trace m3ua.Tracer
}

// DefaultConfig reaches scpd's embedded default: 127.0.0.1:2905 over TCP,
// MSC point code 1, SCP point code 2.
func DefaultConfig() Config {
	return Config{SCP: []string{"127.0.0.1:2905"}, Transport: transport.TCP, PointCode: 1, SCPPointCode: 2, MSCAddress: "31600000010"}
}

// Sim is a simulated MSC with one association to the SCP.
type Sim struct {
	cfg Config
	st  *stack.Stack
	log *slog.Logger
}

// Start dials the SCP and waits until the association is ASP-ACTIVE.
func Start(ctx context.Context, cfg Config, log *slog.Logger) (*Sim, error) {
	if log == nil {
		log = slog.Default()
	}
	// A transport this host cannot run is said at once, not redialled
	// until ctx ends behind a screen of warnings.
	kind, err := transport.Resolve(cfg.Transport)
	if err == nil && kind == transport.UserspaceSCTP {
		err = transport.UserspaceSCTPAvailable()
	}
	if err != nil {
		return nil, err
	}
	m := m3ua.DefaultConfig()
	m.PointCode = cfg.PointCode
	m.ReconnectMin, m.ReconnectMax = 100*time.Millisecond, 2*time.Second
	m.DialTransport = transport.Config{Kind: cfg.Transport, Local: cfg.Local}
	m.Tracer = cfg.Trace
	m.Peers = []m3ua.Peer{{Name: "scp", Dial: true, Remote: cfg.SCP, PointCode: cfg.SCPPointCode, RoutingContext: cfg.RoutingContext}}
	t := dialogue.DefaultConfig()
	t.LocalAddress = sccp.Address{SSN: sccp.SSNCAP, GT: sccp.GlobalTitle{Indicator: sccp.GTITTNPESNAI, NumberingPlan: sccp.NPISDN,
		NatureOfAddress: sccp.NAIInternational, Digits: cfg.MSCAddress}}
	t.IdleTimeout = 0 // the SCP tests the MSC, not the other way round
	// InitialDP is class 2: an error comes back for it, so the invoke is
	// kept until the SCP answers (a ReturnError for it is then accepted).
	t.InvokeTimer = func(op int64) (uint8, time.Duration) { return uint8(camel.ClassOf(camel.Opcode(op))), 30 * time.Second }
	s := &Sim{cfg: cfg, log: log}
	st, err := stack.New(stack.Config{M3UA: m, SCCP: routingConfig(), TCAP: t}, dialogue.HandlerFunc(s.handle), log)
	if err != nil {
		return nil, err
	}
	s.st = st
	// ctx bounds the wait for the association, not the simulator's life,
	// which Close ends.
	if err := st.Start(context.Background()); err != nil {
		return nil, err
	}
	for !st.Router.Reachable(cfg.SCPPointCode) {
		select {
		case <-ctx.Done():
			st.Close()
			return nil, fmt.Errorf("no ASP-ACTIVE association to the SCP at %v (is scpd serve running and listening there, with this point code among its peers?): %w", strings.Join(cfg.SCP, ", "), ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
	return s, nil
}

// Close takes the association down.
func (s *Sim) Close() { s.st.Close() }

// Stack exposes the simulator's stack (for tests that cut associations).
func (s *Sim) Stack() *stack.Stack { return s.st }

// handle hands each dialogue's events to the call that owns it.
func (s *Sim) handle(ev *dialogue.Event) {
	if r, ok := ev.Dialogue.User.(*run); ok {
		r.events <- ev
	}
}

func (s *Sim) scpAddress() sccp.Address {
	return sccp.Address{RouteOnSSN: true, HasPC: true, PointCode: uint16(s.cfg.SCPPointCode), SSN: sccp.SSNCAP}
}

// run is one call in progress.
type run struct {
	sim    *Sim
	p      Call
	d      *dialogue.Dialogue
	events chan *dialogue.Event
	res    *Result
	start  time.Time
	sent   time.Time // TC-BEGIN handed to the stack, for Result.SCPResponse
	// rrb is what the SCP armed so far, ac the last ApplyCharging, acNew
	// set when one arrived that the script has not started yet: an SCP
	// may send them in any message, not only with its first instruction.
	rrb   *camel.RequestReportBCSMEventArg
	ac    *camel.ApplyChargingArg
	acNew bool
}

// ErrTimeout is returned when the SCP does not answer in time.
var ErrTimeout = errors.New("msc: SCP did not answer in time")
