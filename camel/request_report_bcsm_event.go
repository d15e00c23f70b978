package camel

import "github.com/scpd/scpd/sigtran/ber"

// RequestReportBCSMEventArg is the argument of RequestReportBCSMEvent
// (opcode 23), gsmSCF → gsmSSF: arm the detection points to report.
//
//	RequestReportBCSMEventArg ::= SEQUENCE {
//		bcsmEvents [0] SEQUENCE SIZE(1..numOfBCSMEvents) OF BCSMEvent,
//		extensions [2] Extensions OPTIONAL,
//		... }
//
// The encoding is the same in phases 2 to 4; the later phases only add
// event types, DP criteria and automaticRearm, which an older gsmSSF
// rejects. Byte slices of a decoded value alias the parameter.
type RequestReportBCSMEventArg struct {
	BCSMEvents []BCSMEvent `json:"bcsmEvents"`
	Extensions Extensions  `json:"extensions,omitempty"`
}

const maxBCSMEvents = 30 // numOfBCSMEvents in cAPSpecificBoundSet

// Opcode returns OpRequestReportBCSMEvent.
func (a *RequestReportBCSMEventArg) Opcode() Opcode { return OpRequestReportBCSMEvent }

// Encode writes the argument.
func (a *RequestReportBCSMEventArg) Encode(e *ber.Encoder, ph Phase) error {
	const typ = "RequestReportBCSMEventArg"
	if len(a.BCSMEvents) < 1 || len(a.BCSMEvents) > maxBCSMEvents {
		return &DecodeError{Field: typ + ".bcsmEvents", Err: ErrSize}
	}
	m := e.Begin(ber.TagSequence)
	lm := e.Begin(ber.ContextC(0))
	for i := range a.BCSMEvents {
		if err := a.BCSMEvents[i].encode(e); err != nil {
			return fieldError(typ+".bcsmEvents", err)
		}
	}
	e.End(lm)
	if len(a.Extensions) > 0 {
		if err := encodeExtensions(e, ber.ContextC(2), a.Extensions); err != nil {
			return fieldError(typ+".extensions", err)
		}
	}
	e.End(m)
	return nil
}

// Decode reads the argument.
func (a *RequestReportBCSMEventArg) Decode(param []byte, ph Phase) error {
	const typ = "RequestReportBCSMEventArg"
	r, err := openSequence(param, ber.TagSequence, typ)
	if err != nil {
		return err
	}
	*a = RequestReportBCSMEventArg{}
	var seen members
	for r.More() {
		m, err := r.Next()
		if err != nil {
			return fieldError(typ, err)
		}
		if m.Tag.Class != ber.ClassContext {
			continue
		}
		switch m.Tag.Number {
		case 0:
			if err := seen.once(m.Tag, "bcsmEvents"); err != nil {
				return fieldError(typ, err)
			}
			if err := decodeConstructed(m, a.decodeEvents); err != nil {
				return fieldError(typ+".bcsmEvents", err)
			}
		case 2:
			if err := seen.once(m.Tag, "extensions"); err != nil {
				return fieldError(typ, err)
			}
			if err := decodeConstructed(m, a.Extensions.decode); err != nil {
				return fieldError(typ+".extensions", err)
			}
		}
	}
	if a.BCSMEvents == nil {
		return &DecodeError{Field: typ + ".bcsmEvents", Err: ErrMissing}
	}
	return nil
}

func (a *RequestReportBCSMEventArg) decodeEvents(v []byte) error {
	n, err := countElements(v, maxBCSMEvents)
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrSize
	}
	a.BCSMEvents = make([]BCSMEvent, n)
	r := ber.NewReader(v)
	for i := range a.BCSMEvents {
		m, _ := r.Next() // countElements has parsed them all
		if m.Tag != ber.TagSequence {
			return ber.ErrUnexpectedTag
		}
		if err := a.BCSMEvents[i].decode(m.Value); err != nil {
			return err
		}
	}
	return nil
}

// encodeExtensions checks the SIZE (1..numOfExtensions) bound and writes
// the list under tag t. An empty list is refused: it would go out as an
// empty SEQUENCE OF, which CAP-datatypes Extensions does not allow and
// Extensions.decode rejects.
func encodeExtensions(e *ber.Encoder, t ber.Tag, x Extensions) error {
	if len(x) == 0 || len(x) > maxExtensions {
		return ErrSize
	}
	x.encode(e, t)
	return nil
}
