package prepaid

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scpd/scpd/store"
)

func TestAuthenticate(t *testing.T) {
	l, st, _ := newLogic(t)
	addAccount(t, st, store.Account{ID: "ok", Opening: 500, MinThreshold: 100})
	addAccount(t, st, store.Account{ID: "expired", Opening: 500, ValidUntil: t0})
	addAccount(t, st, store.Account{ID: "blocked", Opening: 500})
	addAccount(t, st, store.Account{ID: "lost", Opening: 500})
	addAccount(t, st, store.Account{ID: "low", Opening: 99, MinThreshold: 100})
	addAccount(t, st, store.Account{ID: "empty", Opening: 0})
	for id, s := range map[string]store.AccountStatus{"blocked": store.StatusBlocked, "lost": store.StatusReportedLost} {
		err := st.Update(func(tx *store.Tx) error {
			_, err := tx.UpdateAccount(id, store.AccountSettings{Status: &s}, t0)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		id     string
		ok     bool
		reason Reason
	}{
		{"ok", true, ReasonNone},
		{"nobody", false, ReasonUnknownAccount},
		{"expired", false, ReasonExpired},
		{"blocked", false, ReasonBlocked},
		{"lost", false, ReasonReportedLost},
		{"low", false, ReasonBelowThreshold},
		{"empty", false, ReasonNoBalance},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			res, err := l.Authenticate(context.Background(), tc.id)
			if err != nil {
				t.Fatal(err)
			}
			if res.OK != tc.ok || res.Reason != tc.reason {
				t.Fatalf("got OK=%v reason=%s, want OK=%v reason=%s", res.OK, res.Reason, tc.ok, tc.reason)
			}
			if tc.reason != ReasonUnknownAccount && (res.Account.ID != tc.id || res.Account.Currency != "EUR") {
				t.Fatalf("account not returned: %+v", res.Account)
			}
		})
	}
}

func apply(callID string, seq uint32, acct string, amount, minAmount int64) ApplyRequest {
	return ApplyRequest{CallID: callID, Seq: seq, AccountID: acct, Amount: amount, MinAmount: minAmount,
		Deadline: t0.Add(time.Minute), Tariff: perSecond, Seconds: amount}
}

func TestCallFlow(t *testing.T) {
	ctx := context.Background()
	l, st, _ := newLogic(t)
	addAccount(t, st, store.Account{ID: "A", Opening: 100})

	g, err := l.ApplyFee(ctx, apply("c1", 1, "A", 60, 0))
	if err != nil || g.Granted != 60 || g.Seconds != 60 || g.Available != 40 || g.Reason != ReasonNone {
		t.Fatalf("first quota: %+v %v", g, err)
	}
	// Next quota: only 40 left, granted partly.
	g, err = l.ApplyFee(ctx, apply("c1", 2, "A", 60, 0))
	if err != nil || g.Granted != 40 || g.Seconds != 40 || g.TotalSeconds != 100 || g.Frozen != 100 || g.Reason != ReasonNoBalance {
		t.Fatalf("second quota: %+v %v", g, err)
	}
	// Nothing left: 0 granted is a result.
	g, err = l.ApplyFee(ctx, apply("c1", 3, "A", 60, 0))
	if err != nil || g.Granted != 0 || g.Reason != ReasonNoBalance {
		t.Fatalf("third quota: %+v %v", g, err)
	}
	if err := l.MarkAnswered(ctx, "c1", 1, t0.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	d, err := l.DeductFee(ctx, DeductRequest{CallID: "c1", Seq: 4, Amount: 70})
	if err != nil || d.Charged != 70 || d.Frozen != 30 {
		t.Fatalf("deduct: %+v %v", d, err)
	}
	// Never more than frozen.
	d, err = l.DeductFee(ctx, DeductRequest{CallID: "c1", Seq: 5, Amount: 50})
	if err != nil || d.Charged != 30 || d.Shortfall != 20 || d.Frozen != 0 || d.TotalCharged != 100 {
		t.Fatalf("over-deduct: %+v %v", d, err)
	}
	r, err := l.ReturnFee(ctx, ReturnRequest{CallID: "c1", Seq: 6, CDR: &store.CDR{Service: "vpn", Calling: "31612345001", Called: "1002", Outcome: "normal"}})
	if err != nil || r.Returned != 0 || r.TotalCharged != 100 {
		t.Fatalf("return: %+v %v", r, err)
	}
	cdrs := cdrsOf(t, st, "c1")
	if len(cdrs) != 1 || cdrs[0].Charged != 100 || cdrs[0].AccountID != "A" || cdrs[0].Currency != "EUR" || cdrs[0].Recovered || !cdrs[0].Answer.Equal(t0.Add(time.Second)) {
		t.Fatalf("cdr: %+v", cdrs)
	}
	if a := account(t, st, "A"); a.Available != 0 || a.Frozen != 0 || a.Charged != 100 {
		t.Fatalf("account after: %+v", a)
	}
	mustAudit(t, st)

	// After closing: a new quota or deduct is refused, naming the call.
	if _, err := l.ApplyFee(ctx, apply("c1", 9, "A", 1, 0)); !errors.Is(err, ErrClosed) || !strings.Contains(err.Error(), `"c1"`) {
		t.Fatalf("apply on closed: %v", err)
	}
	if _, err := l.DeductFee(ctx, DeductRequest{CallID: "c1", Seq: 9, Amount: 1}); !errors.Is(err, ErrClosed) {
		t.Fatalf("deduct on closed: %v", err)
	}
}

func TestMinAmountAndUnknownCalls(t *testing.T) {
	ctx := context.Background()
	l, st, _ := newLogic(t)
	addAccount(t, st, store.Account{ID: "A", Opening: 50})

	g, err := l.ApplyFee(ctx, apply("c1", 1, "A", 100, 60))
	if err != nil || g.Granted != 0 || g.Reason != ReasonNoBalance {
		t.Fatalf("min amount: %+v %v", g, err)
	}
	if a := account(t, st, "A"); a.Available != 50 || a.Frozen != 0 {
		t.Fatalf("money moved on a refusal: %+v", a)
	}
	// The refused call still has a reservation that ReturnFee closes.
	if _, err := l.ReturnFee(ctx, ReturnRequest{CallID: "c1", Seq: 2}); err != nil {
		t.Fatal(err)
	}
	g, err = l.ApplyFee(ctx, apply("c2", 1, "nobody", 10, 0))
	if err != nil || g.Reason != ReasonUnknownAccount {
		t.Fatalf("unknown account: %+v %v", g, err)
	}
	for name, f := range map[string]func() error{
		"deduct": func() error {
			_, err := l.DeductFee(ctx, DeductRequest{CallID: "ghost", Seq: 1, Amount: 1})
			return err
		},
		"return": func() error { _, err := l.ReturnFee(ctx, ReturnRequest{CallID: "ghost", Seq: 1}); return err },
		"answer": func() error { return l.MarkAnswered(ctx, "ghost", 1, t0) },
	} {
		err := f()
		var ce *CallError
		if !errors.Is(err, ErrUnknownCall) || !errors.As(err, &ce) || ce.CallID != "ghost" || !strings.Contains(err.Error(), `"ghost"`) {
			t.Errorf("%s unknown call: %v", name, err)
		}
	}
	if _, err := l.ApplyFee(ctx, apply("c1", 3, "B", 10, 0)); !errors.Is(err, ErrAccountMismatch) {
		t.Errorf("other account on the same call: %v", err)
	}
	var ve *store.ValidationError
	if _, err := l.ApplyFee(ctx, ApplyRequest{CallID: "c3", AccountID: "A", Amount: -1}); !errors.As(err, &ve) || ve.Field != "amount" {
		t.Errorf("negative amount: %v", err)
	}
	// A deadline the store cannot keep would come back centuries off: one
	// past 2262 passed at once, one before 1678 froze the fee until 2184.
	for _, at := range []time.Time{time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC)} {
		req := apply("c4", 1, "A", 10, 0)
		req.Deadline = at
		if _, err := l.ApplyFee(ctx, req); !errors.As(err, &ve) || ve.Field != "deadline" {
			t.Errorf("deadline %v: %v", at, err)
		}
	}
	mustAudit(t, st)
}

func TestBlockedAccountGetsNoGrant(t *testing.T) {
	ctx := context.Background()
	l, st, c := newLogic(t)
	addAccount(t, st, store.Account{ID: "A", Opening: 50, ValidUntil: t0.Add(time.Hour)})
	blocked := store.StatusBlocked
	if err := st.Update(func(tx *store.Tx) error {
		_, err := tx.UpdateAccount("A", store.AccountSettings{Status: &blocked}, t0)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if g, err := l.ApplyFee(ctx, apply("c1", 1, "A", 10, 0)); err != nil || g.Granted != 0 || g.Reason != ReasonBlocked {
		t.Fatalf("blocked: %+v %v", g, err)
	}
	active := store.StatusActive
	if err := st.Update(func(tx *store.Tx) error {
		_, err := tx.UpdateAccount("A", store.AccountSettings{Status: &active}, t0)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	c.Set(t0.Add(2 * time.Hour))
	if g, err := l.ApplyFee(ctx, apply("c2", 1, "A", 10, 0)); err != nil || g.Granted != 0 || g.Reason != ReasonExpired {
		t.Fatalf("expired: %+v %v", g, err)
	}
}

func TestRetriesChargeOnce(t *testing.T) {
	ctx := context.Background()
	l, st, _ := newLogic(t)
	addAccount(t, st, store.Account{ID: "A", Opening: 1000})
	g1, err := l.ApplyFee(ctx, apply("c1", 1, "A", 100, 0))
	if err != nil {
		t.Fatal(err)
	}
	g2, err := l.ApplyFee(ctx, apply("c1", 1, "A", 100, 0))
	if err != nil || !g2.Replayed || g2.Granted != g1.Granted || g2.Available != g1.Available {
		t.Fatalf("apply retry: %+v vs %+v %v", g2, g1, err)
	}
	// Concurrent retries of the same deduct and return.
	var wg sync.WaitGroup
	var mu sync.Mutex
	fresh := map[string]int{}
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := l.DeductFee(ctx, DeductRequest{CallID: "c1", Seq: 2, Amount: 30})
			if err != nil || d.Charged != 30 {
				t.Errorf("deduct retry: %+v %v", d, err)
			}
			r, err := l.ReturnFee(ctx, ReturnRequest{CallID: "c1", Seq: 3, CDR: &store.CDR{Outcome: "normal"}})
			if err != nil || r.Returned != 70 {
				t.Errorf("return retry: %+v %v", r, err)
			}
			mu.Lock()
			if !d.Replayed {
				fresh["deduct"]++
			}
			if !r.Replayed {
				fresh["return"]++
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	if fresh["deduct"] != 1 || fresh["return"] != 1 {
		t.Fatalf("first results: %v, want exactly one of each", fresh)
	}
	if a := account(t, st, "A"); a.Available != 970 || a.Charged != 30 || a.Frozen != 0 {
		t.Fatalf("account: %+v", a)
	}
	if n := len(cdrsOf(t, st, "c1")); n != 1 {
		t.Fatalf("%d CDRs, want 1", n)
	}
	a, err := l.Recharge(ctx, RechargeRequest{AccountID: "A", Amount: 500, Ref: "voucher-1"})
	if err != nil || a.Available != 1470 || a.Replayed {
		t.Fatalf("recharge: %+v %v", a, err)
	}
	a, err = l.Recharge(ctx, RechargeRequest{AccountID: "A", Amount: 500, Ref: "voucher-1"})
	if err != nil || a.Available != 1470 || a.Recharged != 500 || !a.Replayed {
		t.Fatalf("recharge retry: %+v %v", a, err)
	}
	if _, err := l.Recharge(ctx, RechargeRequest{AccountID: "nobody", Amount: 5}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("recharge unknown: %v", err)
	}
	mustAudit(t, st)
}

// 64 goroutines share one small account: never overdrawn, invariant holds.
func TestConcurrentSharedAccount(t *testing.T) {
	ctx := context.Background()
	l, st, _ := newLogic(t)
	const opening = 5000
	addAccount(t, st, store.Account{ID: "ACME", Opening: opening})
	const workers, calls = 64, 15
	var mu sync.Mutex
	var charged, granted, short int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < calls; i++ {
				id := callID(w, i)
				g, err := l.ApplyFee(ctx, apply(id, 1, "ACME", int64(50+w), 0))
				if err != nil {
					t.Error(err)
					return
				}
				// Ask for more than granted sometimes: never charged beyond frozen.
				d, err := l.DeductFee(ctx, DeductRequest{CallID: id, Seq: 2, Amount: g.Granted/2 + int64(i%3)*20})
				if err != nil {
					t.Error(err)
					return
				}
				if d.Charged > g.Granted {
					t.Errorf("charged %d of %d granted", d.Charged, g.Granted)
				}
				if _, err := l.ReturnFee(ctx, ReturnRequest{CallID: id, Seq: 3}); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				charged += d.Charged
				granted += g.Granted
				if g.Reason == ReasonNoBalance {
					short++
				}
				mu.Unlock()
			}
		}(w)
	}
	wg.Wait()
	a := account(t, st, "ACME")
	if a.Available < 0 || a.Frozen != 0 || a.Charged != charged || a.Available != opening-charged {
		t.Fatalf("account %+v, charged by results %d", a, charged)
	}
	if short == 0 {
		t.Fatalf("no grant was cut short: the account was never contended")
	}
	mustAudit(t, st)
}

func callID(w, i int) string { return fmt.Sprintf("call-%02d-%04d", w, i) }
