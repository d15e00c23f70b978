package msc

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/scpd/scpd/camel"
	"github.com/scpd/scpd/sigtran/m3ua"
	"github.com/scpd/scpd/sigtran/stack"
	"github.com/scpd/scpd/sigtran/tcap"
	"github.com/scpd/scpd/sigtran/tcap/dialogue"
	"github.com/scpd/scpd/sigtran/transport"
)

// scripted is a hand-driven SCP over a real TCP association: the test reads
// each message the simulated MSC sends and writes the SCP's answers.
type scripted struct {
	t      *testing.T
	sim    *Sim
	events chan *dialogue.Event
	d      *dialogue.Dialogue
	phase  camel.Phase
}

const scriptWait = 5 * time.Second

func newScripted(t *testing.T, ph camel.Phase) *scripted {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s := &scripted{t: t, events: make(chan *dialogue.Event, 64), phase: ph}
	mc := m3ua.DefaultConfig()
	mc.PointCode = 2
	mc.Listen = transport.Config{Kind: transport.TCP, Local: []string{"127.0.0.1:0"}}
	mc.Peers = []m3ua.Peer{{Name: "msc", Remote: []string{"127.0.0.1"}, PointCode: 1}}
	tc := dialogue.DefaultConfig()
	tc.IdleTimeout = 0
	scp, err := stack.New(stack.Config{M3UA: mc, TCAP: tc}, dialogue.HandlerFunc(func(ev *dialogue.Event) { s.events <- ev }), log)
	if err != nil {
		t.Fatal(err)
	}
	if err := scp.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(scp.Close)
	cfg := DefaultConfig()
	cfg.SCP = []string{scp.Node.Addr().String()}
	ctx, cancel := context.WithTimeout(context.Background(), scriptWait)
	defer cancel()
	sim, err := Start(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	s.sim = sim
	return s
}

// msg is one message from the MSC, its invokes decoded.
type msg struct {
	kind dialogue.EventKind
	ops  []camel.Opcode
	args []camel.Argument
	ids  []int8
}

func (m *msg) arg(op camel.Opcode) camel.Argument {
	for i, o := range m.ops {
		if o == op {
			return m.args[i]
		}
	}
	return nil
}

// recvWithin waits for the MSC's next message (nil after wait).
func (s *scripted) recvWithin(wait time.Duration) *msg {
	s.t.Helper()
	select {
	case ev := <-s.events:
		if ev.Kind == dialogue.EventBegin {
			s.d = ev.Dialogue
		}
		m := &msg{kind: ev.Kind}
		for _, c := range ev.Components {
			if c.Type != tcap.Invoke {
				continue
			}
			op := camel.Opcode(c.Opcode.Local)
			a, err := camel.DecodeArgument(op, s.phase, c.Parameter)
			if err != nil {
				s.t.Errorf("MSC sent %v that does not decode: %v", op, err)
			}
			m.ops, m.args, m.ids = append(m.ops, op), append(m.args, a), append(m.ids, c.InvokeID)
		}
		return m
	case <-time.After(wait):
		return nil
	}
}

func (s *scripted) recv() *msg {
	s.t.Helper()
	m := s.recvWithin(scriptWait)
	if m == nil {
		s.t.Fatalf("the MSC sent nothing within %v", scriptWait)
	}
	return m
}

func (s *scripted) invoke(a camel.Argument) tcap.Component {
	s.t.Helper()
	p, err := camel.AppendArgument(nil, a, s.phase)
	if err != nil {
		s.t.Fatal(err)
	}
	return tcap.NewInvoke(s.d.NewInvokeID(), int64(a.Opcode()), p)
}

func (s *scripted) op(op camel.Opcode) tcap.Component {
	return tcap.NewInvoke(s.d.NewInvokeID(), int64(op), nil)
}

func (s *scripted) cont(c ...tcap.Component) {
	s.t.Helper()
	if err := s.d.Continue(c...); err != nil {
		s.t.Fatal(err)
	}
}

func (s *scripted) end(c ...tcap.Component) {
	s.t.Helper()
	if err := s.d.End(c...); err != nil {
		s.t.Fatal(err)
	}
}

func rrbe(events ...camel.BCSMEvent) *camel.RequestReportBCSMEventArg {
	return &camel.RequestReportBCSMEventArg{BCSMEvents: events}
}

func ev(t camel.EventTypeBCSM, m camel.MonitorMode, leg camel.LegType) camel.BCSMEvent {
	e := camel.BCSMEvent{EventTypeBCSM: t, MonitorMode: m}
	e.LegID.SendingSideID = leg
	return e
}

func applyCharging(tenths uint32, release bool) *camel.ApplyChargingArg {
	a := &camel.ApplyChargingArg{}
	a.AChBillingChargingCharacteristics.MaxCallPeriodDuration = tenths
	a.AChBillingChargingCharacteristics.ReleaseIfDurationExceeded = release
	return a
}

func releaseCall(cause camel.CauseValue) *camel.ReleaseCallArg {
	a := &camel.ReleaseCallArg{}
	a.Cause.Value = cause
	return a
}

type callDone struct {
	res *Result
	err error
}

// play runs call p in the background.
func (s *scripted) play(p Call) chan callDone {
	done := make(chan callDone, 1)
	go func() {
		res, err := s.sim.Call(context.Background(), p)
		done <- callDone{res, err}
	}()
	return done
}

func waitDone(t *testing.T, done chan callDone) callDone {
	t.Helper()
	select {
	case d := <-done:
		return d
	case <-time.After(3 * scriptWait):
		t.Fatal("the call did not end")
		return callDone{}
	}
}

func erbOf(t *testing.T, m *msg) *camel.EventReportBCSMArg {
	t.Helper()
	a, ok := m.arg(camel.OpEventReportBCSM).(*camel.EventReportBCSMArg)
	if !ok {
		t.Fatalf("MSC sent %v %v, want an EventReportBCSM", m.kind, m.ops)
	}
	return a
}

func acrOf(t *testing.T, m *msg) *camel.ApplyChargingReportArg {
	t.Helper()
	a, ok := m.arg(camel.OpApplyChargingReport).(*camel.ApplyChargingReportArg)
	if !ok {
		t.Fatalf("MSC sent %v %v, want an ApplyChargingReport", m.kind, m.ops)
	}
	return a
}

// The gsmSSF stays in Waiting_For_Instructions after RequestReportBCSMEvent
// and ApplyCharging (TS 23.078 §4.5.7, process CS_gsmSSF: only Connect,
// Continue or ReleaseCall leave it), so a Continue in a later TC-CONTINUE
// routes the call.
func TestReviewInstructionInLaterMessage(t *testing.T) {
	s := newScripted(t, camel.Phase2)
	done := s.play(Call{Calling: "31600000001", Called: "12", HoldTime: 100 * time.Millisecond, Wait: 2 * time.Second})
	if m := s.recv(); m.kind != dialogue.EventBegin {
		t.Fatalf("got %v", m.kind)
	}
	s.cont(s.invoke(rrbe(ev(camel.EventODisconnect, camel.MonitorNotifyAndContinue, camel.Leg1))), s.invoke(applyCharging(600, false)))
	time.Sleep(100 * time.Millisecond)
	s.cont(s.op(camel.OpContinue))
	m := s.recv()
	if m.kind == dialogue.EventAbort {
		t.Fatalf("the MSC aborted instead of waiting for the instruction")
	}
	got := map[camel.Opcode]bool{}
	for _, o := range m.ops {
		got[o] = true
	}
	for len(got) < 2 {
		m := s.recv()
		for _, o := range m.ops {
			got[o] = true
		}
	}
	if !got[camel.OpEventReportBCSM] || !got[camel.OpApplyChargingReport] {
		t.Fatalf("MSC reported %v, want oDisconnect and the final report", got)
	}
	s.end()
	d := waitDone(t, done)
	if d.err != nil || !d.res.Continued || d.res.Talk == 0 {
		t.Fatalf("err %v, result %+v", d.err, d.res)
	}
}

// oAnswer armed interrupted is reported as a request and the call waits for
// the SCP's Continue (TS 29.078 EventReportBCSM: messageType request for an
// EDP-R; TS 23.078 §4.5.7, the gsmSSF moves to Waiting_For_Instructions).
func TestReviewOAnswerInterrupted(t *testing.T) {
	s := newScripted(t, camel.Phase3)
	done := s.play(Call{Phase: camel.Phase3, Calling: "31600000001", Called: "12", Wait: 2 * time.Second})
	s.recv()
	s.cont(s.invoke(rrbe(ev(camel.EventOAnswer, camel.MonitorInterrupted, camel.Leg2), ev(camel.EventODisconnect, camel.MonitorNotifyAndContinue, camel.Leg1))), s.op(camel.OpContinue))
	erb := erbOf(t, s.recv())
	if erb.EventTypeBCSM != camel.EventOAnswer || erb.MiscCallInfo.MessageType != camel.MessageRequest {
		t.Fatalf("oAnswer reported as %v %v, want a request", erb.EventTypeBCSM, erb.MiscCallInfo.MessageType)
	}
	if m := s.recvWithin(300 * time.Millisecond); m != nil {
		t.Fatalf("the MSC went on without the SCP's instruction: %v %v", m.kind, m.ops)
	}
	s.cont(s.op(camel.OpContinue))
	if erb := erbOf(t, s.recv()); erb.EventTypeBCSM != camel.EventODisconnect {
		t.Fatalf("then %v", erb.EventTypeBCSM)
	}
	s.end()
	if d := waitDone(t, done); d.err != nil {
		t.Fatal(d.err)
	}
}

// The SCP need not grant another period after an interim report: the call
// goes on, without duration control, until a party hangs up (TS 23.078
// §4.5.7.1, Handle_AC/Handle_ACR), and the final report counts from answer
// in 100 ms units (TS 29.078 §11.3, timeIfNoTariffSwitch).
func TestReviewNoFurtherApplyCharging(t *testing.T) {
	s := newScripted(t, camel.Phase2)
	done := s.play(Call{Calling: "31600000001", Called: "12", HoldTime: 1500 * time.Millisecond, Wait: 4 * time.Second})
	s.recv()
	s.cont(s.invoke(rrbe(ev(camel.EventODisconnect, camel.MonitorNotifyAndContinue, camel.Leg1))), s.invoke(applyCharging(5, false)), s.op(camel.OpContinue))
	acr := acrOf(t, s.recv())
	if got := acr.CallResult.TimeDurationChargingResult.TimeInformation.TimeIfNoTariffSwitch; got < 5 || got > 7 {
		t.Fatalf("interim report %d tenths, want ~5", got)
	}
	start := time.Now()
	var final *camel.ApplyChargingReportArg
	var disc bool
	for final == nil || !disc {
		m := s.recvWithin(3 * time.Second)
		if m == nil {
			t.Fatalf("no disconnect within 3 s of the interim report (hold 1.5 s)")
		}
		if a, ok := m.arg(camel.OpApplyChargingReport).(*camel.ApplyChargingReportArg); ok {
			final = a
		}
		if _, ok := m.arg(camel.OpEventReportBCSM).(*camel.EventReportBCSMArg); ok {
			disc = true
		}
	}
	if el := time.Since(start); el > 1500*time.Millisecond {
		t.Errorf("hung up %v after the interim report, want ~1 s", el)
	}
	tr := final.CallResult.TimeDurationChargingResult
	if got := tr.TimeInformation.TimeIfNoTariffSwitch; got < 15 || got > 17 || tr.IsLegActive() {
		t.Errorf("final report %d tenths, leg active %v; want ~15, false", got, tr.IsLegActive())
	}
	s.end()
	if d := waitDone(t, done); d.err != nil || d.res.Talk < 1500*time.Millisecond || d.res.Talk > 1700*time.Millisecond {
		t.Fatalf("err %v, talk %v", d.err, d.res.Talk)
	}
}

// An ApplyCharging that comes after the Continue, before answer, still
// controls the call: the period starts at answer (TS 29.078 §11.2).
func TestReviewApplyChargingAfterContinue(t *testing.T) {
	s := newScripted(t, camel.Phase2)
	done := s.play(Call{Calling: "31600000001", Called: "12", AnswerDelay: 300 * time.Millisecond, HoldTime: time.Second, Wait: 2 * time.Second})
	s.recv()
	s.cont(s.invoke(rrbe(ev(camel.EventODisconnect, camel.MonitorNotifyAndContinue, camel.Leg1))), s.op(camel.OpContinue))
	s.cont(s.invoke(applyCharging(5, true)))
	m := s.recv()
	if m.arg(camel.OpApplyChargingReport) == nil { // oDisconnect first (ACRBeforeERB unset)
		m = s.recv()
	}
	acr := acrOf(t, m)
	tr := acr.CallResult.TimeDurationChargingResult
	if got := tr.TimeInformation.TimeIfNoTariffSwitch; got < 5 || got > 7 || tr.IsLegActive() {
		t.Fatalf("report %d tenths, leg active %v; want the call released at ~5", got, tr.IsLegActive())
	}
	s.end()
	d := waitDone(t, done)
	if d.err != nil || d.res.Talk > 700*time.Millisecond || len(d.res.Periods) != 1 {
		t.Fatalf("err %v, result %+v", d.err, d.res)
	}
}

// A ReleaseCall in a TC-CONTINUE during the call: the gsmSSF releases the
// call, sends the report still owed for the ApplyCharging in progress
// (legActive FALSE) and ends the dialogue, rather than aborting it (TS 23.078
// §4.5.7.1 Handle_ACR on release; TS 29.078 §11.3).
func TestReviewReleaseCallMidPeriod(t *testing.T) {
	s := newScripted(t, camel.Phase3)
	done := s.play(Call{Phase: camel.Phase3, Calling: "31600000001", Called: "12", HoldTime: 10 * time.Second, Wait: 2 * time.Second})
	s.recv()
	s.cont(s.invoke(rrbe(ev(camel.EventOAnswer, camel.MonitorNotifyAndContinue, camel.Leg2), ev(camel.EventODisconnect, camel.MonitorInterrupted, camel.Leg1))),
		s.invoke(applyCharging(600, false)), s.op(camel.OpContinue))
	if erb := erbOf(t, s.recv()); erb.EventTypeBCSM != camel.EventOAnswer {
		t.Fatalf("got %v", erb.EventTypeBCSM)
	}
	time.Sleep(500 * time.Millisecond)
	s.cont(s.invoke(releaseCall(camel.CauseNormalClearing)))
	m := s.recv()
	if m.kind != dialogue.EventEnd {
		t.Fatalf("the MSC answered the ReleaseCall with %v %v, want a TC-END with the final report", m.kind, m.ops)
	}
	tr := acrOf(t, m).CallResult.TimeDurationChargingResult
	if got := tr.TimeInformation.TimeIfNoTariffSwitch; got < 5 || got > 7 || tr.IsLegActive() {
		t.Fatalf("final report %d tenths, leg active %v; want ~5, false", got, tr.IsLegActive())
	}
	if m.arg(camel.OpEventReportBCSM) != nil {
		t.Errorf("oDisconnect reported for a release the SCP asked for")
	}
	d := waitDone(t, done)
	if d.err != nil || !d.res.Released || d.res.Talk < 500*time.Millisecond || d.res.Talk > 700*time.Millisecond || d.res.End != "msc-end" {
		t.Fatalf("err %v, result %+v", d.err, d.res)
	}
}

// An interrupted busy answered with Continue in a TC-CONTINUE: the call is
// released and, nothing being left armed, the dialogue ends with TC-END, not
// an abort (TS 23.078 §4.5.7: the gsmSSF returns to Idle).
func TestReviewBusyContinuedEndsDialogue(t *testing.T) {
	s := newScripted(t, camel.Phase2)
	done := s.play(Call{Calling: "31600000001", Called: "12", Outcome: Busy, Wait: 2 * time.Second})
	s.recv()
	s.cont(s.invoke(rrbe(ev(camel.EventOCalledPartyBusy, camel.MonitorInterrupted, camel.Leg2))), s.op(camel.OpContinue))
	if d := s.continuedEnds(t, camel.EventOCalledPartyBusy, done); d.err != nil || d.res.End != "msc-end" {
		t.Fatalf("err %v, result %+v", d.err, d.res)
	}
}

// A ReleaseCall in the TC-END during the call: the MSC knows how long the
// call was answered, and the result says so (msc.Result.Talk).
func TestReviewReleaseCallInEndKeepsTalk(t *testing.T) {
	s := newScripted(t, camel.Phase2)
	done := s.play(Call{Calling: "31600000001", Called: "12", HoldTime: 10 * time.Second, Wait: 2 * time.Second})
	s.recv()
	s.cont(s.invoke(rrbe(ev(camel.EventOAnswer, camel.MonitorNotifyAndContinue, camel.Leg2))), s.invoke(applyCharging(600, false)), s.op(camel.OpContinue))
	s.recv()
	time.Sleep(500 * time.Millisecond)
	s.end(s.invoke(releaseCall(camel.CauseNormalClearing)))
	d := waitDone(t, done)
	if d.err != nil || !d.res.Released || d.res.Talk < 500*time.Millisecond || d.res.Talk > 700*time.Millisecond || d.res.End != "scp-end" {
		t.Fatalf("err %v, result %+v", d.err, d.res)
	}
}

// oDisconnect armed interrupted and answered with Continue in a
// TC-CONTINUE: the MSC ends the dialogue (TC-END), it does not abort it.
func TestReviewDisconnectContinuedEndsDialogue(t *testing.T) {
	s := newScripted(t, camel.Phase2)
	done := s.play(Call{Calling: "31600000001", Called: "12", HoldTime: 100 * time.Millisecond, Wait: 2 * time.Second})
	s.recv()
	s.cont(s.invoke(rrbe(ev(camel.EventODisconnect, camel.MonitorInterrupted, camel.Leg1))), s.op(camel.OpContinue))
	if d := s.continuedEnds(t, camel.EventODisconnect, done); d.err != nil || d.res.End != "msc-end" || d.res.Talk == 0 {
		t.Fatalf("err %v, result %+v", d.err, d.res)
	}
}

// continuedEnds checks that the MSC reports event in request mode (armed
// interrupted), answers it with Continue, sees the MSC end the dialogue with
// TC-END, and returns the call's result.
func (s *scripted) continuedEnds(t *testing.T, event camel.EventTypeBCSM, done chan callDone) callDone {
	t.Helper()
	if erb := erbOf(t, s.recv()); erb.EventTypeBCSM != event || erb.MiscCallInfo.MessageType != camel.MessageRequest {
		t.Fatalf("got %v %v, want %v as a request", erb.EventTypeBCSM, erb.MiscCallInfo.MessageType, event)
	}
	s.cont(s.op(camel.OpContinue))
	if m := s.recv(); m.kind != dialogue.EventEnd {
		t.Fatalf("after Continue the MSC sent %v %v, want TC-END", m.kind, m.ops)
	}
	return waitDone(t, done)
}
