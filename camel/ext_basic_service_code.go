package camel

import "github.com/scpd/scpd/sigtran/ber"

// ExtBasicServiceCode is MAP Ext-BasicServiceCode (TS 29.002 §17.7.8,
// MAP-CommonDataTypes):
//
//	Ext-BasicServiceCode ::= CHOICE {
//		ext-BearerService [2] Ext-BearerServiceCode,  -- OCTET STRING (SIZE (1..5))
//		ext-Teleservice   [3] Ext-TeleserviceCode }   -- OCTET STRING (SIZE (1..5))
//
// The first octet is the code of 29.002 (e.g. teleservice '11'H
// telephony); the others are reserved. Exactly one field is set; the
// slices alias the decoded input. A field of this type is EXPLICIT-tagged
// because the type is a CHOICE: oAnswerSpecificInfo ext-basicServiceCode
// [54] telephony is bf 36 03 83 01 11.
type ExtBasicServiceCode struct {
	ExtBearerService Octets `json:"ext-BearerService,omitempty"`
	ExtTeleservice   Octets `json:"ext-Teleservice,omitempty"`
}

// IsZero reports an absent value (for omitzero).
func (c ExtBasicServiceCode) IsZero() bool {
	return len(c.ExtBearerService) == 0 && len(c.ExtTeleservice) == 0
}

var (
	tagExtBearerService = ber.Context(2)
	tagExtTeleservice   = ber.Context(3)
)

// encode writes the value under the field tag t.
func (c ExtBasicServiceCode) encode(e *ber.Encoder, t ber.Tag) error {
	alt, v, name := tagExtTeleservice, c.ExtTeleservice, "ext-Teleservice"
	switch {
	case len(c.ExtBearerService) > 0 && len(c.ExtTeleservice) == 0:
		alt, v, name = tagExtBearerService, c.ExtBearerService, "ext-BearerService"
	case len(c.ExtTeleservice) > 0 && len(c.ExtBearerService) == 0:
	default:
		return ErrChoice
	}
	if err := sizeIn(v, 1, 5); err != nil {
		return &DecodeError{Field: name, Err: err}
	}
	m := e.Begin(t)
	e.Octets(alt, v)
	e.End(m)
	return nil
}

// decode reads the contents of the EXPLICIT field tag.
func (c *ExtBasicServiceCode) decode(v []byte) error {
	tlv, err := ber.ParseOnly(v)
	if err != nil {
		return err
	}
	switch tlv.Tag {
	case tagExtBearerService:
		if err := sizeIn(tlv.Value, 1, 5); err != nil {
			return &DecodeError{Field: "ext-BearerService", Err: err}
		}
		*c = ExtBasicServiceCode{ExtBearerService: Octets(tlv.Value)}
	case tagExtTeleservice:
		if err := sizeIn(tlv.Value, 1, 5); err != nil {
			return &DecodeError{Field: "ext-Teleservice", Err: err}
		}
		*c = ExtBasicServiceCode{ExtTeleservice: Octets(tlv.Value)}
	default:
		return ber.ErrUnexpectedTag
	}
	return nil
}
