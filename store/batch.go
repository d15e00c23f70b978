package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Group commit. One goroutine owns the write transactions: it takes every
// call that is waiting, runs them one after the other in one transaction
// and commits (fsyncs) once. While a commit is on the disk the next calls
// queue, so batches grow with the load by themselves and a lone call is
// committed at once. bbolt's own db.Batch starts a batch per MaxBatchDelay
// instead; under load its small batches then queue behind the writer lock
// and the commit rate, not the disk, sets the throughput (BENCHMARKS.md).

// batchCall is one caller's work and where its result goes.
type batchCall struct {
	fn   func(*Tx) error
	done chan error
}

// ErrStoreClosed is returned by Batch after Close.
var ErrStoreClosed = errors.New("store: closed")

// errPanicked wraps a panic in a batched function, so one bad call fails
// alone instead of taking the committer down.
type errPanicked struct{ v any }

func (e errPanicked) Error() string { return fmt.Sprintf("store: batched function panicked: %v", e.v) }

// Batch runs fn in a durable read-write transaction shared with other
// concurrent callers. fn may run more than once, so it must only report its
// results through variables it resets at its start, and must return nil for
// a business refusal: an error rolls back the whole batch, after which the
// failing call runs alone and the others again together. Once queued the
// work is not abandoned, so ctx is only checked before.
func (s *Store) Batch(ctx context.Context, fn func(*Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case <-s.closing:
		return ErrStoreClosed
	default:
	}
	c := &batchCall{fn: fn, done: make(chan error, 1)}
	s.pending.Add(1)
	defer s.pending.Add(-1)
	select {
	case s.calls <- c:
	case <-s.closing:
		return ErrStoreClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	var err error
	select {
	case err = <-c.done:
	case <-s.committerDone:
		// Queued while Close ran: the committer's last drain either ran
		// this call (its result is already in done) or had finished, and
		// then nothing will.
		select {
		case err = <-c.done:
		default:
			return ErrStoreClosed
		}
	}
	if err == nil {
		s.batched.Add(1)
	}
	return err
}

// committer is the one goroutine that runs batches.
func (s *Store) committer() {
	defer close(s.committerDone)
	calls := make([]*batchCall, 0, s.maxBatch)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		var first *batchCall
		select {
		case first = <-s.calls:
		case <-s.closing:
			// Run what is still queued, then stop.
			for {
				select {
				case c := <-s.calls:
					s.run([]*batchCall{c})
				default:
					return
				}
			}
		}
		calls = append(calls[:0], first)
		var window <-chan time.Time
	gather:
		for len(calls) < s.maxBatch {
			select {
			case c := <-s.calls:
				calls = append(calls, c)
				continue
			default:
			}
			if s.batchDelay <= 0 {
				break gather
			}
			if window == nil {
				timer.Reset(s.batchDelay)
				window = timer.C
			}
			select {
			case c := <-s.calls:
				calls = append(calls, c)
			case <-window:
				break gather
			}
		}
		if window != nil {
			timer.Stop()
		}
		s.run(calls)
	}
}

// run commits calls in one transaction; a call that fails is taken out and
// run alone, and the others retried together.
func (s *Store) run(calls []*batchCall) {
	for len(calls) > 0 {
		failed := -1
		start := time.Now()
		err := s.db.Update(func(tx *bolt.Tx) error {
			t := &Tx{tx: tx}
			for i, c := range calls {
				if err := safely(c.fn, t); err != nil {
					failed = i
					return err
				}
			}
			return nil
		})
		if failed < 0 {
			if err == nil {
				s.commits.Add(1)
				if s.onCommit != nil {
					s.onCommit(len(calls), time.Since(start))
				}
			}
			for _, c := range calls {
				c.done <- err
			}
			return
		}
		c := calls[failed]
		calls = append(calls[:failed:failed], calls[failed+1:]...)
		c.done <- s.db.Update(func(tx *bolt.Tx) error { return safely(c.fn, &Tx{tx: tx}) })
	}
}

func safely(fn func(*Tx) error, t *Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = errPanicked{p}
		}
	}()
	return fn(t)
}

// Queued returns how many operations wait for their commit, including
// those blocked because the committer's queue is full: how far the store is
// behind, for overload control.
func (s *Store) Queued() int { return int(s.pending.Load()) }
