package dialogue

import (
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/scpd/scpd/sigtran/sccp"
	"github.com/scpd/scpd/sigtran/sccp/routing"
	"github.com/scpd/scpd/sigtran/tcap"
)

// withStray appends a stray element (context tag 13, length 1) to an
// encoded TCAP message whose length fits in one octet: the transaction
// portion no longer decodes, its IDs still do.
func withStray(t *testing.T, m *tcap.Message, extra ...byte) []byte {
	t.Helper()
	b, err := m.Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	if b[1] >= 0x80 {
		t.Fatal("test message longer than a short-form length")
	}
	b = append(b, extra...)
	b[1] += byte(len(extra))
	return b
}

// A Continue, End or Abort that names a dialogue but does not decode ends
// that dialogue with TC-P-ABORT to the service (which settles its call):
// before, the dialogue stayed open, and the call and its fee waited for the
// idle timer and an ActivityTest. A Continue from another peer's
// transaction (its OTID not the dialogue's peer) leaves it alone.
func TestUndecodableMessageEndsItsDialogue(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	peer := tcap.NewTransactionID(0x11)
	for _, tc := range []struct {
		name  string
		bad   func(d *Dialogue) []byte
		ended bool
	}{
		{"continue with a stray element", func(d *Dialogue) []byte {
			return withStray(t, tcap.NewContinue(peer, tcap.NewTransactionID(d.ID()), nil), 0x4d, 0x01, 0x00)
		}, true},
		{"end carrying an OTID", func(d *Dialogue) []byte {
			return withStray(t, tcap.NewEnd(tcap.NewTransactionID(d.ID()), nil), 0x48, 0x04, 0, 0, 0, 0xaa)
		}, true},
		{"abort with a stray NULL", func(d *Dialogue) []byte {
			return withStray(t, tcap.NewPAbort(tcap.NewTransactionID(d.ID()), tcap.ResourceLimitation), 0x05, 0x00)
		}, true},
		{"continue of another transaction", func(d *Dialogue) []byte {
			return withStray(t, tcap.NewContinue(tcap.NewTransactionID(0x99), tcap.NewTransactionID(d.ID()), nil), 0x4d, 0x01, 0x00)
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := routing.New(noNetwork{}, routing.Config{}, quiet)
			ev := newEventLog()
			l := New(Config{SSN: sccp.SSNCAP, IdleTimeout: time.Hour}, r, ev, quiet)
			defer l.Close()
			begin, err := tcap.NewBegin(peer, tcap.NewAARQ(fuzzAC)).Append(nil)
			if err != nil {
				t.Fatal(err)
			}
			l.HandleUnitdata(fuzzPath, &sccp.Message{Type: sccp.UDT, Called: scp, Calling: msc, Data: begin})
			all := l.Dialogues()
			if len(all) != 1 {
				t.Fatalf("%d dialogues after a Begin", len(all))
			}
			d := all[0]
			l.HandleUnitdata(fuzzPath, &sccp.Message{Type: sccp.UDT, Called: scp, Calling: msc, Data: tc.bad(d)})
			drained(t, d)
			ev.mu.Lock()
			kinds := slices.Clone(ev.kinds[d])
			ev.mu.Unlock()
			aborted := slices.Contains(kinds, EventAbort)
			if open := l.Open(); tc.ended && (open != 0 || !aborted) || !tc.ended && (open != 1 || aborted) {
				t.Fatalf("%d dialogues open, events %v; want it ended with an abort: %v", open, kinds, tc.ended)
			}
		})
	}
}

// A message of a type TCAP does not have, whose OTID can be read, gets a
// P-Abort unrecognizedMessageType to that OTID (Q.774): it was dropped
// without a word. Without an OTID there is no one to answer.
func TestUnknownMessageTypeIsPAborted(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	r := routing.New(noNetwork{}, routing.Config{}, quiet)
	l := New(Config{SSN: sccp.SSNCAP, IdleTimeout: time.Hour}, r, newEventLog(), quiet)
	defer l.Close()
	for _, data := range [][]byte{
		{0x63, 0x06, 0x48, 0x04, 0x00, 0x00, 0x00, 0xa2}, // [APPLICATION 3] with an OTID
		{0x63, 0x06, 0x49, 0x04, 0x00, 0x00, 0x00, 0xa3}, // with a DTID only
	} {
		l.HandleUnitdata(fuzzPath, &sccp.Message{Type: sccp.UDT, Called: scp, Calling: msc, Data: data})
	}
	if n := l.Stats().PAbortsSent["unrecognizedMessageType"]; n != 1 {
		t.Fatalf("%d P-Aborts unrecognizedMessageType, want 1 (stats %+v)", n, l.Stats().PAbortsSent)
	}
}

// Two Invokes with one invoke ID in a message: the second is rejected with
// invoke problem duplicateInvokeID (Q.773) and not delivered; it got
// unrecognizedOperation from the service, or was run as a second request.
func TestDuplicateInvokeIDIsRejected(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	r := routing.New(noNetwork{}, routing.Config{}, quiet)
	got := make(chan *Event, 1)
	l := New(Config{SSN: sccp.SSNCAP, IdleTimeout: time.Hour}, r, HandlerFunc(func(ev *Event) {
		if ev.Kind == EventBegin {
			got <- ev
		}
	}), quiet)
	defer l.Close()
	begin, err := tcap.NewBegin(tcap.NewTransactionID(0x21), tcap.NewAARQ(fuzzAC),
		tcap.NewInvoke(1, 0, []byte{0x30, 0x00}), tcap.NewInvoke(1, 0, []byte{0x30, 0x00}), tcap.NewInvoke(2, 0, []byte{0x30, 0x00})).Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	l.HandleUnitdata(fuzzPath, &sccp.Message{Type: sccp.UDT, Called: scp, Calling: msc, Data: begin})
	select {
	case ev := <-got:
		if len(ev.Components) != 2 || ev.Components[0].InvokeID != 1 || ev.Components[1].InvokeID != 2 {
			t.Fatalf("delivered %+v, want invokes 1 and 2", ev.Components)
		}
		if len(ev.Rejected) != 1 || ev.Rejected[0].InvokeID != 1 || ev.Rejected[0].Problem != tcap.InvokeDuplicateInvokeID {
			t.Fatalf("rejected %+v, want invoke 1 duplicateInvokeID", ev.Rejected)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no Begin delivered")
	}
}
