package sccp

import (
	"bytes"
	"encoding/hex"
	"errors"
	"reflect"
	"strings"
	"testing"

	gosccp "github.com/wmnsk/go-sccp"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var (
	scpByPC  = Address{RouteOnSSN: true, HasPC: true, PointCode: 2, SSN: SSNCAP}
	mscByGT  = Address{SSN: SSNCAP, GT: GlobalTitle{Indicator: GTITTNPESNAI, NumberingPlan: NPISDN, EncodingScheme: ESBCDOdd, NatureOfAddress: NAIInternational, Digits: "31612345678"}}
	tcapData = []byte{0x64, 0x06, 0x49, 0x04, 0, 0, 0, 1}
)

// Every row was checked with tshark 4.0 (DLT USER0 mapped to sccp): fields
// as intended, no expert warning.
func TestMessages(t *testing.T) {
	tests := []struct {
		name string
		msg  *Message
		hex  string
	}{
		{"UDT PC+SSN to GT", NewUDT(scpByPC, mscByGT, tcapData, true),
			"09 80 03 07 12 04 43 02 00 92 0b 12 92 00 11 04 13 16 32 54 76 08 08 64 06 49 04 00 00 00 01"},
		{"UDT class 1 no return", &Message{Type: UDT, ProtocolClass: 1, Called: mscByGT, Calling: scpByPC, Data: tcapData},
			"09 01 03 0e 12 0b 12 92 00 11 04 13 16 32 54 76 08 04 43 02 00 92 08 64 06 49 04 00 00 00 01"},
		{"XUDT", NewXUDT(scpByPC, mscByGT, tcapData, true),
			"11 80 0f 04 08 13 00 04 43 02 00 92 0b 12 92 00 11 04 13 16 32 54 76 08 08 64 06 49 04 00 00 00 01"},
		{"UDTS unequipped user", ServiceFor(NewUDT(scpByPC, mscByGT, tcapData, true), UnequippedUser),
			"0a 04 03 0e 12 0b 12 92 00 11 04 13 16 32 54 76 08 04 43 02 00 92 08 64 06 49 04 00 00 00 01"},
		{"GTI 1 even digits", NewUDT(Address{SSN: 7, GT: GlobalTitle{Indicator: GTINAI, NatureOfAddress: NAIInternational, Digits: "3161"}}, scpByPC, tcapData, false),
			"09 00 03 08 0c 05 06 07 04 13 16 04 43 02 00 92 08 64 06 49 04 00 00 00 01"},
		{"GTI 2 translation type only", NewUDT(Address{SSN: 6, GT: GlobalTitle{Indicator: GTITT, TranslationType: 0, Digits: "1234"}}, scpByPC, tcapData, false),
			"09 00 03 08 0c 05 0a 06 00 21 43 04 43 02 00 92 08 64 06 49 04 00 00 00 01"},
		{"GTI 3 no NAI", NewUDT(Address{GT: GlobalTitle{Indicator: GTITTNPES, NumberingPlan: NPLandMobile, Digits: "204080"}}, scpByPC, tcapData, false),
			"09 00 03 09 0d 06 0c 00 62 02 04 08 04 43 02 00 92 08 64 06 49 04 00 00 00 01"},
		{"PC 16383", NewUDT(Address{RouteOnSSN: true, HasPC: true, PointCode: 0x3fff, SSN: 146}, scpByPC, tcapData, false),
			"09 00 03 07 0b 04 43 ff 3f 92 04 43 02 00 92 08 64 06 49 04 00 00 00 01"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := unhex(t, tc.hex)
			got, err := tc.msg.Append(nil)
			if err != nil {
				t.Fatal(err)
			}
			if hex.EncodeToString(got) != hex.EncodeToString(want) {
				t.Fatalf("Append\n got %x\nwant %x", got, want)
			}
			var back Message
			if err := back.Decode(want); err != nil {
				t.Fatalf("Decode: %v", err)
			}
			exp := *tc.msg
			for _, a := range []*Address{&exp.Called, &exp.Calling} {
				if a.GT.Indicator >= GTITTNPES {
					a.GT.EncodingScheme = esFor(&a.GT) // decoding shows what was sent
				} else {
					a.GT.EncodingScheme = 0
				}
			}
			if !reflect.DeepEqual(back, exp) {
				t.Fatalf("Decode\n got %+v\nwant %+v", back, exp)
			}
		})
	}
}

func TestServiceForRules(t *testing.T) {
	if ServiceFor(NewUDT(scpByPC, mscByGT, tcapData, false), UnequippedUser) != nil {
		t.Error("UDTS for a UDT without return on error")
	}
	udts := ServiceFor(NewUDT(scpByPC, mscByGT, tcapData, true), SubsystemFailure)
	if ServiceFor(udts, SubsystemFailure) != nil {
		t.Error("UDTS answering a UDTS")
	}
	if x := ServiceFor(NewXUDT(scpByPC, mscByGT, tcapData, true), SubsystemFailure); x.Type != XUDTS {
		t.Errorf("XUDT answered by %v", x.Type)
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name  string
		hex   string
		field string
	}{
		{"empty", "", "messageType"},
		{"unknown type", "01 00", "messageType"},
		{"class 2", "09 02 03 04 05 01 00 01 00 01 aa", "UDT.protocolClass"},
		{"pointer past end", "09 00 30 05 07 01 00", "UDT.calledPartyAddress"},
		{"zero pointer", "09 00 00 05 07 01 00", "UDT.calledPartyAddress"},
		{"called length past end", "09 00 03 05 07 09 43", "UDT.calledPartyAddress"},
		{"address without SSN octet", "09 00 03 04 05 01 02 01 00 01 aa", "UDT.calledPartyAddress"},
		{"bad GTI", "09 00 03 04 05 01 3c 01 00 01 aa", "UDT.calledPartyAddress"},
		{"empty data", "09 00 03 04 05 01 00 01 00 00", "UDT.data"},
		{"xudt optional pointer past end", "11 00 0f 04 05 06 10 01 00 01 00 01 aa", "XUDT.optional"},
		// The optional part (Q.713 §1.8): parameters that fit, Segmentation
		// of 4 octets, ended by the end of optional parameters octet.
		{"xudt segmentation cut short", "11 00 0f 04 05 06 07 01 00 01 00 01 aa 10 04 01 00 00", "XUDT.optional"},
		{"xudt segmentation of 3 octets", "11 00 0f 04 05 06 07 01 00 01 00 01 aa 10 03 01 00 00 00", "XUDT.optional"},
		{"xudt optional part without its end", "11 00 0f 04 05 06 07 01 00 01 00 01 aa 12 01 05", "XUDT.optional"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var m Message
			err := m.Decode(unhex(t, tc.hex))
			var de *DecodeError
			if !errors.As(err, &de) || de.Field != tc.field {
				t.Fatalf("error %v, want field %q", err, tc.field)
			}
		})
	}
}

// Well-formed optional parts decode.
func TestDecodeOptionalPart(t *testing.T) {
	for _, opt := range []string{
		"10 04 80 00 00 01 00", // Segmentation: first, none remaining; end
		"12 01 05 00",          // Importance 5; end
		"10 04 c1 00 00 01 12 01 05 00",
	} {
		var m Message
		if err := m.Decode(unhex(t, "11 00 0f 04 05 06 07 01 00 01 00 01 aa "+opt)); err != nil || len(m.Optional) == 0 {
			t.Errorf("optional part %s: %v", opt, err)
		}
	}
}

func TestEncodeErrors(t *testing.T) {
	for _, m := range []*Message{
		NewUDT(Address{HasPC: true, PointCode: 0x4000}, scpByPC, tcapData, false),
		NewUDT(Address{GT: GlobalTitle{Indicator: GTINAI, Digits: "12x"}}, scpByPC, tcapData, false),
		NewUDT(scpByPC, scpByPC, nil, false),
		NewUDT(scpByPC, scpByPC, make([]byte, 256), false),
		{Type: 3},
	} {
		if _, err := m.Append(nil); err == nil {
			t.Errorf("Append(%+v) succeeded", m)
		}
	}
}

// TestGoSCCPAgrees decodes global-title addressed UDTs of this codec with
// go-sccp, where go-sccp is correct (it mis-orders point codes, so none is
// used here).
func TestGoSCCPAgrees(t *testing.T) {
	called := Address{SSN: SSNCAP, GT: GlobalTitle{Indicator: GTITTNPESNAI, NumberingPlan: NPISDN, NatureOfAddress: NAIInternational, Digits: "3161000001"}}
	b, err := NewUDT(called, mscByGT, tcapData, true).Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := gosccp.ParseMessage(b)
	if err != nil {
		t.Fatalf("go-sccp cannot parse %x: %v", b, err)
	}
	udt, ok := msg.(*gosccp.UDT)
	if !ok {
		t.Fatalf("go-sccp parsed %T", msg)
	}
	if got := udt.CdGT(); got != "3161000001" {
		t.Errorf("go-sccp called GT = %q", got)
	}
	if got := udt.CgGT(); got != "31612345678" {
		t.Errorf("go-sccp calling GT = %q", got)
	}
	if hex.EncodeToString(udt.Data.Value()) != hex.EncodeToString(tcapData) {
		t.Errorf("go-sccp data = %x", udt.Data.Value())
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		"09 80 03 07 12 04 43 02 00 92 0b 12 92 00 11 04 13 16 32 54 76 08 08 64 06 49 04 00 00 00 01",
		"11 80 0f 04 08 13 00 04 43 02 00 92 0b 12 92 00 11 04 13 16 32 54 76 08 08 64 06 49 04 00 00 00 01",
		"0a 04 03 0e 12 0b 12 92 00 11 04 13 16 32 54 76 08 04 43 02 00 92 08 64 06 49 04 00 00 00 01",
	} {
		f.Add(unhex(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Message
		if err := m.Decode(b); err != nil {
			return
		}
		out, err := m.Append(nil)
		if err != nil {
			return // e.g. a national encoding scheme with non-BCD content
		}
		var again Message
		if err := again.Decode(out); err != nil {
			t.Fatalf("re-decoding %x (from %x): %v", out, b, err)
		}
		// Encoding what decoded is a fixed point after one step.
		if out2, err := again.Append(nil); err != nil || !bytes.Equal(out2, out) {
			t.Fatalf("%x → %x → %x, %v", b, out, out2, err)
		}
	})
}
