package servicelogic

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/scpd/scpd/camel"
	"github.com/scpd/scpd/servicelogic/prepaid"
	"github.com/scpd/scpd/sigtran/tcap/dialogue"
)

// testClock is a clock the test moves.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// An MSC that counts each period afresh reports every full period with the
// same value (600, 600, 600): the reports never fall, and were each taken
// as the time since answer — the call talked on, ApplyCharging after
// ApplyCharging, with 60 s frozen and charged. Interim reports end a
// granted period, so a time since answer would have grown by it. Tariff: 1
// unit a second; 4 full periods of 60 s and 30 s more: 270.
func TestFlowPerPeriodEqualReportsAddUp(t *testing.T) {
	f := newFlow(t, 10_000, camel.Phase3)
	f.answered()
	for i := range 4 {
		f.cont(f.acr(600, true))
		next := f.recv()
		if next.applyCharging() == nil {
			t.Fatalf("after interim report %d: %v, want ApplyCharging", i+1, next)
		}
	}
	f.cont(f.acr(300, false), f.erb(camel.EventODisconnect, camel.Leg1, camel.MessageRequest))
	if end := f.recv(); end.kind != dialogue.EventEnd {
		t.Fatalf("after the final report: %v, want TC-END", end)
	}
	cdr, acct := f.settled()
	if cdr.Duration != 270 || cdr.Charged != 270 || acct.Charged != 270 || acct.Frozen != 0 {
		t.Fatalf("CDR %d s charged %d, account %+v; want 270 s charged 270", cdr.Duration, cdr.Charged, acct)
	}
}

// A final report equal to the interim one before it is either reading: a
// per-period MSC whose second period ran out, or a time since answer that
// ended at once after the interim report. scpd's clock since the answer
// tells them apart.
func TestFlowFinalReportReadByTheClock(t *testing.T) {
	for _, tc := range []struct {
		name  string
		final time.Duration // from the answer, by scpd's clock
		want  int64         // seconds charged
	}{
		{"per period: two full periods", 120 * time.Second, 120},
		{"since answer: ended at once", 60*time.Second + 300*time.Millisecond, 60},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := &testClock{t: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)}
			f := newFlow(t, 10_000, camel.Phase3, func(c *Config) { c.Now = clk.Now })
			f.begin()
			// In request mode scpd answers (Continue): the answer is timed
			// by then, before the clock moves.
			f.cont(f.erb(camel.EventOAnswer, camel.Leg2, camel.MessageRequest))
			if m := f.recv(); m.kind != dialogue.EventContinue {
				t.Fatalf("after oAnswer in request mode: %v, want TC-CONTINUE", m)
			}
			clk.Add(60 * time.Second)
			f.cont(f.acr(600, true))
			if next := f.recv(); next.applyCharging() == nil {
				t.Fatalf("after the interim report: %v, want ApplyCharging", next)
			}
			clk.Add(tc.final - 60*time.Second)
			f.cont(f.acr(600, false), f.erb(camel.EventODisconnect, camel.Leg1, camel.MessageRequest))
			if end := f.recv(); end.kind != dialogue.EventEnd {
				t.Fatalf("after the final report: %v, want TC-END", end)
			}
			cdr, acct := f.settled()
			if cdr.Duration != tc.want || acct.Charged != tc.want {
				t.Fatalf("CDR %d s, account %+v; want %d s charged", cdr.Duration, acct, tc.want)
			}
		})
	}
}

// flowPrepaid wraps the prepaid service of the flows a test starts next
// (the flows' tests do not run in parallel).
var flowPrepaid = func(p prepaid.Service) prepaid.Service { return p }

// failFirstSettle fails the first Settle, as a store past its timeout would.
type failFirstSettle struct {
	prepaid.Service
	mu     sync.Mutex
	failed int
}

func (p *failFirstSettle) Settle(ctx context.Context, d prepaid.DeductRequest, r prepaid.ReturnRequest) (prepaid.DeductResult, prepaid.ReturnResult, error) {
	p.mu.Lock()
	first := p.failed == 0
	p.failed++
	p.mu.Unlock()
	if first {
		return prepaid.DeductResult{}, prepaid.ReturnResult{}, context.DeadlineExceeded
	}
	return p.Service.Settle(ctx, d, r)
}

// A Settle that failed once is tried again with the same request: the call
// is charged the 10 s it talked. Before, the reservation went to the
// sweeper, which knows when the call was answered and not when it ended,
// and charges from the answer to the sweep, capped at the grant: 60 s.
func TestFlowSettleFailureIsTriedAgain(t *testing.T) {
	fp := &failFirstSettle{}
	flowPrepaid = func(p prepaid.Service) prepaid.Service { fp.Service = p; return fp }
	t.Cleanup(func() { flowPrepaid = func(p prepaid.Service) prepaid.Service { return p } })
	f := newFlow(t, 10_000, camel.Phase3, func(c *Config) { c.SettleRetries = []time.Duration{20 * time.Millisecond} })
	f.answered()
	f.cont(f.acr(100, false), f.erb(camel.EventODisconnect, camel.Leg1, camel.MessageRequest))
	if end := f.recv(); end.kind != dialogue.EventEnd {
		t.Fatalf("after the final report: %v, want TC-END", end)
	}
	cdr, acct := f.settled()
	if cdr.Duration != 10 || cdr.Recovered || acct.Charged != 10 || acct.Frozen != 0 {
		t.Fatalf("CDR %+v, account %+v; want 10 s charged by the call's own settle", cdr, acct)
	}
	fp.mu.Lock()
	tries := fp.failed
	fp.mu.Unlock()
	if tries != 2 {
		t.Fatalf("Settle tried %d times, want 2", tries)
	}
	for deadline := time.Now().Add(flowWait); f.svc.Active() != 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d calls still live after the settle", f.svc.Active())
		}
	}
}
