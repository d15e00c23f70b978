package servicelogic

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/scpd/scpd/camel"
	"github.com/scpd/scpd/sigtran/tcap/dialogue"
)

// endedPanicky is an observer whose CallEnded panics the first time: a
// bug inside finish itself, after the call left the live set.
type endedPanicky struct {
	NopObserver
	ended, fees atomic.Int32
}

func (o *endedPanicky) CallEnded(Kind, string) {
	if o.ended.Add(1) == 1 {
		panic("test: a bug in CallEnded")
	}
}

func (o *endedPanicky) Fee(FeeKind, int64) { o.fees.Add(1) }

// A panic inside finish (the observer's CallEnded) reaches recoverCall,
// which finishes the call it finds on the dialogue. finish clears
// d.User before calling the observer, so recoverCall finds no call: the
// call is not finished twice (Active would go to -1 and admit one call
// too many), no second CDR is written and nothing is settled twice.
func TestPanicInCallEndedFinishesOnce(t *testing.T) {
	f := newFlow(t, 10_000, camel.Phase3)
	obs := &endedPanicky{}
	f.svc.obs = obs // before the first Begin: the socket orders it before the workers

	f.answered()
	f.cont(f.acr(300, false), f.erb(camel.EventODisconnect, camel.Leg1, camel.MessageRequest))
	if end := f.recv(); end.kind != dialogue.EventEnd {
		t.Fatalf("after the final report and disconnect: %v, want TC-END", end)
	}
	cdr, acct := f.settled() // one CDR, books balanced, nothing frozen
	if cdr.Charged != 30 || acct.Charged != 30 || acct.Available != 10_000-30 || cdr.Outcome != OutcomeAnswered {
		t.Fatalf("CDR %+v, account %+v; want 30 s answered, 30 charged once", cdr, acct)
	}
	time.Sleep(100 * time.Millisecond) // a second finish would come right after the first
	if n := f.svc.Active(); n != 0 {
		t.Fatalf("Active %d after the call, want 0", n)
	}
	if n := obs.ended.Load(); n != 1 {
		t.Fatalf("CallEnded called %d times, want 1", n)
	}
	fees := obs.fees.Load()

	// The next call is counted and uncounted as usual.
	f.answered()
	if n := f.svc.Active(); n != 1 {
		t.Fatalf("Active %d during the second call, want 1", n)
	}
	f.cont(f.acr(100, false), f.erb(camel.EventODisconnect, camel.Leg1, camel.MessageRequest))
	if end := f.recv(); end.kind != dialogue.EventEnd {
		t.Fatalf("second call: %v, want TC-END", end)
	}
	for deadline := time.Now().Add(flowWait); f.svc.Active() != 0 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if n := f.svc.Active(); n != 0 {
		t.Fatalf("Active %d after the second call, want 0", n)
	}
	if n := obs.ended.Load(); n != 2 {
		t.Fatalf("CallEnded called %d times after two calls, want 2", n)
	}
	if n := obs.fees.Load(); n == fees || n == 0 {
		t.Fatalf("fees observed %d then %d", fees, n)
	}
	rep, err := f.st.Audit()
	if err != nil || !rep.OK() || rep.Totals.Frozen != 0 {
		t.Fatalf("audit: %+v %v", rep, err)
	}
}
