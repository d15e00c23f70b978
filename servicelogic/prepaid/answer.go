package prepaid

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/scpd/scpd/store"
)

// MarkAnswered records the answer time on the call's reservation (the first
// one recorded wins), so the sweeper can charge answered time after a crash.
func (l *Logic) MarkAnswered(ctx context.Context, callID string, seq uint32, at time.Time) error {
	if err := validCallID(callID); err != nil {
		return fmt.Errorf("prepaid: mark answered: %w", err)
	}
	err := l.run(ctx, func(tx *store.Tx) (error, error) {
		r, refusal, err := openReservation(tx, callID)
		if refusal != nil || err != nil {
			return refusal, err
		}
		if _, ok := r.FindOp(store.OpAnswer, seq); ok {
			return nil, nil
		}
		if r.State != store.ReservationOpen {
			return &CallError{CallID: callID, Err: store.ErrClosed}, nil
		}
		if r.AnsweredAt.IsZero() {
			r.AnsweredAt = at
		}
		r.Ops = append(r.Ops, store.Op{Kind: store.OpAnswer, Seq: seq})
		return nil, tx.PutReservation(&r)
	})
	if err != nil {
		return wrapCall("mark answered", callID, err)
	}
	return nil
}

// callTx is a call's reservation, and its account once needed, as one
// transaction reads and changes them: DeductFee's and ReturnFee's steps
// work on it, and Settle runs both on one read and one write.
type callTx struct {
	tx *store.Tx
	r  store.Reservation
	a  *store.Account
}

// openCall loads the call's reservation, like openReservation.
func openCall(tx *store.Tx, callID string) (*callTx, error, error) {
	r, refusal, err := openReservation(tx, callID)
	if refusal != nil || err != nil {
		return nil, refusal, err
	}
	return &callTx{tx: tx, r: r}, nil, nil
}

// account reads the reservation's account on first use; the money
// movements then change this copy, and write it, in place.
func (c *callTx) account() (*store.Account, error) {
	if c.a == nil {
		a, err := c.tx.Account(c.r.AccountID)
		if err != nil {
			return nil, err
		}
		c.a = &a
	}
	return c.a, nil
}

// save writes the reservation back.
func (c *callTx) save() error { return c.tx.PutReservation(&c.r) }

// callStep runs one step (DeductFee's, ReturnFee's) alone on the call's
// reservation and writes it back unless the step was refused or a replay.
func callStep[R interface{ replayed() bool }](tx *store.Tx, callID string, step func(*callTx) (R, error, error)) (R, error, error) {
	c, refusal, err := openCall(tx, callID)
	if refusal != nil || err != nil {
		var none R
		return none, refusal, err
	}
	res, refusal, err := step(c)
	if refusal != nil || err != nil || res.replayed() {
		return res, refusal, err
	}
	return res, nil, c.save()
}

// openReservation loads the call's reservation for DeductFee, ReturnFee and
// MarkAnswered; a call id it does not know is a refusal naming it.
func openReservation(tx *store.Tx, callID string) (r store.Reservation, refusal, err error) {
	r, err = tx.Reservation(callID)
	if errors.Is(err, store.ErrNotFound) {
		return r, &CallError{CallID: callID, Err: ErrUnknownCall}, nil
	}
	return r, nil, err
}
