package m3ua

import (
	"encoding/binary"
	"io"

	"github.com/wmnsk/go-m3ua/messages"
)

// HeaderLen is the size of the common header (RFC 4666 §3.1).
const HeaderLen = 8

// MaxMessageLen bounds a message read from a stream: an SS7 user part
// message is at most a few kilobytes, so a larger length field means the
// stream is out of step.
const MaxMessageLen = 64 * 1024

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
	return m, nil
}

// IsData reports whether b is a DATA message, by its header.
func IsData(b []byte) bool {
	return len(b) >= HeaderLen && b[2] == messages.MsgClassTransfer && b[3] == messages.MsgTypePayloadData
}

// ReadMessage reads one message from a stream such as M3UA over TCP, where
// the length field of the common header frames it. buf is reused when
// large enough; the returned slice aliases it.
func ReadMessage(r io.Reader, buf []byte) ([]byte, error) {
	if cap(buf) < HeaderLen {
		buf = make([]byte, 0, 512)
	}
	buf = buf[:HeaderLen]
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, err
	}
	if buf[0] != 1 {
		return nil, &Error{Field: "header.version", Code: ErrCodeInvalidVersion, Err: errVersion}
	}
	n := int(binary.BigEndian.Uint32(buf[4:8]))
	if n < HeaderLen {
		return nil, &Error{Field: "header.length", Code: ErrCodeProtocolError, Err: errLength}
	}
	if n > MaxMessageLen {
		return nil, &Error{Field: "header.length", Code: ErrCodeProtocolError, Err: errTooLong}
	}
	if cap(buf) < n {
		nb := make([]byte, n)
		copy(nb, buf[:HeaderLen])
		buf = nb
	}
	buf = buf[:n]
	if _, err := io.ReadFull(r, buf[HeaderLen:]); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return buf, nil
}
