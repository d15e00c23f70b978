package sccp

import "errors"

// DecodeError reports a malformed SCCP message and the field that failed,
// e.g. "sccp: UDT.calledPartyAddress: address too short".
type DecodeError struct {
	Field string
	Err   error
}

func (e *DecodeError) Error() string { return "sccp: " + e.Field + ": " + e.Err.Error() }

func (e *DecodeError) Unwrap() error { return e.Err }

var (
	errShort       = errors.New("too short")
	errPointer     = errors.New("pointer outside the message")
	errGTI         = errors.New("global title indicator not 0..4")
	errDigits      = errors.New("digit not BCD")
	errPointCode   = errors.New("point code above 14 bits")
	errUnknownType = errors.New("message type not UDT, UDTS, XUDT or XUDTS")
	errClass       = errors.New("protocol class not 0 or 1")
	errLength      = errors.New("parameter longer than 255 octets")
	errEmpty       = errors.New("empty")
	// Optional part of an XUDT/XUDTS.
	errOptionalLength  = errors.New("segmentation not 4 octets or importance not 1")
	errNoEndOfOptional = errors.New("no end of optional parameters")
)
