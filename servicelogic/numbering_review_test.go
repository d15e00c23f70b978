package servicelogic

import (
	"testing"

	"github.com/scpd/scpd/camel"
	"github.com/scpd/scpd/sigtran/tcap/dialogue"
	"github.com/scpd/scpd/store"
)

// A calledPartyNumber (ISUP format, Q.763 §3.9) may end with the ST
// signal, code 1111, "end of pulsing": it is no digit of the number. A
// forwarded or trunk-derived InitialDP without calledPartyBCDNumber carries
// the number this way. The member's short number 12 sent as "12F" must be
// translated, and the member's full number sent as "0600000002F" must be
// on-net, not a bad number or an off-net "31600000002F".
func TestReviewDialledNumberDropsISUPEndOfPulsing(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"12F", "12"},
		{"0600000002F", "0600000002"},
		{"0600000002", "0600000002"},
	} {
		c := &call{idp: &camel.InitialDPArg{CalledPartyNumber: camel.CalledPartyNumber{
			NatureOfAddress: camel.NAIUnknown, NumberingPlan: camel.NPIISDN, Digits: tc.in}}}
		if got, _ := c.dialledNumber(); got != tc.want {
			t.Errorf("dialledNumber of calledPartyNumber %q = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// The same over the wire: an InitialDP whose only dialled number is the
// calledPartyNumber "12F" gets a Connect to member 31600000002 with the
// short number 12 (without ST) as originalCalledPartyID.
func TestReviewShortNumberWithEndOfPulsingIsConnected(t *testing.T) {
	f := newFlow(t, 10_000, camel.Phase2)
	idp := camel.ExampleMOInitialDP()
	idp.CallingPartyNumber.Digits = "31600000001"
	idp.CalledPartyBCDNumber = camel.AddressString{}
	idp.CalledPartyNumber = camel.CalledPartyNumber{NatureOfAddress: camel.NAIUnknown, NumberingPlan: camel.NPIISDN, Digits: "12F"}
	first := f.beginWith(idp)
	var conn *camel.ConnectArg
	for _, a := range first.args {
		if c, ok := a.(*camel.ConnectArg); ok {
			conn = c
		}
	}
	if first.kind != dialogue.EventContinue || conn == nil {
		t.Fatalf("first answer %v, want a TC-CONTINUE with Connect", first)
	}
	if conn.DestinationRoutingAddress.Digits != "31600000002" || conn.OriginalCalledPartyID.Digits != "12" {
		t.Fatalf("Connect to %q (originalCalledPartyID %q), want 31600000002 (12)",
			conn.DestinationRoutingAddress.Digits, conn.OriginalCalledPartyID.Digits)
	}
	f.cont(f.erb(camel.EventOAbandon, camel.Leg1, camel.MessageNotification))
	if cdr, _ := f.settled(); cdr.Called != "12" || cdr.CallClass != store.ClassOnNet {
		t.Fatalf("CDR called %q class %q, want 12 on-net", cdr.Called, cdr.CallClass)
	}
}
