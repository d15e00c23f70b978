package servicelogic_test

import (
	"testing"
	"time"

	"github.com/scpd/scpd/cmd/ssfsim/msc"
	"github.com/scpd/scpd/store"
)

// A call with a service key scpd has no service for has a CDR whose service
// is "none", as scpd_calls_total labels it (README): it was "unknown".
func TestUnknownServiceKeyCDRService(t *testing.T) {
	_, st, addr := scp(t)
	sim, ctx := startMSC(t, addr, 10*time.Second)
	if _, err := sim.Call(ctx, msc.Call{ServiceKey: 999, Calling: "31600000001", Called: "12"}); err != nil {
		t.Fatal(err)
	}
	var cdrs []store.CDR
	for deadline := time.Now().Add(5 * time.Second); len(cdrs) == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no CDR")
		}
		if err := st.View(func(tx *store.Tx) (err error) { cdrs, err = tx.CDRs(store.CDRFilter{}); return err }); err != nil {
			t.Fatal(err)
		}
	}
	if c := cdrs[0]; c.Service != "none" || c.Outcome != "rejected-unknown-service-key" {
		t.Fatalf("CDR service %q outcome %q, want none, rejected-unknown-service-key", c.Service, c.Outcome)
	}
}
