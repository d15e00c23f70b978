package prepaid

import (
	"context"
	"errors"
	"time"

	"github.com/scpd/scpd/store"
)

// Authenticate implements steps 103-104: is the account valid and is there
// money in it. It only reads.
func (l *Logic) Authenticate(ctx context.Context, accountID string) (AuthResult, error) {
	if err := ctx.Err(); err != nil {
		return AuthResult{}, err
	}
	var res AuthResult
	err := l.st.ViewRecent(func(tx *store.Tx) error {
		a, err := tx.Account(accountID)
		if err != nil {
			if errors.Is(err, store.ErrNotFound) {
				res = AuthResult{Reason: ReasonUnknownAccount}
				return nil
			}
			return err
		}
		r := check(&a, l.now())
		if r == ReasonNone {
			switch {
			case a.Available <= 0:
				r = ReasonNoBalance
			case a.Available < a.MinThreshold:
				r = ReasonBelowThreshold
			}
		}
		res = AuthResult{OK: r == ReasonNone, Reason: r, Account: a}
		return nil
	})
	return res, err
}

// check returns why an account may not be used at all (status, validity).
func check(a *store.Account, now time.Time) Reason {
	switch {
	case a.Status == store.StatusReportedLost:
		return ReasonReportedLost
	case a.Status == store.StatusBlocked:
		return ReasonBlocked
	case a.Status != store.StatusActive:
		return ReasonBlocked
	case !a.ValidUntil.IsZero() && !now.Before(a.ValidUntil):
		return ReasonExpired
	}
	return ReasonNone
}
