package store

import (
	"time"
)

// Account reads a prepaid account.
func (t *Tx) Account(id string) (Account, error) {
	v := t.bucket(bAccounts).Get([]byte(id))
	if v == nil {
		return Account{}, keyErr("account", id, ErrNotFound)
	}
	return decodeAccount(id, v)
}

// Accounts lists all accounts by id.
func (t *Tx) Accounts() ([]Account, error) {
	var out []Account
	err := t.bucket(bAccounts).ForEach(func(k, v []byte) error {
		a, err := decodeAccount(string(k), v)
		out = append(out, a)
		return err
	})
	return out, err
}

func (t *Tx) putAccount(a *Account) error {
	return t.bucket(bAccounts).Put([]byte(a.ID), encodeAccount(a))
}

// CreateAccount creates an account whose Available is its Opening balance;
// the opening balance is the first ledger entry.
func (t *Tx) CreateAccount(a Account, at time.Time) (Account, error) {
	// Balances are the ledger's: a new account holds its opening balance
	// alone. Other balances are refused rather than dropped, or an import
	// of "scpd account list --json" output would reset every balance to
	// its opening without a word.
	const carry = "must be 0 in a new account: give the balance to carry over as opening"
	switch {
	case a.Available != 0 && a.Available != a.Opening:
		return Account{}, invalid("available", "must equal opening in a new account (or be left out): give the balance to carry over as opening")
	case a.Frozen != 0:
		return Account{}, invalid("frozen", carry)
	case a.Charged != 0:
		return Account{}, invalid("charged", carry)
	case a.Recharged != 0:
		return Account{}, invalid("recharged", carry)
	}
	a.Available, a.Frozen, a.Charged, a.Recharged = a.Opening, 0, 0, 0
	a.Created, a.Updated = at, at
	if err := validateAccount(&a); err != nil {
		return Account{}, err
	}
	if t.bucket(bAccounts).Get([]byte(a.ID)) != nil {
		return Account{}, keyErr("account", a.ID, ErrExists)
	}
	if err := t.putAccount(&a); err != nil {
		return Account{}, err
	}
	return a, t.appendLedger(&a, LedgerOpen, a.Opening, "", "", at)
}

// AccountSettings are the fields an operator may change on an existing
// account; nil leaves a field as it is. Balances only move through the ledger.
type AccountSettings struct {
	MinThreshold *int64
	ValidUntil   *time.Time // zero time: no end
	Status       *AccountStatus
}

// UpdateAccount applies operator settings.
func (t *Tx) UpdateAccount(id string, s AccountSettings, at time.Time) (Account, error) {
	a, err := t.Account(id)
	if err != nil {
		return Account{}, err
	}
	if s.MinThreshold != nil {
		a.MinThreshold = *s.MinThreshold
	}
	if s.ValidUntil != nil {
		a.ValidUntil = *s.ValidUntil
	}
	if s.Status != nil {
		if *s.Status > StatusReportedLost {
			return Account{}, invalid("status", "must be active, blocked or reported-lost")
		}
		a.Status = *s.Status
	}
	if err := validateAccount(&a); err != nil {
		return Account{}, err
	}
	a.Updated = at
	return a, t.putAccount(&a)
}
