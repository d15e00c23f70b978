package tcap

import (
	"strconv"

	"github.com/scpd/scpd/sigtran/ber"
)

// ComponentType is the tag of a component (Q.773 §3.2, ROS of X.880).
type ComponentType uint8

// Component types.
const (
	Invoke              ComponentType = 1
	ReturnResultLast    ComponentType = 2
	ReturnError         ComponentType = 3
	Reject              ComponentType = 4
	ReturnResultNotLast ComponentType = 7
)

func (t ComponentType) String() string {
	switch t {
	case Invoke:
		return "invoke"
	case ReturnResultLast:
		return "returnResultLast"
	case ReturnError:
		return "returnError"
	case Reject:
		return "reject"
	case ReturnResultNotLast:
		return "returnResultNotLast"
	}
	return "component(" + strconv.Itoa(int(t)) + ")"
}

// MarshalText makes JSON show the name.
func (t ComponentType) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// Code is an operation or error code: local INTEGER or global OBJECT
// IDENTIFIER (X.880 Code). CAP uses local codes only.
type Code struct {
	Local  int64   `json:"local"`
	Global ber.OID `json:"global,omitempty"`
}

// LocalCode returns a local code.
func LocalCode(v int64) Code { return Code{Local: v} }

// IsGlobal reports whether the code is an OBJECT IDENTIFIER.
func (c Code) IsGlobal() bool { return len(c.Global) > 0 }

func (c Code) String() string {
	if c.IsGlobal() {
		return c.Global.String()
	}
	return strconv.FormatInt(c.Local, 10)
}

// Component is one element of the component portion.
//
// Parameter holds the whole BER of the argument, result or error parameter
// (tag included), so any parameter tag passes through: CAP uses SEQUENCE,
// OCTET STRING and CHOICE alternatives here.
type Component struct {
	Type ComponentType `json:"type"`
	// InvokeID is absent (HasInvokeID false) only in a Reject of a
	// component whose ID could not be read.
	InvokeID    int8 `json:"invokeId"`
	HasInvokeID bool `json:"-"`
	// LinkedID is set on an Invoke linked to an earlier one.
	LinkedID    int8 `json:"linkedId,omitempty"`
	HasLinkedID bool `json:"-"`
	// Opcode is set on Invoke, and on ReturnResult when a result is carried.
	Opcode Code `json:"opcode"`
	// ErrorCode is set on ReturnError.
	ErrorCode Code   `json:"errorCode"`
	Parameter []byte `json:"parameter,omitempty"`
	// Problem is set on Reject.
	Problem Problem `json:"problem"`
}

// NewInvoke returns an Invoke of a local operation code.
func NewInvoke(id int8, opcode int64, param []byte) Component {
	return Component{Type: Invoke, InvokeID: id, HasInvokeID: true, Opcode: LocalCode(opcode), Parameter: param}
}

// NewReturnResultLast returns a ReturnResultLast; with a nil param no
// result SEQUENCE is sent (as for ActivityTest, RETURN RESULT TRUE).
func NewReturnResultLast(id int8, opcode int64, param []byte) Component {
	return Component{Type: ReturnResultLast, InvokeID: id, HasInvokeID: true, Opcode: LocalCode(opcode), Parameter: param}
}

// NewReturnError returns a ReturnError with a local error code.
func NewReturnError(id int8, code int64, param []byte) Component {
	return Component{Type: ReturnError, InvokeID: id, HasInvokeID: true, ErrorCode: LocalCode(code), Parameter: param}
}

// NewReject returns a Reject of the component with invoke ID id, or of an
// unreadable one when hasID is false.
func NewReject(id int8, hasID bool, p Problem) Component {
	return Component{Type: Reject, InvokeID: id, HasInvokeID: hasID, Problem: p}
}

func (c *Component) append(e *ber.Encoder) {
	m := e.Begin(ber.ContextC(uint32(c.Type)))
	if c.HasInvokeID {
		e.Int(ber.TagInteger, int64(c.InvokeID))
	} else {
		e.Null(ber.TagNull) // InvokeId ::= CHOICE {present INTEGER, absent NULL}
	}
	switch c.Type {
	case Invoke:
		if c.HasLinkedID {
			e.Int(ber.Context(0), int64(c.LinkedID)) // linkedId present [0] IMPLICIT
		}
		appendCode(e, c.Opcode)
		e.Raw(c.Parameter)
	case ReturnResultLast, ReturnResultNotLast:
		if c.Parameter != nil {
			rm := e.Begin(ber.TagSequence)
			appendCode(e, c.Opcode)
			e.Raw(c.Parameter)
			e.End(rm)
		}
	case ReturnError:
		appendCode(e, c.ErrorCode)
		e.Raw(c.Parameter)
	case Reject:
		e.Int(ber.Context(uint32(c.Problem.Type)), int64(c.Problem.Code))
	}
	e.End(m)
}

func appendCode(e *ber.Encoder, c Code) {
	if c.IsGlobal() {
		e.OID(ber.TagOID, c.Global)
		return
	}
	e.Int(ber.TagInteger, c.Local)
}

// decodeComponent reads one component. A failure is a *ComponentError
// carrying the Reject problem of Q.773 §3.2.1.
func decodeComponent(tlv ber.TLV, c *Component) *ComponentError {
	fail := func(p Problem, err error) *ComponentError {
		return &ComponentError{InvokeID: c.InvokeID, HasInvokeID: c.HasInvokeID, Problem: p, Err: err}
	}
	if tlv.Tag.Class != ber.ClassContext || !tlv.Tag.Constructed {
		return fail(GeneralUnrecognizedComponent, ErrUnknownComponent)
	}
	switch ComponentType(tlv.Tag.Number) {
	case Invoke, ReturnResultLast, ReturnError, Reject, ReturnResultNotLast:
		c.Type = ComponentType(tlv.Tag.Number)
	default:
		return fail(GeneralUnrecognizedComponent, ErrUnknownComponent)
	}
	r := ber.NewReader(tlv.Value)
	id, err := r.Next()
	if err != nil {
		return fail(GeneralBadlyStructuredComponent, err)
	}
	switch {
	case id.Tag == ber.TagInteger:
		v, err := ber.ParseInt(id.Value)
		if err != nil || v < -128 || v > 127 {
			return fail(GeneralMistypedComponent, ErrInvokeID)
		}
		c.InvokeID, c.HasInvokeID = int8(v), true
	case id.Tag == ber.TagNull && c.Type == Reject:
		// A Reject may answer a component whose invoke ID was unreadable.
	default:
		return fail(GeneralMistypedComponent, ErrInvokeID)
	}
	switch c.Type {
	case Invoke:
		return decodeInvoke(&r, c, fail)
	case ReturnResultLast, ReturnResultNotLast:
		if !r.More() {
			return nil
		}
		res, err := r.Next()
		if err != nil {
			return fail(GeneralBadlyStructuredComponent, err)
		}
		if res.Tag != ber.TagSequence || r.More() {
			return fail(GeneralMistypedComponent, ErrUnexpected)
		}
		rr := ber.NewReader(res.Value)
		op, err := rr.Next()
		if err != nil {
			return fail(GeneralBadlyStructuredComponent, err)
		}
		if c.Opcode, err = parseCode(op); err != nil {
			return fail(ReturnResultMistypedResult, err)
		}
		c.Parameter = rr.Rest()
		if len(c.Parameter) > 0 {
			if _, err := ber.ParseOnly(c.Parameter); err != nil {
				return fail(ReturnResultMistypedResult, err)
			}
		}
	case ReturnError:
		code, err := r.Next()
		if err != nil {
			return fail(GeneralBadlyStructuredComponent, err)
		}
		if c.ErrorCode, err = parseCode(code); err != nil {
			return fail(GeneralMistypedComponent, err)
		}
		return takeParameter(&r, c, ReturnErrorMistypedParameter, fail)
	case Reject:
		p, err := r.Next()
		if err != nil {
			return fail(GeneralBadlyStructuredComponent, err)
		}
		if p.Tag.Class != ber.ClassContext || p.Tag.Constructed || p.Tag.Number > 3 {
			return fail(GeneralMistypedComponent, ErrUnexpected)
		}
		v, err := ber.ParseInt(p.Value)
		if err != nil || v < 0 || v > 255 {
			return fail(GeneralMistypedComponent, ber.ErrIntegerLength)
		}
		c.Problem = Problem{Type: ProblemType(p.Tag.Number), Code: uint8(v)}
		if r.More() {
			return fail(GeneralMistypedComponent, ErrUnexpected)
		}
	}
	return nil
}

func decodeInvoke(r *ber.Reader, c *Component, fail func(Problem, error) *ComponentError) *ComponentError {
	el, err := r.Next()
	if err != nil {
		return fail(GeneralBadlyStructuredComponent, err)
	}
	switch el.Tag {
	case ber.Context(0): // linkedId present
		v, err := ber.ParseInt(el.Value)
		if err != nil || v < -128 || v > 127 {
			return fail(GeneralMistypedComponent, ErrInvokeID)
		}
		c.LinkedID, c.HasLinkedID = int8(v), true
		if el, err = r.Next(); err != nil {
			return fail(GeneralBadlyStructuredComponent, err)
		}
	case ber.Context(1): // linkedId absent
		if el, err = r.Next(); err != nil {
			return fail(GeneralBadlyStructuredComponent, err)
		}
	}
	if c.Opcode, err = parseCode(el); err != nil {
		return fail(GeneralMistypedComponent, err)
	}
	return takeParameter(r, c, InvokeMistypedParameter, fail)
}

// takeParameter keeps what follows as the one parameter value.
func takeParameter(r *ber.Reader, c *Component, p Problem, fail func(Problem, error) *ComponentError) *ComponentError {
	if !r.More() {
		return nil
	}
	c.Parameter = r.Rest()
	if _, err := ber.ParseOnly(c.Parameter); err != nil {
		return fail(p, err)
	}
	return nil
}

func parseCode(t ber.TLV) (Code, error) {
	switch t.Tag {
	case ber.TagInteger:
		v, err := ber.ParseInt(t.Value)
		return Code{Local: v}, err
	case ber.TagOID:
		o, err := ber.ParseOID(t.Value)
		return Code{Global: o}, err
	}
	return Code{}, ber.ErrUnexpectedTag
}
