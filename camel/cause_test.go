package camel

import "testing"

func TestCause(t *testing.T) {
	runNumberCases(t, []numberCase[Cause]{
		{"normal clearing, user", Cause{Location: LocationUser, Value: CauseNormalClearing}, "80 90"},
		{"call rejected, public local", Cause{Location: LocationPublicLocal, Value: CauseCallRejected}, "82 95"},
		{"octet 3a: recommendation Q.931 (0)", Cause{Location: LocationPublicLocal, HasRecommendation: true, Value: CauseNormalClearing},
			"02 80 90"},
		{"octet 3a: recommendation X.21 (3)", Cause{Location: LocationTransit, HasRecommendation: true, Recommendation: 3, Value: CauseUserBusy},
			"03 83 91"},
		{"diagnostics", Cause{Location: LocationPublicRemote, Value: CauseNoCircuitAvailable, Diagnostics: []byte{0x11, 0x22}},
			"84 a2 11 22"},
		{"3a and diagnostics", Cause{Location: LocationBeyondInterworking, HasRecommendation: true, Value: CauseInterworkingUnspecified,
			Diagnostics: []byte{0x01}}, "0a 80 ff 01"},
		{"national coding standard", Cause{CodingStandard: 3, Location: LocationPrivateLocal, Value: CauseNormalUnspecified}, "e1 9f"},
	})
}

func TestCauseErrors(t *testing.T) {
	app := func(a binaryAppender) error { _, err := a.AppendBinary(nil); return err }
	var c Cause
	runNumberErrCases(t, []numberErrCase{
		{"value 128", app(Cause{Value: 128}), ErrRange},
		{"location 16", app(Cause{Location: 16, Value: CauseNormalClearing}), ErrRange},
		{"coding standard 4", app(Cause{CodingStandard: 4, Value: CauseNormalClearing}), ErrRange},
		{"recommendation 128", app(Cause{HasRecommendation: true, Recommendation: 128, Value: CauseNormalClearing}), ErrRange},
		{"empty", c.UnmarshalBinary(nil), ErrSize},
		{"octet 3 only", c.UnmarshalBinary([]byte{0x80}), ErrSize},
		{"octet 3a without a cause value", c.UnmarshalBinary([]byte{0x02, 0x80}), ErrSize},
	})
	if s := CauseNormalClearing.String(); s != "normalCallClearing (16)" {
		t.Errorf("String = %q", s)
	}
	if s := CauseValue(100).String(); s != "cause(100)" {
		t.Errorf("String = %q", s)
	}
}

// FuzzCause: whatever decodes must re-encode and decode to the same value.
func FuzzCause(f *testing.F) {
	for _, s := range []string{"80 90", "82 95", "02 80 90", "03 83 91", "84 a2 11 22", "0a 80 ff 01", "e1 9f"} {
		f.Add(unhex(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) { fuzzNumber[Cause](t, b) })
}
