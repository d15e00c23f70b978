package store

import (
	"encoding/binary"
	"slices"
	"time"
)

// AppendCDR stores a call detail record, setting its Seq. Keys are the end
// time then the sequence, so listing by time is a seek.
func (t *Tx) AppendCDR(c *CDR) error {
	b := t.bucket(bCDRs)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	c.Seq = seq
	k := make([]byte, 0, 16)
	k = binary.BigEndian.AppendUint64(k, uint64(timeToInt(c.End)))
	k = binary.BigEndian.AppendUint64(k, seq)
	return b.Put(k, encodeCDR(c))
}

// CDRFilter selects CDRs. Zero values select everything.
type CDRFilter struct {
	Since, Until time.Time // by end time; Until is exclusive
	MSISDN       string    // calling, called or translated number
	CallID       string
	AccountID    string
	Recovered    *bool
	Limit        int
	// Newest makes Limit keep the last CDRs that match, not the first;
	// they still come in end-time order.
	Newest bool
}

func (f *CDRFilter) match(c *CDR) bool {
	if f.MSISDN != "" && c.Calling != f.MSISDN && c.Called != f.MSISDN && c.Translated != f.MSISDN {
		return false
	}
	if f.CallID != "" && c.CallID != f.CallID {
		return false
	}
	if f.AccountID != "" && c.AccountID != f.AccountID {
		return false
	}
	return f.Recovered == nil || *f.Recovered == c.Recovered
}

// CDRs lists CDRs in end-time order.
func (t *Tx) CDRs(f CDRFilter) ([]CDR, error) {
	if f.Newest && f.Limit > 0 {
		return t.newestCDRs(f)
	}
	var out []CDR
	c := t.bucket(bCDRs).Cursor()
	var k, v []byte
	if f.Since.IsZero() {
		k, v = c.First()
	} else {
		k, v = c.Seek(binary.BigEndian.AppendUint64(nil, uint64(timeToInt(f.Since))))
	}
	until := uint64(timeToInt(f.Until))
	for ; k != nil; k, v = c.Next() {
		if !f.Until.IsZero() && len(k) >= 8 && binary.BigEndian.Uint64(k) >= until {
			break
		}
		r, err := decodeCDR("", v)
		if err != nil {
			return nil, err
		}
		if f.match(&r) {
			out = append(out, r)
			if f.Limit > 0 && len(out) >= f.Limit {
				break
			}
		}
	}
	return out, nil
}

// newestCDRs is CDRs for the last f.Limit that match: it walks back from
// Until (or the end), so the newest calls cost no more than the oldest.
func (t *Tx) newestCDRs(f CDRFilter) ([]CDR, error) {
	var out []CDR
	c := t.bucket(bCDRs).Cursor()
	var k, v []byte
	if f.Until.IsZero() {
		k, v = c.Last()
	} else if k, _ = c.Seek(binary.BigEndian.AppendUint64(nil, uint64(timeToInt(f.Until)))); k == nil {
		k, v = c.Last() // nothing at or after Until
	} else {
		k, v = c.Prev() // Until is exclusive
	}
	since := uint64(timeToInt(f.Since))
	for ; k != nil && len(out) < f.Limit; k, v = c.Prev() {
		if !f.Since.IsZero() && len(k) >= 8 && binary.BigEndian.Uint64(k) < since {
			break
		}
		r, err := decodeCDR("", v)
		if err != nil {
			return nil, err
		}
		if f.match(&r) {
			out = append(out, r)
		}
	}
	slices.Reverse(out)
	return out, nil
}

// Ledger lists ledger entries of one account (all if accountID is empty),
// in order, after sequence `after`, at most limit (0: all).
func (t *Tx) Ledger(accountID string, after uint64, limit int) ([]LedgerEntry, error) {
	var out []LedgerEntry
	c := t.bucket(bLedger).Cursor()
	for k, v := c.Seek(u64key(after + 1)); k != nil; k, v = c.Next() {
		e, err := decodeLedger(string(k), v)
		if err != nil {
			return nil, err
		}
		if accountID == "" || e.AccountID == accountID {
			out = append(out, e)
			if limit > 0 && len(out) >= limit {
				break
			}
		}
	}
	return out, nil
}
