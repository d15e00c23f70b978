package camel

import "github.com/scpd/scpd/sigtran/ber"

// AChChargingAddress says which party or resource a phase 4 ApplyCharging
// (and its report) is about:
//
//	AChChargingAddress ::= CHOICE {
//		legID         [2] LegID,
//		srfConnection [50] CallSegmentID }  -- INTEGER (1..numOfCSs), 1..127
//
// Exactly one field is set; the zero value means absent, which both
// ApplyChargingArg (DEFAULT legID:sendingSideID:leg1) and CAMEL-CallResult
// (DEFAULT legID:receivingSideID:leg1) read as leg 1.
type AChChargingAddress struct {
	LegID         LegID `json:"legID,omitzero"`
	SRFConnection uint8 `json:"srfConnection,omitempty"`
}

const maxCallSegmentID = 127 // numOfCSs in cAPSpecificBoundSet

// IsZero reports an absent value (for omitzero).
func (a AChChargingAddress) IsZero() bool { return a.LegID.IsZero() && a.SRFConnection == 0 }

// encode writes the CHOICE under its EXPLICIT field tag t, e.g.
// ApplyChargingArg aChChargingAddress [50] legID sendingSideID leg2:
// bf 32 05 a2 03 80 01 02.
func (a AChChargingAddress) encode(e *ber.Encoder, t ber.Tag) error {
	m := e.Begin(t)
	switch {
	case a.SRFConnection != 0 && a.LegID.IsZero():
		if a.SRFConnection > maxCallSegmentID {
			return &DecodeError{Field: "srfConnection", Err: ErrRange}
		}
		e.Int(ber.Context(50), int64(a.SRFConnection))
	case a.SRFConnection == 0:
		if err := a.LegID.encode(e, ber.ContextC(2)); err != nil {
			return &DecodeError{Field: "legID", Err: err}
		}
	default:
		return ErrChoice
	}
	e.End(m)
	return nil
}

// decode reads the contents of the EXPLICIT field tag.
func (a *AChChargingAddress) decode(v []byte) error {
	*a = AChChargingAddress{}
	m, err := ber.ParseOnly(v)
	if err != nil {
		return err
	}
	switch m.Tag {
	case ber.ContextC(2):
		return fieldErrorOrNil("legID", a.LegID.decode(m.Value))
	case ber.Context(50):
		x, err := decodeInt(m, 1, maxCallSegmentID)
		if err != nil {
			return &DecodeError{Field: "srfConnection", Err: err}
		}
		a.SRFConnection = uint8(x)
		return nil
	}
	return ber.ErrUnexpectedTag
}
