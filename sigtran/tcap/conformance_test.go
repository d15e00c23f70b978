package tcap

import (
	"bytes"
	"errors"
	"testing"
)

// Conformance of the codec with the Q.773 modules in
// shared/reference/asn1 (TCAPMessages.asn, DialoguePDUs.asn), table-driven
// with the bytes on the wire.

// TestAbortUserDefinedAbortCause: TCAPMessages.asn (lines 51-60) defines
//
//	Abort ::= SEQUENCE { dtid DestTransactionID,
//		reason CHOICE { p-abortCause P-AbortCause, u-abortCause DialoguePortion } OPTIONAL }
//
// with the note that a u-abortCause "may be generated ... by the TC-User in
// which case it could be either an ABRT APDU or data in some user-defined
// abstract syntax". DialoguePortion is [APPLICATION 11] EXPLICIT EXTERNAL
// of any abstract syntax. Such an Abort used to be refused as a badly
// formatted transaction portion, so the dialogue it ends was never told.
// tshark 4.0.17 decodes the first case as "reason: u-abortCause, oid:
// 0.4.0.0.1.1.2.2 (id-CAP-U-ABORT-Reason)" without a warning.
func TestAbortUserDefinedAbortCause(t *testing.T) {
	for _, tc := range []struct {
		name, hex string
		data      string // UserAbortData
	}{
		{"CAP-U-ABORT-REASON as its own abstract syntax",
			"67 18 49 04 01 02 03 04" +
				" 6b 10 28 0e 06 07 04 00 00 01 01 02 02" + // EXTERNAL, direct-reference id-CAP-U-ABORT-Reason
				" a0 03 0a 01 01", // single-ASN1-type: no-reason-given
			"28 0e 06 07 04 00 00 01 01 02 02 a0 03 0a 01 01"},
		{"octet-aligned data of another syntax, indefinite lengths",
			"67 80 49 04 01 02 03 04" +
				" 6b 80 28 80 06 03 2a 03 04 81 02 aa bb 00 00 00 00 00 00",
			"28 80 06 03 2a 03 04 81 02 aa bb 00 00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := unhex(t, tc.hex)
			var m Message
			if err := m.Decode(in); err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if m.Type != Abort || m.DTID != tid(1, 2, 3, 4) || m.HasPAbortCause || m.Dialogue != nil ||
				!bytes.Equal(m.UserAbortData, unhex(t, tc.data)) {
				t.Fatalf("Decode: %+v", m)
			}
			out, err := m.Append(nil)
			if err != nil {
				t.Fatalf("Append: %v", err)
			}
			var back Message
			if err := back.Decode(out); err != nil || !bytes.Equal(back.UserAbortData, m.UserAbortData) {
				t.Fatalf("re-decode of %x: %+v %v", out, back, err)
			}
		})
	}
	// Under dialogue-as the EXTERNAL must still hold a dialogue APDU.
	var m Message
	err := m.Decode(unhex(t, "67 16 49 04 01 02 03 04 6b 0e 28 0c 06 07 00 11 86 05 01 01 01 a0 01 05"))
	var de *DecodeError
	if !errors.As(err, &de) || de.Field != "abort.u-abortCause" {
		t.Fatalf("dialogue-as with no APDU: %v", err)
	}
}

func tid(b ...byte) TransactionID {
	t, _ := ParseTransactionID(b)
	return t
}
