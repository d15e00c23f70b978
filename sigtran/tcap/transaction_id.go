package tcap

import (
	"encoding/binary"
	"encoding/hex"
)

// TransactionID is an OTID or DTID: 1 to 4 octets (Q.773 §3.1,
// OrigTransactionID/DestTransactionID). It is a comparable value.
type TransactionID struct {
	n uint8
	b [4]byte
}

// NewTransactionID returns a 4-octet ID, the size scpd allocates.
func NewTransactionID(v uint32) TransactionID {
	var t TransactionID
	t.n = 4
	binary.BigEndian.PutUint32(t.b[:], v)
	return t
}

// ParseTransactionID takes the 1..4 octets of a received ID.
func ParseTransactionID(b []byte) (TransactionID, bool) {
	if len(b) < 1 || len(b) > 4 {
		return TransactionID{}, false
	}
	var t TransactionID
	t.n = uint8(len(b))
	copy(t.b[:], b)
	return t, true
}

// Valid reports whether the ID holds 1..4 octets.
func (t TransactionID) Valid() bool { return t.n >= 1 && t.n <= 4 }

// Bytes returns the octets.
func (t TransactionID) Bytes() []byte { return t.b[:t.n] }

// Uint32 returns the octets as a big-endian number, for maps and logs.
func (t TransactionID) Uint32() uint32 {
	var v uint32
	for _, c := range t.b[:t.n] {
		v = v<<8 | uint32(c)
	}
	return v
}

// String gives the hex octets, as Wireshark shows tcap.otid.
func (t TransactionID) String() string { return hex.EncodeToString(t.Bytes()) }

// MarshalText makes JSON show the hex octets.
func (t TransactionID) MarshalText() ([]byte, error) { return []byte(t.String()), nil }
