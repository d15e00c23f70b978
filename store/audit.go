package store

import (
	"fmt"
	"sort"
)

// AuditProblem is one mismatch found by Audit.
type AuditProblem struct {
	AccountID string `json:"account_id,omitempty"` // empty for totals and orphans
	CallID    string `json:"call_id,omitempty"`
	What      string `json:"what"`
}

// Totals sums balances over all accounts.
type Totals struct {
	Opening   int64 `json:"opening"`
	Recharged int64 `json:"recharged"`
	Available int64 `json:"available"`
	Frozen    int64 `json:"frozen"`
	Charged   int64 `json:"charged"`
}

// AuditReport is the result of Audit. OK reports whether Problems is empty.
type AuditReport struct {
	Accounts      int            `json:"accounts"`
	LedgerEntries int            `json:"ledger_entries"`
	LedgerFolded  uint64         `json:"ledger_folded"` // entries purged into ledger bases
	OpenCalls     int            `json:"open_reservations"`
	Totals        Totals         `json:"totals"`
	Problems      []AuditProblem `json:"problems"`
}

// OK is true when nothing is wrong.
func (r *AuditReport) OK() bool { return len(r.Problems) == 0 }

// Audit checks, in one consistent snapshot, for every account and in total:
// opening + recharged = available + frozen + charged; no negative balance;
// the ledger replayed gives the same balances; frozen equals the sum of the
// account's open reservations; and the open-reservation index matches.
func (s *Store) Audit() (AuditReport, error) {
	var rep AuditReport
	err := s.View(func(t *Tx) error {
		var err error
		rep, err = t.Audit()
		return err
	})
	return rep, err
}

// Audit is Store.Audit inside an existing transaction.
func (t *Tx) Audit() (AuditReport, error) {
	rep := AuditReport{Problems: []AuditProblem{}}
	bad := func(acct, call, format string, args ...any) {
		rep.Problems = append(rep.Problems, AuditProblem{AccountID: acct, CallID: call, What: fmt.Sprintf(format, args...)})
	}
	accounts := map[string]*Account{}
	var ids []string
	err := t.bucket(bAccounts).ForEach(func(k, v []byte) error {
		a, err := decodeAccount(string(k), v)
		if err != nil {
			bad(string(k), "", "record unreadable: %v", err)
			return nil
		}
		accounts[a.ID] = &a
		ids = append(ids, a.ID)
		return nil
	})
	if err != nil {
		return rep, err
	}
	sort.Strings(ids)
	rep.Accounts = len(ids)

	// Replay the ledger, from each account's ledger base (what purged
	// entries added up to; zero if nothing was purged).
	replay := map[string]*LedgerBase{}
	if bases := t.bucket(bLedgerBase); bases != nil { // nil: schema 1 file opened read-only
		err = bases.ForEach(func(k, v []byte) error {
			b, err := decodeLedgerBase(string(k), v)
			if err != nil {
				bad(string(k), "", "ledger base unreadable: %v", err)
				return nil
			}
			rep.LedgerFolded += b.Entries
			replay[b.AccountID] = &b
			return nil
		})
		if err != nil {
			return rep, err
		}
	}
	err = t.bucket(bLedger).ForEach(func(k, v []byte) error {
		rep.LedgerEntries++
		e, err := decodeLedger(string(k), v)
		if err != nil {
			bad("", "", "ledger entry %x unreadable: %v", k, err)
			return nil
		}
		r := replay[e.AccountID]
		if r == nil {
			r = &LedgerBase{AccountID: e.AccountID}
			replay[e.AccountID] = r
		}
		known, agrees := r.apply(&e)
		if !known {
			bad(e.AccountID, e.CallID, "ledger entry %d has unknown kind %d", e.Seq, e.Kind)
		}
		if !agrees {
			bad(e.AccountID, e.CallID, "ledger entry %d: balances after it (available %d, frozen %d, charged %d) differ from the replay (available %d, frozen %d, charged %d)",
				e.Seq, e.Available, e.Frozen, e.Charged, r.Available, r.Frozen, r.Charged)
			// Continue from what the entry says so one bad entry is reported once.
			r.Available, r.Frozen, r.Charged = e.Available, e.Frozen, e.Charged
		}
		return nil
	})
	if err != nil {
		return rep, err
	}

	// Sum the open reservations per account and check the index both ways.
	openSum := map[string]int64{}
	err = t.bucket(bReservations).ForEach(func(k, v []byte) error {
		r, err := decodeReservation(string(k), v)
		if err != nil {
			bad("", string(k), "reservation unreadable: %v", err)
			return nil
		}
		indexed := t.bucket(bOpen).Get(k) != nil
		if r.Frozen < 0 || r.Charged < 0 {
			bad(r.AccountID, r.CallID, "reservation has negative frozen %d or charged %d", r.Frozen, r.Charged)
		}
		if r.State == ReservationOpen {
			rep.OpenCalls++
			openSum[r.AccountID] += r.Frozen
			if !indexed {
				bad(r.AccountID, r.CallID, "open reservation missing from the open index (the sweeper would never see it)")
			}
			if _, ok := accounts[r.AccountID]; !ok {
				bad(r.AccountID, r.CallID, "open reservation on an unknown account")
			}
		} else {
			if indexed {
				bad(r.AccountID, r.CallID, "%s reservation still in the open index", r.State)
			}
			if r.Frozen != 0 {
				bad(r.AccountID, r.CallID, "%s reservation still holds %d frozen", r.State, r.Frozen)
			}
		}
		return nil
	})
	if err != nil {
		return rep, err
	}
	err = t.bucket(bOpen).ForEach(func(k, _ []byte) error {
		if t.bucket(bReservations).Get(k) == nil {
			bad("", string(k), "open index names a reservation that does not exist")
		}
		return nil
	})
	if err != nil {
		return rep, err
	}

	for _, id := range ids {
		a := accounts[id]
		rep.Totals.Opening += a.Opening
		rep.Totals.Recharged += a.Recharged
		rep.Totals.Available += a.Available
		rep.Totals.Frozen += a.Frozen
		rep.Totals.Charged += a.Charged
		if a.Available < 0 || a.Frozen < 0 || a.Charged < 0 {
			bad(id, "", "negative balance: available %d, frozen %d, charged %d", a.Available, a.Frozen, a.Charged)
		}
		if l, r := a.Opening+a.Recharged, a.Available+a.Frozen+a.Charged; l != r {
			bad(id, "", "opening %d + recharged %d = %d, but available %d + frozen %d + charged %d = %d (off by %d)",
				a.Opening, a.Recharged, l, a.Available, a.Frozen, a.Charged, r, r-l)
		}
		if a.Frozen != openSum[id] {
			bad(id, "", "frozen %d, but its open reservations hold %d", a.Frozen, openSum[id])
		}
		r := replay[id]
		if r == nil {
			r = &LedgerBase{}
		}
		for _, f := range []struct {
			name        string
			have, wants int64
		}{
			{"opening", a.Opening, r.Opening},
			{"recharged", a.Recharged, r.Recharged},
			{"available", a.Available, r.Available},
			{"frozen", a.Frozen, r.Frozen},
			{"charged", a.Charged, r.Charged},
		} {
			if f.have != f.wants {
				bad(id, "", "%s is %d, the ledger says %d", f.name, f.have, f.wants)
			}
		}
	}
	for id := range replay {
		if _, ok := accounts[id]; !ok {
			bad(id, "", "ledger entries for an account that does not exist")
		}
	}
	tot := rep.Totals
	if tot.Opening+tot.Recharged != tot.Available+tot.Frozen+tot.Charged {
		bad("", "", "totals: opening %d + recharged %d != available %d + frozen %d + charged %d",
			tot.Opening, tot.Recharged, tot.Available, tot.Frozen, tot.Charged)
	}
	return rep, nil
}
