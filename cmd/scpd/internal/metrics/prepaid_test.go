package metrics

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/scpd/scpd/servicelogic/prepaid"
	"github.com/scpd/scpd/store"
)

// Each prepaid interface the call path uses is counted under its own label,
// on a real store, and the results pass through unchanged.
func TestTimedPrepaid(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "scpd.db"), store.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now()
	if err := st.Update(func(tx *store.Tx) error {
		_, err := tx.CreateAccount(store.Account{ID: "acme", Currency: "EUR", Opening: 1000}, now)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	p := TimedPrepaid(reg, prepaid.New(st, prepaid.Options{Log: slog.New(slog.DiscardHandler)}))
	ctx := context.Background()

	if a, err := p.Authenticate(ctx, "acme"); err != nil || !a.OK {
		t.Fatalf("Authenticate = %+v, %v", a, err)
	}
	g, err := p.ApplyFee(ctx, prepaid.ApplyRequest{CallID: "c1", Seq: 1, AccountID: "acme", Amount: 300, Deadline: now.Add(time.Minute)})
	if err != nil || g.Granted != 300 {
		t.Fatalf("ApplyFee = %+v, %v", g, err)
	}
	if err := p.MarkAnswered(ctx, "c1", 2, now); err != nil {
		t.Fatal(err)
	}
	if _, _, err := p.Settle(ctx, prepaid.DeductRequest{CallID: "c1", Seq: 3, Amount: 100}, prepaid.ReturnRequest{CallID: "c1", Seq: 4}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Recharge(ctx, prepaid.RechargeRequest{AccountID: "acme", Amount: 5, Ref: "r1"}); err != nil {
		t.Fatal(err)
	}

	counts := map[string]uint64{}
	for _, m := range family(t, reg, "scpd_prepaid_seconds").GetMetric() {
		counts[m.GetLabel()[0].GetValue()] = m.GetHistogram().GetSampleCount()
	}
	want := map[string]uint64{"authenticate": 1, "apply_fee": 1, "mark_answered": 1, "settle": 1,
		"deduct_fee": 0, "return_fee": 0}
	for k, n := range want {
		if counts[k] != n {
			t.Errorf("scpd_prepaid_seconds{interface=%q} count %d, want %d (all: %v)", k, counts[k], n, counts)
		}
	}
	a, err := p.Authenticate(ctx, "acme")
	if err != nil || a.Account.Available != 1000-100+5 {
		t.Fatalf("after the call and a recharge of 5: %+v, %v; want 905 available", a, err)
	}
}
