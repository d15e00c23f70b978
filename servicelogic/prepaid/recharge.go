package prepaid

import (
	"context"
	"errors"
	"fmt"

	"github.com/scpd/scpd/store"
)

// Recharge tops up an account: + available, + recharged, one ledger entry.
func (l *Logic) Recharge(ctx context.Context, req RechargeRequest) (Recharged, error) {
	var r Recharged
	err := l.run(ctx, func(tx *store.Tx) (error, error) {
		var err error
		var applied bool
		r.Account, applied, err = tx.Recharge(req.AccountID, req.Amount, req.Ref, l.now())
		r.Replayed = err == nil && !applied
		var ve *store.ValidationError
		// ErrExists: the ref was used for another amount.
		if errors.As(err, &ve) || errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrExists) {
			return err, nil // refused before anything was written
		}
		return nil, err
	})
	if err != nil {
		return Recharged{}, fmt.Errorf("prepaid: recharge: %w", err)
	}
	return r, nil
}
