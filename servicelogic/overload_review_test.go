package servicelogic

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scpd/scpd/camel"
	"github.com/scpd/scpd/servicelogic/prepaid"
	"github.com/scpd/scpd/sigtran/sccp"
	"github.com/scpd/scpd/sigtran/sccp/routing"
	"github.com/scpd/scpd/sigtran/tcap"
	"github.com/scpd/scpd/sigtran/tcap/dialogue"
	"github.com/scpd/scpd/store"
)

// overloadCount is an observer counting overload answers by bound.
type overloadCount struct {
	NopObserver
	mu     sync.Mutex
	bounds map[string]int
	total  atomic.Int64
}

func (o *overloadCount) Overload(bound string) {
	o.mu.Lock()
	if o.bounds == nil {
		o.bounds = map[string]int{}
	}
	o.bounds[bound]++
	o.mu.Unlock()
	o.total.Add(1)
}

// beginFrame is a TC-BEGIN with an InitialDP (phase 2) of caller to
// dialled, under transaction ID otid.
func beginFrame(t *testing.T, otid uint32, idp *camel.InitialDPArg) []byte {
	t.Helper()
	param, err := camel.AppendArgument(nil, idp, camel.Phase2)
	if err != nil {
		t.Fatal(err)
	}
	b, err := tcap.NewBegin(tcap.NewTransactionID(otid), tcap.NewAARQ(camel.Phase2.ApplicationContext()),
		tcap.NewInvoke(1, int64(camel.OpInitialDP), param)).Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// postpaidIDP is a VPN call of the postpaid member 31600000002 to short
// number 11: admitted, it needs no store write before its first answer.
func postpaidIDP() *camel.InitialDPArg {
	idp := camel.ExampleMOInitialDP()
	idp.CallingPartyNumber.Digits = "31600000002"
	idp.CalledPartyBCDNumber = camel.AddressString{Nature: camel.AddressUnknown, Plan: camel.PlanISDN, Digits: "11"}
	return idp
}

// overload.max_calls under concurrent InitialDPs: the bound must be checked
// and the call counted in one step. Checked apart, concurrent arrivals on
// different workers all saw room for one more: of bursts of 16 InitialDPs
// with max_calls 1, a few in a hundred had 2 taken on, some all 16 (the
// checks held up together between check and count). With max_calls 1
// exactly one call of each burst must be taken on.
func TestOverloadReviewMaxCallsHoldsUnderConcurrentBegins(t *testing.T) {
	quiet := quietLog()
	st := testStore(t, 1_000_000)
	msc := sccp.Address{SSN: sccp.SSNCAP, GT: sccp.GlobalTitle{Indicator: sccp.GTITTNPESNAI, NumberingPlan: 1, NatureOfAddress: 4, Digits: "31600000010"}}
	scp := sccp.Address{RouteOnSSN: true, HasPC: true, PointCode: 2, SSN: sccp.SSNCAP}
	const burst = 16
	frames := make([][]byte, burst)
	for i := range frames {
		frames[i] = beginFrame(t, uint32(1000+i), postpaidIDP())
	}
	rounds, over, worst := 400, 0, 0
	for round := 0; round < rounds; round++ {
		cfg := DefaultConfig()
		cfg.Overload = Overload{MaxCalls: 1, Treatment: OverloadRelease, Cause: camel.CauseSwitchingCongestion}
		obs := &overloadCount{}
		svc, err := New(cfg, st, prepaid.New(st, prepaid.Options{}), obs, quiet)
		if err != nil {
			t.Fatal(err)
		}
		r := routing.New(&downNetwork{}, routing.Config{}, quiet)
		l := dialogue.New(dialogue.Config{SSN: sccp.SSNCAP, AcceptAC: AcceptAC,
			InvokeTimer: func(int64) (uint8, time.Duration) { return 2, time.Hour }}, r, svc, quiet)
		var start, sent sync.WaitGroup
		start.Add(1)
		for i := range frames {
			sent.Add(1)
			go func() {
				defer sent.Done()
				start.Wait()
				l.HandleUnitdata(routing.Path{OPC: 1}, &sccp.Message{Type: sccp.UDT, Called: scp, Calling: msc, Data: frames[i]})
			}()
		}
		start.Done()
		sent.Wait()
		for deadline := time.Now().Add(5 * time.Second); int64(svc.Active())+obs.total.Load() < burst; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("round %d: %d active + %d refused, want %d InitialDPs handled", round, svc.Active(), obs.total.Load(), burst)
			}
		}
		if n := svc.Active(); n > cfg.Overload.MaxCalls {
			over++
			worst = max(worst, n)
		}
		l.Close() // aborts the calls taken on: they settle
		for deadline := time.Now().Add(5 * time.Second); svc.Active() > 0; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("round %d: %d calls still active after the layer closed", round, svc.Active())
			}
		}
	}
	if over > 0 {
		t.Fatalf("overload.max_calls 1: in %d of %d bursts of %d concurrent InitialDPs more calls were taken on (up to %d)", over, rounds, burst, worst)
	}
}

// cdrsWithin waits for n CDRs in the store and returns them.
func cdrsWithin(t *testing.T, st *store.Store, n int) []store.CDR {
	t.Helper()
	var cdrs []store.CDR
	for deadline := time.Now().Add(flowWait); ; time.Sleep(10 * time.Millisecond) {
		if err := st.View(func(tx *store.Tx) (err error) { cdrs, err = tx.CDRs(store.CDRFilter{}); return err }); err != nil {
			t.Fatal(err)
		}
		if len(cdrs) >= n || time.Now().After(deadline) {
			return cdrs
		}
	}
}

// A call answered by the overload treatment "continue" goes through
// uncharged: its CDR is the only record of whom the caller reached for
// free, so it must name the dialled number as every other CDR does.
// Before, the overload answer came before the dialled number was read and
// the CDR's called number was empty. Once the call holding the bound ends,
// a new call is served again.
func TestOverloadReviewContinuedCDRNamesCalledAndBoundRecovers(t *testing.T) {
	f := newFlow(t, 10_000, camel.Phase2, func(c *Config) {
		c.Overload = Overload{MaxCalls: 1, Treatment: OverloadContinue, Cause: camel.CauseSwitchingCongestion}
	})
	f.caller = "31600000002" // postpaid: nothing frozen, the books stay simple
	if first := f.begin(); first.kind != dialogue.EventContinue || !first.has(camel.OpConnect) {
		t.Fatalf("first call: %v, want it served (TC-CONTINUE with Connect)", first)
	}
	holding := f.d
	refused := f.begin()
	if refused.kind != dialogue.EventEnd || !refused.has(camel.OpContinue) || refused.has(camel.OpConnect) {
		t.Fatalf("second call past max_calls 1: %v, want TC-END with Continue", refused)
	}
	cdrs := cdrsWithin(t, f.st, 1)
	if len(cdrs) != 1 || cdrs[0].Outcome != OutcomeOverloadContinued {
		t.Fatalf("CDRs %+v, want the one of the call continued by overload", cdrs)
	}
	if c := cdrs[0]; c.Calling != "31600000002" || c.Called != "11" || c.Charged != 0 {
		t.Fatalf("overload CDR calling %q called %q charged %d; want 31600000002 to 11, nothing charged", c.Calling, c.Called, c.Charged)
	}

	// The call holding the bound ends: the bound lets the next one in.
	if err := holding.End(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(flowWait); f.svc.Active() > 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d calls active after the only call taken on ended", f.svc.Active())
		}
	}
	if next := f.begin(); next.kind != dialogue.EventContinue || !next.has(camel.OpConnect) {
		t.Fatalf("call after the load dropped: %v, want it served", next)
	}
	if err := f.d.End(); err != nil {
		t.Fatal(err)
	}
}
