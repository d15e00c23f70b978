package adminapi

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/scpd/scpd/servicelogic/prepaid"
	"github.com/scpd/scpd/store"
)

// Local implements Backend on an open store.
type Local struct {
	Store   *store.Store
	Prepaid *prepaid.Logic
	Sweeper *store.Sweeper
	Now     func() time.Time
	// StatusFunc reports the live daemon; nil outside scpd serve.
	StatusFunc func(context.Context) (Status, error)
	// MaxShortNumber is numbering.max_short_number: call routing looks a
	// dialled number up as a short number only up to this many digits, so
	// a longer one is refused here rather than stored unreachable. 0: only
	// the store's own rule (store.MinShortNumber-MaxShortNumber digits).
	MaxShortNumber int
}

// NewLocal wires a Local backend; sw may be nil (a sweeper that sees no live calls is made).
func NewLocal(st *store.Store, logic *prepaid.Logic, sw *store.Sweeper) *Local {
	if sw == nil {
		sw = logic.Sweeper(nil, 0, 0)
	}
	return &Local{Store: st, Prepaid: logic, Sweeper: sw, Now: time.Now}
}

var _ Backend = (*Local)(nil)

func (l *Local) view(fn func(*store.Tx) error) error   { return l.Store.View(fn) }
func (l *Local) update(fn func(*store.Tx) error) error { return l.Store.Update(fn) }

func (l *Local) Subscribers(_ context.Context, groupID string) (out []store.Subscriber, err error) {
	err = l.view(func(tx *store.Tx) error {
		if groupID != "" {
			if _, err := tx.Group(groupID); err != nil {
				return err
			}
			out, err = tx.GroupMembers(groupID)
			return err
		}
		out, err = tx.Subscribers()
		return err
	})
	return out, err
}

func (l *Local) Subscriber(_ context.Context, msisdn string) (s store.Subscriber, err error) {
	err = l.view(func(tx *store.Tx) error { s, err = tx.Subscriber(msisdn); return err })
	return s, err
}

func (l *Local) PutSubscriber(_ context.Context, s store.Subscriber, create bool) (store.Subscriber, error) {
	if err := l.checkShortNumber(s); err != nil {
		return s, err
	}
	err := l.update(func(tx *store.Tx) error { return tx.PutSubscriber(s, create) })
	return s, err
}

// checkShortNumber refuses a VPN short number that routing would never
// find. Longer than the store allows, or not digits, is the store's to say.
func (l *Local) checkShortNumber(s store.Subscriber) error {
	n := s.ShortNumber
	if l.MaxShortNumber <= 0 || !s.VPN || len(n) <= l.MaxShortNumber || len(n) > store.MaxShortNumber || strings.Trim(n, "0123456789") != "" {
		return nil
	}
	return &store.ValidationError{Field: "short_number", Rule: fmt.Sprintf("at most %d digits (numbering.max_short_number)", l.MaxShortNumber)}
}

func (l *Local) DeleteSubscriber(_ context.Context, msisdn string) error {
	return l.update(func(tx *store.Tx) error { return tx.DeleteSubscriber(msisdn) })
}

func (l *Local) Groups(context.Context) (out []store.Group, err error) {
	err = l.view(func(tx *store.Tx) error { out, err = tx.Groups(); return err })
	return out, err
}

func (l *Local) Group(_ context.Context, id string) (g GroupView, err error) {
	err = l.view(func(tx *store.Tx) error {
		if g.Group, err = tx.Group(id); err != nil {
			return err
		}
		g.Members, err = tx.GroupMembers(id)
		return err
	})
	return g, err
}

func (l *Local) PutGroup(_ context.Context, g store.Group, create bool) (store.Group, error) {
	err := l.update(func(tx *store.Tx) error { return tx.PutGroup(g, create) })
	return g, err
}

func (l *Local) DeleteGroup(_ context.Context, id string) error {
	return l.update(func(tx *store.Tx) error { return tx.DeleteGroup(id) })
}

func (l *Local) Accounts(context.Context) (out []store.Account, err error) {
	err = l.view(func(tx *store.Tx) error { out, err = tx.Accounts(); return err })
	return out, err
}

func (l *Local) Account(_ context.Context, id string) (a store.Account, err error) {
	err = l.view(func(tx *store.Tx) error { a, err = tx.Account(id); return err })
	return a, err
}

func (l *Local) CreateAccount(_ context.Context, a store.Account) (out store.Account, err error) {
	err = l.update(func(tx *store.Tx) error { out, err = tx.CreateAccount(a, l.Now().UTC()); return err })
	return out, err
}

func (l *Local) UpdateAccount(_ context.Context, id string, u AccountUpdate) (out store.Account, err error) {
	err = l.update(func(tx *store.Tx) error {
		out, err = tx.UpdateAccount(id, store.AccountSettings{MinThreshold: u.MinThreshold, ValidUntil: u.ValidUntil, Status: u.Status}, l.Now().UTC())
		return err
	})
	return out, err
}

func (l *Local) Recharge(ctx context.Context, id string, amount int64, ref string) (prepaid.Recharged, error) {
	return l.Prepaid.Recharge(ctx, prepaid.RechargeRequest{AccountID: id, Amount: amount, Ref: ref})
}

func (l *Local) Ledger(_ context.Context, id string, limit int) (out []store.LedgerEntry, err error) {
	err = l.view(func(tx *store.Tx) error {
		if _, err := tx.Account(id); err != nil {
			return err
		}
		out, err = tx.Ledger(id, 0, 0)
		if limit > 0 && len(out) > limit {
			out = out[len(out)-limit:] // the latest
		}
		return err
	})
	return out, err
}

func (l *Local) Tariffs(context.Context) (out []store.Tariff, err error) {
	err = l.view(func(tx *store.Tx) error { out, err = tx.Tariffs(); return err })
	return out, err
}

func (l *Local) Tariff(_ context.Context, class string) (t store.Tariff, err error) {
	err = l.view(func(tx *store.Tx) error { t, err = tx.Tariff(class); return err })
	return t, err
}

func (l *Local) PutTariff(_ context.Context, t store.Tariff) (store.Tariff, error) {
	err := l.update(func(tx *store.Tx) error { return tx.PutTariff(t) })
	return t, err
}

func (l *Local) DeleteTariff(_ context.Context, class string) error {
	return l.update(func(tx *store.Tx) error { return tx.DeleteTariff(class) })
}

func (l *Local) CDRs(_ context.Context, q CDRQuery) (out []store.CDR, err error) {
	f := store.CDRFilter{Since: q.Since, Until: q.Until, MSISDN: q.MSISDN, CallID: q.CallID, AccountID: q.AccountID, Recovered: q.Recovered, Limit: q.Limit, Newest: q.Newest}
	err = l.view(func(tx *store.Tx) error { out, err = tx.CDRs(f); return err })
	return out, err
}

func (l *Local) Reservations(_ context.Context, q ReservationQuery) (out []store.Reservation, err error) {
	f := store.ReservationFilter{AccountID: q.AccountID, Limit: q.Limit}
	if q.State != "" {
		var s store.ReservationState
		if err := s.UnmarshalText([]byte(q.State)); err != nil {
			return nil, err
		}
		f.State = &s
	}
	err = l.view(func(tx *store.Tx) error { out, err = tx.Reservations(f); return err })
	return out, err
}

func (l *Local) Reservation(_ context.Context, callID string) (r store.Reservation, err error) {
	err = l.view(func(tx *store.Tx) error { r, err = tx.Reservation(callID); return err })
	return r, err
}

func (l *Local) Purge(ctx context.Context, before time.Time) (store.PurgeReport, error) {
	return l.Store.Purge(ctx, before)
}

func (l *Local) Sweep(ctx context.Context) (store.SweepReport, error) {
	return l.Sweeper.SweepOnce(ctx)
}

func (l *Local) Audit(context.Context) (store.AuditReport, error) { return l.Store.Audit() }

func (l *Local) Backup(_ context.Context, w io.Writer) (int64, error) { return l.Store.Backup(w) }
