package store

import (
	"bytes"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// bucket is one of scpd's top-level bbolt buckets as a transaction sees it.
// In the committer's transaction every change is also written to the
// transaction's redo record, which goes to the journal (journal.go); in a
// View taken with ViewRecent a Get first looks at what the journal holds
// beyond the last checkpoint (overlay.go).
type bucket struct {
	b   *bolt.Bucket
	id  bucketID
	rec *redo    // nil: changes are not journaled
	ov  *overlay // nil: reads see the file only
	get **bolt.Cursor
}

func (b bucket) exists() bool { return b.b != nil }

// Get returns the value of key, nil when it is absent. The slice is valid
// for the life of the transaction only.
func (b bucket) Get(key []byte) []byte {
	if b.ov != nil {
		if v, ok := b.ov.get(b.id, key); ok {
			return v
		}
	}
	if b.b == nil {
		return nil
	}
	// bbolt's Get makes a cursor whose path to the leaf grows from nothing
	// (an allocation a level); the transaction's cursor for the bucket
	// keeps its path's memory. Seek starts from the root each time, so
	// writes in between (the committer's transaction) do not matter.
	c := *b.get
	if c == nil {
		c = b.b.Cursor()
		*b.get = c
	}
	k, v := c.Seek(key)
	if v == nil || !bytes.Equal(k, key) {
		return nil // absent, or a nested bucket's key as for Get
	}
	return v
}

func (b bucket) Put(key, value []byte) error {
	if err := b.b.Put(key, value); err != nil {
		return err
	}
	b.rec.put(b.id, key, value)
	return nil
}

func (b bucket) Delete(key []byte) error {
	if err := b.b.Delete(key); err != nil {
		return err
	}
	b.rec.del(b.id, key)
	return nil
}

func (b bucket) NextSequence() (uint64, error) {
	seq, err := b.b.NextSequence()
	if err != nil {
		return 0, err
	}
	b.rec.setSequence(b.id, seq)
	return seq, nil
}

func (b bucket) Sequence() uint64 { return b.b.Sequence() }

// ForEach reads the file (and, in the committer, this transaction's
// changes); it does not look at the overlay.
func (b bucket) ForEach(fn func(k, v []byte) error) error { return b.b.ForEach(fn) }

func (b bucket) Cursor() *cursor { return &cursor{c: b.b.Cursor(), id: b.id, rec: b.rec} }

// cursor is a bbolt cursor whose Delete is journaled.
type cursor struct {
	c   *bolt.Cursor
	id  bucketID
	rec *redo
	key []byte // where the cursor is, for Delete
}

func (c *cursor) at(k, v []byte) ([]byte, []byte) { c.key = k; return k, v }
func (c *cursor) First() ([]byte, []byte)         { return c.at(c.c.First()) }
func (c *cursor) Last() ([]byte, []byte)          { return c.at(c.c.Last()) }
func (c *cursor) Next() ([]byte, []byte)          { return c.at(c.c.Next()) }
func (c *cursor) Prev() ([]byte, []byte)          { return c.at(c.c.Prev()) }
func (c *cursor) Seek(seek []byte) ([]byte, []byte) {
	return c.at(c.c.Seek(seek))
}

func (c *cursor) Delete() error {
	key := c.key
	if err := c.c.Delete(); err != nil {
		return err
	}
	c.rec.del(c.id, key)
	return nil
}

// A redo record lists a batch's changes in the order they were made, so
// that applying it to the file as of the batch's start gives the file as of
// its end.
//
//	put:          'P' bucket uvarint(len key) key uvarint(len value) value
//	delete:       'D' bucket uvarint(len key) key
//	set sequence: 'S' bucket uvarint(sequence)
type redo struct {
	b      []byte
	writes int // changes made, including ones that failed half way
}

const (
	opPut         = 'P'
	opDelete      = 'D'
	opSetSequence = 'S'
)

func (r *redo) put(id bucketID, key, value []byte) {
	if r == nil {
		return
	}
	r.writes++
	r.b = append(r.b, opPut, byte(id))
	r.b = binary.AppendUvarint(r.b, uint64(len(key)))
	r.b = append(r.b, key...)
	r.b = binary.AppendUvarint(r.b, uint64(len(value)))
	r.b = append(r.b, value...)
}

func (r *redo) del(id bucketID, key []byte) {
	if r == nil {
		return
	}
	r.writes++
	r.b = append(r.b, opDelete, byte(id))
	r.b = binary.AppendUvarint(r.b, uint64(len(key)))
	r.b = append(r.b, key...)
}

func (r *redo) setSequence(id bucketID, seq uint64) {
	if r == nil {
		return
	}
	r.writes++
	r.b = append(r.b, opSetSequence, byte(id))
	r.b = binary.AppendUvarint(r.b, seq)
}

// redoOp is one decoded change.
type redoOp struct {
	kind  byte
	id    bucketID
	key   []byte
	value []byte
	seq   uint64
}

// eachRedoOp decodes rec, calling fn for every change in order.
func eachRedoOp(rec []byte, fn func(op redoOp) error) error {
	for len(rec) > 0 {
		if len(rec) < 2 {
			return fmt.Errorf("%w: redo record cut inside an operation", ErrCorruptRecord)
		}
		op := redoOp{kind: rec[0], id: bucketID(rec[1])}
		rec = rec[2:]
		if int(op.id) >= len(allBuckets) {
			return fmt.Errorf("%w: redo record names bucket %d", ErrCorruptRecord, op.id)
		}
		field := func() ([]byte, bool) {
			n, k := binary.Uvarint(rec)
			if k <= 0 || n > uint64(len(rec)-k) {
				return nil, false
			}
			v := rec[k : k+int(n)]
			rec = rec[k+int(n):]
			return v, true
		}
		var ok bool
		switch op.kind {
		case opPut:
			if op.key, ok = field(); ok {
				op.value, ok = field()
			}
		case opDelete:
			op.key, ok = field()
		case opSetSequence:
			var k int
			op.seq, k = binary.Uvarint(rec)
			if ok = k > 0; ok {
				rec = rec[k:]
			}
		default:
			return fmt.Errorf("%w: redo record operation %q", ErrCorruptRecord, op.kind)
		}
		if !ok {
			return fmt.Errorf("%w: redo record cut inside a %q operation", ErrCorruptRecord, op.kind)
		}
		if err := fn(op); err != nil {
			return err
		}
	}
	return nil
}

// boltBucket returns bucket id of tx, nil if the file has not got it.
// Buckets whose keys only grow (ledger sequence, CDR time) fill their pages
// instead of splitting them in half.
func boltBucket(tx *bolt.Tx, id bucketID) *bolt.Bucket {
	b := tx.Bucket(allBuckets[id])
	if b != nil && (id == bLedger || id == bCDRs) {
		b.FillPercent = 1.0
	}
	return b
}

// applyRedo makes the changes of rec in tx (recovery, and rebuilding the
// committer's transaction after a rollback).
func applyRedo(tx *bolt.Tx, rec []byte) error {
	return eachRedoOp(rec, func(op redoOp) error {
		b := boltBucket(tx, op.id)
		if b == nil {
			return fmt.Errorf("%w: redo record names missing bucket %s", ErrCorruptRecord, allBuckets[op.id])
		}
		var err error
		switch op.kind {
		case opPut:
			err = b.Put(op.key, op.value)
		case opDelete:
			err = b.Delete(op.key)
		case opSetSequence:
			err = b.SetSequence(op.seq)
		}
		if err != nil {
			return fmt.Errorf("redo %c %s/%q: %w", op.kind, allBuckets[op.id], op.key, err)
		}
		return nil
	})
}
