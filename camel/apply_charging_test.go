package camel

import (
	"errors"
	"testing"

	"github.com/scpd/scpd/sigtran/ber"
)

// Five minutes, release at the end, warning tone: the same value in the
// shape of each phase.
var acWithTone = ApplyChargingArg{
	AChBillingChargingCharacteristics: AChBillingChargingCharacteristics{
		MaxCallPeriodDuration: 3000, ReleaseIfDurationExceeded: true, Tone: true},
	PartyToCharge: Leg1,
}

const (
	acPhase2Hex = "30 0d 80 0b" + // aChBillingChargingCharacteristics [0] OCTET STRING
		" a0 09 80 02 0b b8" + // timeDurationCharging, maxCallPeriodDuration 3000 (5 min)
		" a1 03 01 01 ff" // releaseIfdurationExceeded [1] SEQUENCE { tone TRUE }
	acPhase3Hex = "30 0e 80 0c" +
		" a0 0a 80 02 0b b8" +
		" 81 01 ff" + // releaseIfdurationExceeded [1] BOOLEAN
		" 83 01 ff" // tone [3] BOOLEAN
	acPhase4Hex = "30 10 80 0e" +
		" a0 0c 80 02 0b b8" +
		" 81 01 ff" +
		" a3 03 01 01 ff" // audibleIndicator [3] EXPLICIT: tone TRUE
)

func TestApplyChargingArg(t *testing.T) {
	runArgCases(t, []argCase{
		{"release with tone, phase 2", Phase2, &acWithTone, acPhase2Hex},
		{"release with tone, phase 3", Phase3, &acWithTone, acPhase3Hex},
		{"release with tone, phase 4", Phase4, func() *ApplyChargingArg {
			a := acWithTone
			a.AChChargingAddress = defaultSendingLeg1 // the DEFAULT, filled in by phase 4 decoding
			return &a
		}(), acPhase4Hex},
		{"release without tone, phase 2", Phase2, &ApplyChargingArg{
			AChBillingChargingCharacteristics: AChBillingChargingCharacteristics{MaxCallPeriodDuration: 100, ReleaseIfDurationExceeded: true},
			PartyToCharge:                     Leg1,
		}, "30 09 80 07 a0 05 80 01 64 a1 00"},
		{"tariff switch, leg 2, phase 2", Phase2, &ApplyChargingArg{
			AChBillingChargingCharacteristics: AChBillingChargingCharacteristics{MaxCallPeriodDuration: 600, TariffSwitchInterval: 3600},
			PartyToCharge:                     Leg2,
		}, "30 11 80 0a a0 08 80 02 02 58 82 02 0e 10" +
			" a2 03 80 01 02"}, // partyToCharge [2] EXPLICIT: sendingSideID leg2
		{"release, tone, tariff switch, phase 3", Phase3, &ApplyChargingArg{
			AChBillingChargingCharacteristics: AChBillingChargingCharacteristics{
				MaxCallPeriodDuration: 3000, ReleaseIfDurationExceeded: true, TariffSwitchInterval: 600, Tone: true},
			PartyToCharge: Leg1,
		}, "30 12 80 10 a0 0e 80 02 0b b8 81 01 ff 82 02 02 58 83 01 ff"},
		{"extensions inside, phase 3", Phase3, &ApplyChargingArg{
			AChBillingChargingCharacteristics: AChBillingChargingCharacteristics{
				MaxCallPeriodDuration: 1, Extensions: Extensions{{Type: 7, Value: []byte{0x05, 0x00}}}},
			PartyToCharge: Leg1,
		}, "30 12 80 10 a0 0e 80 01 01 a4 09 30 07 02 01 07 a1 02 05 00"},
		{"extensions inside releaseIfdurationExceeded, phase 2", Phase2, &ApplyChargingArg{
			AChBillingChargingCharacteristics: AChBillingChargingCharacteristics{
				MaxCallPeriodDuration: 1, ReleaseIfDurationExceeded: true, Extensions: Extensions{{Type: 7, Value: []byte{0x05, 0x00}}}},
			PartyToCharge: Leg1,
		}, "30 14 80 12 a0 10 80 01 01 a1 0b aa 09 30 07 02 01 07 a1 02 05 00"},
		{"release with tone, leg 2 charging address, phase 4", Phase4, &ApplyChargingArg{
			AChBillingChargingCharacteristics: acWithTone.AChBillingChargingCharacteristics,
			PartyToCharge:                     Leg1,
			AChChargingAddress:                AChChargingAddress{LegID: LegID{SendingSideID: Leg2}},
		}, "30 18 80 0e a0 0c 80 02 0b b8 81 01 ff a3 03 01 01 ff" +
			" bf 32 05 a2 03 80 01 02"}, // aChChargingAddress [50] EXPLICIT: legID [2] EXPLICIT: sendingSideID leg2
		{"burst list, phase 4", Phase4, &ApplyChargingArg{
			AChBillingChargingCharacteristics: AChBillingChargingCharacteristics{
				MaxCallPeriodDuration: 1800,
				BurstList: &BurstList{WarningPeriod: 20, Bursts: Burst{
					NumberOfBursts: 3, BurstInterval: 2, NumberOfTonesInBurst: 3, ToneDuration: 5, ToneInterval: 2}},
			},
			PartyToCharge:      Leg1,
			AChChargingAddress: defaultSendingLeg1,
		}, "30 17 80 15 a0 13 80 02 07 08" +
			" a3 0d a1 0b 80 01 14" + // audibleIndicator: burstList [1], warningPeriod 20 s
			" a1 06 80 01 03 83 01 05"}, // bursts: 3 bursts, toneDuration 500 ms; the rest DEFAULT
		{"srf connection, phase 4", Phase4, &ApplyChargingArg{
			AChBillingChargingCharacteristics: AChBillingChargingCharacteristics{MaxCallPeriodDuration: 600},
			PartyToCharge:                     Leg1,
			AChChargingAddress:                AChChargingAddress{SRFConnection: 1},
		}, "30 0f 80 06 a0 04 80 02 02 58 bf 32 04 9f 32 01 01"},
	})
}

// Each phase's shape decoded under another phase's application context
// fails on the member whose form differs, never with a different value.
func TestApplyChargingArgWrongPhase(t *testing.T) {
	const ach = "ApplyChargingArg.aChBillingChargingCharacteristics.timeDurationCharging"
	runDecodeErrCases(t, []decodeErrCase{
		{"phase 2 shape in phase 3", OpApplyCharging, Phase3, acPhase2Hex, ach + ".releaseIfdurationExceeded"},
		{"phase 2 shape in phase 4", OpApplyCharging, Phase4, acPhase2Hex, ach + ".releaseIfdurationExceeded"},
		{"phase 3 shape in phase 2", OpApplyCharging, Phase2, acPhase3Hex, ach + ".releaseIfdurationExceeded"},
		{"phase 3 shape in phase 4", OpApplyCharging, Phase4, acPhase3Hex, ach + ".audibleIndicator"},
		{"phase 4 shape in phase 2", OpApplyCharging, Phase2, acPhase4Hex, ach + ".releaseIfdurationExceeded"},
		{"phase 4 shape in phase 3", OpApplyCharging, Phase3, acPhase4Hex, ach + ".tone"},
		{"phase 3 tone only in phase 2", OpApplyCharging, Phase2, "30 0a 80 08 a0 06 80 01 64 83 01 ff", ach},
		{"phase 4 tone only in phase 3", OpApplyCharging, Phase3, "30 0c 80 0a a0 08 80 01 64 a3 03 01 01 ff", ach + ".tone"},
		{"phase 3 tone only in phase 4", OpApplyCharging, Phase4, "30 0a 80 08 a0 06 80 01 64 83 01 ff", ach + ".audibleIndicator"},
	})
}

func TestApplyChargingArgErrors(t *testing.T) {
	const ach = "ApplyChargingArg.aChBillingChargingCharacteristics"
	runDecodeErrCases(t, []decodeErrCase{
		{"missing aChBillingChargingCharacteristics", OpApplyCharging, Phase2, "30 05 a2 03 80 01 02", ach},
		{"OCTET STRING too short", OpApplyCharging, Phase2, "30 06 80 04 a0 02 80 00", ach},
		{"OCTET STRING constructed", OpApplyCharging, Phase2, "30 07 a0 05 a0 03 80 01 64", ach},
		{"not timeDurationCharging", OpApplyCharging, Phase4, "30 07 80 05 a1 03 80 01 64", ach},
		{"maxCallPeriodDuration 0", OpApplyCharging, Phase4, "30 07 80 05 a0 03 80 01 00", ach + ".timeDurationCharging.maxCallPeriodDuration"},
		{"maxCallPeriodDuration 864001", OpApplyCharging, Phase4, "30 09 80 07 a0 05 80 03 0d 2f 01", ach + ".timeDurationCharging.maxCallPeriodDuration"},
		{"missing maxCallPeriodDuration", OpApplyCharging, Phase4, "30 07 80 05 a0 03 81 01 ff", ach + ".timeDurationCharging.maxCallPeriodDuration"},
		{"tariffSwitchInterval 86401", OpApplyCharging, Phase3, "30 0c 80 0a a0 08 80 01 64 82 03 01 51 81", ach + ".timeDurationCharging.tariffSwitchInterval"},
		{"trailing octets in the OCTET STRING", OpApplyCharging, Phase2, "30 09 80 07 a0 03 80 01 64 05 00", ach},
		{"burstList without bursts", OpApplyCharging, Phase4, "30 0e 80 0c a0 0a 80 01 64 a3 05 a1 03 80 01 14",
			ach + ".timeDurationCharging.audibleIndicator.burstList.bursts"},
		{"numberOfBursts 4", OpApplyCharging, Phase4, "30 10 80 0e a0 0c 80 01 64 a3 07 a1 05 a1 03 80 01 04",
			ach + ".timeDurationCharging.audibleIndicator.burstList.bursts.numberOfBursts"},
		{"partyToCharge receivingSideID", OpApplyCharging, Phase2, "30 0c 80 05 a0 03 80 01 64 a2 03 81 01 02", "ApplyChargingArg.partyToCharge"},
		{"aChChargingAddress IMPLICIT", OpApplyCharging, Phase4, "30 0b 80 05 a0 03 80 01 64 9f 32 01 01", "ApplyChargingArg.aChChargingAddress"},
		{"srfConnection 0", OpApplyCharging, Phase4, "30 0e 80 05 a0 03 80 01 64 bf 32 04 9f 32 01 00",
			"ApplyChargingArg.aChChargingAddress.srfConnection"},
	})
}

func TestApplyChargingArgSkipsLaterMembers(t *testing.T) {
	// aChChargingAddress is unknown before phase 4; iTXcharging [64] is a
	// national extension: both skipped.
	in := unhex(t, "30 12 80 05 a0 03 80 01 64 bf 32 04 9f 32 01 01 9f 40 01 ff")
	for _, ph := range []Phase{Phase2, Phase3} {
		var a ApplyChargingArg
		if err := a.Decode(in, ph); err != nil {
			t.Fatalf("%v: %v", ph, err)
		}
		if !a.AChChargingAddress.IsZero() || a.AChBillingChargingCharacteristics.MaxCallPeriodDuration != 100 {
			t.Fatalf("%v: %+v", ph, a)
		}
	}
}

func TestApplyChargingArgEncodeErrors(t *testing.T) {
	ach := func(c AChBillingChargingCharacteristics) ApplyChargingArg {
		return ApplyChargingArg{AChBillingChargingCharacteristics: c}
	}
	burst := &BurstList{Bursts: Burst{NumberOfBursts: 2}}
	for _, tc := range []struct {
		name  string
		ph    Phase
		arg   ApplyChargingArg
		field string
		err   error
	}{
		{"duration 0", Phase4, ach(AChBillingChargingCharacteristics{}),
			"ApplyChargingArg.aChBillingChargingCharacteristics.timeDurationCharging.maxCallPeriodDuration", ErrRange},
		{"tone without release, phase 2", Phase2, ach(AChBillingChargingCharacteristics{MaxCallPeriodDuration: 1, Tone: true}),
			"ApplyChargingArg.aChBillingChargingCharacteristics.timeDurationCharging.releaseIfdurationExceeded.tone", ErrPhase},
		{"burst list, phase 3", Phase3, ach(AChBillingChargingCharacteristics{MaxCallPeriodDuration: 1, BurstList: burst}),
			"ApplyChargingArg.aChBillingChargingCharacteristics.timeDurationCharging.audibleIndicator.burstList", ErrPhase},
		{"tone and burst list, phase 4", Phase4, ach(AChBillingChargingCharacteristics{MaxCallPeriodDuration: 1, Tone: true, BurstList: burst}),
			"ApplyChargingArg.aChBillingChargingCharacteristics.timeDurationCharging.audibleIndicator", ErrChoice},
		{"warningPeriod 1201", Phase4, ach(AChBillingChargingCharacteristics{MaxCallPeriodDuration: 1, BurstList: &BurstList{WarningPeriod: 1201}}),
			"ApplyChargingArg.aChBillingChargingCharacteristics.timeDurationCharging.audibleIndicator.burstList.warningPeriod", ErrRange},
		{"charging address, phase 3", Phase3, ApplyChargingArg{
			AChBillingChargingCharacteristics: AChBillingChargingCharacteristics{MaxCallPeriodDuration: 1},
			AChChargingAddress:                AChChargingAddress{SRFConnection: 2}},
			"ApplyChargingArg.aChChargingAddress", ErrPhase},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.arg.Encode(ber.NewEncoder(nil), tc.ph)
			de, ok := err.(*DecodeError)
			if !ok || de.Field != tc.field || !errors.Is(err, tc.err) {
				t.Fatalf("error %v, want %v on %s", err, tc.err, tc.field)
			}
		})
	}
}

func TestApplyChargingArgAllocs(t *testing.T) {
	e := ber.NewEncoder(make([]byte, 0, 64))
	for _, ph := range []Phase{Phase2, Phase3, Phase4} {
		if allocs := testing.AllocsPerRun(200, func() {
			e.Reset()
			if err := acWithTone.Encode(e, ph); err != nil {
				t.Fatal(err)
			}
		}); allocs != 0 {
			t.Errorf("%v: Encode allocates %.0f times", ph, allocs)
		}
	}
	in := unhex(t, acPhase4Hex)
	var a ApplyChargingArg
	if allocs := testing.AllocsPerRun(200, func() {
		if err := a.Decode(in, Phase4); err != nil {
			t.Fatal(err)
		}
	}); allocs != 0 {
		t.Errorf("Decode allocates %.0f times", allocs)
	}
}

func FuzzApplyChargingArg(f *testing.F) {
	fuzzArgument(f, func() Argument { return new(ApplyChargingArg) }, acPhase2Hex, acPhase3Hex, acPhase4Hex,
		"30 11 80 0a a0 08 80 02 02 58 82 02 0e 10 a2 03 80 01 02",
		"30 14 80 12 a0 10 80 01 01 a1 0b aa 09 30 07 02 01 07 a1 02 05 00",
		"30 12 80 10 a0 0e 80 01 01 a4 09 30 07 02 01 07 a1 02 05 00",
		"30 18 80 0e a0 0c 80 02 0b b8 81 01 ff a3 03 01 01 ff bf 32 05 a2 03 80 01 02",
		"30 17 80 15 a0 13 80 02 07 08 a3 0d a1 0b 80 01 14 a1 06 80 01 03 83 01 05")
}

// A SEQUENCE carries each member once (X.690 8.9.2).
func TestApplyChargingArgDuplicateMember(t *testing.T) {
	const td = "ApplyChargingArg.aChBillingChargingCharacteristics.timeDurationCharging"
	runDecodeErrIsCases(t, ErrDuplicate, []decodeErrCase{
		{"aChBillingChargingCharacteristics twice", OpApplyCharging, Phase2,
			"30 0e 80 05 a0 03 80 01 64 80 05 a0 03 80 01 65", "ApplyChargingArg.aChBillingChargingCharacteristics"},
		{"partyToCharge twice", OpApplyCharging, Phase2,
			"30 11 80 05 a0 03 80 01 64 a2 03 80 01 02 a2 03 80 01 01", "ApplyChargingArg.partyToCharge"},
		{"maxCallPeriodDuration twice", OpApplyCharging, Phase4,
			"30 0a 80 08 a0 06 80 01 64 80 01 65", td + ".maxCallPeriodDuration"},
		{"tone twice in releaseIfdurationExceeded, phase 2", OpApplyCharging, Phase2,
			"30 0f 80 0d a0 0b 80 01 64 a1 06 01 01 ff 01 01 00", td + ".releaseIfdurationExceeded.tone"},
		{"numberOfBursts twice", OpApplyCharging, Phase4,
			"30 16 80 14 a0 12 80 01 64 a3 0d a1 0b 80 01 14 a1 06 80 01 03 80 01 02",
			td + ".audibleIndicator.burstList.bursts.numberOfBursts"},
	})
}
