// Package prepaid is the prepaid service logic of the method (steps 103-111):
// the four interfaces other service logic calls — Authenticate, ApplyFee,
// DeductFee, ReturnFee — plus Recharge, and the rating of tariffs.
//
// Every operation that moves money is one durable bbolt transaction run
// through the store's Batch, idempotent on (call id, operation, seq): a retry
// returns the first result and moves no money.
package prepaid

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/scpd/scpd/store"
)

// Service is what the VPN (or any other) service logic calls.
type Service interface {
	// Authenticate checks the account (reads only): it exists, is within its
	// validity, is not blocked or reported lost, has an available balance and
	// at least its minimum threshold.
	Authenticate(ctx context.Context, accountID string) (AuthResult, error)
	// ApplyFee freezes money for a call: available -> frozen. It may grant
	// less than asked; nothing granted is a result (Grant.Granted == 0 and a
	// Reason), not an error. A second ApplyFee for a call adds to its reservation.
	ApplyFee(ctx context.Context, req ApplyRequest) (Grant, error)
	// DeductFee charges from the call's frozen money: frozen -> charged,
	// never more than is frozen.
	DeductFee(ctx context.Context, req DeductRequest) (DeductResult, error)
	// ReturnFee gives back what is still frozen and closes the reservation,
	// writing the CDR, if given, in the same transaction.
	ReturnFee(ctx context.Context, req ReturnRequest) (ReturnResult, error)
	// Settle is DeductFee then ReturnFee in one durable transaction, for the
	// end of a call.
	Settle(ctx context.Context, d DeductRequest, r ReturnRequest) (DeductResult, ReturnResult, error)
	// MarkAnswered records when the call was answered, so that after a crash
	// the sweeper can charge the answered time.
	MarkAnswered(ctx context.Context, callID string, seq uint32, at time.Time) error
	// Recharge tops up an account (operator).
	Recharge(ctx context.Context, req RechargeRequest) (Recharged, error)
}

// Reason says why authentication failed or why less than asked was granted.
type Reason uint8

const (
	ReasonNone           Reason = iota
	ReasonUnknownAccount        // no such account
	ReasonExpired               // validity period ended
	ReasonBlocked               // blocked by the operator
	ReasonReportedLost          // the subscriber reported a loss
	ReasonBelowThreshold        // available balance below the account's minimum threshold
	ReasonNoBalance             // nothing (or less than the minimum asked) available
)

var reasonNames = [...]string{"", "unknown-account", "expired", "blocked", "reported-lost", "below-threshold", "no-balance"}

func (r Reason) String() string {
	if int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return fmt.Sprintf("reason(%d)", uint8(r))
}

// MarshalText writes the reason's name.
func (r Reason) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// AuthResult is the answer of Authenticate.
type AuthResult struct {
	OK      bool
	Reason  Reason
	Account store.Account // zero if the account is unknown
}

// ApplyRequest asks to freeze Amount for a call.
type ApplyRequest struct {
	CallID    string
	Seq       uint32
	AccountID string
	Amount    int64 // asked, minor units
	MinAmount int64 // grant nothing if less than this is available
	// Deadline after which the sweeper may settle the reservation if the call
	// is not live; a later quota extends it.
	Deadline time.Time
	// Tariff and Seconds: the tariff used to price the quota and the call
	// seconds Amount covers. Kept on the reservation so that the sweeper can
	// rate answered time after a crash.
	Tariff  Tariff
	Seconds int64
	// For the CDR the sweeper writes if the call is never settled (optional).
	Service, Calling, Called string
}

// Grant is the answer of ApplyFee.
type Grant struct {
	Granted      int64  // frozen by this request; 0: nothing granted, see Reason
	Seconds      int64  // call seconds this grant adds
	TotalSeconds int64  // call seconds covered by all grants of the call
	Frozen       int64  // still frozen on the call's reservation
	Available    int64  // account available balance after
	Reason       Reason // why less than asked (or nothing) was granted
	Replayed     bool   // a retry: the first result, no money moved
}

// DeductRequest charges Amount (this quota's rated usage, not a running total).
type DeductRequest struct {
	CallID string
	Seq    uint32
	Amount int64
}

// DeductResult is the answer of DeductFee.
type DeductResult struct {
	Charged      int64 // charged by this request
	Shortfall    int64 // asked but not frozen, so not charged
	Frozen       int64 // still frozen on the reservation
	TotalCharged int64 // charged on the call so far
	Replayed     bool
}

func (r DeductResult) replayed() bool { return r.Replayed }

// ReturnRequest closes a call's reservation. CDR, if not nil, is stored in
// the same transaction; its CallID, AccountID, Charged and Currency are
// filled in from the reservation.
type ReturnRequest struct {
	CallID string
	Seq    uint32
	CDR    *store.CDR
}

// ReturnResult is the answer of ReturnFee.
type ReturnResult struct {
	Returned     int64 // given back to available
	TotalCharged int64 // charged on the call in all
	Replayed     bool
}

func (r ReturnResult) replayed() bool { return r.Replayed }

// RechargeRequest tops up an account. A non-empty Ref (voucher or payment
// id) makes it idempotent per account.
type RechargeRequest struct {
	AccountID string
	Amount    int64
	Ref       string
}

// Recharged is the answer of Recharge: the account after it, and whether
// the request was a retry of one already applied (the same Ref and amount),
// which credited nothing this time.
type Recharged struct {
	store.Account
	Replayed bool `json:"replayed"`
}

// Errors about a call, returned inside a *CallError.
var (
	ErrUnknownCall     = errors.New("unknown call id")
	ErrAccountMismatch = errors.New("call's reservation belongs to another account")
	// ErrSeqReused: the (call id, seq) of an operation was already used with
	// other arguments, so the request is not a retry and is not replayed.
	ErrSeqReused = errors.New("sequence number already used for this operation with other arguments")
)

// ErrClosed: the call's reservation is already settled (re-exported from store).
var ErrClosed = store.ErrClosed

// CallError names the call an error is about: errors.Is(err, ErrUnknownCall).
type CallError struct {
	CallID string
	Err    error
}

func (e *CallError) Error() string { return fmt.Sprintf("prepaid: call %q: %v", e.CallID, e.Err) }
func (e *CallError) Unwrap() error { return e.Err }

// Options configure the prepaid logic.
type Options struct {
	Now func() time.Time // clock; default time.Now
	Log *slog.Logger
}

// Logic implements Service on a store.
type Logic struct {
	st  *store.Store
	now func() time.Time
	log *slog.Logger
}

var _ Service = (*Logic)(nil)

// New returns the prepaid logic working on st.
func New(st *store.Store, opts Options) *Logic {
	l := &Logic{st: st, now: opts.Now, log: opts.Log}
	if l.now == nil {
		l.now = time.Now
	}
	if l.log == nil {
		l.log = slog.Default()
	}
	return l
}

// Sweeper returns the store's sweeper set up to rate answered time with Cost.
// isLive tells which calls are still in progress (nil: none).
func (l *Logic) Sweeper(isLive func(callID string) bool, interval, retention time.Duration) *store.Sweeper {
	return &store.Sweeper{Store: l.st, Rate: Cost, IsLive: isLive, Interval: interval, Retention: retention, Now: l.now, Log: l.log}
}

// run executes fn in a shared durable transaction. fn reports a business
// refusal as its first result, so that it never rolls back the batch of other
// callers; it must not write anything before refusing.
func (l *Logic) run(ctx context.Context, fn func(tx *store.Tx) (refusal error, err error)) error {
	var refusal error
	err := l.st.Batch(ctx, func(tx *store.Tx) error {
		var err error
		refusal, err = fn(tx)
		return err
	})
	if err != nil {
		return err
	}
	return refusal
}
