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

// CDRs lists CDRs in end-time order. With Newest and a Limit it walks back
// from Until (or the end), so the newest calls cost no more than the oldest.
func (t *Tx) CDRs(f CDRFilter) ([]CDR, error) {
	c := t.bucket(bCDRs).Cursor()
	newest := f.Newest && f.Limit > 0
	var k, v []byte
	next := c.Next
	switch {
	case newest:
		next = c.Prev
		if f.Until.IsZero() {
			k, v = c.Last()
		} else if k, _ = c.Seek(timeKey(f.Until)); k == nil {
			k, v = c.Last() // nothing at or after Until
		} else {
			k, v = c.Prev() // Until is exclusive
		}
	case f.Since.IsZero():
		k, v = c.First()
	default:
		k, v = c.Seek(timeKey(f.Since))
	}
	since, until := uint64(timeToInt(f.Since)), uint64(timeToInt(f.Until))
	var out []CDR
	for ; k != nil && (f.Limit <= 0 || len(out) < f.Limit); k, v = next() {
		if len(k) >= 8 {
			end := binary.BigEndian.Uint64(k)
			if !f.Until.IsZero() && end >= until || !f.Since.IsZero() && end < since {
				break
			}
		}
		r, err := decodeCDR("", v)
		if err != nil {
			return nil, err
		}
		if f.match(&r) {
			out = append(out, r)
		}
	}
	if newest {
		slices.Reverse(out)
	}
	return out, nil
}

// timeKey is the key prefix of a time in the CDR bucket (end time) and the
// open-reservation index (deadline).
func timeKey(t time.Time) []byte { return binary.BigEndian.AppendUint64(nil, uint64(timeToInt(t))) }

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
