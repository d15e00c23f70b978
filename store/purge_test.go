package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// call runs one prepaid call's money movements at `at` on account id: freeze
// 100, charge `charged` and return the rest, and writes its CDR. With open
// set the call stays in progress (frozen) instead.
func call(t *testing.T, st *Store, id, callID string, at time.Time, charged int64, open bool) {
	t.Helper()
	if err := moveCallMoney(st, id, callID, at, charged, open); err != nil {
		t.Fatal(err)
	}
}

func moveCallMoney(st *Store, id, callID string, at time.Time, charged int64, open bool) error {
	return st.Update(callMoney(id, callID, at, charged, open))
}

// callMoney is a prepaid call's money: freeze 100 and index the
// reservation; unless the call stays open, charge `charged`, return the
// rest, close the reservation and write its CDR.
func callMoney(id, callID string, at time.Time, charged int64, open bool) func(*Tx) error {
	return func(tx *Tx) error {
		a, err := tx.Account(id)
		if err != nil {
			return err
		}
		r := Reservation{CallID: callID, AccountID: id, State: ReservationOpen, Created: at, Deadline: at.Add(time.Hour)}
		if err := tx.Freeze(&a, &r, 100, at); err != nil {
			return err
		}
		if err := tx.IndexOpen(&r); err != nil {
			return err
		}
		if !open {
			if err := tx.Charge(&a, &r, charged, at); err != nil {
				return err
			}
			if _, err := tx.Release(&a, &r, ReservationSettled, at); err != nil {
				return err
			}
			if err := tx.AppendCDR(&CDR{CallID: callID, AccountID: id, Start: at, End: at, Charged: charged}); err != nil {
				return err
			}
		}
		return tx.PutReservation(&r)
	}
}

func TestPurge(t *testing.T) {
	st, _ := openTemp(t)
	err := st.Update(func(tx *Tx) error {
		for _, id := range []string{"A-1", "A-2"} {
			if _, err := tx.CreateAccount(Account{ID: id, Currency: "EUR", Opening: 1_000_000}, t0); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// 5,000 calls a minute apart (more than two purge chunks of CDRs and of
	// ledger entries), one left open before the cutoff, a recharge among them.
	const calls = 5000
	cutoff := t0.Add(3000 * time.Minute)
	for i := range calls {
		at := t0.Add(time.Duration(i) * time.Minute)
		acct := []string{"A-1", "A-2"}[i%2]
		call(t, st, acct, fmt.Sprintf("c%05d", i), at, 1+int64(i%90), i == 1234)
		if i == 2000 {
			if err := st.Update(func(tx *Tx) error { _, _, err := tx.Recharge("A-2", 777, "r1", at); return err }); err != nil {
				t.Fatal(err)
			}
		}
	}
	before, err := st.Audit()
	if err != nil || !before.OK() {
		t.Fatalf("audit before: %+v %v", before, err)
	}
	if h, err := st.History(); err != nil || !h.OldestCDR.Equal(t0) || !h.OldestLedger.Equal(t0) || h.DatabaseBytes <= 0 {
		t.Fatalf("history before the purge: %+v %v", h, err)
	}

	rep, err := st.Purge(context.Background(), cutoff)
	if err != nil {
		t.Fatal(err)
	}
	// Calls 0..2999 ended before the cutoff, less the open one (no CDR).
	if rep.CDRs != 2999 {
		t.Errorf("deleted %d CDRs, want 2999", rep.CDRs)
	}
	// Before the cutoff: 2 openings, 3 entries per closed call, 1 for the open one, 1 recharge.
	if want := 2 + 3*2999 + 1 + 1; rep.LedgerEntries != want {
		t.Errorf("folded %d ledger entries, want %d", rep.LedgerEntries, want)
	}
	after, err := st.Audit()
	if err != nil || !after.OK() {
		t.Fatalf("audit after the purge: %+v %v", after, err)
	}
	if h, err := st.History(); err != nil || !h.OldestCDR.Equal(cutoff) || h.OldestLedger.Before(cutoff) {
		t.Errorf("history after the purge: %+v %v, want nothing before %s", h, err, cutoff)
	}
	if after.Totals != before.Totals {
		t.Errorf("totals changed: %+v, were %+v", after.Totals, before.Totals)
	}
	if got := uint64(after.LedgerEntries) + after.LedgerFolded; got != uint64(before.LedgerEntries) {
		t.Errorf("ledger entries %d kept + %d folded, were %d", after.LedgerEntries, after.LedgerFolded, before.LedgerEntries)
	}
	err = st.View(func(tx *Tx) error {
		cdrs, err := tx.CDRs(CDRFilter{})
		if err != nil {
			return err
		}
		if len(cdrs) != calls-3000 || cdrs[0].End.Before(cutoff) {
			t.Errorf("%d CDRs kept, first ended %s; want %d, none before %s", len(cdrs), cdrs[0].End, calls-3000, cutoff)
		}
		base, err := tx.ledgerBase("A-1")
		if err != nil {
			return err
		}
		if base.Opening != 1_000_000 || base.Frozen != 100 || base.Entries == 0 {
			t.Errorf("A-1 ledger base %+v: want opening 1000000 and the open call's 100 frozen", base)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// Purging again at the same cutoff finds nothing; calls go on and audit clean.
	if again, err := st.Purge(context.Background(), cutoff); err != nil || again.CDRs != 0 || again.LedgerEntries != 0 {
		t.Errorf("second purge: %+v %v", again, err)
	}
	call(t, st, "A-1", "late", cutoff.Add(time.Hour*100), 50, false)
	// The call left open across the purge ends: its freeze is in the base.
	err = st.Update(func(tx *Tx) error {
		r, err := tx.Reservation("c01234")
		if err != nil {
			return err
		}
		a, err := tx.Account(r.AccountID)
		if err != nil {
			return err
		}
		if err := tx.Charge(&a, &r, 60, cutoff); err != nil {
			return err
		}
		if _, err := tx.Release(&a, &r, ReservationSettled, cutoff); err != nil {
			return err
		}
		return tx.PutReservation(&r)
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := st.Audit(); err != nil || !rep.OK() {
		t.Fatalf("audit after a call past the purge: %+v %v", rep, err)
	}

	// A ledger base that no longer matches the account is caught by the audit.
	err = st.db.Update(func(tx *bolt.Tx) error {
		b, err := decodeLedgerBase("A-2", tx.Bucket(allBuckets[bLedgerBase]).Get([]byte("A-2")))
		if err != nil {
			return err
		}
		b.Recharged += 5
		b.Available += 5
		return tx.Bucket(allBuckets[bLedgerBase]).Put([]byte("A-2"), encodeLedgerBase(&b))
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := st.Audit(); err != nil || rep.OK() {
		t.Fatalf("audit of a tampered ledger base: %+v %v", rep, err)
	}
}

// A ledger that does not replay is not folded: the evidence stays.
func TestPurgeRefusesALedgerThatDoesNotReplay(t *testing.T) {
	st, _ := openTemp(t)
	err := st.Update(func(tx *Tx) error {
		_, err := tx.CreateAccount(Account{ID: "A-1", Currency: "EUR", Opening: 1000}, t0)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	call(t, st, "A-1", "c1", t0.Add(time.Minute), 10, false)
	// Rewrite the charge entry's amount behind the ledger's back.
	err = st.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(allBuckets[bLedger])
		k := u64key(3)
		e, err := decodeLedger("3", b.Get(k))
		if err != nil {
			return err
		}
		e.Amount++
		return b.Put(k, encodeLedger(&e))
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.Purge(context.Background(), t0.Add(time.Hour))
	if !errors.Is(err, ErrLedgerReplay) {
		t.Fatalf("purge of a bad ledger: %v, want ErrLedgerReplay", err)
	}
	n := 0
	if err := st.View(func(tx *Tx) error { l, err := tx.Ledger("", 0, 0); n = len(l); return err }); err != nil || n != 4 {
		t.Fatalf("ledger has %d entries after the refused purge (%v), want all 4", n, err)
	}
}

// Purges running while calls move money leave books that audit clean, and
// every fee charged is still accounted for.
func TestPurgeConcurrentWithCalls(t *testing.T) {
	st, _ := openTemp(t)
	accounts := []string{"A-1", "A-2", "A-3"}
	err := st.Update(func(tx *Tx) error {
		for _, id := range accounts {
			if _, err := tx.CreateAccount(Account{ID: id, Currency: "EUR", Opening: 10_000_000}, time.Now()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	const callers, calls = 6, 150
	done := make(chan struct{})
	purged := make(chan PurgeReport, 1)
	go func() {
		var total PurgeReport
		defer func() { purged <- total }()
		for { // at least once, then until the calls are done
			rep, err := st.Purge(context.Background(), time.Now())
			if err != nil {
				t.Error(err)
				return
			}
			total.CDRs += rep.CDRs
			total.LedgerEntries += rep.LedgerEntries
			select {
			case <-done:
				return
			default:
			}
		}
	}()
	errs := make(chan error, callers)
	for g := range callers {
		go func() {
			for i := range calls {
				if err := moveCallMoney(st, accounts[(g+i)%len(accounts)], fmt.Sprintf("g%d-%d", g, i), time.Now(), 7, false); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range callers {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	close(done)
	total := <-purged
	rep, err := st.Audit()
	if err != nil || !rep.OK() {
		t.Fatalf("audit after purges during calls: %+v %v", rep, err)
	}
	if want := int64(callers * calls * 7); rep.Totals.Charged != want {
		t.Errorf("charged %d, want %d", rep.Totals.Charged, want)
	}
	var cdrs []CDR
	if err := st.View(func(tx *Tx) error { cdrs, err = tx.CDRs(CDRFilter{}); return err }); err != nil {
		t.Fatal(err)
	}
	if got := len(cdrs) + total.CDRs; got != callers*calls {
		t.Errorf("%d CDRs kept + %d purged, want %d", len(cdrs), total.CDRs, callers*calls)
	}
	if total.LedgerEntries == 0 {
		t.Error("no purge folded anything while the calls ran")
	}
}
