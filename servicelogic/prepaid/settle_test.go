package prepaid

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/scpd/scpd/store"
)

func TestSettleDeductsAndReturnsAtOnce(t *testing.T) {
	l, st, _ := newLogic(t)
	ctx := context.Background()
	addAccount(t, st, store.Account{ID: "A-1", Opening: 1000})
	g, err := l.ApplyFee(ctx, ApplyRequest{CallID: "c1", Seq: 1, AccountID: "A-1", Amount: 300, Deadline: t0.Add(time.Hour), Tariff: perSecond, Seconds: 300})
	if err != nil || g.Granted != 300 {
		t.Fatalf("apply: %+v %v", g, err)
	}
	d, r, err := l.Settle(ctx, DeductRequest{CallID: "c1", Seq: 2, Amount: 120}, ReturnRequest{CallID: "c1", Seq: 3, CDR: &store.CDR{Outcome: "answered"}})
	if err != nil || d.Charged != 120 || r.Returned != 180 || r.TotalCharged != 120 {
		t.Fatalf("settle: %+v %+v %v", d, r, err)
	}
	// A retry is a replay: no money moves.
	d2, r2, err := l.Settle(ctx, DeductRequest{CallID: "c1", Seq: 2, Amount: 120}, ReturnRequest{CallID: "c1", Seq: 3})
	if err != nil || !d2.Replayed || !r2.Replayed || r2.Returned != 180 {
		t.Fatalf("retry: %+v %+v %v", d2, r2, err)
	}
	if a := account(t, st, "A-1"); a.Available != 880 || a.Frozen != 0 || a.Charged != 120 {
		t.Fatalf("account %+v", a)
	}
	if len(cdrsOf(t, st, "c1")) != 1 {
		t.Fatal("no single CDR")
	}
	mustAudit(t, st)
	if _, _, err := l.Settle(ctx, DeductRequest{CallID: "nope", Seq: 1}, ReturnRequest{CallID: "nope", Seq: 2}); !errors.Is(err, ErrUnknownCall) {
		t.Fatalf("unknown call: %v", err)
	}
}
