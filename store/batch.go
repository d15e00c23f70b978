package store

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Group commit. One goroutine, the committer, owns the write transaction:
// it takes every call that is waiting, runs them one after the other and
// hands the batch's changes, one redo record, to the syncer. The syncer
// writes every record waiting to the journal (journal.go) with one
// fdatasync and then answers their callers, in order. While a write is on
// the disk the committer runs the next batches and the records queue, so
// writes grow with the load by themselves and a lone call is written at
// once.
//
// The committer's bbolt transaction stays open across batches until the
// next checkpoint commits it to the file: after CheckpointInterval, when
// the journal holds CheckpointBytes, for an Update, for a View that must
// see everything, and at Close.

// batchCall is one caller's work and where its result goes.
type batchCall struct {
	fn   func(*Tx) error
	done chan error
	// checkpoint: the caller returns only once the file itself has the
	// change (Update), not just the journal.
	checkpoint bool
	err        error // fn's result, set by the committer
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
// a business refusal: an error after fn has written undoes the whole batch,
// after which the others run again together and the failing call alone.
// fn must not call the Store's View, Update or Batch: the committer runs fn
// and would wait for itself. Once queued the work is not abandoned, so ctx
// is only checked before.
func (s *Store) Batch(ctx context.Context, fn func(*Tx) error) error {
	return s.queue(ctx, &batchCall{fn: fn, done: make(chan error, 1)})
}

func (s *Store) queue(ctx context.Context, c *batchCall) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.readOnly {
		return fmt.Errorf("store: write to %s: %w", s.path, bolterrors.ErrDatabaseReadOnly)
	}
	select {
	case <-s.closing:
		return ErrStoreClosed
	default:
	}
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
	if err == nil && !c.checkpoint {
		s.batched.Add(1) // BatchStats: an Update is not a Batch call
	}
	return err
}

// checkpointRequest asks the committer to bring the file up to date.
type checkpointRequest chan error

// syncFile makes the bbolt file hold every answered batch (View's promise).
func (s *Store) syncFile() error {
	if !s.dirty.Load() {
		return nil
	}
	req := make(checkpointRequest, 1)
	select {
	case s.ckptReq <- req:
	case <-s.committerDone:
		return nil // Close checkpointed
	}
	select {
	case err := <-req:
		return err
	case <-s.committerDone:
		return nil
	}
}

// committer is the one goroutine that runs batches and checkpoints.
func (s *Store) committer() {
	defer close(s.committerDone)
	calls := make([]*batchCall, 0, s.maxBatch)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	ckpt := time.NewTimer(time.Hour)
	ckpt.Stop()
	for {
		var first *batchCall
		select {
		case first = <-s.calls:
		case req := <-s.ckptReq:
			req <- s.checkpoint()
			continue
		case <-ckpt.C:
			if err := s.checkpoint(); err != nil {
				s.log.Error("store checkpoint failed", "err", err)
				ckpt.Reset(s.ckptInterval) // the records wait in the journal: try again
			}
			continue
		case <-s.syncFailed:
			if err := s.recoverSyncFailure(); err != nil {
				s.log.Error("store checkpoint failed", "err", err)
			}
			continue
		case <-s.closing:
			// Run what is still queued, then stop.
			for {
				select {
				case c := <-s.calls:
					s.run([]*batchCall{c})
				default:
					if err := s.checkpoint(); err != nil {
						s.closeErr = err
					} else if err := s.journal.clear(); err != nil {
						// Emptied because the file has it all: a backup copied
						// over the file must not find this history (recover).
						s.closeErr = err
					}
					close(s.syncq) // checkpoint drained it
					<-s.syncerDone
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
		wasDirty := s.owesCheckpoint()
		s.run(calls)
		if !wasDirty && s.owesCheckpoint() {
			ckpt.Reset(s.ckptInterval)
		}
		if !s.owesCheckpoint() {
			ckpt.Stop()
		}
	}
}

// owesCheckpoint tells whether the file lacks records the journal has, or
// a journal failure's numbers (needCheckpoint): the timer must run.
func (s *Store) owesCheckpoint() bool { return len(s.records) > 0 || s.needCheckpoint }

// run makes calls durable together; a call whose function fails after
// writing is taken out, the others run again together and it runs alone.
func (s *Store) run(calls []*batchCall) {
	// An Update runs alone, after the others: its function runs once.
	shared := calls[:0:0]
	var alone []*batchCall
	for _, c := range calls {
		if c.checkpoint {
			alone = append(alone, c)
		} else {
			shared = append(shared, c)
		}
	}
	if len(alone) > 0 {
		if len(shared) > 0 {
			s.run(shared)
		}
		for _, c := range alone {
			s.runBatch([]*batchCall{c})
		}
		return
	}
	failed := s.runBatch(calls)
	if failed < 0 {
		return
	}
	rest := make([]*batchCall, 0, len(calls)-1)
	for i, c := range calls {
		if i != failed {
			rest = append(rest, c)
		}
	}
	if len(rest) > 0 {
		s.run(rest)
	}
	s.runBatch(calls[failed : failed+1]) // alone, it is always answered
}

// runBatch runs calls in the committer's transaction and hands them, with
// their record, to the syncer, which answers them in order once the record
// is on the disk: an answer, even an error, may rest on an earlier batch's
// writes, so none goes out before those are durable. It returns -1 when
// every call was handed on, or the index of a call whose function failed
// after writing when there were others: the transaction is then back where
// it was before the batch and none of calls was answered.
func (s *Store) runBatch(calls []*batchCall) int {
	start := time.Now()
	if s.handed >= s.ckptBytes {
		// The journal is full enough: its records go to the file first.
		// If that fails the journal grows on, and the next batch tries again.
		if err := s.checkpoint(); err != nil {
			s.log.Error("store checkpoint failed", "err", err)
		}
	}
	err := s.recoverSyncFailure()
	if err == nil {
		err = s.begin()
	}
	if err != nil {
		for _, c := range calls {
			c.done <- err
		}
		return -1
	}
	rec := &redo{b: make([]byte, 0, min(s.recPerCall*len(calls), 1<<20))}
	t := &Tx{tx: s.cur, rec: rec}
	ran, checkpoint := 0, false
	for i, c := range calls {
		before := rec.writes
		c.err = safely(c.fn, t)
		if c.err != nil && rec.writes != before {
			// Undo the batch: begin rebuilds the transaction.
			s.rollback()
			if len(calls) > 1 {
				return i
			}
			break
		}
		if len(rec.b) > journalMaxRecord {
			// Recovery would not read the record back: this call runs
			// alone, and is refused if it is too big by itself.
			s.rollback()
			if len(calls) > 1 {
				return i
			}
			c.err = fmt.Errorf("store: %w: one operation writes %d bytes, over the journal's %d a commit", ErrJournal, len(rec.b), journalMaxRecord)
			break
		}
		if c.err == nil {
			ran++
		}
		checkpoint = checkpoint || c.checkpoint
	}
	if len(calls) > 0 {
		s.recPerCall = len(rec.b)/len(calls) + 1
	}
	it := &syncItem{start: start, ran: ran, calls: append([]*batchCall(nil), calls...)}
	if len(rec.b) > 0 && s.cur != nil {
		s.seq++
		it.seq, it.rec = s.seq, rec.b
		s.records = append(s.records, rec.b)
		s.handed += int64(len(rec.b))
		s.dirty.Store(true)
	}
	if !checkpoint {
		s.syncq <- it
		// Woken by the send, the syncer would wait in this processor's
		// next-to-run slot until the committer blocks, which under load is
		// after the next batch: the disk would idle meanwhile. Yielding
		// starts the write now (BENCHMARKS.md, store: +19 % pairs/s on
		// distinct accounts at the median of alternating runs).
		runtime.Gosched()
		return -1
	}
	// An Update (alone in its batch) is answered once the file has it.
	it.result = make(chan error, 1)
	s.syncq <- it
	err = <-it.result
	if err != nil {
		// As for other refused commits: not answered before the
		// checkpoint has passed the record's number.
		_ = s.recoverSyncFailure()
	}
	if err == nil && it.seq != 0 {
		if cerr := s.checkpoint(); cerr != nil {
			// The record is durable in the journal: the change is made and
			// the next checkpoint (or Open) carries it to the file.
			s.log.Error("store checkpoint failed", "err", cerr)
		}
	}
	for _, c := range it.calls {
		c.done <- answer(err, c)
	}
	return -1
}

// answer is what a call gets: the journal's failure, or its own result.
func answer(journalErr error, c *batchCall) error {
	if journalErr != nil {
		return journalErr
	}
	return c.err
}

// syncItem is one group commit on its way to the journal; the syncer
// handles them in order.
type syncItem struct {
	seq   uint64 // 0: nothing to write, only answers that must wait their turn
	rec   []byte
	calls []*batchCall
	start time.Time
	ran   int
	// result, when set, takes the outcome instead of the calls (Update).
	result chan error
	// barrier, when set, makes the item a marker closed once everything
	// handed before it is done.
	barrier chan struct{}
}

// syncer writes group commits' records to the journal, several to one
// fdatasync when they queue, and answers their callers once they are on
// the disk. The committer meanwhile runs the next batch: it sees this
// batch's writes, and its answers wait behind them here.
func (s *Store) syncer() {
	defer close(s.syncerDone)
	var batch []*syncItem
	for it := range s.syncq {
		batch = append(batch[:0], it)
	more:
		for len(batch) < cap(s.syncq) {
			select {
			case it, ok := <-s.syncq:
				if !ok {
					break more
				}
				batch = append(batch, it)
			default:
				break more
			}
		}
		s.sync(batch)
	}
}

func (s *Store) sync(batch []*syncItem) {
	err := s.syncFailure()
	if err == nil {
		s.syncBuf = s.syncBuf[:0]
		first := uint64(0)
		for _, it := range batch {
			if it.seq != 0 {
				if first == 0 {
					first = it.seq
				}
				s.syncBuf = appendJournalRecord(s.syncBuf, it.seq, it.rec)
			}
		}
		if len(s.syncBuf) > 0 {
			if err = s.journal.write(s.syncBuf, first); err != nil {
				s.failSync(first, err)
				err = s.syncFailure()
			} else {
				ov := s.overlay.Load()
				s.jWrites.Add(1)
				for _, it := range batch {
					if it.seq != 0 {
						ov.add(it.rec)
					}
				}
			}
		}
	}
	for _, it := range batch {
		switch {
		case it.barrier != nil:
			close(it.barrier)
			continue
		case it.result != nil:
			it.result <- err
			continue
		case err != nil:
			// Not answered yet: the records may have reached the page cache
			// and come back at the next Open until the committer's
			// checkpoint has passed their numbers (recoverSyncFailure).
			s.syncMu.Lock()
			s.refused = append(s.refused, it)
			s.syncMu.Unlock()
			select {
			case s.syncFailed <- struct{}{}:
			default:
			}
			continue
		}
		if err == nil && it.ran > 0 {
			s.commits.Add(1)
			if s.onCommit != nil {
				s.onCommit(it.ran, time.Since(it.start))
			}
		}
		for _, c := range it.calls {
			c.done <- answer(err, c)
		}
	}
}

// syncFailure is the journal error that every record from the failed one
// on gets, until the committer has taken them out (recoverSyncFailure).
func (s *Store) syncFailure() error {
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	return s.syncErr
}

func (s *Store) failSync(seq uint64, err error) {
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	s.syncErr, s.syncFrom = fmt.Errorf("store: %w", err), seq
}

// drainSyncer waits until the syncer has handled everything handed to it.
func (s *Store) drainSyncer() {
	b := make(chan struct{})
	s.syncq <- &syncItem{barrier: b}
	<-b
}

// recoverSyncFailure, on the committer, takes the records the journal did
// not get out of the transaction after a failed journal write. Their
// numbers are not used again: the checkpoint that follows stores the last
// of them, so that whatever reached the journal of them can never be taken
// for a record of the next round.
func (s *Store) recoverSyncFailure() error {
	if s.syncFailure() == nil && !s.needCheckpoint {
		return nil
	}
	s.drainSyncer()
	s.syncMu.Lock()
	from, failed := s.syncFrom, s.syncErr
	s.syncMu.Unlock()
	var refused []*syncItem
	if failed != nil {
		keep := len(s.records) - int(s.seq-from+1)
		s.records = s.records[:max(keep, 0)]
		s.rollback()
		s.needCheckpoint = true
		s.syncMu.Lock()
		s.syncErr, refused, s.refused = nil, s.refused, nil
		s.syncMu.Unlock()
		s.log.Error("store journal write failed: the commits from it on are refused", "from", from, "err", failed)
	}
	err := s.checkpoint()
	if err != nil && len(refused) > 0 {
		s.log.Error("store checkpoint after a journal failure failed too: the refused commits may still be applied at the next start", "err", err)
	}
	for _, it := range refused {
		for _, c := range it.calls {
			c.done <- failed
		}
	}
	return err
}

// begin opens the committer's transaction if none is open: the file as of
// the last checkpoint plus every journaled record since, so that whatever
// was thrown away (a failed batch, a failed checkpoint) the transaction
// holds exactly what has been answered.
func (s *Store) begin() error {
	if s.cur != nil {
		return nil
	}
	tx, err := s.db.Begin(true)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	for i, rec := range s.records {
		if err := applyRedo(tx, rec); err != nil {
			// Cannot happen with records this process wrote; if it does,
			// the journal still has them and the next Open applies them.
			_ = tx.Rollback()
			return fmt.Errorf("store: reapply journal record %d of %d since the checkpoint: %w", i+1, len(s.records), err)
		}
	}
	s.cur = tx
	return nil
}

// rollback throws the committer's transaction away; the next begin
// rebuilds it.
func (s *Store) rollback() {
	if s.cur != nil {
		_ = s.cur.Rollback()
		s.cur = nil
	}
}

// checkpoint commits the committer's transaction to the bbolt file (two
// fdatasyncs), after which the journal starts again.
func (s *Store) checkpoint() error {
	if len(s.records) == 0 && !s.needCheckpoint {
		s.rollback() // read-only or refused batches only
		return nil
	}
	s.drainSyncer() // the file must not get a record the journal has not
	if s.syncFailure() != nil {
		return s.recoverSyncFailure()
	}
	if err := s.begin(); err != nil {
		return err
	}
	start := time.Now()
	err := s.cur.Bucket(allBuckets[bMeta]).Put(kJournal, binary64(s.seq))
	if err == nil {
		err = s.cur.Commit()
	} else {
		_ = s.cur.Rollback()
	}
	s.cur = nil
	if err != nil {
		// bbolt may report failure after the meta page was written (its
		// fdatasync): the file then shows s.seq. Readers must use an
		// overlay based on it; the records stay, the journal is not rewound.
		var shown uint64
		if s.db.View(func(tx *bolt.Tx) error { shown = fileSeq(tx); return nil }) == nil && shown == s.seq {
			s.overlay.Store(newOverlay(s.seq, s.overlay.Load()))
		}
		// The records are still in the journal and in s.records: the
		// next begin rebuilds the transaction, the next checkpoint tries
		// again.
		return fmt.Errorf("store: checkpoint of journal records up to %d: %w", s.seq, err)
	}
	took := time.Since(start)
	s.ckptCount.Add(1)
	s.ckptNanos.Add(took.Nanoseconds())
	if s.onCkpt != nil {
		s.onCkpt(len(s.records), took)
	}
	s.records, s.handed, s.needCheckpoint = nil, 0, false
	s.journal.rewind()
	s.overlay.Store(newOverlay(s.seq, s.overlay.Load()))
	s.dirty.Store(false)
	return nil
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
