package store

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
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
}

// Defaults, chosen by the benchmarks in servicelogic/prepaid.
const (
	DefaultLockTimeout   = time.Second
	DefaultMaxBatchSize  = 1000
	DefaultMaxBatchDelay = 0
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
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.ReadOnly {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("store: open %s: %w", path, err)
		}
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
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	s := &Store{db: db, path: path, log: opts.Logger, maxBatch: opts.MaxBatchSize, batchDelay: opts.MaxBatchDelay, onCommit: opts.OnCommit,
		calls: make(chan *batchCall, 4*opts.MaxBatchSize), closing: make(chan struct{}), committerDone: make(chan struct{})}
	if opts.ReadOnly {
		err = db.View(func(tx *bolt.Tx) error { _, err := checkSchema(tx); return err })
	} else {
		err = db.Update(func(tx *bolt.Tx) error { return migrate(tx, s.log) })
	}
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
		go s.committer()
	}
	return s, nil
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Close finishes the queued batches and closes the file, releasing its lock.
func (s *Store) Close() error {
	s.closeOnce.Do(func() { close(s.closing) })
	<-s.committerDone
	return s.db.Close()
}

// Tx is a bbolt transaction with scpd's typed accessors.
type Tx struct {
	tx      *bolt.Tx
	buckets [len(allBuckets)]*bolt.Bucket // looked up once per Tx
}

// View runs fn in a read-only transaction: a consistent snapshot.
func (s *Store) View(fn func(*Tx) error) error {
	return s.db.View(func(tx *bolt.Tx) error { return fn(&Tx{tx: tx}) })
}

// Update runs fn in its own durable read-write transaction.
func (s *Store) Update(fn func(*Tx) error) error {
	return s.db.Update(func(tx *bolt.Tx) error { return fn(&Tx{tx: tx}) })
}

// BatchStats reports how many Batch calls committed and in how many write
// transactions: their ratio is the mean batch size.
func (s *Store) BatchStats() (calls, commits uint64) { return s.batched.Load(), s.commits.Load() }

func (t *Tx) bucket(b bucketID) *bolt.Bucket {
	if t.buckets[b] == nil {
		t.buckets[b] = t.tx.Bucket(allBuckets[b])
	}
	return t.buckets[b]
}

// Stats returns bbolt's counters (commits, pages written, time spent
// writing), for metrics and tuning.
func (s *Store) Stats() bolt.Stats { return s.db.Stats() }
