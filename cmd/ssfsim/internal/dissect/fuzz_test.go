package dissect

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"io"
	"testing"

	"github.com/google/gopacket"
	"github.com/google/gopacket/pcapgo"

	"github.com/scpd/scpd/camel"
	"github.com/scpd/scpd/sigtran/pcap"
	"github.com/scpd/scpd/sigtran/pcap/pcaptest"
)

func captures(tb testing.TB) map[string][]byte {
	tb.Helper()
	out := make(map[string][]byte)
	for _, file := range pcaptest.Files(tb, "*.pcap") {
		name, raw := file.Name, file.Data
		out[name] = raw
	}
	return out
}

// show prints results as `ssfsim decode` does, as text and as JSON;
// neither may fail on what the decoder produced.
func show(t *testing.T, results []Result) {
	t.Helper()
	if err := Print(io.Discard, results); err != nil {
		t.Fatalf("Print: %v", err)
	}
	if _, err := json.Marshal(results); err != nil {
		t.Fatalf("JSON of %+v: %v", results, err)
	}
}

var fuzzLayers = []Layer{Auto, LayerSCTP, LayerM3UA, LayerSCCP, LayerTCAP}

// FuzzDissectBytes is `ssfsim decode --hex`: a sequence of pasted
// messages (each prefixed by a 2-octet length) decoded one after the
// other by one Decoder, which carries each transaction's phase from its
// Begin, starting at a given layer or guessing it. Nothing may panic;
// whatever decodes prints as text and JSON; a guessed layer decodes.
func FuzzDissectBytes(f *testing.F) {
	frame := func(msgs ...[]byte) []byte {
		var b []byte
		for _, m := range msgs {
			b = binary.BigEndian.AppendUint16(b, uint16(len(m)))
			b = append(b, m...)
		}
		return b
	}
	for name, raw := range captures(f) {
		pkts, err := pcap.ReadAll(bytes.NewReader(raw))
		if err != nil {
			f.Fatalf("%s: %v", name, err)
		}
		// Short sequences: a Begin and what follows it, and the end of a
		// call (the fuzzer minimizes every new input, and long seeds
		// leave it little time for anything else).
		for _, at := range []int{0, len(pkts) - 3} {
			var msgs [][]byte
			for _, p := range pkts[max(at, 0):min(max(at, 0)+3, len(pkts))] {
				msgs = append(msgs, p.Payload)
			}
			f.Add(uint8(0), uint8(0), frame(msgs...))
			f.Add(uint8(2), uint8(1), frame(msgs...))
		}
	}
	f.Fuzz(func(t *testing.T, layer, phase uint8, seq []byte) {
		d := NewDecoder(camel.Phase2 + camel.Phase(phase%3))
		l := fuzzLayers[int(layer)%len(fuzzLayers)]
		for len(seq) >= 2 {
			n := min(int(binary.BigEndian.Uint16(seq)), len(seq)-2)
			b := seq[2 : 2+n]
			seq = seq[2+n:]
			results, err := d.Bytes(b, l)
			if err != nil {
				if l == Auto && Guess(b) != Auto {
					t.Fatalf("%x guessed as %s, yet: %v", b, Guess(b), err)
				}
				continue
			}
			show(t, results)
		}
	})
}

// FuzzDissectCapture is `ssfsim decode FILE` and the input side of
// `ssfsim replay`: arbitrary bytes as a capture file, every message in
// it decoded through M3UA, SCCP, TCAP and CAP, and printed.
func FuzzDissectCapture(f *testing.F) {
	// Two frames of each capture, re-written: small seeds, which the
	// fuzzer mutates and minimizes quickly.
	for name, raw := range captures(f) {
		r, err := pcapgo.NewReader(bytes.NewReader(raw))
		if err != nil {
			f.Fatalf("%s: %v", name, err)
		}
		var frames [][]byte
		var infos []gopacket.CaptureInfo
		for {
			data, ci, err := r.ReadPacketData()
			if err != nil {
				break
			}
			frames, infos = append(frames, data), append(infos, ci)
		}
		for _, at := range []int{0, len(frames) - 2} {
			var buf bytes.Buffer
			w := pcapgo.NewWriter(&buf)
			w.WriteFileHeader(r.Snaplen(), r.LinkType())
			for i := max(at, 0); i < min(max(at, 0)+2, len(frames)); i++ {
				w.WritePacket(infos[i], frames[i])
			}
			f.Add(buf.Bytes())
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		results, err := NewDecoder(camel.Phase2).Capture(bytes.NewReader(b))
		if err != nil {
			return
		}
		show(t, results)
	})
}
