package prepaid

import (
	"context"
	"testing"
	"time"

	"github.com/scpd/scpd/store"
)

func TestSweeper(t *testing.T) {
	ctx := context.Background()
	l, st, c := newLogic(t)
	addAccount(t, st, store.Account{ID: "A", Opening: 10000})
	type call struct {
		id       string
		amount   int64
		answered bool
		deducted int64
		deadline time.Duration
		// expected after the sweep
		swept        bool
		charged      int64 // in all
		wantReturned int64
	}
	calls := []call{
		{id: "answered", amount: 120, answered: true, deducted: 30, deadline: time.Minute, swept: true, charged: 90, wantReturned: 30},
		{id: "capped", amount: 60, answered: true, deadline: time.Minute, swept: true, charged: 60, wantReturned: 0},
		{id: "unanswered", amount: 100, deadline: time.Minute, swept: true, charged: 0, wantReturned: 100},
		{id: "deducted-unanswered", amount: 100, deducted: 40, deadline: time.Minute, swept: true, charged: 40, wantReturned: 60},
		{id: "live", amount: 100, answered: true, deadline: time.Minute, swept: false},
		{id: "not-yet", amount: 100, deadline: 10 * time.Minute, swept: false},
	}
	for _, k := range calls {
		req := apply(k.id, 1, "A", k.amount, 0)
		req.Deadline = t0.Add(k.deadline)
		req.Calling, req.Called, req.Service = "31612345001", "31612345002", "vpn"
		if _, err := l.ApplyFee(ctx, req); err != nil {
			t.Fatal(err)
		}
		if k.answered {
			if err := l.MarkAnswered(ctx, k.id, 2, t0); err != nil {
				t.Fatal(err)
			}
		}
		if k.deducted > 0 {
			if _, err := l.DeductFee(ctx, DeductRequest{CallID: k.id, Seq: 3, Amount: k.deducted}); err != nil {
				t.Fatal(err)
			}
		}
	}
	c.Set(t0.Add(90 * time.Second)) // 90 s after answer, 30 s past most deadlines
	sw := l.Sweeper(func(id string) bool { return id == "live" }, 0, 0)
	rep, err := sw.SweepOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.SkippedLive != 1 {
		t.Errorf("skipped live %d, want 1", rep.SkippedLive)
	}
	got := map[string]store.Recovered{}
	for _, r := range rep.Recovered {
		got[r.CallID] = r
	}
	for _, k := range calls {
		t.Run(k.id, func(t *testing.T) {
			r, swept := got[k.id]
			if swept != k.swept {
				t.Fatalf("swept=%v, want %v", swept, k.swept)
			}
			var res store.Reservation
			if err := st.View(func(tx *store.Tx) error { var err error; res, err = tx.Reservation(k.id); return err }); err != nil {
				t.Fatal(err)
			}
			cdrs := cdrsOf(t, st, k.id)
			if !k.swept {
				if res.State != store.ReservationOpen || res.Frozen != k.amount || len(cdrs) != 0 {
					t.Fatalf("touched: %+v, %d CDRs", res, len(cdrs))
				}
				return
			}
			if res.State != store.ReservationRecovered || res.Frozen != 0 || res.Charged != k.charged || r.Returned != k.wantReturned {
				t.Fatalf("reservation %+v, recovered %+v; want charged %d returned %d", res, r, k.charged, k.wantReturned)
			}
			if len(cdrs) != 1 || !cdrs[0].Recovered || cdrs[0].Charged != k.charged || cdrs[0].Calling != "31612345001" || cdrs[0].Service != "vpn" {
				t.Fatalf("CDRs: %+v", cdrs)
			}
		})
	}
	// Idempotent: nothing more to do; the call path sees the call closed.
	rep, err = sw.SweepOnce(ctx)
	if err != nil || len(rep.Recovered) != 0 {
		t.Fatalf("second sweep: %+v %v", rep, err)
	}
	if _, err := l.ReturnFee(ctx, ReturnRequest{CallID: "unanswered", Seq: 9}); err == nil {
		t.Fatal("ReturnFee on a recovered call succeeded")
	}
	a := account(t, st, "A")
	if a.Frozen != 200 || a.Charged != 190 {
		t.Fatalf("account %+v", a)
	}
	mustAudit(t, st)

	// Settled reservations are pruned after the retention.
	c.Set(t0.Add(48 * time.Hour))
	sw = l.Sweeper(func(id string) bool { return id == "live" }, 0, 24*time.Hour)
	rep, err = sw.SweepOnce(ctx)
	if err != nil || rep.Pruned != 4 || len(rep.Recovered) != 1 { // not-yet is now past its deadline
		t.Fatalf("prune sweep: %+v %v", rep, err)
	}
	mustAudit(t, st)
}
