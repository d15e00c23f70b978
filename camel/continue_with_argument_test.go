package camel

import (
	"errors"
	"testing"

	"github.com/scpd/scpd/sigtran/ber"
)

func cwaFull() *ContinueWithArgumentArg {
	return &ContinueWithArgumentArg{
		AlertingPattern: Octets{0x00, 0x00, 0x06},
		Extensions:      Extensions{{Type: 1, Value: []byte{0x05, 0x00}}},
		ServiceInteractionIndicatorsTwo: &ServiceInteractionIndicatorsTwo{
			ForwardServiceInteractionInd: &ForwardServiceInteractionInd{CallDiversionTreatmentIndicator: 1},
			HoldTreatmentIndicator:       2},
		CallingPartysCategory: ptr(CategoryOrdinarySubscriber),
		GenericNumbers: GenericNumbers{{NumberQualifier: 6, CallingPartyNumber: CallingPartyNumber{
			NatureOfAddress: NAIInternational, NumberingPlan: NPIISDN, Screening: ScreeningNetwork, Digits: "4917"}}},
		CUGInterlock:              Octets{0x00, 0x01, 0x02, 0x03},
		CUGOutgoingAccess:         true,
		ChargeNumber:              LocationNumber{NatureOfAddress: NAIInternational, NumberingPlan: NPIISDN, Screening: ScreeningNetwork, Digits: "4930"},
		Carrier:                   Octets{0x01, 0x00, 0x12, 0x34},
		SuppressionOfAnnouncement: true,
		NAOliInfo:                 Octets{0x3d},
		BorInterrogationRequested: true,
		SuppressOCSI:              true,
		ContinueWithArgumentArgExtension: &ContinueWithArgumentArgExtension{
			SuppressDCSI: true, SuppressNCSI: true, SuppressOutgoingCallBarring: true,
			LegOrCallSegment: LegOrCallSegment{CallSegmentID: 5}},
	}
}

const cwaFullHex = "30 58" +
	" 81 03 00 00 06" + // alertingPattern [1]
	" a6 09 30 07 02 01 01 a1 02 05 00" + // extensions [6]
	" a7 09 a0 03 82 01 01 9f 32 01 02" + // serviceInteractionIndicatorsTwo [7]: call diversion allowed, hold rejected
	" 8c 01 0a" + // callingPartysCategory [12]
	" b0 07 04 05 06 04 13 94 71" + // genericNumbers [16]
	" 91 04 00 01 02 03" + // cug-Interlock [17]
	" 92 00" + // cug-OutgoingAccess [18]
	" 9f 32 04 04 13 94 03" + // chargeNumber [50]
	" 9f 34 04 01 00 12 34" + // carrier [52]
	" 9f 37 00" + // suppressionOfAnnouncement [55]
	" 9f 38 01 3d" + // naOliInfo [56]
	" 9f 39 00 9f 3a 00" + // bor-InterrogationRequested [57], suppress-O-CSI [58]
	" bf 3b 0b 80 00 81 00 82 00 a3 03 80 01 05" // continueWithArgumentArgExtension [59]: suppress D-CSI, N-CSI, OCB; callSegmentID 5

func TestContinueWithArgumentArg(t *testing.T) {
	runArgCases(t, []argCase{
		{"empty, phase 3", Phase3, &ContinueWithArgumentArg{}, "30 00"},
		{"category only, phase 4", Phase4, &ContinueWithArgumentArg{CallingPartysCategory: ptr(CategoryOrdinarySubscriber)}, "30 03 8c 01 0a"},
		{"every member, phase 4", Phase4, cwaFull(), cwaFullHex},
		{"every member, phase 3", Phase3, cwaFull(), cwaFullHex},
		{"legOrCallSegment legID, phase 4", Phase4, &ContinueWithArgumentArg{
			ContinueWithArgumentArgExtension: &ContinueWithArgumentArgExtension{
				LegOrCallSegment: LegOrCallSegment{LegID: LegID{SendingSideID: Leg2}}}},
			"30 0a bf 3b 07 a3 05 a1 03 80 01 02"}, // legOrCallSegment [3] EXPLICIT, legID [1] EXPLICIT
	})
}

func TestContinueWithArgumentArgPhase2(t *testing.T) {
	if err := (&ContinueWithArgumentArg{}).Encode(ber.NewEncoder(nil), Phase2); !errors.Is(err, ErrNotInPhase) {
		t.Errorf("encode in phase 2: %v", err)
	}
	if err := new(ContinueWithArgumentArg).Decode(unhex(t, "30 00"), Phase2); !errors.Is(err, ErrNotInPhase) {
		t.Errorf("decode in phase 2: %v", err)
	}
}

func TestContinueWithArgumentArgUnknownMembers(t *testing.T) {
	var a ContinueWithArgumentArg
	if err := a.Decode(unhex(t, "30 0d 9f 3c 00 bf 3b 04 84 00 80 00 8c 01 0a"), Phase4); err != nil {
		t.Fatal(err)
	}
	if a.CallingPartysCategory == nil || *a.CallingPartysCategory != CategoryOrdinarySubscriber || !a.ContinueWithArgumentArgExtension.SuppressDCSI {
		t.Fatalf("decoded %+v", a)
	}
}

func TestContinueWithArgumentArgEncodeErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(a *ContinueWithArgumentArg)
		field string
		want  error
	}{
		{"call segment 128", func(a *ContinueWithArgumentArg) {
			a.ContinueWithArgumentArgExtension.LegOrCallSegment.CallSegmentID = 128
		}, "ContinueWithArgumentArg.continueWithArgumentArgExtension.legOrCallSegment.callSegmentID", ErrRange},
		{"call segment and leg", func(a *ContinueWithArgumentArg) {
			a.ContinueWithArgumentArgExtension.LegOrCallSegment.LegID.SendingSideID = Leg1
		}, "ContinueWithArgumentArg.continueWithArgumentArgExtension.legOrCallSegment", ErrChoice},
		{"charge number with a star", func(a *ContinueWithArgumentArg) { a.ChargeNumber.Digits = "49*" },
			"ContinueWithArgumentArg.chargeNumber", ErrDigits},
		{"naOliInfo of 0 octets", func(a *ContinueWithArgumentArg) { a.NAOliInfo = Octets{} }, "ContinueWithArgumentArg.naOliInfo", ErrSize},
	} {
		a := cwaFull()
		tc.edit(a)
		err := a.Encode(ber.NewEncoder(nil), Phase4)
		var de *DecodeError
		if !errors.As(err, &de) || de.Field != tc.field || !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %s: %v", tc.name, err, tc.field, tc.want)
		}
	}
}

func TestContinueWithArgumentArgErrors(t *testing.T) {
	runDecodeErrCases(t, []decodeErrCase{
		{"not in phase 2", OpContinueWithArgument, Phase2, "30 00", "continueWithArgument"},
		{"not a SEQUENCE", OpContinueWithArgument, Phase4, "04 00", "ContinueWithArgumentArg"},
		{"category of 0 octets", OpContinueWithArgument, Phase4, "30 02 8c 00", "ContinueWithArgumentArg.callingPartysCategory"},
		{"call segment 0", OpContinueWithArgument, Phase4, "30 07 bf 3b 04 a3 02 80 00", "ContinueWithArgumentArg.continueWithArgumentArgExtension.legOrCallSegment.callSegmentID"},
		{"call segment 128", OpContinueWithArgument, Phase4, "30 09 bf 3b 06 a3 04 80 02 00 80", "ContinueWithArgumentArg.continueWithArgumentArgExtension.legOrCallSegment.callSegmentID"},
		{"legOrCallSegment [2]", OpContinueWithArgument, Phase4, "30 08 bf 3b 05 a3 03 82 01 01", "ContinueWithArgumentArg.continueWithArgumentArgExtension.legOrCallSegment"},
		{"legID leg 0", OpContinueWithArgument, Phase4, "30 0a bf 3b 07 a3 05 a1 03 80 01 00", "ContinueWithArgumentArg.continueWithArgumentArgExtension.legOrCallSegment.legID.sendingSideID"},
		{"suppress-D-CSI with content", OpContinueWithArgument, Phase4, "30 06 bf 3b 03 80 01 00", "ContinueWithArgumentArg.continueWithArgumentArgExtension.suppress-D-CSI"},
		{"charge number of 11 octets", OpContinueWithArgument, Phase4, "30 0e 9f 32 0b 04 13 11 11 11 11 11 11 11 11 11", "ContinueWithArgumentArg.chargeNumber"},
		{"carrier of 5 octets", OpContinueWithArgument, Phase4, "30 08 9f 34 05 01 00 12 34 56", "ContinueWithArgumentArg.carrier"},
		{"extension primitive", OpContinueWithArgument, Phase4, "30 03 9f 3b 00", "ContinueWithArgumentArg.continueWithArgumentArgExtension"},
	})
}

func TestContinueWithArgumentArgAllocs(t *testing.T) {
	a := cwaFull()
	e := ber.NewEncoder(make([]byte, 0, 256))
	if allocs := testing.AllocsPerRun(200, func() {
		e.Reset()
		if err := a.Encode(e, Phase4); err != nil {
			t.Fatal(err)
		}
	}); allocs != 0 {
		t.Errorf("Encode allocates %.0f times", allocs)
	}
}

func FuzzContinueWithArgumentArg(f *testing.F) {
	fuzzArgument(f, func() Argument { return new(ContinueWithArgumentArg) }, cwaFullHex, "30 0a bf 3b 07 a3 05 a1 03 80 01 02")
}

// A SEQUENCE carries each member once (X.690 8.9.2).
func TestContinueWithArgumentArgDuplicateMember(t *testing.T) {
	const typ = "ContinueWithArgumentArg"
	runDecodeErrIsCases(t, ErrDuplicate, []decodeErrCase{
		{"callingPartysCategory twice", OpContinueWithArgument, Phase4, "30 06 8c 01 0a 8c 01 0a", typ + ".callingPartysCategory"},
		{"suppress-D-CSI twice", OpContinueWithArgument, Phase4, "30 07 bf 3b 04 80 00 80 00",
			typ + ".continueWithArgumentArgExtension.suppress-D-CSI"},
	})
}
