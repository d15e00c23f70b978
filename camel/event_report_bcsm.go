package camel

import (
	"strconv"

	"github.com/scpd/scpd/sigtran/ber"
)

// EventReportBCSMArg is the argument of EventReportBCSM (opcode 24),
// gsmSSF → gsmSCF: an armed detection point was met.
//
//	EventReportBCSMArg ::= SEQUENCE {
//		eventTypeBCSM                [0] EventTypeBCSM,
//		eventSpecificInformationBCSM [2] EventSpecificInformationBCSM OPTIONAL,
//		legID                        [3] ReceivingSideID OPTIONAL,
//		miscCallInfo                 [4] MiscCallInfo DEFAULT {messageType request},
//		extensions                   [5] Extensions OPTIONAL,
//		... }
//
// The encoding is the same in phases 2 to 4 (CamelV2diff.asn has no
// variant of it); later phases add event types and event-specific
// alternatives. Byte slices of a decoded value alias the parameter.
type EventReportBCSMArg struct {
	EventTypeBCSM                EventTypeBCSM                `json:"eventTypeBCSM"`
	EventSpecificInformationBCSM EventSpecificInformationBCSM `json:"eventSpecificInformationBCSM,omitzero"`
	// LegID is the ReceivingSideID of the party the event is about; 0
	// means absent.
	LegID LegType `json:"legID,omitempty"`
	// MiscCallInfo's zero value is the DEFAULT {messageType request}: an
	// interrupted event the gsmSSF waits on, not a notification.
	MiscCallInfo MiscCallInfo `json:"miscCallInfo"`
	Extensions   Extensions   `json:"extensions,omitempty"`
}

// Opcode returns OpEventReportBCSM.
func (a *EventReportBCSMArg) Opcode() Opcode { return OpEventReportBCSM }

// Encode writes the argument.
func (a *EventReportBCSMArg) Encode(e *ber.Encoder, ph Phase) error {
	const typ = "EventReportBCSMArg"
	m := e.Begin(ber.TagSequence)
	e.Int(ber.Context(0), int64(a.EventTypeBCSM))
	if !a.EventSpecificInformationBCSM.IsZero() {
		if err := a.EventSpecificInformationBCSM.encode(e, ber.ContextC(2)); err != nil {
			return fieldError(typ+".eventSpecificInformationBCSM", err)
		}
	}
	if a.LegID != 0 {
		_ = encodeReceivingSideID(e, ber.ContextC(3), a.LegID) // leg is non-zero
	}
	if !a.MiscCallInfo.isDefault() {
		if err := a.MiscCallInfo.encode(e, ber.ContextC(4)); err != nil {
			return fieldError(typ+".miscCallInfo", err)
		}
	}
	if len(a.Extensions) > 0 {
		if err := encodeExtensions(e, ber.ContextC(5), a.Extensions); err != nil {
			return fieldError(typ+".extensions", err)
		}
	}
	e.End(m)
	return nil
}

// Decode reads the argument.
func (a *EventReportBCSMArg) Decode(param []byte, ph Phase) error {
	const typ = "EventReportBCSMArg"
	r, err := openSequence(param, ber.TagSequence, typ)
	if err != nil {
		return err
	}
	*a = EventReportBCSMArg{}
	haveType := false
	var seen members
	for r.More() {
		m, err := r.Next()
		if err != nil {
			return fieldError(typ, err)
		}
		if m.Tag.Class != ber.ClassContext {
			continue
		}
		var name string
		switch m.Tag.Number {
		case 0:
			name = "eventTypeBCSM"
			a.EventTypeBCSM, err = decodeEventTypeBCSM(m)
			haveType = true
		case 2:
			name = "eventSpecificInformationBCSM"
			err = decodeConstructed(m, a.EventSpecificInformationBCSM.decode)
		case 3:
			name = "legID"
			err = decodeConstructed(m, func(v []byte) (err error) {
				a.LegID, err = decodeReceivingSideID(v)
				return err
			})
		case 4:
			name = "miscCallInfo"
			err = decodeConstructed(m, a.MiscCallInfo.decode)
		case 5:
			name = "extensions"
			err = decodeConstructed(m, a.Extensions.decode)
		}
		if err == nil && name != "" {
			err = seen.add(m.Tag)
		}
		if err != nil {
			return fieldError(typ+"."+name, err)
		}
	}
	if !haveType {
		return &DecodeError{Field: typ + ".eventTypeBCSM", Err: ErrMissing}
	}
	return nil
}

// MessageType says whether the gsmSSF waits for instructions after the
// report (request) or carries on (notification) (CS2 MiscCallInfo).
type MessageType uint8

// Message types.
const (
	MessageRequest      MessageType = 0
	MessageNotification MessageType = 1
)

func (t MessageType) String() string {
	switch t {
	case MessageRequest:
		return "request"
	case MessageNotification:
		return "notification"
	}
	return "messageType(" + strconv.Itoa(int(t)) + ")"
}

// MarshalText makes JSON show the name.
func (t MessageType) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// DPAssignment is the CS2 dpAssignment of MiscCallInfo; CAMEL does not use
// it, but a gsmSSF may send it.
type DPAssignment uint8

// DP assignments.
const (
	DPIndividualLine DPAssignment = 0
	DPGroupBased     DPAssignment = 1
	DPOfficeBased    DPAssignment = 2
)

func (d DPAssignment) String() string {
	switch d {
	case DPIndividualLine:
		return "individualLine"
	case DPGroupBased:
		return "groupBased"
	case DPOfficeBased:
		return "officeBased"
	}
	return "dpAssignment(" + strconv.Itoa(int(d)) + ")"
}

// MarshalText makes JSON show the name.
func (d DPAssignment) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// MiscCallInfo is the CS2 (Q.1228) type:
//
//	MiscCallInfo ::= SEQUENCE {
//		messageType  [0] ENUMERATED { request (0), notification (1) },
//		dpAssignment [1] ENUMERATED { individualLine (0), groupBased (1), officeBased (2) } OPTIONAL }
//
// It has no extension marker, so an unknown member is an error.
type MiscCallInfo struct {
	MessageType  MessageType   `json:"messageType"`
	DPAssignment *DPAssignment `json:"dpAssignment,omitempty"`
}

func (c *MiscCallInfo) isDefault() bool {
	return c.MessageType == MessageRequest && c.DPAssignment == nil
}

func (c *MiscCallInfo) encode(e *ber.Encoder, t ber.Tag) error {
	if c.MessageType > MessageNotification {
		return &DecodeError{Field: "messageType", Err: ErrRange}
	}
	m := e.Begin(t)
	e.Int(ber.Context(0), int64(c.MessageType))
	if c.DPAssignment != nil {
		if *c.DPAssignment > DPOfficeBased {
			return &DecodeError{Field: "dpAssignment", Err: ErrRange}
		}
		e.Int(ber.Context(1), int64(*c.DPAssignment))
	}
	e.End(m)
	return nil
}

func (c *MiscCallInfo) decode(v []byte) error {
	*c = MiscCallInfo{}
	r := ber.NewReader(v)
	haveType := false
	var seen members
	for r.More() {
		m, err := r.Next()
		if err != nil {
			return err
		}
		switch m.Tag {
		case ber.Context(0):
			if err := seen.once(m.Tag, "messageType"); err != nil {
				return err
			}
			x, err := decodeInt(m, 0, 1)
			if err != nil {
				return &DecodeError{Field: "messageType", Err: err}
			}
			c.MessageType, haveType = MessageType(x), true
		case ber.Context(1):
			if err := seen.once(m.Tag, "dpAssignment"); err != nil {
				return err
			}
			x, err := decodeInt(m, 0, 2)
			if err != nil {
				return &DecodeError{Field: "dpAssignment", Err: err}
			}
			d := DPAssignment(x)
			c.DPAssignment = &d
		default:
			return ErrUnknownTag
		}
	}
	if !haveType {
		return &DecodeError{Field: "messageType", Err: ErrMissing}
	}
	return nil
}
