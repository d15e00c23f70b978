package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// TestBucketGetAsBolt: bucket.Get, which reuses one cursor per bucket and
// transaction, answers as bbolt's Get does — present keys, keys between,
// before and after them, past the end of a page, a nested bucket's name —
// in a read transaction and in a write transaction between its own Puts.
func TestBucketGetAsBolt(t *testing.T) {
	db, err := bolt.Open(filepath.Join(t.TempDir(), "get.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	key := func(i int) []byte { return binary.BigEndian.AppendUint32([]byte("k"), uint32(i)) }
	// Every other key, with values long enough for many pages and a tree
	// several levels deep.
	const n = 6000
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte("b"))
		if err != nil {
			return err
		}
		for i := 0; i < n; i += 2 {
			if err := b.Put(key(i), bytes.Repeat([]byte{byte(i)}, 100)); err != nil {
				return err
			}
		}
		if err := b.Put([]byte("empty"), []byte{}); err != nil {
			return err
		}
		_, err = b.CreateBucket([]byte("nested"))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	probes := [][]byte{nil, {}, []byte("a"), []byte("empty"), []byte("nested"), []byte("zzz"), key(-1)}
	for i := -1; i <= n+1; i++ {
		probes = append(probes, key(i))
	}
	compare := func(t *testing.T, tx *bolt.Tx, what string) {
		t.Helper()
		raw := tx.Bucket([]byte("b"))
		ours := bucket{b: raw, get: new(*bolt.Cursor)}
		for _, k := range probes {
			want, got := raw.Get(k), ours.Get(k)
			if !bytes.Equal(got, want) || (got == nil) != (want == nil) {
				t.Fatalf("%s: Get(%q) = %q (nil %v); bbolt's Get %q (nil %v)", what, k, got, got == nil, want, want == nil)
			}
		}
	}
	if err := db.View(func(tx *bolt.Tx) error { compare(t, tx, "read transaction"); return nil }); err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		raw := tx.Bucket([]byte("b"))
		ours := bucket{b: raw, get: new(*bolt.Cursor)}
		// Writes between Gets on the same cursor: the odd keys appear,
		// some even ones go, one changes.
		for i := 1; i < n; i += 2 {
			if ours.Get(key(i)) != nil {
				return fmt.Errorf("key %d before its Put: not absent", i)
			}
			if err := raw.Put(key(i), []byte(fmt.Sprint(i))); err != nil {
				return err
			}
			if got := ours.Get(key(i)); string(got) != fmt.Sprint(i) {
				return fmt.Errorf("key %d after its Put: %q", i, got)
			}
			if i%10 == 1 {
				if err := raw.Delete(key(i - 1)); err != nil {
					return err
				}
				if got := ours.Get(key(i - 1)); got != nil {
					return fmt.Errorf("key %d after its Delete: %q", i-1, got)
				}
			}
		}
		compare(t, tx, "write transaction after its writes")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
