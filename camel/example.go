package camel

// Realistic InitialDP arguments, as an MSC of operator 262-01 sends them,
// for the simulator, benchmarks and wire tests. They use only members
// that every phase has, so they encode in phases 2, 3 and 4.

// ExampleMOInitialDP returns a mobile-originated InitialDP at DP
// collectedInfo (O-CSI): subscriber 4917012345678 dials 01701234567.
func ExampleMOInitialDP() *InitialDPArg {
	category := CategoryOrdinarySubscriber
	age := uint16(3)
	return &InitialDPArg{
		ServiceKey: 100,
		CallingPartyNumber: CallingPartyNumber{NatureOfAddress: NAIInternational, NumberingPlan: NPIISDN,
			Screening: ScreeningNetwork, Digits: "4917012345678"},
		CallingPartysCategory: &category,
		// ISUP User Service Information: ITU-T coding, speech; 64 kbit/s
		// circuit mode; G.711 A-law (Q.931 §4.5.5).
		BearerCapability: BearerCapability{BearerCap: Octets{0x80, 0x90, 0xa3}},
		EventTypeBCSM:    EventCollectedInfo,
		IMSI:             "262011234567890",
		LocationInformation: &LocationInformation{
			AgeOfLocationInformation: &age,
			VLRNumber:                AddressString{Nature: AddressInternational, Plan: PlanISDN, Digits: "4917000010"},
			CellGlobalIdOrServiceAreaIdOrLAI: CellGlobalIdOrServiceAreaIdOrLAI{
				PLMN: PLMNID{0x62, 0xf2, 0x10}, LAC: 0x1234, CellID: 0x5678},
		},
		ExtBasicServiceCode:  ExtBasicServiceCode{ExtTeleservice: Octets{0x11}}, // telephony
		CallReferenceNumber:  Octets{0x00, 0x1c, 0x8a, 0x4f, 0x02, 0x31, 0x00, 0x01},
		MSCAddress:           AddressString{Nature: AddressInternational, Plan: PlanISDN, Digits: "4917000010"},
		CalledPartyBCDNumber: AddressString{Nature: AddressUnknown, Plan: PlanISDN, Digits: "01701234567"},
		TimeAndTimezone: TimeAndTimezone{
			DateAndTime: DateAndTime{Year: 2026, Month: 11, Day: 26, Hour: 14, Minute: 30, Second: 5},
			TimeZone:    4, // GMT+1
		},
	}
}

// ExampleMTInitialDP returns a mobile-terminated InitialDP at DP
// termAttemptAuthorized (T-CSI at the GMSC): 4930123456 calls the
// subscriber 4917012345678.
func ExampleMTInitialDP() *InitialDPArg {
	category := CategoryOrdinarySubscriber
	return &InitialDPArg{
		ServiceKey: 200,
		CalledPartyNumber: CalledPartyNumber{NatureOfAddress: NAIInternational, NumberingPlan: NPIISDN,
			Digits: "4917012345678"},
		CallingPartyNumber: CallingPartyNumber{NatureOfAddress: NAIInternational, NumberingPlan: NPIISDN,
			Screening: ScreeningNetwork, Digits: "4930123456"},
		CallingPartysCategory: &category,
		BearerCapability:      BearerCapability{BearerCap: Octets{0x80, 0x90, 0xa3}},
		EventTypeBCSM:         EventTermAttemptAuthorized,
		IMSI:                  "262011234567890",
		SubscriberState:       SubscriberState{Alternative: AssumedIdle},
		ExtBasicServiceCode:   ExtBasicServiceCode{ExtTeleservice: Octets{0x11}},
		CallReferenceNumber:   Octets{0x00, 0x1c, 0x8a, 0x4f, 0x02, 0x31, 0x00, 0x02},
		MSCAddress:            AddressString{Nature: AddressInternational, Plan: PlanISDN, Digits: "4917000020"},
		TimeAndTimezone: TimeAndTimezone{
			DateAndTime: DateAndTime{Year: 2026, Month: 11, Day: 26, Hour: 14, Minute: 31, Second: 0},
			TimeZone:    4,
		},
		InitialDPArgExtension: &InitialDPArgExtension{
			GMSCAddress: AddressString{Nature: AddressInternational, Plan: PlanISDN, Digits: "4917000020"},
		},
	}
}
