package servicelogic

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/scpd/scpd/camel"
	"github.com/scpd/scpd/servicelogic/prepaid"
	"github.com/scpd/scpd/sigtran/ber"
	"github.com/scpd/scpd/sigtran/tcap"
	"github.com/scpd/scpd/sigtran/tcap/dialogue"
	"github.com/scpd/scpd/store"
)

// Service is the call service logic: the TCAP dialogue layer's handler.
type Service struct {
	cfg     Config
	store   *store.Store
	prepaid prepaid.Service
	obs     Observer
	log     *slog.Logger
	now     func() time.Time

	live   sync.Map // call id → *call, for the sweeper and shutdown
	active atomic.Int64
}

// New returns the service logic over the store and the prepaid logic.
func New(cfg Config, st *store.Store, pp prepaid.Service, obs Observer, log *slog.Logger) (*Service, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("servicelogic: %w", err)
	}
	if obs == nil {
		obs = NopObserver{}
	}
	if log == nil {
		log = slog.Default()
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Service{cfg: cfg, store: st, prepaid: pp, obs: obs, log: log.With("layer", "service"), now: now}, nil
}

// AcceptAC is the application-context negotiation of the dialogue layer:
// the gsmSSF-scfGeneric ACs of CAMEL phases 2, 3 and 4.
func AcceptAC(ac ber.OID) bool {
	_, ok := camel.PhaseOf(ac)
	return ok
}

// IsLive reports whether a call is in progress, so the sweeper leaves its
// reservation alone.
func (s *Service) IsLive(callID string) bool {
	_, ok := s.live.Load(callID)
	return ok
}

// admit counts a new call active, or names the bound it would exceed and
// counts nothing. Check and count are one step: checked apart, concurrent
// InitialDPs (one per worker) all saw room for one more and overshot
// max_calls, by a whole burst when the checks were held up together.
func (s *Service) admit() (bound string) {
	o := &s.cfg.Overload
	for {
		n := s.active.Load()
		switch {
		case o.MaxCalls > 0 && n >= int64(o.MaxCalls):
			return "calls"
		case o.MaxStoreQueue > 0 && s.store.Queued() >= o.MaxStoreQueue:
			return "store"
		}
		if s.active.CompareAndSwap(n, n+1) {
			return ""
		}
	}
}

// Active returns the number of calls in progress.
func (s *Service) Active() int { return int(s.active.Load()) }

// HandleEvent implements dialogue.Handler. Events of one dialogue come one
// at a time, so a call needs no lock.
func (s *Service) HandleEvent(ev *dialogue.Event) {
	defer s.recoverCall(ev)
	c, _ := ev.Dialogue.User.(*call)
	if ev.Kind == dialogue.EventBegin {
		s.begin(ev)
		return
	}
	if c == nil {
		// A dialogue without a call (refused at the Begin, or already
		// settled): nothing is owed; close what is still open.
		if ev.Kind == dialogue.EventContinue {
			ev.Dialogue.Abort(nil)
		}
		return
	}
	switch ev.Kind {
	case dialogue.EventContinue:
		c.refusedAnswers(ev.Rejected)
		c.components(ev.Components, false)
	case dialogue.EventEnd:
		c.refusedAnswers(ev.Rejected)
		c.components(ev.Components, true)
	case dialogue.EventAbort:
		c.aborted(ev.Abort)
	case dialogue.EventIdle:
		c.idle()
	case dialogue.EventInvokeTimeout:
		c.invokeTimeout(ev.InvokeID)
	case dialogue.EventTimer:
		c.timer(ev.Timer)
	}
}

// recoverCall keeps a bug in one call from taking every call down with the
// process. The dialogue is aborted (the MSC applies its default call
// handling) and the call leaves the live set: a fee it froze is then settled
// by the sweeper past the reservation's deadline, like after a crash, and the
// sweeper writes its CDR; a call that froze nothing gets its CDR here.
func (s *Service) recoverCall(ev *dialogue.Event) {
	p := recover()
	if p == nil {
		return
	}
	c, _ := ev.Dialogue.User.(*call)
	callID := ""
	if c != nil {
		callID = c.id
	}
	s.log.Error("service logic panicked: dialogue aborted, the call ended", "call", callID, "event", ev.Kind, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
	ev.Dialogue.Abort(nil)
	if c == nil {
		return
	}
	if !c.charging && !c.settled {
		func() {
			defer func() { _ = recover() }() // the CDR of a broken call is not worth a second panic
			c.writeCDR(OutcomeInternalError)
		}()
	}
	c.finish(OutcomeInternalError)
}

// Shutdown settles every call still in progress: each is charged for the
// answered time scpd measured (capped at its grant), its fee returned and
// its CDR written with outcome "shutdown", and its dialogue aborted. Call
// it after the open calls had their chance to end.
func (s *Service) Shutdown(ctx context.Context) {
	s.live.Range(func(_, v any) bool {
		// Settled in the dialogue's own order, like any other event.
		v.(*call).d.AfterFunc(0, timerShutdown)
		return true
	})
	for s.Active() > 0 && ctx.Err() == nil {
		time.Sleep(10 * time.Millisecond)
	}
}

// begin starts a call: steps 101-107 for the first InitialDP of a dialogue.
func (s *Service) begin(ev *dialogue.Event) {
	d := ev.Dialogue
	ph, ok := camel.PhaseOf(d.ApplicationContext())
	if !ok {
		d.Abort(nil) // AcceptAC let it through: configuration error
		return
	}
	var idp *camel.InitialDPArg
	var rejects []tcap.Component
	invokeID := int8(0)
	for _, comp := range ev.Components {
		if comp.Type != tcap.Invoke {
			continue
		}
		op := camel.Opcode(comp.Opcode.Local)
		s.obs.Operation(true, op)
		if op != camel.OpInitialDP || idp != nil {
			rejects = append(rejects, s.reject(comp, tcap.InvokeUnrecognizedOperation))
			continue
		}
		arg, err := camel.DecodeArgument(op, ph, comp.Parameter)
		if err != nil {
			s.log.Warn("InitialDP refused", "dialogue", d.String(), "error", err.Error())
			rejects = append(rejects, s.rejectFor(comp, err))
			continue
		}
		idp, invokeID = arg.(*camel.InitialDPArg), comp.InvokeID
	}
	if idp == nil {
		// Nothing to serve: answer the malformed or missing InitialDP.
		d.End(rejects...)
		return
	}
	c := newCall(s, d, ph, idp)
	c.arrived = ev.Received
	if c.arrived.IsZero() {
		c.arrived = time.Now()
	}
	c.extra = rejects
	d.User = c
	c.start(invokeID)
}

// rejectFor turns an argument that does not decode into the Reject that
// answers it (Q.773 invoke problems).
func (s *Service) rejectFor(comp tcap.Component, err error) tcap.Component {
	p := tcap.InvokeMistypedParameter
	if errors.Is(err, camel.ErrNotInPhase) || errors.Is(err, camel.ErrUnsupported) {
		p = tcap.InvokeUnrecognizedOperation
	}
	return s.reject(comp, p)
}

func (s *Service) reject(comp tcap.Component, p tcap.Problem) tcap.Component {
	s.obs.Reject(p.String())
	return tcap.NewReject(comp.InvokeID, true, p)
}
