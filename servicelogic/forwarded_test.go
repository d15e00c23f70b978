package servicelogic

import (
	"testing"

	"github.com/scpd/scpd/camel"
	"github.com/scpd/scpd/sigtran/tcap/dialogue"
)

// A forwarded call's InitialDP (TS 23.078 §4.6.1.8, MF case) comes from the
// forwarding subscriber's O-CSI: callingPartyNumber is the original caller,
// redirectingPartyID the forwarding subscriber, who is served and pays for
// the forwarded leg. Here the original caller 31600000001 is prepaid
// (account A) and the forwarding member 31600000002 postpaid: the leg must be
// the postpaid member's VPN call — no ApplyCharging, nothing frozen or
// charged on A — not charged to the caller.
func TestForwardedLegServesTheForwardingSubscriber(t *testing.T) {
	f := newFlow(t, 10_000, camel.Phase2)
	idp := camel.ExampleMOInitialDP()
	idp.CallingPartyNumber.Digits = "31600000001"
	idp.RedirectingPartyID = camel.RedirectingNumber{NatureOfAddress: camel.NAIInternational, NumberingPlan: camel.NPIISDN, Digits: "31600000002"}
	idp.IMSI = "" // the forwarding member's IMSI is not provisioned: found by number
	first := f.beginWith(idp)
	if first.kind != dialogue.EventContinue {
		t.Fatalf("first answer %v, want a TC-CONTINUE", first)
	}
	for _, a := range first.args {
		if _, ok := a.(*camel.ApplyChargingArg); ok {
			t.Fatal("ApplyCharging on the forwarded leg of a postpaid member: the original (prepaid) caller was taken as the served subscriber")
		}
	}
	f.cont(f.erb(camel.EventOAbandon, camel.Leg1, camel.MessageNotification))
	cdr, acct := f.settled()
	if cdr.AccountID != "" || cdr.Charged != 0 || acct.Frozen != 0 || acct.Charged != 0 || acct.Available != 10_000 {
		t.Fatalf("CDR account %q charged %d; caller's account frozen %d charged %d available %d: want nothing taken from the caller",
			cdr.AccountID, cdr.Charged, acct.Frozen, acct.Charged, acct.Available)
	}
	if cdr.Calling != "31600000001" {
		t.Fatalf("CDR calling %q, want the original caller 31600000001", cdr.Calling)
	}
}

// A forwarded call to a member's short number keeps the original called
// party it came with: the Connect's originalCalledPartyID replaces the
// IAM's (TS 29.078 Connect), and the short number there named "11" as the
// party first called instead of the forwarding subscriber. Without an
// original called party in the InitialDP none is sent; a call that is not
// forwarded carries the short number dialled.
func TestForwardedCallKeepsItsOriginalCalledParty(t *testing.T) {
	forwarder := camel.RedirectingNumber{NatureOfAddress: camel.NAIInternational, NumberingPlan: camel.NPIISDN, Digits: "31600000002"}
	for _, tc := range []struct {
		name       string
		forwarded  bool
		ocn        camel.RedirectingNumber // in the InitialDP
		wantDigits string                  // in the Connect, "" for none
	}{
		{"forwarded with its original called party", true, forwarder, "31600000002"},
		{"forwarded without one", true, camel.RedirectingNumber{}, ""},
		{"not forwarded", false, camel.RedirectingNumber{}, "11"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFlow(t, 10_000, camel.Phase3)
			idp := camel.ExampleMOInitialDP()
			idp.CalledPartyBCDNumber.Digits = "11"
			if tc.forwarded {
				idp.CallingPartyNumber.Digits = "31699999999" // a caller outside the group
				idp.RedirectingPartyID, idp.OriginalCalledPartyID = forwarder, tc.ocn
				idp.IMSI = ""
			} else {
				idp.CallingPartyNumber.Digits = "31600000002"
				idp.IMSI = ""
			}
			first := f.beginWith(idp)
			var connect *camel.ConnectArg
			for _, a := range first.args {
				if c, ok := a.(*camel.ConnectArg); ok {
					connect = c
				}
			}
			if connect == nil {
				t.Fatalf("first answer %v, want a Connect to member 11", first)
			}
			if got := connect.OriginalCalledPartyID.Digits; got != tc.wantDigits {
				t.Fatalf("Connect originalCalledPartyID %q, want %q", got, tc.wantDigits)
			}
		})
	}
}
