package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Options tune how the file is opened and how writes are grouped.
type Options struct {
	// LockTimeout bounds the wait for bbolt's exclusive file lock; another
	// process holding it gives ErrLocked. Default 1s.
	LockTimeout time.Duration
	// MaxBatchSize bounds how many concurrent operations one commit
	// carries (group commit, batch.go); MaxBatchDelay is how long, counted
	// from its first operation, a commit smaller than that may wait for more
	// once nothing else is queued (0: it does not wait). Defaults 1000 and 0
	// (see BENCHMARKS.md).
	MaxBatchSize  int
	MaxBatchDelay time.Duration
	// ReadOnly opens the file with a shared lock (backup, audit of a copy).
	ReadOnly bool
	Logger   *slog.Logger
	// OnCommit, when set, is told the size and duration of each group
	// commit (for metrics); it runs on the committer, so it must be quick.
	OnCommit func(ops int, d time.Duration)
	// CheckpointInterval is how long answered batches may stay in the
	// journal only before the bbolt file gets them (batch.go); a View or an
	// Update checkpoints at once. CheckpointBytes bounds the journal's
	// records between checkpoints (and so the replay at the next Open).
	// Defaults 250 ms and 8 MiB.
	CheckpointInterval time.Duration
	CheckpointBytes    int64
	// OnCheckpoint, when set, is told how many journal records each
	// checkpoint carried to the file and how long it took (the committer
	// waits for it); it runs on the committer, so it must be quick.
	OnCheckpoint func(records int, d time.Duration)
}

// Defaults, chosen by the benchmarks in servicelogic/prepaid.
const (
	DefaultLockTimeout   = time.Second
	DefaultMaxBatchSize  = 1000
	DefaultMaxBatchDelay = 0

	// 250 ms: checkpoints every 100 ms gave a worse p99 per operation in
	// BenchmarkPairs (each pauses the committer for milliseconds), and
	// the call-path figures did not change between 100 and 300 ms.
	DefaultCheckpointInterval = 250 * time.Millisecond
	DefaultCheckpointBytes    = 8 << 20
)

// Store is an open scpd database. It is safe for concurrent use.
type Store struct {
	db   *bolt.DB
	path string
	log  *slog.Logger

	batched atomic.Uint64 // calls to Batch that committed
	commits atomic.Uint64 // write transactions that carried them
	pending atomic.Int64  // calls to Batch not yet answered, queued or blocked

	maxBatch      int
	batchDelay    time.Duration
	onCommit      func(int, time.Duration)
	calls         chan *batchCall
	closing       chan struct{}
	closeOnce     sync.Once
	committerDone chan struct{}
	closeErr      error // the last checkpoint's, set by the committer before it ends
	readOnly      bool

	// The journal (journal.go) and what the committer keeps with it; cur,
	// records and seq belong to the committer goroutine.
	journal *journal
	cur     *bolt.Tx // file + records: everything answered
	records [][]byte // journaled since the last checkpoint, in order
	seq     uint64   // number of the last journal record
	overlay atomic.Pointer[overlay]
	dirty   atomic.Bool // records not in the file yet
	handed  int64       // record bytes handed to the syncer since the checkpoint
	// recPerCall is the last record's size per call: the next record is
	// made that big at once instead of growing through copies.
	recPerCall int
	ckptReq    chan checkpointRequest
	// The syncer (batch.go) writes the records to the journal.
	syncq          chan *syncItem
	syncerDone     chan struct{}
	syncBuf        []byte
	syncMu         sync.Mutex
	syncErr        error         // a journal write failed: records from syncFrom on are refused
	syncFrom       uint64        // until the committer has taken them out
	needCheckpoint bool          // after a journal failure: before any new record
	refused        []*syncItem   // their answer waits for that checkpoint
	syncFailed     chan struct{} // wakes the committer for it
	ckptInterval   time.Duration
	ckptBytes      int64
	onCkpt         func(int, time.Duration)
	ckptCount      atomic.Uint64
	ckptNanos      atomic.Int64
	jWrites        atomic.Uint64
}

// Open opens (creating if needed, mode 0600) the database at path, initialises
// or migrates its schema, and refuses a schema newer than this build knows.
func Open(path string, opts Options) (*Store, error) {
	if opts.LockTimeout <= 0 {
		opts.LockTimeout = DefaultLockTimeout
	}
	if opts.MaxBatchSize <= 0 {
		opts.MaxBatchSize = DefaultMaxBatchSize
	}
	if opts.MaxBatchDelay < 0 {
		opts.MaxBatchDelay = DefaultMaxBatchDelay
	}
	if opts.CheckpointInterval <= 0 {
		opts.CheckpointInterval = DefaultCheckpointInterval
	}
	if opts.CheckpointBytes <= 0 {
		opts.CheckpointBytes = DefaultCheckpointBytes
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("store: open %s: %w: not a regular file", path, ErrNotDatabase)
	} else if err != nil && opts.ReadOnly {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout: opts.LockTimeout,
		// The freelist is rebuilt by a scan at open instead of being written at
		// every commit: fewer pages per commit. Data is still fsynced.
		NoFreelistSync: true,
		FreelistType:   bolt.FreelistMapType,
		// A large initial map avoids remapping (which blocks readers) as the file grows.
		InitialMmapSize: 1 << 30,
		ReadOnly:        opts.ReadOnly,
	})
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, fmt.Errorf("store: open %s: %w", path, ErrLocked)
		}
		// bbolt's words for a file that is not one of its own ("invalid
		// database", "file size too small 3449") name no file and no remedy.
		if errors.Is(err, bolterrors.ErrInvalid) || errors.Is(err, bolterrors.ErrVersionMismatch) ||
			errors.Is(err, bolterrors.ErrChecksum) || strings.HasPrefix(err.Error(), "file size too small") {
			return nil, fmt.Errorf("store: open %s: %w: the wrong file, or its header is damaged (bbolt: %v)", path, ErrNotDatabase, err)
		}
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	s := &Store{db: db, path: path, log: opts.Logger, maxBatch: opts.MaxBatchSize, batchDelay: opts.MaxBatchDelay, onCommit: opts.OnCommit,
		calls: make(chan *batchCall, 4*opts.MaxBatchSize), closing: make(chan struct{}), committerDone: make(chan struct{}),
		ckptReq: make(chan checkpointRequest), ckptInterval: opts.CheckpointInterval, ckptBytes: opts.CheckpointBytes, onCkpt: opts.OnCheckpoint}
	if opts.ReadOnly {
		err = db.View(func(tx *bolt.Tx) error { _, err := checkSchema(tx); return err })
		if err == nil {
			err = s.checkJournalApplied()
		}
	} else {
		err = db.Update(func(tx *bolt.Tx) error { return migrate(tx, s.log) })
		if err == nil {
			err = s.recover()
		}
	}
	s.overlay.Store(newOverlay(s.seq, nil))
	s.readOnly = opts.ReadOnly
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if err := s.releaseMappedPages(); err != nil {
		s.log.Warn("database pages read at open stay mapped", "err", err)
	}
	if opts.ReadOnly {
		close(s.committerDone)
	} else {
		s.syncq, s.syncerDone, s.syncFailed = make(chan *syncItem, 64), make(chan struct{}), make(chan struct{}, 1)
		go s.syncer()
		go s.committer()
	}
	return s, nil
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Close finishes the queued batches, checkpoints and closes the file,
// releasing its lock. An error means the last checkpoint failed: the
// journal still holds what it did not carry and the next Open applies it.
func (s *Store) Close() error {
	s.closeOnce.Do(func() { close(s.closing) })
	<-s.committerDone
	err := s.closeErr
	if s.journal != nil {
		if jerr := s.journal.close(); err == nil {
			err = jerr
		}
	}
	if derr := s.db.Close(); err == nil {
		err = derr
	}
	return err
}

// Tx is a bbolt transaction with scpd's typed accessors.
type Tx struct {
	tx      *bolt.Tx
	rec     *redo                         // the committer's: changes go to the journal
	ov      *overlay                      // ViewRecent's: journaled values not in the file yet
	buckets [len(allBuckets)]*bolt.Bucket // looked up once per Tx
	gets    [len(allBuckets)]*bolt.Cursor // bucket.Get's, one per bucket and Tx
}

// View runs fn in a read-only transaction: a consistent snapshot that holds
// every batch answered before View was called (it checkpoints first when
// the journal holds batches the file does not have yet).
func (s *Store) View(fn func(*Tx) error) error {
	if err := s.syncFile(); err != nil {
		return err
	}
	return s.db.View(func(tx *bolt.Tx) error { return fn(&Tx{tx: tx}) })
}

// ViewRecent runs fn in a read-only transaction without waiting for a
// checkpoint, for the call path: Get sees every answered batch, while
// ForEach and cursors see the file as of the last checkpoint, which has
// every Update (subscribers, groups, tariffs) but may miss up to
// CheckpointInterval of batches (balances, reservations, ledger, CDRs).
func (s *Store) ViewRecent(fn func(*Tx) error) error {
	ov := s.overlay.Load() // before the snapshot: see overlay.go
	return s.db.View(func(tx *bolt.Tx) error {
		if fileSeq(tx) != ov.base {
			ov = nil
		}
		return fn(&Tx{tx: tx, ov: ov})
	})
}

// Update runs fn alone in a durable read-write transaction and returns once
// the file has it (a checkpoint), so that every later read, cursors in
// ViewRecent included, sees it. Should that checkpoint fail (logged), the
// change is still durable in the journal and Update returns nil: View's
// and the next checkpoints carry it to the file. fn must not call the
// Store's methods (see Batch).
func (s *Store) Update(fn func(*Tx) error) error {
	return s.queue(context.Background(), &batchCall{fn: fn, done: make(chan error, 1), checkpoint: true})
}

// JournalStats counts the journal's work since Open.
type JournalStats struct {
	Checkpoints    uint64        // bbolt commits carrying journal records into the file
	CheckpointTime time.Duration // the committer's time in them
	Writes         uint64        // journal writes, one fdatasync each
}

// JournalStats reports the journal's counters.
func (s *Store) JournalStats() JournalStats {
	return JournalStats{Checkpoints: s.ckptCount.Load(), CheckpointTime: time.Duration(s.ckptNanos.Load()),
		Writes: s.jWrites.Load()}
}

// BatchStats reports how many Batch calls committed and in how many write
// transactions: their ratio is the mean batch size.
func (s *Store) BatchStats() (calls, commits uint64) { return s.batched.Load(), s.commits.Load() }

func (t *Tx) bucket(b bucketID) bucket {
	if t.buckets[b] == nil {
		t.buckets[b] = boltBucket(t.tx, b)
	}
	return bucket{b: t.buckets[b], id: b, rec: t.rec, ov: t.ov, get: &t.gets[b]}
}

// Stats returns bbolt's counters (commits, pages written, time spent
// writing), for metrics and tuning.
func (s *Store) Stats() bolt.Stats { return s.db.Stats() }
