package camel

import (
	"fmt"
	"testing"

	"github.com/scpd/scpd/sigtran/ber"
)

func u16(v uint16) *uint16 { return &v }

// The prepaid arming of a mobile-originated call, as scpd sends it with
// its first Continue/Connect.
var rrbcsmPrepaid = &RequestReportBCSMEventArg{BCSMEvents: []BCSMEvent{
	{EventTypeBCSM: EventRouteSelectFailure, MonitorMode: MonitorNotifyAndContinue},
	{EventTypeBCSM: EventOCalledPartyBusy, MonitorMode: MonitorInterrupted},
	{EventTypeBCSM: EventONoAnswer, MonitorMode: MonitorInterrupted,
		DpSpecificCriteria: DpSpecificCriteria{ApplicationTimer: u16(60)}},
	{EventTypeBCSM: EventOAnswer, MonitorMode: MonitorNotifyAndContinue},
	{EventTypeBCSM: EventOAbandon, MonitorMode: MonitorNotifyAndContinue},
	{EventTypeBCSM: EventODisconnect, MonitorMode: MonitorInterrupted, LegID: LegID{SendingSideID: Leg1}},
	{EventTypeBCSM: EventODisconnect, MonitorMode: MonitorInterrupted, LegID: LegID{SendingSideID: Leg2}},
}}

const rrbcsmPrepaidHex = "30 49 a0 47" +
	" 30 06 80 01 04 81 01 01" + // routeSelectFailure, notifyAndContinue
	" 30 06 80 01 05 81 01 00" + // oCalledPartyBusy, interrupted
	" 30 0b 80 01 06 81 01 00 be 03 81 01 3c" + // oNoAnswer, dpSpecificCriteria [30] EXPLICIT: applicationTimer 60 s
	" 30 06 80 01 07 81 01 01" + // oAnswer
	" 30 06 80 01 0a 81 01 01" + // oAbandon
	" 30 0b 80 01 09 81 01 00 a2 03 80 01 01" + // oDisconnect, legID [2] EXPLICIT: sendingSideID leg1
	" 30 0b 80 01 09 81 01 00 a2 03 80 01 02" // oDisconnect leg2

func TestRequestReportBCSMEventArg(t *testing.T) {
	runArgCases(t, []argCase{
		{"prepaid MO arming, phase 2", Phase2, rrbcsmPrepaid, rrbcsmPrepaidHex},
		{"prepaid MO arming, phase 4", Phase4, rrbcsmPrepaid, rrbcsmPrepaidHex},
		{"phase 4 DTMF mid-call and change of position", Phase4, &RequestReportBCSMEventArg{
			BCSMEvents: []BCSMEvent{
				{EventTypeBCSM: EventTMidCall, MonitorMode: MonitorNotifyAndContinue,
					LegID: LegID{SendingSideID: Leg2},
					DpSpecificCriteria: DpSpecificCriteria{MidCallControlInfo: &MidCallControlInfo{
						MinimumNumberOfDigits: 1, MaximumNumberOfDigits: 4, EndOfReplyDigit: "#", InterDigitTimeout: 5}},
					AutomaticRearm: true},
				{EventTypeBCSM: EventOChangeOfPosition, MonitorMode: MonitorNotifyAndContinue,
					DpSpecificCriteria: DpSpecificCriteria{DpSpecificCriteriaAlt: &DpSpecificCriteriaAlt{
						ChangeOfPositionControlInfo: []ChangeOfLocation{
							{InterMSCHandOver: true},
							{LocationAreaID: Octets{0x42, 0xf0, 0x10, 0x00, 0x01}},
						}}}},
			},
			Extensions: Extensions{{Type: 1, Value: []byte{0x05, 0x00}}},
		}, "30 41 a0 34" +
			" 30 1b 80 01 10 81 01 01 a2 03 80 01 02" + // tMidCall, notifyAndContinue, leg2
			" be 0b a2 09 81 01 04 82 01 0c 86 01 05" + // midCallControlInfo: max 4, endOfReplyDigit '#' (1100), interDigitTimeout 5 (minimum 1 is the DEFAULT)
			" 9f 32 00" + // automaticRearm [50]
			" 30 15 80 01 32 81 01 01" + // oChangeOfPosition (50)
			" be 0d a3 0b a0 09 85 00 82 05 42 f0 10 00 01" + // dpSpecificCriteriaAlt: inter-MSCHandOver, locationAreaId 240-01 LAC 1
			" a2 09 30 07 02 01 01 a1 02 05 00"}, // extensions [2]
	})
}

func TestRequestReportBCSMEventArgDefaults(t *testing.T) {
	// An empty MidCallControlInfo decodes to its DEFAULTs (1, 30, 10).
	var a RequestReportBCSMEventArg
	if err := a.Decode(unhex(t, "30 0e a0 0c 30 0a 80 01 08 81 01 01 be 02 a2 00"), Phase4); err != nil {
		t.Fatal(err)
	}
	got := a.BCSMEvents[0].DpSpecificCriteria.MidCallControlInfo
	if got == nil || *got != (MidCallControlInfo{MinimumNumberOfDigits: 1, MaximumNumberOfDigits: 30, InterDigitTimeout: 10}) {
		t.Fatalf("midCallControlInfo = %+v", got)
	}
}

func TestRequestReportBCSMEventArgUnknownExtension(t *testing.T) {
	// [9] after the extension marker of RequestReportBCSMEventArg and [51]
	// in BCSMEvent are additions of a later release: skipped.
	var a RequestReportBCSMEventArg
	err := a.Decode(unhex(t, "30 13 a0 0b 30 09 80 01 07 81 01 01 9f 33 00 89 01 00 9f 3c 00"), Phase4)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.BCSMEvents) != 1 || a.BCSMEvents[0].EventTypeBCSM != EventOAnswer {
		t.Fatalf("decoded %+v", a)
	}
}

func TestRequestReportBCSMEventArgErrors(t *testing.T) {
	runDecodeErrCases(t, []decodeErrCase{
		{"not a SEQUENCE", OpRequestReportBCSMEvent, Phase2, "31 00", "RequestReportBCSMEventArg"},
		{"no bcsmEvents", OpRequestReportBCSMEvent, Phase2, "30 00", "RequestReportBCSMEventArg.bcsmEvents"},
		{"empty bcsmEvents", OpRequestReportBCSMEvent, Phase2, "30 02 a0 00", "RequestReportBCSMEventArg.bcsmEvents"},
		{"bcsmEvents primitive", OpRequestReportBCSMEvent, Phase2, "30 02 80 00", "RequestReportBCSMEventArg.bcsmEvents"},
		{"missing monitorMode", OpRequestReportBCSMEvent, Phase2, "30 07 a0 05 30 03 80 01 07", "RequestReportBCSMEventArg.bcsmEvents.monitorMode"},
		{"missing eventTypeBCSM", OpRequestReportBCSMEvent, Phase2, "30 07 a0 05 30 03 81 01 01", "RequestReportBCSMEventArg.bcsmEvents.eventTypeBCSM"},
		{"monitorMode 3", OpRequestReportBCSMEvent, Phase2, "30 0a a0 08 30 06 80 01 07 81 01 03", "RequestReportBCSMEventArg.bcsmEvents.monitorMode"},
		{"legID IMPLICIT instead of EXPLICIT", OpRequestReportBCSMEvent, Phase2,
			"30 0d a0 0b 30 09 80 01 09 81 01 00 82 01 01", "RequestReportBCSMEventArg.bcsmEvents.legID"},
		{"legID leg 0", OpRequestReportBCSMEvent, Phase2,
			"30 0f a0 0d 30 0b 80 01 09 81 01 00 a2 03 80 01 00", "RequestReportBCSMEventArg.bcsmEvents.legID.sendingSideID"},
		{"legID two octets", OpRequestReportBCSMEvent, Phase2,
			"30 10 a0 0e 30 0c 80 01 09 81 01 00 a2 04 80 02 01 01", "RequestReportBCSMEventArg.bcsmEvents.legID.sendingSideID"},
		{"applicationTimer 2048", OpRequestReportBCSMEvent, Phase2,
			"30 10 a0 0e 30 0c 80 01 06 81 01 00 be 04 81 02 08 00", "RequestReportBCSMEventArg.bcsmEvents.dpSpecificCriteria.applicationTimer"},
		{"endOfReplyDigit not a digit", OpRequestReportBCSMEvent, Phase4,
			"30 11 a0 0f 30 0d 80 01 08 81 01 01 be 05 a2 03 82 01 0d",
			"RequestReportBCSMEventArg.bcsmEvents.dpSpecificCriteria.midCallControlInfo.endOfReplyDigit"},
		{"locationAreaId of 4 octets", OpRequestReportBCSMEvent, Phase4,
			"30 16 a0 14 30 12 80 01 32 81 01 01 be 0a a3 08 a0 06 82 04 42 f0 10 00",
			"RequestReportBCSMEventArg.bcsmEvents.dpSpecificCriteria.dpSpecificCriteriaAlt.changeOfPositionControlInfo.locationAreaId"},
		{"truncated", OpRequestReportBCSMEvent, Phase2, "30 49 a0 47 30 06", "RequestReportBCSMEventArg"},
	})
}

func TestRequestReportBCSMEventArgTooManyEvents(t *testing.T) {
	ev := "30 06 80 01 07 81 01 01"
	s := ""
	for range maxBCSMEvents + 1 {
		s += ev
	}
	n := 8 * (maxBCSMEvents + 1) // 248: long form lengths
	param := fmt.Sprintf("30 82 00 %02x a0 82 00 %02x", n+4, n) + s
	var a RequestReportBCSMEventArg
	if err := a.Decode(unhex(t, param), Phase2); err == nil || err.(*DecodeError).Field != "RequestReportBCSMEventArg.bcsmEvents" {
		t.Fatalf("31 events: %v", err)
	}
	a.BCSMEvents = make([]BCSMEvent, maxBCSMEvents+1)
	if err := a.Encode(ber.NewEncoder(nil), Phase2); err == nil {
		t.Fatal("encoded 31 events")
	}
}

func TestRequestReportBCSMEventArgEncodeErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		arg   RequestReportBCSMEventArg
		field string
	}{
		{"no events", RequestReportBCSMEventArg{}, "RequestReportBCSMEventArg.bcsmEvents"},
		{"monitorMode 7", RequestReportBCSMEventArg{BCSMEvents: []BCSMEvent{{EventTypeBCSM: EventOAnswer, MonitorMode: 7}}},
			"RequestReportBCSMEventArg.bcsmEvents.monitorMode"},
		{"both leg sides", RequestReportBCSMEventArg{BCSMEvents: []BCSMEvent{{EventTypeBCSM: EventOAnswer,
			LegID: LegID{SendingSideID: Leg1, ReceivingSideID: Leg2}}}}, "RequestReportBCSMEventArg.bcsmEvents.legID"},
		{"two criteria", RequestReportBCSMEventArg{BCSMEvents: []BCSMEvent{{EventTypeBCSM: EventONoAnswer,
			DpSpecificCriteria: DpSpecificCriteria{ApplicationTimer: u16(5), MidCallControlInfo: &MidCallControlInfo{}}}}},
			"RequestReportBCSMEventArg.bcsmEvents.dpSpecificCriteria"},
		{"maximumNumberOfDigits 31", RequestReportBCSMEventArg{BCSMEvents: []BCSMEvent{{EventTypeBCSM: EventOMidCall,
			DpSpecificCriteria: DpSpecificCriteria{MidCallControlInfo: &MidCallControlInfo{MaximumNumberOfDigits: 31}}}}},
			"RequestReportBCSMEventArg.bcsmEvents.dpSpecificCriteria.midCallControlInfo.maximumNumberOfDigits"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.arg.Encode(ber.NewEncoder(nil), Phase4)
			de, ok := err.(*DecodeError)
			if !ok || de.Field != tc.field {
				t.Fatalf("error %v, want field %s", err, tc.field)
			}
		})
	}
}

func TestRequestReportBCSMEventArgEncodeAllocs(t *testing.T) {
	e := ber.NewEncoder(make([]byte, 0, 256))
	allocs := testing.AllocsPerRun(200, func() {
		e.Reset()
		if err := rrbcsmPrepaid.Encode(e, Phase2); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("Encode allocates %.0f times", allocs)
	}
}

func FuzzRequestReportBCSMEventArg(f *testing.F) {
	fuzzArgument(f, func() Argument { return new(RequestReportBCSMEventArg) }, rrbcsmPrepaidHex,
		"30 41 a0 34 30 1b 80 01 10 81 01 01 a2 03 80 01 02 be 0b a2 09 81 01 04 82 01 0c 86 01 05 9f 32 00"+
			" 30 15 80 01 32 81 01 01 be 0d a3 0b a0 09 85 00 82 05 42 f0 10 00 01 a2 09 30 07 02 01 01 a1 02 05 00")
}

// fuzzArgument seeds f with the table bytes in every phase and checks that
// whatever decodes re-encodes and decodes again.
func fuzzArgument(f *testing.F, newArg func() Argument, seeds ...string) {
	for _, s := range seeds {
		for _, ph := range []Phase{Phase2, Phase3, Phase4} {
			f.Add(unhex(f, s), uint8(ph))
		}
	}
	f.Fuzz(func(t *testing.T, b []byte, p uint8) {
		ph := Phase(2 + p%3)
		a := newArg()
		if err := a.Decode(b, ph); err != nil {
			if _, ok := err.(*DecodeError); !ok {
				t.Fatalf("error %T %v is not a *DecodeError", err, err)
			}
			return
		}
		e := ber.NewEncoder(nil)
		if err := a.Encode(e, ph); err != nil {
			t.Fatalf("re-encode of %x in %v: %v (%+v)", b, ph, err, a)
		}
		if err := newArg().Decode(e.Bytes(), ph); err != nil {
			t.Fatalf("decode of re-encoding %x (from %x) in %v: %v", e.Bytes(), b, ph, err)
		}
	})
}

// A SEQUENCE carries each member once (X.690 8.9.2); bcsmEvents is a
// SEQUENCE OF, whose elements do repeat (rrbcsmPrepaidHex).
func TestRequestReportBCSMEventArgDuplicateMember(t *testing.T) {
	const typ = "RequestReportBCSMEventArg"
	runDecodeErrIsCases(t, ErrDuplicate, []decodeErrCase{
		{"bcsmEvents twice", OpRequestReportBCSMEvent, Phase2,
			"30 14 a0 08 30 06 80 01 07 81 01 01 a0 08 30 06 80 01 09 81 01 01", typ + ".bcsmEvents"},
		{"eventTypeBCSM twice in an event", OpRequestReportBCSMEvent, Phase2,
			"30 0d a0 0b 30 09 80 01 07 80 01 09 81 01 01", typ + ".bcsmEvents.eventTypeBCSM"},
		{"monitorMode twice in an event", OpRequestReportBCSMEvent, Phase2,
			"30 0d a0 0b 30 09 80 01 07 81 01 00 81 01 01", typ + ".bcsmEvents.monitorMode"},
		{"numberOfDigits twice", OpRequestReportBCSMEvent, Phase4,
			"30 14 a0 12 30 10 80 01 07 81 01 01 be 08 a3 06 81 01 02 81 01 03",
			typ + ".bcsmEvents.dpSpecificCriteria.dpSpecificCriteriaAlt.numberOfDigits"},
		{"minimumNumberOfDigits twice", OpRequestReportBCSMEvent, Phase4,
			"30 14 a0 12 30 10 80 01 07 81 01 01 be 08 a2 06 80 01 01 80 01 02",
			typ + ".bcsmEvents.dpSpecificCriteria.midCallControlInfo.minimumNumberOfDigits"},
	})
}

// An unrecognized eventTypeBCSM is "treated like reception of no detection
// point" (CAP-datatypes): the event reads as 0 and arms no DP, the others
// still decode.
func TestRequestReportBCSMEventArgUnrecognizedEventType(t *testing.T) {
	runDecodeOnlyCases(t, []argCase{
		{"256 beside oAnswer", Phase4, &RequestReportBCSMEventArg{BCSMEvents: []BCSMEvent{
			{MonitorMode: MonitorNotifyAndContinue},
			{EventTypeBCSM: EventOAnswer, MonitorMode: MonitorNotifyAndContinue},
		}}, "30 13 a0 11 30 07 80 02 01 00 81 01 01 30 06 80 01 07 81 01 01"},
	})
}
