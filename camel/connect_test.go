package camel

import (
	"errors"
	"testing"

	"github.com/scpd/scpd/sigtran/ber"
)

// connectPrepaid routes to 491701234567, as scpd's first answer to an MO
// InitialDP does.
var connectPrepaid = &ConnectArg{DestinationRoutingAddress: CalledPartyNumber{
	NatureOfAddress: NAIInternational, NumberingPlan: NPIISDN, Digits: "491701234567"}}

const connectPrepaidHex = "30 0c a0 0a 04 08 04 10 94 71 10 32 54 76" // DRA [0] SEQUENCE OF, one CalledPartyNumber (untagged OCTET STRING)

func connectFull() *ConnectArg {
	return &ConnectArg{
		DestinationRoutingAddress: connectPrepaid.DestinationRoutingAddress,
		AlertingPattern:           Octets{0x00, 0x00, 0x06},
		OriginalCalledPartyID:     RedirectingNumber{NatureOfAddress: NAIInternational, NumberingPlan: NPIISDN, Digits: "4930"},
		Extensions:                Extensions{{Type: 1, Value: []byte{0x05, 0x00}}},
		Carrier:                   Octets{0x01, 0x00, 0x12, 0x34},
		CallingPartysCategory:     ptr(CategoryOrdinarySubscriber),
		RedirectingPartyID:        RedirectingNumber{NatureOfAddress: NAIInternational, NumberingPlan: NPIISDN, Digits: "4930"},
		RedirectionInformation:    &RedirectionInformation{RedirectingIndicator: 3, OriginalRedirectionReason: 1, RedirectionCounter: 1, RedirectingReason: 2},
		GenericNumbers: GenericNumbers{{NumberQualifier: 6, CallingPartyNumber: CallingPartyNumber{
			NatureOfAddress: NAIInternational, NumberingPlan: NPIISDN, Screening: ScreeningNetwork, Digits: "4917"}}},
		ServiceInteractionIndicatorsTwo: &ServiceInteractionIndicatorsTwo{
			BackwardServiceInteractionInd: &BackwardServiceInteractionInd{ConferenceTreatmentIndicator: 2},
			BothwayThroughConnectionInd:   ptr(BothwayPathRequired),
			ConnectedNumberTreatmentInd:   ptr(ConnectedNumberPresentationRestricted),
			NonCUGCall:                    true,
			CWTreatmentIndicator:          2,
			ECTTreatmentIndicator:         1,
		},
		ChargeNumber:              LocationNumber{NatureOfAddress: NAIInternational, NumberingPlan: NPIISDN, Screening: ScreeningNetwork, Digits: "4930"},
		LegToBeConnected:          LegID{SendingSideID: Leg2},
		CUGInterlock:              Octets{0x00, 0x01, 0x02, 0x03},
		CUGOutgoingAccess:         true,
		SuppressionOfAnnouncement: true,
		OCSIApplicable:            true,
		NAOliInfo:                 Octets{0x3d},
		BorInterrogationRequested: true,
		SuppressNCSI:              true,
	}
}

const connectFullHex = "30 7a" +
	" a0 0a 04 08 04 10 94 71 10 32 54 76" + // destinationRoutingAddress [0]
	" 81 03 00 00 06" + // alertingPattern [1]: alertingCategory-3 in the last octet
	" 86 04 04 10 94 03" + // originalCalledPartyID [6]
	" aa 09 30 07 02 01 01 a1 02 05 00" + // extensions [10]
	" 8b 04 01 00 12 34" + // carrier [11]
	" 9c 01 0a" + // callingPartysCategory [28]
	" 9d 04 04 10 94 03" + // redirectingPartyID [29]
	" 9e 02 13 21" + // redirectionInformation [30]
	" ae 07 04 05 06 04 13 94 71" + // genericNumbers [14] SET OF: additional calling party number 4917
	" af 15" + // serviceInteractionIndicatorsTwo [15]
	"   a1 03 81 01 02" + // backwardServiceInteractionInd: conference reject
	"   82 01 00" + // bothwayThroughConnectionInd: bothwayPathRequired
	"   84 01 01" + // connectedNumberTreatmentInd: presentationRestricted
	"   8d 00" + // nonCUGCall [13]
	"   9f 33 01 02 9f 34 01 01" + // cwTreatmentIndicator [51] reject, ectTreatmentIndicator [52] accept
	" 93 04 04 13 94 03" + // chargeNumber [19]
	" b5 03 80 01 02" + // legToBeConnected [21] EXPLICIT: sendingSideID leg2
	" 9f 1f 04 00 01 02 03" + // cug-Interlock [31]
	" 9f 20 00" + // cug-OutgoingAccess [32]
	" 9f 37 00 9f 38 00" + // suppressionOfAnnouncement [55], oCSIApplicable [56]
	" 9f 39 01 3d" + // naOliInfo [57]: cellular service type 1
	" 9f 3a 00 9f 3b 00" // bor-InterrogationRequested [58], suppress-N-CSI [59]

// connectNAInfoHex is phase 2's na-Info [57], a SEQUENCE (CamelV2diff).
const connectNAInfoHex = "30 1f a0 0a 04 08 04 10 94 71 10 32 54 76" +
	" bf 39 10 a0 05 80 03 01 23 45 81 01 3d 82 04 03 10 21 43"

func TestConnectArg(t *testing.T) {
	runArgCases(t, []argCase{
		{"prepaid, phase 2", Phase2, connectPrepaid, connectPrepaidHex},
		{"prepaid, phase 3", Phase3, connectPrepaid, connectPrepaidHex},
		{"prepaid, phase 4", Phase4, connectPrepaid, connectPrepaidHex},
		{"every member, phase 4", Phase4, connectFull(), connectFullHex},
		{"every member, phase 3", Phase3, connectFull(), connectFullHex},
		{"na-Info, phase 2", Phase2, &ConnectArg{
			DestinationRoutingAddress: connectPrepaid.DestinationRoutingAddress,
			NAInfo: &NAInfo{NACarrierInformation: &NACarrierInformation{NACarrierID: Octets{0x01, 0x23, 0x45}},
				NAOliInfo: Octets{0x3d}, NAChargeNumber: Octets{0x03, 0x10, 0x21, 0x43}}}, connectNAInfoHex},
		{"ST digit, odd", Phase4, &ConnectArg{DestinationRoutingAddress: CalledPartyNumber{
			NatureOfAddress: NAIUnknown, NumberingPlan: NPIISDN, Digits: "0800F"}}, "30 09 a0 07 04 05 82 10 80 00 0f"},
	})
}

func TestConnectArgPhases(t *testing.T) {
	// naOliInfo is [57] only in phases 3 and 4, na-Info only in phase 2.
	a := &ConnectArg{DestinationRoutingAddress: connectPrepaid.DestinationRoutingAddress, NAOliInfo: Octets{0x3d}}
	if err := a.Encode(ber.NewEncoder(nil), Phase2); !errors.Is(err, ErrNotInPhase) || err.(*DecodeError).Field != "ConnectArg.naOliInfo" {
		t.Errorf("naOliInfo in phase 2: %v", err)
	}
	a = &ConnectArg{DestinationRoutingAddress: connectPrepaid.DestinationRoutingAddress, NAInfo: &NAInfo{}}
	if err := a.Encode(ber.NewEncoder(nil), Phase4); !errors.Is(err, ErrNotInPhase) || err.(*DecodeError).Field != "ConnectArg.na-Info" {
		t.Errorf("na-Info in phase 4: %v", err)
	}
	// A phase 4 naOliInfo decoded as phase 2 is a malformed na-Info.
	var d ConnectArg
	if err := d.Decode(unhex(t, "30 10 a0 0a 04 08 04 10 94 71 10 32 54 76 9f 39 01 3d"), Phase2); err == nil ||
		err.(*DecodeError).Field != "ConnectArg.na-Info" {
		t.Errorf("primitive [57] in phase 2: %v", err)
	}
}

func TestConnectArgUnknownMembers(t *testing.T) {
	// [60] after the extension marker, a private tag, and [3] unknown in
	// BackwardServiceInteractionInd: skipped.
	var a ConnectArg
	in := "30 1c a0 0a 04 08 04 10 94 71 10 32 54 76 af 07 a1 05 83 00 81 01 02 9f 3c 01 00 df 01 00"
	if err := a.Decode(unhex(t, in), Phase4); err != nil {
		t.Fatal(err)
	}
	if a.DestinationRoutingAddress != connectPrepaid.DestinationRoutingAddress ||
		a.ServiceInteractionIndicatorsTwo.BackwardServiceInteractionInd.ConferenceTreatmentIndicator != 2 {
		t.Fatalf("decoded %+v", a)
	}
}

func TestConnectArgEncodeErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(a *ConnectArg)
		field string
		want  error
	}{
		{"destination with a hash", func(a *ConnectArg) { a.DestinationRoutingAddress.Digits = "12#" }, "ConnectArg.destinationRoutingAddress", ErrDigits},
		{"destination of 33 digits", func(a *ConnectArg) { a.DestinationRoutingAddress.Digits = "123456789012345678901234567890123" },
			"ConnectArg.destinationRoutingAddress", ErrSize},
		{"alerting pattern of 1 octet", func(a *ConnectArg) { a.AlertingPattern = Octets{6} }, "ConnectArg.alertingPattern", ErrSize},
		{"six generic numbers", func(a *ConnectArg) { a.GenericNumbers = make(GenericNumbers, 6) }, "ConnectArg.genericNumbers", ErrSize},
		{"both legs", func(a *ConnectArg) { a.LegToBeConnected.ReceivingSideID = Leg1 }, "ConnectArg.legToBeConnected", ErrChoice},
		{"eleven extensions", func(a *ConnectArg) { a.Extensions = make(Extensions, 11) }, "ConnectArg.extensions", ErrSize},
		{"bothway 2", func(a *ConnectArg) {
			a.ServiceInteractionIndicatorsTwo.BothwayThroughConnectionInd = ptr(BothwayThroughConnectionInd(2))
		},
			"ConnectArg.serviceInteractionIndicatorsTwo.bothwayThroughConnectionInd", ErrRange},
		{"redirection counter 8", func(a *ConnectArg) { a.RedirectionInformation.RedirectionCounter = 8 }, "ConnectArg.redirectionInformation", ErrRange},
	} {
		a := connectFull()
		tc.edit(a)
		err := a.Encode(ber.NewEncoder(nil), Phase4)
		var de *DecodeError
		if !errors.As(err, &de) || de.Field != tc.field || !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %s: %v", tc.name, err, tc.field, tc.want)
		}
	}
}

func TestConnectArgErrors(t *testing.T) {
	runDecodeErrCases(t, []decodeErrCase{
		{"no destination", OpConnect, Phase4, "30 05 81 03 00 00 06", "ConnectArg.destinationRoutingAddress"},
		{"empty destination list", OpConnect, Phase4, "30 02 a0 00", "ConnectArg.destinationRoutingAddress"},
		{"two destinations", OpConnect, Phase4, "30 0c a0 0a 04 03 84 10 21 04 03 84 10 21", "ConnectArg.destinationRoutingAddress"},
		{"destination of 1 octet", OpConnect, Phase4, "30 05 a0 03 04 01 84", "ConnectArg.destinationRoutingAddress"},
		{"destination tagged [0]", OpConnect, Phase4, "30 07 a0 05 80 03 84 10 21", "ConnectArg.destinationRoutingAddress"},
		{"destination primitive", OpConnect, Phase4, "30 05 80 03 84 10 21", "ConnectArg.destinationRoutingAddress"},
		{"alertingPattern of 2 octets", OpConnect, Phase4, "30 0d a0 07 04 05 84 10 21 43 05 81 02 00 06", "ConnectArg.alertingPattern"},
		{"six generic numbers", OpConnect, Phase4, "30 2f a0 07 04 05 84 10 21 43 05 ae 24" +
			" 04 04 06 04 13 94 04 04 06 04 13 94 04 04 06 04 13 94 04 04 06 04 13 94 04 04 06 04 13 94 04 04 06 04 13 94",
			"ConnectArg.genericNumbers"},
		{"generic number of 2 octets", OpConnect, Phase4, "30 0f a0 07 04 05 84 10 21 43 05 ae 04 04 02 06 04", "ConnectArg.genericNumbers"},
		{"empty generic numbers", OpConnect, Phase4, "30 0b a0 07 04 05 84 10 21 43 05 ae 00", "ConnectArg.genericNumbers"},
		{"legToBeConnected leg 0", OpConnect, Phase4, "30 0e a0 07 04 05 84 10 21 43 05 b5 03 80 01 00", "ConnectArg.legToBeConnected.sendingSideID"},
		{"legToBeConnected primitive", OpConnect, Phase4, "30 0c a0 07 04 05 84 10 21 43 05 95 01 02", "ConnectArg.legToBeConnected"},
		{"cug-Interlock of 3 octets", OpConnect, Phase4, "30 0f a0 07 04 05 84 10 21 43 05 9f 1f 03 00 01 02", "ConnectArg.cug-Interlock"},
		{"naOliInfo of 2 octets", OpConnect, Phase4, "30 0e a0 07 04 05 84 10 21 43 05 9f 39 02 3d 3d", "ConnectArg.naOliInfo"},
		{"naChargeNumber of 8 octets (phase 2)", OpConnect, Phase2, "30 16 a0 07 04 05 84 10 21 43 05 bf 39 0a 82 08 01 02 03 04 05 06 07 08",
			"ConnectArg.na-Info.naChargeNumber"},
		{"oCSIApplicable with content", OpConnect, Phase4, "30 0d a0 07 04 05 84 10 21 43 05 9f 38 01 00", "ConnectArg.oCSIApplicable"},
	})
}

func TestConnectArgAllocs(t *testing.T) {
	e := ber.NewEncoder(make([]byte, 0, 256))
	full := connectFull()
	if allocs := testing.AllocsPerRun(200, func() {
		e.Reset()
		if err := connectPrepaid.Encode(e, Phase2); err != nil {
			t.Fatal(err)
		}
		if err := full.Encode(e, Phase4); err != nil {
			t.Fatal(err)
		}
	}); allocs != 0 {
		t.Errorf("Encode allocates %.0f times", allocs)
	}
}

func FuzzConnectArg(f *testing.F) {
	fuzzArgument(f, func() Argument { return new(ConnectArg) }, connectPrepaidHex, connectFullHex, connectNAInfoHex)
}

func BenchmarkConnectArgEncode(b *testing.B) {
	e := ber.NewEncoder(make([]byte, 0, 64))
	b.ReportAllocs()
	for b.Loop() {
		e.Reset()
		if err := connectPrepaid.Encode(e, Phase2); err != nil {
			b.Fatal(err)
		}
	}
}

// A SEQUENCE carries each member once (X.690 8.9.2): two
// destinationRoutingAddress members would route the call to the second.
func TestConnectArgDuplicateMember(t *testing.T) {
	runDecodeErrIsCases(t, ErrDuplicate, []decodeErrCase{
		{"destinationRoutingAddress twice", OpConnect, Phase4,
			"30 12 a0 07 04 05 84 10 21 43 05 a0 07 04 05 84 10 21 43 06", "ConnectArg.destinationRoutingAddress"},
		{"bothwayThroughConnectionInd twice", OpConnect, Phase4,
			"30 11 a0 07 04 05 84 10 21 43 05 af 06 82 01 00 82 01 01",
			"ConnectArg.serviceInteractionIndicatorsTwo.bothwayThroughConnectionInd"},
	})
}
