package camel

import (
	"errors"
	"testing"

	"github.com/scpd/scpd/sigtran/ber"
)

func ptr[T any](v T) *T { return &v }

// idpFull sets every member of InitialDPArg and of the phase 3/4
// InitialDPArgExtension.
func idpFull() *InitialDPArg {
	return &InitialDPArg{
		ServiceKey:             2147483647,
		CalledPartyNumber:      CalledPartyNumber{NatureOfAddress: NAINational, INN: true, NumberingPlan: NPIISDN, Digits: "1234F"},
		CallingPartyNumber:     CallingPartyNumber{NatureOfAddress: NAINational, Incomplete: true, NumberingPlan: NPIISDN, Presentation: PresentationRestricted, Screening: ScreeningUserPassed, Digits: "3012"},
		CallingPartysCategory:  ptr(CategoryPayphone),
		CGEncountered:          ptr(SCPOverload),
		IPSSPCapabilities:      Octets{0x01},
		LocationNumber:         LocationNumber{NatureOfAddress: NAIInternational, NumberingPlan: NPIISDN, Screening: ScreeningNetwork, Digits: "4930"},
		OriginalCalledPartyID:  RedirectingNumber{NatureOfAddress: NAIInternational, NumberingPlan: NPIISDN, Presentation: PresentationRestricted, Digits: "49301"},
		Extensions:             Extensions{{Type: 1, Value: []byte{0x05, 0x00}}},
		HighLayerCompatibility: Octets{0x91, 0x81},
		AdditionalCallingPartyNumber: GenericNumber{NumberQualifier: 6, CallingPartyNumber: CallingPartyNumber{
			NatureOfAddress: NAIInternational, NumberingPlan: NPIISDN, Screening: ScreeningNetwork, Digits: "4917"}},
		BearerCapability:       BearerCapability{BearerCap: Octets{0x80, 0x90, 0xa3}},
		EventTypeBCSM:          EventCollectedInfo,
		RedirectingPartyID:     RedirectingNumber{NatureOfAddress: NAIInternational, NumberingPlan: NPIISDN, Digits: "4930"},
		RedirectionInformation: &RedirectionInformation{RedirectingIndicator: 3, OriginalRedirectionReason: 1, RedirectionCounter: 1, RedirectingReason: 2},
		Cause:                  &Cause{Location: LocationPublicLocal, Value: CauseNormalClearing},
		ServiceInteractionIndicatorsTwo: &ServiceInteractionIndicatorsTwo{
			ForwardServiceInteractionInd: &ForwardServiceInteractionInd{ConferenceTreatmentIndicator: 1},
			HoldTreatmentIndicator:       1},
		Carrier:           Octets{0x01, 0x00, 0x12, 0x34},
		CUGIndex:          ptr(uint16(5)),
		CUGInterlock:      Octets{0x00, 0x01, 0x02, 0x03},
		CUGOutgoingAccess: true,
		IMSI:              "26201123456789",
		SubscriberState:   SubscriberState{Alternative: NetDetNotReachable, NotReachableReason: IMSIDetached},
		LocationInformation: &LocationInformation{
			AgeOfLocationInformation: ptr(uint16(0)),
			GeographicalInformation:  Octets{0x10, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77},
			VLRNumber:                AddressString{Nature: AddressInternational, Plan: PlanISDN, Digits: "4917000010"},
			LocationNumber:           LocationNumber{NatureOfAddress: NAIInternational, NumberingPlan: NPIISDN, Screening: ScreeningNetwork, Digits: "4930"},
			CellGlobalIdOrServiceAreaIdOrLAI: CellGlobalIdOrServiceAreaIdOrLAI{LAIFixedLength: true,
				PLMN: PLMNID{0x62, 0xf2, 0x10}, LAC: 0x1234},
			SelectedLSAId:            Octets{0x01, 0x02, 0x03},
			MSCNumber:                AddressString{Nature: AddressInternational, Plan: PlanISDN, Digits: "4917000020"},
			GeodeticInformation:      Octets{0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
			CurrentLocationRetrieved: true,
			SAIPresent:               true,
		},
		ExtBasicServiceCode:     ExtBasicServiceCode{ExtBearerService: Octets{0x10}},
		CallReferenceNumber:     Octets{0x01, 0x02, 0x03, 0x04},
		MSCAddress:              AddressString{Nature: AddressInternational, Plan: PlanISDN, Digits: "4917000010"},
		CalledPartyBCDNumber:    AddressString{Nature: AddressUnknown, Plan: PlanISDN, Digits: "*100#"},
		TimeAndTimezone:         TimeAndTimezone{DateAndTime: DateAndTime{Year: 2026, Month: 1, Day: 2, Hour: 3, Minute: 4, Second: 5}, TimeZone: -20},
		CallForwardingSSPending: true,
		InitialDPArgExtension: &InitialDPArgExtension{
			GMSCAddress:                    AddressString{Nature: AddressInternational, Plan: PlanISDN, Digits: "4917000020"},
			ForwardingDestinationNumber:    CalledPartyNumber{NatureOfAddress: NAIInternational, NumberingPlan: NPIISDN, Digits: "491709"},
			MSClassmark2:                   Octets{0x57, 0x58, 0xa6},
			IMEI:                           "3520990017614823",
			SupportedCamelPhases:           CamelPhase1 | CamelPhase2 | CamelPhase3 | CamelPhase4,
			OfferedCamel4Functionalities:   1<<0 | 1<<1 | 1<<6 | 1<<19,
			BearerCapability2:              BearerCapability{BearerCap: Octets{0x88, 0x90}},
			ExtBasicServiceCode2:           ExtBasicServiceCode{ExtTeleservice: Octets{0x11}},
			HighLayerCompatibility2:        Octets{0x91, 0x81},
			LowLayerCompatibility:          Octets{0x88},
			LowLayerCompatibility2:         Octets{0x88},
			EnhancedDialledServicesAllowed: true,
			UUData:                         &UUData{UUIndicator: Octets{0x01}, UUI: Octets{0xaa, 0xbb}, UUSCFInteraction: true},
			CollectInformationAllowed:      true,
			ReleaseCallArgExtensionAllowed: true,
		},
	}
}

const idpFullHex = "30 82 01 48" +
	" 80 04 7f ff ff ff" + // serviceKey 2147483647
	" 82 05 83 90 21 43 0f" + // calledPartyNumber: odd, national; INN, ISDN; 1234 and ST (F), filler 0
	" 83 04 03 95 03 21" + // callingPartyNumber: even, national; NI, ISDN, restricted, user provided verified and passed; 3012
	" 85 01 0f" + // callingPartysCategory: payphone
	" 87 01 02" + // cGEncountered: scpOverload
	" 88 01 01" + // iPSSPCapabilities: IPRoutingAddress supported
	" 8a 04 04 13 94 03" + // locationNumber: international; ISDN, network provided; 4930
	" 8c 05 84 14 94 03 01" + // originalCalledPartyID: odd, international; ISDN, restricted; 49301
	" af 09 30 07 02 01 01 a1 02 05 00" + // extensions [15]: local type 1, value NULL
	" 97 02 91 81" + // highLayerCompatibility [23]
	" 99 05 06 04 13 94 71" + // additionalCallingPartyNumber [25]: Generic Number, qualifier 6; 4917
	" bb 05 80 03 80 90 a3" + // bearerCapability [27]
	" 9c 01 02" + // eventTypeBCSM [28]: collectedInfo
	" 9d 04 04 10 94 03" + // redirectingPartyID [29]: international, ISDN; 4930
	" 9e 02 13 21" + // redirectionInformation [30]: call diverted, original reason busy; counter 1, reason no reply
	" 91 02 82 90" + // cause [17]: public network serving the local user, normal call clearing
	" bf 20 09 a0 03 81 01 01 9f 32 01 01" + // serviceInteractionIndicatorsTwo [32]: conference accept, hold accept
	" 9f 25 04 01 00 12 34" + // carrier [37]
	" 9f 2d 01 05" + // cug-Index [45]
	" 9f 2e 04 00 01 02 03" + // cug-Interlock [46]
	" 9f 2f 00" + // cug-OutgoingAccess [47]
	" 9f 32 07 62 02 11 32 54 76 98" + // iMSI [50]: 14 digits, no filler
	" bf 33 03 0a 01 01" + // subscriberState [51]: netDetNotReachable imsiDetached (untagged ENUMERATED)
	" bf 34 41" + // locationInformation [52]
	"   02 01 00" + // ageOfLocationInformation 0
	"   80 08 10 11 22 33 44 55 66 77" + // geographicalInformation [0]
	"   81 06 91 94 71 00 00 01" + // vlr-number [1]
	"   82 04 04 13 94 03" + // locationNumber [2]
	"   a3 07 81 05 62 f2 10 12 34" + // cellGlobalIdOrServiceAreaIdOrLAI [3]: laiFixedLength 262-01 LAC 0x1234
	"   85 03 01 02 03" + // selectedLSA-Id [5]
	"   86 06 91 94 71 00 00 02" + // msc-Number [6]
	"   87 0a 00 01 02 03 04 05 06 07 08 09" + // geodeticInformation [7]
	"   88 00 89 00" + // currentLocationRetrieved [8], sai-Present [9]
	" bf 35 03 82 01 10" + // ext-basicServiceCode [53]: ext-BearerService allDataCDA-Services
	" 9f 36 04 01 02 03 04" + // callReferenceNumber [54]
	" 9f 37 06 91 94 71 00 00 01" + // mscAddress [55]
	" 9f 38 04 81 1a 00 fb" + // calledPartyBCDNumber [56]: *100# (* = 1010, # = 1011)
	" 9f 39 08 02 62 10 20 30 40 50 0a" + // timeAndTimezone [57]: 2026-01-02 03:04:05, GMT-5 (sign bit 3, 20 quarters)
	" 9f 3a 00" + // callForwardingSS-Pending [58]
	" bf 3b 4e" + // initialDPArgExtension [59]
	"   80 06 91 94 71 00 00 02" + // gmscAddress [0]
	"   81 05 04 10 94 71 90" + // forwardingDestinationNumber [1]: 491709
	"   82 03 57 58 a6" + // ms-Classmark2 [2]
	"   83 08 53 02 99 00 71 16 84 32" + // iMEI [3]: IMEISV 3520990017614823
	"   84 02 04 f0" + // supportedCamelPhases [4]: phase1..phase4, 4 unused bits
	"   85 04 04 c2 00 10" + // offeredCamel4Functionalities [5]: initiateCallAttempt, splitLeg, playTone, collectInformation; 20 bits
	"   a6 04 80 02 88 90" + // bearerCapability2 [6] EXPLICIT
	"   a7 03 83 01 11" + // ext-basicServiceCode2 [7] EXPLICIT
	"   88 02 91 81" + // highLayerCompatibility2 [8]
	"   89 01 88 8a 01 88" + // lowLayerCompatibility [9], lowLayerCompatibility2 [10]
	"   8b 00" + // enhancedDialledServicesAllowed [11]
	"   ac 09 80 01 01 81 02 aa bb 82 00" + // uu-Data [12]
	"   8d 00 8e 00" // collectInformationAllowed [13], releaseCallArgExtensionAllowed [14]

func TestInitialDPArg(t *testing.T) {
	mtPhase4 := ExampleMTInitialDP()
	runArgCases(t, []argCase{
		{"MO collectedInfo, phase 2", Phase2, ExampleMOInitialDP(), fixtureMOInitialDP},
		{"MO collectedInfo, phase 3", Phase3, ExampleMOInitialDP(), fixtureMOInitialDP},
		{"MO collectedInfo, phase 4", Phase4, ExampleMOInitialDP(), fixtureMOInitialDP},
		{"MT termAttemptAuthorized, phase 2 extension", Phase2, ExampleMTInitialDP(), fixtureMTInitialDPPhase2},
		{"MT termAttemptAuthorized, phase 3 extension", Phase3, mtPhase4, fixtureMTInitialDPPhase4},
		{"MT termAttemptAuthorized, phase 4 extension", Phase4, mtPhase4, fixtureMTInitialDPPhase4},
		{"every member, phase 4", Phase4, idpFull(), idpFullHex},
		{"phase 2 NA carrier", Phase2, &InitialDPArg{ServiceKey: 0,
			InitialDPArgExtension: &InitialDPArgExtension{
				NACarrierInformation: &NACarrierInformation{NACarrierID: Octets{0x01, 0x23, 0x45}, NACICSelectionType: Octets{0x02}},
				GMSCAddress:          AddressString{Nature: AddressInternational, Plan: PlanISDN, Digits: "4917000020"}}},
			"30 18 80 01 00 bf 3b 12 a0 08 80 03 01 23 45 81 01 02 81 06 91 94 71 00 00 02"},
		{"service key only, netDetNotReachable msPurged", Phase3, &InitialDPArg{ServiceKey: 1,
			SubscriberState: SubscriberState{Alternative: NetDetNotReachable, NotReachableReason: MSPurged}},
			"30 09 80 01 01 bf 33 03 0a 01 00"},
		{"camelBusy, notProvidedFromVLR is [2]", Phase4, &InitialDPArg{ServiceKey: 1,
			SubscriberState: SubscriberState{Alternative: NotProvidedFromVLR}},
			"30 08 80 01 01 bf 33 02 82 00"},
	})
}

func TestInitialDPArgUnknownMembers(t *testing.T) {
	// [60] after InitialDPArg's extension marker, [15] after
	// InitialDPArgExtension's, [12] in LocationInformation and a
	// universal member: later releases' additions, skipped.
	in := "30 27 80 01 64" +
		" 9f 3c 03 01 02 03" +
		" 04 01 ff" +
		" bf 34 0b 8c 01 00 81 06 91 94 71 00 00 01" +
		" bf 3b 0a 8f 00 80 06 91 94 71 00 00 02"
	var a InitialDPArg
	if err := a.Decode(unhex(t, in), Phase4); err != nil {
		t.Fatal(err)
	}
	vlr := AddressString{Nature: AddressInternational, Plan: PlanISDN, Digits: "4917000010"}
	gmsc := AddressString{Nature: AddressInternational, Plan: PlanISDN, Digits: "4917000020"}
	if a.ServiceKey != 100 || a.LocationInformation == nil || a.LocationInformation.VLRNumber != vlr ||
		a.InitialDPArgExtension == nil || a.InitialDPArgExtension.GMSCAddress != gmsc {
		t.Fatalf("decoded %+v", a)
	}
	// The phase 3/4 members of the extension are unknown in phase 2.
	if err := a.Decode(unhex(t, "30 0d 80 01 64 bf 3b 07 83 05 11 11 11 11 11"), Phase2); err != nil || a.InitialDPArgExtension.IMEI != "" {
		t.Fatalf("phase 2 decode of iMEI [3]: %v %+v", err, a.InitialDPArgExtension)
	}
}

func TestInitialDPArgPhaseErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		ph    Phase
		ext   InitialDPArgExtension
		field string
	}{
		{"IMEI in phase 2", Phase2, InitialDPArgExtension{IMEI: "352099001761480"}, "InitialDPArg.initialDPArgExtension.iMEI"},
		{"uu-Data in phase 2", Phase2, InitialDPArgExtension{UUData: &UUData{}}, "InitialDPArg.initialDPArgExtension.uu-Data"},
		{"NA carrier in phase 3", Phase3, InitialDPArgExtension{NACarrierInformation: &NACarrierInformation{}},
			"InitialDPArg.initialDPArgExtension.naCarrierInformation"},
	} {
		a := InitialDPArg{InitialDPArgExtension: &tc.ext}
		err := a.Encode(ber.NewEncoder(nil), tc.ph)
		var de *DecodeError
		if !errors.As(err, &de) || de.Field != tc.field || !errors.Is(err, ErrNotInPhase) {
			t.Errorf("%s: %v, want %s: %v", tc.name, err, tc.field, ErrNotInPhase)
		}
	}
}

func TestInitialDPArgEncodeErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(a *InitialDPArg)
		field string
		want  error
	}{
		{"service key beyond Integer4", func(a *InitialDPArg) { a.ServiceKey = 1 << 31 }, "InitialDPArg.serviceKey", ErrRange},
		{"letter in calling number", func(a *InitialDPArg) { a.CallingPartyNumber.Digits = "49G1" }, "InitialDPArg.callingPartyNumber", ErrDigits},
		{"calling number too long", func(a *InitialDPArg) { a.CallingPartyNumber.Digits = "1234567890123456789" }, "InitialDPArg.callingPartyNumber", ErrSize},
		{"IMSI with a star", func(a *InitialDPArg) { a.IMSI = "26201*234567890" }, "InitialDPArg.iMSI", ErrDigits},
		{"MSC address of 17 digits", func(a *InitialDPArg) { a.MSCAddress.Digits = "49170000100000000" }, "InitialDPArg.mscAddress", ErrSize},
		{"bad MCC digit", func(a *InitialDPArg) { a.LocationInformation.CellGlobalIdOrServiceAreaIdOrLAI.PLMN[0] = 0xa2 },
			"InitialDPArg.locationInformation.cellGlobalIdOrServiceAreaIdOrLAI", ErrDigits},
		{"age of location 32768", func(a *InitialDPArg) { a.LocationInformation.AgeOfLocationInformation = ptr(uint16(32768)) },
			"InitialDPArg.locationInformation.ageOfLocationInformation", ErrRange},
		{"two basic services", func(a *InitialDPArg) { a.ExtBasicServiceCode.ExtBearerService = Octets{0x10} },
			"InitialDPArg.ext-basicServiceCode", ErrChoice},
		{"time zone beyond 79 quarters", func(a *InitialDPArg) { a.TimeAndTimezone.TimeZone = 80 }, "InitialDPArg.timeAndTimezone", ErrRange},
		{"month 100", func(a *InitialDPArg) { a.TimeAndTimezone.Month = 100 }, "InitialDPArg.timeAndTimezone", ErrRange},
		{"bearer cap of 1 octet", func(a *InitialDPArg) { a.BearerCapability.BearerCap = Octets{0x80} },
			"InitialDPArg.bearerCapability.bearerCap", ErrSize},
		{"subscriber state reason 4", func(a *InitialDPArg) {
			a.SubscriberState = SubscriberState{Alternative: NetDetNotReachable, NotReachableReason: 4}
		}, "InitialDPArg.subscriberState.netDetNotReachable", ErrRange},
		{"cGEncountered 3", func(a *InitialDPArg) { a.CGEncountered = ptr(CGEncountered(3)) }, "InitialDPArg.cGEncountered", ErrRange},
		{"carrier of 3 octets", func(a *InitialDPArg) { a.Carrier = Octets{1, 2, 3} }, "InitialDPArg.carrier", ErrSize},
		{"IMEI of 14 digits", func(a *InitialDPArg) {
			a.InitialDPArgExtension = &InitialDPArgExtension{IMEI: "35209900176148"}
		}, "InitialDPArg.initialDPArgExtension.iMEI", ErrSize},
	} {
		a := ExampleMOInitialDP()
		tc.edit(a)
		err := a.Encode(ber.NewEncoder(nil), Phase4)
		var de *DecodeError
		if !errors.As(err, &de) || de.Field != tc.field || !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %s: %v", tc.name, err, tc.field, tc.want)
		}
	}
}

func TestInitialDPArgErrors(t *testing.T) {
	runDecodeErrCases(t, []decodeErrCase{
		{"not a SEQUENCE", OpInitialDP, Phase2, "31 03 80 01 64", "InitialDPArg"},
		{"truncated", OpInitialDP, Phase2, "30 05 80 01 64", "InitialDPArg"},
		{"trailing octets", OpInitialDP, Phase2, "30 03 80 01 64 00", "InitialDPArg"},
		{"member overruns", OpInitialDP, Phase2, "30 04 80 01 64 83", "InitialDPArg"},
		{"no service key", OpInitialDP, Phase2, "30 03 9c 01 02", "InitialDPArg.serviceKey"},
		{"negative service key", OpInitialDP, Phase2, "30 03 80 01 ff", "InitialDPArg.serviceKey"},
		{"service key of 9 octets", OpInitialDP, Phase2, "30 0b 80 09 01 00 00 00 00 00 00 00 00", "InitialDPArg.serviceKey"},
		{"constructed service key", OpInitialDP, Phase2, "30 05 a0 03 02 01 01", "InitialDPArg.serviceKey"},
		{"called number of 1 octet", OpInitialDP, Phase2, "30 06 80 01 01 82 01 84", "InitialDPArg.calledPartyNumber"},
		{"called number of 19 octets", OpInitialDP, Phase2, "30 18 80 01 01 82 13 84 10" + " 11 11 11 11 11 11 11 11 11 11 11 11 11 11 11 11 11", "InitialDPArg.calledPartyNumber"},
		{"calling number of 11 octets", OpInitialDP, Phase2, "30 10 80 01 01 83 0b 04 13 11 11 11 11 11 11 11 11 11", "InitialDPArg.callingPartyNumber"},
		{"category of 2 octets", OpInitialDP, Phase2, "30 07 80 01 01 85 02 0a 0a", "InitialDPArg.callingPartysCategory"},
		{"cGEncountered 3", OpInitialDP, Phase2, "30 06 80 01 01 87 01 03", "InitialDPArg.cGEncountered"},
		{"empty extensions", OpInitialDP, Phase2, "30 05 80 01 01 af 00", "InitialDPArg.extensions"},
		{"bearerCapability primitive", OpInitialDP, Phase2, "30 08 80 01 01 9b 03 80 01 80", "InitialDPArg.bearerCapability"},
		{"bearerCap of 12 octets", OpInitialDP, Phase2, "30 13 80 01 01 bb 0e 80 0c 80 90 a3 00 00 00 00 00 00 00 00 00", "InitialDPArg.bearerCapability.bearerCap"},
		{"unknown bearer alternative", OpInitialDP, Phase2, "30 0a 80 01 01 bb 05 81 03 80 90 a3", "InitialDPArg.bearerCapability"},
		{"redirection information of 1 octet", OpInitialDP, Phase2, "30 06 80 01 01 9e 01 13", "InitialDPArg.redirectionInformation"},
		{"cause of 1 octet", OpInitialDP, Phase4, "30 06 80 01 01 91 01 80", "InitialDPArg.cause"},
		{"hold treatment of 2 octets", OpInitialDP, Phase4, "30 0b 80 01 01 bf 20 05 9f 32 02 01 01", "InitialDPArg.serviceInteractionIndicatorsTwo.holdTreatmentIndicator"},
		{"hold treatment of 0 octets", OpInitialDP, Phase4, "30 09 80 01 01 bf 20 03 9f 32 00", "InitialDPArg.serviceInteractionIndicatorsTwo.holdTreatmentIndicator"},
		{"connectedNumberTreatmentInd 4", OpInitialDP, Phase4, "30 09 80 01 01 bf 20 03 84 01 04", "InitialDPArg.serviceInteractionIndicatorsTwo.connectedNumberTreatmentInd"},
		{"cug-Index 32768", OpInitialDP, Phase4, "30 08 80 01 01 9f 2d 02 80 00", "InitialDPArg.cug-Index"},
		{"cug-OutgoingAccess with content", OpInitialDP, Phase4, "30 07 80 01 01 9f 2f 01 00", "InitialDPArg.cug-OutgoingAccess"},
		{"IMSI of 2 octets", OpInitialDP, Phase2, "30 08 80 01 01 9f 32 02 62 02", "InitialDPArg.iMSI"},
		{"IMSI of 9 octets", OpInitialDP, Phase2, "30 0f 80 01 01 9f 32 09 62 02 11 32 54 76 98 10 32", "InitialDPArg.iMSI"},
		{"IMSI filler in the middle", OpInitialDP, Phase2, "30 0c 80 01 01 9f 32 06 62 02 f1 32 54 76", "InitialDPArg.iMSI"},
		{"IMSI with a hash", OpInitialDP, Phase2, "30 0c 80 01 01 9f 32 06 62 02 11 b2 54 76", "InitialDPArg.iMSI"},
		{"unknown subscriber state", OpInitialDP, Phase2, "30 08 80 01 01 bf 33 02 83 00", "InitialDPArg.subscriberState"},
		{"notReachableReason 4", OpInitialDP, Phase2, "30 09 80 01 01 bf 33 03 0a 01 04", "InitialDPArg.subscriberState.netDetNotReachable"},
		{"assumedIdle with content", OpInitialDP, Phase2, "30 09 80 01 01 bf 33 03 80 01 00", "InitialDPArg.subscriberState"},
		{"age of location negative", OpInitialDP, Phase2, "30 09 80 01 01 bf 34 03 02 01 ff", "InitialDPArg.locationInformation.ageOfLocationInformation"},
		{"vlr-number filler first", OpInitialDP, Phase2, "30 0b 80 01 01 bf 34 05 81 03 91 9f 71", "InitialDPArg.locationInformation.vlr-number"},
		{"vlr-number of 10 octets", OpInitialDP, Phase2, "30 12 80 01 01 bf 34 0c 81 0a 91 11 11 11 11 11 11 11 11 11", "InitialDPArg.locationInformation.vlr-number"},
		{"CGI of 6 octets", OpInitialDP, Phase2, "30 10 80 01 01 bf 34 0a a3 08 80 06 62 f2 10 12 34 56", "InitialDPArg.locationInformation.cellGlobalIdOrServiceAreaIdOrLAI.cellGlobalIdOrServiceAreaIdFixedLength"},
		{"CGI with a bad MCC digit", OpInitialDP, Phase2, "30 11 80 01 01 bf 34 0b a3 09 80 07 6a f2 10 12 34 56 78", "InitialDPArg.locationInformation.cellGlobalIdOrServiceAreaIdOrLAI"},
		{"CGI without the EXPLICIT tag", OpInitialDP, Phase2, "30 0f 80 01 01 bf 34 09 83 07 62 f2 10 12 34 56 78", "InitialDPArg.locationInformation.cellGlobalIdOrServiceAreaIdOrLAI"},
		{"geographicalInformation of 7 octets", OpInitialDP, Phase2, "30 0f 80 01 01 bf 34 09 80 07 10 11 22 33 44 55 66", "InitialDPArg.locationInformation.geographicalInformation"},
		{"teleservice of 6 octets", OpInitialDP, Phase2, "30 0e 80 01 01 bf 35 08 83 06 11 00 00 00 00 00", "InitialDPArg.ext-basicServiceCode.ext-Teleservice"},
		{"call reference of 9 octets", OpInitialDP, Phase2, "30 0f 80 01 01 9f 36 09 01 02 03 04 05 06 07 08 09", "InitialDPArg.callReferenceNumber"},
		{"time with a nibble of 10", OpInitialDP, Phase2, "30 0e 80 01 01 9f 39 08 02 62 1a 62 41 03 50 40", "InitialDPArg.timeAndTimezone"},
		{"time zone units of 10", OpInitialDP, Phase2, "30 0e 80 01 01 9f 39 08 02 62 11 62 41 03 50 a0", "InitialDPArg.timeAndTimezone"},
		{"time of 7 octets", OpInitialDP, Phase2, "30 0d 80 01 01 9f 39 07 02 62 11 62 41 03 50", "InitialDPArg.timeAndTimezone"},
		{"IMEI of 7 octets", OpInitialDP, Phase4, "30 0f 80 01 01 bf 3b 09 83 07 53 02 99 00 71 16 84", "InitialDPArg.initialDPArgExtension.iMEI"},
		{"IMEI with a star", OpInitialDP, Phase4, "30 10 80 01 01 bf 3b 0a 83 08 53 02 99 00 71 16 84 3a", "InitialDPArg.initialDPArgExtension.iMEI"},
		{"supportedCamelPhases of 17 bits", OpInitialDP, Phase4, "30 0c 80 01 01 bf 3b 06 84 04 07 f0 00 80", "InitialDPArg.initialDPArgExtension.supportedCamelPhases"},
		{"supportedCamelPhases 8 unused bits", OpInitialDP, Phase4, "30 0a 80 01 01 bf 3b 04 84 02 08 f0", "InitialDPArg.initialDPArgExtension.supportedCamelPhases"},
		{"uui of 0 octets", OpInitialDP, Phase4, "30 0d 80 01 01 bf 3b 07 ac 05 80 01 01 81 00", "InitialDPArg.initialDPArgExtension.uu-Data.uui"},
		{"NA carrier id of 2 octets (phase 2)", OpInitialDP, Phase2, "30 0f 80 01 01 bf 3b 09 a0 07 80 02 01 23 81 01 02", "InitialDPArg.initialDPArgExtension.naCarrierInformation.naCarrierId"},
		{"gmscAddress (phase 2) empty", OpInitialDP, Phase2, "30 08 80 01 01 bf 3b 02 81 00", "InitialDPArg.initialDPArgExtension.gmscAddress"},
	})
}

func TestInitialDPArgAllocs(t *testing.T) {
	a := ExampleMOInitialDP()
	e := ber.NewEncoder(make([]byte, 0, 512))
	if allocs := testing.AllocsPerRun(200, func() {
		e.Reset()
		if err := a.Encode(e, Phase2); err != nil {
			t.Fatal(err)
		}
	}); allocs != 0 {
		t.Errorf("Encode allocates %.0f times", allocs)
	}
	in := unhex(t, fixtureMOInitialDP)
	allocs := testing.AllocsPerRun(200, func() {
		var d InitialDPArg
		if err := d.Decode(in, Phase2); err != nil {
			t.Fatal(err)
		}
	})
	// The argument itself (it escapes, as NewArgument's does), the digit
	// strings (calling party, IMSI, VLR, MSC, called BCD), the category,
	// locationInformation and its age.
	if allocs > 9 {
		t.Errorf("Decode allocates %.0f times, want at most 9", allocs)
	}
	t.Logf("MO InitialDP: Decode %.0f allocs", allocs)
}

func BenchmarkInitialDPArgDecode(b *testing.B) {
	in := unhex(b, fixtureMOInitialDP)
	b.ReportAllocs()
	for b.Loop() {
		var d InitialDPArg
		if err := d.Decode(in, Phase2); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkInitialDPArgEncode(b *testing.B) {
	a := ExampleMOInitialDP()
	e := ber.NewEncoder(make([]byte, 0, 512))
	b.ReportAllocs()
	for b.Loop() {
		e.Reset()
		if err := a.Encode(e, Phase2); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzInitialDPArg(f *testing.F) {
	fuzzArgument(f, func() Argument { return new(InitialDPArg) }, fixtureMOInitialDP, fixtureMTInitialDPPhase2,
		fixtureMTInitialDPPhase4, idpFullHex, "30 18 80 01 00 bf 3b 12 a0 08 80 03 01 23 45 81 01 02 81 06 91 94 71 00 00 02")
}

// A SEQUENCE carries each member once (X.690 8.9.2).
func TestInitialDPArgDuplicateMember(t *testing.T) {
	runDecodeErrIsCases(t, ErrDuplicate, []decodeErrCase{
		{"serviceKey twice", OpInitialDP, Phase2, "30 06 80 01 01 80 01 02", "InitialDPArg.serviceKey"},
		{"ageOfLocationInformation twice", OpInitialDP, Phase2, "30 0c 80 01 01 bf 34 06 02 01 05 02 01 06",
			"InitialDPArg.locationInformation.ageOfLocationInformation"},
	})
	// An unknown member ([127]) is skipped each time it comes, as before.
	var a InitialDPArg
	if err := a.Decode(unhex(t, "30 0b 80 01 01 9f 7f 01 00 9f 7f 01 00"), Phase2); err != nil || a.ServiceKey != 1 {
		t.Fatalf("unknown member twice: %v %+v", err, a)
	}
}

// An unrecognized eventTypeBCSM is "treated like reception of no detection
// point" (CAP-datatypes): the optional member reads as absent.
func TestInitialDPArgUnrecognizedEventType(t *testing.T) {
	runDecodeOnlyCases(t, []argCase{
		{"256", Phase4, &InitialDPArg{ServiceKey: 1}, "30 07 80 01 01 9c 02 01 00"},
	})
}
