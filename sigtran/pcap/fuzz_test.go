package pcap

import (
	"bytes"
	"encoding/binary"
	"runtime"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
	"github.com/scpd/scpd/sigtran/pcap/pcaptest"
)

// fuzzCaptures returns seed captures: the repository's testdata, each
// also as pcapng, and bare SCCP and TCAP captures.
func fuzzCaptures(tb testing.TB) [][]byte {
	tb.Helper()
	var out [][]byte
	for _, file := range pcaptest.Files(tb, "*.pcap") {
		raw := file.Data
		out = append(out, raw)
		// The same frames as pcapng.
		r, err := pcapgo.NewReader(bytes.NewReader(raw))
		if err != nil {
			tb.Fatal(err)
		}
		var ng bytes.Buffer
		w, err := pcapgo.NewNgWriter(&ng, r.LinkType())
		if err != nil {
			tb.Fatal(err)
		}
		for range 4 {
			data, ci, err := r.ReadPacketData()
			if err != nil {
				break
			}
			if err := w.WritePacket(ci, data); err != nil {
				tb.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			tb.Fatal(err)
		}
		out = append(out, ng.Bytes())
	}
	for _, lt := range []layers.LinkType{LinkTypeSCCP, LinkTypeUser0} {
		var buf bytes.Buffer
		pw := pcapgo.NewWriter(&buf)
		pw.WriteFileHeader(65535, lt)
		for _, b := range [][]byte{{0x09, 0x80, 0x03, 0x05, 0x07, 0x02, 0x42, 0x92, 0x02, 0x42, 0x92, 0x01, 0x61}, {0x64, 0x03, 0x49, 0x01, 0x01}} {
			pw.WritePacket(gopacket.CaptureInfo{Timestamp: time.Unix(1, 0), CaptureLength: len(b), Length: len(b)}, b)
		}
		out = append(out, buf.Bytes())
	}
	return append(out, hugeCaplen(tb)...)
}

// hugeCaplen returns a pcapng and a pcap file of one record that claims
// 2 GiB captured: ReadAll must refuse them without allocating it.
func hugeCaplen(tb testing.TB) [][]byte {
	tb.Helper()
	var ng bytes.Buffer
	w, err := pcapgo.NewNgWriter(&ng, layers.LinkTypeEthernet)
	if err != nil {
		tb.Fatal(err)
	}
	w.WritePacket(gopacket.CaptureInfo{CaptureLength: 4, Length: 4}, []byte{1, 2, 3, 4})
	w.Flush()
	b := ng.Bytes()
	for i := 0; i+28 <= len(b); {
		n := int(binary.LittleEndian.Uint32(b[i+4:]))
		if binary.LittleEndian.Uint32(b[i:]) == 6 { // the Enhanced Packet Block
			binary.LittleEndian.PutUint32(b[i+20:], 0x7fffffff)
			binary.LittleEndian.PutUint32(b[i+24:], 0x7fffffff)
			break
		}
		i += max(n, 4)
	}
	var c bytes.Buffer
	pw := pcapgo.NewWriter(&c)
	pw.WriteFileHeader(0xffffffff, layers.LinkTypeEthernet)
	pw.WritePacket(gopacket.CaptureInfo{CaptureLength: 4, Length: 4}, []byte{1, 2, 3, 4})
	cb := c.Bytes()
	binary.LittleEndian.PutUint32(cb[24+8:], 0x7fffffff)
	binary.LittleEndian.PutUint32(cb[24+12:], 0x7fffffff)
	return [][]byte{b, cb}
}

// FuzzReadAll reads arbitrary bytes as a capture file. It must not panic
// or allocate far beyond the file's size (a capture's lengths are the
// file's word, not the truth); every packet it returns is consistent:
// frames numbered in order, M3UA over TCP framed by its own length (or
// cut by the snap length, and marked so), bare frames of a bare link type.
func FuzzReadAll(f *testing.F) {
	for _, b := range fuzzCaptures(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		before := ms.TotalAlloc
		pkts, err := ReadAll(bytes.NewReader(b))
		runtime.ReadMemStats(&ms)
		if alloc := ms.TotalAlloc - before; alloc > 1<<20+uint64(64*len(b)) {
			t.Fatalf("%d-octet capture made ReadAll allocate %d octets", len(b), alloc)
		}
		_ = err // a damaged file may fail after some packets
		last := 0
		total := 0
		for i, p := range pkts {
			if p.Frame < last || p.Frame < 1 {
				t.Fatalf("packet %d in frame %d after frame %d", i, p.Frame, last)
			}
			last = p.Frame
			total += len(p.Payload)
			switch p.Transport {
			case SCTP:
			case TCP:
				// A message the snap length cut is what was captured of it.
				whole := len(p.Payload) >= 8 && int(binary.BigEndian.Uint32(p.Payload[4:8])) == len(p.Payload)
				if len(p.Payload) == 0 || p.Payload[0] != 1 || whole == p.Truncated || p.Truncated && p.CaptureLength >= p.Length || !p.ChecksumOK {
					t.Fatalf("TCP packet %d (truncated %v): %x", i, p.Truncated, p.Payload)
				}
			case Bare:
				if p.LinkType != LinkTypeSCCP && (p.LinkType < LinkTypeUser0 || p.LinkType > LinkTypeUser0+15) {
					t.Fatalf("bare frame of link type %d", p.LinkType)
				}
			default:
				t.Fatalf("packet %d: transport %q", i, p.Transport)
			}
		}
		if total > len(b) {
			t.Fatalf("%d octets of payload from a %d-octet file", total, len(b))
		}
	})
}
