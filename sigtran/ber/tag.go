package ber

import "strconv"

// Class is the class of a tag (X.690 8.1.2.2).
type Class uint8

// The four tag classes, in the bit positions they take in the first
// identifier octet.
const (
	ClassUniversal   Class = 0x00
	ClassApplication Class = 0x40
	ClassContext     Class = 0x80
	ClassPrivate     Class = 0xC0
)

func (c Class) String() string {
	switch c {
	case ClassUniversal:
		return "UNIVERSAL"
	case ClassApplication:
		return "APPLICATION"
	case ClassContext:
		return "CONTEXT"
	case ClassPrivate:
		return "PRIVATE"
	}
	return "class(" + strconv.Itoa(int(c)) + ")"
}

// Tag identifies a BER element: class, primitive or constructed form, and
// number. Tags compare with ==.
type Tag struct {
	Class       Class
	Constructed bool
	Number      uint32
}

// maxTagNumber bounds high tag numbers to four subsequent octets (28 bits);
// no module in this project comes near it and it keeps decoding bounded.
const maxTagNumber = 1<<28 - 1

// Universal tags used by TCAP and CAP.
var (
	TagBoolean     = Tag{ClassUniversal, false, 1}
	TagInteger     = Tag{ClassUniversal, false, 2}
	TagBitString   = Tag{ClassUniversal, false, 3}
	TagOctetString = Tag{ClassUniversal, false, 4}
	TagNull        = Tag{ClassUniversal, false, 5}
	TagOID         = Tag{ClassUniversal, false, 6}
	TagExternal    = Tag{ClassUniversal, true, 8}
	TagEnumerated  = Tag{ClassUniversal, false, 10}
	TagSequence    = Tag{ClassUniversal, true, 16}
	TagSet         = Tag{ClassUniversal, true, 17}
)

// Context returns the primitive context-specific tag [n], as IMPLICIT
// tagging of a primitive type gives it.
func Context(n uint32) Tag { return Tag{ClassContext, false, n} }

// ContextC returns the constructed context-specific tag [n], used for
// SEQUENCE, SET and CHOICE members and for EXPLICIT tags.
func ContextC(n uint32) Tag { return Tag{ClassContext, true, n} }

// Application returns the primitive application tag [APPLICATION n].
func Application(n uint32) Tag { return Tag{ClassApplication, false, n} }

// ApplicationC returns the constructed application tag [APPLICATION n].
func ApplicationC(n uint32) Tag { return Tag{ClassApplication, true, n} }

// String gives the tag in ASN.1 notation, e.g. "[50]" or "[APPLICATION 2] (constructed)".
func (t Tag) String() string {
	var s string
	switch t.Class {
	case ClassContext:
		s = "[" + strconv.FormatUint(uint64(t.Number), 10) + "]"
	case ClassUniversal:
		s = "[UNIVERSAL " + strconv.FormatUint(uint64(t.Number), 10) + "]"
	default:
		s = "[" + t.Class.String() + " " + strconv.FormatUint(uint64(t.Number), 10) + "]"
	}
	if t.Constructed {
		s += " (constructed)"
	}
	return s
}

// encodedLen is the number of identifier octets the tag takes.
func (t Tag) encodedLen() int {
	if t.Number < 31 {
		return 1
	}
	n := 1
	for v := t.Number; v > 0; v >>= 7 {
		n++
	}
	return n
}

// appendTag writes the identifier octets (X.690 8.1.2).
func appendTag(b []byte, t Tag) []byte {
	first := byte(t.Class)
	if t.Constructed {
		first |= 0x20
	}
	if t.Number < 31 {
		return append(b, first|byte(t.Number))
	}
	b = append(b, first|0x1f)
	// Base-128, most significant group first, bit 8 set on all but the last.
	shift := uint(0)
	for v := t.Number >> 7; v > 0; v >>= 7 {
		shift += 7
	}
	for ; shift > 0; shift -= 7 {
		b = append(b, byte(t.Number>>shift)|0x80)
	}
	return append(b, byte(t.Number&0x7f))
}

// parseTag reads identifier octets from b and returns the tag and the
// number of octets used.
func parseTag(b []byte) (Tag, int, error) {
	if len(b) == 0 {
		return Tag{}, 0, ErrTruncated
	}
	t := Tag{Class: Class(b[0] & 0xC0), Constructed: b[0]&0x20 != 0, Number: uint32(b[0] & 0x1f)}
	if t.Number != 0x1f {
		return t, 1, nil
	}
	var n uint32
	for i := 1; ; i++ {
		if i >= len(b) {
			return Tag{}, 0, ErrTruncated
		}
		c := b[i]
		if i == 1 && c == 0x80 {
			return Tag{}, 0, ErrTagEncoding // leading zero group (X.690 8.1.2.4.2 c)
		}
		n = n<<7 | uint32(c&0x7f)
		if n > maxTagNumber {
			return Tag{}, 0, ErrTagEncoding
		}
		if c&0x80 == 0 {
			t.Number = n
			return t, i + 1, nil
		}
	}
}
