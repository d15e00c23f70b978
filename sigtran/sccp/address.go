package sccp

import (
	"strconv"
	"strings"
)

// Subsystem numbers (Q.713 §3.4.2.2, 3GPP TS 23.003 §8.1).
const (
	SSNManagement uint8 = 1
	SSNHLR        uint8 = 6
	SSNVLR        uint8 = 7
	SSNMSC        uint8 = 8
	SSNgsmSCF     uint8 = 147
	SSNCAP        uint8 = 146 // gsmSSF/gsmSCF CAP
)

// GTI is the global title indicator (Q.713 §3.4.1).
type GTI uint8

// Global title formats.
const (
	GTINone      GTI = 0
	GTINAI       GTI = 1 // nature of address only
	GTITT        GTI = 2 // translation type only
	GTITTNPES    GTI = 3 // translation type, numbering plan, encoding scheme
	GTITTNPESNAI GTI = 4 // all four
)

// Encoding schemes of a global title (Q.713 §3.4.2.3.3).
const (
	ESUnknown  uint8 = 0
	ESBCDOdd   uint8 = 1
	ESBCDEven  uint8 = 2
	ESNational uint8 = 3
)

// Numbering plans of a global title.
const (
	NPUnknown    uint8 = 0
	NPISDN       uint8 = 1 // E.164
	NPData       uint8 = 3
	NPTelex      uint8 = 4
	NPMaritime   uint8 = 5
	NPLandMobile uint8 = 6 // E.212
	NPISDNMobile uint8 = 7 // E.214
)

// Natures of address of a global title.
const (
	NAIUnknown       uint8 = 0
	NAISubscriber    uint8 = 1
	NAINational      uint8 = 3
	NAIInternational uint8 = 4
)

// GlobalTitle is the global title of an address. Digits are BCD digits as
// a string; the encoding scheme (odd or even) follows from their count.
type GlobalTitle struct {
	Indicator       GTI    `json:"gti"`
	TranslationType uint8  `json:"translationType,omitempty"`
	NumberingPlan   uint8  `json:"numberingPlan,omitempty"`
	EncodingScheme  uint8  `json:"encodingScheme,omitempty"`
	NatureOfAddress uint8  `json:"natureOfAddress,omitempty"`
	Digits          string `json:"digits"`
}

// Address is a called or calling party address (Q.713 §3.4).
type Address struct {
	// RouteOnSSN is the routing indicator: true routes on the point code
	// and SSN in the address, false on the global title.
	RouteOnSSN bool `json:"routeOnSSN"`
	// PointCode is the 14-bit ITU signalling point code, when HasPC.
	PointCode uint16      `json:"pointCode,omitempty"`
	HasPC     bool        `json:"-"`
	SSN       uint8       `json:"ssn,omitempty"` // 0: not present
	GT        GlobalTitle `json:"globalTitle,omitzero"`
}

// String gives a compact form for logs: "pc=2 ssn=146 gt=31612345678".
func (a Address) String() string {
	var s []string
	if a.HasPC {
		s = append(s, "pc="+strconv.Itoa(int(a.PointCode)))
	}
	if a.SSN != 0 {
		s = append(s, "ssn="+strconv.Itoa(int(a.SSN)))
	}
	if a.GT.Indicator != GTINone {
		s = append(s, "gt="+a.GT.Digits)
	}
	if a.RouteOnSSN {
		s = append(s, "route-on-ssn")
	} else {
		s = append(s, "route-on-gt")
	}
	return strings.Join(s, " ")
}

// appendAddress appends the address content (without its length octet).
func appendAddress(b []byte, a *Address) ([]byte, error) {
	ai := byte(a.GT.Indicator&0x0f) << 2
	if a.RouteOnSSN {
		ai |= 0x40
	}
	if a.SSN != 0 {
		ai |= 0x02
	}
	if a.HasPC {
		ai |= 0x01
	}
	b = append(b, ai)
	if a.HasPC {
		if a.PointCode > 0x3fff {
			return nil, errPointCode
		}
		b = append(b, byte(a.PointCode), byte(a.PointCode>>8)) // low octet first (Q.713 §3.4.2.1)
	}
	if a.SSN != 0 {
		b = append(b, a.SSN)
	}
	g := &a.GT
	odd := byte(len(g.Digits) % 2)
	switch g.Indicator {
	case GTINone:
		return b, nil
	case GTINAI:
		b = append(b, odd<<7|g.NatureOfAddress&0x7f)
	case GTITT:
		b = append(b, g.TranslationType)
	case GTITTNPES:
		b = append(b, g.TranslationType, g.NumberingPlan<<4|esFor(g))
	case GTITTNPESNAI:
		b = append(b, g.TranslationType, g.NumberingPlan<<4|esFor(g), g.NatureOfAddress&0x7f)
	default:
		return nil, errGTI
	}
	return appendBCD(b, g.Digits)
}

// esFor returns the BCD encoding scheme that matches the digit count,
// unless the caller chose a non-BCD one.
func esFor(g *GlobalTitle) byte {
	if g.EncodingScheme > ESBCDEven {
		return g.EncodingScheme & 0x0f
	}
	if len(g.Digits)%2 == 1 {
		return ESBCDOdd
	}
	return ESBCDEven
}

func appendBCD(b []byte, digits string) ([]byte, error) {
	for i := 0; i < len(digits); i += 2 {
		lo, ok := nibble(digits[i])
		if !ok {
			return nil, errDigits
		}
		var hi byte
		if i+1 < len(digits) {
			if hi, ok = nibble(digits[i+1]); !ok {
				return nil, errDigits
			}
		}
		b = append(b, hi<<4|lo)
	}
	return b, nil
}

func nibble(c byte) (byte, bool) {
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

const hexDigits = "0123456789ABCDEF"

// decodeAddress reads an address content (without its length octet).
func decodeAddress(b []byte, a *Address) error {
	if len(b) < 1 {
		return errShort
	}
	ai := b[0]
	*a = Address{RouteOnSSN: ai&0x40 != 0, HasPC: ai&0x01 != 0}
	a.GT.Indicator = GTI(ai >> 2 & 0x0f)
	b = b[1:]
	if a.HasPC {
		if len(b) < 2 {
			return errShort
		}
		a.PointCode = (uint16(b[0]) | uint16(b[1])<<8) & 0x3fff
		b = b[2:]
	}
	if ai&0x02 != 0 {
		if len(b) < 1 {
			return errShort
		}
		a.SSN = b[0]
		b = b[1:]
	}
	g := &a.GT
	odd := false
	switch g.Indicator {
	case GTINone:
		return nil
	case GTINAI:
		if len(b) < 1 {
			return errShort
		}
		odd, g.NatureOfAddress = b[0]&0x80 != 0, b[0]&0x7f
		b = b[1:]
	case GTITT:
		if len(b) < 1 {
			return errShort
		}
		g.TranslationType = b[0]
		b = b[1:]
		odd = false // GTI 2 has no odd/even field; all octets carry two digits
	case GTITTNPES, GTITTNPESNAI:
		if len(b) < 2 {
			return errShort
		}
		g.TranslationType, g.NumberingPlan, g.EncodingScheme = b[0], b[1]>>4, b[1]&0x0f
		odd = g.EncodingScheme == ESBCDOdd
		b = b[2:]
		if g.Indicator == GTITTNPESNAI {
			if len(b) < 1 {
				return errShort
			}
			g.NatureOfAddress = b[0] & 0x7f
			b = b[1:]
		}
	default:
		return errGTI
	}
	n := 2 * len(b)
	if odd && n > 0 {
		n--
	}
	if n == 0 {
		return nil
	}
	var buf [64]byte // a GT has at most ~30 digits in practice
	d := buf[:0]
	if n > len(buf) {
		d = make([]byte, 0, n)
	}
	d = d[:n]
	for i := range d {
		c := b[i/2]
		if i%2 == 1 {
			c >>= 4
		}
		d[i] = hexDigits[c&0x0f]
	}
	g.Digits = string(d)
	return nil
}
