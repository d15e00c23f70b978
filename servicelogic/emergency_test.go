package servicelogic

import (
	"testing"

	"github.com/scpd/scpd/camel"
	"github.com/scpd/scpd/sigtran/tcap/dialogue"
)

// An emergency number dialled (112, 911; calls.emergency_numbers) goes on
// as dialled — TC-END with Continue, no ApplyCharging — whatever the
// caller's balance or the service key: it was released for want of
// balance, or charged off-net as a public short code. Its CDR says so.
func TestEmergencyNumberIsContinuedUncharged(t *testing.T) {
	for _, tc := range []struct {
		name       string
		serviceKey uint32
		dialled    string
	}{
		{"VPN key, prepaid member without balance, 112", 100, "112"},
		{"prepaid key, 911", 200, "911"},
		{"a service key scpd does not serve, 112", 999, "112"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFlow(t, 0, camel.Phase2)
			idp := camel.ExampleMOInitialDP()
			idp.ServiceKey = tc.serviceKey
			idp.CallingPartyNumber.Digits = "31600000001"
			idp.CalledPartyBCDNumber.Digits = tc.dialled
			first := f.beginWith(idp)
			if first.kind != dialogue.EventEnd || !first.has(camel.OpContinue) || len(first.ops()) != 1 {
				t.Fatalf("answer %v, want a TC-END with Continue alone", first)
			}
			cdr, acct := f.settled()
			if cdr.Outcome != OutcomeEmergency || cdr.Called != tc.dialled || cdr.Charged != 0 || acct.Frozen != 0 {
				t.Fatalf("CDR %+v, account frozen %d; want %s to %s, nothing charged or frozen", cdr, acct.Frozen, OutcomeEmergency, tc.dialled)
			}
		})
	}
}
