package camel

import "github.com/scpd/scpd/sigtran/ber"

// GenericNumbers ::= SET SIZE(1..numOfGenericNumbers) OF GenericNumber
// (CAP-datatypes), used by Connect and ContinueWithArgument. Each element
// is an untagged OCTET STRING of 3..11 octets in the ISUP Generic Number
// format (Q.763 §3.26).
type GenericNumbers []GenericNumber

const (
	maxGenericNumbers  = 5 // numOfGenericNumbers
	minGenericNumberSz = 3
	maxGenericNumberSz = 11
)

func (g GenericNumbers) encode(e *ber.Encoder, t ber.Tag) error {
	if len(g) == 0 || len(g) > maxGenericNumbers { // SET SIZE(1..numOfGenericNumbers)
		return ErrSize
	}
	m := e.Begin(t)
	for _, n := range g {
		if err := encodeNumber(e, ber.TagOctetString, n, minGenericNumberSz, maxGenericNumberSz); err != nil {
			return err
		}
	}
	e.End(m)
	return nil
}

func (g *GenericNumbers) decode(m ber.TLV) error {
	r, err := constructedValue(m)
	if err != nil {
		return err
	}
	var out GenericNumbers
	for r.More() {
		el, err := r.Next()
		if err != nil {
			return err
		}
		if el.Tag != ber.TagOctetString {
			return ber.ErrUnexpectedTag
		}
		if len(out) == maxGenericNumbers {
			return ErrSize
		}
		out = append(out, GenericNumber{})
		if err := decodeNumber(&out[len(out)-1], el, minGenericNumberSz, maxGenericNumberSz); err != nil {
			return err
		}
	}
	if len(out) == 0 {
		return ErrSize
	}
	*g = out
	return nil
}
