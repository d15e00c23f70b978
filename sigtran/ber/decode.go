package ber

// MaxDepth bounds the nesting of indefinite-length values the decoder will
// follow, so hostile input cannot exhaust the stack.
const MaxDepth = 32

// TLV is one decoded element. Value holds the content octets (for an
// indefinite length, without the end-of-contents octets) and aliases the
// input; Len is the total number of octets the element took, so the next
// element starts at Len.
type TLV struct {
	Tag   Tag
	Value []byte
	Len   int
}

// Parse decodes the first element of b.
func Parse(b []byte) (TLV, error) {
	return parse(b, 0)
}

// ParseOnly decodes b as exactly one element and fails on trailing octets.
func ParseOnly(b []byte) (TLV, error) {
	t, err := parse(b, 0)
	if err != nil {
		return TLV{}, err
	}
	if t.Len != len(b) {
		return TLV{}, ErrTrailingData
	}
	return t, nil
}

func parse(b []byte, depth int) (TLV, error) {
	tag, n, err := parseTag(b)
	if err != nil {
		return TLV{}, err
	}
	if n >= len(b) {
		return TLV{}, ErrTruncated
	}
	l := b[n]
	n++
	switch {
	case l < 0x80: // short form (X.690 8.1.3.4)
		end := n + int(l)
		if end > len(b) {
			return TLV{}, ErrLengthOverflow
		}
		return TLV{Tag: tag, Value: b[n:end], Len: end}, nil
	case l == 0x80: // indefinite form, constructed only (X.690 8.1.3.6)
		if !tag.Constructed {
			return TLV{}, ErrIndefinite
		}
		if depth >= MaxDepth {
			return TLV{}, ErrTooDeep
		}
		start := n
		for {
			if n+2 <= len(b) && b[n] == 0 && b[n+1] == 0 {
				return TLV{Tag: tag, Value: b[start:n], Len: n + 2}, nil
			}
			if n >= len(b) {
				return TLV{}, ErrTruncated
			}
			inner, err := parse(b[n:], depth+1)
			if err != nil {
				return TLV{}, err
			}
			n += inner.Len
		}
	case l == 0xff: // reserved (X.690 8.1.3.5 c)
		return TLV{}, ErrLengthEncoding
	default: // long form: 1..4 subsequent octets are plenty for SS7
		k := int(l & 0x7f)
		if k > 4 {
			return TLV{}, ErrLengthEncoding
		}
		if n+k > len(b) {
			return TLV{}, ErrTruncated
		}
		var v int
		for _, c := range b[n : n+k] {
			v = v<<8 | int(c)
		}
		n += k
		if v > len(b)-n {
			return TLV{}, ErrLengthOverflow
		}
		return TLV{Tag: tag, Value: b[n : n+v], Len: n + v}, nil
	}
}

// Reader walks the elements of a constructed value's contents in order.
// The zero Reader is empty.
type Reader struct {
	b []byte
}

// NewReader returns a Reader over content octets, e.g. TLV.Value of a SEQUENCE.
func NewReader(b []byte) Reader { return Reader{b: b} }

// More reports whether elements remain.
func (r *Reader) More() bool { return len(r.b) > 0 }

// Next decodes and consumes the next element.
func (r *Reader) Next() (t TLV, err error) {
	// Fast path: a tag below 31 with a short definite length, which is
	// almost every element of TCAP and CAP.
	if b := r.b; len(b) >= 2 && b[0]&0x1f != 0x1f && b[1] < 0x80 {
		if n := 2 + int(b[1]); n <= len(b) {
			t.Tag = Tag{Class: Class(b[0] & 0xC0), Constructed: b[0]&0x20 != 0, Number: uint32(b[0] & 0x1f)}
			t.Value, t.Len = b[2:n:n], n
			r.b = b[n:]
			return t, nil
		}
	}
	t, err = parse(r.b, 0)
	if err != nil {
		r.b = nil // stop a caller that loops on More
		return TLV{}, err
	}
	r.b = r.b[t.Len:]
	return t, nil
}

// PeekTag returns the tag of the next element without consuming it.
func (r *Reader) PeekTag() (Tag, bool) {
	t, _, err := parseTag(r.b)
	return t, err == nil
}

// Rest returns the undecoded octets.
func (r *Reader) Rest() []byte { return r.b }
