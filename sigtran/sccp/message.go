package sccp

import (
	"errors"
	"strconv"
)

// MessageType is the SCCP message type code (Q.713 §4.1, Table 1).
type MessageType uint8

// The connectionless messages.
const (
	UDT   MessageType = 0x09
	UDTS  MessageType = 0x0a
	XUDT  MessageType = 0x11
	XUDTS MessageType = 0x12
)

func (t MessageType) String() string {
	switch t {
	case UDT:
		return "UDT"
	case UDTS:
		return "UDTS"
	case XUDT:
		return "XUDT"
	case XUDTS:
		return "XUDTS"
	}
	return "type(0x" + strconv.FormatUint(uint64(t), 16) + ")"
}

// MarshalText makes JSON show the name.
func (t MessageType) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

func (t MessageType) extended() bool { return t == XUDT || t == XUDTS }
func (t MessageType) service() bool  { return t == UDTS || t == XUDTS }

// ReturnCause says why a message came back in a UDTS or XUDTS (Q.713 §3.12).
type ReturnCause uint8

// Return causes.
const (
	NoTranslationForNature   ReturnCause = 0
	NoTranslationForAddress  ReturnCause = 1
	SubsystemCongestion      ReturnCause = 2
	SubsystemFailure         ReturnCause = 3
	UnequippedUser           ReturnCause = 4
	MTPFailure               ReturnCause = 5
	NetworkCongestion        ReturnCause = 6
	Unqualified              ReturnCause = 7
	ErrorInMessageTransport  ReturnCause = 8
	ErrorInLocalProcessing   ReturnCause = 9
	ReassemblyNotPossible    ReturnCause = 10
	SCCPFailure              ReturnCause = 11
	HopCounterViolation      ReturnCause = 12
	SegmentationNotSupported ReturnCause = 13
	SegmentationFailure      ReturnCause = 14
)

var returnCauseNames = [...]string{
	"no translation for an address of such nature", "no translation for this specific address",
	"subsystem congestion", "subsystem failure", "unequipped user", "MTP failure", "network congestion",
	"unqualified", "error in message transport", "error in local processing",
	"destination cannot perform reassembly", "SCCP failure", "hop counter violation",
	"segmentation not supported", "segmentation failure",
}

func (c ReturnCause) String() string {
	if int(c) < len(returnCauseNames) {
		return returnCauseNames[c]
	}
	return "return cause " + strconv.Itoa(int(c))
}

// MarshalText makes JSON show the name.
func (c ReturnCause) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// Message is a connectionless SCCP message.
type Message struct {
	Type MessageType `json:"type"`
	// ProtocolClass is 0 (no sequence) or 1 (in-sequence by SLS); UDT and XUDT.
	ProtocolClass uint8 `json:"protocolClass"`
	// ReturnOnError asks for a UDTS when delivery fails; UDT and XUDT.
	ReturnOnError bool `json:"returnOnError"`
	// ReturnCause is set on UDTS and XUDTS.
	ReturnCause ReturnCause `json:"returnCause,omitempty"`
	// HopCounter is set on XUDT and XUDTS (Q.713 §3.18; 15 is a usual start).
	HopCounter uint8   `json:"hopCounter,omitempty"`
	Called     Address `json:"calledPartyAddress"`
	Calling    Address `json:"callingPartyAddress"`
	Data       []byte  `json:"data"`
	// Optional is the raw optional part of an XUDT/XUDTS (segmentation,
	// importance), passed through: scpd does not reassemble segments.
	Optional []byte `json:"optional,omitempty"`
}

// Append appends the encoding of m to b.
func (m *Message) Append(b []byte) ([]byte, error) {
	name := m.Type.String()
	switch m.Type {
	case UDT, XUDT:
		if m.ProtocolClass > 1 {
			return b, &DecodeError{Field: name + ".protocolClass", Err: errClass}
		}
		pc := m.ProtocolClass
		if m.ReturnOnError {
			pc |= 0x80
		}
		b = append(b, byte(m.Type), pc)
	case UDTS, XUDTS:
		b = append(b, byte(m.Type), byte(m.ReturnCause))
	default:
		return b, &DecodeError{Field: "messageType", Err: errUnknownType}
	}
	if m.Type.extended() {
		b = append(b, m.HopCounter)
	}
	// Pointers (Q.713 §2.3): each counts from its own octet to the length
	// octet of its parameter.
	ptrs := len(b)
	nptr := 3
	if m.Type.extended() {
		nptr = 4
	}
	b = append(b, make([]byte, nptr)...)

	var err error
	b[ptrs] = byte(len(b) - ptrs)
	if b, err = appendVariable(b, func(b []byte) ([]byte, error) { return appendAddress(b, &m.Called) }); err != nil {
		return b, &DecodeError{Field: name + ".calledPartyAddress", Err: err}
	}
	// A pointer is one octet (Q.713 §2.3), so the parameters before one
	// may not push its parameter more than 255 octets away; written
	// modulo 256 it would point into the called address.
	if len(b)-(ptrs+1) > 255 {
		return b, &DecodeError{Field: name + ".callingPartyAddress", Err: errPointerRange}
	}
	b[ptrs+1] = byte(len(b) - (ptrs + 1))
	if b, err = appendVariable(b, func(b []byte) ([]byte, error) { return appendAddress(b, &m.Calling) }); err != nil {
		return b, &DecodeError{Field: name + ".callingPartyAddress", Err: err}
	}
	if len(m.Data) == 0 {
		return b, &DecodeError{Field: name + ".data", Err: errEmpty}
	}
	if len(b)-(ptrs+2) > 255 {
		return b, &DecodeError{Field: name + ".data", Err: errPointerRange}
	}
	b[ptrs+2] = byte(len(b) - (ptrs + 2))
	if b, err = appendVariable(b, func(b []byte) ([]byte, error) { return append(b, m.Data...), nil }); err != nil {
		return b, &DecodeError{Field: name + ".data", Err: err}
	}
	if m.Type.extended() && len(m.Optional) > 0 {
		if len(b)-(ptrs+3) > 255 {
			return b, &DecodeError{Field: name + ".optional", Err: errLength}
		}
		b[ptrs+3] = byte(len(b) - (ptrs + 3))
		b = append(b, m.Optional...)
	}
	return b, nil
}

// errPointerRange: the addresses are too long for a one-octet pointer.
var errPointerRange = errors.New("pointer beyond 255 octets: the addresses before it are too long")

// appendVariable appends a length octet and the content f writes.
func appendVariable(b []byte, f func([]byte) ([]byte, error)) ([]byte, error) {
	at := len(b)
	b, err := f(append(b, 0))
	if err != nil {
		return b, err
	}
	n := len(b) - at - 1
	if n > 255 {
		return b, errLength
	}
	b[at] = byte(n)
	return b, nil
}

// Decode reads one message from b into m; Data and Optional alias b.
func (m *Message) Decode(b []byte) error {
	*m = Message{}
	if len(b) < 1 {
		return &DecodeError{Field: "messageType", Err: errShort}
	}
	m.Type = MessageType(b[0])
	name := m.Type.String()
	fixed := 2 // type and protocol class or return cause
	switch m.Type {
	case UDT, XUDT:
		if len(b) < 2 {
			return &DecodeError{Field: name + ".protocolClass", Err: errShort}
		}
		m.ProtocolClass, m.ReturnOnError = b[1]&0x0f, b[1]&0x80 != 0
		if m.ProtocolClass > 1 {
			return &DecodeError{Field: name + ".protocolClass", Err: errClass}
		}
	case UDTS, XUDTS:
		if len(b) < 2 {
			return &DecodeError{Field: name + ".returnCause", Err: errShort}
		}
		m.ReturnCause = ReturnCause(b[1])
	default:
		return &DecodeError{Field: "messageType", Err: errUnknownType}
	}
	if m.Type.extended() {
		if len(b) < 3 {
			return &DecodeError{Field: name + ".hopCounter", Err: errShort}
		}
		m.HopCounter = b[2]
		fixed = 3
	}
	called, err := variable(b, fixed)
	if err != nil {
		return &DecodeError{Field: name + ".calledPartyAddress", Err: err}
	}
	if err := decodeAddress(called, &m.Called); err != nil {
		return &DecodeError{Field: name + ".calledPartyAddress", Err: err}
	}
	calling, err := variable(b, fixed+1)
	if err != nil {
		return &DecodeError{Field: name + ".callingPartyAddress", Err: err}
	}
	if err := decodeAddress(calling, &m.Calling); err != nil {
		return &DecodeError{Field: name + ".callingPartyAddress", Err: err}
	}
	if m.Data, err = variable(b, fixed+2); err != nil {
		return &DecodeError{Field: name + ".data", Err: err}
	}
	if len(m.Data) == 0 {
		return &DecodeError{Field: name + ".data", Err: errEmpty}
	}
	if m.Type.extended() {
		if len(b) < fixed+4 {
			return &DecodeError{Field: name + ".optional", Err: errShort}
		}
		if p := int(b[fixed+3]); p != 0 {
			if fixed+3+p >= len(b) {
				return &DecodeError{Field: name + ".optional", Err: errPointer}
			}
			m.Optional = b[fixed+3+p:]
			if err := checkOptional(m.Optional); err != nil {
				return &DecodeError{Field: name + ".optional", Err: err}
			}
		}
	}
	return nil
}

// checkOptional checks the optional part of an XUDT/XUDTS: parameters of
// name, length and value, each within the message, ended by the end of
// optional parameters octet (Q.713 §1.8, §3.1), with Segmentation 4
// octets and Importance 1 (§3.17, §3.19). A part that breaks this cannot
// be read for its segmentation: the message is refused, not delivered.
func checkOptional(opt []byte) error {
	for len(opt) > 0 {
		name := opt[0]
		if name == paramEndOfOptional {
			return nil
		}
		if len(opt) < 2 || len(opt) < 2+int(opt[1]) {
			return errShort
		}
		n := int(opt[1])
		if name == paramSegmentation && n != 4 || name == paramImportance && n != 1 {
			return errOptionalLength
		}
		opt = opt[2+n:]
	}
	return errNoEndOfOptional
}

// Optional parameter names (Q.713 Table 2).
const (
	paramEndOfOptional = 0x00
	paramSegmentation  = 0x10
	paramImportance    = 0x12
)

// variable returns the variable parameter whose pointer is at b[at].
func variable(b []byte, at int) ([]byte, error) {
	if at >= len(b) {
		return nil, errShort
	}
	p := at + int(b[at])
	if b[at] == 0 || p >= len(b) {
		return nil, errPointer
	}
	end := p + 1 + int(b[p])
	if end > len(b) {
		return nil, errShort
	}
	return b[p+1 : end], nil
}
