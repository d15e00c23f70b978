package camel

import (
	"errors"
	"testing"

	"github.com/scpd/scpd/sigtran/ber"
)

var cirqAll = &CallInformationRequestArg{
	RequestedInformationTypeList: []RequestedInformationType{CallAttemptElapsedTime, CallStopTime, CallConnectedElapsedTime, ReleaseCause},
	LegID:                        Leg2,
}

const cirqAllHex = "30 0e a0 0c 0a 01 00 0a 01 01 0a 01 02 0a 01 1e" // four ENUMERATEDs; legID leg2 is the DEFAULT

func TestCallInformationRequestArg(t *testing.T) {
	runArgCases(t, []argCase{
		{"all four, leg2, phase 2", Phase2, cirqAll, cirqAllHex},
		{"all four, leg2, phase 4", Phase4, cirqAll, cirqAllHex},
		{"release cause of leg1 with extension, phase 3", Phase3, &CallInformationRequestArg{
			RequestedInformationTypeList: []RequestedInformationType{ReleaseCause},
			Extensions:                   Extensions{{Type: 1, Value: []byte{0x05, 0x00}}},
			LegID:                        Leg1},
			"30 15 a0 03 0a 01 1e a2 09 30 07 02 01 01 a1 02 05 00 a3 03 80 01 01"}, // legID [3] EXPLICIT: sendingSideID leg1
	})
}

func TestCallInformationRequestArgDefaultLeg(t *testing.T) {
	// An unset LegID encodes as the DEFAULT, and an explicit leg2 decodes.
	a := &CallInformationRequestArg{RequestedInformationTypeList: []RequestedInformationType{CallStopTime}}
	e := ber.NewEncoder(nil)
	if err := a.Encode(e, Phase4); err != nil || string(e.Bytes()) != string(unhex(t, "30 05 a0 03 0a 01 01")) {
		t.Fatalf("encode %x %v", e.Bytes(), err)
	}
	var d CallInformationRequestArg
	if err := d.Decode(unhex(t, "30 0a a0 03 0a 01 01 a3 03 80 01 02 "), Phase4); err != nil || d.LegID != Leg2 {
		t.Fatalf("decode %+v %v", d, err)
	}
}

func TestCallInformationRequestArgEncodeErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		arg   CallInformationRequestArg
		field string
		want  error
	}{
		{"empty list", CallInformationRequestArg{}, "CallInformationRequestArg.requestedInformationTypeList", ErrSize},
		{"five types", CallInformationRequestArg{RequestedInformationTypeList: make([]RequestedInformationType, 5)},
			"CallInformationRequestArg.requestedInformationTypeList", ErrSize},
		{"type 3", CallInformationRequestArg{RequestedInformationTypeList: []RequestedInformationType{3}},
			"CallInformationRequestArg.requestedInformationTypeList", ErrRange},
	} {
		err := tc.arg.Encode(ber.NewEncoder(nil), Phase4)
		var de *DecodeError
		if !errors.As(err, &de) || de.Field != tc.field || !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %s: %v", tc.name, err, tc.field, tc.want)
		}
	}
}

func TestCallInformationRequestArgErrors(t *testing.T) {
	runDecodeErrCases(t, []decodeErrCase{
		{"no list", OpCallInformationRequest, Phase2, "30 05 a3 03 80 01 01", "CallInformationRequestArg.requestedInformationTypeList"},
		{"empty list", OpCallInformationRequest, Phase2, "30 02 a0 00", "CallInformationRequestArg.requestedInformationTypeList"},
		{"five types", OpCallInformationRequest, Phase2, "30 11 a0 0f 0a 01 00 0a 01 01 0a 01 02 0a 01 1e 0a 01 00", "CallInformationRequestArg.requestedInformationTypeList"},
		{"type 3", OpCallInformationRequest, Phase2, "30 05 a0 03 0a 01 03", "CallInformationRequestArg.requestedInformationTypeList"},
		{"type as INTEGER", OpCallInformationRequest, Phase2, "30 05 a0 03 02 01 01", "CallInformationRequestArg.requestedInformationTypeList"},
		{"list primitive", OpCallInformationRequest, Phase2, "30 05 80 03 0a 01 01", "CallInformationRequestArg.requestedInformationTypeList"},
		{"receivingSideID", OpCallInformationRequest, Phase2, "30 0a a0 03 0a 01 01 a3 03 81 01 02", "CallInformationRequestArg.legID"},
		{"leg of 2 octets", OpCallInformationRequest, Phase2, "30 0b a0 03 0a 01 01 a3 04 80 02 01 01", "CallInformationRequestArg.legID.sendingSideID"},
	})
}

func FuzzCallInformationRequestArg(f *testing.F) {
	fuzzArgument(f, func() Argument { return new(CallInformationRequestArg) }, cirqAllHex,
		"30 15 a0 03 0a 01 1e a2 09 30 07 02 01 01 a1 02 05 00 a3 03 80 01 01")
}

func TestCallInformationRequestArgAllocs(t *testing.T) {
	e := ber.NewEncoder(make([]byte, 0, 64))
	if allocs := testing.AllocsPerRun(200, func() {
		e.Reset()
		if err := cirqAll.Encode(e, Phase2); err != nil {
			t.Fatal(err)
		}
	}); allocs != 0 {
		t.Errorf("Encode allocates %.0f times", allocs)
	}
}

// A SEQUENCE carries each member once (X.690 8.9.2).
func TestCallInformationRequestArgDuplicateMember(t *testing.T) {
	runDecodeErrIsCases(t, ErrDuplicate, []decodeErrCase{
		{"requestedInformationTypeList twice", OpCallInformationRequest, Phase2,
			"30 0a a0 03 0a 01 01 a0 03 0a 01 02", "CallInformationRequestArg.requestedInformationTypeList"},
	})
}
