package ber

import "errors"

// Errors of the encoding itself. Higher layers wrap them with the field
// they were decoding, e.g. "camel: InitialDPArg.serviceKey: ber: integer too long".
var (
	ErrTruncated         = errors.New("ber: truncated")
	ErrTagEncoding       = errors.New("ber: bad tag encoding")
	ErrLengthEncoding    = errors.New("ber: bad length encoding")
	ErrLengthOverflow    = errors.New("ber: length beyond the enclosing value")
	ErrIndefinite        = errors.New("ber: indefinite length on a primitive value")
	ErrTooDeep           = errors.New("ber: nesting too deep")
	ErrIntegerLength     = errors.New("ber: integer length not 1..8 octets")
	ErrBooleanLength     = errors.New("ber: boolean length not 1")
	ErrNullLength        = errors.New("ber: null with content")
	ErrOIDEncoding       = errors.New("ber: bad object identifier")
	ErrBitStringEncoding = errors.New("ber: bad bit string")
	ErrUnexpectedTag     = errors.New("ber: unexpected tag")
	ErrTrailingData      = errors.New("ber: trailing data")
)
