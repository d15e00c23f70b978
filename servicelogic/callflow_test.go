package servicelogic

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/scpd/scpd/camel"
	"github.com/scpd/scpd/servicelogic/prepaid"
	"github.com/scpd/scpd/sigtran/m3ua"
	"github.com/scpd/scpd/sigtran/sccp"
	"github.com/scpd/scpd/sigtran/stack"
	"github.com/scpd/scpd/sigtran/tcap"
	"github.com/scpd/scpd/sigtran/tcap/dialogue"
	"github.com/scpd/scpd/sigtran/transport"
	"github.com/scpd/scpd/store"
)

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// flow is a hand-driven MSC (gsmSSF) talking to scpd over a real TCP
// association: the test writes each TCAP message and reads what scpd
// answers, then looks at the books.
type flow struct {
	t      *testing.T
	svc    *Service
	st     *store.Store
	msc    *stack.Stack
	events chan *dialogue.Event
	phase  camel.Phase
	d      *dialogue.Dialogue
	caller string // calling MSISDN; "" is the prepaid member 31600000001
}

// wait bounds every wait for scpd: generous, only to fail instead of hang.
const flowWait = 10 * time.Second

// newFlow starts scpd over a store whose account A holds balance (tariff
// on-net: 60 per minute, per second) and an MSC connected to it.
func newFlow(t *testing.T, balance int64, ph camel.Phase, mutate ...func(*Config)) *flow {
	t.Helper()
	return newFlowIdle(t, balance, ph, 0, mutate...)
}

// newFlowIdle is newFlow with scpd's dialogues tested (ActivityTest) after
// idle of quiet; 0 keeps the default.
func newFlowIdle(t *testing.T, balance int64, ph camel.Phase, idle time.Duration, mutate ...func(*Config)) *flow {
	t.Helper()
	st := testStore(t, balance)
	cfg := DefaultConfig()
	cfg.FirstQuota, cfg.NextQuota = 60*time.Second, 60*time.Second
	cfg.SettleWait = 300 * time.Millisecond
	cfg.AnswerRecordDelay = time.Hour // not part of these flows
	for _, f := range mutate {
		f(&cfg)
	}
	log := quietLog()
	svc, err := New(cfg, st, flowPrepaid(prepaid.New(st, prepaid.Options{})), nil, log)
	if err != nil {
		t.Fatal(err)
	}
	mc := m3ua.DefaultConfig()
	mc.PointCode = 2
	mc.Listen = transport.Config{Kind: transport.TCP, Local: []string{"127.0.0.1:0"}}
	mc.Peers = []m3ua.Peer{{Name: "msc", Remote: []string{"127.0.0.1"}, PointCode: 1}}
	tc := dialogue.DefaultConfig()
	tc.AcceptAC = AcceptAC
	if idle > 0 {
		tc.IdleTimeout = idle
	}
	scp, err := stack.New(stack.Config{M3UA: mc, TCAP: tc}, svc, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := scp.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(scp.Close)

	f := &flow{t: t, svc: svc, st: st, events: make(chan *dialogue.Event, 64), phase: ph}
	m := m3ua.DefaultConfig()
	m.PointCode = 1
	m.ReconnectMin, m.ReconnectMax = 50*time.Millisecond, time.Second
	m.DialTransport = transport.Config{Kind: transport.TCP}
	m.Peers = []m3ua.Peer{{Name: "scp", Dial: true, Remote: []string{scp.Node.Addr().String()}, PointCode: 2}}
	mt := dialogue.DefaultConfig()
	mt.LocalAddress = sccp.Address{SSN: sccp.SSNCAP, GT: sccp.GlobalTitle{Indicator: sccp.GTITTNPESNAI, NumberingPlan: sccp.NPISDN,
		NatureOfAddress: sccp.NAIInternational, Digits: "31600000010"}}
	mt.IdleTimeout = 0
	mt.InvokeTimer = func(op int64) (uint8, time.Duration) { return uint8(camel.ClassOf(camel.Opcode(op))), time.Minute }
	msc, err := stack.New(stack.Config{M3UA: m, TCAP: mt}, dialogue.HandlerFunc(func(ev *dialogue.Event) { f.events <- ev }), log)
	if err != nil {
		t.Fatal(err)
	}
	if err := msc.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(msc.Close)
	for deadline := time.Now().Add(flowWait); !msc.Router.Reachable(2); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no association between the MSC and scpd")
		}
	}
	f.msc = msc
	return f
}

// said is one message from scpd, its components decoded.
type said struct {
	kind  dialogue.EventKind
	comps []tcap.Component
	args  []camel.Argument // nil for a component that is not an Invoke or has no argument
}

func (s *said) ops() []camel.Opcode {
	var ops []camel.Opcode
	for _, c := range s.comps {
		if c.Type == tcap.Invoke {
			ops = append(ops, camel.Opcode(c.Opcode.Local))
		}
	}
	return ops
}

func (s *said) has(op camel.Opcode) bool {
	for _, o := range s.ops() {
		if o == op {
			return true
		}
	}
	return false
}

func (s *said) applyCharging() *camel.ApplyChargingArg {
	for _, a := range s.args {
		if ac, ok := a.(*camel.ApplyChargingArg); ok {
			return ac
		}
	}
	return nil
}

func (s *said) String() string { return fmt.Sprintf("%v %v", s.kind, s.ops()) }

// recv waits for scpd's next message on the call.
func (f *flow) recv() *said {
	f.t.Helper()
	select {
	case ev := <-f.events:
		s := &said{kind: ev.Kind, comps: ev.Components}
		for _, c := range ev.Components {
			var a camel.Argument
			if c.Type == tcap.Invoke {
				var err error
				a, err = camel.DecodeArgument(camel.Opcode(c.Opcode.Local), f.phase, c.Parameter)
				if err != nil {
					f.t.Fatalf("scpd sent %v that does not decode: %v", camel.Opcode(c.Opcode.Local), err)
				}
			}
			s.args = append(s.args, a)
		}
		return s
	case <-time.After(flowWait):
		f.t.Fatalf("scpd sent nothing within %v", flowWait)
		return nil
	}
}

// begin sends the InitialDP of a VPN call to short number 12 and returns
// scpd's first answer.
func (f *flow) begin() *said {
	f.t.Helper()
	idp := camel.ExampleMOInitialDP()
	idp.CallingPartyNumber.Digits = "31600000001"
	idp.CalledPartyBCDNumber = camel.AddressString{Nature: camel.AddressUnknown, Plan: camel.PlanISDN, Digits: "12"}
	if f.caller != "" {
		idp.CallingPartyNumber.Digits = f.caller
		idp.CalledPartyBCDNumber.Digits = "11"
	}
	return f.beginWith(idp)
}

// beginWith sends idp in a TC-BEGIN and returns scpd's first answer.
func (f *flow) beginWith(idp *camel.InitialDPArg) *said {
	f.t.Helper()
	p, err := camel.AppendArgument(nil, idp, f.phase)
	if err != nil {
		f.t.Fatal(err)
	}
	scp := sccp.Address{RouteOnSSN: true, HasPC: true, PointCode: 2, SSN: sccp.SSNCAP}
	d, err := f.msc.TCAP.Begin(2, scp, f.phase.ApplicationContext(), tcap.NewInvoke(1, int64(camel.OpInitialDP), p))
	if err != nil {
		f.t.Fatal(err)
	}
	f.d = d
	return f.recv()
}

func (f *flow) invoke(a camel.Argument) tcap.Component {
	f.t.Helper()
	p, err := camel.AppendArgument(nil, a, f.phase)
	if err != nil {
		f.t.Fatal(err)
	}
	return tcap.NewInvoke(f.d.NewInvokeID(), int64(a.Opcode()), p)
}

func (f *flow) erb(ev camel.EventTypeBCSM, leg camel.LegType, mt camel.MessageType) tcap.Component {
	info := camel.EventSpecificInformationBCSM{}
	switch ev {
	case camel.EventOAnswer:
		info.OAnswerSpecificInfo = &camel.AnswerSpecificInfo{}
	case camel.EventODisconnect:
		info.ODisconnectSpecificInfo = &camel.DisconnectSpecificInfo{ReleaseCause: &camel.Cause{Location: camel.LocationUser, Value: camel.CauseNormalClearing}}
	}
	return f.invoke(&camel.EventReportBCSMArg{EventTypeBCSM: ev, EventSpecificInformationBCSM: info, LegID: leg, MiscCallInfo: camel.MiscCallInfo{MessageType: mt}})
}

func (f *flow) acrWith(ti camel.TimeInformation, legActive bool) tcap.Component {
	active := legActive
	return f.invoke(&camel.ApplyChargingReportArg{CallResult: camel.CallResult{TimeDurationChargingResult: camel.TimeDurationChargingResult{
		PartyToCharge: camel.Leg1, TimeInformation: ti, LegActive: &active}}})
}

// acr reports talk time since answer (timeIfNoTariffSwitch), in 100 ms units.
func (f *flow) acr(tenths uint32, legActive bool) tcap.Component {
	return f.acrWith(camel.TimeInformation{TimeIfNoTariffSwitch: tenths}, legActive)
}

func (f *flow) cont(comps ...tcap.Component) {
	f.t.Helper()
	if err := f.d.Continue(comps...); err != nil {
		f.t.Fatal(err)
	}
}

// settled waits until the call has left scpd and returns its CDR and the account.
func (f *flow) settled() (store.CDR, store.Account) {
	f.t.Helper()
	var cdrs []store.CDR
	var acct store.Account
	for deadline := time.Now().Add(flowWait); ; time.Sleep(10 * time.Millisecond) {
		err := f.st.View(func(tx *store.Tx) (err error) {
			if cdrs, err = tx.CDRs(store.CDRFilter{}); err != nil {
				return err
			}
			acct, err = tx.Account("A")
			return err
		})
		if err != nil {
			f.t.Fatal(err)
		}
		if f.svc.Active() == 0 && len(cdrs) > 0 {
			break
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("call not settled within %v: %d active, %d CDRs", flowWait, f.svc.Active(), len(cdrs))
		}
	}
	if len(cdrs) != 1 {
		f.t.Fatalf("%d CDRs, want 1: %+v", len(cdrs), cdrs)
	}
	rep, err := f.st.Audit()
	if err != nil || !rep.OK() || rep.Totals.Frozen != 0 {
		f.t.Fatalf("audit: %+v %v, want balanced books with nothing frozen", rep, err)
	}
	return cdrs[0], acct
}

// answered runs a call to the answer: InitialDP, scpd's first answer
// (RRBE, ApplyCharging, Connect), then oAnswer.
func (f *flow) answered() *said {
	f.t.Helper()
	first := f.begin()
	if first.kind != dialogue.EventContinue || !first.has(camel.OpApplyCharging) || !first.has(camel.OpConnect) {
		f.t.Fatalf("first answer %v, want RRBE, ApplyCharging and Connect in a TC-CONTINUE", first)
	}
	f.cont(f.erb(camel.EventOAnswer, camel.Leg2, camel.MessageNotification))
	return first
}

// A tariff switch during the call: the MSC reports timeIfTariffSwitch
// {timeSinceTariffSwitch 300, tariffSwitchInterval 600}, both in 100 ms
// units (CAP-datatypes TimeIfTariffSwitch): 30 s after the switch that came
// 60 s into the call, 90 s of talk. scpd must charge 90 s (90 units), not
// read the interval as seconds (630 s, capped at the 120 s frozen).
func TestFlowTariffSwitchReportIn100ms(t *testing.T) {
	f := newFlow(t, 10_000, camel.Phase3)
	f.answered()
	f.cont(f.acr(600, true)) // first period of 60 s
	next := f.recv()
	if ac := next.applyCharging(); ac == nil {
		t.Fatalf("after the interim report: %v, want ApplyCharging", next)
	}
	f.cont(f.acrWith(camel.TimeInformation{TimeIfTariffSwitch: &camel.TimeIfTariffSwitch{TimeSinceTariffSwitch: 300, TariffSwitchInterval: 600}}, false),
		f.erb(camel.EventODisconnect, camel.Leg1, camel.MessageRequest))
	end := f.recv()
	if end.kind != dialogue.EventEnd {
		t.Fatalf("after the final report and disconnect: %v, want TC-END", end)
	}
	cdr, acct := f.settled()
	if cdr.Duration != 90 || cdr.Charged != 90 || acct.Charged != 90 || acct.Available != 10_000-90 {
		t.Fatalf("CDR duration %d charged %d, account %+v; want 90 s charged 90", cdr.Duration, cdr.Charged, acct)
	}
}

// oAnswer reported in request mode (miscCallInfo messageType request, the
// DEFAULT when absent): the gsmSSF has suspended the call and waits for an
// instruction. scpd must answer Continue; before, it sent nothing and the
// call hung until the gsmSSF's Tssf expired. The call then runs and is
// charged as usual.
func TestFlowAnswerInRequestModeIsContinued(t *testing.T) {
	f := newFlow(t, 10_000, camel.Phase3)
	f.begin()
	f.cont(f.erb(camel.EventOAnswer, camel.Leg2, camel.MessageRequest))
	got := f.recv()
	if got.kind != dialogue.EventContinue || !got.has(camel.OpContinue) {
		t.Fatalf("after oAnswer in request mode: %v, want Continue in a TC-CONTINUE", got)
	}
	f.cont(f.acr(600, true))
	next := f.recv()
	if next.applyCharging() == nil || next.has(camel.OpContinue) {
		t.Fatalf("after the interim report: %v, want ApplyCharging alone", next)
	}
	f.cont(f.acr(450+600, false), f.erb(camel.EventODisconnect, camel.Leg1, camel.MessageRequest))
	if end := f.recv(); end.kind != dialogue.EventEnd || !end.has(camel.OpReleaseCall) {
		t.Fatalf("after the final report and disconnect: %v, want TC-END with ReleaseCall", end)
	}
	cdr, acct := f.settled()
	if cdr.Duration != 105 || cdr.Charged != 105 || acct.Charged != 105 || cdr.Outcome != OutcomeAnswered {
		t.Fatalf("CDR %+v, account %+v; want 105 s answered, 105 charged", cdr, acct)
	}
}

// A VPN call without prepaid gets no ApplyCharging, so an
// ApplyChargingReport on it reports a period never granted: there is no
// quota to renew. Before, scpd tried to freeze a next quota on an account
// the subscriber does not have, failed, and released the call with
// temporaryFailure (outcome system-failure). The call must go on and end
// normally, with one CDR.
func TestFlowReportOnCallWithoutChargingKeepsCall(t *testing.T) {
	f := newFlow(t, 10_000, camel.Phase3)
	f.caller = "31600000002" // VPN member without prepaid
	first := f.begin()
	if first.has(camel.OpApplyCharging) || !first.has(camel.OpConnect) {
		t.Fatalf("first answer %v, want RRBE and Connect without ApplyCharging", first)
	}
	f.cont(f.erb(camel.EventOAnswer, camel.Leg2, camel.MessageNotification), f.acr(600, true))
	// Not checked: before the fix scpd may have ended the dialogue already.
	_ = f.d.Continue(f.erb(camel.EventODisconnect, camel.Leg1, camel.MessageRequest))
	end := f.recv()
	var cause camel.CauseValue
	for _, a := range end.args {
		if r, ok := a.(*camel.ReleaseCallArg); ok {
			cause = r.Cause.Value
		}
	}
	if end.kind != dialogue.EventEnd || cause != camel.CauseNormalClearing {
		t.Fatalf("after a report on a call never charged, then the disconnect: %v cause %d, want TC-END with ReleaseCall normal clearing", end, cause)
	}
	var cdrs []store.CDR
	for deadline := time.Now().Add(flowWait); len(cdrs) == 0 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		f.st.View(func(tx *store.Tx) (err error) { cdrs, err = tx.CDRs(store.CDRFilter{}); return err })
	}
	if len(cdrs) != 1 || cdrs[0].Outcome != OutcomeAnswered || cdrs[0].Charged != 0 {
		t.Fatalf("CDRs %+v, want one answered, nothing charged", cdrs)
	}
}

// An MSC that answers ActivityTest with a Reject (or a ReturnError, which
// ActivityTest does not define) still has the dialogue: the call goes on,
// and is charged as usual at its end.
func TestFlowActivityTestRejectedKeepsCall(t *testing.T) {
	for _, answer := range []string{"reject", "returnError"} {
		t.Run(answer, func(t *testing.T) {
			f := newFlowIdle(t, 10_000, camel.Phase3, 300*time.Millisecond)
			f.answered()
			var at *said
			for at == nil {
				m := f.recv()
				if m.has(camel.OpActivityTest) {
					at = m
				}
			}
			id := at.comps[0].InvokeID
			for _, c := range at.comps {
				if c.Type == tcap.Invoke && camel.Opcode(c.Opcode.Local) == camel.OpActivityTest {
					id = c.InvokeID
				}
			}
			reply := tcap.NewReject(id, true, tcap.InvokeUnrecognizedOperation)
			if answer == "returnError" {
				reply = tcap.NewReturnError(id, int64(camel.ErrorCodeSystemFailure), nil)
			}
			f.cont(reply)
			// The call is still up and tested again at the next idle time
			// (a ReturnError, which ActivityTest does not define, is
			// refused by the TCAP layer but still answers the test).
			for again := false; !again; {
				for _, c := range f.recv().comps {
					if c.Type == tcap.Invoke && camel.Opcode(c.Opcode.Local) == camel.OpActivityTest {
						again = true
						f.cont(tcap.NewReturnResultLast(c.InvokeID, int64(camel.OpActivityTest), nil))
					}
				}
			}
			// The MSC reports its end and is charged.
			f.cont(f.acr(300, false), f.erb(camel.EventODisconnect, camel.Leg1, camel.MessageRequest))
			cdr, acct := f.settled()
			if cdr.Outcome != OutcomeAnswered || cdr.Charged != 30 || acct.Charged != 30 {
				t.Fatalf("after an ActivityTest %s, then 30 s reported: CDR %s charged %d, account charged %d; want answered, 30", answer, cdr.Outcome, cdr.Charged, acct.Charged)
			}
		})
	}
}

// A Reject answers the ActivityTest only when it names scpd's invoke: an
// invoke or general problem. A returnResult or returnError problem rejects
// a result or error scpd sent, under the MSC's own invoke ID, even when
// that equals the ActivityTest's: it is an MSC refusal, not the test's
// answer (X.880 Reject).
func TestFlowActivityTestRejectMatch(t *testing.T) {
	for _, tc := range []struct {
		name    string
		problem tcap.Problem
		outcome string // "" keeps the call to its reported end
	}{
		{"invoke problem", tcap.InvokeUnrecognizedOperation, ""},
		{"general problem", tcap.GeneralMistypedComponent, ""},
		{"returnResult problem", tcap.ReturnResultUnrecognizedInvokeID, OutcomeMSCError},
		{"returnError problem", tcap.ReturnErrorUnexpectedError, OutcomeMSCError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFlowIdle(t, 10_000, camel.Phase3, 300*time.Millisecond)
			f.answered()
			var id int8
			for found := false; !found; {
				for _, c := range f.recv().comps {
					if c.Type == tcap.Invoke && camel.Opcode(c.Opcode.Local) == camel.OpActivityTest {
						id, found = c.InvokeID, true
					}
				}
			}
			f.cont(tcap.NewReject(id, true, tc.problem))
			if tc.outcome == "" {
				f.cont(f.acr(300, false), f.erb(camel.EventODisconnect, camel.Leg1, camel.MessageRequest))
			}
			cdr, _ := f.settled()
			want := tc.outcome
			if want == "" {
				want = OutcomeAnswered
			}
			if cdr.Outcome != want {
				t.Fatalf("ActivityTest answered with a Reject %v: CDR %s, want %s", tc.problem, cdr.Outcome, want)
			}
		})
	}
}
