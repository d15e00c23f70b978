package store

import (
	"bytes"
	"context"
	"fmt"
	"time"
)

// purgeChunk bounds one purge transaction, so that the call path's commits
// wait behind at most a short one.
const purgeChunk = 2000

// PurgeReport says what Purge removed.
type PurgeReport struct {
	Before        time.Time `json:"before"`
	CDRs          int       `json:"cdrs"`           // deleted
	LedgerEntries int       `json:"ledger_entries"` // folded into the accounts' ledger bases
}

// LedgerBase is what an account's purged ledger entries add up to: the audit
// replays the remaining entries from it instead of from zero.
type LedgerBase struct {
	AccountID string `json:"account_id"`
	Opening   int64  `json:"opening"`
	Recharged int64  `json:"recharged"`
	Available int64  `json:"available"`
	Frozen    int64  `json:"frozen"`
	Charged   int64  `json:"charged"`
	Entries   uint64 `json:"entries"`  // how many entries were folded
	LastSeq   uint64 `json:"last_seq"` // the last folded entry
}

// apply replays one movement onto the sums and reports whether the result
// equals the balances the entry recorded after it.
func (b *LedgerBase) apply(e *LedgerEntry) (known, agrees bool) {
	switch e.Kind {
	case LedgerOpen:
		b.Opening += e.Amount
		b.Available += e.Amount
	case LedgerRecharge:
		b.Recharged += e.Amount
		b.Available += e.Amount
	case LedgerFreeze:
		b.Available -= e.Amount
		b.Frozen += e.Amount
	case LedgerCharge:
		b.Frozen -= e.Amount
		b.Charged += e.Amount
	case LedgerReturn:
		b.Frozen -= e.Amount
		b.Available += e.Amount
	default:
		return false, false
	}
	return true, b.Available == e.Available && b.Frozen == e.Frozen && b.Charged == e.Charged
}

// ledgerBase returns an account's ledger base; the zero base if nothing of
// its ledger was purged.
func (t *Tx) ledgerBase(accountID string) (LedgerBase, error) {
	b := t.bucket(bLedgerBase)
	if !b.exists() { // a schema 1 file opened read-only: nothing purged
		return LedgerBase{AccountID: accountID}, nil
	}
	v := b.Get([]byte(accountID))
	if v == nil {
		return LedgerBase{AccountID: accountID}, nil
	}
	return decodeLedgerBase(accountID, v)
}

// Purge deletes the CDRs of calls that ended before `before` and folds the
// ledger entries written before it into each account's ledger base, in
// transactions of at most purgeChunk records, so that history kept in the
// file stays bounded (export CDRs first: `scpd cdr export --until`). Ledger
// entries are folded in sequence order up to the first one written at or
// after the cutoff. Folding stops at the first entry that does not replay
// to the balances it records: that entry and all after it stay, no CDR is
// deleted, and the error names it (`scpd audit` shows the rest).
func (s *Store) Purge(ctx context.Context, before time.Time) (PurgeReport, error) {
	rep := PurgeReport{Before: before}
	var err error
	// The ledger first: if it refuses to fold, no CDR is deleted.
	rep.LedgerEntries, err = s.inChunks(ctx, func(t *Tx) (int, error) { return t.foldLedger(before) })
	if err != nil {
		return rep, fmt.Errorf("store: fold ledger before %s: %w", before.Format(time.RFC3339), err)
	}
	cutoff := timeKey(before)
	rep.CDRs, err = s.inChunks(ctx, func(t *Tx) (int, error) { return t.deleteCDRs(cutoff) })
	if err != nil {
		return rep, fmt.Errorf("store: purge CDRs before %s: %w", before.Format(time.RFC3339), err)
	}
	return rep, nil
}

// inChunks runs step in one transaction after another until a step handles
// fewer than purgeChunk records, and returns how many were handled.
func (s *Store) inChunks(ctx context.Context, step func(*Tx) (int, error)) (int, error) {
	total := 0
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		n := 0
		err := s.Update(func(t *Tx) error {
			var err error
			n, err = step(t)
			return err
		})
		if err != nil {
			return total, err
		}
		total += n
		if n < purgeChunk {
			return total, nil
		}
	}
}

// foldLedger folds up to purgeChunk of the oldest ledger entries written
// before `before` into their accounts' ledger bases.
func (t *Tx) foldLedger(before time.Time) (int, error) {
	n := 0
	bases := map[string]*LedgerBase{}
	c := t.bucket(bLedger).Cursor()
	// First again after each Delete, not Next: bbolt's Next after a Delete can skip a key.
	for k, v := c.First(); k != nil && n < purgeChunk; k, v = c.First() {
		e, err := decodeLedger(fmt.Sprintf("%x", k), v)
		if err != nil {
			return 0, err
		}
		if !e.At.Before(before) {
			break
		}
		b := bases[e.AccountID]
		if b == nil {
			base, err := t.ledgerBase(e.AccountID)
			if err != nil {
				return 0, err
			}
			b = &base
			bases[e.AccountID] = b
		}
		if known, agrees := b.apply(&e); !known || !agrees {
			return 0, fmt.Errorf("ledger entry %d of account %q does not replay (kind %d; run scpd audit): %w", e.Seq, e.AccountID, e.Kind, ErrLedgerReplay)
		}
		b.Entries++
		b.LastSeq = e.Seq
		if err := c.Delete(); err != nil {
			return 0, err
		}
		n++
	}
	for id, b := range bases {
		if err := t.bucket(bLedgerBase).Put([]byte(id), encodeLedgerBase(b)); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// deleteCDRs deletes up to purgeChunk of the oldest CDRs whose end time (the
// first 8 bytes of the key) is before cutoff.
func (t *Tx) deleteCDRs(cutoff []byte) (int, error) {
	n := 0
	c := t.bucket(bCDRs).Cursor()
	for k, _ := c.First(); k != nil && n < purgeChunk && bytes.Compare(k[:min(len(k), 8)], cutoff) < 0; k, _ = c.First() {
		if err := c.Delete(); err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}
