package camel

import (
	"errors"
	"testing"

	"github.com/scpd/scpd/sigtran/ber"
)

func cirpAll() *CallInformationReportArg {
	return &CallInformationReportArg{
		RequestedInformationList: []RequestedInformation{
			{CallAttemptElapsedTime, RequestedInformationValue{CallAttemptElapsedTimeValue: ptr(uint8(5))}},
			{CallStopTime, RequestedInformationValue{CallStopTimeValue: &DateAndTime{Year: 2026, Month: 11, Day: 26, Hour: 14, Minute: 53, Second: 2}}},
			{CallConnectedElapsedTime, RequestedInformationValue{CallConnectedElapsedTimeValue: ptr(uint32(1234))}},
			{ReleaseCause, RequestedInformationValue{ReleaseCauseValue: &Cause{Location: LocationUser, Value: CauseNormalClearing}}},
		},
		LegID: Leg2,
	}
}

const cirpAllHex = "30 32 a0 30" +
	" 30 08 80 01 00 a1 03 80 01 05" + // callAttemptElapsedTime: [1] EXPLICIT callAttemptElapsedTimeValue 5 s
	" 30 0e 80 01 01 a1 09 81 07 02 62 11 62 41 35 20" + // callStopTime: 2026-11-26 14:53:02
	" 30 09 80 01 02 a1 04 82 02 04 d2" + // callConnectedElapsedTime: 123.4 s
	" 30 09 80 01 1e a1 04 9e 02 80 90" // releaseCause: user, normal call clearing

func TestCallInformationReportArg(t *testing.T) {
	runArgCases(t, []argCase{
		{"all four, leg2, phase 2", Phase2, cirpAll(), cirpAllHex},
		{"all four, leg2, phase 4", Phase4, cirpAll(), cirpAllHex},
		{"leg1 with extension, phase 3", Phase3, &CallInformationReportArg{
			RequestedInformationList: []RequestedInformation{
				{CallConnectedElapsedTime, RequestedInformationValue{CallConnectedElapsedTimeValue: ptr(uint32(0))}}},
			Extensions: Extensions{{Type: 1, Value: []byte{0x05, 0x00}}},
			LegID:      Leg1},
			"30 1c a0 0a 30 08 80 01 02 a1 03 82 01 00 a2 09 30 07 02 01 01 a1 02 05 00 a3 03 81 01 01"}, // legID [3] EXPLICIT: receivingSideID leg1
	})
}

func TestCallInformationReportArgUnknownMembers(t *testing.T) {
	// [4] in CallInformationReportArg and [2] in RequestedInformation: skipped.
	var a CallInformationReportArg
	if err := a.Decode(unhex(t, "30 0e a0 0a 30 08 80 01 00 a1 03 80 01 05 84 00"), Phase4); err != nil {
		t.Fatal(err)
	}
	if err := a.Decode(unhex(t, "30 0e a0 0c 30 0a 80 01 00 82 00 a1 03 80 01 05"), Phase4); err != nil {
		t.Fatal(err)
	}
	if *a.RequestedInformationList[0].RequestedInformationValue.CallAttemptElapsedTimeValue != 5 || a.LegID != Leg2 {
		t.Fatalf("decoded %+v", a)
	}
}

func TestCallInformationReportArgEncodeErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(a *CallInformationReportArg)
		field string
		want  error
	}{
		{"no value", func(a *CallInformationReportArg) {
			a.RequestedInformationList[0].RequestedInformationValue = RequestedInformationValue{}
		},
			"CallInformationReportArg.requestedInformationList.requestedInformationValue", ErrChoice},
		{"two values", func(a *CallInformationReportArg) {
			a.RequestedInformationList[0].RequestedInformationValue.CallConnectedElapsedTimeValue = ptr(uint32(1))
		}, "CallInformationReportArg.requestedInformationList.requestedInformationValue", ErrChoice},
		{"type 31", func(a *CallInformationReportArg) { a.RequestedInformationList[3].RequestedInformationType = 31 },
			"CallInformationReportArg.requestedInformationList.requestedInformationType", ErrRange},
		{"elapsed time beyond Integer4", func(a *CallInformationReportArg) {
			a.RequestedInformationList[2].RequestedInformationValue.CallConnectedElapsedTimeValue = ptr(uint32(1 << 31))
		}, "CallInformationReportArg.requestedInformationList.requestedInformationValue.callConnectedElapsedTimeValue", ErrRange},
		{"stop time hour 100", func(a *CallInformationReportArg) {
			a.RequestedInformationList[1].RequestedInformationValue.CallStopTimeValue.Hour = 100
		}, "CallInformationReportArg.requestedInformationList.requestedInformationValue.callStopTimeValue", ErrRange},
		{"five items", func(a *CallInformationReportArg) {
			a.RequestedInformationList = append(a.RequestedInformationList, a.RequestedInformationList[0])
		}, "CallInformationReportArg.requestedInformationList", ErrSize},
	} {
		a := cirpAll()
		tc.edit(a)
		err := a.Encode(ber.NewEncoder(nil), Phase4)
		var de *DecodeError
		if !errors.As(err, &de) || de.Field != tc.field || !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %s: %v", tc.name, err, tc.field, tc.want)
		}
	}
}

func TestCallInformationReportArgErrors(t *testing.T) {
	const f = "CallInformationReportArg.requestedInformationList"
	runDecodeErrCases(t, []decodeErrCase{
		{"no list", OpCallInformationReport, Phase2, "30 05 a3 03 81 01 01", f},
		{"empty list", OpCallInformationReport, Phase2, "30 02 a0 00", f},
		{"element not a SEQUENCE", OpCallInformationReport, Phase2, "30 0c a0 0a 31 08 80 01 00 a1 03 80 01 05", f},
		{"no type", OpCallInformationReport, Phase2, "30 09 a0 07 30 05 a1 03 80 01 05", f + ".requestedInformationType"},
		{"no value", OpCallInformationReport, Phase2, "30 07 a0 05 30 03 80 01 00", f + ".requestedInformationValue"},
		{"type 29", OpCallInformationReport, Phase2, "30 0c a0 0a 30 08 80 01 1d a1 03 80 01 05", f + ".requestedInformationType"},
		{"elapsed time 256", OpCallInformationReport, Phase2, "30 0d a0 0b 30 09 80 01 00 a1 04 80 02 01 00",
			f + ".requestedInformationValue.callAttemptElapsedTimeValue"},
		{"stop time of 6 octets", OpCallInformationReport, Phase2, "30 11 a0 0f 30 0d 80 01 01 a1 08 81 06 02 62 11 62 41 35",
			f + ".requestedInformationValue.callStopTimeValue"},
		{"stop time with a nibble of 15", OpCallInformationReport, Phase2, "30 12 a0 10 30 0e 80 01 01 a1 09 81 07 02 62 11 62 41 35 2f",
			f + ".requestedInformationValue.callStopTimeValue"},
		{"negative connected time", OpCallInformationReport, Phase2, "30 0c a0 0a 30 08 80 01 02 a1 03 82 01 ff",
			f + ".requestedInformationValue.callConnectedElapsedTimeValue"},
		{"cause of 1 octet", OpCallInformationReport, Phase2, "30 0c a0 0a 30 08 80 01 1e a1 03 9e 01 80",
			f + ".requestedInformationValue.releaseCauseValue"},
		{"unknown value alternative", OpCallInformationReport, Phase2, "30 0c a0 0a 30 08 80 01 00 a1 03 83 01 05",
			f + ".requestedInformationValue"},
		{"value without EXPLICIT tag", OpCallInformationReport, Phase2, "30 0a a0 08 30 06 80 01 00 81 01 05",
			f + ".requestedInformationValue"},
		{"five items", OpCallInformationReport, Phase2, "30 34 a0 32" +
			" 30 08 80 01 00 a1 03 80 01 05 30 08 80 01 00 a1 03 80 01 05 30 08 80 01 00 a1 03 80 01 05" +
			" 30 08 80 01 00 a1 03 80 01 05 30 08 80 01 00 a1 03 80 01 05", f},
		{"sendingSideID", OpCallInformationReport, Phase2, "30 11 a0 0a 30 08 80 01 00 a1 03 80 01 05 a3 03 80 01 01",
			"CallInformationReportArg.legID"},
	})
}

func FuzzCallInformationReportArg(f *testing.F) {
	fuzzArgument(f, func() Argument { return new(CallInformationReportArg) }, cirpAllHex,
		"30 1c a0 0a 30 08 80 01 02 a1 03 82 01 00 a2 09 30 07 02 01 01 a1 02 05 00 a3 03 81 01 01")
}

func TestCallInformationReportArgAllocs(t *testing.T) {
	in := unhex(t, cirpAllHex)
	// The argument, the list, and one value per item.
	if allocs := testing.AllocsPerRun(200, func() {
		var a CallInformationReportArg
		if err := a.Decode(in, Phase2); err != nil {
			t.Fatal(err)
		}
	}); allocs > 6 {
		t.Errorf("Decode allocates %.0f times, want at most 6", allocs)
	}
}

// A SEQUENCE carries each member once (X.690 8.9.2); the list is a
// SEQUENCE OF, whose elements repeat (cirpAllHex).
func TestCallInformationReportArgDuplicateMember(t *testing.T) {
	const typ = "CallInformationReportArg"
	runDecodeErrIsCases(t, ErrDuplicate, []decodeErrCase{
		{"legID twice", OpCallInformationReport, Phase2,
			"30 16 a0 0a 30 08 80 01 00 a1 03 80 01 05 a3 03 81 01 01 a3 03 81 01 02", typ + ".legID"},
		{"requestedInformationType twice", OpCallInformationReport, Phase2,
			"30 0f a0 0d 30 0b 80 01 00 80 01 01 a1 03 80 01 05", typ + ".requestedInformationList.requestedInformationType"},
	})
}
