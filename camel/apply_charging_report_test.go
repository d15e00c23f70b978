package camel

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/scpd/scpd/sigtran/ber"
)

func boolp(v bool) *bool { return &v }

// The final report of a call of 3 minutes that the caller hung up.
var acrFinal = &ApplyChargingReportArg{CallResult{TimeDurationChargingResult{
	PartyToCharge:   Leg1,
	TimeInformation: TimeInformation{TimeIfNoTariffSwitch: 1800},
	LegActive:       boolp(false),
}}}

const acrFinalHex = "04 10" + // ApplyChargingReportArg is an OCTET STRING
	" a0 0e" + // timeDurationChargingResult
	" a0 03 81 01 01" + // partyToCharge [0] EXPLICIT: receivingSideID leg1
	" a1 04 80 02 07 08" + // timeInformation [1] EXPLICIT: timeIfNoTariffSwitch 1800 (3 min)
	" 82 01 00" // legActive FALSE

func TestApplyChargingReportArg(t *testing.T) {
	phase4 := func(a ApplyChargingReportArg) *ApplyChargingReportArg {
		if a.TimeDurationChargingResult.AChChargingAddress.IsZero() {
			a.TimeDurationChargingResult.AChChargingAddress = defaultReceivingLeg1
		}
		return &a
	}
	runArgCases(t, []argCase{
		{"final report, phase 2", Phase2, acrFinal, acrFinalHex},
		{"final report, phase 4", Phase4, phase4(*acrFinal), acrFinalHex},
		{"period expired, leg still active, phase 2", Phase2, &ApplyChargingReportArg{CallResult{TimeDurationChargingResult{
			PartyToCharge:   Leg1,
			TimeInformation: TimeInformation{TimeIfNoTariffSwitch: 3000},
		}}}, "04 0d a0 0b a0 03 81 01 01 a1 04 80 02 0b b8"},
		{"tariff switch, released at Tcp expiry, phase 3", Phase3, &ApplyChargingReportArg{CallResult{TimeDurationChargingResult{
			PartyToCharge: Leg2,
			TimeInformation: TimeInformation{TimeIfTariffSwitch: &TimeIfTariffSwitch{
				TimeSinceTariffSwitch: 300, TariffSwitchInterval: 6000}},
			CallLegReleasedAtTcpExpiry: true,
		}}}, "04 15 a0 13 a0 03 81 01 02" +
			" a1 0a a1 08 80 02 01 2c 81 02 17 70" + // timeIfTariffSwitch [1]: 30 s since the switch, 600 s before it
			" 83 00"}, // callLegReleasedAtTcpExpiry [3]
		{"zero time, SRF connection, phase 4", Phase4, &ApplyChargingReportArg{CallResult{TimeDurationChargingResult{
			PartyToCharge:      Leg1,
			TimeInformation:    TimeInformation{TimeIfNoTariffSwitch: 0},
			LegActive:          boolp(false),
			AChChargingAddress: AChChargingAddress{SRFConnection: 3},
		}}}, "04 15 a0 13 a0 03 81 01 01 a1 03 80 01 00 82 01 00" +
			" a5 04 9f 32 01 03"}, // aChChargingAddress [5] EXPLICIT: srfConnection [50] 3
		{"extensions, phase 3", Phase3, &ApplyChargingReportArg{CallResult{TimeDurationChargingResult{
			PartyToCharge:   Leg1,
			TimeInformation: TimeInformation{TimeIfNoTariffSwitch: 10},
			Extensions:      Extensions{{Type: 7, Value: []byte{0x05, 0x00}}},
		}}}, "04 17 a0 15 a0 03 81 01 01 a1 03 80 01 0a a4 09 30 07 02 01 07 a1 02 05 00"},
	})
}

func TestApplyChargingReportArgLegActive(t *testing.T) {
	var a ApplyChargingReportArg
	if err := a.Decode(unhex(t, "04 10 a0 0e a0 03 81 01 01 a1 04 80 02 07 08 82 01 ff"), Phase2); err != nil {
		t.Fatal(err)
	}
	if !a.TimeDurationChargingResult.IsLegActive() {
		t.Error("explicit TRUE read as released")
	}
	if err := a.Decode(unhex(t, "04 0d a0 0b a0 03 81 01 01 a1 04 80 02 07 08"), Phase2); err != nil {
		t.Fatal(err)
	}
	if r := a.TimeDurationChargingResult; r.LegActive != nil || !r.IsLegActive() {
		t.Error("absent legActive is not the DEFAULT TRUE")
	}
	if acrFinal.TimeDurationChargingResult.IsLegActive() {
		t.Error("FALSE read as active")
	}
}

func TestApplyChargingReportArgPhaseMembers(t *testing.T) {
	// [3] and [4] are not phase 2 members; a phase 2 dialogue skips them
	// whatever their form, a later phase decodes them.
	in := unhex(t, "04 15 a0 13 a0 03 81 01 02 a1 0a a1 08 80 02 01 2c 81 02 17 70 83 00")
	var a ApplyChargingReportArg
	if err := a.Decode(in, Phase2); err != nil || a.TimeDurationChargingResult.CallLegReleasedAtTcpExpiry {
		t.Fatalf("phase 2: %v %+v", err, a)
	}
	if err := a.Decode(unhex(t, "04 12 a0 10 a0 03 81 01 02 a1 03 80 01 0a a3 04 30 02 02 00"), Phase2); err != nil {
		t.Fatalf("phase 2 with a constructed [3]: %v", err)
	}
	if err := a.Decode(in, Phase3); err != nil || !a.TimeDurationChargingResult.CallLegReleasedAtTcpExpiry {
		t.Fatalf("phase 3: %v %+v", err, a)
	}
}

func TestApplyChargingReportArgErrors(t *testing.T) {
	const td = "ApplyChargingReportArg.timeDurationChargingResult"
	runDecodeErrCases(t, []decodeErrCase{
		{"SEQUENCE instead of OCTET STRING", OpApplyChargingReport, Phase2, "30 0d a0 0b a0 03 81 01 01 a1 04 80 02 07 08", "ApplyChargingReportArg"},
		{"CallResult too short", OpApplyChargingReport, Phase2, "04 0a a0 08 a0 03 81 01 01 a1 01 80", "ApplyChargingReportArg"},
		{"not timeDurationChargingResult", OpApplyChargingReport, Phase2, "04 0d a1 0b a0 03 81 01 01 a1 04 80 02 07 08", "ApplyChargingReportArg"},
		{"missing timeInformation", OpApplyChargingReport, Phase2, "04 0d a0 0b a0 03 81 01 01 82 01 00 89 01 00", td + ".timeInformation"},
		{"missing partyToCharge", OpApplyChargingReport, Phase2, "04 0e a0 0c a1 04 80 02 07 08 82 01 00 89 01 00", td + ".partyToCharge"},
		{"partyToCharge sendingSideID", OpApplyChargingReport, Phase2, "04 0d a0 0b a0 03 80 01 01 a1 04 80 02 07 08", td + ".partyToCharge"},
		{"timeIfNoTariffSwitch 864001", OpApplyChargingReport, Phase2, "04 0e a0 0c a0 03 81 01 01 a1 05 80 03 0d 2f 01", td + ".timeInformation.timeIfNoTariffSwitch"},
		{"timeInformation IMPLICIT", OpApplyChargingReport, Phase2, "04 0f a0 0d a0 03 81 01 01 81 03 80 01 0a 82 01 00", td + ".timeInformation"},
		{"tariff switch without timeSinceTariffSwitch", OpApplyChargingReport, Phase3, "04 0f a0 0d a0 03 81 01 01 a1 06 a1 04 81 02 17 70",
			td + ".timeInformation.timeIfTariffSwitch.timeSinceTariffSwitch"},
		{"legActive constructed", OpApplyChargingReport, Phase2, "04 0f a0 0d a0 03 81 01 01 a1 04 80 02 07 08 a2 00", td + ".legActive"},
		{"callLegReleasedAtTcpExpiry with content", OpApplyChargingReport, Phase3, "04 10 a0 0e a0 03 81 01 01 a1 04 80 02 07 08 83 01 00", td + ".callLegReleasedAtTcpExpiry"},
	})
}

func TestApplyChargingReportArgEncodeErrors(t *testing.T) {
	ok := TimeDurationChargingResult{PartyToCharge: Leg1}
	for _, tc := range []struct {
		name  string
		ph    Phase
		r     TimeDurationChargingResult
		field string
		err   error
	}{
		{"no party", Phase4, TimeDurationChargingResult{}, "ApplyChargingReportArg.timeDurationChargingResult.partyToCharge", ErrRange},
		{"time out of range", Phase4, TimeDurationChargingResult{PartyToCharge: Leg1, TimeInformation: TimeInformation{TimeIfNoTariffSwitch: 864001}},
			"ApplyChargingReportArg.timeDurationChargingResult.timeInformation.timeIfNoTariffSwitch", ErrRange},
		{"released at Tcp expiry, phase 2", Phase2, func() TimeDurationChargingResult { r := ok; r.CallLegReleasedAtTcpExpiry = true; return r }(),
			"ApplyChargingReportArg.timeDurationChargingResult.callLegReleasedAtTcpExpiry", ErrPhase},
		{"extensions, phase 2", Phase2, func() TimeDurationChargingResult {
			r := ok
			r.Extensions = Extensions{{Type: 1}}
			return r
		}(), "ApplyChargingReportArg.timeDurationChargingResult.extensions", ErrPhase},
		{"charging address, phase 3", Phase3, func() TimeDurationChargingResult {
			r := ok
			r.AChChargingAddress = AChChargingAddress{SRFConnection: 1}
			return r
		}(), "ApplyChargingReportArg.timeDurationChargingResult.aChChargingAddress", ErrPhase},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := ApplyChargingReportArg{CallResult{tc.r}}
			err := a.Encode(ber.NewEncoder(nil), tc.ph)
			de, ok := err.(*DecodeError)
			if !ok || de.Field != tc.field || !errors.Is(err, tc.err) {
				t.Fatalf("error %v, want %v on %s", err, tc.err, tc.field)
			}
		})
	}
}

func TestTimeInformationJSON(t *testing.T) {
	for _, tc := range []struct {
		t    TimeInformation
		want string
	}{
		{TimeInformation{}, `{"timeIfNoTariffSwitch":0}`},
		{TimeInformation{TimeIfTariffSwitch: &TimeIfTariffSwitch{TimeSinceTariffSwitch: 5}}, `{"timeIfTariffSwitch":{"timeSinceTariffSwitch":5}}`},
	} {
		b, err := json.Marshal(tc.t)
		if err != nil || string(b) != tc.want {
			t.Errorf("json = %s %v, want %s", b, err, tc.want)
		}
	}
}

func TestApplyChargingReportArgAllocs(t *testing.T) {
	e := ber.NewEncoder(make([]byte, 0, 64))
	if allocs := testing.AllocsPerRun(200, func() {
		e.Reset()
		if err := acrFinal.Encode(e, Phase2); err != nil {
			t.Fatal(err)
		}
	}); allocs != 0 {
		t.Errorf("Encode allocates %.0f times", allocs)
	}
	// An interim report decodes without allocating; the final one
	// allocates the *bool of legActive FALSE.
	for _, tc := range []struct {
		hex string
		max float64
	}{{"04 0d a0 0b a0 03 81 01 01 a1 04 80 02 0b b8", 0}, {acrFinalHex, 1}} {
		in := unhex(t, tc.hex)
		var a ApplyChargingReportArg
		if allocs := testing.AllocsPerRun(200, func() {
			if err := a.Decode(in, Phase4); err != nil {
				t.Fatal(err)
			}
		}); allocs > tc.max {
			t.Errorf("Decode %s allocates %.0f times, want at most %.0f", tc.hex, allocs, tc.max)
		}
	}
}

func FuzzApplyChargingReportArg(f *testing.F) {
	fuzzArgument(f, func() Argument { return new(ApplyChargingReportArg) }, acrFinalHex,
		"04 0d a0 0b a0 03 81 01 01 a1 04 80 02 0b b8",
		"04 15 a0 13 a0 03 81 01 02 a1 0a a1 08 80 02 01 2c 81 02 17 70 83 00",
		"04 15 a0 13 a0 03 81 01 01 a1 03 80 01 00 82 01 00 a5 04 9f 32 01 03",
		"04 17 a0 15 a0 03 81 01 01 a1 03 80 01 0a a4 09 30 07 02 01 07 a1 02 05 00")
}

// A SEQUENCE carries each member once (X.690 8.9.2): a second copy would
// replace the first, here the charged time.
func TestApplyChargingReportArgDuplicateMember(t *testing.T) {
	const td = "ApplyChargingReportArg.timeDurationChargingResult"
	runDecodeErrIsCases(t, ErrDuplicate, []decodeErrCase{
		// timeIfNoTariffSwitch 3000 then 1: the last one used to win.
		{"timeInformation twice", OpApplyChargingReport, Phase2,
			"04 13 a0 11 a0 03 81 01 01 a1 04 80 02 0b b8 a1 04 80 02 00 01", td + ".timeInformation"},
		{"legActive twice", OpApplyChargingReport, Phase2,
			"04 13 a0 11 a0 03 81 01 01 a1 04 80 02 07 08 82 01 ff 82 01 00", td + ".legActive"},
		{"partyToCharge twice", OpApplyChargingReport, Phase2,
			"04 15 a0 13 a0 03 81 01 01 a0 03 81 01 02 a1 04 80 02 07 08 82 01 ff", td + ".partyToCharge"},
		{"timeSinceTariffSwitch twice", OpApplyChargingReport, Phase3,
			"04 11 a0 0f a0 03 81 01 01 a1 08 a1 06 80 01 05 80 01 06", td + ".timeInformation.timeIfTariffSwitch.timeSinceTariffSwitch"},
	})
	// An unknown member (here [9], after the extension marker) is skipped
	// each time it comes, as before.
	var a ApplyChargingReportArg
	if err := a.Decode(unhex(t, "04 13 a0 11 a0 03 81 01 01 a1 04 80 02 07 08 89 01 00 89 01 00"), Phase2); err != nil {
		t.Fatalf("unknown member twice: %v", err)
	}
}
