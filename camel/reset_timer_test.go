package camel

import (
	"errors"
	"reflect"
	"testing"

	"github.com/scpd/scpd/sigtran/ber"
)

func TestResetTimerArg(t *testing.T) {
	runArgCases(t, []argCase{
		{"30 s, phase 2", Phase2, &ResetTimerArg{TimerValue: 30},
			"30 03 81 01 1e"}, // timerID tssf is the DEFAULT
		{"longest, phase 3", Phase3, &ResetTimerArg{TimerValue: 2147483647},
			"30 06 81 04 7f ff ff ff"},
		{"call segment and extension, phase 4", Phase4, &ResetTimerArg{TimerValue: 30, CallSegmentID: 1,
			Extensions: Extensions{{Type: 7, Value: []byte{0x05, 0x00}}}},
			"30 11 81 01 1e a2 09 30 07 02 01 07 a1 02 05 00 83 01 01"},
	})
}

func TestResetTimerArgDecode(t *testing.T) {
	var a ResetTimerArg
	// An explicit timerID tssf, and callSegmentID in phase 2, where it is
	// an unknown extension.
	if err := a.Decode(unhex(t, "30 09 80 01 00 81 01 1e 83 01 01"), Phase2); err != nil || !reflect.DeepEqual(a, ResetTimerArg{TimerValue: 30}) {
		t.Fatalf("%+v %v", a, err)
	}
}

func TestResetTimerArgErrors(t *testing.T) {
	runDecodeErrCases(t, []decodeErrCase{
		{"missing timervalue", OpResetTimer, Phase2, "30 00", "ResetTimerArg.timervalue"},
		{"timerID 1", OpResetTimer, Phase2, "30 06 80 01 01 81 01 1e", "ResetTimerArg.timerID"},
		{"negative timervalue", OpResetTimer, Phase2, "30 03 81 01 ff", "ResetTimerArg.timervalue"},
		{"callSegmentID 0", OpResetTimer, Phase4, "30 06 81 01 1e 83 01 00", "ResetTimerArg.callSegmentID"},
		{"not a SEQUENCE", OpResetTimer, Phase4, "04 03 81 01 1e", "ResetTimerArg"},
	})
	a := ResetTimerArg{TimerValue: 1, CallSegmentID: 2}
	if err := a.Encode(ber.NewEncoder(nil), Phase3); !errors.Is(err, ErrPhase) {
		t.Errorf("callSegmentID in phase 3: %v", err)
	}
	a = ResetTimerArg{TimerValue: 1 << 31}
	if err := a.Encode(ber.NewEncoder(nil), Phase2); !errors.Is(err, ErrRange) {
		t.Errorf("timervalue 2^31: %v", err)
	}
}

func FuzzResetTimerArg(f *testing.F) {
	fuzzArgument(f, func() Argument { return new(ResetTimerArg) },
		"30 03 81 01 1e", "30 06 81 04 7f ff ff ff", "30 11 81 01 1e a2 09 30 07 02 01 07 a1 02 05 00 83 01 01")
}

// A SEQUENCE carries each member once (X.690 8.9.2).
func TestResetTimerArgDuplicateMember(t *testing.T) {
	runDecodeErrIsCases(t, ErrDuplicate, []decodeErrCase{
		{"timervalue twice", OpResetTimer, Phase2, "30 09 80 01 00 81 01 0a 81 01 0b", "ResetTimerArg.timervalue"},
	})
}
