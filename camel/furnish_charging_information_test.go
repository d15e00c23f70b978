package camel

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/scpd/scpd/sigtran/ber"
)

var fciAppend = &FurnishChargingInformationArg{FCIBCCCAMELSequence1: FCIBCCCAMELSequence1{
	FreeFormatData: Octets{0x01, 0x02, 0x03, 0x04, 0x05}, PartyToCharge: Leg2, AppendFreeFormatData: Append}}

// The OCTET STRING holds CAMEL-FCIBillingChargingCharacteristics:
// fCIBCCCAMELsequence1 [0] { freeFormatData [0], partyToCharge [1]
// EXPLICIT sendingSideID leg2, appendFreeFormatData [2] append }.
const fciAppendHex = "04 11 a0 0f 80 05 01 02 03 04 05 a1 03 80 01 02 82 01 01"

const fciDefaultsHex = "04 07 a0 05 80 03 aa bb cc" // partyToCharge leg1 and overwrite are the DEFAULTs

func TestFurnishChargingInformationArg(t *testing.T) {
	defaults := &FurnishChargingInformationArg{FCIBCCCAMELSequence1: FCIBCCCAMELSequence1{
		FreeFormatData: Octets{0xaa, 0xbb, 0xcc}, PartyToCharge: Leg1}}
	long := &FurnishChargingInformationArg{FCIBCCCAMELSequence1: FCIBCCCAMELSequence1{
		FreeFormatData: Octets(bytes.Repeat([]byte{0x5a}, 160)), PartyToCharge: Leg1}}
	runArgCases(t, []argCase{
		{"defaults, phase 2", Phase2, defaults, fciDefaultsHex},
		{"defaults, phase 4", Phase4, defaults, fciDefaultsHex},
		{"leg2, append, phase 3", Phase3, fciAppend, fciAppendHex},
		{"leg2, append, phase 4", Phase4, fciAppend, fciAppendHex},
		{"160 octets of data: long lengths", Phase4, long, "04 81 a6 a0 81 a3 80 81 a0" + strings.Repeat(" 5a", 160)},
	})
}

func TestFurnishChargingInformationArgPhase2(t *testing.T) {
	if err := fciAppend.Encode(ber.NewEncoder(nil), Phase2); !errors.Is(err, ErrNotInPhase) ||
		err.(*DecodeError).Field != "FurnishChargingInformationArg.fCIBCCCAMELsequence1.appendFreeFormatData" {
		t.Errorf("append in phase 2: %v", err)
	}
	// Phase 2 has no [2]: it is skipped like an unknown member.
	var a FurnishChargingInformationArg
	if err := a.Decode(unhex(t, fciAppendHex), Phase2); err != nil || a.FCIBCCCAMELSequence1.AppendFreeFormatData != Overwrite ||
		a.FCIBCCCAMELSequence1.PartyToCharge != Leg2 {
		t.Errorf("phase 2 decode: %+v %v", a, err)
	}
}

func TestFurnishChargingInformationArgEncodeErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		seq   FCIBCCCAMELSequence1
		field string
		want  error
	}{
		{"no data", FCIBCCCAMELSequence1{}, "FurnishChargingInformationArg.fCIBCCCAMELsequence1.freeFormatData", ErrSize},
		{"161 octets", FCIBCCCAMELSequence1{FreeFormatData: make(Octets, 161)}, "FurnishChargingInformationArg.fCIBCCCAMELsequence1.freeFormatData", ErrSize},
		{"append 2", FCIBCCCAMELSequence1{FreeFormatData: Octets{1}, AppendFreeFormatData: 2},
			"FurnishChargingInformationArg.fCIBCCCAMELsequence1.appendFreeFormatData", ErrRange},
	} {
		a := FurnishChargingInformationArg{FCIBCCCAMELSequence1: tc.seq}
		err := a.Encode(ber.NewEncoder(nil), Phase4)
		var de *DecodeError
		if !errors.As(err, &de) || de.Field != tc.field || !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %s: %v", tc.name, err, tc.field, tc.want)
		}
	}
}

func TestFurnishChargingInformationArgErrors(t *testing.T) {
	const seq = "FurnishChargingInformationArg.fCIBCCCAMELsequence1"
	runDecodeErrCases(t, []decodeErrCase{
		{"SEQUENCE instead of OCTET STRING", OpFurnishChargingInformation, Phase4, "30 07 a0 05 80 03 aa bb cc", "FurnishChargingInformationArg"},
		{"4 octets", OpFurnishChargingInformation, Phase4, "04 04 a0 02 80 00", "FurnishChargingInformationArg"},
		{"226 octets", OpFurnishChargingInformation, Phase4, "04 81 e2 a0 81 df 80 81 dc" + strings.Repeat(" 00", 220), "FurnishChargingInformationArg"},
		{"alternative [1]", OpFurnishChargingInformation, Phase4, "04 07 a1 05 80 03 aa bb cc", seq},
		{"trailing octets inside", OpFurnishChargingInformation, Phase4, "04 08 a0 05 80 03 aa bb cc 00", seq},
		{"no data", OpFurnishChargingInformation, Phase4, "04 07 a0 05 a1 03 80 01 02", seq + ".freeFormatData"},
		{"empty data", OpFurnishChargingInformation, Phase4, "04 07 a0 05 80 00 82 01 01", seq + ".freeFormatData"},
		{"161 octets of data", OpFurnishChargingInformation, Phase4, "04 81 a7 a0 81 a4 80 81 a1" + strings.Repeat(" 00", 161), seq + ".freeFormatData"},
		{"partyToCharge receivingSideID", OpFurnishChargingInformation, Phase4, "04 0a a0 08 80 01 aa a1 03 81 01 02", seq + ".partyToCharge"},
		{"partyToCharge primitive", OpFurnishChargingInformation, Phase4, "04 08 a0 06 80 01 aa 81 01 02", seq + ".partyToCharge"},
		{"append 2", OpFurnishChargingInformation, Phase4, "04 08 a0 06 80 01 aa 82 01 02", seq + ".appendFreeFormatData"},
	})
}

func TestFurnishChargingInformationArgAllocs(t *testing.T) {
	e := ber.NewEncoder(make([]byte, 0, 64))
	if allocs := testing.AllocsPerRun(200, func() {
		e.Reset()
		if err := fciAppend.Encode(e, Phase4); err != nil {
			t.Fatal(err)
		}
	}); allocs != 0 {
		t.Errorf("Encode allocates %.0f times", allocs)
	}
}

func FuzzFurnishChargingInformationArg(f *testing.F) {
	fuzzArgument(f, func() Argument { return new(FurnishChargingInformationArg) }, fciAppendHex, fciDefaultsHex)
}

// A SEQUENCE carries each member once (X.690 8.9.2).
func TestFurnishChargingInformationArgDuplicateMember(t *testing.T) {
	runDecodeErrIsCases(t, ErrDuplicate, []decodeErrCase{
		{"freeFormatData twice", OpFurnishChargingInformation, Phase4, "04 0c a0 0a 80 03 aa bb cc 80 03 dd ee ff",
			"FurnishChargingInformationArg.fCIBCCCAMELsequence1.freeFormatData"},
	})
}
