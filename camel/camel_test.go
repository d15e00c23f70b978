package camel

import (
	"encoding/hex"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/scpd/scpd/sigtran/ber"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// argCase is one row of the table tests every operation file has: a typed
// value, the phase, and the exact bytes written from the ASN.1 (and
// cross-checked with tshark by the wire test in sigtran/pcap).
type argCase struct {
	name  string
	phase Phase
	arg   Argument
	hex   string
}

// runArgCases checks Encode against the bytes and Decode back to the value.
func runArgCases(t *testing.T, cases []argCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := unhex(t, tc.hex)
			e := ber.NewEncoder(nil)
			if err := tc.arg.Encode(e, tc.phase); err != nil {
				t.Fatalf("Encode: %v", err)
			}
			if got := e.Bytes(); hex.EncodeToString(got) != hex.EncodeToString(want) {
				t.Fatalf("Encode\n got %x\nwant %x", got, want)
			}
			back := NewArgument(tc.arg.Opcode())
			if err := back.Decode(want, tc.phase); err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if !reflect.DeepEqual(back, tc.arg) {
				t.Fatalf("Decode\n got %+v\nwant %+v", back, tc.arg)
			}
		})
	}
}

// runDecodeOnlyCases checks Decode of the bytes to the value, for input
// that does not encode back to the same bytes.
func runDecodeOnlyCases(t *testing.T, cases []argCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := NewArgument(tc.arg.Opcode())
			if err := got.Decode(unhex(t, tc.hex), tc.phase); err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if !reflect.DeepEqual(got, tc.arg) {
				t.Fatalf("Decode\n got %+v\nwant %+v", got, tc.arg)
			}
		})
	}
}

// decodeErrCase is a malformed parameter and the field its error must name.
type decodeErrCase struct {
	name  string
	op    Opcode
	phase Phase
	hex   string
	field string // expected DecodeError.Field
}

func runDecodeErrCases(t *testing.T, cases []decodeErrCase) {
	t.Helper()
	runDecodeErrIsCases(t, nil, cases)
}

// runDecodeErrIsCases is runDecodeErrCases that also wants the reason
// want (any reason when nil).
func runDecodeErrIsCases(t *testing.T, want error, cases []decodeErrCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeArgument(tc.op, tc.phase, unhex(t, tc.hex))
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error = %v, want a *DecodeError", err)
			}
			if de.Field != tc.field {
				t.Fatalf("field = %q, want %q (error %v)", de.Field, tc.field, err)
			}
			if want != nil && !errors.Is(err, want) {
				t.Fatalf("error = %v, want %v", err, want)
			}
		})
	}
}

func TestDecodeArgumentNoArgument(t *testing.T) {
	if a, err := DecodeArgument(OpContinue, Phase2, nil); err != nil || a != nil {
		t.Fatalf("continue: %v %v", a, err)
	}
	if _, err := DecodeArgument(OpActivityTest, Phase4, []byte{5, 0}); !errors.Is(err, ErrNoArgument) {
		t.Fatalf("activityTest with parameter: %v", err)
	}
	if _, err := DecodeArgument(OpContinueWithArgument, Phase2, []byte{0x30, 0}); !errors.Is(err, ErrNotInPhase) {
		t.Fatalf("continueWithArgument in phase 2: %v", err)
	}
}

func TestPhaseOf(t *testing.T) {
	for _, p := range []Phase{Phase2, Phase3, Phase4} {
		got, ok := PhaseOf(p.ApplicationContext())
		if !ok || got != p {
			t.Errorf("PhaseOf(%v) = %v %v", p.ApplicationContext(), got, ok)
		}
	}
	if _, ok := PhaseOf(ber.MakeOID(0, 4, 0, 0, 1, 0, 50, 0)); ok {
		t.Error("CAP v1 AC accepted")
	}
}
