package camel

import (
	"bytes"
	"errors"
	"testing"

	"github.com/scpd/scpd/sigtran/ber"
)

// Conformance of the codec with the CAP modules in shared/reference/asn1
// (CAP-gsmSSF-gsmSCF-ops-args.asn, CAP-datatypes.asn, CAP-classes.asn),
// table-driven with the bytes on the wire.

// TestReleaseCallArgCauseBound: ops-args ReleaseCallArg (lines 793-804):
// AllCallSegments ::= Cause, and CAP-datatypes Cause (line 374) is an
// OCTET STRING (SIZE (minCauseLength .. maxCauseLength)), 2..32 in
// CAP-classes cAPSpecificBoundSet; AllCallSegmentsWithExtension carries
// extensions [1] Extensions, SEQUENCE SIZE (1..numOfExtensions = 10).
// The decoder refuses a 33-octet cause; the encoder sent one.
func TestReleaseCallArgCauseBound(t *testing.T) {
	long := Cause{Location: LocationPublicLocal, Value: CauseNormalClearing, Diagnostics: bytes.Repeat([]byte{0x5a}, 31)} // 2+31 octets
	ext := Extensions{{Type: 7, Value: []byte{0x05, 0x00}}}
	eleven := make(Extensions, 11)
	for i := range eleven {
		eleven[i] = ExtensionField{Type: int64(i), Value: []byte{0x05, 0x00}}
	}
	for _, tc := range []struct {
		name  string
		ph    Phase
		arg   ReleaseCallArg
		field string
	}{
		{"33-octet cause", Phase2, ReleaseCallArg{Cause: long}, "ReleaseCallArg.allCallSegments"},
		{"33-octet cause with extensions", Phase4, ReleaseCallArg{Cause: long, Extensions: ext},
			"ReleaseCallArg.allCallSegmentsWithExtension.allCallSegments"},
		{"11 extensions", Phase4, ReleaseCallArg{Cause: Cause{Value: CauseNormalClearing}, Extensions: eleven},
			"ReleaseCallArg.allCallSegmentsWithExtension.extensions"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := ber.NewEncoder(nil)
			err := tc.arg.Encode(e, tc.ph)
			var de *DecodeError
			if !errors.As(err, &de) || de.Field != tc.field || !errors.Is(err, ErrSize) {
				t.Fatalf("Encode = %v (%x), want ErrSize at %s", err, e.Bytes(), tc.field)
			}
		})
	}
	// 32 octets is the bound itself: "04 20 82 90" and 30 diagnostic octets.
	ok := ReleaseCallArg{Cause: Cause{Location: LocationPublicLocal, Value: CauseNormalClearing, Diagnostics: bytes.Repeat([]byte{0x5a}, 30)}}
	b, err := AppendArgument(nil, &ok, Phase2)
	if err != nil || !bytes.Equal(b[:4], []byte{0x04, 0x20, 0x82, 0x90}) || len(b) != 34 {
		t.Fatalf("32-octet cause: %x %v", b, err)
	}
}

// TestEmptyListsRefusedOnEncode: CAP-datatypes Extensions (line 800) is
// SEQUENCE SIZE (1..numOfExtensions) OF ExtensionField and GenericNumbers
// (line 879) SET SIZE (1..numOfGenericNumbers) OF GenericNumber. An empty,
// non-nil Go list went out as an empty SEQUENCE OF / SET OF (InitialDP
// extensions "af 00", Connect genericNumbers "ae 00"), which the decoder
// itself then refuses.
func TestEmptyListsRefusedOnEncode(t *testing.T) {
	dra := CalledPartyNumber{NatureOfAddress: NAIInternational, NumberingPlan: NPIISDN, Digits: "4917012340002"}
	for _, tc := range []struct {
		name  string
		ph    Phase
		arg   Argument
		field string
	}{
		{"InitialDP extensions [15]", Phase4, &InitialDPArg{ServiceKey: 100, Extensions: Extensions{}}, "InitialDPArg.extensions"},
		{"Connect extensions [10]", Phase4, &ConnectArg{DestinationRoutingAddress: dra, Extensions: Extensions{}}, "ConnectArg.extensions"},
		{"Connect genericNumbers [14]", Phase4, &ConnectArg{DestinationRoutingAddress: dra, GenericNumbers: GenericNumbers{}}, "ConnectArg.genericNumbers"},
		{"ContinueWithArgument genericNumbers [16]", Phase4, &ContinueWithArgumentArg{GenericNumbers: GenericNumbers{}}, "ContinueWithArgumentArg.genericNumbers"},
		{"CallInformationRequest extensions [2]", Phase4, &CallInformationRequestArg{
			RequestedInformationTypeList: []RequestedInformationType{CallConnectedElapsedTime}, Extensions: Extensions{}},
			"CallInformationRequestArg.extensions"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := AppendArgument(nil, tc.arg, tc.ph)
			var de *DecodeError
			if !errors.As(err, &de) || de.Field != tc.field || !errors.Is(err, ErrSize) {
				_, derr := DecodeArgument(tc.arg.Opcode(), tc.ph, b)
				t.Fatalf("Encode = %v (%x, which decodes with %v), want ErrSize at %s", err, b, derr, tc.field)
			}
		})
	}
}

// TestExtensionFieldMandatoryMembers: CAP-datatypes ExtensionField (lines
// 801-807) is SEQUENCE { type EXTENSION.&id, criticality DEFAULT ignore,
// value [1] EXTENSION.&ExtensionType, ... }: type and value are
// mandatory. The decoder took an element with either missing as an
// extension of local type 0 or with no value.
func TestExtensionFieldMandatoryMembers(t *testing.T) {
	// EventReportBCSMArg { eventTypeBCSM oAnswer, extensions [5] { ... } }
	for _, tc := range []struct {
		name, hex string
		ok        bool
	}{
		{"type and value", "30 0c 80 01 07 a5 07 30 05 02 01 07 a1 00", true},
		{"global type, criticality, value", "30 13 80 01 07 a5 0e 30 0c 06 05 04 00 00 01 02 0a 01 01 a1 00", true},
		{"no value", "30 0a 80 01 07 a5 05 30 03 02 01 07", false},
		{"no type", "30 09 80 01 07 a5 04 30 02 a1 00", false},
		{"empty ExtensionField", "30 07 80 01 07 a5 02 30 00", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeArgument(OpEventReportBCSM, Phase4, unhex(t, tc.hex))
			if tc.ok {
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
				return
			}
			var de *DecodeError
			if !errors.As(err, &de) || de.Field != "EventReportBCSMArg.extensions" || !errors.Is(err, ErrMissing) {
				t.Fatalf("Decode = %v, want ErrMissing at EventReportBCSMArg.extensions", err)
			}
		})
	}
}
