package dialogue

import (
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/scpd/scpd/sigtran/m3ua"
	"github.com/scpd/scpd/sigtran/pcap/captured"
	"github.com/scpd/scpd/sigtran/sccp"
	"github.com/scpd/scpd/sigtran/sccp/routing"
	"github.com/scpd/scpd/sigtran/tcap"
)

// noNetwork is a network with no association: everything the layer sends
// fails, which it must take in its stride.
type noNetwork struct{}

func (noNetwork) Route(uint32, uint8) (*m3ua.Association, error) { return nil, errors.New("no route") }
func (noNetwork) PointCode() uint32                              { return 2 }
func (noNetwork) NetworkIndicator() uint8                        { return 2 }

var (
	fuzzAC   = []byte{0x04, 0x00, 0x00, 0x01, 0x00, 0x32, 0x01}
	msc      = sccp.Address{SSN: sccp.SSNCAP, GT: sccp.GlobalTitle{Indicator: sccp.GTITTNPESNAI, NumberingPlan: 1, NatureOfAddress: 4, Digits: "31600000010"}}
	scp      = sccp.Address{RouteOnSSN: true, HasPC: true, PointCode: 2, SSN: sccp.SSNCAP}
	fuzzPath = routing.Path{OPC: 1}
)

// FuzzDialogueSequences feeds the layer sequences of TCAP messages, as a
// hostile or broken MSC might send them: Begins, Continues and Ends to
// known and unknown transactions, malformed portions and components. The
// service continues, ends or aborts dialogues as the events come. No
// sequence may panic, deadlock, or leave the count of open dialogues
// different from the dialogues the layer still holds.
func FuzzDialogueSequences(f *testing.F) {
	begin, _ := tcap.NewBegin(tcap.NewTransactionID(1), tcap.NewAARQ(fuzzAC), tcap.NewInvoke(1, 0, []byte{0x30, 0x03, 0x80, 0x01, 0x64})).Append(nil)
	cont, _ := tcap.NewContinue(tcap.NewTransactionID(1), tcap.NewTransactionID(0), nil, tcap.NewInvoke(2, 24, []byte{0x30, 0x00})).Append(nil)
	end, _ := tcap.NewEnd(tcap.NewTransactionID(0), nil).Append(nil)
	abort, _ := tcap.NewPAbort(tcap.NewTransactionID(0), tcap.ResourceLimitation).Append(nil)
	frame := func(msgs ...[]byte) []byte {
		var b []byte
		for _, m := range msgs {
			b = binary.BigEndian.AppendUint16(b, uint16(len(m)))
			b = append(b, m...)
		}
		return b
	}
	f.Add(frame(begin, cont, end))
	f.Add(frame(begin, begin, abort, cont))
	f.Add(frame(cont, end, abort))
	f.Add(frame(begin[:10], cont[3:]))
	// The MSC's side of the captured calls of every phase.
	for _, msgs := range capturedCalls(f) {
		f.Add(frame(msgs...))
	}
	f.Fuzz(func(t *testing.T, seq []byte) {
		r := routing.New(noNetwork{}, routing.Config{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
		l := New(Config{SSN: sccp.SSNCAP, IdleTimeout: time.Hour, InvokeTimer: func(int64) (uint8, time.Duration) { return 1, time.Hour }},
			r, HandlerFunc(func(ev *Event) {
				switch (int(ev.Dialogue.ID()) + int(ev.Kind)) % 4 {
				case 0:
					ev.Dialogue.Continue(tcap.NewInvoke(ev.Dialogue.NewInvokeID(), 31, nil))
				case 1:
					ev.Dialogue.End()
				case 2:
					ev.Dialogue.Abort(nil)
				}
			}), slog.New(slog.NewTextHandler(io.Discard, nil)))
		defer l.Close()
		var known []uint32
		for len(seq) >= 2 {
			n := int(binary.BigEndian.Uint16(seq))
			seq = seq[2:]
			if n > len(seq) {
				n = len(seq)
			}
			msg := append([]byte(nil), seq[:n]...)
			seq = seq[n:]
			// Point DTIDs of 4 octets at dialogues that exist, so sequences
			// reach the states beyond a Begin.
			if len(msg) > 10 && len(known) > 0 {
				for i := 0; i+6 <= len(msg); i++ {
					if msg[i] == 0x49 && msg[i+1] == 4 {
						binary.BigEndian.PutUint32(msg[i+2:], known[int(msg[i+5])%len(known)])
						break
					}
				}
			}
			l.HandleUnitdata(fuzzPath, &sccp.Message{Type: sccp.UDT, Called: scp, Calling: msc, Data: msg})
			for _, d := range l.Dialogues() {
				known = append(known, d.ID())
			}
		}
		// Let the queued events be delivered, then the books must agree.
		deadline := time.Now().Add(2 * time.Second)
		for time.Now().Before(deadline) {
			drained := true
			for _, d := range l.Dialogues() {
				d.mu.Lock()
				if d.running {
					drained = false
				}
				d.mu.Unlock()
			}
			if drained {
				break
			}
			time.Sleep(time.Millisecond)
		}
		if got := len(l.Dialogues()); got != l.Open() {
			t.Fatalf("layer holds %d dialogues, counts %d open", got, l.Open())
		}
	})
}

// capturedCalls returns, for each capture of whole calls in the
// repository's testdata, the TCAP messages the MSC (point code 1) sent.
func capturedCalls(tb testing.TB) [][][]byte {
	tb.Helper()
	var out [][][]byte
	for _, capture := range captured.DATA(tb, "flow-*.pcap") {
		var msgs [][]byte
		for _, d := range capture {
			var m sccp.Message
			if d.OPC == 1 && m.Decode(d.Payload) == nil {
				msgs = append(msgs, m.Data)
			}
		}
		out = append(out, msgs)
	}
	if len(out) == 0 {
		tb.Fatal("no flow capture in testdata")
	}
	return out
}
