package camel

import (
	"errors"
	"testing"

	"github.com/scpd/scpd/sigtran/ber"
)

func int8p(v int8) *int8 { return &v }

func TestCancelArg(t *testing.T) {
	runArgCases(t, []argCase{
		{"invoke 5", Phase2, &CancelArg{InvokeID: int8p(5)}, "80 01 05"},
		{"invoke -1", Phase3, &CancelArg{InvokeID: int8p(-1)}, "80 01 ff"},
		{"all requests", Phase2, &CancelArg{AllRequests: true}, "81 00"},
		{"call segment, phase 4", Phase4, &CancelArg{CallSegmentToCancel: &CallSegmentToCancel{InvokeID: int8p(5), CallSegmentID: 2}},
			"a2 06 80 01 05 81 01 02"},
		{"empty call segment, phase 4", Phase4, &CancelArg{CallSegmentToCancel: &CallSegmentToCancel{}}, "a2 00"},
	})
}

func TestCancelArgErrors(t *testing.T) {
	runDecodeErrCases(t, []decodeErrCase{
		{"call segment in phase 2", OpCancel, Phase2, "a2 00", "CancelArg"},
		{"allRequests with content", OpCancel, Phase2, "81 01 00", "CancelArg.allRequests"},
		{"invokeID 256", OpCancel, Phase2, "80 02 01 00", "CancelArg.invokeID"},
		{"SEQUENCE", OpCancel, Phase2, "30 03 80 01 05", "CancelArg"},
		{"two alternatives", OpCancel, Phase2, "80 01 05 81 00", "CancelArg"},
		{"callSegmentID 0", OpCancel, Phase4, "a2 03 81 01 00", "CancelArg.callSegmentToCancel.callSegmentID"},
	})
	for _, a := range []CancelArg{{}, {InvokeID: int8p(1), AllRequests: true}} {
		if err := a.Encode(ber.NewEncoder(nil), Phase4); !errors.Is(err, ErrChoice) {
			t.Errorf("%+v: %v", a, err)
		}
	}
	a := CancelArg{CallSegmentToCancel: &CallSegmentToCancel{}}
	if err := a.Encode(ber.NewEncoder(nil), Phase3); !errors.Is(err, ErrPhase) {
		t.Errorf("call segment in phase 3: %v", err)
	}
}

func FuzzCancelArg(f *testing.F) {
	fuzzArgument(f, func() Argument { return new(CancelArg) }, "80 01 05", "80 01 ff", "81 00", "a2 06 80 01 05 81 01 02")
}

// A SEQUENCE carries each member once (X.690 8.9.2).
func TestCancelArgDuplicateMember(t *testing.T) {
	runDecodeErrIsCases(t, ErrDuplicate, []decodeErrCase{
		{"invokeID twice in callSegmentToCancel", OpCancel, Phase4, "a2 06 80 01 01 80 01 02", "CancelArg.callSegmentToCancel.invokeID"},
	})
}
