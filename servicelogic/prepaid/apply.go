package prepaid

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/scpd/scpd/store"
)

func validCallID(id string) error {
	if id == "" || len(id) > 128 {
		return &store.ValidationError{Field: "call_id", Rule: "must be 1-128 bytes"}
	}
	return nil
}

func (r *ApplyRequest) validate() error {
	if err := validCallID(r.CallID); err != nil {
		return err
	}
	switch {
	case r.AccountID == "":
		return &store.ValidationError{Field: "account_id", Rule: "required"}
	case r.Amount < 0:
		return &store.ValidationError{Field: "amount", Rule: "must not be negative"}
	case r.MinAmount < 0 || r.MinAmount > r.Amount:
		return &store.ValidationError{Field: "min_amount", Rule: "must be 0-amount"}
	case r.Deadline.IsZero():
		return &store.ValidationError{Field: "deadline", Rule: "required"}
	case !store.StorableTime(r.Deadline):
		return &store.ValidationError{Field: "deadline", Rule: store.StorableTimeRule}
	case r.Seconds < 0:
		return &store.ValidationError{Field: "seconds", Rule: "must not be negative"}
	}
	return nil
}

// ApplyFee implements steps 105-107: freeze money for the call so no other
// service can spend it. The reservation is opened by the first ApplyFee of a
// call even when nothing is granted, so that a retry finds the result and
// ReturnFee can close the call with its CDR as for any other.
func (l *Logic) ApplyFee(ctx context.Context, req ApplyRequest) (Grant, error) {
	if err := req.validate(); err != nil {
		return Grant{}, fmt.Errorf("prepaid: apply fee: %w", err)
	}
	var g Grant
	err := l.run(ctx, func(tx *store.Tx) (error, error) {
		g = Grant{}
		now := l.now()
		r, err := tx.Reservation(req.CallID)
		index := false // the open index needs the call: new, or a later deadline
		switch {
		case errors.Is(err, store.ErrNotFound):
			index = true
			r = store.Reservation{CallID: req.CallID, AccountID: req.AccountID, Created: now, Deadline: req.Deadline,
				Service: req.Service, Calling: req.Calling, Called: req.Called}
		case err != nil:
			return nil, err
		default:
			// Checked before the replay: a request for another account is
			// not a retry, and must not be told another account's grant.
			if r.AccountID != req.AccountID {
				return &CallError{CallID: req.CallID, Err: fmt.Errorf("%w (%q, not %q)", ErrAccountMismatch, r.AccountID, req.AccountID)}, nil
			}
			if op, ok := r.FindOp(store.OpApply, req.Seq); ok {
				// A retry asked what the first asked: a grant never exceeds
				// it, and a full grant (no reason) equals it.
				if op.Amount > req.Amount || (op.Reason == "" && op.Amount != req.Amount) {
					return &CallError{CallID: req.CallID, Err: fmt.Errorf("%w (apply %d granted %d, now asked %d)", ErrSeqReused, req.Seq, op.Amount, req.Amount)}, nil
				}
				g = Grant{Granted: op.Amount, Seconds: op.Seconds, TotalSeconds: r.Seconds, Frozen: r.Frozen,
					Available: op.Balance, Reason: parseReason(op.Reason), Replayed: true}
				return nil, nil
			}
			if r.State != store.ReservationOpen {
				return &CallError{CallID: req.CallID, Err: store.ErrClosed}, nil
			}
		}
		a, err := tx.Account(req.AccountID)
		if errors.Is(err, store.ErrNotFound) {
			g = Grant{Reason: ReasonUnknownAccount}
			return nil, nil // nothing is opened on an account that does not exist
		} else if err != nil {
			return nil, err
		}

		reason := check(&a, now)
		amount := int64(0)
		if reason == ReasonNone {
			amount = min(req.Amount, a.Available)
			if amount < req.MinAmount || (amount == 0 && req.Amount > 0) {
				amount, reason = 0, ReasonNoBalance
			} else if amount < req.Amount {
				reason = ReasonNoBalance
			}
		}
		r.Tariff = req.Tariff
		if req.Deadline.After(r.Deadline) {
			r.Deadline, index = req.Deadline, true
		}
		seconds := int64(0)
		if amount > 0 || (req.Amount == 0 && reason == ReasonNone) {
			seconds = req.Seconds
			if amount < req.Amount {
				// Partly granted: what the call's whole reservation now pays for.
				covered := AffordableSeconds(req.Tariff, r.Granted+amount)
				seconds = max(0, min(req.Seconds, covered-r.Seconds))
			}
		}
		if err := tx.Freeze(&a, &r, amount, now); err != nil {
			return nil, err
		}
		// Seconds are not bounded by validate: saturate, as a wrapped
		// (negative) total would let the sweeper charge no answered time.
		seconds = min(seconds, math.MaxInt64-max(r.Seconds, 0))
		r.Seconds += seconds
		r.Ops = append(r.Ops, store.Op{Kind: store.OpApply, Seq: req.Seq, Amount: amount, Seconds: seconds, Balance: a.Available, Reason: reasonText(reason)})
		if err := tx.PutReservation(&r); err != nil {
			return nil, err
		}
		if index {
			if err := tx.IndexOpen(&r); err != nil {
				return nil, err
			}
		}
		g = Grant{Granted: amount, Seconds: seconds, TotalSeconds: r.Seconds, Frozen: r.Frozen, Available: a.Available, Reason: reason}
		return nil, nil
	})
	if err != nil {
		return Grant{}, wrapCall("apply fee", req.CallID, err)
	}
	return g, nil
}

func reasonText(r Reason) string {
	if r == ReasonNone {
		return ""
	}
	return r.String()
}

func parseReason(s string) Reason {
	for i, n := range reasonNames {
		if n == s {
			return Reason(i)
		}
	}
	return ReasonNone
}

// wrapCall adds the operation to storage errors; CallErrors already name the call.
func wrapCall(op, callID string, err error) error {
	var ce *CallError
	if errors.As(err, &ce) {
		return err
	}
	return fmt.Errorf("prepaid: %s for call %q: %w", op, callID, err)
}
