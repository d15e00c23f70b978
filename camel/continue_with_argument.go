package camel

import "github.com/scpd/scpd/sigtran/ber"

// ContinueWithArgumentArg is the argument of ContinueWithArgument
// (opcode 88, phases 3 and 4), gsmSCF → gsmSSF: go on with call set-up
// with the call data changed as given (TS 29.078 §6.1.1). Every member is
// optional. Octets and Extensions alias the decoded parameter.
type ContinueWithArgumentArg struct {
	AlertingPattern                 Octets                           `json:"alertingPattern,omitempty"` // 3 octets
	Extensions                      Extensions                       `json:"extensions,omitempty"`
	ServiceInteractionIndicatorsTwo *ServiceInteractionIndicatorsTwo `json:"serviceInteractionIndicatorsTwo,omitempty"`
	CallingPartysCategory           *CallingPartysCategory           `json:"callingPartysCategory,omitempty"`
	GenericNumbers                  GenericNumbers                   `json:"genericNumbers,omitempty"`
	CUGInterlock                    Octets                           `json:"cug-Interlock,omitempty"`
	CUGOutgoingAccess               bool                             `json:"cug-OutgoingAccess,omitempty"`
	ChargeNumber                    LocationNumber                   `json:"chargeNumber,omitzero"`
	Carrier                         Octets                           `json:"carrier,omitempty"`
	SuppressionOfAnnouncement       bool                             `json:"suppressionOfAnnouncement,omitempty"`
	NAOliInfo                       Octets                           `json:"naOliInfo,omitempty"`
	BorInterrogationRequested       bool                             `json:"bor-InterrogationRequested,omitempty"`
	SuppressOCSI                    bool                             `json:"suppress-O-CSI,omitempty"`
	// ContinueWithArgumentArgExtension is continueWithArgumentArgExtension [59].
	ContinueWithArgumentArgExtension *ContinueWithArgumentArgExtension `json:"continueWithArgumentArgExtension,omitempty"`
}

// ContinueWithArgumentArgExtension (ops-args) suppresses CSIs and call
// barring, and names the leg or call segment the operation applies to.
type ContinueWithArgumentArgExtension struct {
	SuppressDCSI                bool             `json:"suppress-D-CSI,omitempty"`
	SuppressNCSI                bool             `json:"suppress-N-CSI,omitempty"`
	SuppressOutgoingCallBarring bool             `json:"suppressOutgoingCallBarring,omitempty"`
	LegOrCallSegment            LegOrCallSegment `json:"legOrCallSegment,omitzero"`
}

// LegOrCallSegment is the CAP CHOICE { callSegmentID [0] CallSegmentID,
// legID [1] LegID }. Exactly one field is set; the zero value means absent.
type LegOrCallSegment struct {
	CallSegmentID uint8 `json:"callSegmentID,omitempty"` // 1..numOfCSs (maxCallSegmentID)
	LegID         LegID `json:"legID,omitzero"`
}

// IsZero reports an absent value (for omitzero).
func (l LegOrCallSegment) IsZero() bool { return l.CallSegmentID == 0 && l.LegID.IsZero() }

// Opcode returns OpContinueWithArgument.
func (a *ContinueWithArgumentArg) Opcode() Opcode { return OpContinueWithArgument }

// Encode writes the argument.
func (a *ContinueWithArgumentArg) Encode(e *ber.Encoder, ph Phase) error {
	const typ = "ContinueWithArgumentArg"
	if ph == Phase2 {
		return &DecodeError{Field: typ, Err: ErrNotInPhase}
	}
	m := e.Begin(ber.TagSequence)
	if a.AlertingPattern != nil {
		if err := encodeOctets(e, ber.Context(1), a.AlertingPattern, 3, 3); err != nil {
			return encodeErr(typ, "alertingPattern", err)
		}
	}
	if a.Extensions != nil {
		if err := encodeExtensions(e, ber.ContextC(6), a.Extensions); err != nil {
			return encodeErr(typ, "extensions", err)
		}
	}
	if a.ServiceInteractionIndicatorsTwo != nil {
		if err := a.ServiceInteractionIndicatorsTwo.encode(e, ber.ContextC(7)); err != nil {
			return encodeErr(typ, "serviceInteractionIndicatorsTwo", err)
		}
	}
	if a.CallingPartysCategory != nil {
		e.Octets(ber.Context(12), []byte{byte(*a.CallingPartysCategory)})
	}
	if a.GenericNumbers != nil {
		if err := a.GenericNumbers.encode(e, ber.ContextC(16)); err != nil {
			return encodeErr(typ, "genericNumbers", err)
		}
	}
	if a.CUGInterlock != nil {
		if err := encodeOctets(e, ber.Context(17), a.CUGInterlock, 4, 4); err != nil {
			return encodeErr(typ, "cug-Interlock", err)
		}
	}
	if a.CUGOutgoingAccess {
		e.Null(ber.Context(18))
	}
	if a.ChargeNumber != (LocationNumber{}) {
		if err := encodeNumber(e, ber.Context(50), a.ChargeNumber, minCallingNumber, maxCallingNumber); err != nil {
			return encodeErr(typ, "chargeNumber", err)
		}
	}
	if a.Carrier != nil {
		if err := encodeOctets(e, ber.Context(52), a.Carrier, 4, 4); err != nil {
			return encodeErr(typ, "carrier", err)
		}
	}
	if a.SuppressionOfAnnouncement {
		e.Null(ber.Context(55))
	}
	if a.NAOliInfo != nil {
		if err := encodeOctets(e, ber.Context(56), a.NAOliInfo, 1, 1); err != nil {
			return encodeErr(typ, "naOliInfo", err)
		}
	}
	if a.BorInterrogationRequested {
		e.Null(ber.Context(57))
	}
	if a.SuppressOCSI {
		e.Null(ber.Context(58))
	}
	if x := a.ContinueWithArgumentArgExtension; x != nil {
		xm := e.Begin(ber.ContextC(59))
		if x.SuppressDCSI {
			e.Null(ber.Context(0))
		}
		if x.SuppressNCSI {
			e.Null(ber.Context(1))
		}
		if x.SuppressOutgoingCallBarring {
			e.Null(ber.Context(2))
		}
		if !x.LegOrCallSegment.IsZero() {
			if err := x.LegOrCallSegment.encode(e, ber.ContextC(3)); err != nil {
				return encodeErr(typ, "continueWithArgumentArgExtension.legOrCallSegment", err)
			}
		}
		e.End(xm)
	}
	e.End(m)
	return nil
}

// Decode reads the argument; unknown members are skipped.
func (a *ContinueWithArgumentArg) Decode(param []byte, ph Phase) error {
	const typ = "ContinueWithArgumentArg"
	if ph == Phase2 {
		return &DecodeError{Field: typ, Err: ErrNotInPhase}
	}
	r, err := openSequence(param, ber.TagSequence, typ)
	if err != nil {
		return err
	}
	*a = ContinueWithArgumentArg{}
	var seen members
	for r.More() {
		m, err := r.Next()
		if err != nil {
			return &DecodeError{Field: typ, Err: err}
		}
		if m.Tag.Class != ber.ClassContext {
			continue // not a member of this extensible SEQUENCE: skipped
		}
		var field string
		switch m.Tag.Number {
		case 1:
			field = "alertingPattern"
			a.AlertingPattern, err = decodeOctets(m, 3, 3)
		case 6:
			field = "extensions"
			err = decodeConstructed(m, a.Extensions.decode)
		case 7:
			field = "serviceInteractionIndicatorsTwo"
			a.ServiceInteractionIndicatorsTwo = new(ServiceInteractionIndicatorsTwo)
			err = a.ServiceInteractionIndicatorsTwo.decode(m)
		case 12:
			field = "callingPartysCategory"
			var v []byte
			if v, err = primitiveValue(m); err == nil {
				a.CallingPartysCategory, err = decodeCallingPartysCategory(v)
			}
		case 16:
			field = "genericNumbers"
			err = a.GenericNumbers.decode(m)
		case 17:
			field = "cug-Interlock"
			a.CUGInterlock, err = decodeOctets(m, 4, 4)
		case 18:
			field = "cug-OutgoingAccess"
			err = decodeNull(m)
			a.CUGOutgoingAccess = err == nil
		case 50:
			field = "chargeNumber"
			err = decodeNumber(&a.ChargeNumber, m, minCallingNumber, maxCallingNumber)
		case 52:
			field = "carrier"
			a.Carrier, err = decodeOctets(m, 4, 4)
		case 55:
			field = "suppressionOfAnnouncement"
			err = decodeNull(m)
			a.SuppressionOfAnnouncement = err == nil
		case 56:
			field = "naOliInfo"
			a.NAOliInfo, err = decodeOctets(m, 1, 1)
		case 57:
			field = "bor-InterrogationRequested"
			err = decodeNull(m)
			a.BorInterrogationRequested = err == nil
		case 58:
			field = "suppress-O-CSI"
			err = decodeNull(m)
			a.SuppressOCSI = err == nil
		case 59:
			field = "continueWithArgumentArgExtension"
			a.ContinueWithArgumentArgExtension = new(ContinueWithArgumentArgExtension)
			err = a.ContinueWithArgumentArgExtension.decode(m)
		}
		if err == nil && field != "" {
			err = seen.add(m.Tag)
		}
		if err != nil {
			return fieldError(typ+"."+field, err)
		}
	}
	return nil
}

func (x *ContinueWithArgumentArgExtension) decode(m ber.TLV) error {
	r, err := constructedValue(m)
	if err != nil {
		return err
	}
	var seen members
	for r.More() {
		m, err := r.Next()
		if err != nil {
			return err
		}
		if m.Tag.Class != ber.ClassContext {
			continue
		}
		var field string
		switch m.Tag.Number {
		case 0:
			field = "suppress-D-CSI"
			err = decodeNull(m)
			x.SuppressDCSI = err == nil
		case 1:
			field = "suppress-N-CSI"
			err = decodeNull(m)
			x.SuppressNCSI = err == nil
		case 2:
			field = "suppressOutgoingCallBarring"
			err = decodeNull(m)
			x.SuppressOutgoingCallBarring = err == nil
		case 3:
			field = "legOrCallSegment"
			err = decodeConstructed(m, x.LegOrCallSegment.decode)
		}
		if err == nil && field != "" {
			err = seen.add(m.Tag)
		}
		if err != nil {
			return fieldError(field, err)
		}
	}
	return nil
}

// encode writes the CHOICE under its EXPLICIT field tag t.
func (l LegOrCallSegment) encode(e *ber.Encoder, t ber.Tag) error {
	m := e.Begin(t)
	switch {
	case l.CallSegmentID != 0 && l.LegID.IsZero():
		if l.CallSegmentID > maxCallSegmentID {
			return &DecodeError{Field: "callSegmentID", Err: ErrRange}
		}
		e.Int(ber.Context(0), int64(l.CallSegmentID))
	case l.CallSegmentID == 0 && !l.LegID.IsZero():
		if err := l.LegID.encode(e, ber.ContextC(1)); err != nil {
			return err
		}
	default:
		return ErrChoice
	}
	e.End(m)
	return nil
}

// decode reads the contents of the EXPLICIT field tag.
func (l *LegOrCallSegment) decode(v []byte) error {
	alt, err := ber.ParseOnly(v)
	if err != nil {
		return err
	}
	if alt.Tag.Class != ber.ClassContext {
		return ber.ErrUnexpectedTag
	}
	switch alt.Tag.Number {
	case 0:
		id, err := decodeInt(alt, 1, maxCallSegmentID)
		if err != nil {
			return &DecodeError{Field: "callSegmentID", Err: err}
		}
		*l = LegOrCallSegment{CallSegmentID: uint8(id)}
	case 1:
		var leg LegID
		if err := decodeConstructed(alt, leg.decode); err != nil {
			return fieldError("legID", err)
		}
		*l = LegOrCallSegment{LegID: leg}
	default:
		return ber.ErrUnexpectedTag
	}
	return nil
}
