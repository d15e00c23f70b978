package camel

import "github.com/scpd/scpd/sigtran/ber"

// CallInformationReportArg is the argument of CallInformationReport
// (opcode 44), gsmSSF → gsmSCF: the data a CallInformationRequest asked
// for (TS 29.078 §6.1.1).
type CallInformationReportArg struct {
	// RequestedInformationList holds 1..numOfInfoItems (4) items.
	RequestedInformationList []RequestedInformation `json:"requestedInformationList"`
	Extensions               Extensions             `json:"extensions,omitempty"`
	// LegID is the ReceivingSideID, DEFAULT leg2: a missing one decodes
	// as Leg2, and Leg2 (or 0) is not encoded.
	LegID LegType `json:"legID"`
}

// Opcode returns OpCallInformationReport.
func (a *CallInformationReportArg) Opcode() Opcode { return OpCallInformationReport }

// Encode writes the argument.
func (a *CallInformationReportArg) Encode(e *ber.Encoder, ph Phase) error {
	const typ = "CallInformationReportArg"
	if n := len(a.RequestedInformationList); n == 0 || n > maxInfoItems {
		return encodeErr(typ, "requestedInformationList", ErrSize)
	}
	m := e.Begin(ber.TagSequence)
	lm := e.Begin(ber.ContextC(0))
	for i := range a.RequestedInformationList {
		if err := a.RequestedInformationList[i].encode(e); err != nil {
			return encodeErr(typ, "requestedInformationList", err)
		}
	}
	e.End(lm)
	if a.Extensions != nil {
		if err := encodeExtensions(e, ber.ContextC(2), a.Extensions); err != nil {
			return encodeErr(typ, "extensions", err)
		}
	}
	if a.LegID != 0 && a.LegID != Leg2 { // DEFAULT receivingSideID:leg2
		if err := encodeReceivingSideID(e, ber.ContextC(3), a.LegID); err != nil {
			return encodeErr(typ, "legID", err)
		}
	}
	e.End(m)
	return nil
}

// Decode reads the argument; unknown members are skipped.
func (a *CallInformationReportArg) Decode(param []byte, ph Phase) error {
	const typ = "CallInformationReportArg"
	r, err := openSequence(param, ber.TagSequence, typ)
	if err != nil {
		return err
	}
	*a = CallInformationReportArg{LegID: Leg2}
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
			field = "requestedInformationList"
			err = decodeConstructed(m, a.decodeList)
			haveList = err == nil
		case 2:
			field = "extensions"
			err = decodeConstructed(m, a.Extensions.decode)
		case 3:
			field = "legID"
			err = decodeConstructed(m, func(v []byte) (err error) {
				a.LegID, err = decodeReceivingSideID(v)
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
		return &DecodeError{Field: typ + ".requestedInformationList", Err: ErrMissing}
	}
	return nil
}

func (a *CallInformationReportArg) decodeList(v []byte) error {
	n, err := countElements(v, maxInfoItems)
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrSize
	}
	a.RequestedInformationList = make([]RequestedInformation, n)
	r := ber.NewReader(v)
	for i := range a.RequestedInformationList {
		el, _ := r.Next() // countElements parsed them all
		if err := a.RequestedInformationList[i].decode(el); err != nil {
			return err
		}
	}
	return nil
}
