package camel

import (
	"errors"
	"reflect"
	"testing"
)

// numberCase is a number-format value and its exact encoding.
type numberCase[T any] struct {
	name string
	val  T
	hex  string
}

// runNumberCases checks AppendBinary against the bytes and UnmarshalBinary
// back to the value.
func runNumberCases[T binaryAppender, P interface {
	*T
	binaryUnmarshaler
}](t *testing.T, cases []numberCase[T]) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := unhex(t, tc.hex)
			got, err := tc.val.AppendBinary(nil)
			if err != nil {
				t.Fatalf("AppendBinary: %v", err)
			}
			if string(got) != string(want) {
				t.Fatalf("AppendBinary\n got %x\nwant %x", got, want)
			}
			var back T
			if err := P(&back).UnmarshalBinary(want); err != nil {
				t.Fatalf("UnmarshalBinary: %v", err)
			}
			if !reflect.DeepEqual(back, tc.val) {
				t.Fatalf("UnmarshalBinary\n got %+v\nwant %+v", back, tc.val)
			}
		})
	}
}

// numberErrCase is bytes a decoder must reject, or a value an encoder must.
type numberErrCase struct {
	name string
	err  error
	want error
}

func runNumberErrCases(t *testing.T, cases []numberErrCase) {
	t.Helper()
	for _, tc := range cases {
		if !errors.Is(tc.err, tc.want) {
			t.Errorf("%s: error %v, want %v", tc.name, tc.err, tc.want)
		}
	}
}

func TestCalledPartyNumber(t *testing.T) {
	runNumberCases(t, []numberCase[CalledPartyNumber]{
		{"odd international (filler 0)", CalledPartyNumber{NatureOfAddress: NAIInternational, NumberingPlan: NPIISDN, Digits: "4917012345678"},
			"84 10 94 71 10 32 54 76 08"},
		{"even national, INN set", CalledPartyNumber{NatureOfAddress: NAINational, INN: true, NumberingPlan: NPIISDN, Digits: "3012345678"},
			"03 90 03 21 43 65 87"},
		{"ST (code 15) ends the number", CalledPartyNumber{NatureOfAddress: NAIUnknown, NumberingPlan: NPIISDN, Digits: "0800F"},
			"82 10 80 00 0f"},
		{"codes 11 and 12", CalledPartyNumber{NatureOfAddress: NAISubscriber, NumberingPlan: NPIISDN, Digits: "1B2C"},
			"01 10 b1 c2"},
		{"no address signals (ANSI no number present)", CalledPartyNumber{NatureOfAddress: 0x74, NumberingPlan: NPIISDN},
			"74 10"},
		{"private plan, network-specific", CalledPartyNumber{NatureOfAddress: NAINetworkSpecific, NumberingPlan: NPIPrivate, Digits: "9"},
			"85 50 09"},
	})
}

func TestCallingPartyNumber(t *testing.T) {
	runNumberCases(t, []numberCase[CallingPartyNumber]{
		{"network provided, allowed", CallingPartyNumber{NatureOfAddress: NAIInternational, NumberingPlan: NPIISDN,
			Screening: ScreeningNetwork, Digits: "4930123456"}, "04 13 94 03 21 43 65"},
		{"restricted, user provided verified and passed, odd", CallingPartyNumber{NatureOfAddress: NAINational, NumberingPlan: NPIISDN,
			Presentation: PresentationRestricted, Screening: ScreeningUserPassed, Digits: "12345"}, "83 15 21 43 05"},
		{"address not available", CallingPartyNumber{Presentation: PresentationNotAvailable, Screening: ScreeningNetwork}, "00 0b"},
		{"number incomplete (NI)", CallingPartyNumber{NatureOfAddress: NAIInternational, Incomplete: true, NumberingPlan: NPIISDN,
			Screening: ScreeningNetwork, Digits: "49"}, "04 93 94"},
		{"user provided, verification failed", CallingPartyNumber{NatureOfAddress: NAIInternational, NumberingPlan: NPIISDN,
			Screening: ScreeningUserFailed, Digits: "4"}, "84 12 04"},
	})
}

func TestLocationNumber(t *testing.T) {
	runNumberCases(t, []numberCase[LocationNumber]{
		{"INN in bit 8 of octet 2", LocationNumber{NatureOfAddress: NAIInternational, INN: true, NumberingPlan: NPIISDN,
			Screening: ScreeningNetwork, Digits: "4930"}, "04 93 94 03"},
		{"restricted, odd", LocationNumber{NatureOfAddress: NAINational, NumberingPlan: NPIISDN, Presentation: PresentationRestricted,
			Screening: ScreeningNetwork, Digits: "301"}, "83 17 03 01"},
	})
}

func TestRedirectingNumber(t *testing.T) {
	runNumberCases(t, []numberCase[RedirectingNumber]{
		{"original called number, restricted, odd", RedirectingNumber{NatureOfAddress: NAIInternational, NumberingPlan: NPIISDN,
			Presentation: PresentationRestricted, Digits: "49301"}, "84 14 94 03 01"},
		{"redirecting number, allowed, even", RedirectingNumber{NatureOfAddress: NAINational, NumberingPlan: NPIISDN, Digits: "3012"},
			"03 10 03 21"},
	})
	// Spare bits (octet 2 bits 8, 2 and 1) are ignored on decode.
	var r RedirectingNumber
	if err := r.UnmarshalBinary(unhex(t, "84 97 94 03 01")); err != nil ||
		r != (RedirectingNumber{NatureOfAddress: NAIInternational, NumberingPlan: NPIISDN, Presentation: PresentationRestricted, Digits: "49301"}) {
		t.Errorf("spare bits: %+v %v", r, err)
	}
}

func TestGenericNumber(t *testing.T) {
	runNumberCases(t, []numberCase[GenericNumber]{
		{"additional calling party number", GenericNumber{NumberQualifier: 6, CallingPartyNumber: CallingPartyNumber{
			NatureOfAddress: NAIInternational, NumberingPlan: NPIISDN, Screening: ScreeningNetwork, Digits: "4917"}}, "06 04 13 94 71"},
		{"odd, restricted", GenericNumber{NumberQualifier: 6, CallingPartyNumber: CallingPartyNumber{
			NatureOfAddress: NAIInternational, NumberingPlan: NPIISDN, Presentation: PresentationRestricted, Screening: ScreeningUserPassed, Digits: "491"}},
			"06 84 15 94 01"},
	})
}

func TestISUPNumberErrors(t *testing.T) {
	app := func(a binaryAppender) error { _, err := a.AppendBinary(nil); return err }
	var cd CalledPartyNumber
	var cg CallingPartyNumber
	var loc LocationNumber
	var rd RedirectingNumber
	var gn GenericNumber
	runNumberErrCases(t, []numberErrCase{
		{"called: letter G", app(CalledPartyNumber{NatureOfAddress: NAIInternational, Digits: "49G"}), ErrDigits},
		{"called: star", app(CalledPartyNumber{NatureOfAddress: NAIInternational, Digits: "*100#"}), ErrDigits},
		{"called: space", app(CalledPartyNumber{NatureOfAddress: NAIInternational, Digits: "49 30"}), ErrDigits},
		{"called: NAI 128", app(CalledPartyNumber{NatureOfAddress: 128, Digits: "49"}), ErrRange},
		{"called: NPI 8", app(CalledPartyNumber{NatureOfAddress: NAIInternational, NumberingPlan: 8, Digits: "49"}), ErrRange},
		{"calling: hash", app(CallingPartyNumber{NatureOfAddress: NAIInternational, Digits: "#31#"}), ErrDigits},
		{"calling: presentation 4", app(CallingPartyNumber{NatureOfAddress: NAIInternational, Presentation: 4, Digits: "49"}), ErrRange},
		{"calling: screening 4", app(CallingPartyNumber{NatureOfAddress: NAIInternational, Screening: 4, Digits: "49"}), ErrRange},
		{"location: letter", app(LocationNumber{NatureOfAddress: NAIInternational, Digits: "4x"}), ErrDigits},
		{"redirecting: letter", app(RedirectingNumber{NatureOfAddress: NAIInternational, Digits: "4x"}), ErrDigits},
		{"generic: letter", app(GenericNumber{CallingPartyNumber: CallingPartyNumber{Digits: "4x"}}), ErrDigits},

		{"called: empty", cd.UnmarshalBinary(nil), ErrSize},
		{"called: one octet", cd.UnmarshalBinary([]byte{0x84}), ErrSize},
		{"called: odd with no digits", cd.UnmarshalBinary([]byte{0x84, 0x10}), ErrDigits},
		{"calling: one octet", cg.UnmarshalBinary([]byte{0x04}), ErrSize},
		{"calling: odd with no digits", cg.UnmarshalBinary([]byte{0x84, 0x13}), ErrDigits},
		{"location: one octet", loc.UnmarshalBinary([]byte{0x04}), ErrSize},
		{"redirecting: one octet", rd.UnmarshalBinary([]byte{0x04}), ErrSize},
		{"generic: two octets", gn.UnmarshalBinary([]byte{0x06, 0x04}), ErrSize},
		{"generic: odd with no digits", gn.UnmarshalBinary([]byte{0x06, 0x84, 0x13}), ErrDigits},
	})
}

// FuzzISUPNumber decodes b as each ISUP number format; whatever decodes
// must re-encode and decode to the same value.
func FuzzISUPNumber(f *testing.F) {
	for _, s := range []string{"84 10 94 71 10 32 54 76 08", "03 90 03 21 43 65 87", "82 10 80 00 0f", "01 10 b1 c2",
		"74 10", "04 13 94 03 21 43 65", "83 15 21 43 05", "00 0b", "04 93 94", "84 14 94 03 01", "06 84 15 94 01"} {
		f.Add(unhex(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzNumber[CalledPartyNumber](t, b)
		fuzzNumber[CallingPartyNumber](t, b)
		fuzzNumber[LocationNumber](t, b)
		fuzzNumber[RedirectingNumber](t, b)
		fuzzNumber[GenericNumber](t, b)
	})
}

// fuzzNumber checks decode → encode → decode gives the same value.
func fuzzNumber[T binaryAppender, P interface {
	*T
	binaryUnmarshaler
}](t *testing.T, b []byte) {
	var v T
	if P(&v).UnmarshalBinary(b) != nil {
		return
	}
	enc, err := v.AppendBinary(nil)
	if err != nil {
		t.Fatalf("%T %x decoded to %+v, which does not encode: %v", v, b, v, err)
	}
	var back T
	if err := P(&back).UnmarshalBinary(enc); err != nil || !reflect.DeepEqual(back, v) {
		t.Fatalf("%T %x → %+v → %x → %+v, %v", v, b, v, enc, back, err)
	}
}
