package m3ua

import (
	"encoding/binary"

	"github.com/wmnsk/go-m3ua/messages"
)

// HeaderLen is the size of the common header (RFC 4666 §3.1).
const HeaderLen = 8

// checkHeader validates the common header of a whole message.
func checkHeader(b []byte) error {
	if len(b) < HeaderLen {
		return &Error{Field: "header", Code: ErrCodeProtocolError, Err: errShort}
	}
	if b[0] != 1 {
		return &Error{Field: "header.version", Code: ErrCodeInvalidVersion, Err: errVersion}
	}
	if int(binary.BigEndian.Uint32(b[4:8])) != len(b) {
		return &Error{Field: "header.length", Code: ErrCodeProtocolError, Err: errLength}
	}
	return nil
}

// Decode reads any M3UA message with go-m3ua's codec. A class or type it
// does not know comes back as *messages.Generic, for the caller to answer
// with ERR. Use DecodeData for DATA on the hot path.
func Decode(b []byte) (messages.M3UA, error) {
	if err := checkHeader(b); err != nil {
		return nil, err
	}
	m, err := messages.Parse(b)
	if err != nil {
		return nil, &Error{Field: "message", Code: ErrCodeParameterFieldError, Err: err}
	}
	// go-m3ua picks the message by uint8(class<<4 | type), so a class or
	// type above 15 aliases a known message: class 0x24 type 0x41 would
	// read as ASPAC. Such a class or type is one RFC 4666 does not define
	// (§3.1.2), to be refused with ERR (§3.8.1): it comes back Generic.
	if m.MessageClass() != b[2] || m.MessageType() != b[3] {
		g := new(messages.Generic)
		if err := g.UnmarshalBinary(b); err != nil {
			return nil, &Error{Field: "message", Code: ErrCodeParameterFieldError, Err: err}
		}
		return g, nil
	}
	return m, nil
}

// IsData reports whether b is a DATA message, by its header.
func IsData(b []byte) bool {
	return len(b) >= HeaderLen && b[2] == messages.MsgClassTransfer && b[3] == messages.MsgTypePayloadData
}
