package camel

import "github.com/scpd/scpd/sigtran/ber"

// Helpers that decode one member of a SEQUENCE from its TLV, or encode it,
// checking the form (an IMPLICIT tag on a primitive type gives a primitive
// value, on a SEQUENCE or SET a constructed one; a tag on a CHOICE is
// EXPLICIT and so constructed) and the SIZE bound of cAPSpecificBoundSet.
// They return bare reasons; the caller adds the field path with fieldError.

// binaryUnmarshaler is implemented by the number formats (*CalledPartyNumber, …).
type binaryUnmarshaler interface {
	UnmarshalBinary([]byte) error
}

// binaryAppender is implemented by the number formats (CalledPartyNumber, …).
type binaryAppender interface {
	AppendBinary([]byte) ([]byte, error)
}

// members records the members of one SEQUENCE value decoded so far. The
// contents of a SEQUENCE are one value of each listed type (X.690 8.9.2),
// so a known member sent twice is refused: letting the last copy win
// would let a peer change, e.g., the charged time in ApplyChargingReport.
// The zero value is empty; it does not allocate for the tags CAP uses.
type members struct {
	context, universal uint64    // bit n: [n], UNIVERSAL n
	other              []ber.Tag // any other tag, form bit cleared
}

// add records the member with tag t and returns ErrDuplicate when it was
// recorded before. The form bit is ignored: class and number name the
// member (X.690 8.1.2).
func (s *members) add(t ber.Tag) error {
	var set *uint64
	switch {
	case t.Class == ber.ClassContext && t.Number < 64:
		set = &s.context
	case t.Class == ber.ClassUniversal && t.Number < 64:
		set = &s.universal
	default:
		t.Constructed = false
		for _, u := range s.other {
			if u == t {
				return ErrDuplicate
			}
		}
		s.other = append(s.other, t)
		return nil
	}
	bit := uint64(1) << t.Number
	if *set&bit != 0 {
		return ErrDuplicate
	}
	*set |= bit
	return nil
}

// once is add for a decoder that returns at each member: the error names
// the member.
func (s *members) once(t ber.Tag, name string) error {
	if err := s.add(t); err != nil {
		return &DecodeError{Field: name, Err: err}
	}
	return nil
}

func primitiveValue(m ber.TLV) ([]byte, error) {
	if m.Tag.Constructed {
		return nil, ber.ErrUnexpectedTag
	}
	return m.Value, nil
}

func constructedValue(m ber.TLV) (ber.Reader, error) {
	if !m.Tag.Constructed {
		return ber.Reader{}, ber.ErrUnexpectedTag
	}
	return ber.NewReader(m.Value), nil
}

// decodeOctets returns the content of a primitive OCTET STRING within
// min..max octets; it aliases the input.
func decodeOctets(m ber.TLV, min, max int) (Octets, error) {
	v, err := primitiveValue(m)
	if err != nil {
		return nil, err
	}
	if err := sizeIn(v, min, max); err != nil {
		return nil, err
	}
	return Octets(v), nil
}

// decodeRaw returns the content of a member that scpd passes through
// without decoding (a MAP ExtensionContainer, …), in either form.
func decodeRaw(m ber.TLV) Octets { return Octets(m.Value) }

func decodeNull(m ber.TLV) error {
	v, err := primitiveValue(m)
	if err != nil {
		return err
	}
	return ber.ParseNull(v)
}

func decodeInt(m ber.TLV, min, max int64) (int64, error) {
	v, err := primitiveValue(m)
	if err != nil {
		return 0, err
	}
	return intIn(v, min, max)
}

func decodeBool(m ber.TLV) (bool, error) {
	v, err := primitiveValue(m)
	if err != nil {
		return false, err
	}
	return ber.ParseBool(v)
}

// decodeNumber decodes an ISUP or TBCD number of min..max octets into u.
func decodeNumber(u binaryUnmarshaler, m ber.TLV, min, max int) error {
	v, err := primitiveValue(m)
	if err != nil {
		return err
	}
	if err := sizeIn(v, min, max); err != nil {
		return err
	}
	return u.UnmarshalBinary(v)
}

// encodeNumber writes a number under tag t and checks that its encoding
// takes min..max octets.
func encodeNumber[T binaryAppender](e *ber.Encoder, t ber.Tag, a T, min, max int) error {
	m := e.BeginPrimitive(t)
	start := e.Len()
	if err := e.AppendFunc(a.AppendBinary); err != nil {
		return err
	}
	if n := e.Len() - start; n < min || n > max {
		return ErrSize
	}
	e.End(m)
	return nil
}

// encodeOctets writes an OCTET STRING of min..max octets under tag t.
func encodeOctets(e *ber.Encoder, t ber.Tag, v Octets, min, max int) error {
	if len(v) < min || len(v) > max {
		return ErrSize
	}
	e.Octets(t, v)
	return nil
}

// encodeErr names the field of an encoding error the way decoding does.
func encodeErr(typ, field string, err error) error {
	return fieldError(typ+"."+field, err)
}
