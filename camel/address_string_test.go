package camel

import "testing"

func TestAddressString(t *testing.T) {
	runNumberCases(t, []numberCase[AddressString]{
		{"MSC address, even", AddressString{Nature: AddressInternational, Plan: PlanISDN, Digits: "4917000010"}, "91 94 71 00 00 01"},
		{"odd: filler 1111", AddressString{Nature: AddressInternational, Plan: PlanISDN, Digits: "491700001"}, "91 94 71 00 00 f1"},
		{"dialled *100# (star 1010, hash 1011)", AddressString{Nature: AddressUnknown, Plan: PlanISDN, Digits: "*100#"}, "81 1a 00 fb"},
		{"TBCD a, b, c", AddressString{Nature: AddressUnknown, Plan: PlanISDN, Digits: "abc1"}, "81 dc 1e"},
		{"abbreviated, private plan", AddressString{Nature: AddressAbbreviated, Plan: PlanPrivate, Digits: "123"}, "e9 21 f3"},
		{"national, land mobile", AddressString{Nature: AddressNational, Plan: PlanLandMobile, Digits: "26201"}, "a6 62 02 f1"},
		{"no digits", AddressString{Nature: AddressInternational, Plan: PlanISDN}, "91"},
	})
	// The extension bit (bit 8) is not checked on decode; it is always set
	// on encode.
	var a AddressString
	if err := a.UnmarshalBinary(unhex(t, "11 94 71")); err != nil || a != (AddressString{Nature: AddressInternational, Plan: PlanISDN, Digits: "4917"}) {
		t.Errorf("extension bit 0: %+v %v", a, err)
	}
}

func TestIMSI(t *testing.T) {
	runNumberCases(t, []numberCase[IMSI]{
		{"15 digits: filler", "262011234567890", "62 02 11 32 54 76 98 f0"},
		{"14 digits: no filler", "26201123456789", "62 02 11 32 54 76 98"},
		{"6 digits: the shortest", "262011", "62 02 11"},
	})
}

func TestAddressStringErrors(t *testing.T) {
	app := func(a binaryAppender) error { _, err := a.AppendBinary(nil); return err }
	var a AddressString
	var i IMSI
	runNumberErrCases(t, []numberErrCase{
		{"address: d is no TBCD digit", app(AddressString{Nature: AddressInternational, Plan: PlanISDN, Digits: "49d"}), ErrDigits},
		{"address: upper-case A", app(AddressString{Nature: AddressInternational, Plan: PlanISDN, Digits: "49A"}), ErrDigits},
		{"address: nature 8", app(AddressString{Nature: 8, Plan: PlanISDN, Digits: "49"}), ErrRange},
		{"address: plan 16", app(AddressString{Nature: AddressInternational, Plan: 16, Digits: "49"}), ErrRange},
		{"IMSI: 5 digits", app(IMSI("26201")), ErrSize},
		{"IMSI: 16 digits", app(IMSI("2620112345678901")), ErrSize},
		{"IMSI: star", app(IMSI("26201123456789*")), ErrDigits},

		{"address: empty", a.UnmarshalBinary(nil), ErrSize},
		{"address: filler in a low nibble", a.UnmarshalBinary([]byte{0x91, 0x4f}), ErrDigits},
		{"address: filler before the last octet", a.UnmarshalBinary([]byte{0x91, 0xf4, 0x21}), ErrDigits},
		{"IMSI: 2 octets", i.UnmarshalBinary([]byte{0x62, 0x02}), ErrSize},
		{"IMSI: 9 octets", i.UnmarshalBinary([]byte{0x62, 0x02, 0x11, 0x32, 0x54, 0x76, 0x98, 0x10, 0x32}), ErrSize},
		{"IMSI: 5 digits", i.UnmarshalBinary([]byte{0x62, 0x02, 0xf1}), ErrSize},
		{"IMSI: 16 digits", i.UnmarshalBinary([]byte{0x62, 0x02, 0x11, 0x32, 0x54, 0x76, 0x98, 0x10}), ErrSize},
		{"IMSI: filler in the middle", i.UnmarshalBinary([]byte{0x62, 0xf2, 0x11, 0x32}), ErrDigits},
		{"IMSI: hash", i.UnmarshalBinary([]byte{0x62, 0x02, 0xb1, 0x32}), ErrDigits},
	})
}

// FuzzAddressString decodes b as an AddressString and as an IMSI; whatever
// decodes must re-encode and decode to the same value.
func FuzzAddressString(f *testing.F) {
	for _, s := range []string{"91 94 71 00 00 01", "91 94 71 00 00 f1", "81 1a 00 fb", "81 dc 1e", "e9 21 f3", "91",
		"62 02 11 32 54 76 98 f0", "62 02 11 32 54 76 98"} {
		f.Add(unhex(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzNumber[AddressString](t, b)
		fuzzNumber[IMSI](t, b)
	})
}
