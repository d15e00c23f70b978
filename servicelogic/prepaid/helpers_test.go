package prepaid

import (
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/scpd/scpd/store"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

var quiet = slog.New(slog.DiscardHandler)

var t0 = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func openStore(t testing.TB, opts store.Options) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "scpd.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func newLogic(t testing.TB) (*Logic, *store.Store, *clock) {
	t.Helper()
	st := openStore(t, store.Options{Logger: quiet})
	c := &clock{t: t0}
	return New(st, Options{Now: c.Now, Log: quiet}), st, c
}

func addAccount(t testing.TB, st *store.Store, a store.Account) {
	t.Helper()
	if a.Currency == "" {
		a.Currency = "EUR"
	}
	err := st.Update(func(tx *store.Tx) error { _, err := tx.CreateAccount(a, t0); return err })
	if err != nil {
		t.Fatal(err)
	}
}

func account(t testing.TB, st *store.Store, id string) store.Account {
	t.Helper()
	var a store.Account
	err := st.View(func(tx *store.Tx) error { var err error; a, err = tx.Account(id); return err })
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func mustAudit(t testing.TB, st *store.Store) store.AuditReport {
	t.Helper()
	rep, err := st.Audit()
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("audit failed: %+v", rep.Problems)
	}
	return rep
}

func cdrsOf(t testing.TB, st *store.Store, callID string) []store.CDR {
	t.Helper()
	var out []store.CDR
	err := st.View(func(tx *store.Tx) error {
		var err error
		out, err = tx.CDRs(store.CDRFilter{CallID: callID})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var perSecond = Tariff{Class: "on-net", PricePerMinute: 60, Initial: 1, Subsequent: 1} // 1 unit a second
