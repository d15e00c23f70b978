package camel

import "github.com/scpd/scpd/sigtran/ber"

// CancelArg is the argument of Cancel (opcode 53), gsmSCF → gsmSSF or
// gsmSRF: stop a PlayAnnouncement or PromptAndCollectUserInformation.
//
//	CancelArg ::= CHOICE {
//		invokeID            [0] InvokeID,  -- INTEGER (-128..127)
//		allRequests         [1] NULL,
//		callSegmentToCancel [2] CallSegmentToCancel }  -- phase 4
//
// The parameter is the CHOICE itself, so its tag is the alternative's:
// 80 01 05 cancels invoke 5, 81 00 cancels everything. Exactly one field
// is set. The CHOICE has no extension marker: callSegmentToCancel in
// phases 2 and 3 is an error.
type CancelArg struct {
	InvokeID            *int8                `json:"invokeID,omitempty"`
	AllRequests         bool                 `json:"allRequests,omitempty"`
	CallSegmentToCancel *CallSegmentToCancel `json:"callSegmentToCancel,omitempty"`
}

// CallSegmentToCancel ::= SEQUENCE {
//
//	invokeID      [0] InvokeID OPTIONAL,
//	callSegmentID [1] CallSegmentID OPTIONAL,  -- 1..127; 0 here means absent
//	... }
type CallSegmentToCancel struct {
	InvokeID      *int8 `json:"invokeID,omitempty"`
	CallSegmentID uint8 `json:"callSegmentID,omitempty"`
}

// Opcode returns OpCancel.
func (a *CancelArg) Opcode() Opcode { return OpCancel }

// Encode writes the argument.
func (a *CancelArg) Encode(e *ber.Encoder, ph Phase) error {
	const typ = "CancelArg"
	n := 0
	for _, set := range [...]bool{a.InvokeID != nil, a.AllRequests, a.CallSegmentToCancel != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return &DecodeError{Field: typ, Err: ErrChoice}
	}
	switch {
	case a.InvokeID != nil:
		e.Int(ber.Context(0), int64(*a.InvokeID))
	case a.AllRequests:
		e.Null(ber.Context(1))
	default:
		if ph < Phase4 {
			return &DecodeError{Field: typ + ".callSegmentToCancel", Err: ErrPhase}
		}
		c := a.CallSegmentToCancel
		if c.CallSegmentID > maxCallSegmentID {
			return &DecodeError{Field: typ + ".callSegmentToCancel.callSegmentID", Err: ErrRange}
		}
		m := e.Begin(ber.ContextC(2))
		if c.InvokeID != nil {
			e.Int(ber.Context(0), int64(*c.InvokeID))
		}
		if c.CallSegmentID != 0 {
			e.Int(ber.Context(1), int64(c.CallSegmentID))
		}
		e.End(m)
	}
	return nil
}

// Decode reads the argument.
func (a *CancelArg) Decode(param []byte, ph Phase) error {
	const typ = "CancelArg"
	m, err := ber.ParseOnly(param)
	if err != nil {
		return &DecodeError{Field: typ, Err: err}
	}
	*a = CancelArg{}
	switch {
	case m.Tag == ber.Context(0):
		id, err := decodeInvokeID(m)
		if err != nil {
			return &DecodeError{Field: typ + ".invokeID", Err: err}
		}
		a.InvokeID = &id
	case m.Tag == ber.Context(1):
		if err := decodeNull(m); err != nil {
			return &DecodeError{Field: typ + ".allRequests", Err: err}
		}
		a.AllRequests = true
	case m.Tag == ber.ContextC(2) && ph >= Phase4:
		c := new(CallSegmentToCancel)
		a.CallSegmentToCancel = c
		err := eachMember(m.Value, func(m ber.TLV) (string, error) {
			switch m.Tag.Number {
			case 0:
				id, err := decodeInvokeID(m)
				c.InvokeID = &id
				return "invokeID", err
			case 1:
				x, err := decodeInt(m, 1, maxCallSegmentID)
				c.CallSegmentID = uint8(x)
				return "callSegmentID", err
			}
			return "", nil
		})
		if err != nil {
			return fieldError(typ+".callSegmentToCancel", err)
		}
	default:
		return &DecodeError{Field: typ, Err: ber.ErrUnexpectedTag}
	}
	return nil
}

// decodeInvokeID reads InvokeID ::= INTEGER (-128..127).
func decodeInvokeID(m ber.TLV) (int8, error) {
	x, err := decodeInt(m, -128, 127)
	return int8(x), err
}
