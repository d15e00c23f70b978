package prepaid

import (
	"context"
	"fmt"

	"github.com/scpd/scpd/store"
)

// Settle is DeductFee followed by ReturnFee in one durable transaction:
// steps 109-111 at the end of a call, with no moment at which the charge is
// made but the remainder is still frozen, and one commit instead of two.
// Each step keeps its own idempotency key, so a retry of either is a replay.
func (l *Logic) Settle(ctx context.Context, d DeductRequest, r ReturnRequest) (DeductResult, ReturnResult, error) {
	if d.CallID != r.CallID {
		return DeductResult{}, ReturnResult{}, fmt.Errorf("prepaid: settle: deduct for %q, return for %q", d.CallID, r.CallID)
	}
	if err := validCallID(d.CallID); err != nil {
		return DeductResult{}, ReturnResult{}, fmt.Errorf("prepaid: settle: %w", err)
	}
	if d.Amount < 0 {
		return DeductResult{}, ReturnResult{}, fmt.Errorf("prepaid: settle: %w", &store.ValidationError{Field: "amount", Rule: "must not be negative"})
	}
	var dr DeductResult
	var rr ReturnResult
	err := l.run(ctx, func(tx *store.Tx) (error, error) {
		dr, rr = DeductResult{}, ReturnResult{}
		// One read and one write of the reservation (and one read of the
		// account) for both steps: the end of a call is half of a prepaid
		// call's store work.
		c, refusal, err := openCall(tx, d.CallID)
		if refusal != nil || err != nil {
			return refusal, err
		}
		changed := false
		if d.Amount > 0 {
			if dr, refusal, err = l.deduct(c, d); refusal != nil || err != nil {
				return refusal, err
			}
			changed = !dr.Replayed
		}
		rr, refusal, err = l.returnFee(c, r)
		if err != nil {
			return nil, err
		}
		// Written back if either step changed it; a replay or a refusal
		// changes nothing.
		if changed || (refusal == nil && !rr.Replayed) {
			err = c.save()
		}
		return refusal, err
	})
	if err != nil {
		return DeductResult{}, ReturnResult{}, wrapCall("settle", d.CallID, err)
	}
	return dr, rr, nil
}
