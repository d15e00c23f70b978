package store

// Tests of the redo journal (journal.go, bucket.go, overlay.go, batch.go) on
// real files. A "crash copy" copies the database and its journal while the
// store is open and idle: what the page cache holds is what a kill -9 would
// leave behind, so opening the copy is a recovery after a crash.

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
	"golang.org/x/sys/unix"
)

// jOpen opens the database at path; the store is closed at the end of the
// test if the test did not close it.
func jOpen(t *testing.T, path string, opts Options) *Store {
	t.Helper()
	opts.Logger = quiet
	st, err := Open(path, opts)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func jNewPath(t *testing.T) string { return filepath.Join(t.TempDir(), "scpd.db") }

func jCopyFile(t *testing.T, from, to string) {
	t.Helper()
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}

// crashCopy copies the database at path and its journal (if any) to a new
// directory, as a kill -9 would leave them, and returns the copy's path.
// The store must be idle: no batch or checkpoint running.
func crashCopy(t *testing.T, path string) string {
	t.Helper()
	cp := jNewPath(t)
	jCopyFile(t, path, cp)
	if _, err := os.Stat(JournalPath(path)); err == nil {
		jCopyFile(t, JournalPath(path), JournalPath(cp))
	}
	return cp
}

func jReadFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// digest is every key, value and sequence of every bucket but meta (whose
// "journal" key differs between a live store and its recovered copy).
func digest(t *testing.T, tx *Tx) string {
	t.Helper()
	var sb strings.Builder
	for id := bSubscribers; int(id) < len(allBuckets); id++ {
		b := tx.bucket(id)
		if !b.exists() {
			fmt.Fprintf(&sb, "%s: missing\n", allBuckets[id])
			continue
		}
		fmt.Fprintf(&sb, "%s seq=%d\n", allBuckets[id], b.Sequence())
		if err := b.ForEach(func(k, v []byte) error {
			fmt.Fprintf(&sb, "  %x=%x\n", k, v)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	return sb.String()
}

func viewDigest(t *testing.T, st *Store) string {
	t.Helper()
	var d string
	if err := st.View(func(tx *Tx) error { d = digest(t, tx); return nil }); err != nil {
		t.Fatal(err)
	}
	return d
}

func sameDigest(t *testing.T, what, got, want string) {
	t.Helper()
	if got == want {
		return
	}
	gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(gl) || i < len(wl); i++ {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			t.Fatalf("%s differs from the live store at line %d:\n got  %q\n want %q", what, i+1, g, w)
		}
	}
}

func auditOK(t *testing.T, st *Store, what string) AuditReport {
	t.Helper()
	rep, err := st.Audit()
	if err != nil || !rep.OK() {
		t.Fatalf("audit of %s: %+v %v", what, rep.Problems, err)
	}
	return rep
}

func jAccount(t *testing.T, st *Store, id string) (Account, bool) {
	t.Helper()
	var a Account
	err := st.View(func(tx *Tx) error { var err error; a, err = tx.Account(id); return err })
	if errors.Is(err, ErrNotFound) {
		return Account{}, false
	} else if err != nil {
		t.Fatal(err)
	}
	return a, true
}

// waitInQueue waits until n calls are in the committer's queue (Queued
// counts a call before it is there).
func waitInQueue(t *testing.T, st *Store, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); len(st.calls) < n; {
		if time.Now().After(deadline) {
			t.Fatalf("%d calls in the committer's queue, want %d", len(st.calls), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func checkpoints(st *Store) uint64 { return st.JournalStats().Checkpoints }

// Batched functions.

func jCreate(id string, opening int64) func(*Tx) error {
	return func(tx *Tx) error {
		_, err := tx.CreateAccount(Account{ID: id, Currency: "EUR", Opening: opening}, t0)
		return err
	}
}

func jRecharge(id string, amount int64, ref string) func(*Tx) error {
	return func(tx *Tx) error {
		_, applied, err := tx.Recharge(id, amount, ref, t0)
		if err == nil && !applied {
			return fmt.Errorf("recharge %s %q not applied", id, ref)
		}
		return err
	}
}

// jCall is a whole prepaid call (callMoney, purge_test.go): freeze 100,
// charge `charged`, return the rest, close the reservation and write its
// CDR (two NextSequences).
func jCall(id, callID string, at time.Time, charged int64) func(*Tx) error {
	return callMoney(id, callID, at, charged, false)
}

func jBatch(t *testing.T, st *Store, fn func(*Tx) error) {
	t.Helper()
	if err := st.Batch(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

// jRecord is one journal record as this test reads the file, independently
// of scanJournal.
type jRecord struct {
	off int64
	n   int // redo length
	seq uint64
}

var jCastagnoli = crc32.MakeTable(crc32.Castagnoli)

// jRecords reads the records of the journal's current round: from offset 512
// while each record is whole, its crc right and its number one more than the
// previous one.
func jRecords(t *testing.T, walPath string) []jRecord {
	t.Helper()
	b := jReadFile(t, walPath)
	var out []jRecord
	for off := int64(512); off+16 <= int64(len(b)); {
		n := int64(binary.BigEndian.Uint32(b[off:]))
		sum := binary.BigEndian.Uint32(b[off+4:])
		seq := binary.BigEndian.Uint64(b[off+8:])
		if off+16+n > int64(len(b)) || crc32.Checksum(b[off+8:off+16+n], jCastagnoli) != sum {
			break
		}
		if len(out) > 0 && seq != out[len(out)-1].seq+1 {
			break
		}
		out = append(out, jRecord{off: off, n: int(n), seq: seq})
		off += 16 + n
	}
	return out
}

// jMetaJournal reads the "journal" meta key of a closed database file.
func jMetaJournal(t *testing.T, path string) uint64 {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var seq uint64
	if err := db.View(func(tx *bolt.Tx) error {
		var err error
		_, seq, err = journalState(tx)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return seq
}

// 1. A crash before any checkpoint: everything answered is in the journal
// only, and the copy gets all of it back, with balanced books.
func TestJournalCrashBeforeCheckpoint(t *testing.T) {
	path := jNewPath(t)
	st := jOpen(t, path, Options{CheckpointInterval: time.Hour})
	accounts := []string{"A-1", "A-2", "A-3"}
	for _, id := range accounts {
		jBatch(t, st, jCreate(id, 1_000_000))
	}
	const callers, calls = 8, 25
	var wg sync.WaitGroup
	for g := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range calls {
				id := accounts[(g+i)%len(accounts)]
				fn := jCall(id, fmt.Sprintf("c%d-%d", g, i), t0.Add(time.Duration(i)*time.Second), int64(1+i%7))
				if i%5 == 0 {
					fn = jRecharge(id, 10, fmt.Sprintf("ref-%d-%d", g, i))
				}
				if err := st.Batch(context.Background(), fn); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	if n := checkpoints(st); n != 0 {
		t.Fatalf("%d checkpoints ran: the test would not exercise recovery", n)
	}

	cp := crashCopy(t, path)

	// The file alone has none of it: the journal carries everything.
	alone := jNewPath(t)
	jCopyFile(t, path, alone)
	ro := jOpen(t, alone, Options{ReadOnly: true})
	if err := ro.View(func(tx *Tx) error {
		if accts, err := tx.Accounts(); err != nil || len(accts) != 0 {
			t.Errorf("the file without its journal has %d accounts (%v): the batches were not in the journal only", len(accts), err)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	live := viewDigest(t, st)
	liveRep := auditOK(t, st, "the live store")
	rec := jOpen(t, cp, Options{CheckpointInterval: time.Hour})
	sameDigest(t, "the recovered copy", viewDigest(t, rec), live)
	rep := auditOK(t, rec, "the recovered copy")
	if rep.Totals != liveRep.Totals || rep.LedgerEntries != liveRep.LedgerEntries {
		t.Fatalf("recovered totals %+v (%d ledger entries), live %+v (%d)", rep.Totals, rep.LedgerEntries, liveRep.Totals, liveRep.LedgerEntries)
	}
	wantLedger := len(accounts) + callers*calls/5 + callers*calls*4/5*3 // opening; recharges; freeze, charge, return
	if rep.LedgerEntries != wantLedger {
		t.Fatalf("%d ledger entries, want %d", rep.LedgerEntries, wantLedger)
	}

	// Recovered twice (a crash right after the recovery) is the same.
	again := jOpen(t, crashCopy(t, cp), Options{})
	sameDigest(t, "the copy recovered twice", viewDigest(t, again), live)

	// The copy goes on: new ledger and CDR keys follow the recovered ones,
	// and a crash before its first checkpoint keeps what it answered since
	// the recovery (the file must know which records the recovery applied).
	if checkpoints(rec) != 0 {
		t.Fatal("the recovered copy checkpointed: the next crash would not test its journal")
	}
	jBatch(t, rec, jCall("A-1", "after", t0.Add(time.Hour), 5))
	jBatch(t, rec, jRecharge("A-3", 9, "after-3"))
	if checkpoints(rec) != 0 {
		t.Fatal("the recovered copy checkpointed: the next crash would not test its journal")
	}
	cp2 := crashCopy(t, cp)
	rep = auditOK(t, rec, "the recovered copy after one more call")
	if rep.LedgerEntries != wantLedger+4 {
		t.Fatalf("%d ledger entries after one more call and recharge, want %d (a sequence went back and overwrote an entry)", rep.LedgerEntries, wantLedger+4)
	}
	var cdrs []CDR
	if err := rec.View(func(tx *Tx) error { var err error; cdrs, err = tx.CDRs(CDRFilter{}); return err }); err != nil {
		t.Fatal(err)
	}
	if want := callers*calls*4/5 + 1; len(cdrs) != want {
		t.Fatalf("%d CDRs, want %d", len(cdrs), want)
	}
	sameDigest(t, "the recovered copy's crash copy", viewDigest(t, jOpen(t, cp2, Options{})), viewDigest(t, rec))
}

// 1b. A checkpoint between writes A and B: the copy has both, and the
// records of A's round left behind B's in the journal file are not applied
// again (they would set balances and the ledger sequence back).
func TestJournalCrashAfterCheckpointIgnoresOldRecords(t *testing.T) {
	path := jNewPath(t)
	st := jOpen(t, path, Options{CheckpointInterval: time.Hour})
	const opening = 1_000_000_000 // same varint length for every balance below
	if err := st.Update(jCreate("A-1", opening)); err != nil {
		t.Fatal(err)
	}
	// One recharge and one CDR per record, all records the same length, so
	// that B's records end exactly where an old record of A's round starts.
	step := func(i int) func(*Tx) error {
		return func(tx *Tx) error {
			if err := jRecharge("A-1", 1, fmt.Sprintf("r%02d", i))(tx); err != nil {
				return err
			}
			return tx.AppendCDR(&CDR{CallID: fmt.Sprintf("k%02d", i), Start: t0, End: t0.Add(time.Duration(i) * time.Second)})
		}
	}
	for i := range 5 { // A
		jBatch(t, st, step(i))
	}
	before := checkpoints(st)
	if err := st.View(func(*Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if checkpoints(st) != before+1 {
		t.Fatal("View did not checkpoint")
	}
	for i := 5; i < 7; i++ { // B
		jBatch(t, st, step(i))
	}
	// The setting this test is about: right after B's last record the file
	// holds an old, whole record of A's round.
	recs := jRecords(t, JournalPath(path))
	if len(recs) != 2 {
		t.Fatalf("journal round holds %d records, want B's 2", len(recs))
	}
	wal := jReadFile(t, JournalPath(path))
	end := recs[1].off + 16 + int64(recs[1].n)
	if end+16 > int64(len(wal)) || binary.BigEndian.Uint64(wal[end+8:]) >= recs[0].seq {
		t.Fatalf("no old record after B's records (at %d): the records did not line up", end)
	}

	cp := crashCopy(t, path)
	live := viewDigest(t, st)
	rec := jOpen(t, cp, Options{})
	sameDigest(t, "the recovered copy", viewDigest(t, rec), live)
	auditOK(t, rec, "the recovered copy")
	a, _ := jAccount(t, rec, "A-1")
	if a.Recharged != 7 || a.Available != opening+7 {
		t.Fatalf("recovered account %+v, want 7 recharges", a)
	}
	// New keys after the recovered ones.
	jBatch(t, rec, step(7))
	rep := auditOK(t, rec, "the copy after one more recharge")
	if rep.LedgerEntries != 9 {
		t.Fatalf("%d ledger entries, want 9: the opening and 8 recharges", rep.LedgerEntries)
	}
	if err := rec.View(func(tx *Tx) error {
		cdrs, err := tx.CDRs(CDRFilter{})
		if len(cdrs) != 8 {
			t.Errorf("%d CDRs, want 8", len(cdrs))
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// 2. The last record torn (cut short) or damaged: the copy opens with every
// record before it and without it.
func TestJournalTornLastRecord(t *testing.T) {
	path := jNewPath(t)
	st := jOpen(t, path, Options{CheckpointInterval: time.Hour})
	if err := st.Update(jCreate("A-1", 1000)); err != nil {
		t.Fatal(err)
	}
	for i := range 5 { // recharges of 1, 2, 4, 8, 16
		jBatch(t, st, jRecharge("A-1", 1<<i, fmt.Sprintf("r%d", i)))
	}
	base := crashCopy(t, path)
	recs := jRecords(t, JournalPath(base))
	if len(recs) != 5 {
		t.Fatalf("%d records in the journal, want 5", len(recs))
	}
	last := recs[4]
	for _, tc := range []struct {
		name   string
		damage func(wal []byte) []byte
	}{
		{"cut inside the head", func(w []byte) []byte { return w[:last.off+9] }},
		{"cut after the head", func(w []byte) []byte { return w[:last.off+16] }},
		{"cut in the middle", func(w []byte) []byte { return w[:last.off+16+int64(last.n)/2] }},
		{"one byte short", func(w []byte) []byte { return w[:last.off+16+int64(last.n)-1] }},
		{"zeroed from the middle", func(w []byte) []byte {
			clear(w[last.off+16+int64(last.n)/2 : last.off+16+int64(last.n)])
			return w
		}},
		{"zeroed whole", func(w []byte) []byte { clear(w[last.off : last.off+16+int64(last.n)]); return w }},
		{"byte flipped in the middle", func(w []byte) []byte { w[last.off+16+int64(last.n)/2] ^= 0x40; return w }},
		{"byte flipped at the end", func(w []byte) []byte { w[last.off+16+int64(last.n)-1] ^= 0x01; return w }},
		{"crc flipped", func(w []byte) []byte { w[last.off+5] ^= 0x01; return w }},
		{"length flipped", func(w []byte) []byte { w[last.off+3] ^= 0x01; return w }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cp := crashCopy(t, base)
			wal := tc.damage(jReadFile(t, JournalPath(cp)))
			if err := os.WriteFile(JournalPath(cp), wal, 0o600); err != nil {
				t.Fatal(err)
			}
			rec := jOpen(t, cp, Options{})
			a, _ := jAccount(t, rec, "A-1")
			if a.Recharged != 15 || a.Available != 1015 {
				t.Fatalf("account %+v, want the first four recharges (15) and not the damaged fifth", a)
			}
			rep := auditOK(t, rec, "the copy")
			if rep.LedgerEntries != 5 {
				t.Fatalf("%d ledger entries, want 5", rep.LedgerEntries)
			}
			// The damaged record's ref is free; the copy goes on from there
			// and keeps what it writes.
			jBatch(t, rec, jRecharge("A-1", 100, "r4"))
			if err := rec.Close(); err != nil {
				t.Fatal(err)
			}
			ro := jOpen(t, cp, Options{ReadOnly: true})
			if a, _ := jAccount(t, ro, "A-1"); a.Recharged != 115 {
				t.Fatalf("after a recharge and Close: %+v, want 115 recharged", a)
			}
			auditOK(t, ro, "the copy reopened")
		})
	}
}

// 3. A journal written for another database is refused at Open, and
// neither file changes.
func TestJournalOfAnotherDatabaseIsRefused(t *testing.T) {
	// Y: closed cleanly, its file at journal record 1.
	yPath := jNewPath(t)
	y := jOpen(t, yPath, Options{})
	if err := y.Update(jCreate("Y-1", 100)); err != nil {
		t.Fatal(err)
	}
	if err := y.Close(); err != nil {
		t.Fatal(err)
	}
	// X: the same history, then a record Y's file would take for its next.
	xPath := jNewPath(t)
	x := jOpen(t, xPath, Options{CheckpointInterval: time.Hour})
	if err := x.Update(jCreate("X-1", 100)); err != nil {
		t.Fatal(err)
	}
	jBatch(t, x, jCreate("X-2", 100))
	xCopy := crashCopy(t, xPath)
	if got, want := jMetaJournal(t, yPath), jRecords(t, JournalPath(xCopy))[0].seq-1; got != want {
		t.Fatalf("Y's file is at record %d, X's journal starts after %d: the records would not line up", got, want)
	}

	t.Run("foreign journal", func(t *testing.T) {
		cp := crashCopy(t, yPath)
		jCopyFile(t, JournalPath(xCopy), JournalPath(cp))
		wal := jReadFile(t, JournalPath(cp))
		_, err := Open(cp, Options{Logger: quiet})
		if !errors.Is(err, ErrJournal) || !strings.Contains(err.Error(), "another database") {
			t.Fatalf("open beside another database's journal: %v, want ErrJournal (another database)", err)
		}
		if !bytes.Equal(jReadFile(t, JournalPath(cp)), wal) {
			t.Error("the foreign journal was changed")
		}
		if got := jMetaJournal(t, cp); got != 1 {
			t.Errorf("file's journal record is %d after the refused open, want 1", got)
		}
		ro := jOpen(t, cp, Options{ReadOnly: true}) // another's journal is not a read-only open's business
		if err := ro.View(func(tx *Tx) error {
			accts, err := tx.Accounts()
			if len(accts) != 1 || accts[0].ID != "Y-1" {
				t.Errorf("accounts %+v, want Y-1 only", accts)
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("damaged header", func(t *testing.T) {
		cp := crashCopy(t, xPath)
		wal := jReadFile(t, JournalPath(cp))
		wal[10] ^= 0xff // in the database id
		if err := os.WriteFile(JournalPath(cp), wal, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := Open(cp, Options{Logger: quiet}); !errors.Is(err, ErrJournal) {
			t.Fatalf("open with a damaged journal header: %v, want ErrJournal", err)
		}
		if !bytes.Equal(jReadFile(t, JournalPath(cp)), wal) {
			t.Error("the journal with a damaged header was rewritten (its records would be lost)")
		}
	})
}

// 4. A read-only open refuses a file whose journal holds records it has not
// got; once a read-write open applied them, it opens and shows them.
func TestJournalReadOnlyOpenRefusesPendingRecords(t *testing.T) {
	path := jNewPath(t)
	st := jOpen(t, path, Options{CheckpointInterval: time.Hour})
	if err := st.Update(jCreate("A-1", 1000)); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		jBatch(t, st, jRecharge("A-1", 10, fmt.Sprintf("r%d", i)))
	}
	cp := crashCopy(t, path)
	db, wal := jReadFile(t, cp), jReadFile(t, JournalPath(cp))
	_, err := Open(cp, Options{ReadOnly: true, Logger: quiet})
	if !errors.Is(err, ErrJournalPending) {
		t.Fatalf("read-only open with 3 pending records: %v, want ErrJournalPending", err)
	}
	if !bytes.Equal(jReadFile(t, cp), db) || !bytes.Equal(jReadFile(t, JournalPath(cp)), wal) {
		t.Fatal("the refused read-only open changed the files")
	}
	rw := jOpen(t, cp, Options{})
	if err := rw.Close(); err != nil {
		t.Fatal(err)
	}
	ro := jOpen(t, cp, Options{ReadOnly: true})
	if a, _ := jAccount(t, ro, "A-1"); a.Recharged != 30 {
		t.Fatalf("after the journal was applied: %+v, want 30 recharged", a)
	}
	auditOK(t, ro, "the copy")
}

// 5. A batched function that fails after writing undoes its batch; the
// others of the batch commit, its own writes are nowhere, and the batches
// answered before (in the journal only) survive the rebuilt transaction.
func TestJournalFailedCallInBatchKeepsAnsweredWrites(t *testing.T) {
	for _, how := range []string{"error", "panic"} {
		t.Run(how, func(t *testing.T) {
			path := jNewPath(t)
			st := jOpen(t, path, Options{CheckpointInterval: time.Hour})
			for i := range 5 {
				jBatch(t, st, jCreate(fmt.Sprintf("E-%d", i), 1000))
				jBatch(t, st, jRecharge(fmt.Sprintf("E-%d", i), 5, "early"))
			}
			release, held := holdCommitter(t, st)
			const n, bad = 30, 13
			errs := make([]error, n)
			var runs atomic.Int32
			var wg sync.WaitGroup
			// The failing call is queued after the 13 good calls before it,
			// so it cannot be first in its batch (goroutine start order
			// alone does not fix the queue's order).
			for i := range n {
				if i == bad || i == bad+1 {
					waitInQueue(t, st, i)
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					if i != bad {
						errs[i] = st.Batch(context.Background(), func(tx *Tx) error {
							runs.Add(1)
							if err := jCreate(fmt.Sprintf("G-%02d", i), 100)(tx); err != nil {
								return err
							}
							return jRecharge("E-0", 1, fmt.Sprintf("g%02d", i))(tx)
						})
						return
					}
					errs[i] = st.Batch(context.Background(), func(tx *Tx) error {
						if err := jCreate("BAD", 100)(tx); err != nil {
							return err
						}
						if err := jRecharge("E-1", 1000, "bad")(tx); err != nil {
							return err
						}
						if how == "panic" {
							panic("bad call")
						}
						return errors.New("bad call refused")
					})
				}()
			}
			waitQueued(t, st, n+1)
			waitInQueue(t, st, n)
			release()
			wg.Wait()
			if err := <-held; err != nil {
				t.Fatal(err)
			}
			if r := runs.Load(); r <= n-1 {
				t.Fatalf("the good calls ran %d times: none shared a batch with the failing one", r)
			}
			for i, err := range errs {
				if i == bad && (err == nil || !strings.Contains(err.Error(), "bad call")) {
					t.Errorf("the failing call: %v, want its own error", err)
				} else if i != bad && err != nil {
					t.Errorf("call %d: %v", i, err)
				}
			}
			if t.Failed() {
				t.FailNow()
			}
			if n := checkpoints(st); n != 0 {
				t.Fatalf("%d checkpoints: the answered batches were meant to be in the journal only", n)
			}
			check := func(what string, st *Store, view func(func(*Tx) error) error) {
				t.Helper()
				if err := view(func(tx *Tx) error {
					if _, err := tx.Account("BAD"); !errors.Is(err, ErrNotFound) {
						t.Errorf("%s: the failing call's account: %v", what, err)
					}
					for i := range 5 {
						a, err := tx.Account(fmt.Sprintf("E-%d", i))
						want := int64(5)
						if i == 0 {
							want += n - 1
						}
						if err != nil || a.Recharged != want {
							t.Errorf("%s: E-%d %+v %v, want %d recharged (answered before the failure)", what, i, a, err, want)
						}
					}
					for i := range n {
						if _, err := tx.Account(fmt.Sprintf("G-%02d", i)); (i == bad) != errors.Is(err, ErrNotFound) {
							t.Errorf("%s: G-%02d: %v", what, i, err)
						}
					}
					return nil
				}); err != nil {
					t.Fatal(err)
				}
			}
			cp := crashCopy(t, path)
			check("ViewRecent", st, st.ViewRecent)
			live := viewDigest(t, st) // checkpoints the rebuilt transaction
			check("View", st, st.View)
			auditOK(t, st, "the live store")
			rec := jOpen(t, cp, Options{})
			check("the crash copy", rec, rec.View)
			sameDigest(t, "the crash copy", viewDigest(t, rec), live)
			auditOK(t, rec, "the crash copy")
		})
	}
}

// 6. ViewRecent's Get sees an answered batch before any checkpoint (a Put
// and a Delete); View checkpoints and sees it too; after Update returns,
// ForEach in ViewRecent sees the Update's key.
func TestJournalViewRecentSeesAnsweredBatches(t *testing.T) {
	st := jOpen(t, jNewPath(t), Options{CheckpointInterval: time.Hour})
	if err := st.Update(jCreate("A-1", 1000)); err != nil {
		t.Fatal(err)
	}
	// An open call the file knows, closed by a batch the file does not know.
	open := Reservation{CallID: "call-1", AccountID: "A-1", State: ReservationOpen, Created: t0, Deadline: t0.Add(time.Hour)}
	jBatch(t, st, func(tx *Tx) error {
		a, err := tx.Account("A-1")
		if err != nil {
			return err
		}
		r := open
		if err := tx.Freeze(&a, &r, 100, t0); err != nil {
			return err
		}
		if err := tx.IndexOpen(&r); err != nil {
			return err
		}
		return tx.PutReservation(&r)
	})
	if err := st.View(func(*Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	before := checkpoints(st)
	jBatch(t, st, jRecharge("A-1", 50, "v1"))
	jBatch(t, st, jCreate("B-1", 7))
	jBatch(t, st, func(tx *Tx) error {
		a, err := tx.Account("A-1")
		if err != nil {
			return err
		}
		r, err := tx.Reservation("call-1")
		if err != nil {
			return err
		}
		if err := tx.Charge(&a, &r, 30, t0); err != nil {
			return err
		}
		if _, err := tx.Release(&a, &r, ReservationSettled, t0); err != nil {
			return err
		}
		return tx.PutReservation(&r)
	})
	err := st.ViewRecent(func(tx *Tx) error {
		a, err := tx.Account("A-1")
		if err != nil {
			return err
		}
		if a.Recharged != 50 || a.Available != 1020 || a.Frozen != 0 || a.Charged != 30 {
			t.Errorf("ViewRecent: A-1 %+v, want the answered recharge and call", a)
		}
		if b, err := tx.Account("B-1"); err != nil || b.Available != 7 {
			t.Errorf("ViewRecent: B-1 %+v %v", b, err)
		}
		if v := tx.bucket(bOpen).Get([]byte("call-1")); v != nil {
			t.Errorf("ViewRecent: the open index still has the released call (%x)", v)
		}
		if r, err := tx.Reservation("call-1"); err != nil || r.State != ReservationSettled {
			t.Errorf("ViewRecent: reservation %+v %v, want settled", r, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checkpoints(st) != before {
		t.Fatal("a checkpoint ran before ViewRecent: it did not need the overlay")
	}
	if a, _ := jAccount(t, st, "A-1"); a.Recharged != 50 || a.Charged != 30 {
		t.Fatalf("View: %+v", a)
	}
	if checkpoints(st) != before+1 {
		t.Fatal("View did not checkpoint")
	}

	// Update: ForEach and cursors in ViewRecent see it once it returns, even
	// with batches in the journal only before it.
	jBatch(t, st, jRecharge("A-1", 1, "v2"))
	if err := st.Update(jCreate("U-1", 3)); err != nil {
		t.Fatal(err)
	}
	if err := st.ViewRecent(func(tx *Tx) error {
		accts, err := tx.Accounts()
		var ids []string
		for _, a := range accts {
			ids = append(ids, a.ID)
			if a.ID == "A-1" && a.Recharged != 51 {
				t.Errorf("ForEach after Update: A-1 %+v, want the batch before the Update too", a)
			}
		}
		if strings.Join(ids, ",") != "A-1,B-1,U-1" {
			t.Errorf("ForEach in ViewRecent after Update: %v, want A-1,B-1,U-1", ids)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// 6b. ViewRecent never shows less than what was answered before it was
// called, while checkpoints (timed, size-triggered, View's) swap overlays.
func TestJournalViewRecentNeverGoesBack(t *testing.T) {
	st := jOpen(t, jNewPath(t), Options{CheckpointInterval: 2 * time.Millisecond, CheckpointBytes: 2048})
	if err := st.Update(jCreate("A-1", 0)); err != nil {
		t.Fatal(err)
	}
	const writes = 400
	var answered atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // checkpoints on demand too
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := st.View(func(*Tx) error { return nil }); err != nil {
				t.Error(err)
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				want := answered.Load()
				var got int64
				if err := st.ViewRecent(func(tx *Tx) error {
					a, err := tx.Account("A-1")
					got = a.Recharged
					return err
				}); err != nil {
					t.Error(err)
					return
				}
				if got < want {
					t.Errorf("ViewRecent read %d recharged after %d were answered", got, want)
					return
				}
			}
		}()
	}
	for i := range writes {
		if err := st.Batch(context.Background(), jRecharge("A-1", 1, "")); err != nil {
			t.Fatal(err)
		}
		answered.Store(int64(i + 1))
	}
	close(stop)
	wg.Wait()
	if n := checkpoints(st); n < 10 {
		t.Errorf("only %d checkpoints during the test", n)
	}
	if a, _ := jAccount(t, st, "A-1"); a.Recharged != writes {
		t.Fatalf("%+v, want %d recharged", a, writes)
	}
}

// 7. CheckpointBytes bounds the journal: many batches force checkpoints, the
// file stays small, and a crash copy has everything.
func TestJournalCheckpointBytesBoundsTheJournal(t *testing.T) {
	const limit = 4096
	path := jNewPath(t)
	st := jOpen(t, path, Options{CheckpointInterval: time.Hour, CheckpointBytes: limit})
	accounts := []string{"A-1", "A-2", "A-3"}
	for _, id := range accounts {
		jBatch(t, st, jCreate(id, 1_000_000))
	}
	var maxRec atomic.Int64
	const callers, calls = 6, 60
	var wg sync.WaitGroup
	for g := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range calls {
				fn := jCall(accounts[(g+i)%3], fmt.Sprintf("c%d-%d", g, i), t0.Add(time.Duration(i)*time.Second), 3)
				if err := st.Batch(context.Background(), fn); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	for _, r := range jRecords(t, JournalPath(path)) {
		if int64(r.n) > maxRec.Load() {
			maxRec.Store(int64(r.n))
		}
	}
	n := checkpoints(st)
	if n < 5 {
		t.Fatalf("%d checkpoints for ~%d KiB of records with CheckpointBytes %d", n, callers*calls/4, limit)
	}
	// The file is grown ahead in steps, with zeros: what bounds the journal
	// is how far records ever went, the last byte that is not zero.
	wal := jReadFile(t, JournalPath(path))
	extent := int64(len(bytes.TrimRight(wal, "\x00")))
	// A few times CheckpointBytes (record heads are not counted in it) and
	// one record past it.
	if bound := int64(journalHeaderSize+2*limit+journalRecordHead) + maxRec.Load(); extent > bound {
		t.Fatalf("journal records reach %d bytes with CheckpointBytes %d (bound %d, the largest record %d)", extent, limit, bound, maxRec.Load())
	}
	if int64(len(wal)) > journalGrowth {
		t.Fatalf("journal file is %d bytes", len(wal))
	}
	cp := crashCopy(t, path)
	live := viewDigest(t, st)
	rec := jOpen(t, cp, Options{})
	sameDigest(t, "the crash copy", viewDigest(t, rec), live)
	rep := auditOK(t, rec, "the crash copy")
	if rep.Totals.Charged != callers*calls*3 {
		t.Fatalf("charged %d, want %d", rep.Totals.Charged, callers*calls*3)
	}
}

// CheckpointInterval: answered batches reach the file by themselves.
func TestJournalCheckpointInterval(t *testing.T) {
	path := jNewPath(t)
	st := jOpen(t, path, Options{CheckpointInterval: 20 * time.Millisecond})
	jBatch(t, st, jCreate("A-1", 1000))
	deadline := time.Now().Add(10 * time.Second)
	for checkpoints(st) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no checkpoint 10 s after a batch with a 20 ms interval")
		}
		time.Sleep(5 * time.Millisecond)
	}
	alone := jNewPath(t) // the file without its journal
	jCopyFile(t, path, alone)
	ro := jOpen(t, alone, Options{ReadOnly: true})
	if _, ok := jAccount(t, ro, "A-1"); !ok {
		t.Fatal("the file lacks the batch after the timed checkpoint")
	}
}

// 8. Close checkpoints: afterwards the journal holds no record the file has
// not got, and a read-only open works. Batches queued when Close is called
// are either answered and in the file, or refused and absent.
func TestJournalCloseCheckpoints(t *testing.T) {
	t.Run("idle", func(t *testing.T) {
		path := jNewPath(t)
		st := jOpen(t, path, Options{CheckpointInterval: time.Hour})
		for i := range 5 {
			jBatch(t, st, jCreate(fmt.Sprintf("A-%d", i), 100))
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		meta := jMetaJournal(t, path)
		for _, r := range jRecords(t, JournalPath(path)) {
			if r.seq > meta {
				t.Fatalf("after Close the journal holds record %d, the file only up to %d", r.seq, meta)
			}
		}
		ro := jOpen(t, path, Options{ReadOnly: true})
		if err := ro.View(func(tx *Tx) error {
			accts, err := tx.Accounts()
			if len(accts) != 5 {
				t.Errorf("%d accounts after Close, want 5", len(accts))
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("batches queued", func(t *testing.T) {
		path := jNewPath(t)
		st := jOpen(t, path, Options{CheckpointInterval: time.Hour})
		jBatch(t, st, jCreate("first", 100))
		release, held := holdCommitter(t, st)
		const n = 40
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = st.Batch(context.Background(), jCreate(fmt.Sprintf("Q-%02d", i), 100))
			}()
		}
		waitQueued(t, st, n+1)
		waitInQueue(t, st, n)
		closed := make(chan error, 1)
		go func() { closed <- st.Close() }()
		<-st.closing // Close has started and waits on the committer
		release()
		wg.Wait()
		if err := <-held; err != nil {
			t.Fatal(err)
		}
		if err := <-closed; err != nil {
			t.Fatal(err)
		}
		ro := jOpen(t, path, Options{ReadOnly: true})
		if err := ro.View(func(tx *Tx) error {
			for i, e := range errs {
				_, err := tx.Account(fmt.Sprintf("Q-%02d", i))
				switch {
				case e == nil && err != nil:
					t.Errorf("Q-%02d answered but not in the file after Close: %v", i, err)
				case e != nil && !errors.Is(err, ErrNotFound):
					t.Errorf("Q-%02d refused (%v) but in the file", i, e)
				case e != nil && !errors.Is(e, ErrStoreClosed):
					t.Errorf("Q-%02d: %v", i, e)
				}
			}
			_, err := tx.Account("first")
			return err
		}); err != nil {
			t.Fatal(err)
		}
	})
}

// breakJournalWrites makes the journal's writes fail (a read-only file
// descriptor) until restore is called. Call it only while the committer is
// idle: the next call it takes (a channel receive) orders the change.
func breakJournalWrites(t *testing.T, st *Store) (restore func()) {
	t.Helper()
	good := st.journal.f
	ro, err := os.Open(st.journal.path)
	if err != nil {
		t.Fatal(err)
	}
	st.journal.f = ro
	return func() { st.journal.f = good; ro.Close() }
}

// A batch whose journal record cannot be written is answered with an error
// and must leave no trace: not in the file, not in the transaction the next
// batches run in, not after a crash; the batches answered before it stay.
// With a small CheckpointBytes the failing batch comes after a size-
// triggered checkpoint (commitRecord checkpoints before appending).
func TestJournalFailedAppendLeavesNoTrace(t *testing.T) {
	for _, tc := range []struct {
		name  string
		bytes int64
	}{{"no checkpoint before the append", 0}, {"size-triggered checkpoint before the append", 1}} {
		t.Run(tc.name, func(t *testing.T) {
			path := jNewPath(t)
			st := jOpen(t, path, Options{CheckpointInterval: time.Hour, CheckpointBytes: tc.bytes})
			if err := st.Update(jCreate("A-1", 1000)); err != nil {
				t.Fatal(err)
			}
			jBatch(t, st, jRecharge("A-1", 10, "answered"))
			restore := breakJournalWrites(t, st)
			err := st.Batch(context.Background(), func(tx *Tx) error {
				if err := jCreate("B-1", 500)(tx); err != nil {
					return err
				}
				return jRecharge("A-1", 1000, "refused")(tx)
			})
			restore()
			if !errors.Is(err, ErrJournal) {
				t.Fatalf("batch with a failing journal write: %v, want ErrJournal", err)
			}
			check := func(what string, st *Store) {
				t.Helper()
				if b, ok := jAccount(t, st, "B-1"); ok {
					t.Errorf("%s: B-1 %+v exists, but its batch was answered %q", what, b, err)
				}
				if a, _ := jAccount(t, st, "A-1"); a.Recharged != 10 {
					t.Errorf("%s: A-1 recharged %d, want 10: the answered recharge only, not the refused one", what, a.Recharged)
				}
				auditOK(t, st, what)
			}
			cp := crashCopy(t, path)
			check("the live store", st)
			rec := jOpen(t, cp, Options{})
			check("a crash copy", rec)
			// The store goes on.
			jBatch(t, st, jRecharge("A-1", 1, "later"))
			if a, _ := jAccount(t, st, "A-1"); a.Available != 1000+10+1 {
				t.Errorf("after one more recharge: %+v", a)
			}
		})
	}
}

// jLogCounter counts log messages.
type jLogCounter struct {
	mu sync.Mutex
	n  map[string]int
}

func (h *jLogCounter) Enabled(context.Context, slog.Level) bool { return true }
func (h *jLogCounter) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.n == nil {
		h.n = map[string]int{}
	}
	h.n[r.Message]++
	return nil
}
func (h *jLogCounter) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *jLogCounter) WithGroup(string) slog.Handler      { return h }
func (h *jLogCounter) count(msg string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.n[msg]
}

// A checkpoint that fails (here: the database file may not grow, so bbolt's
// page writes fail with EFBIG) must not keep the committer from answering.
// The journal, which has room, can take the batch; or the batch fails. What
// must not happen is a committer that runs the batch, checkpoints, fails,
// runs it again, ... while its caller waits.
func TestJournalFailingCheckpointDoesNotSpin(t *testing.T) {
	path := jNewPath(t)
	logs := &jLogCounter{}
	st, err := Open(path, Options{Logger: slog.New(logs), CheckpointInterval: time.Hour, CheckpointBytes: 64 << 10})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	many := func(prefix string, n int) func(*Tx) error {
		return func(tx *Tx) error {
			for i := range n {
				if err := jCreate(fmt.Sprintf("%s-%04d", prefix, i), 1000)(tx); err != nil {
					return err
				}
			}
			return nil
		}
	}
	if err := st.Update(many("P", 3000)); err != nil { // a file larger than the journal will be
		t.Fatal(err)
	}
	jBatch(t, st, many("Q", 1500)) // one record larger than CheckpointBytes, in the journal only
	var hwm int64
	if err := st.ViewRecent(func(tx *Tx) error { hwm = tx.tx.Size(); return nil }); err != nil {
		t.Fatal(err)
	}
	recs := jRecords(t, JournalPath(path))
	if len(recs) != 1 {
		t.Fatalf("%d records in the journal, want 1", len(recs))
	}
	if end := recs[0].off + 16 + int64(recs[0].n); end+64<<10 > hwm {
		t.Fatalf("journal records reach %d, the file's pages %d: the limit below would stop the journal too", end, hwm)
	}

	// From here the file may not get pages beyond its last one: the
	// checkpoint that carries the 1500 accounts fails.
	var old unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_FSIZE, &old); err != nil {
		t.Fatal(err)
	}
	lim := old
	lim.Cur = uint64(hwm)
	if err := unix.Setrlimit(unix.RLIMIT_FSIZE, &lim); err != nil {
		t.Skipf("setrlimit: %v", err)
	}
	restored := false
	restore := func() {
		if !restored {
			restored = true
			if err := unix.Setrlimit(unix.RLIMIT_FSIZE, &old); err != nil {
				t.Fatal(err)
			}
		}
	}
	defer restore()

	var runs atomic.Int32
	answer := make(chan error, 1)
	go func() {
		answer <- st.Batch(context.Background(), func(tx *Tx) error {
			runs.Add(1)
			return jRecharge("P-0001", 1, "after")(tx)
		})
	}()
	var got error
	select {
	case got = <-answer:
	case <-time.After(10 * time.Second): // a few ms, but fsyncs can be slow on a loaded disk
		restore()
		t.Errorf("batch not answered 10 s after it was queued, while the checkpoint fails: its function ran %d times, %d checkpoint failures logged",
			runs.Load(), logs.count("store checkpoint failed"))
		select {
		case got = <-answer:
		case <-time.After(20 * time.Second):
			t.Fatal("still not answered 20 s after the file may grow again")
		}
	}
	restore()
	if n := runs.Load(); n > 2 {
		t.Errorf("the batched function ran %d times", n)
	}
	t.Logf("answer %v; function ran %d times; %d checkpoint failures logged", got, runs.Load(), logs.count("store checkpoint failed"))

	// Whatever the answer, the books agree with it, live and after a crash.
	cp := crashCopy(t, path)
	a, _ := jAccount(t, st, "P-0001")
	if want := int64(map[bool]int64{true: 1, false: 0}[got == nil]); a.Recharged != want {
		t.Errorf("P-0001 recharged %d, answer %v", a.Recharged, got)
	}
	auditOK(t, st, "the live store")
	live := viewDigest(t, st)
	rec := jOpen(t, cp, Options{})
	sameDigest(t, "the crash copy", viewDigest(t, rec), live)
}

// Deletes through a cursor (Purge's ledger fold and CDR deletion) are
// journaled like the others: ViewRecent does not see the deleted keys, a
// crash copy has them deleted (the ledger base and the folded entries are
// not both there, which would count the money twice), and so does the
// transaction rebuilt after a failed call.
func TestJournalCursorDeletesAreJournaled(t *testing.T) {
	path := jNewPath(t)
	st := jOpen(t, path, Options{CheckpointInterval: time.Hour})
	if err := st.Update(jCreate("A-1", 1_000_000)); err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		jBatch(t, st, jCall("A-1", fmt.Sprintf("c%d", i), t0.Add(time.Duration(i)*time.Minute), 10))
	}
	if err := st.View(func(*Tx) error { return nil }); err != nil { // the file has them
		t.Fatal(err)
	}
	before := t0.Add(3 * time.Minute)
	var ledgerKeys, cdrKeys [][]byte
	if err := st.View(func(tx *Tx) error {
		c := tx.bucket(bLedger).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if e, err := decodeLedger("", v); err == nil && e.At.Before(before) {
				ledgerKeys = append(ledgerKeys, append([]byte(nil), k...))
			}
		}
		c = tx.bucket(bCDRs).Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			if binary.BigEndian.Uint64(k) < uint64(timeToInt(before)) {
				cdrKeys = append(cdrKeys, append([]byte(nil), k...))
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(ledgerKeys) != 1+3*3 || len(cdrKeys) != 3 {
		t.Fatalf("%d ledger entries and %d CDRs before the cutoff, want 10 and 3", len(ledgerKeys), len(cdrKeys))
	}
	ckpts := checkpoints(st)
	var folded, deleted int
	jBatch(t, st, func(tx *Tx) error {
		var err error
		if folded, err = tx.foldLedger(before); err != nil {
			return err
		}
		deleted, err = tx.deleteCDRs(binary.BigEndian.AppendUint64(nil, uint64(timeToInt(before))))
		return err
	})
	if folded != len(ledgerKeys) || deleted != len(cdrKeys) {
		t.Fatalf("folded %d, deleted %d", folded, deleted)
	}
	// A call that fails after writing: the transaction is rebuilt from the
	// file and the journaled records.
	if err := st.Batch(context.Background(), func(tx *Tx) error {
		if err := jCreate("BAD", 1)(tx); err != nil {
			return err
		}
		return errors.New("refused")
	}); err == nil {
		t.Fatal("the failing call succeeded")
	}
	jBatch(t, st, jRecharge("A-1", 1, "r"))
	if checkpoints(st) != ckpts {
		t.Fatal("a checkpoint ran: the deletes were meant to be in the journal only")
	}
	gone := func(what string, tx *Tx) {
		t.Helper()
		for _, k := range ledgerKeys {
			if v := tx.bucket(bLedger).Get(k); v != nil {
				t.Errorf("%s: folded ledger entry %x still there", what, k)
			}
		}
		for _, k := range cdrKeys {
			if v := tx.bucket(bCDRs).Get(k); v != nil {
				t.Errorf("%s: deleted CDR %x still there", what, k)
			}
		}
	}
	if err := st.ViewRecent(func(tx *Tx) error { gone("ViewRecent", tx); return nil }); err != nil {
		t.Fatal(err)
	}
	cp := crashCopy(t, path)
	live := viewDigest(t, st) // the rebuilt transaction, checkpointed
	if err := st.View(func(tx *Tx) error { gone("View", tx); return nil }); err != nil {
		t.Fatal(err)
	}
	rep := auditOK(t, st, "the live store")
	rec := jOpen(t, cp, Options{})
	if err := rec.View(func(tx *Tx) error { gone("the crash copy", tx); return nil }); err != nil {
		t.Fatal(err)
	}
	sameDigest(t, "the crash copy", viewDigest(t, rec), live)
	if r := auditOK(t, rec, "the crash copy"); r.Totals != rep.Totals || r.LedgerFolded != uint64(len(ledgerKeys)) {
		t.Fatalf("crash copy: totals %+v, %d folded; live %+v", r.Totals, r.LedgerFolded, rep.Totals)
	}
}

// A backup restored over the database file carries the database's id, so
// the journal left beside it is taken for its own (`scpd backup --help`
// says: restore by stopping scpd and copying FILE over the store file; only
// docs/operator-cli.md says to delete the journal too). The restored file
// then writes its own records from the journal's start; after a crash,
// recovery must apply those and nothing of the replaced file's history,
// even where an old record happens to carry the next number and to start
// where the new records end.
func TestJournalRestoredBackupBesideOldJournal(t *testing.T) {
	path := jNewPath(t)
	st := jOpen(t, path, Options{CheckpointInterval: time.Hour})
	const opening = 1_000_000_000 // every balance below has the same varint length
	if err := st.Update(jCreate("A-1", opening)); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := WriteFileAtomic(backup, func(w io.Writer) error { _, err := st.Backup(w); return err }); err != nil {
		t.Fatal(err)
	}
	// The replaced file's history after the backup: recharges of 1 (records
	// 2-6), a checkpoint, one more (record 7, over record 2), Close.
	for i := range 5 {
		jBatch(t, st, jRecharge("A-1", 1, fmt.Sprintf("old%d", i)))
	}
	if err := st.View(func(*Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	jBatch(t, st, jRecharge("A-1", 1, "old5"))
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	// Restore: the backup over the file, the journal left where it is.
	jCopyFile(t, backup, path)
	st2 := jOpen(t, path, Options{CheckpointInterval: time.Hour})
	if a, _ := jAccount(t, st2, "A-1"); a.Recharged != 0 {
		t.Fatalf("restored file opened with %d recharged, want the backup's 0", a.Recharged)
	}
	// The restored file's own history: one recharge of 2, answered, then a
	// crash.
	jBatch(t, st2, jRecharge("A-1", 2, "new0"))
	cp := crashCopy(t, path)
	live := viewDigest(t, st2)
	rec := jOpen(t, cp, Options{})
	if a, _ := jAccount(t, rec, "A-1"); a.Recharged != 2 {
		t.Errorf("after the crash: A-1 %d recharged, want the restored file's 2 (records of the replaced file's history were applied)", a.Recharged)
	}
	if rep, err := rec.Audit(); err != nil || !rep.OK() {
		t.Errorf("after the crash the books do not balance: %+v %v", rep.Problems, err)
	}
	sameDigest(t, "the crash copy", viewDigest(t, rec), live)
}

// ---------------------------------------------------------------------------
// Second review: pipelining, journal failures, checkpoint failures.
//
// Faults are injected with dup3(2): the store's descriptor on the journal or
// on the database file is made to refer to a read-only open of the same file
// (writes fail with EBADF, fdatasync still works) and later back to the
// original. That is a system call, not a change to a Go value the syncer or
// the committer reads, so it may happen while they work (-race stays quiet).

// jFdOf returns the one descriptor this process has open on path.
func jFdOf(t *testing.T, path string) int {
	t.Helper()
	want, err := filepath.EvalSymlinks(path)
	if err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc/self/fd: %v", err)
	}
	fd := -1
	for _, e := range ents {
		target, err := os.Readlink("/proc/self/fd/" + e.Name())
		if err != nil || target != want {
			continue
		}
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if fd >= 0 {
			t.Fatalf("descriptors %d and %d are open on %s", fd, n, path)
		}
		fd = n
	}
	if fd < 0 {
		t.Fatalf("no descriptor open on %s", path)
	}
	return fd
}

// jFault makes every write through the store's descriptor on path fail
// until restore is called (also at cleanup, before the store is closed).
func jFault(t *testing.T, path string) (restore func()) {
	t.Helper()
	fd := jFdOf(t, path)
	saved, err := unix.Dup(fd)
	if err != nil {
		t.Fatal(err)
	}
	ro, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Dup3(ro, fd, unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	unix.Close(ro)
	var once sync.Once
	restore = func() {
		once.Do(func() {
			if err := unix.Dup3(saved, fd, unix.O_CLOEXEC); err != nil {
				t.Errorf("restore descriptor %d: %v", fd, err)
			}
			unix.Close(saved)
		})
	}
	t.Cleanup(restore)
	return restore
}

// jNextRecord returns the framed journal record that fn gets when it runs
// as the next commit of the store whose idle files crashCopy copied to cp
// (the same state, so the same redo and the same record number): what a
// failed journal write of fn's batch may have left in the page cache.
func jNextRecord(t *testing.T, cp string, update bool, fn func(*Tx) error) (rec []byte, seq uint64) {
	t.Helper()
	tw := jOpen(t, cp, Options{CheckpointInterval: time.Hour})
	var err error
	if update {
		err = tw.Update(fn)
	} else {
		err = tw.Batch(context.Background(), fn)
	}
	if err != nil {
		t.Fatal(err)
	}
	recs := jRecords(t, JournalPath(cp))
	if len(recs) == 0 {
		t.Fatal("the twin wrote no journal record")
	}
	r := recs[len(recs)-1]
	wal := jReadFile(t, JournalPath(cp))
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return append([]byte(nil), wal[r.off:r.off+journalRecordHead+int64(r.n)]...), r.seq
}

// jInject writes rec into the journal file at off.
func jInject(t *testing.T, walPath string, off int64, rec []byte) {
	t.Helper()
	f, err := os.OpenFile(walPath, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt(rec, off); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// jFileSeq reads the journal number the database file holds, from a read
// transaction of the open store (no checkpoint).
func jFileSeq(t *testing.T, st *Store) uint64 {
	t.Helper()
	var n uint64
	if err := st.db.View(func(tx *bolt.Tx) error { n = fileSeq(tx); return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// jGate holds the syncer in OnCommit (it runs there, after a successful
// journal write and before the answers) while on, until release.
type jGate struct {
	on      atomic.Bool
	entered chan struct{}
	release chan struct{}
}

func newJGate() *jGate {
	return &jGate{entered: make(chan struct{}, 1), release: make(chan struct{})}
}

func (g *jGate) onCommit(int, time.Duration) {
	if g.on.Load() {
		select {
		case g.entered <- struct{}{}:
		default:
		}
		<-g.release
	}
}

func (g *jGate) waitEntered(t *testing.T) {
	t.Helper()
	select {
	case <-g.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the syncer never reached OnCommit")
	}
}

// waitSyncq waits until n items wait for the syncer.
func waitSyncq(t *testing.T, st *Store, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); len(st.syncq) < n; {
		if time.Now().After(deadline) {
			t.Fatalf("%d items wait for the syncer, want %d", len(st.syncq), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func jAsync(st *Store, fn func(*Tx) error) <-chan error {
	c := make(chan error, 1)
	go func() { c <- st.Batch(context.Background(), fn) }()
	return c
}

func jAnswer(t *testing.T, what string, c <-chan error) error {
	t.Helper()
	select {
	case err := <-c:
		return err
	case <-time.After(20 * time.Second):
		t.Fatalf("%s: no answer after 20 s", what)
		return nil
	}
}

// jRefs returns the refs of an account's recharges in the ledger.
func jRefs(t *testing.T, tx *Tx, id string) map[string]bool {
	t.Helper()
	es, err := tx.Ledger(id, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	refs := map[string]bool{}
	for _, e := range es {
		if e.Kind == LedgerRecharge {
			refs[e.Ref] = true
		}
	}
	return refs
}

func (h *jLogCounter) countContaining(s string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for m, c := range h.n {
		if strings.Contains(m, s) {
			n += c
		}
	}
	return n
}

// (2) A batch whose journal write failed is answered only once the file
// holds a journal number at least its record's: whatever of the failed write
// reached the page cache (here: the whole record, as when the write went
// through and the fdatasync failed) is never applied by a later Open, and
// the caller's "failed" stays true after a crash.
func TestJournalRefusedRecordIsNeverReplayed(t *testing.T) {
	for _, update := range []bool{false, true} {
		name := map[bool]string{false: "Batch", true: "Update"}[update]
		t.Run(name, func(t *testing.T) {
			path := jNewPath(t)
			st := jOpen(t, path, Options{CheckpointInterval: time.Hour})
			if err := st.Update(jCreate("A-1", 1000)); err != nil {
				t.Fatal(err)
			}
			jBatch(t, st, jRecharge("A-1", 10, "answered"))
			off := st.journal.off // idle: where the next record goes
			refused := func(tx *Tx) error {
				if err := jCreate("B-1", 500)(tx); err != nil {
					return err
				}
				return jRecharge("A-1", 1000, "refused")(tx)
			}
			rec, seq := jNextRecord(t, crashCopy(t, path), update, refused)

			restore := jFault(t, JournalPath(path))
			var err error
			if update {
				err = st.Update(refused)
			} else {
				err = st.Batch(context.Background(), refused)
			}
			if !errors.Is(err, ErrJournal) {
				t.Fatalf("%s with a failing journal write: %v, want ErrJournal", name, err)
			}
			if got := jFileSeq(t, st); got < seq {
				t.Errorf("answered %q while the file holds journal number %d: the refused record %d could still be replayed", err, got, seq)
			}
			restore()
			// The failed write had reached the page cache.
			jInject(t, JournalPath(path), off, rec)
			check := func(what string, st *Store) {
				t.Helper()
				if _, ok := jAccount(t, st, "B-1"); ok {
					t.Errorf("%s: B-1 exists, but its commit was refused", what)
				}
				if a, _ := jAccount(t, st, "A-1"); a.Recharged != 10 || a.Available != 1010 {
					t.Errorf("%s: A-1 %+v, want the answered recharge only (10)", what, a)
				}
				auditOK(t, st, what)
			}
			check("a crash copy", jOpen(t, crashCopy(t, path), Options{}))
			check("the live store", st)
			// The store goes on, its next records after the refused number.
			jBatch(t, st, jRecharge("A-1", 1, "later"))
			rec2 := jOpen(t, crashCopy(t, path), Options{})
			if a, _ := jAccount(t, rec2, "A-1"); a.Recharged != 11 {
				t.Errorf("after one more recharge, a crash copy: %+v, want 11 recharged", a)
			}
		})
	}
}

// Pipelining: a read-only batch that ran on top of a record still on its
// way to the journal must not be answered as a success when that record's
// write fails: what it read (and answered) was never durable.
func TestJournalReadOnlyBatchBehindFailedRecordIsRefused(t *testing.T) {
	path := jNewPath(t)
	g := newJGate()
	st := jOpen(t, path, Options{CheckpointInterval: time.Hour, MaxBatchSize: 1, OnCommit: g.onCommit})
	if err := st.Update(jCreate("A-1", 1000)); err != nil {
		t.Fatal(err)
	}
	g.on.Store(true)
	h := jAsync(st, jRecharge("A-1", 1, "h")) // written; the syncer then waits
	g.waitEntered(t)
	r := jAsync(st, jRecharge("A-1", 1000, "r")) // run, handed, not written
	waitSyncq(t, st, 1)
	var seen atomic.Int64
	q := jAsync(st, func(tx *Tx) error { // reads r's balance
		a, err := tx.Account("A-1")
		seen.Store(a.Available)
		return err
	})
	waitSyncq(t, st, 2)
	restore := jFault(t, JournalPath(path))
	close(g.release)
	if err := jAnswer(t, "h", h); err != nil {
		t.Fatalf("h, written before the failure: %v", err)
	}
	if err := jAnswer(t, "r", r); !errors.Is(err, ErrJournal) {
		t.Fatalf("r, whose write failed: %v, want ErrJournal", err)
	}
	if err := jAnswer(t, "q", q); err == nil && seen.Load() != 1001 {
		t.Errorf("the read-only batch behind the failed record was answered nil having read %d (with the refused recharge)", seen.Load())
	}
	restore()
	for what, st := range map[string]*Store{"the live store": st, "a crash copy": jOpen(t, crashCopy(t, path), Options{})} {
		if a, _ := jAccount(t, st, "A-1"); a.Available != 1001 {
			t.Errorf("%s: A-1 %+v, want 1001", what, a)
		}
	}
}

// The syncer's queue full (64 items) behind a stalled journal write when the
// write fails; the journal comes back once the first refusal is answered.
// Nobody hangs, and every answer is the truth: a recharge answered nil is
// in the books (live and after a crash), one answered with an error is not.
func TestJournalFailureWithFullSyncQueue(t *testing.T) {
	path := jNewPath(t)
	g := newJGate()
	st := jOpen(t, path, Options{CheckpointInterval: time.Hour, MaxBatchSize: 1, OnCommit: g.onCommit})
	if err := st.Update(jCreate("A-1", 1000)); err != nil {
		t.Fatal(err)
	}
	jBatch(t, st, jRecharge("A-1", 1, "before"))
	g.on.Store(true)
	h := jAsync(st, jRecharge("A-1", 1, "h"))
	g.waitEntered(t)
	const n = 150
	errs := make([]error, n)
	firstErr := make(chan struct{})
	var once sync.Once
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = st.Batch(context.Background(), jRecharge("A-1", 1, fmt.Sprintf("r%03d", i)))
			if errs[i] != nil {
				once.Do(func() { close(firstErr) })
			}
		}()
	}
	waitSyncq(t, st, cap(st.syncq))
	waitQueued(t, st, n+1)
	restore := jFault(t, JournalPath(path))
	close(g.release)
	select {
	case <-firstErr:
	case <-time.After(20 * time.Second):
		t.Fatal("no refusal 20 s after the journal write failed")
	}
	restore()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("callers still waiting 30 s after the journal came back (%d queued)", st.Queued())
	}
	if err := jAnswer(t, "h", h); err != nil {
		t.Fatalf("h, written before the failure: %v", err)
	}
	want := map[string]bool{"before": true, "h": true}
	refused := 0
	for i, err := range errs {
		switch {
		case err == nil:
			want[fmt.Sprintf("r%03d", i)] = true
		case errors.Is(err, ErrJournal):
			refused++
		default:
			t.Errorf("r%03d: %v", i, err)
		}
	}
	if refused < cap(st.syncq) {
		t.Errorf("%d refused, want at least the %d items of the failed write", refused, cap(st.syncq))
	}
	t.Logf("%d of %d refused", refused, n)
	cp := crashCopy(t, path)
	for what, st := range map[string]*Store{"the live store": st, "a crash copy": jOpen(t, cp, Options{})} {
		if err := st.View(func(tx *Tx) error {
			got := jRefs(t, tx, "A-1")
			for ref := range want {
				if !got[ref] {
					t.Errorf("%s: recharge %s was answered nil but is not in the ledger", what, ref)
				}
			}
			for ref := range got {
				if ref != "" && !want[ref] {
					t.Errorf("%s: recharge %s was refused but is in the ledger", what, ref)
				}
			}
			a, err := tx.Account("A-1")
			if err == nil && a.Recharged != int64(len(want)) {
				t.Errorf("%s: A-1 recharged %d, want %d", what, a.Recharged, len(want))
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		auditOK(t, st, what)
	}
}

// Close while a journal failure is pending (the failed write's batch not yet
// taken out): Close answers it with the error, does not carry it into the
// file, and returns.
func TestJournalCloseWithJournalFailurePending(t *testing.T) {
	path := jNewPath(t)
	g := newJGate()
	st := jOpen(t, path, Options{CheckpointInterval: time.Hour, MaxBatchSize: 1, OnCommit: g.onCommit})
	if err := st.Update(jCreate("A-1", 1000)); err != nil {
		t.Fatal(err)
	}
	g.on.Store(true)
	h := jAsync(st, jRecharge("A-1", 1, "h"))
	g.waitEntered(t)
	r := jAsync(st, jRecharge("A-1", 1000, "r"))
	waitSyncq(t, st, 1)
	restore := jFault(t, JournalPath(path))
	closed := make(chan error, 1)
	go func() { closed <- st.Close() }()
	<-st.closing // Close has started and waits for the committer
	close(g.release)
	if err := jAnswer(t, "h", h); err != nil {
		t.Fatalf("h: %v", err)
	}
	if err := jAnswer(t, "r", r); !errors.Is(err, ErrJournal) {
		t.Fatalf("r, whose write failed: %v, want ErrJournal", err)
	}
	select {
	case err := <-closed:
		// The file got everything answered (the checkpoint after the
		// failure); only the journal, still failing, may be what Close
		// reports.
		if err != nil && !errors.Is(err, ErrJournal) {
			t.Errorf("Close: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Close hangs with a journal failure pending")
	}
	restore()
	ro := jOpen(t, path, Options{ReadOnly: true}) // nothing pending in the journal
	if a, _ := jAccount(t, ro, "A-1"); a.Available != 1001 || a.Recharged != 1 {
		t.Errorf("after Close: A-1 %+v, want h's recharge only", a)
	}
	auditOK(t, ro, "the closed file")
}

// (3) A timed checkpoint that fails is tried again by the timer: with no
// traffic at all, the file gets the journal's records once it can.
func TestJournalFailedTimedCheckpointIsRetried(t *testing.T) {
	path := jNewPath(t)
	logs := &jLogCounter{}
	st, err := Open(path, Options{Logger: slog.New(logs), CheckpointInterval: 30 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Update(jCreate("A-1", 1000)); err != nil {
		t.Fatal(err)
	}
	restore := jFault(t, path) // the database file: checkpoints fail
	jBatch(t, st, jRecharge("A-1", 10, "r"))
	for deadline := time.Now().Add(10 * time.Second); logs.count("store checkpoint failed") == 0; {
		if time.Now().After(deadline) {
			t.Fatal("no failed checkpoint logged")
		}
		time.Sleep(5 * time.Millisecond)
	}
	before := checkpoints(st)
	restore()
	// 10 s: a checkpoint's fsyncs can be slow on a loaded disk.
	for deadline := time.Now().Add(10 * time.Second); checkpoints(st) == before; {
		if time.Now().After(deadline) {
			t.Fatalf("no checkpoint in 10 s (over 300 intervals) after the file became writable again: the timer was not re-armed (%d failures logged)", logs.count("store checkpoint failed"))
		}
		time.Sleep(5 * time.Millisecond)
	}
	if got := jFileSeq(t, st); got != 2 {
		t.Fatalf("file at journal number %d after the retried checkpoint, want 2", got)
	}
}

// (5) A damaged or cut record after the last whole one is reported; a
// journal that simply ends (zeros after the last record) is not.
func TestJournalDamagedNextRecordIsReported(t *testing.T) {
	path := jNewPath(t)
	st := jOpen(t, path, Options{CheckpointInterval: time.Hour})
	if err := st.Update(jCreate("A-1", 1000)); err != nil {
		t.Fatal(err)
	}
	for i := range 3 { // 1, 2, 4
		jBatch(t, st, jRecharge("A-1", 1<<i, fmt.Sprintf("r%d", i)))
	}
	base := crashCopy(t, path)
	recs := jRecords(t, JournalPath(base))
	if len(recs) != 3 {
		t.Fatalf("%d records, want 3", len(recs))
	}
	last := recs[2]
	const warning = "cut short or damaged"
	for _, tc := range []struct {
		name      string
		damage    func([]byte) []byte
		recharged int64
		warned    int
	}{
		{"whole", func(w []byte) []byte { return w }, 7, 0},
		{"byte flipped", func(w []byte) []byte { w[last.off+16+int64(last.n)/2] ^= 0x10; return w }, 3, 1},
		{"cut short", func(w []byte) []byte { return w[:last.off+16+int64(last.n)-1] }, 3, 1},
		{"length huge", func(w []byte) []byte { binary.BigEndian.PutUint32(w[last.off:], journalMaxRecord+1); return w }, 3, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cp := crashCopy(t, base)
			if err := os.WriteFile(JournalPath(cp), tc.damage(jReadFile(t, JournalPath(cp))), 0o600); err != nil {
				t.Fatal(err)
			}
			logs := &jLogCounter{}
			rec, err := Open(cp, Options{Logger: slog.New(logs)})
			if err != nil {
				t.Fatal(err)
			}
			defer rec.Close()
			if got := logs.countContaining(warning); got != tc.warned {
				t.Errorf("%d warnings about a damaged record, want %d", got, tc.warned)
			}
			if a, _ := jAccount(t, rec, "A-1"); a.Recharged != tc.recharged {
				t.Errorf("A-1 %+v, want %d recharged", a, tc.recharged)
			}
		})
	}
}

// (6) A journal whose header is all zeros (its creation was cut by a crash
// before the header reached the disk) is created again by a read-write open.
func TestJournalZeroHeaderIsRecreated(t *testing.T) {
	path := jNewPath(t)
	st := jOpen(t, path, Options{})
	if err := st.Update(jCreate("A-1", 1000)); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	for _, size := range []int{journalHeaderSize, 4096} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			cp := crashCopy(t, path)
			if err := os.WriteFile(JournalPath(cp), make([]byte, size), 0o600); err != nil {
				t.Fatal(err)
			}
			rw, err := Open(cp, Options{Logger: quiet, CheckpointInterval: time.Hour})
			if err != nil {
				t.Fatalf("read-write open beside a zeroed journal header: %v", err)
			}
			t.Cleanup(func() { rw.Close() })
			f, err := os.Open(JournalPath(cp))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := readJournalHeader(f, JournalPath(cp)); err != nil {
				t.Fatalf("the header was not written again: %v", err)
			}
			jBatch(t, rw, jRecharge("A-1", 5, "after"))
			if a, _ := jAccount(t, jOpen(t, crashCopy(t, cp), Options{}), "A-1"); a.Recharged != 5 {
				t.Fatalf("a crash copy after the recreated journal: %+v", a)
			}
		})
	}
}

// BUG: a read-only open (every reading command with --db) refuses the same
// zeroed header as "not an scpd journal", although a read-write open treats
// it as no journal at all (journal.go checkJournalApplied reads the header
// of any journal of 512 bytes or more; openJournal recreates a zero one).
func TestJournalReadOnlyOpenBesideZeroHeader(t *testing.T) {
	path := jNewPath(t)
	st := jOpen(t, path, Options{})
	if err := st.Update(jCreate("A-1", 1000)); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(JournalPath(path), make([]byte, journalHeaderSize), 0o600); err != nil {
		t.Fatal(err)
	}
	ro, err := Open(path, Options{Logger: quiet, ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only open beside a journal whose creation a crash cut (zero header): %v", err)
	}
	defer ro.Close()
	if _, ok := jAccount(t, ro, "A-1"); !ok {
		t.Fatal("A-1 missing")
	}
}

// (7) ViewRecent uses the overlay only while the file is at the overlay's
// base. A reader that took its overlay before two checkpoints and opens its
// snapshot after them must read the file, not the older overlay's values.
func TestJournalViewRecentIgnoresOverlayOfOlderCheckpoint(t *testing.T) {
	st := jOpen(t, jNewPath(t), Options{CheckpointInterval: time.Hour})
	if err := st.Update(jCreate("A-1", 1000)); err != nil {
		t.Fatal(err)
	}
	jBatch(t, st, jRecharge("A-1", 1, "v1"))
	old := st.overlay.Load() // A-1 at 1001, the file at 1000
	if v, ok := old.get(bAccounts, []byte("A-1")); !ok || v == nil {
		t.Fatal("the overlay does not hold A-1")
	}
	if err := st.View(func(*Tx) error { return nil }); err != nil { // checkpoint
		t.Fatal(err)
	}
	jBatch(t, st, jRecharge("A-1", 1, "v2"))
	if err := st.View(func(*Tx) error { return nil }); err != nil { // checkpoint: the file at 1002
		t.Fatal(err)
	}
	cur := st.overlay.Load()
	st.overlay.Store(old) // what the slow reader loaded
	var got Account
	err := st.ViewRecent(func(tx *Tx) error { var err error; got, err = tx.Account("A-1"); return err })
	st.overlay.Store(cur)
	if err != nil {
		t.Fatal(err)
	}
	if got.Available != 1002 {
		t.Fatalf("ViewRecent with an overlay two checkpoints old read A-1 at %d, want the file's 1002", got.Available)
	}
	// The overlay a recovery starts with is based on the recovered file.
	path := jNewPath(t)
	st2 := jOpen(t, path, Options{CheckpointInterval: time.Hour})
	if err := st2.Update(jCreate("B-1", 1000)); err != nil {
		t.Fatal(err)
	}
	jBatch(t, st2, jRecharge("B-1", 7, "x"))
	rec := jOpen(t, crashCopy(t, path), Options{CheckpointInterval: time.Hour})
	jBatch(t, rec, jRecharge("B-1", 1, "y")) // in the recovered store's overlay
	if err := rec.ViewRecent(func(tx *Tx) error {
		if fileSeq(tx.tx) != rec.overlay.Load().base {
			t.Errorf("recovered store: file at %d, overlay based on %d: ViewRecent ignores the overlay", fileSeq(tx.tx), rec.overlay.Load().base)
		}
		b, err := tx.Account("B-1")
		if err == nil && b.Recharged != 8 {
			t.Errorf("ViewRecent after a recovery: B-1 %+v, want 8 recharged", b)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// BUG: after a journal failure whose recovery checkpoint fails too (the
// database file not writable for a while), the first batch refused while
// that lasts stops the checkpoint timer (batch.go, committer: len(records)
// == 0 → ckpt.Stop(), although needCheckpoint is set). Once the disk is
// back, an idle store never checkpoints: the file stays below the refused
// record's number, and a crash applies the refused record if its failed
// write had reached the page cache — money the caller was told was refused.
func TestJournalPendingCheckpointRetriedAfterDiskRecovers(t *testing.T) {
	path := jNewPath(t)
	logs := &jLogCounter{}
	st, err := Open(path, Options{Logger: slog.New(logs), CheckpointInterval: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Update(jCreate("A-1", 1000)); err != nil {
		t.Fatal(err)
	}
	off := st.journal.off
	rec, seq := jNextRecord(t, crashCopy(t, path), false, jRecharge("A-1", 1000, "refused"))

	restoreJ := jFault(t, JournalPath(path))
	restoreF := jFault(t, path)
	if err := st.Batch(context.Background(), jRecharge("A-1", 1000, "refused")); !errors.Is(err, ErrJournal) {
		t.Fatalf("recharge with a failing journal: %v, want ErrJournal", err)
	}
	if err := st.Batch(context.Background(), jRecharge("A-1", 5, "during")); err == nil {
		t.Fatal("a recharge succeeded while the file could not be checkpointed")
	}
	restoreJ()
	restoreF()
	jInject(t, JournalPath(path), off, rec) // the failed write had reached the page cache
	// 10 s: a checkpoint's fsyncs can be slow on a loaded disk.
	for deadline := time.Now().Add(10 * time.Second); jFileSeq(t, st) < seq; {
		if time.Now().After(deadline) {
			t.Errorf("10 s (50 intervals) after the disk came back the file is still at journal number %d, below the refused record %d: no checkpoint was tried (%d failures logged)",
				jFileSeq(t, st), seq, logs.count("store checkpoint failed"))
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	cp := crashCopy(t, path)
	if a, _ := jAccount(t, jOpen(t, cp, Options{}), "A-1"); a.Recharged != 0 {
		t.Errorf("after a crash: A-1 %+v: the refused recharge of 1000 was applied", a)
	}
}

// BUG: a backup restored over the file after a clean stop, the journal left
// beside it (what (4) guards against for the second open): the first open
// applies the replaced file's last round when it starts right after the
// backup's journal number, which a stop without a checkpoint in between
// leaves. Close checkpoints and rewinds, but the round's records stay in the
// journal file, numbered from the backup's number + 1.
func TestJournalRestoredBackupAfterCleanStop(t *testing.T) {
	path := jNewPath(t)
	st := jOpen(t, path, Options{CheckpointInterval: time.Hour})
	if err := st.Update(jCreate("A-1", 1000)); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := WriteFileAtomic(backup, func(w io.Writer) error { _, err := st.Backup(w); return err }); err != nil {
		t.Fatal(err)
	}
	jBatch(t, st, jRecharge("A-1", 500, "after-backup"))
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	jCopyFile(t, backup, path)
	st2 := jOpen(t, path, Options{CheckpointInterval: time.Hour})
	if a, _ := jAccount(t, st2, "A-1"); a.Recharged != 0 || a.Available != 1000 {
		t.Fatalf("the restored backup opened with A-1 %+v, want the backup's 1000 (the replaced file's recharge was applied to it)", a)
	}
}

// A read-only store refuses writes with bbolt's read-only error, as before
// the journal, instead of waiting for a committer it does not have.
func TestJournalReadOnlyStoreRefusesWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ro.db")
	st, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	for name, write := range map[string]func() error{
		"Batch":  func() error { return ro.Batch(context.Background(), func(*Tx) error { return nil }) },
		"Update": func() error { return ro.Update(func(*Tx) error { return nil }) },
	} {
		if err := write(); !errors.Is(err, bolterrors.ErrDatabaseReadOnly) {
			t.Errorf("%s on a read-only store: %v, want ErrDatabaseReadOnly", name, err)
		}
	}
}
