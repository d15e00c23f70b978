package stack

import (
	"testing"
	"time"

	"github.com/scpd/scpd/sigtran/m3ua"
	"github.com/scpd/scpd/sigtran/sccp"
	"github.com/scpd/scpd/sigtran/sccp/routing"
	"github.com/scpd/scpd/sigtran/tcap"
	"github.com/scpd/scpd/sigtran/tcap/dialogue"
)

// rawPeer stands in for the MSC's TCAP layer: it sees exactly what the
// SCP sends, and the test writes the MSC's messages by hand.
type rawPeer struct {
	in   chan tcap.Message
	send func(b []byte)
}

func (r *rawPeer) HandleUnitdata(_ routing.Path, m *sccp.Message) {
	var t tcap.Message
	_ = t.Decode(append([]byte(nil), m.Data...))
	r.in <- t
}
func (r *rawPeer) HandleNotice(routing.Path, *sccp.Message) {}
func (r *rawPeer) PathLost(*m3ua.Association)               {}

func (r *rawPeer) next(t *testing.T) tcap.Message {
	t.Helper()
	select {
	case m := <-r.in:
		return m
	case <-time.After(2 * time.Second):
		t.Fatal("nothing from the SCP")
	}
	return tcap.Message{}
}

func (r *rawPeer) none(t *testing.T, what string) {
	t.Helper()
	select {
	case m := <-r.in:
		t.Fatalf("%s: SCP sent %s %+v", what, m.Type, m.Components)
	case <-time.After(300 * time.Millisecond):
	}
}

func (r *rawPeer) message(t *testing.T, m *tcap.Message) {
	t.Helper()
	b, err := m.Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	r.send(b)
}

// CAP operation codes and classes (TS 29.078) used below.
const (
	opActivityTest         = 55 // class 3: result only
	opRRBE                 = 23 // class 2: errors only
	opApplyChargingReport  = 36
	opEventReportBCSM      = 24
	opContinue             = 31
	errorCodeSystemFailure = 7
)

var rawPeerTID = tcap.NewTransactionID(0xabcd)

// rawDialogue opens a dialogue from a raw MSC to an SCP that classes
// operations as cmd/scpd does and answers the Begin with a Continue
// carrying Invoke 1 of op. It returns the peer, the SCP's transaction ID
// and the SCP's events.
func rawDialogue(t *testing.T, op int64) (*rawPeer, tcap.TransactionID, *events) {
	t.Helper()
	scp := startSCP(t, nil, func(c *Config) {
		c.TCAP.InvokeTimer = func(o int64) (uint8, time.Duration) {
			switch o {
			case opActivityTest:
				return 3, 5 * time.Second
			case opContinue, opEventReportBCSM:
				return 4, 0
			}
			return 2, 5 * time.Second
		}
	})
	scp.answer = func(ev *dialogue.Event) {
		if ev.Kind == dialogue.EventBegin {
			if err := ev.Dialogue.Continue(tcap.NewInvoke(1, op, nil)); err != nil {
				t.Errorf("SCP continue: %v", err)
			}
		}
	}
	msc := startMSC(t, scp.Stack, false)
	peer := &rawPeer{in: make(chan tcap.Message, 16)}
	peer.send = func(b []byte) {
		if err := msc.Router.SendTo(scpPC, 0, scpAddress, mscAddress, b); err != nil {
			t.Error(err)
		}
	}
	msc.Router.Register(sccp.SSNCAP, peer)
	peer.message(t, tcap.NewBegin(rawPeerTID, tcap.NewAARQ(capV2), tcap.NewInvoke(1, 0, idpSK100)))
	c := peer.next(t)
	if c.Type != tcap.Continue {
		t.Fatalf("SCP answered the Begin with %s", c.Type)
	}
	return peer, c.OTID, scp.ev
}

// waitEvent returns the SCP's next event of kind k.
func waitEvent(t *testing.T, ev *events, k dialogue.EventKind) *dialogue.Event {
	t.Helper()
	for {
		select {
		case e := <-ev.ch:
			if e.Kind == k {
				return e
			}
		case <-time.After(2 * time.Second):
			t.Fatalf("no %s event", k)
			return nil
		}
	}
}

// Invoke IDs are per direction: a Reject with a returnResult or returnError
// problem rejects a result or error the SCP sent, under the peer's invoke
// ID. It must leave the SCP's own outstanding invoke with that ID alone,
// so the answer that follows is taken; an invoke problem ends it.
func TestRejectEndsOnlyTheInvokeItConcerns(t *testing.T) {
	for _, tc := range []struct {
		name    string
		problem tcap.Problem
		ended   bool // the SCP's invoke 1 is no longer outstanding
	}{
		{"returnResult problem", tcap.ReturnResultUnrecognizedInvokeID, false},
		{"returnError problem", tcap.ReturnErrorUnrecognizedInvokeID, false},
		{"invoke problem", tcap.InvokeUnrecognizedOperation, true},
		{"general problem", tcap.GeneralMistypedComponent, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			peer, scpTID, _ := rawDialogue(t, opActivityTest)
			peer.message(t, tcap.NewContinue(rawPeerTID, scpTID, nil, tcap.NewReject(1, true, tc.problem)))
			peer.none(t, "after a Reject")
			peer.message(t, tcap.NewContinue(rawPeerTID, scpTID, nil, tcap.NewReturnResultLast(1, opActivityTest, nil)))
			if !tc.ended {
				peer.none(t, "ActivityTest result for the SCP's outstanding invoke 1")
				return
			}
			m := peer.next(t)
			if len(m.Components) != 1 || m.Components[0].Problem != tcap.ReturnResultUnrecognizedInvokeID {
				t.Fatalf("result to an invoke the Reject ended: SCP sent %s %+v, want Reject unrecognizedInvokeID", m.Type, m.Components)
			}
		})
	}
}

// An ABRT whose abort-source is dialogue-service-provider is the peer
// TCAP's TC-P-ABORT, not its user's TC-U-ABORT.
func TestABRTAbortSource(t *testing.T) {
	for _, tc := range []struct {
		source tcap.AbortSource
		want   dialogue.AbortCause
	}{
		{tcap.AbortByUser, dialogue.AbortUser},
		{tcap.AbortByProvider, dialogue.AbortProvider},
	} {
		t.Run(tc.want.String(), func(t *testing.T) {
			peer, scpTID, ev := rawDialogue(t, opRRBE)
			abrt := tcap.NewABRT(nil)
			abrt.AbortSource = tc.source
			peer.message(t, tcap.NewUAbort(scpTID, abrt))
			if e := waitEvent(t, ev, dialogue.EventAbort); e.Abort.Cause != tc.want {
				t.Fatalf("ABRT abort-source %d reported as %s, want %s", tc.source, e.Abort.Cause, tc.want)
			}
		})
	}
}

// A malformed component in a TC-END: the well-formed ones after it still
// reach the service (the ApplyChargingReport that settles the call), and
// the rejected one is reported, as no Reject can answer an End.
func TestBadComponentInEnd(t *testing.T) {
	peer, scpTID, ev := rawDialogue(t, opRRBE)
	erb := tcap.NewInvoke(2, opEventReportBCSM, []byte{0x30, 0x00})
	acr := tcap.NewInvoke(3, opApplyChargingReport, []byte{0x04, 0x00})
	bad := []byte{0xa9, 0x03, 0x02, 0x01, 0x03} // component of unknown type [9]
	comp := func(c tcap.Component) []byte {
		x, err := (&tcap.Message{Type: tcap.End, DTID: scpTID, Components: []tcap.Component{c}}).Append(nil)
		if err != nil {
			t.Fatal(err)
		}
		return x[2+6+2:] // 64 len | 49 04 dtid | 6C len | component
	}
	body := append(append(comp(erb), bad...), comp(acr)...)
	msg := append([]byte{0x64, byte(6 + 2 + len(body)), 0x49, 0x04}, scpTID.Bytes()...)
	msg = append(append(msg, 0x6c, byte(len(body))), body...)
	peer.send(msg)

	e := waitEvent(t, ev, dialogue.EventEnd)
	var ops []int64
	for _, c := range e.Components {
		ops = append(ops, c.Opcode.Local)
	}
	if len(ops) != 2 || ops[0] != opEventReportBCSM || ops[1] != opApplyChargingReport {
		t.Fatalf("End delivered operations %v, want [%d %d]: the ApplyChargingReport after the bad component", ops, opEventReportBCSM, opApplyChargingReport)
	}
	if len(e.Rejected) != 1 || e.Rejected[0].Problem != tcap.GeneralUnrecognizedComponent {
		t.Fatalf("End reported rejects %+v, want the unrecognized component", e.Rejected)
	}
}

// An answer the invoked operation's class does not allow is rejected
// (X.880 classes: 2 reports errors only, 3 results only), and an Invoke
// linked to no outstanding invoke of the SCP is rejected
// unrecognizedLinkedId; answers the class allows are taken silently.
func TestAnswersCheckedAgainstOperation(t *testing.T) {
	linked := func(to int8) tcap.Component {
		c := tcap.NewInvoke(2, 49, []byte{0x05, 0x00})
		c.LinkedID, c.HasLinkedID = to, true
		return c
	}
	for _, tc := range []struct {
		name  string
		op    int64 // the SCP's invoke 1
		reply tcap.Component
		want  *tcap.Problem // nil: no Reject
	}{
		{"error to class 3", opActivityTest, tcap.NewReturnError(1, errorCodeSystemFailure, nil), &tcap.ReturnErrorUnexpected},
		{"result to class 3", opActivityTest, tcap.NewReturnResultLast(1, opActivityTest, nil), nil},
		{"result to class 2", opRRBE, tcap.NewReturnResultLast(1, opRRBE, nil), &tcap.ReturnResultUnexpected},
		{"error to class 2", opRRBE, tcap.NewReturnError(1, errorCodeSystemFailure, nil), nil},
		{"invoke linked to nothing outstanding", opRRBE, linked(9), &tcap.InvokeUnrecognizedLinkedID},
		{"invoke linked to the outstanding invoke", opRRBE, linked(1), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			peer, scpTID, _ := rawDialogue(t, tc.op)
			peer.message(t, tcap.NewContinue(rawPeerTID, scpTID, nil, tc.reply))
			if tc.want == nil {
				peer.none(t, "an answer the operation allows")
				return
			}
			m := peer.next(t)
			if len(m.Components) != 1 || m.Components[0].Type != tcap.Reject || m.Components[0].Problem != *tc.want {
				t.Fatalf("SCP sent %s %+v, want Reject %v", m.Type, m.Components, *tc.want)
			}
		})
	}
}
