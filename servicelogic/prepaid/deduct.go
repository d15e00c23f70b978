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
		var refusal, err error
		res, refusal, err = l.deductTx(tx, req)
		return refusal, err
	})
	if err != nil {
		return DeductResult{}, wrapCall("deduct fee", req.CallID, err)
	}
	return res, nil
}

// deductTx is DeductFee's transaction.
func (l *Logic) deductTx(tx *store.Tx, req DeductRequest) (DeductResult, error, error) {
	return callStep(tx, req.CallID, func(c *callTx) (DeductResult, error, error) { return l.deduct(c, req) })
}

// deduct charges req on the call's reservation and account as c holds
// them; the caller saves the reservation unless the result is a replay.
func (l *Logic) deduct(c *callTx, req DeductRequest) (DeductResult, error, error) {
	r := &c.r
	if op, ok := r.FindOp(store.OpDeduct, req.Seq); ok {
		// A retry asks what the first asked (charged + shortfall): another
		// amount under a used seq is a new request, which a replay would drop.
		if asked := op.Amount + op.Seconds; asked != req.Amount {
			return DeductResult{}, &CallError{CallID: req.CallID, Err: fmt.Errorf("%w (deduct %d asked %d, not %d)", ErrSeqReused, req.Seq, asked, req.Amount)}, nil
		}
		return DeductResult{Charged: op.Amount, Shortfall: op.Seconds, Frozen: r.Frozen, TotalCharged: r.Charged, Replayed: true}, nil, nil
	}
	if r.State != store.ReservationOpen {
		return DeductResult{}, &CallError{CallID: req.CallID, Err: store.ErrClosed}, nil
	}
	a, err := c.account()
	if err != nil {
		return DeductResult{}, nil, err
	}
	charge := min(req.Amount, r.Frozen)
	if err := c.tx.Charge(a, r, charge, l.now()); err != nil {
		return DeductResult{}, nil, err
	}
	// The op keeps the shortfall in its Seconds field.
	r.Ops = append(r.Ops, store.Op{Kind: store.OpDeduct, Seq: req.Seq, Amount: charge, Seconds: req.Amount - charge, Balance: a.Available})
	return DeductResult{Charged: charge, Shortfall: req.Amount - charge, Frozen: r.Frozen, TotalCharged: r.Charged}, nil, nil
}
