package store

import (
	"encoding/binary"
	"fmt"
	"time"
)

// History is how much the file holds and how far back it goes, for the
// operator deciding when to export and purge (Purge).
type History struct {
	DatabaseBytes int64     `json:"database_bytes"` // the file up to its last page in use
	OldestCDR     time.Time `json:"oldest_cdr,omitzero"`
	OldestLedger  time.Time `json:"oldest_ledger_entry,omitzero"`
}

// History reads the first CDR and ledger entry only: cheap enough for every
// metrics scrape (a count would read every page). It reads the file as of
// the last checkpoint (ViewRecent), so that a scrape does not force one:
// the oldest entries change only by a purge, which checkpoints.
func (s *Store) History() (History, error) {
	var h History
	err := s.ViewRecent(func(t *Tx) error {
		h.DatabaseBytes = t.tx.Size()
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
