package store

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// mappedKiB is the resident size of this process's mapping of path, from
// /proc/self/smaps.
func mappedKiB(t *testing.T, path string) int {
	t.Helper()
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real // smaps names the file by its resolved path
	}
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	kib, in := 0, false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		fields := strings.Fields(line)
		if len(fields) >= 5 && strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":") {
			in = len(fields) >= 6 && fields[5] == path // a mapping's header line
			continue
		}
		if in && fields[0] == "Rss:" {
			n, err := strconv.Atoi(fields[1])
			if err != nil {
				t.Fatalf("smaps: %q: %v", line, err)
			}
			kib += n
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return kib
}

func TestReleaseMappedPages(t *testing.T) {
	path := filepath.Join(t.TempDir(), "scpd.db")
	st, err := Open(path, Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	// 8 MiB of values in a bucket of their own, so that reading them maps the pages.
	value := bytes.Repeat([]byte{0xa5}, 4000)
	err = st.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte("test-fill"))
		if err != nil {
			return err
		}
		for i := range 2048 {
			if err := b.Put([]byte(strconv.Itoa(i)), value); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()

	// Open rebuilds the freelist by reading every page, then releases them.
	st, err = Open(path, Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if kib := mappedKiB(t, path); kib > 1024 {
		t.Fatalf("after open %d KiB of the database stay mapped, want the freelist scan's pages released", kib)
	}
	readAll := func() {
		t.Helper()
		err := st.db.View(func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("test-fill")).ForEach(func(k, v []byte) error {
				if !bytes.Equal(v, value) {
					t.Fatalf("key %s: value changed", k)
				}
				return nil
			})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	readAll()
	if kib := mappedKiB(t, path); kib < 6*1024 {
		t.Fatalf("after reading 8 MiB only %d KiB mapped: the measurement does not see the map", kib)
	}
	if err := st.releaseMappedPages(); err != nil {
		t.Fatal(err)
	}
	if kib := mappedKiB(t, path); kib > 1024 {
		t.Fatalf("after releaseMappedPages %d KiB still mapped", kib)
	}
	readAll() // the data is read again from the page cache, unchanged
}
