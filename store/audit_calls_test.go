package store_test

// Per-call audit checks: the ledger entries of each call against its
// reservation, and the reservation against its CDR. An external test package
// so that the clean books can be made by the prepaid logic itself (prepaid
// imports store); the damaged ones are made through the Tx's exported
// methods, moving money the way a buggy caller would, so that every account
// still balances and replays.

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scpd/scpd/servicelogic/prepaid"
	"github.com/scpd/scpd/store"
)

var (
	quietLog = slog.New(slog.DiscardHandler)
	day0     = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	perSec   = store.Tariff{Class: "on-net", PricePerMinute: 60, Initial: 1, Subsequent: 1} // 1 unit a second
)

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// books opens a fresh store with the given accounts (opening balances) and
// the prepaid logic on it, on a test clock at day0.
func books(t *testing.T, opening map[string]int64) (*store.Store, *prepaid.Logic, *testClock) {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "scpd.db"), store.Options{Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	err = st.Update(func(tx *store.Tx) error {
		for id, o := range opening {
			if _, err := tx.CreateAccount(store.Account{ID: id, Currency: "EUR", Opening: o}, day0); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	clk := &testClock{t: day0}
	return st, prepaid.New(st, prepaid.Options{Now: clk.Now, Log: quietLog}), clk
}

func req(callID string, seq uint32, acct string, amount, minAmount int64, deadline time.Time) prepaid.ApplyRequest {
	return prepaid.ApplyRequest{CallID: callID, Seq: seq, AccountID: acct, Amount: amount, MinAmount: minAmount,
		Deadline: deadline, Tariff: perSec, Seconds: amount, Service: "prepaid", Calling: "31612345001", Called: "31612345002"}
}

// settledCall is a whole call through the prepaid logic: one quota of
// `granted`, `charged` deducted at the end, closed with its CDR.
func settledCall(t *testing.T, l *prepaid.Logic, clk *testClock, acct, callID string, granted, charged int64) {
	t.Helper()
	ctx := context.Background()
	if g, err := l.ApplyFee(ctx, req(callID, 1, acct, granted, 0, clk.Now().Add(time.Hour))); err != nil || g.Granted != granted {
		t.Fatalf("apply %s: %+v %v", callID, g, err)
	}
	_, _, err := l.Settle(ctx, prepaid.DeductRequest{CallID: callID, Seq: 2, Amount: charged},
		prepaid.ReturnRequest{CallID: callID, Seq: 3, CDR: &store.CDR{Service: "prepaid", Outcome: "answered"}})
	if err != nil {
		t.Fatalf("settle %s: %v", callID, err)
	}
}

// rawCall opens a reservation for callID on acct and freezes 100 for it, as
// ApplyFee does, then lets damage move money as a buggy caller would, and
// writes the reservation as damage left it.
func rawCall(t *testing.T, st *store.Store, acct, callID string, at time.Time, damage func(tx *store.Tx, a *store.Account, r *store.Reservation) error) {
	t.Helper()
	err := st.Update(func(tx *store.Tx) error {
		a, err := tx.Account(acct)
		if err != nil {
			return err
		}
		r := store.Reservation{CallID: callID, AccountID: acct, Created: at, Deadline: at.Add(time.Hour), Tariff: perSec}
		if err := tx.Freeze(&a, &r, 100, at); err != nil {
			return err
		}
		if err := tx.IndexOpen(&r); err != nil {
			return err
		}
		if err := damage(tx, &a, &r); err != nil {
			return err
		}
		return tx.PutReservation(&r)
	})
	if err != nil {
		t.Fatalf("call %s: %v", callID, err)
	}
}

func auditOf(t *testing.T, st *store.Store) store.AuditReport {
	t.Helper()
	rep, err := st.Audit()
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// wantProblems checks that the audit found, for each call named in want, a
// problem containing each of the given texts, and nothing about any other
// call or account: the damage kept every account balanced, so only the
// per-call checks can see it.
func wantProblems(t *testing.T, rep store.AuditReport, want map[string][]string) {
	t.Helper()
	var all []string
	defer func() { t.Logf("audit found:\n%s", strings.Join(all, "\n")) }()
	byCall := map[string]string{}
	for _, p := range rep.Problems {
		all = append(all, fmt.Sprintf("%s/%s: %s", p.AccountID, p.CallID, p.What))
		if _, ok := want[p.CallID]; !ok || p.CallID == "" {
			t.Errorf("unexpected problem: account %q call %q: %s", p.AccountID, p.CallID, p.What)
		}
		byCall[p.CallID] += p.What + "\n"
	}
	for call, texts := range want {
		for _, s := range texts {
			if !strings.Contains(byCall[call], s) {
				t.Errorf("no problem for call %q saying %q; the audit found:\n%s", call, s, strings.Join(all, "\n"))
			}
		}
	}
}

func TestAuditPerCallLedger(t *testing.T) {
	at := day0.Add(time.Minute)
	cases := []struct {
		name   string
		damage func(t *testing.T, st *store.Store)
		want   map[string][]string
	}{{
		// Charged twice in the ledger, once on the reservation; the
		// second charge came out of what was returned.
		name: "double charge in the ledger",
		damage: func(t *testing.T, st *store.Store) {
			rawCall(t, st, "A", "c-double", at, func(tx *store.Tx, a *store.Account, r *store.Reservation) error {
				if err := tx.Charge(a, r, 30, at); err != nil {
					return err
				}
				again := *r
				if err := tx.Charge(a, &again, 30, at); err != nil {
					return err
				}
				r.Frozen = again.Frozen
				if _, err := tx.Release(a, r, store.ReservationSettled, at); err != nil {
					return err
				}
				return tx.AppendCDR(&store.CDR{CallID: r.CallID, AccountID: r.AccountID, Start: at, End: at, Charged: r.Charged})
			})
		},
		want: map[string][]string{"c-double": {"charge entries add up to 60, the reservation charged 30", "return entries add up to 40, the reservation returned 70"}},
	}, {
		name: "reservation charged more than the ledger",
		damage: func(t *testing.T, st *store.Store) {
			rawCall(t, st, "A", "c-overstated", at, func(tx *store.Tx, a *store.Account, r *store.Reservation) error {
				if err := tx.Charge(a, r, 10, at); err != nil {
					return err
				}
				if _, err := tx.Release(a, r, store.ReservationSettled, at); err != nil {
					return err
				}
				r.Charged = 30
				return tx.AppendCDR(&store.CDR{CallID: r.CallID, AccountID: r.AccountID, Start: at, End: at, Charged: 30})
			})
		},
		want: map[string][]string{"c-overstated": {"charge entries add up to 10, the reservation charged 30", "return entries add up to 90, the reservation returned 70"}},
	}, {
		name: "granted differs from the freezes",
		damage: func(t *testing.T, st *store.Store) {
			rawCall(t, st, "A", "c-granted", at, func(tx *store.Tx, a *store.Account, r *store.Reservation) error {
				r.Granted = 150
				return nil
			})
		},
		want: map[string][]string{"c-granted": {"freeze entries add up to 100, the reservation granted 150", "return entries add up to 0, the reservation returned 50"}},
	}, {
		// A charge recorded under a call id that has no reservation: the
		// real call's ledger lacks it and the other id leaves -25 frozen.
		name: "charge under another call id",
		damage: func(t *testing.T, st *store.Store) {
			rawCall(t, st, "A", "c-real", at, func(tx *store.Tx, a *store.Account, r *store.Reservation) error {
				ghost := *r
				ghost.CallID = "c-ghost"
				if err := tx.Charge(a, &ghost, 25, at); err != nil {
					return err
				}
				r.Frozen, r.Charged = ghost.Frozen, ghost.Charged
				_, err := tx.Release(a, r, store.ReservationSettled, at)
				return err
			})
		},
		want: map[string][]string{
			"c-real":  {"charge entries add up to 0, the reservation charged 25"},
			"c-ghost": {"no reservation", "freezes 0, charges 25, returns 0"},
		},
	}, {
		// Money frozen under an id with no reservation, the open call's
		// reservation claiming it.
		name: "freeze under an id with no reservation",
		damage: func(t *testing.T, st *store.Store) {
			rawCall(t, st, "A", "c-open", at, func(tx *store.Tx, a *store.Account, r *store.Reservation) error {
				phantom := *r
				phantom.CallID = "c-phantom"
				if err := tx.Freeze(a, &phantom, 40, at); err != nil {
					return err
				}
				r.Frozen, r.Granted = phantom.Frozen, phantom.Granted
				return nil
			})
		},
		want: map[string][]string{
			"c-open":    {"freeze entries add up to 100, the reservation granted 140"},
			"c-phantom": {"no reservation", "leave 40 frozen"},
		},
	}, {
		// Two calls' entries swapped between accounts: every account's
		// frozen still equals its open reservations, every sum per call too.
		name: "entries on another account than the reservation",
		damage: func(t *testing.T, st *store.Store) {
			err := st.Update(func(tx *store.Tx) error {
				for _, c := range []struct{ call, resAcct, ledgerAcct string }{{"c-x", "A", "B"}, {"c-y", "B", "A"}} {
					a, err := tx.Account(c.ledgerAcct)
					if err != nil {
						return err
					}
					r := store.Reservation{CallID: c.call, AccountID: c.ledgerAcct, Created: at, Deadline: at.Add(time.Hour)}
					if err := tx.Freeze(&a, &r, 100, at); err != nil {
						return err
					}
					r.AccountID = c.resAcct
					if err := tx.IndexOpen(&r); err != nil {
						return err
					}
					if err := tx.PutReservation(&r); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		},
		want: map[string][]string{
			"c-x": {`ledger entries are on account "B"`},
			"c-y": {`ledger entries are on account "A"`},
		},
	}, {
		name: "CDR charged differs from the reservation",
		damage: func(t *testing.T, st *store.Store) {
			for _, state := range []store.ReservationState{store.ReservationSettled, store.ReservationRecovered} {
				id := "c-cdr-" + state.String()
				rawCall(t, st, "A", id, at, func(tx *store.Tx, a *store.Account, r *store.Reservation) error {
					if err := tx.Charge(a, r, 30, at); err != nil {
						return err
					}
					if _, err := tx.Release(a, r, state, at); err != nil {
						return err
					}
					return tx.AppendCDR(&store.CDR{CallID: r.CallID, AccountID: r.AccountID, Start: at, End: at, Charged: 45,
						Recovered: state == store.ReservationRecovered})
				})
			}
		},
		want: map[string][]string{
			"c-cdr-settled":   {"CDR 2 charged 45, the reservation charged 30"}, // CDR 1 is c-fine's
			"c-cdr-recovered": {"CDR 3 charged 45, the reservation charged 30"},
		},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st, l, clk := books(t, map[string]int64{"A": 10000, "B": 10000})
			settledCall(t, l, clk, "A", "c-fine", 100, 40) // a clean neighbour
			tc.damage(t, st)
			wantProblems(t, auditOf(t, st), tc.want)
		})
	}
}

// Purge folds the oldest ledger entries away: a call whose entries were
// folded is not blamed for the missing ones, but one whose ledger is whole
// is still checked in full, and one that was folded in part is still
// caught having more in its ledger than on its reservation.
func TestAuditPerCallAfterPurge(t *testing.T) {
	ctx := context.Background()
	st, l, clk := books(t, map[string]int64{"A": 10000})
	for i := range 5 {
		settledCall(t, l, clk, "A", fmt.Sprintf("old-%d", i), 100, 10)
		clk.Set(clk.Now().Add(time.Minute))
	}
	// Open across the purge: its freeze is folded, its charges are not.
	if _, err := l.ApplyFee(ctx, req("across", 1, "A", 100, 0, clk.Now().Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	if _, err := l.ApplyFee(ctx, req("across-bad", 1, "A", 100, 0, clk.Now().Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	cutoff := clk.Now().Add(time.Second)
	clk.Set(cutoff.Add(time.Minute))
	if rep, err := st.Purge(ctx, cutoff); err != nil || rep.LedgerEntries == 0 {
		t.Fatalf("purge: %+v %v", rep, err)
	}
	if _, _, err := l.Settle(ctx, prepaid.DeductRequest{CallID: "across", Seq: 2, Amount: 60}, prepaid.ReturnRequest{CallID: "across", Seq: 3}); err != nil {
		t.Fatal(err)
	}
	settledCall(t, l, clk, "A", "new-fine", 100, 20)
	if rep := auditOf(t, st); !rep.OK() {
		t.Fatalf("clean books after a purge: %+v", rep.Problems)
	}

	// The open call charged twice in the ledger, once on its reservation.
	err := st.Update(func(tx *store.Tx) error {
		r, err := tx.Reservation("across-bad")
		if err != nil {
			return err
		}
		a, err := tx.Account("A")
		if err != nil {
			return err
		}
		if err := tx.Charge(&a, &r, 30, clk.Now()); err != nil {
			return err
		}
		again := r
		if err := tx.Charge(&a, &again, 30, clk.Now()); err != nil {
			return err
		}
		r.Frozen = again.Frozen
		if _, err := tx.Release(&a, &r, store.ReservationSettled, clk.Now()); err != nil {
			return err
		}
		return tx.PutReservation(&r)
	})
	if err != nil {
		t.Fatal(err)
	}
	// A call after the purge, on the account it folded, over-reserved.
	rawCall(t, st, "A", "new-bad", clk.Now(), func(tx *store.Tx, a *store.Account, r *store.Reservation) error {
		if _, err := tx.Release(a, r, store.ReservationSettled, clk.Now()); err != nil {
			return err
		}
		r.Charged = 5
		return nil
	})
	wantProblems(t, auditOf(t, st), map[string][]string{
		"across-bad": {"charge entries add up to 60, the reservation charged 30"},
		"new-bad":    {"charge entries add up to 0, the reservation charged 5"},
	})
}

// Everything the prepaid logic and the sweeper do, with purges and prunes
// in between, audits clean: settled, replayed, partly and not granted,
// recovered, still open, folded and pruned calls.
func TestAuditPerCallCleanBooks(t *testing.T) {
	ctx := context.Background()
	st, l, clk := books(t, map[string]int64{"A": 100000, "B": 150, "C": 5})
	step := func() { clk.Set(clk.Now().Add(time.Minute)) }
	cdr := func() *store.CDR { return &store.CDR{Service: "prepaid", Outcome: "answered"} }

	// Several quotas, answered, deducted, settled with a CDR; then every
	// operation retried.
	if _, err := l.ApplyFee(ctx, req("quotas", 1, "A", 100, 0, clk.Now().Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	if err := l.MarkAnswered(ctx, "quotas", 2, clk.Now()); err != nil {
		t.Fatal(err)
	}
	step()
	if _, err := l.DeductFee(ctx, prepaid.DeductRequest{CallID: "quotas", Seq: 3, Amount: 60}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.ApplyFee(ctx, req("quotas", 4, "A", 100, 0, clk.Now().Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	step()
	settle := func() (prepaid.DeductResult, prepaid.ReturnResult, error) {
		return l.Settle(ctx, prepaid.DeductRequest{CallID: "quotas", Seq: 5, Amount: 70}, prepaid.ReturnRequest{CallID: "quotas", Seq: 6, CDR: cdr()})
	}
	if _, _, err := settle(); err != nil {
		t.Fatal(err)
	}
	if g, err := l.ApplyFee(ctx, req("quotas", 1, "A", 100, 0, clk.Now().Add(time.Hour))); err != nil || !g.Replayed {
		t.Fatalf("replayed apply: %+v %v", g, err)
	}
	if d, err := l.DeductFee(ctx, prepaid.DeductRequest{CallID: "quotas", Seq: 3, Amount: 60}); err != nil || !d.Replayed {
		t.Fatalf("replayed deduct: %+v %v", d, err)
	}
	if d, r, err := settle(); err != nil || !d.Replayed || !r.Replayed {
		t.Fatalf("replayed settle: %+v %+v %v", d, r, err)
	}

	// Partly granted (B has 150 of the 200 asked), then charged all of it.
	if g, err := l.ApplyFee(ctx, req("partial", 1, "B", 200, 0, clk.Now().Add(time.Hour))); err != nil || g.Granted != 150 {
		t.Fatalf("partial grant: %+v %v", g, err)
	}
	if _, _, err := l.Settle(ctx, prepaid.DeductRequest{CallID: "partial", Seq: 2, Amount: 500}, prepaid.ReturnRequest{CallID: "partial", Seq: 3, CDR: cdr()}); err != nil {
		t.Fatal(err)
	}
	// Nothing granted (C has 5, 50 is the least asked): a reservation with
	// no money, closed with a CDR.
	if g, err := l.ApplyFee(ctx, req("refused", 1, "C", 100, 50, clk.Now().Add(time.Hour))); err != nil || g.Granted != 0 {
		t.Fatalf("refused grant: %+v %v", g, err)
	}
	if _, err := l.ReturnFee(ctx, prepaid.ReturnRequest{CallID: "refused", Seq: 2, CDR: cdr()}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Recharge(ctx, prepaid.RechargeRequest{AccountID: "B", Amount: 500, Ref: "v1"}); err != nil {
		t.Fatal(err)
	}

	// Left to the sweeper: one answered (charged for its answered time),
	// one never answered, one still live; and one open across the purge.
	for _, id := range []string{"swept-answered", "swept-silent", "live", "across"} {
		if _, err := l.ApplyFee(ctx, req(id, 1, "A", 100, 0, clk.Now().Add(time.Minute))); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.MarkAnswered(ctx, "swept-answered", 2, clk.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := l.DeductFee(ctx, prepaid.DeductRequest{CallID: "across", Seq: 2, Amount: 20}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.ApplyFee(ctx, req("across", 3, "A", 50, 0, clk.Now().Add(24*time.Hour))); err != nil {
		t.Fatal(err)
	}
	clk.Set(clk.Now().Add(90 * time.Second))
	live := func(id string) bool { return id == "live" || id == "across" }
	if rep, err := l.Sweeper(live, 0, 0).SweepOnce(ctx); err != nil || len(rep.Recovered) != 2 {
		t.Fatalf("sweep: %+v %v", rep, err)
	}
	if rep := auditOf(t, st); !rep.OK() {
		t.Fatalf("before the purge: %+v", rep.Problems)
	}

	// Purge everything so far; "across" keeps going, and charges after it.
	step()
	if rep, err := st.Purge(ctx, clk.Now()); err != nil || rep.LedgerEntries == 0 || rep.CDRs == 0 {
		t.Fatalf("purge: %+v %v", rep, err)
	}
	step()
	if _, err := l.ApplyFee(ctx, req("across", 4, "A", 50, 0, clk.Now().Add(24*time.Hour))); err != nil {
		t.Fatal(err)
	}
	settledCall(t, l, clk, "A", "after", 100, 35)
	if rep := auditOf(t, st); !rep.OK() {
		t.Fatalf("after the purge: %+v", rep.Problems)
	}
	step()
	if _, _, err := l.Settle(ctx, prepaid.DeductRequest{CallID: "across", Seq: 5, Amount: 90}, prepaid.ReturnRequest{CallID: "across", Seq: 6, CDR: cdr()}); err != nil {
		t.Fatal(err)
	}

	// An account the purge never saw, with a call the prune will delete.
	err := st.Update(func(tx *store.Tx) error {
		_, err := tx.CreateAccount(store.Account{ID: "D", Currency: "EUR", Opening: 1000}, clk.Now())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	settledCall(t, l, clk, "D", "d-call", 100, 1)

	// The sweeper prunes the closed reservations; the ledger entries of
	// those not yet folded stay, naming calls that no longer have one.
	clk.Set(clk.Now().Add(48 * time.Hour))
	if rep, err := l.Sweeper(func(id string) bool { return id == "live" }, 0, time.Hour).SweepOnce(ctx); err != nil || rep.Pruned == 0 {
		t.Fatalf("prune: %+v %v", rep, err)
	}
	settledCall(t, l, clk, "B", "last", 100, 99)
	rep := auditOf(t, st)
	if !rep.OK() {
		t.Fatalf("after the prune: %+v", rep.Problems)
	}
	// Left: "last", whole, and "live", whose freeze the purge folded.
	if rep.CallsChecked != 1 || rep.CallsFolded != 1 {
		t.Errorf("calls checked %d in full and %d in part, want 1 and 1", rep.CallsChecked, rep.CallsFolded)
	}
}
