package camel

// BCD digits as ISUP (Q.763 §3.9) and MAP TBCD (TS 29.002 §17.7.8) pack
// them: two per octet, the first digit in the low nibble.
//
// Digits travel as strings. ISUP address signals 0-9 are the digits
// themselves; codes 11 and 12 (and the other non-decimal codes) are written
// as the hex letters B, C, …; code 15 (ST, end of pulsing) as F. TBCD uses
// the letters of 29.002: '*' (1010), '#' (1011), 'a', 'b', 'c'.

const hexDigits = "0123456789ABCDEF"

// isupNibble maps an ISUP address signal character to its 4-bit code.
func isupNibble(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}

// appendBCD packs digits after b, low nibble first; an odd count leaves the
// last high nibble as filler. codes maps each character to its 4-bit code
// (isupCodes or tbcdCodes): a table lookup, because this runs for every
// number of every message.
func appendBCD(b []byte, digits string, codes *[256]byte, filler byte) ([]byte, error) {
	for i := 0; i < len(digits); i += 2 {
		lo, hi := codes[digits[i]], filler
		if i+1 < len(digits) {
			hi = codes[digits[i+1]]
		}
		if lo > 0x0f || hi > 0x0f {
			return nil, ErrDigits
		}
		b = append(b, hi<<4|lo)
	}
	return b, nil
}

// isupCodes and tbcdCodes hold isupNibble and tbcdNibble as tables, with
// 0xff for a character that is no digit.
var isupCodes, tbcdCodes = codeTable(isupNibble), codeTable(tbcdNibble)

func codeTable(nibble func(byte) (byte, bool)) *[256]byte {
	var t [256]byte
	for c := range t {
		t[c] = 0xff
		if v, ok := nibble(byte(c)); ok {
			t[c] = v
		}
	}
	return &t
}

// isupDigits unpacks n BCD digits from b as ISUP address signals.
func isupDigits(b []byte, odd bool) string {
	n := 2 * len(b)
	if odd && n > 0 {
		n--
	}
	if n == 0 {
		return ""
	}
	s := make([]byte, n)
	for i := range s {
		c := b[i/2]
		if i%2 == 1 {
			c >>= 4
		}
		s[i] = hexDigits[c&0x0f]
	}
	return string(s)
}

const tbcdDigits = "0123456789*#abc"

// tbcdNibble maps a TBCD character to its code (29.002 TBCD-STRING).
func tbcdNibble(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c == '*':
		return 10, true
	case c == '#':
		return 11, true
	case c >= 'a' && c <= 'c':
		return c - 'a' + 12, true
	}
	return 0, false
}

// tbcdString unpacks TBCD; 1111 is the filler that ends an odd count.
// A filler in a low nibble, or before the last octet, is malformed.
func tbcdString(b []byte) (string, error) {
	var buf [48]byte
	s := buf[:0]
	for i, c := range b {
		lo, hi := c&0x0f, c>>4
		if lo == 0x0f {
			return "", ErrDigits
		}
		s = append(s, tbcdDigits[lo])
		if hi == 0x0f {
			if i != len(b)-1 {
				return "", ErrDigits
			}
			break
		}
		s = append(s, tbcdDigits[hi])
	}
	return string(s), nil
}
