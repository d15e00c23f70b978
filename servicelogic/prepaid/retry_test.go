package prepaid

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/scpd/scpd/store"
)

// A DeductFee that reuses a sequence number with another amount is not a
// retry: replaying the first result would silently drop the difference
// (and report no shortfall for it).
func TestDeductSeqReusedWithOtherAmountIsRefused(t *testing.T) {
	ctx := context.Background()
	l, st, _ := newLogic(t)
	addAccount(t, st, store.Account{ID: "A", Opening: 1000})
	if _, err := l.ApplyFee(ctx, apply("c1", 1, "A", 100, 0)); err != nil {
		t.Fatal(err)
	}
	if d, err := l.DeductFee(ctx, DeductRequest{CallID: "c1", Seq: 2, Amount: 30}); err != nil || d.Charged != 30 {
		t.Fatalf("deduct: %+v %v", d, err)
	}
	// The true retry is still a replay.
	if d, err := l.DeductFee(ctx, DeductRequest{CallID: "c1", Seq: 2, Amount: 30}); err != nil || !d.Replayed || d.Charged != 30 {
		t.Fatalf("deduct retry: %+v %v", d, err)
	}
	d, err := l.DeductFee(ctx, DeductRequest{CallID: "c1", Seq: 2, Amount: 80})
	if !errors.Is(err, ErrSeqReused) {
		t.Fatalf("deduct of 80 under the seq of a deduct of 30: %+v %v, want ErrSeqReused", d, err)
	}
	// Settle's deduct step is checked the same way, and nothing moves.
	_, _, err = l.Settle(ctx, DeductRequest{CallID: "c1", Seq: 2, Amount: 50}, ReturnRequest{CallID: "c1", Seq: 3})
	if !errors.Is(err, ErrSeqReused) {
		t.Fatalf("settle reusing the deduct seq with another amount: %v, want ErrSeqReused", err)
	}
	if a := account(t, st, "A"); a.Charged != 30 || a.Frozen != 70 {
		t.Fatalf("account %+v", a)
	}
	mustAudit(t, st)
}

// An ApplyFee naming another account, or asking another amount, under a
// sequence number already used is not a retry of it.
func TestApplySeqReusedWithOtherArgumentsIsRefused(t *testing.T) {
	ctx := context.Background()
	l, st, _ := newLogic(t)
	addAccount(t, st, store.Account{ID: "A", Opening: 1000})
	addAccount(t, st, store.Account{ID: "B", Opening: 1000})
	if g, err := l.ApplyFee(ctx, apply("c1", 1, "A", 100, 0)); err != nil || g.Granted != 100 {
		t.Fatalf("apply: %+v %v", g, err)
	}
	if g, err := l.ApplyFee(ctx, apply("c1", 1, "A", 100, 0)); err != nil || !g.Replayed || g.Granted != 100 {
		t.Fatalf("apply retry: %+v %v", g, err)
	}
	g, err := l.ApplyFee(ctx, apply("c1", 1, "B", 100, 0))
	if !errors.Is(err, ErrAccountMismatch) {
		t.Fatalf("apply for account B replayed A's grant: %+v %v, want ErrAccountMismatch", g, err)
	}
	g, err = l.ApplyFee(ctx, apply("c1", 1, "A", 500, 0))
	if !errors.Is(err, ErrSeqReused) {
		t.Fatalf("apply of 500 under the seq of a full grant of 100: %+v %v, want ErrSeqReused", g, err)
	}
	// A partial grant replays for the same request.
	addAccount(t, st, store.Account{ID: "P", Opening: 40})
	if g, err := l.ApplyFee(ctx, apply("c2", 1, "P", 100, 0)); err != nil || g.Granted != 40 || g.Reason != ReasonNoBalance {
		t.Fatalf("partial: %+v %v", g, err)
	}
	if g, err := l.ApplyFee(ctx, apply("c2", 1, "P", 100, 0)); err != nil || !g.Replayed || g.Granted != 40 {
		t.Fatalf("partial retry: %+v %v", g, err)
	}
	if a := account(t, st, "B"); a.Frozen != 0 || a.Available != 1000 {
		t.Fatalf("account B %+v", a)
	}
	mustAudit(t, st)
}

// A voucher reference already used for one amount does not silently
// "succeed" for another, even after purge folded the first recharge's
// ledger entry.
func TestRechargeRefReusedWithOtherAmountIsRefused(t *testing.T) {
	ctx := context.Background()
	l, st, _ := newLogic(t)
	addAccount(t, st, store.Account{ID: "A", Opening: 1000})
	if a, err := l.Recharge(ctx, RechargeRequest{AccountID: "A", Amount: 500, Ref: "v-1"}); err != nil || a.Available != 1500 {
		t.Fatalf("recharge: %+v %v", a, err)
	}
	if _, err := st.Purge(ctx, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if a, err := l.Recharge(ctx, RechargeRequest{AccountID: "A", Amount: 500, Ref: "v-1"}); err != nil || a.Available != 1500 || a.Recharged != 500 {
		t.Fatalf("recharge retry: %+v %v", a, err)
	}
	a, err := l.Recharge(ctx, RechargeRequest{AccountID: "A", Amount: 300, Ref: "v-1"})
	if !errors.Is(err, store.ErrExists) {
		t.Fatalf("recharge of 300 under a ref used for 500: %+v %v, want ErrExists", a, err)
	}
	mustAudit(t, st)
}

// Seconds are not bounded by validation: their sum on the reservation must
// not wrap negative (the sweeper caps the answered time it charges at it).
func TestApplySecondsDoNotOverflow(t *testing.T) {
	ctx := context.Background()
	l, st, c := newLogic(t)
	addAccount(t, st, store.Account{ID: "A", Opening: 1000})
	req := apply("c1", 1, "A", 100, 0)
	req.Seconds = math.MaxInt64/2 + 1
	if _, err := l.ApplyFee(ctx, req); err != nil {
		t.Fatal(err)
	}
	req.Seq = 2
	req.Amount = 0
	g, err := l.ApplyFee(ctx, req)
	if err != nil || g.TotalSeconds < 0 {
		t.Fatalf("second quota: %+v %v: total seconds wrapped", g, err)
	}
	if err := l.MarkAnswered(ctx, "c1", 3, t0); err != nil {
		t.Fatal(err)
	}
	c.Set(t0.Add(90 * time.Second))
	rep, err := l.Sweeper(nil, 0, 0).SweepOnce(ctx)
	if err != nil || len(rep.Recovered) != 1 || rep.Recovered[0].Charged != 90 { // 90 s answered at 1 unit a second
		t.Fatalf("sweep: %+v %v, want 90 charged", rep, err)
	}
	mustAudit(t, st)
}
