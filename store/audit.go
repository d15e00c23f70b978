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

func (t *Totals) add(a *Account) {
	t.Opening += a.Opening
	t.Recharged += a.Recharged
	t.Available += a.Available
	t.Frozen += a.Frozen
	t.Charged += a.Charged
}

// AuditReport is the result of Audit. OK reports whether Problems is empty.
type AuditReport struct {
	Accounts      int    `json:"accounts"`
	LedgerEntries int    `json:"ledger_entries"`
	LedgerFolded  uint64 `json:"ledger_folded"` // entries purged into ledger bases
	OpenCalls     int    `json:"open_reservations"`
	Totals        Totals `json:"totals"`
	// ByCurrency is Totals per currency: the sums above add minor units
	// of different currencies, which the books allow but a reader cannot.
	ByCurrency map[string]Totals `json:"totals_by_currency"`
	Problems   []AuditProblem    `json:"problems"`
	// Reservations whose ledger entries were all checked against them, and
	// those some of whose older entries Purge may have folded away, checked
	// only for entries in excess of the reservation.
	CallsChecked int `json:"calls_checked"`
	CallsFolded  int `json:"calls_folded"`
}

// OK is true when nothing is wrong.
func (r *AuditReport) OK() bool { return len(r.Problems) == 0 }

// Audit checks, in one consistent snapshot, for every account and in total:
// opening + recharged = available + frozen + charged; no negative balance;
// the ledger replayed gives the same balances; frozen equals the sum of the
// account's open reservations; and the open-reservation index matches. Per
// call: its ledger entries add up to what its reservation granted, charged
// and returned, on its account; a closed reservation's CDRs show what it
// charged; and no ledger entry names a call that has no reservation but
// still leaves money frozen (see checkCall for what Purge and the sweeper's
// prune allow).
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
	// What the kept ledger says per call, built in the one pass over the
	// ledger and checked in the one pass over the reservations, so the audit
	// reads each record once instead of looking a call up per entry. Memory
	// grows with the calls in the ledger and the closed reservations (about
	// 200 bytes a call, some hundreds of MB for millions): acceptable for an
	// operator's check, which runs in a read transaction and does not hold
	// up the call path.
	calls := map[string]*callLedger{}
	folded := map[string]bool{} // accounts some of whose ledger Purge folded
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
	if bases := t.bucket(bLedgerBase); bases.exists() { // nil: schema 1 file opened read-only
		err = bases.ForEach(func(k, v []byte) error {
			b, err := decodeLedgerBase(string(k), v)
			if err != nil {
				bad(string(k), "", "ledger base unreadable: %v", err)
				return nil
			}
			rep.LedgerFolded += b.Entries
			replay[b.AccountID] = &b
			folded[b.AccountID] = b.Entries > 0
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
		if e.Kind == LedgerFreeze || e.Kind == LedgerCharge || e.Kind == LedgerReturn {
			if e.CallID == "" {
				bad(e.AccountID, "", "ledger entry %d: %s of %d names no call", e.Seq, e.Kind, e.Amount)
				return nil
			}
			acct := e.AccountID
			if a := accounts[acct]; a != nil {
				acct = a.ID // share the account's string instead of keeping one per call
			}
			c := calls[e.CallID]
			if c == nil {
				c = &callLedger{account: acct, firstKind: e.Kind, firstAt: timeToInt(e.At)}
				calls[e.CallID] = c
			} else if acct != c.account {
				c.otherAccount = acct
			}
			c.add(e.Kind, e.Amount)
		}
		return nil
	})
	if err != nil {
		return rep, err
	}

	// Sum the open reservations per account and check the index both ways.
	openSum := map[string]int64{}
	closed := map[string]closedCall{} // for the CDRs
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
		l := calls[r.CallID]
		delete(calls, r.CallID) // what is left names calls with no reservation
		if checkCall(&r, l, folded, bad) {
			rep.CallsChecked++
		} else {
			rep.CallsFolded++
		}
		if r.State != ReservationOpen {
			closed[r.CallID] = closedCall{account: r.AccountID, charged: r.Charged}
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
	checkOrphans(calls, folded, bad)

	// A closed reservation's CDR must bill what it charged. CDRs of calls
	// without a reservation (VPN, refused, pruned) have nothing to compare.
	err = t.bucket(bCDRs).ForEach(func(k, v []byte) error {
		c, err := decodeCDR("", v) // the key only for the message: not formatted per CDR
		if err != nil {
			bad("", "", "CDR %x unreadable: %v", k, err)
			return nil
		}
		r, ok := closed[c.CallID]
		if !ok {
			return nil
		}
		if c.Charged != r.charged {
			bad(r.account, c.CallID, "CDR %d charged %d, the reservation charged %d", c.Seq, c.Charged, r.charged)
		}
		if c.AccountID != r.account {
			bad(r.account, c.CallID, "CDR %d is for account %q, the reservation for %q", c.Seq, c.AccountID, r.account)
		}
		return nil
	})
	if err != nil {
		return rep, err
	}

	rep.ByCurrency = map[string]Totals{}
	for _, id := range ids {
		a := accounts[id]
		rep.Totals.add(a)
		c := rep.ByCurrency[a.Currency]
		c.add(a)
		rep.ByCurrency[a.Currency] = c
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

// callLedger sums the ledger entries kept for one call.
type callLedger struct {
	account      string // of its first kept entry
	otherAccount string // another account one of its entries is on, if any
	freeze       int64
	charge       int64
	ret          int64
	firstKind    LedgerKind
	firstAt      int64 // the first kept entry's time, as stored
}

func (c *callLedger) add(k LedgerKind, amount int64) {
	switch k {
	case LedgerFreeze:
		c.freeze += amount
	case LedgerCharge:
		c.charge += amount
	case LedgerReturn:
		c.ret += amount
	}
}

// closedCall is what a closed reservation charged, for its CDRs.
type closedCall struct {
	account string
	charged int64
}

// checkCall compares a reservation with its kept ledger entries (nil: none)
// and reports whether all of them could be checked.
//
// Purge folds ledger entries in sequence order and leaves reservations, so a
// call may have lost its oldest entries, never later ones: what is kept can
// only fall short of the reservation, so more is always a problem. Less is
// one only when nothing of the call can have been folded: its account never
// had anything folded, or its first kept entry is the freeze written with
// the reservation (ApplyFee creates it and freezes at the same instant,
// Created), before which the call had no entry. Purge records neither its
// cutoff nor what it folded per call, and a time bound such as the oldest
// kept entry would not do (entries are not written in time order, and a
// purge that folds everything leaves none), so a call whose first grant came
// after its creation is only checked for excess once its account was purged.
func checkCall(r *Reservation, l *callLedger, folded map[string]bool, bad func(acct, call, format string, args ...any)) (whole bool) {
	var kept callLedger
	if l != nil {
		kept = *l
		if other := kept.otherAccount; kept.account != r.AccountID || other != "" {
			if kept.account != r.AccountID {
				other = kept.account
			}
			bad(r.AccountID, r.CallID, "ledger entries are on account %q, the reservation on %q", other, r.AccountID)
		}
	}
	whole = (l != nil && kept.firstKind == LedgerFreeze && kept.firstAt == timeToInt(r.Created)) ||
		(!folded[r.AccountID] && (l == nil || (!folded[kept.account] && !folded[kept.otherAccount])))
	note := ""
	if !whole {
		note = " (older entries may be folded by purge: only more is checked)"
	}
	check := func(kind string, kept int64, did string, want int64, how string) {
		if kept > want || (whole && kept < want) {
			bad(r.AccountID, r.CallID, "ledger: %s entries add up to %d, the reservation %s %d%s%s", kind, kept, did, want, how, note)
		}
	}
	check("freeze", kept.freeze, "granted", r.Granted, "")
	check("charge", kept.charge, "charged", r.Charged, "")
	how := ""
	if r.Frozen != 0 {
		how = fmt.Sprintf(" (granted %d - charged %d - still frozen %d)", r.Granted, r.Charged, r.Frozen)
	}
	check("return", kept.ret, "returned", r.Granted-r.Charged-r.Frozen, how)
	return whole
}

// checkOrphans reports the calls whose ledger entries have no reservation
// and cannot be what the sweeper's prune leaves. It deletes only closed
// reservations, whose entries add up to nothing frozen; what Purge leaves of
// them (the newest) to nothing or less, as a call never has more charged and
// returned than frozen. A closed call's entries whose reservation went some
// other way look the same as a pruned one's and are not reported: no record
// says which calls were pruned.
func checkOrphans(calls map[string]*callLedger, folded map[string]bool, bad func(acct, call, format string, args ...any)) {
	var ids []string
	for id, c := range calls {
		left := c.freeze - c.charge - c.ret
		if left > 0 || (left != 0 && !folded[c.account] && !folded[c.otherAccount]) {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	for _, id := range ids {
		c := calls[id]
		bad(c.account, id, "ledger entries name a call with no reservation and leave %d frozen (freezes %d, charges %d, returns %d)",
			c.freeze-c.charge-c.ret, c.freeze, c.charge, c.ret)
	}
}
