package camel

import (
	"errors"
	"testing"

	"github.com/scpd/scpd/sigtran/ber"
)

func TestReleaseCallArg(t *testing.T) {
	runArgCases(t, []argCase{
		{"normal clearing, user", Phase2, &ReleaseCallArg{Cause: Cause{Location: LocationUser, Value: CauseNormalClearing}},
			"04 02 80 90"},
		{"prepaid out of credit, public local, phase 4", Phase4, &ReleaseCallArg{Cause: Cause{Location: LocationPublicLocal, Value: CauseCallRejected}},
			"04 02 82 95"},
		{"with extension", Phase4, &ReleaseCallArg{
			Cause:      Cause{Location: LocationPublicLocal, Value: CauseNormalUnspecified},
			Extensions: Extensions{{Type: 7, Value: []byte{0x05, 0x00}}}},
			"a2 0f 80 02 82 9f a1 09 30 07 02 01 07 a1 02 05 00"},
	})
}

// Phase 2 has the Cause alone: extensions are refused, not dropped.
func TestReleaseCallArgExtensionsNotInPhase2(t *testing.T) {
	a := &ReleaseCallArg{Cause: Cause{Location: LocationUser, Value: CauseNormalClearing}, Extensions: Extensions{{Type: 7, Value: []byte{0x05, 0x00}}}}
	var e ber.Encoder
	if err := a.Encode(&e, Phase2); !errors.Is(err, ErrPhase) {
		t.Fatalf("phase 2 ReleaseCall with extensions: %v, want ErrPhase", err)
	}
}

func TestReleaseCallArgErrors(t *testing.T) {
	runDecodeErrCases(t, []decodeErrCase{
		{"cause too short", OpReleaseCall, Phase2, "04 01 80", "ReleaseCallArg.allCallSegments"},
		{"truncated", OpReleaseCall, Phase2, "04 05 80", "ReleaseCallArg"},
		{"wrong tag", OpReleaseCall, Phase2, "30 02 80 90", "ReleaseCallArg"},
		{"extension form without cause", OpReleaseCall, Phase4, "a2 00", "ReleaseCallArg.allCallSegmentsWithExtension.allCallSegments"},
	})
}

// A SEQUENCE carries each member once (X.690 8.9.2).
func TestReleaseCallArgDuplicateMember(t *testing.T) {
	runDecodeErrIsCases(t, ErrDuplicate, []decodeErrCase{
		// cause 16 then 31: which one releases the call?
		{"allCallSegments twice", OpReleaseCall, Phase4, "a2 08 80 02 80 90 80 02 80 9f",
			"ReleaseCallArg.allCallSegmentsWithExtension.allCallSegments"},
		{"extensions twice", OpReleaseCall, Phase4,
			"a2 1a 80 02 80 90 a1 09 30 07 02 01 07 a1 02 05 00 a1 09 30 07 02 01 08 a1 02 05 00",
			"ReleaseCallArg.allCallSegmentsWithExtension.extensions"},
	})
}

// AllCallSegmentsWithExtension has no extension marker (ops-args), so a
// member it does not list is an error, not an addition to skip.
func TestReleaseCallArgUnknownMember(t *testing.T) {
	runDecodeErrIsCases(t, ErrUnknownTag, []decodeErrCase{
		{"[5] after the cause", OpReleaseCall, Phase4, "a2 06 80 02 80 90 85 00", "ReleaseCallArg.allCallSegmentsWithExtension"},
		{"universal NULL first", OpReleaseCall, Phase4, "a2 06 05 00 80 02 80 90", "ReleaseCallArg.allCallSegmentsWithExtension"},
	})
}
