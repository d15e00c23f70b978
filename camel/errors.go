package camel

import "errors"

// DecodeError reports a malformed CAP argument and names the field by its
// ASN.1 path, e.g. "camel: InitialDPArg.serviceKey: ber: truncated". The
// TCAP layer answers it with a Reject (invoke problem mistypedArgument).
type DecodeError struct {
	Field string
	Err   error
}

func (e *DecodeError) Error() string { return "camel: " + e.Field + ": " + e.Err.Error() }

func (e *DecodeError) Unwrap() error { return e.Err }

// Reasons for a DecodeError beyond those of package ber.
var (
	ErrMissing     = errors.New("mandatory field missing")
	ErrRange       = errors.New("value out of range")
	ErrSize        = errors.New("size out of range")
	ErrUnknownTag  = errors.New("unexpected tag")
	ErrDigits      = errors.New("digit not allowed")
	ErrNoArgument  = errors.New("operation takes no argument")
	ErrNotInPhase  = errors.New("operation not in this phase")
	ErrUnsupported = errors.New("operation not supported")
	ErrDuplicate   = errors.New("member appears twice")
)

// fieldError wraps err as a DecodeError for field. When err is already a
// DecodeError from a nested type, the paths are joined, so the innermost
// field ends up last: "InitialDPArg.locationInformation.vlr-number".
func fieldError(field string, err error) error {
	var de *DecodeError
	if errors.As(err, &de) {
		return &DecodeError{Field: field + "." + de.Field, Err: de.Err}
	}
	return &DecodeError{Field: field, Err: err}
}
