package tcap

import (
	"bytes"
	"encoding/hex"
	"errors"
	"reflect"
	"slices"
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

var (
	capV2 = ber.MakeOID(0, 4, 0, 0, 1, 0, 50, 1)
	tid1  = NewTransactionID(1)
	tid2  = NewTransactionID(2)
)

// messageCase is a message and its exact bytes, checked against tshark 4.0
// (decoded with DLT USER0 mapped to tcap: every field shown as intended, no
// expert warning).
type messageCase struct {
	name string
	msg  *Message
	hex  string
}

func runMessageCases(t *testing.T, cases []messageCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := unhex(t, tc.hex)
			got, err := tc.msg.Append(nil)
			if err != nil {
				t.Fatalf("Append: %v", err)
			}
			if hex.EncodeToString(got) != hex.EncodeToString(want) {
				t.Fatalf("Append\n got %x\nwant %x", got, want)
			}
			var back Message
			if err := back.Decode(want); err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if !reflect.DeepEqual(&back, normalize(tc.msg)) {
				t.Fatalf("Decode\n got %+v\nwant %+v", back, tc.msg)
			}
		})
	}
}

// normalize makes an encoded message comparable with its decoding: nil and
// empty component lists are the same on the wire.
func normalize(m *Message) *Message {
	c := *m
	if len(c.Components) == 0 {
		c.Components = nil
	}
	c.Components = append([]Component(nil), c.Components...)
	for i := range c.Components {
		// A result with no parameter goes without its opcode.
		if t := c.Components[i].Type; (t == ReturnResultLast || t == ReturnResultNotLast) && c.Components[i].Parameter == nil {
			c.Components[i].Opcode = Code{}
		}
	}
	if len(c.Components) == 0 {
		c.Components = nil
	}
	return &c
}

func TestBegin(t *testing.T) {
	runMessageCases(t, []messageCase{
		{"AARQ CAP v2 and InitialDP", NewBegin(tid1, NewAARQ(capV2), NewInvoke(1, 0, unhex(t, "30 03 80 01 64"))),
			"62 35 48 04 00 00 00 01" +
				"6b 1e 28 1c 06 07 00 11 86 05 01 01 01 a0 11 60 0f 80 02 07 80 a1 09 06 07 04 00 00 01 00 32 01" +
				"6c 0d a1 0b 02 01 01 02 01 00 30 03 80 01 64"},
		{"no dialogue, no components", NewBegin(tid2, nil), "62 06 48 04 00 00 00 02"},
		{"one-octet OTID", &Message{Type: Begin, OTID: mustTID(t, "07"), Components: []Component{NewInvoke(-1, 55, nil)}},
			"62 0d 48 01 07 6c 08 a1 06 02 01 ff 02 01 37"},
	})
}

func TestContinue(t *testing.T) {
	runMessageCases(t, []messageCase{
		{"AARE accepted and Continue", NewContinue(tid2, tid1, NewAARE(capV2, Accepted, DiagNull), NewInvoke(1, 31, nil)),
			"65 42 48 04 00 00 00 02 49 04 00 00 00 01" +
				"6b 2a 28 28 06 07 00 11 86 05 01 01 01 a0 1d 61 1b 80 02 07 80 a1 09 06 07 04 00 00 01 00 32 01 a2 03 02 01 00 a3 05 a1 03 02 01 00" +
				"6c 08 a1 06 02 01 01 02 01 1f"},
		{"linked invoke and reject", NewContinue(tid2, tid1, nil,
			Component{Type: Invoke, InvokeID: 2, HasInvokeID: true, LinkedID: 1, HasLinkedID: true, Opcode: LocalCode(24), Parameter: unhex(t, "30 03 80 01 07")},
			NewReject(1, true, InvokeMistypedParameter)),
			"65 26 48 04 00 00 00 02 49 04 00 00 00 01 6c 18 a1 0e 02 01 02 80 01 01 02 01 18 30 03 80 01 07 a4 06 02 01 01 81 01 02"},
	})
}

func TestEnd(t *testing.T) {
	runMessageCases(t, []messageCase{
		{"ActivityTest result", NewEnd(tid1, nil, NewReturnResultLast(5, 55, nil)), "64 0d 49 04 00 00 00 01 6c 05 a2 03 02 01 05"},
		{"return error missingCustomerRecord", NewEnd(tid1, nil, NewReturnError(1, 6, nil)), "64 10 49 04 00 00 00 01 6c 08 a3 06 02 01 01 02 01 06"},
		{"result with parameter", NewEnd(tid1, nil, NewReturnResultLast(1, 9, unhex(t, "04 01 aa"))),
			"64 15 49 04 00 00 00 01 6c 0d a2 0b 02 01 01 30 06 02 01 09 04 01 aa"},
		{"reject without invoke ID", NewEnd(tid1, nil, NewReject(0, false, GeneralBadlyStructuredComponent)),
			"64 0f 49 04 00 00 00 01 6c 07 a4 05 05 00 80 01 02"},
	})
}

func TestAbort(t *testing.T) {
	runMessageCases(t, []messageCase{
		{"P-Abort unrecognized TID", NewPAbort(tid1, UnrecognizedTransactionID), "67 09 49 04 00 00 00 01 4a 01 01"},
		{"U-Abort ABRT", NewUAbort(tid1, NewABRT(nil)),
			"67 1a 49 04 00 00 00 01 6b 12 28 10 06 07 00 11 86 05 01 01 01 a0 05 64 03 80 01 00"},
		{"U-Abort AARE AC not supported", NewUAbort(tid1, NewAARE(capV2, RejectPermanent, DiagACNameNotSupported)),
			"67 32 49 04 00 00 00 01 6b 2a 28 28 06 07 00 11 86 05 01 01 01 a0 1d 61 1b 80 02 07 80 a1 09 06 07 04 00 00 01 00 32 01 a2 03 02 01 01 a3 05 a1 03 02 01 02"},
		{"bare abort", NewUAbort(tid1, nil), "67 06 49 04 00 00 00 01"},
	})
}

func TestUnidirectional(t *testing.T) {
	runMessageCases(t, []messageCase{
		{"with AUDT", NewUnidirectional(capV2, NewInvoke(0, 55, nil)),
			"61 2a 6b 1e 28 1c 06 07 00 11 86 05 01 02 01 a0 11 60 0f 80 02 07 80 a1 09 06 07 04 00 00 01 00 32 01 6c 08 a1 06 02 01 00 02 01 37"},
	})
}

func mustTID(t *testing.T, h string) TransactionID {
	id, ok := ParseTransactionID(unhex(t, h))
	if !ok {
		t.Fatalf("bad TID %s", h)
	}
	return id
}

func TestLongMessage(t *testing.T) {
	// A realistic InitialDP Begin is 160-200 octets: every length past 127
	// must take the long form (the defect that rules out go-tcap).
	param := append([]byte{0x30, 0x81, 0x96}, make([]byte, 150)...)
	for i := 3; i < len(param); i += 3 {
		param[i], param[i+1], param[i+2] = 0x9f, 0x01, 0x00 // not real CAP; valid BER
	}
	param = param[:3+150]
	m := NewBegin(tid1, NewAARQ(capV2), NewInvoke(1, 0, param))
	b, err := m.Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	if b[0] != 0x62 || b[1] != 0x81 {
		t.Fatalf("header %x, want 62 81 xx", b[:3])
	}
	var back Message
	if err := back.Decode(b); err != nil {
		t.Fatal(err)
	}
	if len(back.Components) != 1 || len(back.Components[0].Parameter) != len(param) {
		t.Fatalf("decoded %+v", back.Components)
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name  string
		hex   string
		field string
		cause PAbortCause
		otid  bool // OTID recovered for addressing the P-Abort
	}{
		{"unknown message type", "63 03 48 01 01", "message", UnrecognizedMessageType, true},
		{"unknown message type, no otid", "63 03 49 01 01", "message", UnrecognizedMessageType, false},
		{"universal tag", "30 03 48 01 01", "message", UnrecognizedMessageType, false},
		{"begin without otid", "62 03 6c 01 00", "begin.otid", BadlyFormattedTransactionPortion, false},
		{"begin with 5-octet otid", "62 07 48 05 01 02 03 04 05", "begin.otid", BadlyFormattedTransactionPortion, false},
		{"begin with dtid", "62 09 48 01 01 49 04 00 00 00 01", "begin.dtid", IncorrectTransactionPortion, true},
		{"continue without dtid", "65 06 48 04 00 00 00 02", "continue.dtid", BadlyFormattedTransactionPortion, true},
		{"end with otid", "64 06 48 04 00 00 00 01", "end.otid", IncorrectTransactionPortion, false},
		{"truncated", "62 10 48 04 00 00 00 01", "message", BadlyFormattedTransactionPortion, false},
		{"garbage after components", "62 0a 48 04 00 00 00 01 6c 00 05 00", "begin", BadlyFormattedTransactionPortion, true},
		{"bad dialogue portion", "62 0a 48 04 00 00 00 01 6b 02 05 00", "begin.dialoguePortion", BadlyFormattedTransactionPortion, true},
		{"abort with junk reason", "67 09 49 04 00 00 00 01 04 01 01", "abort.reason", BadlyFormattedTransactionPortion, false},
		{"unidirectional without components", "61 00", "unidirectional.components", BadlyFormattedTransactionPortion, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var m Message
			err := m.Decode(unhex(t, tc.hex))
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error = %v, want *DecodeError", err)
			}
			if de.Field != tc.field || de.Cause != tc.cause {
				t.Fatalf("field %q cause %v, want %q %v (%v)", de.Field, de.Cause, tc.field, tc.cause, err)
			}
			if m.OTID.Valid() != tc.otid {
				t.Fatalf("OTID recovered = %v, want %v", m.OTID.Valid(), tc.otid)
			}
		})
	}
}

func TestComponentErrors(t *testing.T) {
	tests := []struct {
		name    string
		comps   string // component portion content
		good    int
		problem Problem
		id      int8
		hasID   bool
	}{
		{"unknown component tag", "a5 03 02 01 01", 0, GeneralUnrecognizedComponent, 0, false},
		{"invoke without opcode", "a1 03 02 01 07", 0, GeneralBadlyStructuredComponent, 7, true},
		{"invoke ID out of range", "a1 07 02 02 01 00 02 01 00", 0, GeneralMistypedComponent, 0, false},
		{"second component bad argument", "a1 06 02 01 01 02 01 1f" + "a1 08 02 01 02 02 01 18 30 05", 1, InvokeMistypedParameter, 2, true},
		{"trailing bytes after parameter", "a1 0a 02 01 03 02 01 17 30 00 05 00", 0, InvokeMistypedParameter, 3, true},
		{"empty portion", "", 0, GeneralBadlyStructuredComponent, 0, false},
		{"good component after a bad one", "a5 03 02 01 01" + "a1 06 02 01 01 02 01 1f", 1, GeneralUnrecognizedComponent, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var m Message
			err := m.Decode(beginWithComponents(t, tc.comps))
			var ce *ComponentError
			if !errors.As(err, &ce) {
				t.Fatalf("error = %v, want *ComponentError", err)
			}
			if ce.Problem != tc.problem || len(m.Components) != tc.good || ce.HasInvokeID != tc.hasID || (tc.hasID && ce.InvokeID != tc.id) {
				t.Fatalf("problem %v, %d good, id %d/%v; want %v, %d, %d/%v (%v)",
					ce.Problem, len(m.Components), ce.InvokeID, ce.HasInvokeID, tc.problem, tc.good, tc.id, tc.hasID, err)
			}
			if m.OTID.Uint32() != 9 {
				t.Fatalf("OTID lost: %v", m.OTID)
			}
		})
	}
}

// Each component whose outer TLV delimits it is read on its own: every
// bad one gets its own error, in order, and the good ones are kept in
// order. Framing that breaks stops the reading.
func TestComponentErrorsEach(t *testing.T) {
	tests := []struct {
		name     string
		comps    string
		opcodes  []int64
		problems []Problem
	}{
		{"bad, good, bad, good",
			"a5 03 02 01 01" + "a1 06 02 01 01 02 01 1f" + "a1 03 02 01 07" + "a1 06 02 01 02 02 01 24",
			[]int64{31, 36}, []Problem{GeneralUnrecognizedComponent, GeneralBadlyStructuredComponent}},
		{"broken framing after a good one", "a1 06 02 01 01 02 01 1f" + "a1 09 02 01",
			[]int64{31}, []Problem{GeneralBadlyStructuredComponent}},
		{"all good", "a1 06 02 01 01 02 01 1f", []int64{31}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var m Message
			err := m.Decode(beginWithComponents(t, tc.comps))
			var ops []int64
			for _, c := range m.Components {
				ops = append(ops, c.Opcode.Local)
			}
			var problems []Problem
			for _, ce := range ComponentErrorsOf(err) {
				problems = append(problems, ce.Problem)
			}
			if !slices.Equal(ops, tc.opcodes) || !slices.Equal(problems, tc.problems) {
				t.Fatalf("operations %v, problems %v (%v); want %v, %v", ops, problems, err, tc.opcodes, tc.problems)
			}
		})
	}
}

// beginWithComponents is a Begin from OTID 9 whose component portion holds
// the components given in hex (short-form lengths only).
func beginWithComponents(t *testing.T, comps string) []byte {
	t.Helper()
	body := unhex(t, comps)
	portion := append([]byte{0x6c, byte(len(body))}, body...)
	return append([]byte{0x62, byte(6 + len(portion)), 0x48, 0x04, 0, 0, 0, 9}, portion...)
}

func TestEncodeRejectsInconsistentIDs(t *testing.T) {
	for _, m := range []*Message{
		{Type: Begin},
		{Type: End, OTID: tid1, DTID: tid1},
		{Type: Continue, OTID: tid1},
		{Type: Unidirectional},
		{Type: 9},
	} {
		if _, err := m.Append(nil); err == nil {
			t.Errorf("Append(%+v) succeeded", m)
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		"62354804000000016b1e281c060700118605010101a011600f80020780a1090607040000010032016c0da10b0201010201003003800164",
		"654248040000000249040000000 16b2a2828060700118605010101a01d611b80020780a109060704000001003201a203020100a305a1030201006c08a106020101020 11f",
		"640d49040000000 16c05a203020105", "67094904000000014a0101", "671a4904000000016b12281006070011860501010 1a005640380010 0",
		"612a6b1e281c060700118605010201a011600f80020780a1090607040000010032016c08a106020100020137",
	} {
		f.Add(unhex(f, strings.ReplaceAll(s, " ", "")))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Message
		err := m.Decode(b)
		var ce *ComponentError
		if err != nil && !errors.As(err, &ce) {
			return
		}
		// A message that decodes re-encodes, and the result decodes the same.
		out, err := m.Append(nil)
		if err != nil {
			if m.Type == Unidirectional && len(m.Components) == 0 {
				return // its only component was malformed
			}
			t.Fatalf("re-encode of %+v: %v", m, err)
		}
		var again Message
		if err := again.Decode(out); err != nil {
			if len(m.Components) > 0 {
				t.Fatalf("decode of re-encoding %x: %v", out, err)
			}
			return
		}
		// Encoding what decoded is a fixed point after one step.
		if out2, err := again.Append(nil); err != nil || !bytes.Equal(out2, out) {
			t.Fatalf("%x → %x → %x, %v", b, out, out2, err)
		}
	})
}
