package camel

import (
	"errors"
	"strconv"

	"github.com/scpd/scpd/sigtran/ber"
)

// ErrChoice reports a CHOICE value with no alternative, or more than one,
// set on encode.
var ErrChoice = errors.New("exactly one alternative of the CHOICE must be set")

// LegType names a call party (CS1 LegType ::= OCTET STRING (SIZE(1))).
// CAP-datatypes defines leg1 ::= '01'H (the calling party) and
// leg2 ::= '02'H (the called party); phase 4 call-party handling numbers
// further legs upwards. No leg is numbered 0, so the zero value means
// "absent" and a received 0x00 is rejected.
type LegType uint8

// The two legs of a basic call.
const (
	Leg1 LegType = 0x01
	Leg2 LegType = 0x02
)

func (l LegType) String() string {
	switch l {
	case Leg1:
		return "leg1"
	case Leg2:
		return "leg2"
	}
	return "leg(" + strconv.Itoa(int(l)) + ")"
}

// MarshalText makes JSON show the name.
func (l LegType) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// LegID is CS1 LegID ::= CHOICE { sendingSideID [0] LegType,
// receivingSideID [1] LegType }: sendingSideID in operations from the
// gsmSCF, receivingSideID in those from the gsmSSF. Exactly one field is
// set; the zero LegID means absent.
type LegID struct {
	SendingSideID   LegType `json:"sendingSideID,omitempty"`
	ReceivingSideID LegType `json:"receivingSideID,omitempty"`
}

// IsZero reports an absent LegID (for omitzero).
func (l LegID) IsZero() bool { return l.SendingSideID == 0 && l.ReceivingSideID == 0 }

// Side IDs for the single-alternative CHOICEs of CAP-datatypes:
//
//	SendingSideID   ::= CHOICE { sendingSideID [0] LegType }
//	ReceivingSideID ::= CHOICE { receivingSideID [1] LegType }
//
// Go fields of these types are plain LegType values.
var (
	tagSendingSide   = ber.Context(0)
	tagReceivingSide = ber.Context(1)
)

// encode writes the LegID under the field tag t. LegID is a CHOICE, so a
// field tag on it is EXPLICIT even in an IMPLICIT TAGS module (X.680; the
// header of CAP-errortypes says so too): BCSMEvent legID [2] with
// sendingSideID leg2 is a2 03 80 01 02.
func (l LegID) encode(e *ber.Encoder, t ber.Tag) error {
	switch {
	case l.SendingSideID != 0 && l.ReceivingSideID == 0:
		encodeSide(e, t, tagSendingSide, l.SendingSideID)
	case l.ReceivingSideID != 0 && l.SendingSideID == 0:
		encodeSide(e, t, tagReceivingSide, l.ReceivingSideID)
	default:
		return ErrChoice
	}
	return nil
}

// decode reads the contents of the EXPLICIT field tag: one [0] or [1] LegType.
func (l *LegID) decode(v []byte) error {
	tlv, err := ber.ParseOnly(v)
	if err != nil {
		return err
	}
	switch tlv.Tag {
	case tagSendingSide:
		leg, err := legType(tlv.Value)
		if err != nil {
			return &DecodeError{Field: "sendingSideID", Err: err}
		}
		*l = LegID{SendingSideID: leg}
	case tagReceivingSide:
		leg, err := legType(tlv.Value)
		if err != nil {
			return &DecodeError{Field: "receivingSideID", Err: err}
		}
		*l = LegID{ReceivingSideID: leg}
	default:
		return ber.ErrUnexpectedTag
	}
	return nil
}

// encodeSendingSideID writes a SendingSideID field under tag t, e.g.
// ApplyChargingArg partyToCharge [2] leg1: a2 03 80 01 01.
func encodeSendingSideID(e *ber.Encoder, t ber.Tag, leg LegType) error {
	if leg == 0 {
		return ErrRange
	}
	encodeSide(e, t, tagSendingSide, leg)
	return nil
}

// encodeReceivingSideID writes a ReceivingSideID field under tag t, e.g.
// EventReportBCSMArg legID [3] leg2: a3 03 81 01 02.
func encodeReceivingSideID(e *ber.Encoder, t ber.Tag, leg LegType) error {
	if leg == 0 {
		return ErrRange
	}
	encodeSide(e, t, tagReceivingSide, leg)
	return nil
}

// decodeSendingSideID reads the contents of a SendingSideID field.
func decodeSendingSideID(v []byte) (LegType, error) {
	return decodeSide(v, tagSendingSide, "sendingSideID")
}

// decodeReceivingSideID reads the contents of a ReceivingSideID field.
func decodeReceivingSideID(v []byte) (LegType, error) {
	return decodeSide(v, tagReceivingSide, "receivingSideID")
}

func encodeSide(e *ber.Encoder, field, alt ber.Tag, leg LegType) {
	m := e.Begin(field)
	e.Octets(alt, []byte{byte(leg)})
	e.End(m)
}

func decodeSide(v []byte, alt ber.Tag, name string) (LegType, error) {
	tlv, err := ber.ParseOnly(v)
	if err != nil {
		return 0, err
	}
	if tlv.Tag != alt {
		return 0, ber.ErrUnexpectedTag
	}
	leg, err := legType(tlv.Value)
	if err != nil {
		return 0, &DecodeError{Field: name, Err: err}
	}
	return leg, nil
}

// legType checks SIZE(1) and rejects leg 0, which no procedure uses.
func legType(v []byte) (LegType, error) {
	if len(v) != 1 {
		return 0, ErrSize
	}
	if v[0] == 0 {
		return 0, ErrRange
	}
	return LegType(v[0]), nil
}
