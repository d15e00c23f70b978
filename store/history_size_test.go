package store

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// History reports the sizes of the database file and of its journal as ls
// shows them. It reported bbolt's pages in use as of the last checkpoint:
// here 212,992 bytes for a 16.8 MB file (bbolt grows it in steps of up to
// 16 MiB) and a 1 MiB journal it did not count.
func TestHistoryFileSizes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "scpd.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.Update(func(tx *Tx) error {
		if err := tx.PutTariff(Tariff{Class: ClassPrepaid, PricePerMinute: 60, Initial: 1, Subsequent: 1}); err != nil {
			return err
		}
		if _, err := tx.CreateAccount(Account{ID: "A", Currency: "EUR"}, time.Now()); err != nil {
			return err
		}
		for i := 0; i < 2000; i++ {
			if err := tx.PutSubscriber(Subscriber{MSISDN: fmt.Sprintf("3161%07d", i), Prepaid: true, AccountID: "A"}, true); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	h, err := s.History()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		got  int64
		file string
	}{
		{"DatabaseBytes", h.DatabaseBytes, path},
		{"JournalBytes", h.JournalBytes, JournalPath(path)},
	} {
		fi, err := os.Stat(c.file)
		if err != nil {
			t.Fatal(err)
		}
		if c.got != fi.Size() || c.got == 0 {
			t.Errorf("History().%s = %d, want %d (the size of %s)", c.name, c.got, fi.Size(), filepath.Base(c.file))
		}
	}
}
