package store

import (
	"reflect"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// metaSyncFault makes the next bbolt commit fail the way a failed fdatasync
// of the meta page does: the meta page's pwrite succeeds (it is in the page
// cache, the mmap shows it, the kernel writes it back), then bbolt's
// fdatasync returns an error (here EINVAL: the descriptor is swapped for a
// pipe between the two calls). restore puts the real descriptor back.
func metaSyncFault(t *testing.T, st *Store) (restore func()) {
	t.Helper()
	fd := jFdOf(t, st.path)
	saved, err := unix.Dup(fd)
	if err != nil {
		t.Fatal(err)
	}
	var p [2]int
	if err := unix.Pipe(p[:]); err != nil {
		t.Fatal(err)
	}
	f := reflect.ValueOf(st.db).Elem().FieldByName("ops").FieldByName("writeAt")
	ptr := (*func([]byte, int64) (int, error))(unsafe.Pointer(f.UnsafeAddr()))
	orig := *ptr
	pageSize := int64(st.db.Info().PageSize)
	var armed atomic.Bool
	armed.Store(true)
	*ptr = func(b []byte, off int64) (int, error) {
		n, err := orig(b, off)
		if err == nil && armed.Load() && off < 2*pageSize && int64(len(b)) == pageSize {
			armed.Store(false)
			if err := unix.Dup3(p[0], fd, unix.O_CLOEXEC); err != nil {
				t.Errorf("swap: %v", err)
			}
		}
		return n, err
	}
	done := false
	restore = func() {
		if done {
			return
		}
		done = true
		*ptr = orig
		if err := unix.Dup3(saved, fd, unix.O_CLOEXEC); err != nil {
			t.Errorf("restore: %v", err)
		}
		unix.Close(saved)
		unix.Close(p[0])
		unix.Close(p[1])
	}
	t.Cleanup(restore)
	return restore
}

// A checkpoint whose bbolt commit reports failure after the meta page was
// written (its fdatasync failed): the file shows every record, the store
// keeps them and does not rewind, and the next batch is appended behind
// them and answered. That batch was lost by a crash — the file said it held
// record N, the journal's round began below N+1 and the scan stopped at
// once — and ViewRecent dropped the overlay (its base no longer the
// file's), reading balances without it.
func TestJournalCheckpointFailingAfterItsMetaPage(t *testing.T) {
	path := jNewPath(t)
	st := jOpen(t, path, Options{CheckpointInterval: time.Hour})
	if err := st.Update(jCreate("A-1", 1000)); err != nil {
		t.Fatal(err)
	}
	jBatch(t, st, jRecharge("A-1", 10, "r1"))
	jBatch(t, st, jRecharge("A-1", 20, "r2"))

	restore := metaSyncFault(t, st)
	err := st.View(func(*Tx) error { return nil }) // checkpoint; its commit fails
	restore()
	if err == nil {
		t.Fatal("the checkpoint did not fail: the fault was not injected")
	}
	if got := jFileSeq(t, st); got != st.seq {
		t.Fatalf("file seq %d, store seq %d: the fault did not leave the meta page written", got, st.seq)
	}

	// Answered: durable in the journal, says the store.
	jBatch(t, st, jRecharge("A-1", 40, "r3"))

	// ViewRecent right after it: the call path's read.
	var recent Account
	if err := st.ViewRecent(func(tx *Tx) error { var err error; recent, err = tx.Account("A-1"); return err }); err != nil {
		t.Fatal(err)
	}
	if recent.Recharged != 70 {
		t.Errorf("ViewRecent after the answered recharge r3: recharged %d, want 70 (the overlay is ignored: file seq != overlay base)", recent.Recharged)
	}

	cp := crashCopy(t, path) // kill -9 here
	rec := jOpen(t, cp, Options{})
	a, _ := jAccount(t, rec, "A-1")
	if a.Recharged != 70 {
		t.Errorf("after kill -9: recharged %d, want 70: the answered recharge r3 is lost", a.Recharged)
	}
}
