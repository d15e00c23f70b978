package store

import (
	"encoding/binary"
	"fmt"
	"time"
)

// The record encoding: a version byte, then fields in a fixed order as
// varints (signed zig-zag for money and times), uvarint-length-prefixed
// strings and single-byte booleans. New fields are appended at the end and
// guarded by the version byte; see schema.go.

type encoder struct{ b []byte }

func (e *encoder) u8(v uint8)       { e.b = append(e.b, v) }
func (e *encoder) uvarint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) varint(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *encoder) str(s string)     { e.uvarint(uint64(len(s))); e.b = append(e.b, s...) }
func (e *encoder) time(t time.Time) { e.varint(timeToInt(t)) }
func (e *encoder) boolean(v bool) {
	if v {
		e.u8(1)
	} else {
		e.u8(0)
	}
}

// A zero time is stored as 0 so that it decodes back to the zero time.
func timeToInt(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func intToTime(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.Unix(0, v).UTC()
}

// decoder is sticky: the first error stops decoding and is reported by err.
type decoder struct {
	b   []byte
	bad bool
	// s is a copy of the record from its first non-empty string on: the
	// strings decoded are slices of it, one allocation a record instead
	// of one a field (a reservation has a dozen).
	s string
}

func (d *decoder) fail() { d.bad = true; d.b = nil }

func (d *decoder) u8() uint8 {
	if len(d.b) < 1 {
		d.fail()
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) str() string {
	n := d.uvarint()
	if d.bad || uint64(len(d.b)) < n {
		d.fail()
		return ""
	}
	if n == 0 {
		return ""
	}
	if len(d.b) > len(d.s) {
		d.s = string(d.b)
	}
	at := len(d.s) - len(d.b)
	s := d.s[at : at+int(n)]
	d.b = d.b[n:]
	return s
}

func (d *decoder) time() time.Time { return intToTime(d.varint()) }
func (d *decoder) boolean() bool   { return d.u8() != 0 }

func (d *decoder) err(kind, key string) error {
	if d.bad {
		return keyErr(kind, key, fmt.Errorf("%w: truncated", ErrCorruptRecord))
	}
	return nil
}

func u64key(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }
