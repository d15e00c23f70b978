package m3ua

import (
	"errors"
	"strconv"
)

// ErrorCode is the Error Code of an M3UA ERR message (RFC 4666 §3.8.1).
type ErrorCode uint32

// Error codes.
const (
	ErrCodeInvalidVersion            ErrorCode = 0x01
	ErrCodeUnsupportedMessageClass   ErrorCode = 0x03
	ErrCodeUnsupportedMessageType    ErrorCode = 0x04
	ErrCodeUnsupportedTrafficMode    ErrorCode = 0x05
	ErrCodeUnexpectedMessage         ErrorCode = 0x06
	ErrCodeProtocolError             ErrorCode = 0x07
	ErrCodeInvalidStreamIdentifier   ErrorCode = 0x09
	ErrCodeRefusedManagementBlocking ErrorCode = 0x0d
	ErrCodeASPIdentifierRequired     ErrorCode = 0x0e
	ErrCodeInvalidASPIdentifier      ErrorCode = 0x0f
	ErrCodeInvalidParameterValue     ErrorCode = 0x11
	ErrCodeParameterFieldError       ErrorCode = 0x12
	ErrCodeUnexpectedParameter       ErrorCode = 0x13
	ErrCodeDestinationStatusUnknown  ErrorCode = 0x14
	ErrCodeInvalidNetworkAppearance  ErrorCode = 0x15
	ErrCodeMissingParameter          ErrorCode = 0x16
	ErrCodeInvalidRoutingContext     ErrorCode = 0x19
	ErrCodeNoConfiguredASForASP      ErrorCode = 0x1a
)

var errorCodeNames = map[ErrorCode]string{
	ErrCodeInvalidVersion:            "Invalid Version",
	ErrCodeUnsupportedMessageClass:   "Unsupported Message Class",
	ErrCodeUnsupportedMessageType:    "Unsupported Message Type",
	ErrCodeUnsupportedTrafficMode:    "Unsupported Traffic Mode Type",
	ErrCodeUnexpectedMessage:         "Unexpected Message",
	ErrCodeProtocolError:             "Protocol Error",
	ErrCodeInvalidStreamIdentifier:   "Invalid Stream Identifier",
	ErrCodeRefusedManagementBlocking: "Refused - Management Blocking",
	ErrCodeASPIdentifierRequired:     "ASP Identifier Required",
	ErrCodeInvalidASPIdentifier:      "Invalid ASP Identifier",
	ErrCodeInvalidParameterValue:     "Invalid Parameter Value",
	ErrCodeParameterFieldError:       "Parameter Field Error",
	ErrCodeUnexpectedParameter:       "Unexpected Parameter",
	ErrCodeDestinationStatusUnknown:  "Destination Status Unknown",
	ErrCodeInvalidNetworkAppearance:  "Invalid Network Appearance",
	ErrCodeMissingParameter:          "Missing Parameter",
	ErrCodeInvalidRoutingContext:     "Invalid Routing Context",
	ErrCodeNoConfiguredASForASP:      "No Configured AS for ASP",
}

func (c ErrorCode) String() string {
	if s, ok := errorCodeNames[c]; ok {
		return s
	}
	return "error code 0x" + strconv.FormatUint(uint64(c), 16)
}

// Error reports a message the M3UA layer cannot take, the field that
// failed and the M3UA error code an ERR message answers it with.
type Error struct {
	Field string
	Code  ErrorCode
	Err   error
}

func (e *Error) Error() string {
	return "m3ua: " + e.Field + ": " + e.Err.Error() + " (" + e.Code.String() + ")"
}

func (e *Error) Unwrap() error { return e.Err }

var (
	errShort           = errors.New("shorter than the common header")
	errLength          = errors.New("length field does not match the message")
	errVersion         = errors.New("version is not 1")
	errNotData         = errors.New("not a DATA message")
	errMissing         = errors.New("mandatory parameter missing")
	errUnexpectedParam = errors.New("parameter not allowed in DATA")
	errParamLength     = errors.New("parameter value not 4 octets (or a multiple of 4 for a list)")
)
