package store

import (
	"encoding/binary"
	"fmt"
	"strings"
	"time"
)

// The only functions that move money. Each keeps
// opening + recharged = available + frozen + charged, writes the account back
// and appends a ledger entry. Freeze, Charge and Release change the
// reservation in memory only: the caller writes it once with PutReservation
// before its transaction ends (one encode and one Put per operation instead
// of several on the hot path); Audit catches a caller that forgets.

func (t *Tx) appendLedger(a *Account, kind LedgerKind, amount int64, callID, ref string, at time.Time) error {
	b := t.bucket(bLedger)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	e := LedgerEntry{Seq: seq, At: at, AccountID: a.ID, Kind: kind, Amount: amount, CallID: callID, Ref: ref,
		Available: a.Available, Frozen: a.Frozen, Charged: a.Charged}
	return b.Put(u64key(seq), encodeLedger(&e))
}

func refKey(accountID, ref string) []byte {
	k := make([]byte, 0, len(accountID)+1+len(ref))
	k = append(k, accountID...)
	k = append(k, 0)
	return append(k, ref...)
}

// Recharge adds amount to an account's available balance. A non-empty ref
// makes it idempotent: a second recharge with the same ref on the same account
// changes nothing and returns the account as it is (with applied=false).
func (t *Tx) Recharge(accountID string, amount int64, ref string, at time.Time) (a Account, applied bool, err error) {
	if amount <= 0 || amount > maxMoney {
		return Account{}, false, invalid("amount", "must be 1-9007199254740992 minor units")
	}
	// A ref is matched exactly: "v1 " would be another voucher than "v1".
	if !isText(ref, 64) || strings.TrimSpace(ref) != ref {
		return Account{}, false, invalid("ref", "must be at most 64 characters, with no control characters and no spaces at either end")
	}
	a, err = t.Account(accountID)
	if err != nil {
		return Account{}, false, err
	}
	if ref != "" {
		if v := t.bucket(bRefs).Get(refKey(accountID, ref)); v != nil {
			// Only the same recharge is a retry: the same ref with another
			// amount is another payment, which replaying would silently drop.
			if prev, known := t.refAmount(v); known && prev != amount {
				return Account{}, false, keyErr("recharge ref", ref, fmt.Errorf("%w: it recharged %d minor units, not %d (a new recharge needs a new ref)", ErrExists, prev, amount))
			}
			return a, false, nil
		}
	}
	if a.Available+amount > maxMoney {
		return Account{}, false, invalid("amount", "would take the balance above 9007199254740992 minor units")
	}
	a.Available += amount
	a.Recharged += amount
	a.Updated = at
	if err := t.putAccount(&a); err != nil {
		return Account{}, false, err
	}
	if err := t.appendLedger(&a, LedgerRecharge, amount, "", ref, at); err != nil {
		return Account{}, false, err
	}
	if ref != "" {
		seq := t.bucket(bLedger).Sequence()
		// The amount is kept with the sequence: the ledger entry may be
		// folded away by Purge, the ref never is.
		v := binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(nil, seq), uint64(amount))
		if err := t.bucket(bRefs).Put(refKey(accountID, ref), v); err != nil {
			return Account{}, false, err
		}
	}
	return a, true, nil
}

// refAmount is the amount a recharge ref recorded: in its value (seq then
// amount), or for a value written before that (seq only) in its ledger entry
// if Purge has not folded it.
func (t *Tx) refAmount(v []byte) (int64, bool) {
	switch len(v) {
	case 16:
		return int64(binary.BigEndian.Uint64(v[8:])), true
	case 8:
		if raw := t.bucket(bLedger).Get(v); raw != nil {
			if e, err := decodeLedger(fmt.Sprintf("%x", v), raw); err == nil && e.Kind == LedgerRecharge {
				return e.Amount, true
			}
		}
	}
	return 0, false
}

// Freeze moves amount from available to frozen for the reservation r, which
// must belong to a. The caller checks amount <= a.Available.
func (t *Tx) Freeze(a *Account, r *Reservation, amount int64, at time.Time) error {
	if amount < 0 || amount > a.Available || r.AccountID != a.ID || r.State != ReservationOpen {
		return fmt.Errorf("store: call %q: freeze %d of account %q with %d available: %w", r.CallID, amount, a.ID, a.Available, errBadMovement)
	}
	if amount == 0 {
		return nil
	}
	a.Available -= amount
	a.Frozen += amount
	a.Updated = at
	r.Frozen += amount
	r.Granted += amount
	return t.saveMovement(a, r, LedgerFreeze, amount, at)
}

// Charge moves amount from the reservation's frozen fee to charged.
func (t *Tx) Charge(a *Account, r *Reservation, amount int64, at time.Time) error {
	if amount < 0 || amount > r.Frozen || r.AccountID != a.ID || r.State != ReservationOpen {
		return fmt.Errorf("store: call %q: charge %d with %d frozen: %w", r.CallID, amount, r.Frozen, errBadMovement)
	}
	if amount == 0 {
		return nil
	}
	a.Frozen -= amount
	a.Charged += amount
	a.Updated = at
	r.Frozen -= amount
	r.Charged += amount
	return t.saveMovement(a, r, LedgerCharge, amount, at)
}

// Release returns what is still frozen on the reservation to available and
// closes it with the given state (settled or recovered). It returns the amount.
func (t *Tx) Release(a *Account, r *Reservation, state ReservationState, at time.Time) (int64, error) {
	if r.AccountID != a.ID || r.State != ReservationOpen || state == ReservationOpen {
		return 0, fmt.Errorf("store: call %q: release in state %s: %w", r.CallID, r.State, errBadMovement)
	}
	amount := r.Frozen
	r.State = state
	r.Closed = at
	r.Frozen = 0
	if err := t.bucket(bOpen).Delete([]byte(r.CallID)); err != nil {
		return 0, err
	}
	if amount == 0 {
		return 0, nil
	}
	a.Frozen -= amount
	a.Available += amount
	a.Updated = at
	return amount, t.saveMovement(a, r, LedgerReturn, amount, at)
}

var errBadMovement = fmt.Errorf("money movement refused (a bug in the caller)")

func (t *Tx) saveMovement(a *Account, r *Reservation, kind LedgerKind, amount int64, at time.Time) error {
	if err := t.putAccount(a); err != nil {
		return err
	}
	return t.appendLedger(a, kind, amount, r.CallID, "", at)
}
