package msc

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/scpd/scpd/camel"
	"github.com/scpd/scpd/sigtran/tcap"
	"github.com/scpd/scpd/sigtran/tcap/dialogue"
)

// Outcome is how a simulated call goes.
type Outcome string

// Outcomes.
const (
	Answer       Outcome = "answer"        // answered, then released by one side after the hold time
	Busy         Outcome = "busy"          // the called party is busy
	NoAnswer     Outcome = "no-answer"     // it rings for the answer delay, nobody answers
	Abandon      Outcome = "abandon"       // the caller hangs up while it rings
	RouteFailure Outcome = "route-failure" // the network cannot route the call
	Abort        Outcome = "abort"         // answered, then the MSC aborts the dialogue after the hold time
	Vanish       Outcome = "vanish"        // answered, then the MSC forgets the dialogue: nothing more is sent or answered
)

// Side says who hangs up.
type Side string

// Sides of a call.
const (
	SideA Side = "A" // the calling party (oDisconnect on leg 1)
	SideB Side = "B" // the called party (oDisconnect on leg 2)
)

// Call is one call's parameters, as a lab sets them.
type Call struct {
	ServiceKey uint32
	Phase      camel.Phase
	Calling    string // international digits
	Called     string // as dialled
	// CalledInternational marks Called as an international number.
	CalledInternational bool
	IMSI                string
	// MT sends a mobile-terminated InitialDP (termAttemptAuthorized).
	MT           bool
	AnswerDelay  time.Duration
	HoldTime     time.Duration
	Outcome      Outcome
	Hangup       Side
	ACRBeforeERB bool
	// Wait bounds each wait for the SCP (default 10 s).
	Wait time.Duration
	// InitialDP, when set, is sent as is (a replayed capture's), in Phase,
	// instead of the one built from ServiceKey, Calling, Called, IMSI and
	// MT; the rest of the call follows the same script.
	InitialDP *camel.InitialDPArg
}

// Step is one message of the flow.
type Step struct {
	At      time.Duration `json:"at"`
	Dir     string        `json:"dir"` // "MSC->SCP" or "SCP->MSC"
	Message string        `json:"message"`
	Ops     []string      `json:"operations,omitempty"`
}

// Result is what happened, for the lab to read.
type Result struct {
	// SCPTransaction is the SCP's transaction ID (hex), which scpd puts at
	// the end of the call id of its CDR.
	SCPTransaction string        `json:"scpTransaction,omitempty"`
	Flow           []Step        `json:"flow"`
	FirstAnswer    time.Duration `json:"firstAnswer"`
	// SCPResponse is the SCP's part of FirstAnswer: from the TC-BEGIN
	// handed to the SIGTRAN stack to the first answer taken off the
	// association, without the simulator's own queueing on the way back to
	// the script (which FirstAnswer includes). Zero if the answer came from
	// the stack itself (a local abort) rather than the SCP.
	SCPResponse time.Duration `json:"scpResponse,omitempty"`
	// What the SCP instructed.
	Armed          []string        `json:"armed,omitempty"`
	Connected      string          `json:"connected,omitempty"`
	OriginalCalled string          `json:"originalCalled,omitempty"`
	Continued      bool            `json:"continued,omitempty"`
	Periods        []time.Duration `json:"periods,omitempty"`
	LastPeriod     bool            `json:"releaseIfDurationExceeded,omitempty"`
	Tone           bool            `json:"tone,omitempty"`
	Released       bool            `json:"released"`
	ReleaseCause   int             `json:"releaseCause,omitempty"`
	ReturnError    string          `json:"returnError,omitempty"`
	Rejects        []string        `json:"rejects,omitempty"`
	ActivityTests  int             `json:"activityTests,omitempty"`
	// Talk is the answered time the MSC reported.
	Talk time.Duration `json:"talk"`
	// End says how the dialogue ended: "scp-end", "scp-abort", "msc-end", "msc-abort".
	End string `json:"end"`
}

// scpSays is what one SCP message asked for.
type scpSays struct {
	rrb     *camel.RequestReportBCSMEventArg
	ac      *camel.ApplyChargingArg
	release *camel.ReleaseCallArg
	connect bool
	cont    bool
	ended   bool
	aborted bool
	refused bool // a ReturnError or Reject
}

// Call runs one call and returns its flow.
func (s *Sim) Call(ctx context.Context, p Call) (*Result, error) {
	if p.Phase == 0 {
		p.Phase = camel.Phase2
	}
	if p.Wait == 0 {
		p.Wait = 10 * time.Second
	}
	if p.Outcome == "" {
		p.Outcome = Answer
	}
	if p.Hangup == "" {
		p.Hangup = SideA
	}
	r := &run{sim: s, p: p, events: make(chan *dialogue.Event, 32), res: &Result{}, start: time.Now()}
	idp := p.InitialDP
	if idp == nil {
		idp = initialDP(p)
	}
	param, err := camel.AppendArgument(nil, idp, p.Phase)
	if err != nil {
		return nil, fmt.Errorf("msc: InitialDP: %w", err)
	}
	r.sent = time.Now()
	d, err := s.st.TCAP.BeginWith(r, s.cfg.SCPPointCode, s.scpAddress(), p.Phase.ApplicationContext(), tcap.NewInvoke(1, int64(camel.OpInitialDP), param))
	if err != nil {
		return nil, fmt.Errorf("msc: TC-BEGIN: %w", err)
	}
	r.d = d
	r.step("MSC->SCP", "TC-BEGIN", "initialDP")
	err = r.script(ctx)
	if errors.Is(err, errEnded) {
		err = nil // the SCP ended the call while the MSC waited: a result, not a failure
	}
	if r.d.State() != dialogue.Closed {
		r.d.Abort(nil)
	}
	return r.res, err
}

// initialDP builds the InitialDP of the call from the example MSC values.
func initialDP(p Call) *camel.InitialDPArg {
	var idp *camel.InitialDPArg
	if p.MT {
		idp = camel.ExampleMTInitialDP()
		idp.CalledPartyNumber.Digits = p.Called
	} else {
		idp = camel.ExampleMOInitialDP()
		idp.CalledPartyBCDNumber = camel.AddressString{Nature: camel.AddressUnknown, Plan: camel.PlanISDN, Digits: p.Called}
		if p.CalledInternational {
			idp.CalledPartyBCDNumber.Nature = camel.AddressInternational
		}
	}
	if p.Phase == camel.Phase2 {
		idp.InitialDPArgExtension = nil // the phase 2 extension has other members
	}
	idp.ServiceKey = p.ServiceKey
	idp.CallingPartyNumber.Digits = p.Calling
	if p.IMSI != "" {
		idp.IMSI = camel.IMSI(p.IMSI)
	}
	return idp
}

func (r *run) step(dir, msg string, ops ...string) {
	r.res.Flow = append(r.res.Flow, Step{At: time.Since(r.start), Dir: dir, Message: msg, Ops: ops})
}

// recv waits for the SCP's next message, up to max (0: the call's Wait),
// answering ActivityTest on the way. It returns nil at the deadline.
func (r *run) recv(ctx context.Context, max time.Duration) (*scpSays, error) {
	if max == 0 {
		max = r.p.Wait
	}
	timer := time.NewTimer(max)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-timer.C:
			return nil, nil
		case ev := <-r.events:
			says := r.read(ev)
			if says != nil {
				return says, nil
			}
		}
	}
}

// read records an event and returns what the SCP asked, or nil when the
// message needed nothing of the script (an ActivityTest, answered here).
func (r *run) read(ev *dialogue.Event) *scpSays {
	says := &scpSays{}
	var ops []string
	msg := "TC-CONTINUE"
	switch ev.Kind {
	case dialogue.EventEnd:
		msg, says.ended = "TC-END", true
		r.res.End = "scp-end"
	case dialogue.EventAbort:
		msg, says.aborted = "TC-ABORT ("+ev.Abort.Cause.String()+")", true
		r.res.End = "scp-abort"
	case dialogue.EventContinue:
	default:
		return nil
	}
	onlyAT := ev.Kind == dialogue.EventContinue
	for _, c := range ev.Components {
		switch c.Type {
		case tcap.Invoke:
			op := camel.Opcode(c.Opcode.Local)
			ops = append(ops, op.String())
			if op != camel.OpActivityTest {
				onlyAT = false
			}
			arg, err := camel.DecodeArgument(op, r.p.Phase, c.Parameter)
			if err != nil {
				r.res.Rejects = append(r.res.Rejects, "cannot decode "+op.String()+": "+err.Error())
				continue
			}
			switch a := arg.(type) {
			case *camel.RequestReportBCSMEventArg:
				says.rrb = a
				r.rrb = rearm(r.rrb, a)
				for _, e := range a.BCSMEvents {
					name := e.EventTypeBCSM.String()
					if e.LegID.SendingSideID != 0 {
						name += fmt.Sprintf("/leg%d", e.LegID.SendingSideID)
					}
					r.res.Armed = append(r.res.Armed, name+" "+e.MonitorMode.String())
				}
			case *camel.ApplyChargingArg:
				says.ac, r.ac, r.acNew = a, a, true
				ch := a.AChBillingChargingCharacteristics
				r.res.Periods = append(r.res.Periods, time.Duration(ch.MaxCallPeriodDuration)*100*time.Millisecond)
				r.res.LastPeriod, r.res.Tone = ch.ReleaseIfDurationExceeded, ch.Tone
			case *camel.ConnectArg:
				says.connect = true
				r.res.Connected = a.DestinationRoutingAddress.Digits
				r.res.OriginalCalled = a.OriginalCalledPartyID.Digits
			case *camel.ReleaseCallArg:
				says.release = a
				r.res.Released, r.res.ReleaseCause = true, int(a.Cause.Value)
			}
			if op == camel.OpContinue {
				says.cont, r.res.Continued = true, true
			}
			if op == camel.OpActivityTest {
				r.res.ActivityTests++
				if ev.Kind == dialogue.EventContinue {
					r.d.Continue(tcap.NewReturnResultLast(c.InvokeID, int64(camel.OpActivityTest), nil))
				}
			}
		case tcap.ReturnError:
			ops = append(ops, "returnError "+camel.ErrorCode(c.ErrorCode.Local).String())
			r.res.ReturnError = camel.ErrorCode(c.ErrorCode.Local).String()
			says.refused = true
		case tcap.Reject:
			ops = append(ops, "reject "+c.Problem.String())
			r.res.Rejects = append(r.res.Rejects, c.Problem.String())
			says.refused = true
		}
	}
	if r.res.FirstAnswer == 0 {
		r.res.FirstAnswer = time.Since(r.start)
		if !ev.Received.IsZero() {
			r.res.SCPResponse = ev.Received.Sub(r.sent)
		}
		r.res.SCPTransaction = r.d.RemoteTID().String()
	}
	r.step("SCP->MSC", msg, ops...)
	if onlyAT && len(ops) > 0 {
		r.step("MSC->SCP", "TC-CONTINUE", "returnResult activityTest")
		return nil
	}
	return says
}

// armed reports whether the SCP armed ev and in which mode.
func armed(rrb *camel.RequestReportBCSMEventArg, ev camel.EventTypeBCSM, leg camel.LegType) (camel.MonitorMode, bool) {
	if rrb == nil {
		return 0, false
	}
	for _, e := range rrb.BCSMEvents {
		if e.EventTypeBCSM == ev && (leg == 0 || e.LegID.SendingSideID == 0 || e.LegID.SendingSideID == leg) {
			return e.MonitorMode, e.MonitorMode != camel.MonitorTransparent
		}
	}
	return 0, false
}

// rearm applies a later RequestReportBCSMEvent: an event it names (on the
// same leg) takes its new monitor mode, transparent disarming it; the
// others stay armed (TS 29.078, RequestReportBCSMEvent procedure).
func rearm(old, add *camel.RequestReportBCSMEventArg) *camel.RequestReportBCSMEventArg {
	if old == nil {
		return add
	}
	out := &camel.RequestReportBCSMEventArg{}
	for _, e := range old.BCSMEvents {
		replaced := false
		for _, n := range add.BCSMEvents {
			if n.EventTypeBCSM == e.EventTypeBCSM && n.LegID.SendingSideID == e.LegID.SendingSideID {
				replaced = true
			}
		}
		if !replaced {
			out.BCSMEvents = append(out.BCSMEvents, e)
		}
	}
	out.BCSMEvents = append(out.BCSMEvents, add.BCSMEvents...)
	return out
}

// ErrNoInstruction is returned when the SCP's first answer neither routes
// nor releases the call.
var ErrNoInstruction = errors.New("msc: the SCP neither connected, continued nor released the call")

// instruction waits in Waiting_For_Instructions: RequestReportBCSMEvent,
// ApplyCharging and the like are taken on the way (read keeps them), only
// Connect, Continue or ReleaseCall (or the dialogue's end) leave it
// (TS 23.078 §4.5.7, process CS_gsmSSF). A silent SCP is ErrTimeout (Tssf);
// an error or reject alone is ErrNoInstruction.
func (r *run) instruction(ctx context.Context) (*scpSays, error) {
	for {
		says, err := r.recv(ctx, 0)
		if err != nil {
			return nil, err
		}
		if says == nil {
			return nil, ErrTimeout
		}
		if says.ended || says.aborted || says.release != nil || says.connect || says.cont {
			return says, nil
		}
		if says.refused && says.rrb == nil && says.ac == nil {
			return nil, ErrNoInstruction
		}
	}
}

func (r *run) script(ctx context.Context) error {
	first, err := r.instruction(ctx)
	if err != nil {
		return err
	}
	if first.ended || first.aborted || first.release != nil {
		return nil
	}
	p := r.p
	switch p.Outcome {
	case Busy:
		return r.report(ctx, camel.EventOCalledPartyBusy, camel.Leg2, &camel.EventSpecificInformationBCSM{
			OCalledPartyBusySpecificInfo: &camel.OCalledPartyBusySpecificInfo{BusyCause: &camel.Cause{Location: camel.LocationPublicRemote, Value: camel.CauseUserBusy}}})
	case RouteFailure:
		return r.report(ctx, camel.EventRouteSelectFailure, 0, &camel.EventSpecificInformationBCSM{
			RouteSelectFailureSpecificInfo: &camel.RouteSelectFailureSpecificInfo{FailureCause: &camel.Cause{Location: camel.LocationTransit, Value: camel.CauseNoCircuitAvailable}}})
	case NoAnswer:
		if err := r.sleep(ctx, p.AnswerDelay); err != nil {
			return err
		}
		return r.report(ctx, camel.EventONoAnswer, camel.Leg2, &camel.EventSpecificInformationBCSM{ONoAnswerSpecificInfo: &camel.ONoAnswerSpecificInfo{}})
	case Abandon:
		if err := r.sleep(ctx, p.AnswerDelay); err != nil {
			return err
		}
		return r.report(ctx, camel.EventOAbandon, camel.Leg1, &camel.EventSpecificInformationBCSM{OAbandonSpecificInfo: &camel.OAbandonSpecificInfo{}})
	}
	// Answer (and Abort, which answers first).
	if err := r.sleep(ctx, p.AnswerDelay); err != nil {
		return err
	}
	// Tcp counts from answer (TS 29.078 §11.3: time since answer).
	answered := time.Now()
	var periodEnd time.Time // zero: no period running
	if r.ac != nil {
		periodEnd, r.acNew = answered.Add(period(r.ac)), false
	}
	if mode, ok := armed(r.rrb, camel.EventOAnswer, camel.Leg2); ok {
		info := &camel.EventSpecificInformationBCSM{OAnswerSpecificInfo: &camel.AnswerSpecificInfo{}}
		if mode == camel.MonitorNotifyAndContinue {
			r.send(r.erb(camel.EventOAnswer, camel.Leg2, info, camel.MessageNotification))
		} else {
			// EDP-R: the call waits for the SCP's instruction.
			if err := r.send(r.erb(camel.EventOAnswer, camel.Leg2, info, camel.MessageRequest)); err != nil {
				return nil
			}
			says, err := r.instruction(ctx)
			if err != nil {
				return err
			}
			if says.ended || says.aborted || says.release != nil {
				return r.releasedBySCP(answered, !periodEnd.IsZero())
			}
		}
	}
	hangup := answered.Add(p.HoldTime)
	for {
		if r.acNew { // a new ApplyCharging starts a new period on receipt
			periodEnd, r.acNew = time.Now().Add(period(r.ac)), false
		}
		next, expiry := hangup, !periodEnd.IsZero() && !periodEnd.After(hangup)
		if expiry {
			next = periodEnd // the period (Tcp) runs out first
		}
		var says *scpSays
		if wait := time.Until(next); wait > 0 {
			if says, err = r.recv(ctx, wait); err != nil {
				return err
			}
		}
		if says != nil {
			if says.ended || says.aborted || says.release != nil {
				return r.releasedBySCP(answered, !periodEnd.IsZero())
			}
			continue
		}
		if !expiry {
			break // the call ends before the period does
		}
		talk := time.Since(answered)
		if r.ac.AChBillingChargingCharacteristics.ReleaseIfDurationExceeded {
			// The gsmSSF releases the call at the end of the last period.
			r.res.Talk = talk
			return r.finish(ctx, camel.Leg1, talk, true)
		}
		// Interim report; the call goes on, with or without a new period.
		if err := r.send(r.acr(talk, true, false)); err != nil {
			r.res.Talk = talk
			return nil
		}
		periodEnd = time.Time{}
	}
	talk := time.Since(answered)
	r.res.Talk = talk
	switch p.Outcome {
	case Abort:
		r.d.Abort(nil)
		r.step("MSC->SCP", "TC-ABORT")
		r.res.End = "msc-abort"
		return nil
	case Vanish:
		// Lost state, as after an MSC restart: what the SCP sends next
		// meets an unknown transaction (P-Abort from this side's TCAP).
		r.d.Release()
		r.res.End = "msc-vanished"
		return nil
	}
	leg := camel.Leg1
	if p.Hangup == SideB {
		leg = camel.Leg2
	}
	return r.finish(ctx, leg, talk, false)
}

// releasedBySCP ends an answered call the SCP released (or whose dialogue
// it closed): the talk time is kept; a ReleaseCall in a TC-CONTINUE is
// answered with the report owed for a period in progress (legActive FALSE)
// in a TC-END, and no disconnect is reported, the SCP having asked for the
// release (TS 23.078 §4.5.7.1 Handle_ACR; TS 29.078 §11.3).
func (r *run) releasedBySCP(answered time.Time, owed bool) error {
	talk := time.Since(answered)
	r.res.Talk = talk
	if r.d.State() == dialogue.Closed {
		return nil
	}
	var comps []tcap.Component
	ops := []string{}
	if owed {
		comps = append(comps, r.acr(talk, false, false))
		ops = append(ops, camel.OpApplyChargingReport.String())
	}
	if err := r.d.End(comps...); err == nil {
		r.step("MSC->SCP", "TC-END", ops...)
		r.res.End = "msc-end"
	}
	return nil
}

// finish reports the end of an answered call: the final ApplyChargingReport
// and the oDisconnect, in the order the lab chose, then waits for the SCP.
func (r *run) finish(ctx context.Context, leg camel.LegType, talk time.Duration, atExpiry bool) error {
	acr := r.acr(talk, false, atExpiry)
	mode, ok := armed(r.rrb, camel.EventODisconnect, leg)
	var erb tcap.Component
	if ok {
		msgType := camel.MessageRequest
		if mode == camel.MonitorNotifyAndContinue {
			msgType = camel.MessageNotification
		}
		erb = r.erb(camel.EventODisconnect, leg, &camel.EventSpecificInformationBCSM{ODisconnectSpecificInfo: &camel.DisconnectSpecificInfo{
			ReleaseCause: &camel.Cause{Location: camel.LocationUser, Value: camel.CauseNormalClearing}}}, msgType)
	}
	charged := r.res.Periods != nil
	first, second := erb, acr
	if r.p.ACRBeforeERB {
		first, second = acr, erb
	}
	for _, c := range []tcap.Component{first, second} {
		if c.Type == 0 || (!charged && c.Opcode.Local == int64(camel.OpApplyChargingReport)) {
			continue
		}
		if err := r.send(c); err != nil {
			break // the SCP ended the dialogue after the first
		}
	}
	if !ok && !charged {
		return r.endByMSC()
	}
	for {
		says, err := r.recv(ctx, 0)
		if err != nil {
			return err
		}
		if says == nil || says.cont || says.release != nil {
			// Nothing armed to wait for, the SCP is silent, or it answered the
			// disconnect in a TC-CONTINUE: the call is released and nothing is
			// left to report, so the gsmSSF ends the dialogue (TS 23.078 §4.5.7).
			return r.endByMSC()
		}
		if says.ended || says.aborted {
			return nil
		}
		// A new ApplyCharging (or RequestReportBCSMEvent) answering the
		// report of a period that ended as the call did: the answer to the
		// disconnect is still to come.
	}
}

func (r *run) endByMSC() error {
	if r.d.State() == dialogue.Closed {
		return nil
	}
	if err := r.d.End(); err == nil {
		r.step("MSC->SCP", "TC-END")
		r.res.End = "msc-end"
	}
	return nil
}

// report sends the EventReportBCSM of an unsuccessful call and waits for
// the SCP's instruction (or ends the dialogue when the event is not armed
// or armed in notify mode).
func (r *run) report(ctx context.Context, ev camel.EventTypeBCSM, leg camel.LegType, info *camel.EventSpecificInformationBCSM) error {
	mode, ok := armed(r.rrb, ev, leg)
	if !ok {
		return r.endByMSC()
	}
	msgType := camel.MessageRequest
	if mode == camel.MonitorNotifyAndContinue {
		msgType = camel.MessageNotification
	}
	if err := r.send(r.erb(ev, leg, info, msgType)); err != nil {
		return nil
	}
	if msgType == camel.MessageNotification {
		says, err := r.recv(ctx, 0)
		if err != nil {
			return err
		}
		if says == nil {
			return r.endByMSC()
		}
		return nil
	}
	says, err := r.instruction(ctx)
	if err != nil {
		return err
	}
	if says.cont || says.release != nil {
		// Continue or ReleaseCall in a TC-CONTINUE: the call attempt is
		// released and nothing is left armed, so the dialogue ends
		// (TS 23.078 §4.5.7, the gsmSSF returns to Idle).
		return r.endByMSC()
	}
	return nil
}

func period(ac *camel.ApplyChargingArg) time.Duration {
	return time.Duration(ac.AChBillingChargingCharacteristics.MaxCallPeriodDuration) * 100 * time.Millisecond
}

func (r *run) erb(ev camel.EventTypeBCSM, leg camel.LegType, info *camel.EventSpecificInformationBCSM, t camel.MessageType) tcap.Component {
	a := &camel.EventReportBCSMArg{EventTypeBCSM: ev, EventSpecificInformationBCSM: *info, LegID: leg, MiscCallInfo: camel.MiscCallInfo{MessageType: t}}
	return r.invoke(a)
}

func (r *run) acr(talk time.Duration, legActive, atExpiry bool) tcap.Component {
	active := legActive
	res := camel.TimeDurationChargingResult{PartyToCharge: camel.Leg1,
		TimeInformation: camel.TimeInformation{TimeIfNoTariffSwitch: uint32(talk / (100 * time.Millisecond))},
		LegActive:       &active, CallLegReleasedAtTcpExpiry: atExpiry && r.p.Phase >= camel.Phase3}
	return r.invoke(&camel.ApplyChargingReportArg{CallResult: camel.CallResult{TimeDurationChargingResult: res}})
}

func (r *run) invoke(a camel.Argument) tcap.Component {
	p, err := camel.AppendArgument(nil, a, r.p.Phase)
	if err != nil {
		panic(fmt.Sprintf("msc: encoding %v: %v", a.Opcode(), err)) // values built here always encode
	}
	return tcap.NewInvoke(r.d.NewInvokeID(), int64(a.Opcode()), p)
}

// send continues the dialogue with one component.
func (r *run) send(c tcap.Component) error {
	if err := r.d.Continue(c); err != nil {
		return err
	}
	r.step("MSC->SCP", "TC-CONTINUE", camel.Opcode(c.Opcode.Local).String())
	return nil
}

// sleep waits, answering ActivityTest meanwhile; a release or an end from
// the SCP ends the wait with errEnded.
func (r *run) sleep(ctx context.Context, d time.Duration) error {
	return r.sleepUntil(ctx, time.Now().Add(d))
}

var errEnded = errors.New("msc: the SCP ended the call")

func (r *run) sleepUntil(ctx context.Context, t time.Time) error {
	for {
		wait := time.Until(t)
		if wait <= 0 {
			return nil
		}
		says, err := r.recv(ctx, wait)
		if err != nil {
			return err
		}
		if says != nil && (says.ended || says.aborted || says.release != nil) {
			return errEnded
		}
	}
}

// ParseOutcome reads an outcome name as labs write it on command lines.
func ParseOutcome(s string) (Outcome, error) {
	switch o := Outcome(s); o {
	case Answer, Busy, NoAnswer, Abandon, RouteFailure, Abort, Vanish:
		return o, nil
	}
	return "", fmt.Errorf("outcome %q: use answer, busy, no-answer, abandon, route-failure, abort or vanish", s)
}
