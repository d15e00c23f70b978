package ber

// Encoder appends BER to a buffer. Lengths of constructed values are
// back-patched at End, so nothing is encoded twice. The zero Encoder is
// ready to use; Reset keeps the buffer for reuse.
type Encoder struct {
	buf []byte
}

// NewEncoder returns an Encoder that appends to buf[:0], reusing its
// capacity.
func NewEncoder(buf []byte) *Encoder { return &Encoder{buf: buf[:0]} }

// Bytes returns the encoding so far. It aliases the Encoder's buffer.
func (e *Encoder) Bytes() []byte { return e.buf }

// Len returns the number of octets written so far.
func (e *Encoder) Len() int { return len(e.buf) }

// Reset empties the Encoder and keeps its buffer.
func (e *Encoder) Reset() { e.buf = e.buf[:0] }

// Mark is the position of a constructed value's contents, returned by Begin
// and closed by End.
type Mark int

// Begin opens a constructed value with tag t (t.Constructed is forced on).
func (e *Encoder) Begin(t Tag) Mark {
	t.Constructed = true
	e.buf = appendTag(e.buf, t)
	e.buf = append(e.buf, 0) // short-form placeholder, widened at End if needed
	return Mark(len(e.buf))
}

// BeginPrimitive opens a primitive value whose content the caller writes
// with Raw or AppendFunc, for content built piecewise (ISUP numbers, causes).
func (e *Encoder) BeginPrimitive(t Tag) Mark {
	t.Constructed = false
	e.buf = appendTag(e.buf, t)
	e.buf = append(e.buf, 0)
	return Mark(len(e.buf))
}

// End closes the value opened at m by Begin or BeginPrimitive, writing its definite length.
func (e *Encoder) End(m Mark) {
	start := int(m)
	n := len(e.buf) - start
	if n < 0x80 {
		e.buf[start-1] = byte(n)
		return
	}
	k := lengthOctets(n)
	// Widen the placeholder: shift the contents right by k octets.
	for i := 0; i < k; i++ {
		e.buf = append(e.buf, 0)
	}
	copy(e.buf[start+k:], e.buf[start:start+n])
	e.buf[start-1] = 0x80 | byte(k)
	for i := k - 1; i >= 0; i-- {
		e.buf[start+i] = byte(n)
		n >>= 8
	}
}

func lengthOctets(n int) int {
	k := 1
	for n > 0xff {
		k++
		n >>= 8
	}
	return k
}

func (e *Encoder) header(t Tag, n int) {
	e.buf = appendTag(e.buf, t)
	if n < 0x80 {
		e.buf = append(e.buf, byte(n))
		return
	}
	k := lengthOctets(n)
	e.buf = append(e.buf, 0x80|byte(k))
	for i := k - 1; i >= 0; i-- {
		e.buf = append(e.buf, byte(n>>(8*uint(i))))
	}
}

// Octets writes a primitive value with content v (OCTET STRING or any
// IMPLICIT-tagged primitive whose content the caller has encoded).
func (e *Encoder) Octets(t Tag, v []byte) {
	e.header(t, len(v))
	e.buf = append(e.buf, v...)
}

// Int writes an INTEGER (or ENUMERATED, or an IMPLICIT tag of either) in
// the fewest octets (X.690 8.3.2).
func (e *Encoder) Int(t Tag, v int64) {
	n := 1
	for x := v; x > 127 || x < -128; x >>= 8 {
		n++
	}
	e.header(t, n)
	for i := n - 1; i >= 0; i-- {
		e.buf = append(e.buf, byte(v>>(8*uint(i))))
	}
}

// Bool writes a BOOLEAN as 0xFF or 0x00 (the DER choice, accepted by all).
func (e *Encoder) Bool(t Tag, v bool) {
	e.header(t, 1)
	if v {
		e.buf = append(e.buf, 0xff)
	} else {
		e.buf = append(e.buf, 0)
	}
}

// Null writes a NULL.
func (e *Encoder) Null(t Tag) { e.header(t, 0) }

// OID writes an OBJECT IDENTIFIER from its content octets.
func (e *Encoder) OID(t Tag, o OID) { e.Octets(t, o) }

// BitString writes a primitive BIT STRING with the given unused-bit count.
func (e *Encoder) BitString(t Tag, bits []byte, unused int) {
	e.header(t, len(bits)+1)
	e.buf = append(e.buf, byte(unused))
	e.buf = append(e.buf, bits...)
}

// AppendFunc lets f append content octets directly, e.g. an
// encoding.BinaryAppender between BeginPrimitive and End.
func (e *Encoder) AppendFunc(f func([]byte) ([]byte, error)) error {
	b, err := f(e.buf)
	if err != nil {
		return err
	}
	e.buf = b
	return nil
}

// Raw appends octets that are already BER, such as a component parameter
// built elsewhere or a value passed through unchanged.
func (e *Encoder) Raw(b []byte) { e.buf = append(e.buf, b...) }
