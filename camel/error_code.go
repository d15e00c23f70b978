package camel

import (
	"strconv"

	"github.com/scpd/scpd/sigtran/ber"
)

// ErrorCode is a CAP local error code of a TCAP ReturnError
// (CAP-errorcodes, TS 29.078 §5.4).
type ErrorCode int32

// The CAP error codes.
const (
	ErrorCodeCanceled                    ErrorCode = 0
	ErrorCodeCancelFailed                ErrorCode = 1
	ErrorCodeETCFailed                   ErrorCode = 3
	ErrorCodeImproperCallerResponse      ErrorCode = 4
	ErrorCodeMissingCustomerRecord       ErrorCode = 6
	ErrorCodeMissingParameter            ErrorCode = 7
	ErrorCodeParameterOutOfRange         ErrorCode = 8
	ErrorCodeRequestedInfoError          ErrorCode = 10
	ErrorCodeSystemFailure               ErrorCode = 11
	ErrorCodeTaskRefused                 ErrorCode = 12
	ErrorCodeUnavailableResource         ErrorCode = 13
	ErrorCodeUnexpectedComponentSequence ErrorCode = 14
	ErrorCodeUnexpectedDataValue         ErrorCode = 15
	ErrorCodeUnexpectedParameter         ErrorCode = 16
	ErrorCodeUnknownLegID                ErrorCode = 17
	ErrorCodeUnknownPDPID                ErrorCode = 50
	ErrorCodeUnknownCSID                 ErrorCode = 51
)

var errorCodeNames = map[ErrorCode]string{
	ErrorCodeCanceled:                    "canceled",
	ErrorCodeCancelFailed:                "cancelFailed",
	ErrorCodeETCFailed:                   "eTCFailed",
	ErrorCodeImproperCallerResponse:      "improperCallerResponse",
	ErrorCodeMissingCustomerRecord:       "missingCustomerRecord",
	ErrorCodeMissingParameter:            "missingParameter",
	ErrorCodeParameterOutOfRange:         "parameterOutOfRange",
	ErrorCodeRequestedInfoError:          "requestedInfoError",
	ErrorCodeSystemFailure:               "systemFailure",
	ErrorCodeTaskRefused:                 "taskRefused",
	ErrorCodeUnavailableResource:         "unavailableResource",
	ErrorCodeUnexpectedComponentSequence: "unexpectedComponentSequence",
	ErrorCodeUnexpectedDataValue:         "unexpectedDataValue",
	ErrorCodeUnexpectedParameter:         "unexpectedParameter",
	ErrorCodeUnknownLegID:                "unknownLegID",
	ErrorCodeUnknownPDPID:                "unknownPDPID",
	ErrorCodeUnknownCSID:                 "unknownCSID",
}

// String gives the ASN.1 name, e.g. "missingCustomerRecord".
func (c ErrorCode) String() string {
	if s, ok := errorCodeNames[c]; ok {
		return s
	}
	return "errorCode(" + strconv.Itoa(int(c)) + ")"
}

// MarshalText makes JSON show the name.
func (c ErrorCode) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// ErrorParameter is the typed parameter of a CAP ReturnError
// (CAP-errortypes). Encode writes the whole parameter, tag included;
// Decode reads one.
type ErrorParameter interface {
	Code() ErrorCode
	Encode(e *ber.Encoder) error
	Decode(param []byte) error
}

// NewErrorParameter returns an empty parameter of the error, ready for
// Decode, or nil for an error that carries none.
func NewErrorParameter(c ErrorCode) ErrorParameter {
	switch c {
	case ErrorCodeCancelFailed:
		return new(CancelFailed)
	case ErrorCodeRequestedInfoError:
		return new(RequestedInfoError)
	case ErrorCodeSystemFailure:
		return new(UnavailableNetworkResource)
	case ErrorCodeTaskRefused:
		return new(TaskRefused)
	}
	return nil
}

// DecodeErrorParameter decodes the parameter of a ReturnError with code c.
// An error without a parameter must come without one; an unknown code is
// ErrUnsupported. CAP ReturnErrors all use local codes.
func DecodeErrorParameter(c ErrorCode, param []byte) (ErrorParameter, error) {
	p := NewErrorParameter(c)
	if p == nil {
		if _, ok := errorCodeNames[c]; !ok {
			return nil, &DecodeError{Field: c.String(), Err: ErrUnsupported}
		}
		if len(param) != 0 {
			return nil, &DecodeError{Field: c.String(), Err: ErrNoArgument}
		}
		return nil, nil
	}
	if err := p.Decode(param); err != nil {
		return nil, err
	}
	return p, nil
}

// CancelFailedProblem is the problem of the cancelFailed error.
type CancelFailedProblem uint8

// Cancel failure problems.
const (
	ProblemUnknownOperation        CancelFailedProblem = 0
	ProblemTooLate                 CancelFailedProblem = 1
	ProblemOperationNotCancellable CancelFailedProblem = 2
)

func (p CancelFailedProblem) String() string {
	switch p {
	case ProblemUnknownOperation:
		return "unknownOperation"
	case ProblemTooLate:
		return "tooLate"
	case ProblemOperationNotCancellable:
		return "operationNotCancellable"
	}
	return "problem(" + strconv.Itoa(int(p)) + ")"
}

// MarshalText makes JSON show the name.
func (p CancelFailedProblem) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// CancelFailed is the parameter of cancelFailed (code 1):
//
//	SEQUENCE {
//		problem   [0] ENUMERATED { unknownOperation (0), tooLate (1), operationNotCancellable (2) },
//		operation [1] InvokeID,
//		... }
type CancelFailed struct {
	Problem   CancelFailedProblem `json:"problem"`
	Operation int8                `json:"operation"`
}

// Code returns ErrorCodeCancelFailed.
func (p *CancelFailed) Code() ErrorCode { return ErrorCodeCancelFailed }

// Encode writes the parameter, e.g. tooLate for invoke 5: 30 06 80 01 01 81 01 05.
func (p *CancelFailed) Encode(e *ber.Encoder) error {
	if p.Problem > ProblemOperationNotCancellable {
		return &DecodeError{Field: "cancelFailed.problem", Err: ErrRange}
	}
	m := e.Begin(ber.TagSequence)
	e.Int(ber.Context(0), int64(p.Problem))
	e.Int(ber.Context(1), int64(p.Operation))
	e.End(m)
	return nil
}

// Decode reads the parameter.
func (p *CancelFailed) Decode(param []byte) error {
	const typ = "cancelFailed"
	r, err := openSequence(param, ber.TagSequence, typ)
	if err != nil {
		return err
	}
	*p = CancelFailed{}
	var haveProblem, haveOperation bool
	err = eachMember(r.Rest(), func(m ber.TLV) (string, error) {
		switch m.Tag.Number {
		case 0:
			x, err := decodeInt(m, 0, 2)
			p.Problem, haveProblem = CancelFailedProblem(x), true
			return "problem", err
		case 1:
			var err error
			p.Operation, err = decodeInvokeID(m)
			haveOperation = true
			return "operation", err
		}
		return "", nil
	})
	switch {
	case err != nil:
		return fieldError(typ, err)
	case !haveProblem:
		return &DecodeError{Field: typ + ".problem", Err: ErrMissing}
	case !haveOperation:
		return &DecodeError{Field: typ + ".operation", Err: ErrMissing}
	}
	return nil
}

// RequestedInfoError is the parameter of requestedInfoError (code 10):
// ENUMERATED { unknownRequestedInfo (1), requestedInfoNotAvailable (2) }.
type RequestedInfoError uint8

// Requested info errors.
const (
	UnknownRequestedInfo      RequestedInfoError = 1
	RequestedInfoNotAvailable RequestedInfoError = 2
)

func (p RequestedInfoError) String() string {
	switch p {
	case UnknownRequestedInfo:
		return "unknownRequestedInfo"
	case RequestedInfoNotAvailable:
		return "requestedInfoNotAvailable"
	}
	return "requestedInfoError(" + strconv.Itoa(int(p)) + ")"
}

// MarshalText makes JSON show the name.
func (p RequestedInfoError) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// Code returns ErrorCodeRequestedInfoError.
func (p *RequestedInfoError) Code() ErrorCode { return ErrorCodeRequestedInfoError }

// Encode writes the parameter, a universal ENUMERATED: 0a 01 02.
func (p *RequestedInfoError) Encode(e *ber.Encoder) error {
	return encodeEnumParameter(e, "requestedInfoError", int64(*p), 1, 2)
}

// Decode reads the parameter.
func (p *RequestedInfoError) Decode(param []byte) error {
	x, err := decodeEnumParameter(param, "requestedInfoError", 1, 2)
	*p = RequestedInfoError(x)
	return err
}

// UnavailableNetworkResource is the parameter of systemFailure (code 11)
// (CAP-datatypes): the network resource that failed.
type UnavailableNetworkResource uint8

// Unavailable network resources.
const (
	UnavailableResources         UnavailableNetworkResource = 0
	ComponentFailure             UnavailableNetworkResource = 1
	BasicCallProcessingException UnavailableNetworkResource = 2
	ResourceStatusFailure        UnavailableNetworkResource = 3
	EndUserFailure               UnavailableNetworkResource = 4
)

var unavailableNetworkResourceNames = [...]string{
	"unavailableResources", "componentFailure", "basicCallProcessingException",
	"resourceStatusFailure", "endUserFailure",
}

func (p UnavailableNetworkResource) String() string {
	if int(p) < len(unavailableNetworkResourceNames) {
		return unavailableNetworkResourceNames[p]
	}
	return "unavailableNetworkResource(" + strconv.Itoa(int(p)) + ")"
}

// MarshalText makes JSON show the name.
func (p UnavailableNetworkResource) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// Code returns ErrorCodeSystemFailure.
func (p *UnavailableNetworkResource) Code() ErrorCode { return ErrorCodeSystemFailure }

// Encode writes the parameter, a universal ENUMERATED: 0a 01 01.
func (p *UnavailableNetworkResource) Encode(e *ber.Encoder) error {
	return encodeEnumParameter(e, "systemFailure", int64(*p), 0, 4)
}

// Decode reads the parameter.
func (p *UnavailableNetworkResource) Decode(param []byte) error {
	x, err := decodeEnumParameter(param, "systemFailure", 0, 4)
	*p = UnavailableNetworkResource(x)
	return err
}

// TaskRefused is the parameter of taskRefused (code 12):
// ENUMERATED { generic (0), unobtainable (1), congestion (2) }.
type TaskRefused uint8

// Task refusal reasons.
const (
	TaskRefusedGeneric      TaskRefused = 0
	TaskRefusedUnobtainable TaskRefused = 1
	TaskRefusedCongestion   TaskRefused = 2
)

func (p TaskRefused) String() string {
	switch p {
	case TaskRefusedGeneric:
		return "generic"
	case TaskRefusedUnobtainable:
		return "unobtainable"
	case TaskRefusedCongestion:
		return "congestion"
	}
	return "taskRefused(" + strconv.Itoa(int(p)) + ")"
}

// MarshalText makes JSON show the name.
func (p TaskRefused) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// Code returns ErrorCodeTaskRefused.
func (p *TaskRefused) Code() ErrorCode { return ErrorCodeTaskRefused }

// Encode writes the parameter, a universal ENUMERATED: 0a 01 02.
func (p *TaskRefused) Encode(e *ber.Encoder) error {
	return encodeEnumParameter(e, "taskRefused", int64(*p), 0, 2)
}

// Decode reads the parameter.
func (p *TaskRefused) Decode(param []byte) error {
	x, err := decodeEnumParameter(param, "taskRefused", 0, 2)
	*p = TaskRefused(x)
	return err
}

// encodeEnumParameter writes an error parameter that is a bare ENUMERATED.
func encodeEnumParameter(e *ber.Encoder, name string, v, min, max int64) error {
	if v < min || v > max {
		return &DecodeError{Field: name, Err: ErrRange}
	}
	e.Int(ber.TagEnumerated, v)
	return nil
}

func decodeEnumParameter(param []byte, name string, min, max int64) (int64, error) {
	tlv, err := ber.ParseOnly(param)
	if err != nil {
		return 0, &DecodeError{Field: name, Err: err}
	}
	if tlv.Tag != ber.TagEnumerated {
		return 0, &DecodeError{Field: name, Err: ber.ErrUnexpectedTag}
	}
	x, err := intIn(tlv.Value, min, max)
	if err != nil {
		return 0, &DecodeError{Field: name, Err: err}
	}
	return x, nil
}
