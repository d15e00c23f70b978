package camel

import "github.com/scpd/scpd/sigtran/ber"

// CallInformationRequestArg is the argument of CallInformationRequest
// (opcode 45), gsmSCF → gsmSSF: record these data for one party and send
// them in a CallInformationReport when the party leaves (TS 29.078 §6.1.1).
type CallInformationRequestArg struct {
	// RequestedInformationTypeList holds 1..numOfInfoItems (4) types.
	RequestedInformationTypeList []RequestedInformationType `json:"requestedInformationTypeList"`
	Extensions                   Extensions                 `json:"extensions,omitempty"`
	// LegID is the SendingSideID, DEFAULT leg2: a missing one decodes as
	// Leg2, and Leg2 (or 0) is not encoded.
	LegID LegType `json:"legID"`
}

// Opcode returns OpCallInformationRequest.
func (a *CallInformationRequestArg) Opcode() Opcode { return OpCallInformationRequest }

// Encode writes the argument.
func (a *CallInformationRequestArg) Encode(e *ber.Encoder, ph Phase) error {
	const typ = "CallInformationRequestArg"
	if n := len(a.RequestedInformationTypeList); n == 0 || n > maxInfoItems {
		return encodeErr(typ, "requestedInformationTypeList", ErrSize)
	}
	m := e.Begin(ber.TagSequence)
	lm := e.Begin(ber.ContextC(0))
	for _, t := range a.RequestedInformationTypeList {
		if !t.valid() {
			return encodeErr(typ, "requestedInformationTypeList", ErrRange)
		}
		e.Int(ber.TagEnumerated, int64(t))
	}
	e.End(lm)
	if a.Extensions != nil {
		if err := encodeExtensions(e, ber.ContextC(2), a.Extensions); err != nil {
			return encodeErr(typ, "extensions", err)
		}
	}
	if a.LegID != 0 && a.LegID != Leg2 { // DEFAULT sendingSideID:leg2
		if err := encodeSendingSideID(e, ber.ContextC(3), a.LegID); err != nil {
			return encodeErr(typ, "legID", err)
		}
	}
	e.End(m)
	return nil
}

// Decode reads the argument; unknown members are skipped.
func (a *CallInformationRequestArg) Decode(param []byte, ph Phase) error {
	const typ = "CallInformationRequestArg"
	r, err := openSequence(param, ber.TagSequence, typ)
	if err != nil {
		return err
	}
	*a = CallInformationRequestArg{LegID: Leg2}
	haveList := false
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
		case 0:
			field = "requestedInformationTypeList"
			err = decodeConstructed(m, a.decodeTypes)
			haveList = err == nil
		case 2:
			field = "extensions"
			err = decodeConstructed(m, a.Extensions.decode)
		case 3:
			field = "legID"
			err = decodeConstructed(m, func(v []byte) (err error) {
				a.LegID, err = decodeSendingSideID(v)
				return err
			})
		}
		if err == nil && field != "" {
			err = seen.add(m.Tag)
		}
		if err != nil {
			return fieldError(typ+"."+field, err)
		}
	}
	if !haveList {
		return &DecodeError{Field: typ + ".requestedInformationTypeList", Err: ErrMissing}
	}
	return nil
}

func (a *CallInformationRequestArg) decodeTypes(v []byte) error {
	n, err := countElements(v, maxInfoItems)
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrSize
	}
	a.RequestedInformationTypeList = make([]RequestedInformationType, 0, n)
	r := ber.NewReader(v)
	for r.More() {
		el, _ := r.Next() // countElements parsed them all
		if el.Tag != ber.TagEnumerated {
			return ber.ErrUnexpectedTag
		}
		t, err := decodeRequestedInformationType(el)
		if err != nil {
			return err
		}
		a.RequestedInformationTypeList = append(a.RequestedInformationTypeList, t)
	}
	return nil
}
