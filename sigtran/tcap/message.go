package tcap

import (
	"strconv"

	"github.com/scpd/scpd/sigtran/ber"
)

// MessageType is the APPLICATION tag number of a TCAP message (Q.773 §3.1).
type MessageType uint8

// Message types.
const (
	Unidirectional MessageType = 1
	Begin          MessageType = 2
	End            MessageType = 4
	Continue       MessageType = 5
	Abort          MessageType = 7
)

func (t MessageType) String() string {
	switch t {
	case Unidirectional:
		return "unidirectional"
	case Begin:
		return "begin"
	case End:
		return "end"
	case Continue:
		return "continue"
	case Abort:
		return "abort"
	}
	return "message(" + strconv.Itoa(int(t)) + ")"
}

// MarshalText makes JSON show the name.
func (t MessageType) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// Tags of the transaction portion (Q.773 §3.1).
var (
	tagOTID        = ber.Application(8)
	tagDTID        = ber.Application(9)
	tagPAbortCause = ber.Application(10)
	tagDialogue    = ber.ApplicationC(11)
	tagComponents  = ber.ApplicationC(12)
)

// Message is one TCAP message. Which fields a type carries is checked on
// encode and decode: Begin has OTID; Continue OTID and DTID; End and Abort
// DTID; Unidirectional neither.
type Message struct {
	Type     MessageType      `json:"type"`
	OTID     TransactionID    `json:"otid,omitzero"`
	DTID     TransactionID    `json:"dtid,omitzero"`
	Dialogue *DialoguePortion `json:"dialoguePortion,omitempty"`
	// PAbortCause is set on an Abort from the transaction sub-layer of the
	// peer (HasPAbortCause); a user abort carries Dialogue instead.
	PAbortCause    PAbortCause `json:"pAbortCause,omitempty"`
	HasPAbortCause bool        `json:"-"`
	// UserAbortData is the u-abortCause of an Abort that a TC-user sent in
	// an abstract syntax of its own rather than as a dialogue APDU
	// (TCAPMessages, note under Abort: "either an ABRT APDU or data in some
	// user-defined abstract syntax"): the EXTERNAL, tag included, as
	// received. Dialogue is nil then.
	UserAbortData []byte      `json:"userAbortData,omitempty"`
	Components    []Component `json:"components,omitempty"`
}

func (t MessageType) hasOTID() bool { return t == Begin || t == Continue }
func (t MessageType) hasDTID() bool { return t == Continue || t == End || t == Abort }

// Append appends the encoding of m to b.
func (m *Message) Append(b []byte) ([]byte, error) {
	switch m.Type {
	case Unidirectional, Begin, End, Continue, Abort:
	default:
		return b, &DecodeError{Field: "message", Cause: UnrecognizedMessageType, Err: ErrUnknownMessage}
	}
	if m.Type.hasOTID() != m.OTID.Valid() {
		return b, &DecodeError{Field: m.Type.String() + ".otid", Cause: IncorrectTransactionPortion, Err: ErrTransactionID}
	}
	if m.Type.hasDTID() != m.DTID.Valid() {
		return b, &DecodeError{Field: m.Type.String() + ".dtid", Cause: IncorrectTransactionPortion, Err: ErrTransactionID}
	}
	if m.Type == Unidirectional && len(m.Components) == 0 {
		return b, &DecodeError{Field: "unidirectional.components", Err: ErrMissing}
	}
	e := ber.NewEncoder(b)
	top := e.Begin(ber.ApplicationC(uint32(m.Type)))
	if m.Type.hasOTID() {
		e.Octets(tagOTID, m.OTID.Bytes())
	}
	if m.Type.hasDTID() {
		e.Octets(tagDTID, m.DTID.Bytes())
	}
	if m.Type == Abort {
		switch {
		case m.HasPAbortCause:
			e.Int(tagPAbortCause, int64(m.PAbortCause))
		case m.Dialogue != nil:
			m.Dialogue.append(e)
		case m.UserAbortData != nil:
			e.Octets(tagDialogue, m.UserAbortData)
		}
		e.End(top)
		return e.Bytes(), nil
	}
	if m.Dialogue != nil {
		m.Dialogue.append(e)
	}
	if len(m.Components) > 0 {
		cp := e.Begin(tagComponents)
		for i := range m.Components {
			m.Components[i].append(e)
		}
		e.End(cp)
	}
	e.End(top)
	return e.Bytes(), nil
}

// Decode reads one TCAP message from b into m. The result aliases b.
//
// A *DecodeError means the transaction portion is unusable; the IDs read
// before the failure are set, so the caller can address a P-Abort. A
// *ComponentError (one bad component) or ComponentErrors (several) means
// the message is valid but components are not: the well-formed ones are
// in m.Components, in order, and the caller answers each bad one with a
// Reject (ComponentErrorsOf lists them).
func (m *Message) Decode(b []byte) error {
	*m = Message{}
	top, err := ber.ParseOnly(b)
	if err != nil {
		return &DecodeError{Field: "message", Cause: BadlyFormattedTransactionPortion, Err: err}
	}
	if top.Tag.Class != ber.ClassApplication || !top.Tag.Constructed {
		return &DecodeError{Field: "message", Cause: UnrecognizedMessageType, Err: ErrUnknownMessage}
	}
	m.Type = MessageType(top.Tag.Number)
	switch m.Type {
	case Unidirectional, Begin, End, Continue, Abort:
	default:
		// An OTID first is read all the same: it addresses the P-Abort
		// (Q.774, a message type not recognized whose OTID is derivable).
		r := ber.NewReader(top.Value)
		if el, more, err := next(&r); err == nil && more && el.Tag == tagOTID {
			if id, ok := ParseTransactionID(el.Value); ok {
				m.OTID = id
			}
		}
		return &DecodeError{Field: "message", Cause: UnrecognizedMessageType, Err: ErrUnknownMessage}
	}
	name := m.Type.String()
	r := ber.NewReader(top.Value)
	el, more, err := next(&r)
	if err != nil {
		return &DecodeError{Field: name, Cause: BadlyFormattedTransactionPortion, Err: err}
	}
	if m.Type.hasOTID() {
		if !more || el.Tag != tagOTID {
			return &DecodeError{Field: name + ".otid", Cause: BadlyFormattedTransactionPortion, Err: ErrMissing}
		}
		var ok bool
		if m.OTID, ok = ParseTransactionID(el.Value); !ok {
			return &DecodeError{Field: name + ".otid", Cause: BadlyFormattedTransactionPortion, Err: ErrTransactionID}
		}
		if el, more, err = next(&r); err != nil {
			return &DecodeError{Field: name, Cause: BadlyFormattedTransactionPortion, Err: err}
		}
	} else if more && el.Tag == tagOTID {
		return &DecodeError{Field: name + ".otid", Cause: IncorrectTransactionPortion, Err: ErrUnexpected}
	}
	if m.Type.hasDTID() {
		if !more || el.Tag != tagDTID {
			return &DecodeError{Field: name + ".dtid", Cause: BadlyFormattedTransactionPortion, Err: ErrMissing}
		}
		var ok bool
		if m.DTID, ok = ParseTransactionID(el.Value); !ok {
			return &DecodeError{Field: name + ".dtid", Cause: BadlyFormattedTransactionPortion, Err: ErrTransactionID}
		}
		if el, more, err = next(&r); err != nil {
			return &DecodeError{Field: name, Cause: BadlyFormattedTransactionPortion, Err: err}
		}
	} else if more && el.Tag == tagDTID {
		return &DecodeError{Field: name + ".dtid", Cause: IncorrectTransactionPortion, Err: ErrUnexpected}
	}
	if m.Type == Abort {
		return m.decodeAbortReason(el, more, &r)
	}
	if more && el.Tag == tagDialogue {
		m.Dialogue = new(DialoguePortion)
		if err := decodeDialoguePortion(el.Value, m.Dialogue); err != nil {
			return &DecodeError{Field: name + ".dialoguePortion", Cause: BadlyFormattedTransactionPortion, Err: err}
		}
		if el, more, err = next(&r); err != nil {
			return &DecodeError{Field: name, Cause: BadlyFormattedTransactionPortion, Err: err}
		}
	}
	if !more {
		if m.Type == Unidirectional {
			return &DecodeError{Field: name + ".components", Cause: BadlyFormattedTransactionPortion, Err: ErrMissing}
		}
		return nil
	}
	if el.Tag != tagComponents || r.More() {
		return &DecodeError{Field: name, Cause: BadlyFormattedTransactionPortion, Err: ErrUnexpected}
	}
	return m.decodeComponents(el.Value)
}

// next reads the next element of the transaction portion, if any.
func next(r *ber.Reader) (ber.TLV, bool, error) {
	if !r.More() {
		return ber.TLV{}, false, nil
	}
	el, err := r.Next()
	return el, err == nil, err
}

func (m *Message) decodeAbortReason(el ber.TLV, more bool, r *ber.Reader) error {
	if !more {
		return nil
	}
	switch el.Tag {
	case tagPAbortCause:
		v, err := ber.ParseInt(el.Value)
		if err != nil || v < 0 || v > 127 {
			return &DecodeError{Field: "abort.p-abortCause", Cause: BadlyFormattedTransactionPortion, Err: ber.ErrIntegerLength}
		}
		m.PAbortCause, m.HasPAbortCause = PAbortCause(v), true
	case tagDialogue:
		if userDefinedExternal(el.Value) {
			// TCAPMessages Abort note: a TC-user's u-abortCause may be "data
			// in some user-defined abstract syntax", not a dialogue APDU.
			m.UserAbortData = el.Value
			break
		}
		m.Dialogue = new(DialoguePortion)
		if err := decodeDialoguePortion(el.Value, m.Dialogue); err != nil {
			return &DecodeError{Field: "abort.u-abortCause", Cause: BadlyFormattedTransactionPortion, Err: err}
		}
	default:
		return &DecodeError{Field: "abort.reason", Cause: BadlyFormattedTransactionPortion, Err: ber.ErrUnexpectedTag}
	}
	if r.More() {
		return &DecodeError{Field: "abort", Cause: BadlyFormattedTransactionPortion, Err: ErrUnexpected}
	}
	return nil
}

// maxComponents bounds the components kept from one message; CAP sends a
// handful, so more is hostile input (Reject resourceLimitation follows).
const maxComponents = 64

func (m *Message) decodeComponents(v []byte) error {
	n := 0
	for r := ber.NewReader(v); r.More(); n++ {
		if _, err := r.Next(); err != nil {
			break
		}
	}
	if n == 0 {
		return &ComponentError{Problem: GeneralBadlyStructuredComponent, Err: ErrEmptyPortion}
	}
	m.Components = make([]Component, 0, min(n, maxComponents))
	var errs ComponentErrors
	r := ber.NewReader(v)
	for i := 0; r.More(); i++ {
		tlv, err := r.Next()
		if err != nil {
			// The framing is lost: nothing after this can be delimited.
			errs = append(errs, &ComponentError{Index: i, Problem: GeneralBadlyStructuredComponent, Err: err})
			break
		}
		if i == maxComponents {
			errs = append(errs, &ComponentError{Index: i, Problem: InvokeResourceLimitation, Err: ErrUnexpected})
			break
		}
		var c Component
		if ce := decodeComponent(tlv, &c); ce != nil {
			// Its outer TLV delimits it, so the components after it are
			// still read: each bad one gets its own Reject (Q.774
			// §3.2.1.2), and a good one after it is not lost.
			ce.Index = i
			errs = append(errs, ce)
			continue
		}
		m.Components = append(m.Components, c)
	}
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return errs
}
