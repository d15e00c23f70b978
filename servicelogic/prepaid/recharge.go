package prepaid

import (
	"context"
	"errors"
	"fmt"

	"github.com/scpd/scpd/store"
)

// Recharge tops up an account: + available, + recharged, one ledger entry.
func (l *Logic) Recharge(ctx context.Context, req RechargeRequest) (store.Account, error) {
	var a store.Account
	err := l.run(ctx, func(tx *store.Tx) (error, error) {
		var err error
		a, _, err = tx.Recharge(req.AccountID, req.Amount, req.Ref, l.now())
		var ve *store.ValidationError
		// ErrExists: the ref was used for another amount.
		if errors.As(err, &ve) || errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrExists) {
			return err, nil // refused before anything was written
		}
		return nil, err
	})
	if err != nil {
		return store.Account{}, fmt.Errorf("prepaid: recharge: %w", err)
	}
	return a, nil
}
