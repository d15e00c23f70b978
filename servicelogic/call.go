package servicelogic

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/scpd/scpd/camel"
	"github.com/scpd/scpd/servicelogic/prepaid"
	"github.com/scpd/scpd/servicelogic/vpn"
	"github.com/scpd/scpd/sigtran/tcap"
	"github.com/scpd/scpd/sigtran/tcap/dialogue"
	"github.com/scpd/scpd/store"
)

// Timer tags of a call's dialogue.
const (
	timerSettle = iota + 1
	timerShutdown
	timerRecordAnswer
)

// Outcomes written into CDRs and counted in metrics.
const (
	OutcomeAnswered          = "answered"
	OutcomeBusy              = "busy"
	OutcomeNoAnswer          = "no-answer"
	OutcomeAbandoned         = "abandoned"
	OutcomeRouteFailure      = "route-select-failure"
	OutcomeOutOfCredit       = "released-out-of-credit"
	OutcomeAborted           = "aborted"
	OutcomeAssociationLost   = "association-lost"
	OutcomeActivityTestFail  = "activity-test-failed"
	OutcomeMSCError          = "msc-error"
	OutcomeShutdown          = "shutdown"
	OutcomeMTContinued       = "mt-continued"
	OutcomeMTReleased        = "mt-released"
	OutcomeEmergency         = "emergency-continued"
	OutcomeSystemFailure     = "system-failure"
	OutcomeOverloadReleased  = "overload-released"
	OutcomeOverloadContinued = "overload-continued"
	OutcomeInternalError     = "internal-error" // the service logic panicked (a bug); see Service.recoverCall
	outcomeRejectedPrefix    = "rejected-"
	outcomeUnknownServiceKey = "rejected-unknown-service-key"
)

// call is one call: the session of one TCAP dialogue.
type call struct {
	s     *Service
	d     *dialogue.Dialogue
	idp   *camel.InitialDPArg
	id    string
	phase camel.Phase
	kind  Kind
	begun time.Time

	// Parties, as the VPN logic decided them.
	sub         store.Subscriber
	calling     string // the caller, for the CDR
	served      string // who is served and charged (servedNumber)
	dialled     string
	destination string
	translated  bool
	class       string

	// Prepaid: the call's reservation, in totals since the start.
	charging bool
	tariff   store.Tariff
	seq      uint32
	reserved int64 // frozen for the call in all (sum of grants)
	charged  int64 // charged so far
	covered  int64 // seconds the grants pay for
	lastCall bool  // the last grant the balance allows was sent (release at expiry)

	// Call progress.
	answered      bool
	answerAt      time.Time
	reported      int64 // talk time reported by ApplyChargingReport, 100 ms units
	perPeriod     bool  // the MSC reports per period, not since answer
	lastPeriod    int64 // the last ApplyCharging's maxCallPeriodDuration, 100 ms units
	finalReport   bool  // ApplyChargingReport with legActive FALSE
	interim       bool  // ApplyChargingReport with legActive TRUE, not yet answered
	disconnected  bool  // oDisconnect reported
	suspended     bool  // an EventReportBCSM in request mode waits for Continue
	disconnectAt  time.Time
	endCause      *camel.Cause // cause to release with
	outcome       string
	stopSettle    func() bool
	activityTest  int8
	testing       bool
	unsentTests   int // ActivityTests in a row that could not be sent
	settled       bool
	extra         []tcap.Component // Rejects to send with the next message
	firstAnswered bool
	// arrived is when the InitialDP came off the association, by the
	// real clock: the first-answer metric counts from it, so the time the
	// Begin waited for a worker is in the figure.
	arrived time.Time
}

func newCall(s *Service, d *dialogue.Dialogue, ph camel.Phase, idp *camel.InitialDPArg) *call {
	now := s.now()
	// Call ids grow with time, which keeps the store's commits small.
	id := fmt.Sprintf("%016x-%08x", now.UnixNano(), d.ID())
	return &call{s: s, d: d, idp: idp, id: id, phase: ph, begun: now}
}

func (c *call) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), c.s.cfg.StoreTimeout)
}

func (c *call) nextSeq() uint32 { c.seq++; return c.seq }

// start runs the service the key selects.
func (c *call) start(invokeID int8) {
	cfg := &c.s.cfg
	kind, ok := cfg.Services[int64(c.idp.ServiceKey)]
	dialled, nature := c.dialledNumber()
	if !isTerminating(c.idp.EventTypeBCSM) && slices.Contains(cfg.EmergencyNumbers, dialled) {
		// Were O-CSI triggered for an emergency call, no service key,
		// contract, group, balance or overload bound may stand in its
		// way, and it is not charged.
		c.kind, c.calling, c.served = kind, c.callingNumber(), c.servedNumber()
		c.dialled, c.destination = dialled, dialled
		c.end(c.continueOp())
		c.writeCDR(OutcomeEmergency)
		c.finish(OutcomeEmergency)
		return
	}
	if !ok {
		// TS 29.078 §4.1.3: an unknown service key has no customer record;
		// missingCustomerRecord carries no parameter.
		c.end(tcap.NewReturnError(invokeID, int64(camel.ErrorCodeMissingCustomerRecord), nil))
		c.writeCDR(outcomeUnknownServiceKey)
		c.finish(outcomeUnknownServiceKey)
		return
	}
	c.kind = kind
	c.calling = c.callingNumber()
	c.served = c.servedNumber()
	if bound := c.s.admit(); bound != "" {
		c.overload(bound, dialled)
		return
	}
	// admit counted the call active; finish uncounts it once it leaves live.
	c.s.live.Store(c.id, c)

	if isTerminating(c.idp.EventTypeBCSM) {
		outcome := OutcomeMTContinued
		if cfg.MT == MTRelease {
			outcome = OutcomeMTReleased
			c.end(c.releaseCall(cfg.Causes.MTRelease))
		} else {
			c.end(c.continueOp())
		}
		c.writeCDR(outcome)
		c.finish(outcome)
		return
	}
	switch kind {
	case VPN:
		c.startVPN(dialled, nature)
	case Prepaid:
		c.startPrepaid(dialled, nature)
	}
}

// overload answers a call scpd cannot take now, at once: release with the
// configured cause, or let it continue uncharged. Its CDR is written
// without holding up the answer, and names the number dialled, as any
// other does (with treatment continue, whom the caller reached uncharged).
func (c *call) overload(bound, dialled string) {
	o := &c.s.cfg.Overload
	c.s.obs.Overload(bound)
	outcome := OutcomeOverloadReleased
	if o.Treatment == OverloadContinue {
		outcome = OutcomeOverloadContinued
		c.end(c.continueOp())
	} else {
		c.end(c.releaseCall(o.Cause))
	}
	c.dialled = dialled
	cdr := c.cdr(outcome, 0)
	go func() {
		ctx, cancel := c.ctx()
		defer cancel()
		if err := c.s.store.Batch(ctx, func(tx *store.Tx) error { return tx.AppendCDR(&cdr) }); err != nil {
			c.s.log.Warn("overload CDR not written", "call", cdr.CallID, "error", err.Error())
		}
	}()
	c.d.User = nil
	c.s.obs.CallEnded(c.kind, outcome)
}

func isTerminating(e camel.EventTypeBCSM) bool {
	return e == camel.EventTermAttemptAuthorized || (e >= camel.EventTBusy && e <= camel.EventTAbandon)
}

// callingNumber is the caller's MSISDN in international form.
func (c *call) callingNumber() string {
	return c.international(c.idp.CallingPartyNumber.Digits, c.idp.CallingPartyNumber.NatureOfAddress)
}

// servedNumber is the MSISDN of the subscriber whose O-CSI sent this
// InitialDP, who is the one served and charged. For a mobile originating
// call that is the caller. For a forwarded call (the MF case of TS 23.078
// §4.6.1.8: redirectingPartyID present) it is the forwarding subscriber,
// whose number is the redirecting party's; callingPartyNumber is then the
// original caller, who pays only for the leg to the forwarding subscriber.
// It reads c.calling, so callingNumber is worked out first.
func (c *call) servedNumber() string {
	if r := c.idp.RedirectingPartyID; r.Digits != "" {
		return c.international(r.Digits, r.NatureOfAddress)
	}
	return c.calling
}

// international puts a number of the InitialDP in international form.
func (c *call) international(digits string, nai camel.NatureOfAddress) string {
	nature := vpn.NatureUnknown
	switch nai {
	case camel.NAIInternational:
		nature = vpn.NatureInternational
	case camel.NAINational:
		nature = vpn.NatureNational
	}
	if full, ok := c.s.cfg.Numbering.International(digits, nature); ok {
		return full
	}
	return digits
}

// dialledNumber is what the caller dialled: calledPartyBCDNumber at an
// O-CSI collectedInfo, else calledPartyNumber.
func (c *call) dialledNumber() (string, vpn.Nature) {
	if b := c.idp.CalledPartyBCDNumber; b.Digits != "" {
		switch b.Nature {
		case camel.AddressInternational:
			return b.Digits, vpn.NatureInternational
		case camel.AddressNational:
			return b.Digits, vpn.NatureNational
		case camel.AddressSubscriber:
			return b.Digits, vpn.NatureSubscriber
		}
		return b.Digits, vpn.NatureUnknown
	}
	n := c.idp.CalledPartyNumber
	// Q.763 §3.9: a final code 1111 is ST (end of pulsing), not a digit.
	digits := strings.TrimSuffix(n.Digits, "F")
	switch n.NatureOfAddress {
	case camel.NAIInternational:
		return digits, vpn.NatureInternational
	case camel.NAINational:
		return digits, vpn.NatureNational
	case camel.NAISubscriber:
		return digits, vpn.NatureSubscriber
	}
	return digits, vpn.NatureUnknown
}

// startVPN is steps 101-102: VPN authentication and routing, then the
// prepaid service for callers with a prepaid contract, the traditional VPN
// for the others.
func (c *call) startVPN(dialled string, nature vpn.Nature) {
	causes := &c.s.cfg.Causes
	c.dialled = dialled
	var refusal vpn.Refusal
	var dec vpn.Decision
	err := c.s.store.ViewRecent(func(tx *store.Tx) error {
		sub, g, r, err := vpn.Authenticate(tx, c.served, string(c.idp.IMSI))
		if err != nil || r != vpn.Accepted {
			c.sub, refusal = sub, r
			return err
		}
		c.sub = sub
		dec, err = vpn.Route(tx, c.s.cfg.Numbering, sub, g, dialled, nature)
		if err != nil {
			return err
		}
		if sub.Prepaid {
			c.tariff, err = tx.TariffFor(g.ID, dec.Class)
		}
		return err
	})
	switch {
	case errors.Is(err, vpn.ErrNoDestination):
		c.reject(causes.BadNumber, "bad-number")
		return
	case errors.Is(err, store.ErrNotFound):
		c.s.log.Error("no tariff for call class", "class", dec.Class, "group", c.sub.GroupID)
		c.reject(causes.SystemFailure, "no-tariff")
		return
	case err != nil:
		c.s.log.Error("subscriber lookup failed", "call", c.id, "error", err.Error())
		c.reject(causes.SystemFailure, "system-failure")
		return
	}
	switch refusal {
	case vpn.UnknownSubscriber:
		c.reject(causes.UnknownSubscriber, "unknown-subscriber")
		return
	case vpn.NoVPNContract, vpn.NoGroup:
		c.reject(causes.NoVPNContract, refusal.String())
		return
	}
	c.destination, c.translated, c.class = dec.Destination, dec.Translated, dec.Class
	if !c.sub.Prepaid {
		// The traditional VPN: no ApplyCharging; a CDR for postpaid billing.
		c.respond(false, 0)
		return
	}
	c.startCharging()
}

// startPrepaid is the plain prepaid service through the same interfaces.
func (c *call) startPrepaid(dialled string, nature vpn.Nature) {
	causes := &c.s.cfg.Causes
	c.dialled, c.class = dialled, store.ClassPrepaid
	c.destination, _ = c.s.cfg.Numbering.International(dialled, nature)
	if c.destination == "" {
		c.destination = dialled
	}
	err := c.s.store.ViewRecent(func(tx *store.Tx) error {
		sub, err := tx.Subscriber(c.served)
		if errors.Is(err, store.ErrNotFound) && c.idp.IMSI != "" {
			sub, err = tx.SubscriberByIMSI(string(c.idp.IMSI))
		}
		if err != nil {
			return err
		}
		c.sub = sub
		c.tariff, err = tx.TariffFor("", store.ClassPrepaid)
		return err
	})
	switch {
	case errors.Is(err, store.ErrNotFound) && c.sub.MSISDN == "":
		c.reject(causes.UnknownSubscriber, "unknown-subscriber")
		return
	case err != nil:
		c.s.log.Error("prepaid lookup failed", "call", c.id, "error", err.Error())
		c.reject(causes.SystemFailure, "system-failure")
		return
	case !c.sub.Prepaid:
		c.reject(causes.NoPrepaidContract, "no-prepaid-contract")
		return
	}
	c.startCharging()
}

// startCharging is steps 103-107: Authenticate, then ApplyFee for the
// first quota, then the one TC-CONTINUE that arms the events, applies
// charging and routes the call.
func (c *call) startCharging() {
	causes := &c.s.cfg.Causes
	ctx, cancel := c.ctx()
	defer cancel()
	auth, err := c.s.prepaid.Authenticate(ctx, c.sub.AccountID)
	if err != nil {
		c.s.log.Error("authenticate failed", "call", c.id, "error", err.Error())
		c.reject(causes.SystemFailure, "system-failure")
		return
	}
	if !auth.OK {
		c.reject(c.causeFor(auth.Reason), auth.Reason.String())
		return
	}
	c.charging = true
	period, granted, ok := c.applyFee(0, c.s.cfg.FirstQuota, c.s.cfg.RingingAllowance)
	if !ok {
		return // applyFee released the call
	}
	_ = granted
	c.respond(true, period)
}

// causeFor maps a prepaid refusal to its release cause.
func (c *call) causeFor(r prepaid.Reason) camel.CauseValue {
	k := &c.s.cfg.Causes
	switch r {
	case prepaid.ReasonUnknownAccount:
		return k.UnknownAccount
	case prepaid.ReasonExpired:
		return k.Expired
	case prepaid.ReasonBlocked:
		return k.Blocked
	case prepaid.ReasonReportedLost:
		return k.ReportedLost
	}
	return k.NoBalance
}

// applyFee freezes the next quota: enough for `quota` more talk time after
// the `talked` seconds so far. It returns the talk time the ApplyCharging
// may grant. When nothing can be granted it settles the call and releases
// it (ok false).
func (c *call) applyFee(talked int64, quota time.Duration, extra time.Duration) (period int64, granted int64, ok bool) {
	t := c.tariff
	target := talked + int64(quota/time.Second)
	ask := max(prepaid.Cost(t, target)-c.reserved, 0)
	minimum := max(prepaid.Cost(t, talked+max(t.Initial, 1))-c.reserved, 0)
	if talked > 0 {
		minimum = max(prepaid.Cost(t, talked+max(t.Subsequent, 1))-c.reserved, 0)
	}
	minimum = min(minimum, ask)
	ctx, cancel := c.ctx()
	defer cancel()
	g, err := c.s.prepaid.ApplyFee(ctx, prepaid.ApplyRequest{
		CallID: c.id, Seq: c.nextSeq(), AccountID: c.sub.AccountID, Amount: ask, MinAmount: minimum,
		Deadline: c.s.now().Add(extra + quota + c.s.cfg.ReservationMargin),
		Tariff:   t, Seconds: max(target-c.covered, 0),
		Service: string(c.kind), Calling: c.calling, Called: c.destination,
	})
	if err != nil {
		c.s.log.Error("apply fee failed", "call", c.id, "error", err.Error())
		c.releaseAndSettle(c.s.cfg.Causes.SystemFailure, OutcomeSystemFailure)
		return 0, 0, false
	}
	c.reserved += g.Granted
	c.covered = g.TotalSeconds
	c.s.obs.Fee(FeeFrozen, g.Granted)
	period = min(c.covered-talked, int64(quota/time.Second))
	if period <= 0 {
		cause, outcome := c.causeFor(g.Reason), outcomeRejectedPrefix+g.Reason.String()
		if talked > 0 || c.answered {
			cause, outcome = c.s.cfg.Causes.OutOfCredit, OutcomeOutOfCredit
		}
		c.releaseAndSettle(cause, outcome)
		return 0, g.Granted, false
	}
	// The balance gave less than asked, or what is left cannot pay for
	// another increment: this is the last period, so the MSC releases the
	// call at its end, after the warning tone.
	next := prepaid.Cost(t, c.covered+max(t.Subsequent, 1)) - prepaid.Cost(t, c.covered)
	c.lastCall = g.Granted < ask || g.Available < next
	return period, g.Granted, true
}

// respond sends the first answer in one TC-CONTINUE: RequestReportBCSMEvent,
// ApplyCharging (prepaid), then Connect (a translated number) or Continue.
func (c *call) respond(charging bool, period int64) {
	comps := append(c.extra, c.invoke(c.armEvents()))
	c.extra = nil
	if charging {
		comps = append(comps, c.invoke(c.applyCharging(period)))
	}
	if c.translated {
		comps = append(comps, c.invoke(c.connect()))
	} else {
		comps = append(comps, c.continueOp())
	}
	c.send(false, comps...)
}

// armEvents asks for the events that settle a call (steps 108-111): the
// ends of an unanswered call interrupt the MSC so scpd releases it with
// the right cause; answer and abandon are notifications; both disconnects
// interrupt, so scpd settles before the call is cleared.
func (c *call) armEvents() *camel.RequestReportBCSMEventArg {
	leg1, leg2 := camel.LegID{SendingSideID: camel.Leg1}, camel.LegID{SendingSideID: camel.Leg2}
	return &camel.RequestReportBCSMEventArg{BCSMEvents: []camel.BCSMEvent{
		{EventTypeBCSM: camel.EventRouteSelectFailure, MonitorMode: camel.MonitorInterrupted},
		{EventTypeBCSM: camel.EventOCalledPartyBusy, MonitorMode: camel.MonitorInterrupted, LegID: leg2},
		{EventTypeBCSM: camel.EventONoAnswer, MonitorMode: camel.MonitorInterrupted, LegID: leg2},
		{EventTypeBCSM: camel.EventOAnswer, MonitorMode: camel.MonitorNotifyAndContinue, LegID: leg2},
		{EventTypeBCSM: camel.EventOAbandon, MonitorMode: camel.MonitorNotifyAndContinue, LegID: leg1},
		{EventTypeBCSM: camel.EventODisconnect, MonitorMode: camel.MonitorInterrupted, LegID: leg1},
		{EventTypeBCSM: camel.EventODisconnect, MonitorMode: camel.MonitorInterrupted, LegID: leg2},
	}}
}

// applyCharging grants `period` seconds of talk time; on the last grant
// the balance allows, the MSC releases at its end after a warning tone
// (encoded in the negotiated phase's shape by package camel).
func (c *call) applyCharging(period int64) *camel.ApplyChargingArg {
	c.lastPeriod = min(period*10, 864000)
	return &camel.ApplyChargingArg{
		AChBillingChargingCharacteristics: camel.AChBillingChargingCharacteristics{
			MaxCallPeriodDuration:     uint32(c.lastPeriod),
			ReleaseIfDurationExceeded: c.lastCall,
			Tone:                      c.lastCall,
		},
		PartyToCharge: camel.Leg1,
	}
}

// connect routes the call to the member's full number; the short number
// the caller dialled goes along as the original called party. A forwarded
// call keeps the original called party it came with: the Connect's
// originalCalledPartyID replaces the one in the outgoing IAM (TS 29.078
// Connect; Q.763 §3.39 Original Called Number: the first party called).
func (c *call) connect() *camel.ConnectArg {
	a := &camel.ConnectArg{
		DestinationRoutingAddress: camel.CalledPartyNumber{NatureOfAddress: camel.NAIInternational, NumberingPlan: camel.NPIISDN, Digits: c.destination},
		OriginalCalledPartyID:     camel.RedirectingNumber{NatureOfAddress: camel.NAIUnknown, NumberingPlan: camel.NPIISDN, Digits: c.dialled},
	}
	if c.idp.OriginalCalledPartyID.Digits != "" || c.idp.RedirectingPartyID.Digits != "" {
		a.OriginalCalledPartyID = c.idp.OriginalCalledPartyID // none: the IAM's own stays
	}
	return a
}

func (c *call) continueOp() tcap.Component {
	c.s.obs.Operation(false, camel.OpContinue)
	return tcap.NewInvoke(c.d.NewInvokeID(), int64(camel.OpContinue), nil)
}

func (c *call) releaseCall(cause camel.CauseValue) tcap.Component {
	return c.invoke(&camel.ReleaseCallArg{Cause: camel.Cause{Location: camel.LocationPublicLocal, Value: cause}})
}

// invoke encodes an operation for the call's phase.
func (c *call) invoke(a camel.Argument) tcap.Component {
	p, err := camel.AppendArgument(nil, a, c.phase)
	if err != nil {
		// Values scpd builds always encode; reaching here is a bug.
		panic(fmt.Sprintf("servicelogic: encoding %v: %v", a.Opcode(), err))
	}
	c.s.obs.Operation(false, a.Opcode())
	return tcap.NewInvoke(c.d.NewInvokeID(), int64(a.Opcode()), p)
}

// send continues the dialogue; end closes it. The error is logged here;
// callers that need to know whether the message left may look at it.
func (c *call) send(end bool, comps ...tcap.Component) error {
	comps = append(c.extra, comps...)
	c.extra = nil
	var err error
	if end {
		err = c.d.End(comps...)
	} else {
		err = c.d.Continue(comps...)
	}
	if !c.firstAnswered {
		c.firstAnswered = true
		c.s.obs.FirstAnswer(time.Since(c.arrived))
	}
	if err != nil && !errors.Is(err, dialogue.ErrClosed) {
		c.s.log.Warn("answer not sent", "call", c.id, "error", err.Error())
	}
	return err
}

func (c *call) end(comps ...tcap.Component) { c.send(true, comps...) }

// reject ends a call before any money moved: ReleaseCall with the cause,
// and a CDR saying why.
func (c *call) reject(cause camel.CauseValue, why string) {
	c.end(c.releaseCall(cause))
	c.writeCDR(outcomeRejectedPrefix + why)
	c.finish(outcomeRejectedPrefix + why)
}

// releaseAndSettle ends the call now: ReleaseCall, settle, CDR.
func (c *call) releaseAndSettle(cause camel.CauseValue, outcome string) {
	c.outcome = outcome
	c.end(c.releaseCall(cause))
	c.settle()
}

// refusedAnswers reads the Rejects the TCAP layer made of this message's
// components: an answer to ActivityTest it refused (a ReturnError, which
// the operation does not define) still shows the MSC has the dialogue.
func (c *call) refusedAnswers(rejected []tcap.Component) {
	for _, r := range rejected {
		answer := r.Problem.Type == tcap.ProblemReturnResult || r.Problem.Type == tcap.ProblemReturnError
		if c.testing && answer && r.HasInvokeID && r.InvokeID == c.activityTest {
			c.testing = false
			c.s.log.Warn("MSC answered ActivityTest wrongly", "call", c.id, "problem", r.Problem.String())
		}
	}
}

// components handles what the MSC sent in a TC-CONTINUE (ended false) or
// TC-END (ended true), then decides what to answer.
func (c *call) components(comps []tcap.Component, ended bool) {
	for _, comp := range comps {
		switch comp.Type {
		case tcap.Invoke:
			op := camel.Opcode(comp.Opcode.Local)
			c.s.obs.Operation(true, op)
			arg, err := camel.DecodeArgument(op, c.phase, comp.Parameter)
			if err != nil {
				c.s.log.Warn("operation refused", "call", c.id, "error", err.Error())
				c.extra = append(c.extra, c.s.rejectFor(comp, err))
				continue
			}
			switch a := arg.(type) {
			case *camel.EventReportBCSMArg:
				c.eventReport(a)
			case *camel.ApplyChargingReportArg:
				c.chargingReport(a)
			}
		case tcap.ReturnResultLast:
			if c.testing && comp.InvokeID == c.activityTest {
				c.testing = false // the MSC still knows the call
			}
		case tcap.ReturnError, tcap.Reject:
			// A Reject names our invoke only for an invoke or general
			// problem: a returnResult or returnError problem names the
			// MSC's own invoke ID, whose answer we sent (X.880 Reject).
			ours := comp.Type == tcap.ReturnError ||
				comp.HasInvokeID && (comp.Problem.Type == tcap.ProblemInvoke || comp.Problem.Type == tcap.ProblemGeneral)
			if c.testing && ours && comp.InvokeID == c.activityTest {
				// Any answer to ActivityTest shows the MSC still has the
				// dialogue (the operation defines no error; a Reject is
				// the MSC's TC-user speaking): the call goes on.
				c.testing = false
				c.s.log.Warn("MSC answered ActivityTest with an error", "call", c.id, "component", comp.Type.String(),
					"error", comp.ErrorCode.String(), "problem", comp.Problem.String())
				continue
			}
			// The MSC refused an instruction: without it the call is not
			// under control, so end it.
			c.s.log.Warn("MSC refused an operation", "call", c.id, "component", comp.Type.String(),
				"invoke", comp.InvokeID, "error", comp.ErrorCode.String(), "problem", comp.Problem.String())
			if c.outcome == "" {
				c.outcome = OutcomeMSCError
			}
		}
	}
	c.decide(ended)
}

// eventReport records an EventReportBCSM.
func (c *call) eventReport(a *camel.EventReportBCSMArg) {
	info := &a.EventSpecificInformationBCSM
	switch a.EventTypeBCSM {
	case camel.EventOCalledPartyBusy, camel.EventTBusy, camel.EventONoAnswer, camel.EventTNoAnswer,
		camel.EventRouteSelectFailure, camel.EventOAbandon, camel.EventTAbandon, camel.EventODisconnect, camel.EventTDisconnect:
		// decide ends the call (or waits for the other half of its end).
	default:
		// TS 29.078 EventReportBCSM: in request mode (miscCallInfo
		// messageType request, its DEFAULT) the gsmSSF suspends call
		// processing until the gsmSCF instructs it; an event the call goes
		// on after (an answer reported as request, an event not armed)
		// must be answered with Continue or the call stays suspended.
		if a.MiscCallInfo.MessageType == camel.MessageRequest {
			c.suspended = true
		}
	}
	switch a.EventTypeBCSM {
	case camel.EventOAnswer, camel.EventTAnswer:
		if c.answered {
			return
		}
		c.answered, c.answerAt = true, c.s.now()
		if c.charging {
			// The answer time is made durable so that after a crash the
			// sweeper charges the answered time; calls shorter than the
			// delay end before it is written (one commit less each), and
			// one cut by a crash within it is not charged that time.
			if d := c.s.cfg.AnswerRecordDelay; d > 0 {
				c.d.AfterFunc(d, timerRecordAnswer)
			} else {
				c.recordAnswer()
			}
		}
	case camel.EventOCalledPartyBusy, camel.EventTBusy:
		c.setOutcome(OutcomeBusy, camel.CauseUserBusy, nil)
		if i := info.OCalledPartyBusySpecificInfo; i != nil && i.BusyCause != nil {
			c.endCause = i.BusyCause
		}
	case camel.EventONoAnswer, camel.EventTNoAnswer:
		c.setOutcome(OutcomeNoAnswer, camel.CauseNoAnswer, nil)
	case camel.EventRouteSelectFailure:
		c.setOutcome(OutcomeRouteFailure, camel.CauseNormalUnspecified, nil)
		if i := info.RouteSelectFailureSpecificInfo; i != nil && i.FailureCause != nil {
			c.endCause = i.FailureCause
		}
	case camel.EventOAbandon, camel.EventTAbandon:
		c.setOutcome(OutcomeAbandoned, camel.CauseNormalClearing, nil)
		c.disconnected, c.disconnectAt = true, c.s.now()
	case camel.EventODisconnect, camel.EventTDisconnect:
		var cause *camel.Cause
		if i := info.ODisconnectSpecificInfo; i != nil {
			cause = i.ReleaseCause
		}
		if i := info.TDisconnectSpecificInfo; i != nil {
			cause = i.ReleaseCause
		}
		c.setOutcome(OutcomeAnswered, camel.CauseNormalClearing, cause)
		if !c.disconnected {
			c.disconnected, c.disconnectAt = true, c.s.now()
		}
	}
}

func (c *call) setOutcome(outcome string, def camel.CauseValue, cause *camel.Cause) {
	if c.outcome == "" || c.outcome == OutcomeAnswered {
		c.outcome = outcome
	}
	if c.endCause == nil {
		if cause == nil {
			cause = &camel.Cause{Location: camel.LocationPublicLocal, Value: def}
		}
		c.endCause = cause
	}
}

// chargingReport records an ApplyChargingReport: talk time since answer,
// and whether the call is still up.
func (c *call) chargingReport(a *camel.ApplyChargingReportArg) {
	r := &a.TimeDurationChargingResult
	tenths := int64(r.TimeInformation.TimeIfNoTariffSwitch)
	if ts := r.TimeInformation.TimeIfTariffSwitch; ts != nil {
		// CAP-datatypes TimeIfTariffSwitch: timeSinceTariffSwitch and
		// tariffSwitchInterval are both in 100 ms units (step 109 rates
		// the reported time), so they add as they are.
		tenths = int64(ts.TimeSinceTariffSwitch) + int64(ts.TariffSwitchInterval)
	}
	// TS 29.078 reports the time since answer; an MSC that counts each
	// period afresh instead is told by its reports, and they add up.
	if !c.perPeriod && c.reported > 0 && c.countsPerPeriod(tenths, r.IsLegActive()) {
		c.perPeriod = true
		c.s.log.Warn("MSC reports call time per period, not since answer", "call", c.id)
	}
	if c.perPeriod {
		c.reported += tenths
	} else {
		c.reported = tenths
	}
	if !c.answered && tenths > 0 {
		// The oAnswer report went missing: the MSC's clock says it answered.
		c.answered, c.answerAt = true, c.s.now().Add(-time.Duration(tenths)*100*time.Millisecond)
	}
	if !r.IsLegActive() {
		c.finalReport = true
		if c.outcome == "" {
			c.outcome = OutcomeAnswered
		}
		// The MSC released at the end of the last period the balance paid
		// for (phase 2 has no callLegReleasedAtTcpExpiry: the time tells).
		if c.lastCall && (r.CallLegReleasedAtTcpExpiry || c.reported/10 >= c.covered) {
			c.outcome = OutcomeOutOfCredit
		}
		return
	}
	c.interim = true
}

// countsPerPeriod tells, from a report after the first (the first is the
// same either way), whether the MSC counts each period afresh rather than
// the time since answer.
func (c *call) countsPerPeriod(tenths int64, interim bool) bool {
	if tenths < c.reported {
		return true // a time since answer never falls
	}
	if interim {
		// An interim report ends the period last granted: a time since
		// answer has grown by that period, a per-period count is the
		// period alone (equal periods report the same value each time,
		// which never falls). Whichever it is nearer to.
		return tenths < c.lastPeriod+c.reported/2
	}
	// A final report ends anywhere in its period, so the two readings
	// overlap: scpd's own clock since the answer tells them apart, the
	// reported time before this one being the difference.
	if !c.answered {
		return false
	}
	m := int64(c.s.now().Sub(c.answerAt) / (100 * time.Millisecond))
	return abs(c.reported+tenths-m) < abs(tenths-m)
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// talkSeconds is the answered time to charge: what the MSC reported when
// the final report came, else what scpd measured, never beyond what the
// grants cover. Tenths of a second are dropped (subscriber's favour).
func (c *call) talkSeconds() int64 {
	if !c.answered {
		return 0
	}
	if c.finalReport {
		return c.reported / 10
	}
	end := c.disconnectAt
	if end.IsZero() {
		end = c.s.now()
	}
	measured := int64(end.Sub(c.answerAt) / time.Second)
	if c.charging {
		measured = min(measured, c.covered)
	}
	return max(measured, c.reported/10)
}

// decide answers after a message: charge an interim report and grant the
// next quota, or settle an ended call, or wait for the other half of the
// end (final report and disconnect come in either order).
func (c *call) decide(ended bool) {
	if c.settled {
		return
	}
	switch {
	case ended:
		// The MSC closed the dialogue: settle with what is known.
		if c.outcome == "" {
			c.outcome = OutcomeAborted
		}
		c.settle()
		return
	case c.outcome == OutcomeMSCError:
		c.releaseAndSettle(c.s.cfg.Causes.SystemFailure, OutcomeMSCError)
		return
	case c.outcome == OutcomeBusy || c.outcome == OutcomeNoAnswer || c.outcome == OutcomeRouteFailure:
		c.end(c.releaseCallWith(c.endCause))
		c.settle()
		return
	case c.outcome == OutcomeAbandoned:
		c.end()
		c.settle()
		return
	case c.disconnected && (c.finalReport || !c.charging):
		c.end(c.releaseCallWith(c.endCause))
		c.settle()
		return
	case c.disconnected || c.finalReport:
		if c.stopSettle == nil {
			c.stopSettle = c.d.AfterFunc(c.s.cfg.SettleWait, timerSettle)
		}
	case c.interim && c.charging:
		c.interim = false
		c.nextQuota()
		return
	case c.interim:
		// No ApplyCharging was sent (a call without prepaid): a report for a
		// period never granted has no quota to renew (steps 108-109); it
		// only tells the talk time.
		c.interim = false
	}
	if comps := c.resume(); len(comps) > 0 || len(c.extra) > 0 {
		c.send(false, comps...)
	}
}

// resume is the Continue owed to a suspended gsmSSF, if any.
func (c *call) resume() []tcap.Component {
	if !c.suspended {
		return nil
	}
	c.suspended = false
	return []tcap.Component{c.continueOp()}
}

func (c *call) releaseCallWith(cause *camel.Cause) tcap.Component {
	if cause == nil {
		return c.releaseCall(camel.CauseNormalClearing)
	}
	return c.invoke(&camel.ReleaseCallArg{Cause: *cause})
}

// nextQuota is steps 108-109 during the call: DeductFee the time used so
// far, ApplyFee the next quota, and grant it with a new ApplyCharging.
func (c *call) nextQuota() {
	talked := c.reported / 10
	if !c.deduct(talked) {
		c.releaseAndSettle(c.s.cfg.Causes.SystemFailure, OutcomeSystemFailure)
		return
	}
	if c.lastCall {
		// The MSC releases at the end of the last period; a report before
		// it means it did not: release now.
		c.releaseAndSettle(c.s.cfg.Causes.OutOfCredit, OutcomeOutOfCredit)
		return
	}
	period, _, ok := c.applyFee(talked, c.s.cfg.NextQuota, 0)
	if !ok {
		return
	}
	c.send(false, append([]tcap.Component{c.invoke(c.applyCharging(period))}, c.resume()...)...)
}

// deduct charges the cost of `talked` seconds, less what was charged, from
// the frozen fee (step 109). It reports false when the store failed.
func (c *call) deduct(talked int64) bool {
	total := min(prepaid.Cost(c.tariff, talked), c.reserved)
	amount := total - c.charged
	if amount <= 0 {
		return true
	}
	ctx, cancel := c.ctx()
	defer cancel()
	r, err := c.s.prepaid.DeductFee(ctx, prepaid.DeductRequest{CallID: c.id, Seq: c.nextSeq(), Amount: amount})
	if err != nil {
		c.s.log.Error("deduct fee failed", "call", c.id, "error", err.Error())
		return false
	}
	c.charged = r.TotalCharged
	c.s.obs.Fee(FeeCharged, r.Charged)
	return true
}

// settle is steps 109-111 at the end of the call: DeductFee the answered
// time and ReturnFee the rest, with the CDR, in one transaction
// (prepaid.Settle). A failure is tried again (settleAgain); if every try
// fails the sweeper settles the reservation past its deadline: money is
// never frozen forever.
func (c *call) settle() {
	if c.settled {
		return
	}
	c.settled = true
	if c.stopSettle != nil {
		c.stopSettle()
	}
	if c.outcome == "" {
		c.outcome = OutcomeAnswered
	}
	if !c.charging {
		c.writeCDR(c.outcome)
		c.finish(c.outcome)
		return
	}
	talk := c.talkSeconds()
	total := min(prepaid.Cost(c.tariff, talk), c.reserved)
	deduct := prepaid.DeductRequest{CallID: c.id, Seq: c.nextSeq(), Amount: max(total-c.charged, 0)}
	cdr := c.cdr(c.outcome, talk)
	cdr.Charged = max(total, c.charged)
	ctx, cancel := c.ctx()
	defer cancel()
	ret := prepaid.ReturnRequest{CallID: c.id, Seq: c.nextSeq(), CDR: &cdr}
	d, r, err := c.s.prepaid.Settle(ctx, deduct, ret)
	if err != nil {
		c.s.log.Warn("settle failed", "call", c.id, "error", err.Error())
		// The dialogue is done with the call; the tries run apart.
		c.d.User = nil
		go c.s.settleAgain(c.id, c.kind, c.outcome, deduct, ret, err)
		return
	}
	c.charged = r.TotalCharged
	c.s.settled(d, r)
	c.finish(c.outcome)
}

// settled counts the fees a Settle moved.
func (s *Service) settled(d prepaid.DeductResult, r prepaid.ReturnResult) {
	s.obs.Fee(FeeCharged, d.Charged)
	s.obs.Fee(FeeReturned, r.Returned)
}

// settleAgain tries a call's failed Settle again, after each of
// SettleRetries: the same sequence numbers, so a first try that did commit
// is replayed, not charged twice. The call stays live until then, so the
// sweeper leaves its reservation alone: it knows when the call was
// answered, not when it ended, and would charge up to the whole grant
// instead of the time the call talked.
func (s *Service) settleAgain(id string, kind Kind, outcome string, deduct prepaid.DeductRequest, ret prepaid.ReturnRequest, err error) {
	for i, wait := range s.cfg.SettleRetries {
		time.Sleep(wait)
		ctx, cancel := context.WithTimeout(context.Background(), s.cfg.StoreTimeout)
		var d prepaid.DeductResult
		var r prepaid.ReturnResult
		d, r, err = s.prepaid.Settle(ctx, deduct, ret)
		cancel()
		if err == nil {
			s.log.Info("settle succeeded on a later try", "call", id, "try", i+2)
			s.settled(d, r)
			break
		}
		s.log.Warn("settle failed again", "call", id, "try", i+2, "error", err.Error())
	}
	if err != nil {
		s.log.Error("settle failed on every try; the sweeper will settle the reservation", "call", id, "error", err.Error())
	}
	s.forget(id, kind, outcome)
}

// finish forgets the call.
func (c *call) finish(outcome string) {
	c.d.User = nil
	c.s.forget(c.id, c.kind, outcome)
}

// forget takes an ended call out of the live set (the sweeper may then
// settle its reservation) and counts it.
func (s *Service) forget(id string, kind Kind, outcome string) {
	if _, ok := s.live.LoadAndDelete(id); ok {
		s.active.Add(-1)
	}
	s.obs.CallEnded(kind, outcome)
}

// cdr builds the call's record.
func (c *call) cdr(outcome string, talk int64) store.CDR {
	end := c.s.now()
	r := store.CDR{CallID: c.id, Service: string(c.kind), AccountID: c.sub.AccountID, Calling: c.calling, Called: c.dialled,
		CallClass: c.class, Start: c.begun, End: end, Duration: talk, Charged: c.charged, Outcome: outcome}
	if c.translated || c.destination != c.dialled {
		r.Translated = c.destination
	}
	if c.answered {
		r.Answer = c.answerAt
	}
	if r.Service == "" { // a service key scpd has no service for
		r.Service = "none" // as scpd_calls_total's service label (README)
	}
	return r
}

// writeCDR writes the record of a call that froze no money.
func (c *call) writeCDR(outcome string) {
	cdr := c.cdr(outcome, c.talkSeconds())
	ctx, cancel := c.ctx()
	defer cancel()
	if err := c.s.store.Batch(ctx, func(tx *store.Tx) error { return tx.AppendCDR(&cdr) }); err != nil {
		c.s.log.Error("CDR not written", "call", c.id, "outcome", outcome, "error", err.Error())
	}
}

// aborted settles a call whose dialogue ended abnormally: the answered
// time scpd measured, capped at the grant.
func (c *call) aborted(info dialogue.AbortInfo) {
	if c.settled {
		return
	}
	switch info.Cause {
	case dialogue.AbortAssociationLost:
		c.outcome = OutcomeAssociationLost
	case dialogue.AbortShutdown:
		c.outcome = OutcomeShutdown
	default:
		if c.outcome == "" || c.outcome == OutcomeAnswered {
			c.outcome = OutcomeAborted
		}
	}
	c.settle()
}

// maxUnsentTests is how many idle periods in a row an ActivityTest may
// fail to leave (no association reaches the MSC) before the call is given
// up as if the test had gone unanswered.
const maxUnsentTests = 3

// idle tests a quiet dialogue with ActivityTest; no answer within the
// invoke timer aborts and settles the call.
func (c *call) idle() {
	if c.settled || c.testing {
		return
	}
	c.testing = true
	c.activityTest = c.d.NewInvokeID()
	c.s.obs.Operation(false, camel.OpActivityTest)
	if err := c.send(false, tcap.NewInvoke(c.activityTest, int64(camel.OpActivityTest), nil)); err != nil {
		// Not sent, so no invoke timer runs and no answer will come: test
		// again at the next idle period, or the call would wait for ever;
		// an MSC unreachable for maxUnsentTests periods lost the call.
		c.testing = false
		if c.unsentTests++; c.unsentTests >= maxUnsentTests {
			c.testing = true
			c.invokeTimeout(c.activityTest)
		}
		return
	}
	c.unsentTests = 0
}

func (c *call) invokeTimeout(id int8) {
	if c.testing && id == c.activityTest && !c.settled {
		c.outcome = OutcomeActivityTestFail
		c.d.Abort(nil)
		c.settle()
	}
}

// recordAnswer writes the answer time without holding up the call: the
// reservation may be settled first, which the store then refuses.
func (c *call) recordAnswer() {
	id, seq, at, timeout := c.id, c.nextSeq(), c.answerAt, c.s.cfg.StoreTimeout
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		if err := c.s.prepaid.MarkAnswered(ctx, id, seq, at); err != nil && !errors.Is(err, store.ErrClosed) {
			c.s.log.Warn("answer time not recorded", "call", id, "error", err.Error())
		}
	}()
}

func (c *call) timer(tag int) {
	switch tag {
	case timerRecordAnswer:
		if !c.settled {
			c.recordAnswer()
		}
	case timerSettle:
		if !c.settled {
			c.end(c.releaseCallWith(c.endCause))
			c.settle()
		}
	case timerShutdown:
		if !c.settled {
			c.outcome = OutcomeShutdown
			c.d.Abort(nil)
			c.settle()
		}
	}
}
