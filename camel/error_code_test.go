package camel

import (
	"errors"
	"reflect"
	"testing"

	"github.com/scpd/scpd/sigtran/ber"
)

// The codes of CAP-errorcodes.asn (TS 29.078 §5.4), as the module writes them.
var capErrorCodes = map[string]ErrorCode{
	"canceled": 0, "cancelFailed": 1, "eTCFailed": 3, "improperCallerResponse": 4,
	"missingCustomerRecord": 6, "missingParameter": 7, "parameterOutOfRange": 8,
	"requestedInfoError": 10, "systemFailure": 11, "taskRefused": 12, "unavailableResource": 13,
	"unexpectedComponentSequence": 14, "unexpectedDataValue": 15, "unexpectedParameter": 16,
	"unknownLegID": 17, "unknownPDPID": 50, "unknownCSID": 51,
}

func TestErrorCodeNames(t *testing.T) {
	if len(errorCodeNames) != len(capErrorCodes) {
		t.Errorf("%d codes, the module has %d", len(errorCodeNames), len(capErrorCodes))
	}
	for name, code := range capErrorCodes {
		if code.String() != name {
			t.Errorf("ErrorCode(%d) = %s, want %s", code, code, name)
		}
	}
	if s := ErrorCode(2).String(); s != "errorCode(2)" {
		t.Errorf("unknown code: %s", s)
	}
}

func TestErrorParameters(t *testing.T) {
	unavailable := ComponentFailure
	congestion := TaskRefusedCongestion
	notAvailable := RequestedInfoNotAvailable
	for _, tc := range []struct {
		name string
		p    ErrorParameter
		hex  string
	}{
		{"cancelFailed tooLate", &CancelFailed{Problem: ProblemTooLate, Operation: 5}, "30 06 80 01 01 81 01 05"},
		{"requestedInfoError", &notAvailable, "0a 01 02"},
		{"systemFailure", &unavailable, "0a 01 01"},
		{"taskRefused", &congestion, "0a 01 02"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := ber.NewEncoder(nil)
			if err := tc.p.Encode(e); err != nil {
				t.Fatal(err)
			}
			want := unhex(t, tc.hex)
			if string(e.Bytes()) != string(want) {
				t.Fatalf("Encode = %x, want %x", e.Bytes(), want)
			}
			back, err := DecodeErrorParameter(tc.p.Code(), want)
			if err != nil || !reflect.DeepEqual(back, tc.p) {
				t.Fatalf("Decode = %+v %v, want %+v", back, err, tc.p)
			}
		})
	}
}

func TestErrorParameterErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		code  ErrorCode
		hex   string
		field string
		err   error
	}{
		{"parameter on missingParameter", ErrorCodeMissingParameter, "05 00", "missingParameter", ErrNoArgument},
		{"unknown code", 99, "", "errorCode(99)", ErrUnsupported},
		{"taskRefused 3", ErrorCodeTaskRefused, "0a 01 03", "taskRefused", ErrRange},
		{"systemFailure as INTEGER", ErrorCodeSystemFailure, "02 01 01", "systemFailure", ber.ErrUnexpectedTag},
		{"cancelFailed without operation", ErrorCodeCancelFailed, "30 03 80 01 01", "cancelFailed.operation", ErrMissing},
		{"cancelFailed problem 3", ErrorCodeCancelFailed, "30 06 80 01 03 81 01 05", "cancelFailed.problem", ErrRange},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeErrorParameter(tc.code, unhex(t, tc.hex))
			var de *DecodeError
			if !errors.As(err, &de) || de.Field != tc.field || !errors.Is(err, tc.err) {
				t.Fatalf("error %v, want %v on %s", err, tc.err, tc.field)
			}
		})
	}
	if p, err := DecodeErrorParameter(ErrorCodeUnknownLegID, nil); p != nil || err != nil {
		t.Errorf("unknownLegID: %v %v", p, err)
	}
}
