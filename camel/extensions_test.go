package camel

import "testing"

// ExtensionField is a SEQUENCE, each member once (X.690 8.9.2); its type
// is a CHOICE of local INTEGER or global OBJECT IDENTIFIER (CAP-classes
// Code), so both alternatives are type twice, of which re-encoding would
// keep only one. Extensions is a SEQUENCE OF: its elements repeat.
func TestExtensionsDuplicateMember(t *testing.T) {
	const ext = "ReleaseCallArg.allCallSegmentsWithExtension.extensions"
	runDecodeErrIsCases(t, ErrDuplicate, []decodeErrCase{
		{"local and global type", OpReleaseCall, Phase4,
			"a2 13 80 02 80 90 a1 0d 30 0b 02 01 01 06 02 2a 03 a1 02 05 00", ext + ".type"},
		{"global and local type", OpReleaseCall, Phase4,
			"a2 13 80 02 80 90 a1 0d 30 0b 06 02 2a 03 02 01 01 a1 02 05 00", ext + ".type"},
		{"local type twice", OpReleaseCall, Phase4,
			"a2 12 80 02 80 90 a1 0c 30 0a 02 01 01 02 01 02 a1 02 05 00", ext + ".type"},
		{"criticality twice", OpReleaseCall, Phase4,
			"a2 15 80 02 80 90 a1 0f 30 0d 02 01 01 0a 01 00 0a 01 01 a1 02 05 00", ext + ".criticality"},
		{"value twice", OpReleaseCall, Phase4,
			"a2 13 80 02 80 90 a1 0d 30 0b 02 01 01 a1 02 05 00 a1 02 05 00", ext + ".value"},
	})
	var a ReleaseCallArg
	in := unhex(t, "a2 18 80 02 80 90 a1 12 30 07 02 01 07 a1 02 05 00 30 07 02 01 07 a1 02 05 00")
	if err := a.Decode(in, Phase4); err != nil || len(a.Extensions) != 2 {
		t.Fatalf("two fields of the same type: %v %+v", err, a)
	}
}
