package ber

import "strconv"

// ParseInt decodes the content octets of an INTEGER or ENUMERATED of up to
// 8 octets, two's complement (X.690 8.3).
func ParseInt(v []byte) (int64, error) {
	if len(v) == 0 || len(v) > 8 {
		return 0, ErrIntegerLength
	}
	x := int64(int8(v[0])) // sign-extend the first octet
	for _, c := range v[1:] {
		x = x<<8 | int64(c)
	}
	return x, nil
}

// ParseBool decodes the content octets of a BOOLEAN; any non-zero octet is
// TRUE (X.690 8.2.2).
func ParseBool(v []byte) (bool, error) {
	if len(v) != 1 {
		return false, ErrBooleanLength
	}
	return v[0] != 0, nil
}

// ParseNull checks the content octets of a NULL.
func ParseNull(v []byte) error {
	if len(v) != 0 {
		return ErrNullLength
	}
	return nil
}

// ParseBitString returns the bits of a primitive BIT STRING and the count of
// unused bits in the last octet (X.690 8.6.2).
func ParseBitString(v []byte) (bits []byte, unused int, err error) {
	if len(v) == 0 || v[0] > 7 || (len(v) == 1 && v[0] != 0) {
		return nil, 0, ErrBitStringEncoding
	}
	return v[1:], int(v[0]), nil
}

// OID is an OBJECT IDENTIFIER kept as its encoded content octets, so it
// compares with bytes.Equal and costs nothing to decode.
type OID []byte

// ParseOID checks the content octets of an OBJECT IDENTIFIER (X.690 8.19).
func ParseOID(v []byte) (OID, error) {
	if len(v) == 0 || v[len(v)-1]&0x80 != 0 {
		return nil, ErrOIDEncoding
	}
	for i, c := range v {
		// No leading 0x80 in any subidentifier (X.690 8.19.2).
		if c == 0x80 && (i == 0 || v[i-1]&0x80 == 0) {
			return nil, ErrOIDEncoding
		}
	}
	return OID(v), nil
}

// MakeOID encodes arcs such as 0.4.0.0.1.0.50.1 into content octets.
// It panics on fewer than two arcs or a first arc above 2: it is for
// constants written in the code.
func MakeOID(arcs ...uint32) OID {
	if len(arcs) < 2 || arcs[0] > 2 {
		panic("ber: MakeOID needs two or more arcs and a first arc of 0, 1 or 2")
	}
	var b []byte
	b = appendBase128(b, uint64(arcs[0])*40+uint64(arcs[1]))
	for _, a := range arcs[2:] {
		b = appendBase128(b, uint64(a))
	}
	return OID(b)
}

func appendBase128(b []byte, v uint64) []byte {
	shift := uint(0)
	for x := v >> 7; x > 0; x >>= 7 {
		shift += 7
	}
	for ; shift > 0; shift -= 7 {
		b = append(b, byte(v>>shift)|0x80)
	}
	return append(b, byte(v&0x7f))
}

// String gives the dotted form, e.g. "0.4.0.0.1.0.50.1".
func (o OID) String() string {
	if len(o) == 0 {
		return ""
	}
	var s []byte
	var v uint64
	first := true
	for _, c := range o {
		if v > 1<<56 { // would overflow; not a real OID
			return "invalid"
		}
		v = v<<7 | uint64(c&0x7f)
		if c&0x80 != 0 {
			continue
		}
		if first {
			x := v / 40
			if x > 2 {
				x = 2
			}
			s = strconv.AppendUint(s, x, 10)
			s = append(s, '.')
			s = strconv.AppendUint(s, v-40*x, 10)
			first = false
		} else {
			s = append(s, '.')
			s = strconv.AppendUint(s, v, 10)
		}
		v = 0
	}
	return string(s)
}

// MarshalText makes JSON show the dotted form.
func (o OID) MarshalText() ([]byte, error) { return []byte(o.String()), nil }
