package store

import (
	"errors"
	"fmt"
)

// Errors that callers test with errors.Is. Messages that wrap them name the key,
// e.g. `store: account "A-1": not found`.
var (
	ErrNotFound      = errors.New("not found")
	ErrExists        = errors.New("already exists")
	ErrInUse         = errors.New("in use")
	ErrClosed        = errors.New("reservation already settled")
	ErrSchemaTooNew  = errors.New("schema version is newer than this scpd supports")
	ErrLocked        = errors.New("database file is locked by another process (is scpd serve running? use the admin API, or stop it)")
	ErrCorruptRecord = errors.New("corrupt record")
	// ErrNotDatabase: the path names something else than a bbolt file (or
	// one whose first pages are damaged).
	ErrNotDatabase  = errors.New("not an scpd database (a bbolt file)")
	ErrLedgerReplay = errors.New("ledger does not replay to the balances it records")
)

// ValidationError names the field that is wrong and the rule it breaks, so
// the operator sees e.g. `msisdn: must be 5-15 digits`.
type ValidationError struct {
	Field string
	Rule  string
}

func (e *ValidationError) Error() string { return e.Field + ": " + e.Rule }

func invalid(field, rule string) error { return &ValidationError{Field: field, Rule: rule} }

// KeyError says which record an error is about.
type KeyError struct {
	Kind string // "account", "subscriber", "call", ...
	Key  string
	Err  error
}

func (e *KeyError) Error() string { return fmt.Sprintf("store: %s %q: %v", e.Kind, e.Key, e.Err) }
func (e *KeyError) Unwrap() error { return e.Err }

func keyErr(kind, key string, err error) error { return &KeyError{Kind: kind, Key: key, Err: err} }
