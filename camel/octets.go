package camel

import "encoding/hex"

// Octets is an OCTET STRING that scpd carries without interpreting it
// (ISUP user service information, call reference numbers, operator free
// format data, …). Decoded Octets alias the input. JSON shows them as hex,
// the way a lab engineer compares them with a trace.
type Octets []byte

// MarshalText gives lower-case hex.
func (o Octets) MarshalText() ([]byte, error) {
	return hex.AppendEncode(nil, o), nil
}

// UnmarshalText reads hex.
func (o *Octets) UnmarshalText(b []byte) error {
	v, err := hex.AppendDecode(nil, b)
	if err != nil {
		return err
	}
	*o = v
	return nil
}
