package prepaid

import (
	"context"
	"fmt"

	"github.com/scpd/scpd/store"
)

// DeductFee implements step 108-109: charge the rated usage from the money
// frozen for the call, never more than is frozen (the rest is the Shortfall).
func (l *Logic) DeductFee(ctx context.Context, req DeductRequest) (DeductResult, error) {
	if err := validCallID(req.CallID); err != nil {
		return DeductResult{}, fmt.Errorf("prepaid: deduct fee: %w", err)
	}
	if req.Amount < 0 {
		return DeductResult{}, fmt.Errorf("prepaid: deduct fee: %w", &store.ValidationError{Field: "amount", Rule: "must not be negative"})
	}
	var res DeductResult
	err := l.run(ctx, func(tx *store.Tx) (error, error) {
		res = DeductResult{}
		r, refusal, err := openReservation(tx, req.CallID)
		if refusal != nil || err != nil {
			return refusal, err
		}
		if op, ok := r.FindOp(store.OpDeduct, req.Seq); ok {
			res = DeductResult{Charged: op.Amount, Shortfall: op.Seconds, Frozen: r.Frozen, TotalCharged: r.Charged, Replayed: true}
			return nil, nil
		}
		if r.State != store.ReservationOpen {
			return &CallError{CallID: req.CallID, Err: store.ErrClosed}, nil
		}
		a, err := tx.Account(r.AccountID)
		if err != nil {
			return nil, err
		}
		charge := min(req.Amount, r.Frozen)
		if err := tx.Charge(&a, &r, charge, l.now()); err != nil {
			return nil, err
		}
		// The op keeps the shortfall in its Seconds field.
		r.Ops = append(r.Ops, store.Op{Kind: store.OpDeduct, Seq: req.Seq, Amount: charge, Seconds: req.Amount - charge, Balance: a.Available})
		if err := tx.PutReservation(&r); err != nil {
			return nil, err
		}
		res = DeductResult{Charged: charge, Shortfall: req.Amount - charge, Frozen: r.Frozen, TotalCharged: r.Charged}
		return nil, nil
	})
	if err != nil {
		return DeductResult{}, wrapCall("deduct fee", req.CallID, err)
	}
	return res, nil
}
