package prepaid

import (
	"context"
	"fmt"

	"github.com/scpd/scpd/store"
)

// ReturnFee implements steps 110-111: give back what is still frozen and
// close the reservation; the CDR, if given, is written in the same transaction.
func (l *Logic) ReturnFee(ctx context.Context, req ReturnRequest) (ReturnResult, error) {
	if err := validCallID(req.CallID); err != nil {
		return ReturnResult{}, fmt.Errorf("prepaid: return fee: %w", err)
	}
	var res ReturnResult
	err := l.run(ctx, func(tx *store.Tx) (error, error) {
		var refusal, err error
		res, refusal, err = l.returnTx(tx, req)
		return refusal, err
	})
	if err != nil {
		return ReturnResult{}, wrapCall("return fee", req.CallID, err)
	}
	return res, nil
}

// returnTx is ReturnFee's transaction.
func (l *Logic) returnTx(tx *store.Tx, req ReturnRequest) (ReturnResult, error, error) {
	return callStep(tx, req.CallID, func(c *callTx) (ReturnResult, error, error) { return l.returnFee(c, req) })
}

// returnFee releases what is still frozen on the call's reservation and
// writes the CDR; the caller saves the reservation unless the result is a
// replay.
func (l *Logic) returnFee(c *callTx, req ReturnRequest) (ReturnResult, error, error) {
	r := &c.r
	if op, ok := r.FindOp(store.OpReturn, req.Seq); ok {
		return ReturnResult{Returned: op.Amount, TotalCharged: r.Charged, Replayed: true}, nil, nil
	}
	if r.State != store.ReservationOpen {
		return ReturnResult{}, &CallError{CallID: req.CallID, Err: store.ErrClosed}, nil
	}
	a, err := c.account()
	if err != nil {
		return ReturnResult{}, nil, err
	}
	now := l.now()
	returned, err := c.tx.Release(a, r, store.ReservationSettled, now)
	if err != nil {
		return ReturnResult{}, nil, err
	}
	if req.CDR != nil {
		cdr := *req.CDR // the caller's copy stays as it was if the batch reruns
		cdr.CallID, cdr.AccountID, cdr.Charged, cdr.Currency = r.CallID, r.AccountID, r.Charged, a.Currency
		if cdr.End.IsZero() {
			cdr.End = now
		}
		if cdr.Start.IsZero() {
			cdr.Start = r.Created
		}
		if cdr.Answer.IsZero() {
			cdr.Answer = r.AnsweredAt
		}
		if cdr.CallClass == "" {
			cdr.CallClass = r.Tariff.Class
		}
		if err := c.tx.AppendCDR(&cdr); err != nil {
			return ReturnResult{}, nil, err
		}
	}
	r.Ops = append(r.Ops, store.Op{Kind: store.OpReturn, Seq: req.Seq, Amount: returned, Balance: a.Available})
	return ReturnResult{Returned: returned, TotalCharged: r.Charged}, nil, nil
}
