package tcap

import (
	"errors"
	"strconv"
)

// PAbortCause is the P-AbortCause of Q.773 §3.1: what the transaction
// sub-layer answers a message it cannot take.
type PAbortCause uint8

// P-Abort causes.
const (
	UnrecognizedMessageType          PAbortCause = 0
	UnrecognizedTransactionID        PAbortCause = 1
	BadlyFormattedTransactionPortion PAbortCause = 2
	IncorrectTransactionPortion      PAbortCause = 3
	ResourceLimitation               PAbortCause = 4
)

func (c PAbortCause) String() string {
	switch c {
	case UnrecognizedMessageType:
		return "unrecognizedMessageType"
	case UnrecognizedTransactionID:
		return "unrecognizedTransactionID"
	case BadlyFormattedTransactionPortion:
		return "badlyFormattedTransactionPortion"
	case IncorrectTransactionPortion:
		return "incorrectTransactionPortion"
	case ResourceLimitation:
		return "resourceLimitation"
	}
	return "p-abort-cause(" + strconv.Itoa(int(c)) + ")"
}

// MarshalText makes JSON show the name.
func (c PAbortCause) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// DecodeError reports a message the transaction sub-layer cannot take, the
// field that failed, and the P-Abort cause that answers it.
type DecodeError struct {
	Field string
	Cause PAbortCause
	Err   error
}

func (e *DecodeError) Error() string { return "tcap: " + e.Field + ": " + e.Err.Error() }

func (e *DecodeError) Unwrap() error { return e.Err }

// ComponentError reports a malformed component: the components before it
// were decoded, and the Reject to send carries Problem and, when it could
// be read, the invoke ID.
type ComponentError struct {
	Index       int
	InvokeID    int8
	HasInvokeID bool
	Problem     Problem
	Err         error
}

func (e *ComponentError) Error() string {
	return "tcap: component " + strconv.Itoa(e.Index) + ": " + e.Problem.String() + ": " + e.Err.Error()
}

func (e *ComponentError) Unwrap() error { return e.Err }

// ComponentErrors reports several malformed components of one message,
// in the order they came.
type ComponentErrors []*ComponentError

func (e ComponentErrors) Error() string {
	s := e[0].Error()
	if len(e) > 1 {
		s += " (and " + strconv.Itoa(len(e)-1) + " more)"
	}
	return s
}

// Unwrap lets errors.As find the first *ComponentError.
func (e ComponentErrors) Unwrap() []error {
	errs := make([]error, len(e))
	for i, ce := range e {
		errs[i] = ce
	}
	return errs
}

// ComponentErrorsOf returns the component errors a Decode error reports,
// in order: none for nil or a *DecodeError.
func ComponentErrorsOf(err error) []*ComponentError {
	var ces ComponentErrors
	if errors.As(err, &ces) {
		return ces
	}
	var ce *ComponentError
	if errors.As(err, &ce) {
		return []*ComponentError{ce}
	}
	return nil
}

// Reasons for decode errors beyond those of package ber.
var (
	ErrMissing          = errors.New("mandatory field missing")
	ErrUnexpected       = errors.New("field not allowed in this message")
	ErrTransactionID    = errors.New("transaction ID not 1..4 octets")
	ErrUnknownMessage   = errors.New("unknown message type")
	ErrUnknownDialogue  = errors.New("unknown dialogue PDU")
	ErrInvokeID         = errors.New("invoke ID out of -128..127")
	ErrEmptyPortion     = errors.New("empty component portion")
	ErrUnknownComponent = errors.New("unknown component type")
)
