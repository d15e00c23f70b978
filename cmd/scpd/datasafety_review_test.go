package main

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/scpd/scpd/store"
)

// An existing --output file is months of exported billing data: export
// refuses to replace it unless told to with --force, as backup does.
func TestDataSafetyExportRefusesExistingOutput(t *testing.T) {
	dir := t.TempDir()
	_, _, stop := startDaemon(t, dir)
	stop()
	db := filepath.Join(dir, "data", "scpd.db")

	out := filepath.Join(dir, "november.csv")
	old := []byte("seq,call_id\n1,call-from-last-month\n")
	if err := os.WriteFile(out, old, 0o600); err != nil {
		t.Fatal(err)
	}
	fails(t, dir, 2, out+" exists: choose another name or pass --force", "cdr", "export", "--db", db, "--output", out)
	fails(t, dir, 2, "november.csv exists: choose another name or pass --force", "cdr", "export", "--db", db, "-o", "november.csv", "--format", "json")
	if got, _ := os.ReadFile(out); !bytes.Equal(got, old) {
		t.Fatalf("refused export changed the file:\n%s", got)
	}
	ok(t, dir, "cdr", "export", "--db", db, "--output", out, "--force")
	if got, _ := os.ReadFile(out); !strings.HasPrefix(string(got), "seq,call_id,service,") {
		t.Fatalf("export --force did not replace the file:\n%s", got)
	}
	// A new name is written as before; stdout is never refused.
	ok(t, dir, "cdr", "export", "--db", db, "--output", filepath.Join(dir, "december.csv"))
	ok(t, dir, "cdr", "export", "--db", db, "--output", "-")

	// backup says the same about its FILE.
	bk := filepath.Join(dir, "copy.db")
	ok(t, dir, "backup", bk, "--db", db)
	fails(t, dir, 2, bk+" exists: choose another name or pass --force", "backup", bk, "--db", db)
	ok(t, dir, "backup", bk, "--db", db, "--force")
}

// fileState is what a read must not change: the bytes and the mtime.
type fileState struct {
	data  []byte
	mtime time.Time
}

func stateOf(t *testing.T, path string) fileState {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fileState{data, fi.ModTime()}
}

// ageFile sets the mtime an hour back, so that any write shows.
func ageFile(t *testing.T, path string) {
	t.Helper()
	past := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(path, past, past); err != nil {
		t.Fatal(err)
	}
}

func unchanged(t *testing.T, path string, before fileState, after string) {
	t.Helper()
	now := stateOf(t, path)
	if !bytes.Equal(now.data, before.data) || !now.mtime.Equal(before.mtime) {
		t.Fatalf("%s changed the file (mtime %v -> %v, content equal %v)", after, before.mtime, now.mtime, bytes.Equal(now.data, before.data))
	}
}

func schemaOf(t *testing.T, path string) uint32 {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v uint32
	db.View(func(tx *bolt.Tx) error {
		if m := tx.Bucket([]byte("meta")); m != nil {
			if raw := m.Get([]byte("schema")); len(raw) == 4 {
				v = binary.BigEndian.Uint32(raw)
			}
		}
		return nil
	})
	return v
}

// setSchema rewrites a file's schema version; v < 2 also drops the ledger
// base bucket that version 2 added, as a backup from an older scpd has none.
func setSchema(t *testing.T, path string, v uint32) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		if v < 2 {
			if err := tx.DeleteBucket([]byte("ledgerbase")); err != nil {
				return err
			}
		}
		return tx.Bucket([]byte("meta")).Put([]byte("schema"), binary.BigEndian.AppendUint32(nil, v))
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The commands that only read open --db read-only: a backup looked at stays
// byte for byte (and mtime) what it was.
func TestDataSafetyDBReadsLeaveFileUnchanged(t *testing.T) {
	dir := t.TempDir()
	_, _, stop := startDaemon(t, dir)
	stop()
	db := filepath.Join(dir, "data", "scpd.db")
	ageFile(t, db)
	before := stateOf(t, db)
	reads := [][]string{
		{"subscriber", "list"}, {"subscriber", "show", "31612345001"},
		{"group", "list"}, {"group", "show", "ACME"},
		{"account", "list"}, {"account", "show", "A-1001"}, {"account", "ledger", "A-1001"},
		{"tariff", "list"}, {"tariff", "show", "on-net"},
		{"cdr", "list"}, {"cdr", "export"}, {"cdr", "export", "--output", filepath.Join(dir, "cdrs.csv")},
		{"reservation", "list", "--state", "all"},
		{"audit"}, {"audit", "--json"},
		{"backup", filepath.Join(dir, "copy.db")},
	}
	for _, args := range reads {
		ok(t, dir, append(args, "--db", db)...)
		unchanged(t, db, before, "scpd "+strings.Join(args, " ")+" --db")
	}
	fails(t, dir, 1, "not found", "reservation", "show", "no-such-call", "--db", db)
	unchanged(t, db, before, "scpd reservation show --db")

	// The reads left no lock behind: a write opens the file after them.
	if r := scpd(t, dir, "account", "add", "A-RW", "--opening", "100", "--db", db); r.code != 0 {
		t.Fatalf("write after reads: %+v", r)
	}
}

// An older backup is read as it is: not migrated in place (an older scpd
// would then refuse it). A write command still migrates it.
func TestDataSafetyDBReadOfOlderSchemaDoesNotMigrate(t *testing.T) {
	dir := t.TempDir()
	_, _, stop := startDaemon(t, dir)
	stop()
	db := filepath.Join(dir, "data", "scpd.db")
	setSchema(t, db, 1)
	ageFile(t, db)
	before := stateOf(t, db)
	for _, args := range [][]string{{"account", "list"}, {"audit"}, {"cdr", "export", "--format", "json"}, {"account", "show", "A-1001"}} {
		ok(t, dir, append(args, "--db", db)...)
		unchanged(t, db, before, "scpd "+strings.Join(args, " ")+" --db on a schema 1 file")
	}
	if v := schemaOf(t, db); v != 1 {
		t.Fatalf("a read migrated the file to schema %d", v)
	}
	ok(t, dir, "account", "add", "A-NEW", "--opening", "100", "--db", db)
	if v := schemaOf(t, db); v != store.SchemaVersion {
		t.Fatalf("a write left schema %d", v)
	}

	// A file from before schema versioning may lack buckets a read needs:
	// refused in one line saying what to do, and left alone.
	v0 := filepath.Join(dir, "v0.db")
	bdb, err := bolt.Open(v0, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := bdb.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("tariffs")); return err }); err != nil {
		t.Fatal(err)
	}
	bdb.Close()
	ageFile(t, v0)
	before = stateOf(t, v0)
	fails(t, dir, 1, "schema version 0", "tariff", "list", "--db", v0)
	fails(t, dir, 1, "run a write command", "account", "list", "--db", v0)
	unchanged(t, v0, before, "a read of a schema 0 file")

	// A newer file is refused, not touched.
	newer := filepath.Join(dir, "newer.db")
	ok(t, dir, "backup", newer, "--db", db)
	setSchema(t, newer, 99)
	ageFile(t, newer)
	before = stateOf(t, newer)
	fails(t, dir, 1, "upgrade scpd", "account", "list", "--db", newer)
	unchanged(t, newer, before, "a read of a schema 99 file")
}
