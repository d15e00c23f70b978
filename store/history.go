package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// History is how much the file holds and how far back it goes, for the
// operator deciding when to export and purge (Purge).
type History struct {
	DatabaseBytes int64     `json:"database_bytes"` // the database file's size
	JournalBytes  int64     `json:"journal_bytes"`  // the journal file's (JournalPath), 0 if none
	OldestCDR     time.Time `json:"oldest_cdr,omitzero"`
	OldestLedger  time.Time `json:"oldest_ledger_entry,omitzero"`
}

// History reads the first CDR and ledger entry only: cheap enough for every
// metrics scrape (a count would read every page). It reads the file as of
// the last checkpoint (ViewRecent), so that a scrape does not force one:
// the oldest entries change only by a purge, which checkpoints.
func (s *Store) History() (History, error) {
	var h History
	// The files' sizes, as ls shows them. bbolt's tx.Size() was reported
	// before: its pages up to the last in use, as of the last checkpoint.
	// bbolt grows the file ahead of its pages, in steps of up to 16 MiB,
	// and the journal holds what is not checkpointed yet, so that read
	// tens of KiB for a 16.8 MB file.
	fi, err := os.Stat(s.path)
	if err != nil {
		return h, fmt.Errorf("store: history: %w", err)
	}
	h.DatabaseBytes = fi.Size()
	if fi, err := os.Stat(JournalPath(s.path)); err == nil {
		h.JournalBytes = fi.Size()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return h, fmt.Errorf("store: history: %w", err)
	}
	err = s.ViewRecent(func(t *Tx) error {
		if k, _ := t.bucket(bCDRs).Cursor().First(); len(k) >= 8 {
			h.OldestCDR = intToTime(int64(binary.BigEndian.Uint64(k)))
		}
		if k, v := t.bucket(bLedger).Cursor().First(); k != nil {
			e, err := decodeLedger(fmt.Sprintf("%x", k), v)
			if err != nil {
				return err
			}
			h.OldestLedger = e.At
		}
		return nil
	})
	if err != nil {
		return h, fmt.Errorf("store: history: %w", err)
	}
	return h, nil
}
