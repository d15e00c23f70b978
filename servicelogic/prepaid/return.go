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
	r, refusal, err := openReservation(tx, req.CallID)
	if refusal != nil || err != nil {
		return ReturnResult{}, refusal, err
	}
	if op, ok := r.FindOp(store.OpReturn, req.Seq); ok {
		return ReturnResult{Returned: op.Amount, TotalCharged: r.Charged, Replayed: true}, nil, nil
	}
	if r.State != store.ReservationOpen {
		return ReturnResult{}, &CallError{CallID: req.CallID, Err: store.ErrClosed}, nil
	}
	a, err := tx.Account(r.AccountID)
	if err != nil {
		return ReturnResult{}, nil, err
	}
	now := l.now()
	returned, err := tx.Release(&a, &r, store.ReservationSettled, now)
	if err != nil {
		return ReturnResult{}, nil, err
	}
	if req.CDR != nil {
		c := *req.CDR // the caller's copy stays as it was if the batch reruns
		c.CallID, c.AccountID, c.Charged, c.Currency = r.CallID, r.AccountID, r.Charged, a.Currency
		if c.End.IsZero() {
			c.End = now
		}
		if c.Start.IsZero() {
			c.Start = r.Created
		}
		if c.Answer.IsZero() {
			c.Answer = r.AnsweredAt
		}
		if c.CallClass == "" {
			c.CallClass = r.Tariff.Class
		}
		if err := tx.AppendCDR(&c); err != nil {
			return ReturnResult{}, nil, err
		}
	}
	r.Ops = append(r.Ops, store.Op{Kind: store.OpReturn, Seq: req.Seq, Amount: returned, Balance: a.Available})
	if err := tx.PutReservation(&r); err != nil {
		return ReturnResult{}, nil, err
	}
	return ReturnResult{Returned: returned, TotalCharged: r.Charged}, nil, nil
}
