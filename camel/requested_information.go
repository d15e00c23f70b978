package camel

import (
	"strconv"

	"github.com/scpd/scpd/sigtran/ber"
)

// RequestedInformationType names a call datum of CallInformationRequest
// and CallInformationReport (CAP-datatypes). The enumeration is not
// extensible, so other values are rejected.
type RequestedInformationType uint8

// RequestedInformationType values.
const (
	CallAttemptElapsedTime   RequestedInformationType = 0
	CallStopTime             RequestedInformationType = 1
	CallConnectedElapsedTime RequestedInformationType = 2
	ReleaseCause             RequestedInformationType = 30
)

const maxInfoItems = 4 // numOfInfoItems (CAP-datatypes)

func (t RequestedInformationType) String() string {
	switch t {
	case CallAttemptElapsedTime:
		return "callAttemptElapsedTime"
	case CallStopTime:
		return "callStopTime"
	case CallConnectedElapsedTime:
		return "callConnectedElapsedTime"
	case ReleaseCause:
		return "releaseCause"
	}
	return "requestedInformationType(" + strconv.Itoa(int(t)) + ")"
}

// MarshalText makes JSON show the name.
func (t RequestedInformationType) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

func (t RequestedInformationType) valid() bool {
	return t <= CallConnectedElapsedTime || t == ReleaseCause
}

func decodeRequestedInformationType(m ber.TLV) (RequestedInformationType, error) {
	v, err := decodeInt(m, 0, int64(ReleaseCause))
	if err != nil {
		return 0, err
	}
	if t := RequestedInformationType(v); t.valid() {
		return t, nil
	}
	return 0, ErrRange
}

// RequestedInformation is one element of RequestedInformationList: the
// type and its value.
type RequestedInformation struct {
	RequestedInformationType  RequestedInformationType  `json:"requestedInformationType"`
	RequestedInformationValue RequestedInformationValue `json:"requestedInformationValue"`
}

// RequestedInformationValue is the CAP CHOICE of that name; exactly one
// field is set, normally the one RequestedInformationType names. The
// alternatives' tags equal the RequestedInformationType values.
type RequestedInformationValue struct {
	// CallAttemptElapsedTimeValue is in seconds, 0..255.
	CallAttemptElapsedTimeValue *uint8       `json:"callAttemptElapsedTimeValue,omitempty"`
	CallStopTimeValue           *DateAndTime `json:"callStopTimeValue,omitempty"`
	// CallConnectedElapsedTimeValue is in 100 ms units (Integer4).
	CallConnectedElapsedTimeValue *uint32 `json:"callConnectedElapsedTimeValue,omitempty"`
	ReleaseCauseValue             *Cause  `json:"releaseCauseValue,omitempty"`
}

func (r *RequestedInformation) encode(e *ber.Encoder) error {
	if !r.RequestedInformationType.valid() {
		return &DecodeError{Field: "requestedInformationType", Err: ErrRange}
	}
	m := e.Begin(ber.TagSequence)
	e.Int(ber.Context(0), int64(r.RequestedInformationType))
	if err := r.RequestedInformationValue.encode(e, ber.ContextC(1)); err != nil {
		return fieldError("requestedInformationValue", err)
	}
	e.End(m)
	return nil
}

func (r *RequestedInformation) decode(m ber.TLV) error {
	if m.Tag != ber.TagSequence {
		return ber.ErrUnexpectedTag
	}
	rd := ber.NewReader(m.Value)
	haveType, haveValue := false, false
	var seen members
	for rd.More() {
		m, err := rd.Next()
		if err != nil {
			return err
		}
		switch m.Tag {
		case ber.Context(0):
			if err := seen.once(m.Tag, "requestedInformationType"); err != nil {
				return err
			}
			if r.RequestedInformationType, err = decodeRequestedInformationType(m); err != nil {
				return &DecodeError{Field: "requestedInformationType", Err: err}
			}
			haveType = true
		case ber.ContextC(1):
			if err := seen.once(m.Tag, "requestedInformationValue"); err != nil {
				return err
			}
			if err := r.RequestedInformationValue.decode(m.Value); err != nil {
				return fieldError("requestedInformationValue", err)
			}
			haveValue = true
		}
	}
	switch {
	case !haveType:
		return &DecodeError{Field: "requestedInformationType", Err: ErrMissing}
	case !haveValue:
		return &DecodeError{Field: "requestedInformationValue", Err: ErrMissing}
	}
	return nil
}

// encode writes the CHOICE under its EXPLICIT field tag t.
func (v *RequestedInformationValue) encode(e *ber.Encoder, t ber.Tag) error {
	n := 0
	for _, set := range [...]bool{v.CallAttemptElapsedTimeValue != nil, v.CallStopTimeValue != nil,
		v.CallConnectedElapsedTimeValue != nil, v.ReleaseCauseValue != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return ErrChoice
	}
	m := e.Begin(t)
	switch {
	case v.CallAttemptElapsedTimeValue != nil:
		e.Int(ber.Context(0), int64(*v.CallAttemptElapsedTimeValue))
	case v.CallStopTimeValue != nil:
		if err := encodeNumber(e, ber.Context(1), *v.CallStopTimeValue, 7, 7); err != nil {
			return &DecodeError{Field: "callStopTimeValue", Err: err}
		}
	case v.CallConnectedElapsedTimeValue != nil:
		if *v.CallConnectedElapsedTimeValue > maxInteger4 {
			return &DecodeError{Field: "callConnectedElapsedTimeValue", Err: ErrRange}
		}
		e.Int(ber.Context(2), int64(*v.CallConnectedElapsedTimeValue))
	case v.ReleaseCauseValue != nil:
		if err := encodeNumber(e, ber.Context(30), *v.ReleaseCauseValue, minCause, maxCause); err != nil {
			return &DecodeError{Field: "releaseCauseValue", Err: err}
		}
	}
	e.End(m)
	return nil
}

// decode reads the contents of the EXPLICIT field tag.
func (v *RequestedInformationValue) decode(b []byte) error {
	alt, err := ber.ParseOnly(b)
	if err != nil {
		return err
	}
	*v = RequestedInformationValue{}
	switch alt.Tag {
	case ber.Context(0):
		x, err := decodeInt(alt, 0, 255)
		if err != nil {
			return &DecodeError{Field: "callAttemptElapsedTimeValue", Err: err}
		}
		t := uint8(x)
		v.CallAttemptElapsedTimeValue = &t
	case ber.Context(1):
		v.CallStopTimeValue = new(DateAndTime)
		if err := decodeNumber(v.CallStopTimeValue, alt, 7, 7); err != nil {
			return &DecodeError{Field: "callStopTimeValue", Err: err}
		}
	case ber.Context(2):
		x, err := decodeInt(alt, 0, maxInteger4)
		if err != nil {
			return &DecodeError{Field: "callConnectedElapsedTimeValue", Err: err}
		}
		t := uint32(x)
		v.CallConnectedElapsedTimeValue = &t
	case ber.Context(30):
		v.ReleaseCauseValue = new(Cause)
		if err := decodeNumber(v.ReleaseCauseValue, alt, minCause, maxCause); err != nil {
			return &DecodeError{Field: "releaseCauseValue", Err: err}
		}
	default:
		return ber.ErrUnexpectedTag
	}
	return nil
}
