package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Sweeper settles reservations whose call is gone, so no fee stays frozen
// forever: every open reservation past its deadline whose call is not live is
// charged for the answered time if known (capped at what its grants covered
// and at what is frozen), the rest is returned, and a CDR marked recovered is
// written, in one transaction per reservation.
type Sweeper struct {
	Store *Store
	// Rate prices answered seconds with the reservation's tariff snapshot
	// (prepaid.Cost). Nil: answered time is not charged, everything is returned.
	Rate func(t Tariff, seconds int64) int64
	// IsLive reports whether the call is still in progress in this process;
	// live calls are never swept, whatever their deadline. Nil: none is live.
	IsLive func(callID string) bool
	// Interval between sweeps in Run. Default 10s.
	Interval time.Duration
	// Retention: settled reservations older than this are deleted (they are
	// kept so that retried operations stay idempotent). 0 keeps them forever.
	Retention time.Duration
	Now       func() time.Time
	Log       *slog.Logger

	mu        sync.Mutex // one sweep at a time
	lastPrune time.Time
}

// SweepReport says what one sweep did.
type SweepReport struct {
	Recovered   []Recovered `json:"recovered"`
	SkippedLive int         `json:"skipped_live"`
	Pruned      int         `json:"pruned"`
}

// Recovered describes one reservation the sweeper settled.
type Recovered struct {
	CallID    string `json:"call_id"`
	AccountID string `json:"account_id"`
	Charged   int64  `json:"charged"`  // charged by the sweeper
	Returned  int64  `json:"returned"` // given back to available
}

func (w *Sweeper) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

func (w *Sweeper) log() *slog.Logger {
	if w.Log != nil {
		return w.Log
	}
	return slog.Default()
}

// Run sweeps at once, then every Interval until ctx ends.
func (w *Sweeper) Run(ctx context.Context) error {
	iv := w.Interval
	if iv <= 0 {
		iv = 10 * time.Second
	}
	tick := time.NewTicker(iv)
	defer tick.Stop()
	for {
		if _, err := w.SweepOnce(ctx); err != nil && ctx.Err() == nil {
			w.log().Error("sweep failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// SweepOnce settles every open reservation past its deadline (as of Now)
// whose call is not live. It is safe to run concurrently with the call path
// and with itself: each reservation is re-checked inside its transaction.
func (w *Sweeper) SweepOnce(ctx context.Context) (SweepReport, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	rep := SweepReport{Recovered: []Recovered{}}
	now := w.now()
	var due []string
	var failed []error
	err := w.Store.View(func(t *Tx) error {
		open, err := t.OpenReservations()
		for _, o := range open {
			if o.Deadline.Before(now) {
				due = append(due, o.CallID)
			}
		}
		return err
	})
	if err != nil {
		return rep, err
	}
	for _, id := range due {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		if w.IsLive != nil && w.IsLive(id) {
			rep.SkippedLive++
			continue
		}
		rec, done, err := w.settle(id, now)
		if err != nil {
			// Go on with the others: stopping here would leave every
			// reservation after this one (in call id order, so every newer
			// call) frozen at each sweep, forever. The error is returned at the end.
			if len(failed) < maxLoggedFailures { // a failing disk fails them all
				w.log().Error("reservation not recovered", "call", id, "err", err)
			}
			failed = append(failed, err)
			continue
		}
		if done {
			rep.Recovered = append(rep.Recovered, rec)
			w.log().Info("recovered stale reservation", "call", id, "account", rec.AccountID, "charged", rec.Charged, "returned", rec.Returned)
		}
	}
	if now.Sub(w.lastPrune) >= time.Hour {
		if w.Retention > 0 {
			n, err := w.prune(now.Add(-w.Retention))
			rep.Pruned = n
			if err != nil {
				return rep, errors.Join(sweepFailures(failed), err)
			}
		}
		// The prune read every settled reservation, and an hour of calls
		// has read pages the call path will not read again.
		if err := w.Store.releaseMappedPages(); err != nil {
			w.log().Warn("database pages stay mapped", "err", err)
		}
		w.lastPrune = now
	}
	return rep, sweepFailures(failed)
}

// maxLoggedFailures bounds the reservations one sweep logs as not recovered.
const maxLoggedFailures = 5

// sweepFailures sums up the reservations a sweep could not recover.
func sweepFailures(failed []error) error {
	if len(failed) == 0 {
		return nil
	}
	return fmt.Errorf("%d reservations not recovered, the first: %w", len(failed), failed[0])
}

// settle recovers one reservation in its own durable transaction.
func (w *Sweeper) settle(callID string, now time.Time) (rec Recovered, done bool, err error) {
	err = w.Store.Update(func(t *Tx) error {
		r, err := t.Reservation(callID)
		if err != nil {
			if errors.Is(err, ErrNotFound) {
				return nil // deleted meanwhile
			}
			return err
		}
		if r.State != ReservationOpen || !r.Deadline.Before(now) {
			return nil // settled or extended meanwhile
		}
		a, err := t.Account(r.AccountID)
		if err != nil {
			return err
		}
		var charge, answered int64
		if !r.AnsweredAt.IsZero() && now.After(r.AnsweredAt) {
			answered = int64(now.Sub(r.AnsweredAt) / time.Second) // whole seconds, in the subscriber's favour
			if answered > r.Seconds {
				answered = r.Seconds
			}
			if w.Rate != nil {
				charge = w.Rate(r.Tariff, answered) - r.Charged
			}
			charge = max(0, min(charge, r.Frozen))
		}
		if err := t.Charge(&a, &r, charge, now); err != nil {
			return err
		}
		returned, err := t.Release(&a, &r, ReservationRecovered, now)
		if err != nil {
			return err
		}
		if err := t.PutReservation(&r); err != nil {
			return err
		}
		cdr := CDR{CallID: r.CallID, Service: r.Service, AccountID: r.AccountID, Calling: r.Calling, Called: r.Called,
			CallClass: r.Tariff.Class, Start: r.Created, Answer: r.AnsweredAt, End: now, Duration: answered,
			Charged: r.Charged, Currency: a.Currency, Outcome: "recovered: deadline passed with no settlement", Recovered: true}
		if err := t.AppendCDR(&cdr); err != nil {
			return err
		}
		rec = Recovered{CallID: r.CallID, AccountID: r.AccountID, Charged: charge, Returned: returned}
		done = true
		return nil
	})
	if err != nil {
		return Recovered{}, false, fmt.Errorf("store: sweep call %q: %w", callID, err)
	}
	return rec, done, nil
}

// prune deletes settled reservations closed before cutoff, in chunks.
func (w *Sweeper) prune(cutoff time.Time) (int, error) {
	total := 0
	for {
		var keys []string
		err := w.Store.View(func(t *Tx) error {
			c := t.bucket(bReservations).Cursor()
			for k, v := c.First(); k != nil && len(keys) < 10000; k, v = c.Next() {
				r, err := decodeReservation(string(k), v)
				if err != nil {
					return err
				}
				if r.State != ReservationOpen && r.Closed.Before(cutoff) {
					keys = append(keys, r.CallID)
				}
			}
			return nil
		})
		if err != nil || len(keys) == 0 {
			return total, err
		}
		err = w.Store.Update(func(t *Tx) error {
			for _, k := range keys {
				if err := t.bucket(bReservations).Delete([]byte(k)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total += len(keys)
		if len(keys) < 10000 {
			return total, nil
		}
	}
}
