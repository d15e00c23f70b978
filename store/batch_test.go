package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// holdCommitter queues a call whose function blocks the committer inside its
// write transaction until the returned release is called, so that the calls
// a test queues meanwhile are all waiting when the next batch is gathered.
func holdCommitter(t *testing.T, st *Store) (release func(), done <-chan error) {
	t.Helper()
	entered, unblock := make(chan struct{}), make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		errc <- st.Batch(context.Background(), func(*Tx) error {
			select {
			case <-entered:
			default:
				close(entered)
			}
			<-unblock
			return nil
		})
	}()
	<-entered
	var once sync.Once
	return func() { once.Do(func() { close(unblock) }) }, errc
}

// waitQueued waits until n calls wait for their commit.
func waitQueued(t *testing.T, st *Store, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for st.Queued() < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d calls queued, want %d", st.Queued(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func createAccountFn(id string) func(*Tx) error {
	return func(tx *Tx) error {
		_, err := tx.CreateAccount(Account{ID: id, Currency: "EUR", Opening: 100}, t0)
		return err
	}
}

func openWith(t *testing.T, opts Options) *Store {
	t.Helper()
	opts.Logger = quiet
	st, err := Open(filepath.Join(t.TempDir(), "scpd.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// A call that fails rolls back the batch it was in; it then runs alone and
// fails alone, and the others commit together without it.
func TestBatchFailureRollsBackOnlyItsOwnCall(t *testing.T) {
	for _, how := range []string{"error", "panic"} {
		t.Run(how, func(t *testing.T) {
			st := openWith(t, Options{})
			release, held := holdCommitter(t, st)
			const n = 20
			var runs [n]atomic.Int32
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					id := fmt.Sprintf("A%02d", i)
					errs[i] = st.Batch(context.Background(), func(tx *Tx) error {
						runs[i].Add(1)
						if err := createAccountFn(id)(tx); err != nil {
							return err
						}
						if i == 7 { // wrote, then fails: its write must not stay
							if how == "panic" {
								panic("boom in call 7")
							}
							return errors.New("refused by call 7")
						}
						return nil
					})
				}()
				// One at a time: queue order is i. In the queue, not just
				// counted by Queued, which counts a call before its send.
				waitInQueue(t, st, i+1)
			}
			_, before := st.BatchStats()
			release()
			wg.Wait()
			if err := <-held; err != nil {
				t.Fatal(err)
			}
			for i, err := range errs {
				switch {
				case i == 7 && how == "error" && (err == nil || err.Error() != "refused by call 7"):
					t.Errorf("call 7: %v, want its own error", err)
				case i == 7 && how == "panic" && (err == nil || !strings.Contains(err.Error(), "panicked: boom in call 7")):
					t.Errorf("call 7: %v, want the panic as an error", err)
				case i != 7 && err != nil:
					t.Errorf("call %d: %v", i, err)
				}
			}
			// Calls before 7 ran in the failed batch and in the retry; 7 in
			// the batch and alone; those after it only in the retry.
			for i := range n {
				want := int32(2)
				if i > 7 {
					want = 1
				}
				if got := runs[i].Load(); got != want {
					t.Errorf("call %d ran %d times, want %d", i, got, want)
				}
			}
			_, after := st.BatchStats()
			if after-before != 2 {
				t.Errorf("%d commits after the held one for the 19 good calls, want 1 (the failing one does not commit)", after-before-1)
			}
			err := st.View(func(tx *Tx) error {
				accts, err := tx.Accounts()
				if len(accts) != n-1 {
					t.Errorf("%d accounts, want %d", len(accts), n-1)
				}
				if _, err := tx.Account("A07"); !errors.Is(err, ErrNotFound) {
					t.Errorf("A07 written by the failed call: %v", err)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			// The committer is still there.
			if err := st.Batch(context.Background(), createAccountFn("after")); err != nil {
				t.Fatal(err)
			}
			if rep, err := st.Audit(); err != nil || !rep.OK() {
				t.Fatalf("audit: %+v %v", rep, err)
			}
		})
	}
}

// What waits while a commit is on the disk goes into the next commit, up to
// MaxBatchSize operations each.
func TestBatchGroupsWaitingCalls(t *testing.T) {
	// max=10 queues no more than the committer's queue holds (4 times
	// MaxBatchSize): a call beyond that may still be on its way to its send,
	// not blocked in it, when the committer gathers, and commit later alone.
	// max=1 commits each call alone however they arrive.
	for _, tc := range []struct{ size, calls, commits int }{{1000, 50, 1}, {10, 40, 4}, {1, 5, 5}} {
		t.Run(fmt.Sprintf("max=%d", tc.size), func(t *testing.T) {
			st := openWith(t, Options{MaxBatchSize: tc.size})
			release, held := holdCommitter(t, st)
			var wg sync.WaitGroup
			for i := range tc.calls {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if err := st.Batch(context.Background(), createAccountFn(fmt.Sprintf("A%03d", i))); err != nil {
						t.Error(err)
					}
				}()
			}
			waitQueued(t, st, tc.calls+1)
			// Queued counts a call before it is in the committer's queue;
			// one not in it yet when the committer gathers goes later.
			for deadline := time.Now().Add(10 * time.Second); len(st.calls) < min(tc.calls, cap(st.calls)); {
				if time.Now().After(deadline) {
					t.Fatalf("%d calls in the committer's queue, want %d", len(st.calls), min(tc.calls, cap(st.calls)))
				}
				time.Sleep(time.Millisecond)
			}
			_, before := st.BatchStats()
			release()
			wg.Wait()
			<-held
			calls, after := st.BatchStats()
			// after-before counts the held call's commit too.
			if int(after-before) != tc.commits+1 || int(calls) != tc.calls+1 {
				t.Errorf("%d calls in %d commits, want %d in %d", calls-1, after-before-1, tc.calls, tc.commits)
			}
		})
	}
}

// MaxBatchDelay bounds how long a commit waits for more calls, counted from
// the first call of the batch: a steady trickle of calls is committed every
// window, not held back while each arrives within the delay of the last.
func TestBatchDelayIsAWindow(t *testing.T) {
	const delay = 150 * time.Millisecond
	// Two calls 30 ms apart share one commit. The delay is long, so that no
	// stall of a loaded machine closes the window before the second call,
	// which fills the batch.
	pair := openWith(t, Options{MaxBatchDelay: time.Minute, MaxBatchSize: 2})
	_, before := pair.BatchStats()
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := pair.Batch(context.Background(), createAccountFn(fmt.Sprintf("P%d", i))); err != nil {
				t.Error(err)
			}
		}()
		time.Sleep(30 * time.Millisecond)
	}
	wg.Wait()
	if _, after := pair.BatchStats(); after-before != 1 {
		t.Errorf("two calls 30 ms apart with a one-minute delay: %d commits, want 1", after-before)
	}
	// Calls 50 ms apart: a delay restarted by every arrival would hold them
	// all for one commit while they keep coming; the window commits at least
	// every 150 ms (plus the commit itself). They keep coming until the
	// third commit, so that a stall, which puts more calls in one commit,
	// cannot fail the test; 100 calls (5 s) without it do.
	st := openWith(t, Options{MaxBatchDelay: delay})
	_, before = st.BatchStats()
	for i := 0; ; i++ {
		_, after := st.BatchStats()
		if after-before > 2 {
			break
		}
		if i == 100 {
			t.Errorf("%d calls 50 ms apart with a %v window: %d commits, want more than 2", i, delay, after-before)
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := st.Batch(context.Background(), createAccountFn(fmt.Sprintf("T%02d", i))); err != nil {
				t.Error(err)
			}
		}()
		time.Sleep(50 * time.Millisecond)
	}
	wg.Wait()
}

// Close commits what is queued; after it Batch refuses. A cancelled context
// keeps a call from being queued at all.
func TestBatchCloseAndCancel(t *testing.T) {
	st := openWith(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	if err := st.Batch(ctx, func(*Tx) error { ran = true; return nil }); !errors.Is(err, context.Canceled) || ran {
		t.Fatalf("cancelled: %v, ran %v", err, ran)
	}

	release, held := holdCommitter(t, st)
	const n = 10
	errs := make(chan error, n)
	for i := range n {
		go func() { errs <- st.Batch(context.Background(), createAccountFn(fmt.Sprintf("C%d", i))) }()
	}
	waitQueued(t, st, n+1)
	waitInQueue(t, st, n) // a call still on its way to the queue may be refused
	closed := make(chan error, 1)
	go func() { closed <- st.Close() }()
	<-st.closing // Close has started and waits on the committer
	release()
	for range n {
		if err := <-errs; err != nil {
			t.Errorf("queued before Close: %v", err)
		}
	}
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	late := make(chan error, 1)
	go func() { late <- st.Batch(context.Background(), createAccountFn("late")) }()
	select {
	case err := <-late:
		if !errors.Is(err, ErrStoreClosed) {
			t.Fatalf("after Close: %v, want ErrStoreClosed", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Batch after Close still waiting after 10 s: queued for a committer that has stopped")
	}
	ro, err := Open(st.Path(), Options{ReadOnly: true, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if err := ro.View(func(tx *Tx) error {
		accts, err := tx.Accounts()
		if len(accts) != n {
			t.Errorf("%d accounts after Close, want the %d queued", len(accts), n)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// BatchStats counts Batch calls and the group commits that carried them: an
// Update (committed alone, with a checkpoint) is neither, so that the ratio
// stays the mean batch size (`scpd status`, the metrics).
func TestBatchStatsCountBatchCallsOnly(t *testing.T) {
	st := openWith(t, Options{})
	if err := st.Update(createAccountFn("U1")); err != nil {
		t.Fatal(err)
	}
	if calls, commits := st.BatchStats(); calls != 0 || commits != 0 {
		t.Errorf("after an Update: %d calls in %d commits, want 0 in 0", calls, commits)
	}
	if err := st.Batch(context.Background(), createAccountFn("B1")); err != nil {
		t.Fatal(err)
	}
	if calls, commits := st.BatchStats(); calls != 1 || commits != 1 {
		t.Errorf("after a Batch: %d calls in %d commits, want 1 in 1", calls, commits)
	}
}
