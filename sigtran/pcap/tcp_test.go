package pcap

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"github.com/scpd/scpd/sigtran/pcap/tshark"
)

// beat is an M3UA BEAT with size octets of heartbeat data (RFC 4666
// §3.8.1): any size, and Wireshark decodes it.
func beat(size int, fill byte) []byte {
	n := 8 + 4 + size + (4-size%4)%4
	b := []byte{1, 0, 3, 3, byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n), 0, 9, byte((4 + size) >> 8), byte(4 + size)}
	b = append(b, bytes.Repeat([]byte{fill}, size)...)
	return append(b, make([]byte, (4-size%4)%4)...)
}

// writeTCP writes n BEATs of size octets, one each way in turn.
func writeTCP(t *testing.T, w *Writer, n, size int) [][]byte {
	t.Helper()
	t0 := time.Unix(1_800_000_000, 0)
	var sent [][]byte
	for i := 0; i < n; i++ {
		src, dst := msc, scp
		if i%2 == 1 {
			src, dst = scp, msc
		}
		m := beat(size, byte(i))
		if err := w.WriteM3UATCP(t0.Add(time.Duration(i)*time.Millisecond), src, dst, m); err != nil {
			t.Fatal(err)
		}
		sent = append(sent, m)
	}
	return sent
}

func TestTCPRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	w, _ := NewWriter(&buf)
	sent := writeTCP(t, w, 5, 101)
	if w.Frames() != 3+5 {
		t.Errorf("%d frames, want a handshake and 5 segments", w.Frames())
	}
	got, err := ReadAll(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(sent) {
		t.Fatalf("read %d messages, want %d", len(got), len(sent))
	}
	for i, p := range got {
		if p.Transport != TCP || !bytes.Equal(p.Payload, sent[i]) || p.Frame != 4+i {
			t.Errorf("message %d: %+v", i, p)
		}
	}

	// Every checksum verifies and the sequence numbers follow the bytes.
	r, _ := pcapgo.NewReader(bytes.NewReader(buf.Bytes()))
	next := map[string]uint32{} // by sender
	for i := 0; ; i++ {
		data, _, err := r.ReadPacketData()
		if err != nil {
			break
		}
		pkt := gopacket.NewPacket(data, layers.LayerTypeEthernet, gopacket.Default)
		ip := pkt.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
		tcp := pkt.Layer(layers.LayerTypeTCP).(*layers.TCP)
		seg := append([]byte(nil), ip.Payload...)
		pseudo := append(append(append([]byte(nil), ip.SrcIP.To4()...), ip.DstIP.To4()...), 0, 6, byte(len(seg)>>8), byte(len(seg)))
		if ipChecksum(append(pseudo, seg...)) != 0 || ipChecksum(data[14:34]) != 0 {
			t.Errorf("frame %d: checksum does not verify", i+1)
		}
		key := ip.SrcIP.String()
		if want, ok := next[key]; ok && tcp.Seq != want {
			t.Errorf("frame %d: seq %d, want %d", i+1, tcp.Seq, want)
		}
		next[key] = tcp.Seq + uint32(len(tcp.Payload))
		if tcp.SYN {
			next[key]++
		}
	}
}

func TestTCPPureAcks(t *testing.T) {
	var buf bytes.Buffer
	w, _ := NewWriter(&buf)
	// One way only: the receiver must acknowledge now and then.
	t0 := time.Unix(1_800_000_000, 0)
	for i := 0; i < 100; i++ {
		if err := w.WriteM3UATCP(t0, msc, scp, dataMsg(t, make([]byte, 1000))); err != nil {
			t.Fatal(err)
		}
	}
	if acks := w.Frames() - 3 - 100; acks < 2 || acks > 5 {
		t.Errorf("%d pure ACKs for 100 kB one way", acks)
	}
}

func TestTCPTshark(t *testing.T) {
	tshark.Require(t)
	file := filepath.Join(t.TempDir(), "m3ua-tcp.pcap")
	f, _ := os.Create(file)
	w, _ := NewWriter(f)
	writeTCP(t, w, 40, 1500) // beyond half a window each way
	f.Close()
	ts := tshark.With("-X", "lua_script:../../scripts/m3ua-tcp.lua", "-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE")
	ts.Check(t, file)
	rows := ts.Fields(t, file, "m3ua", "m3ua.message_class", "m3ua.message_type", "m3ua.heartbeat_data", "tcp.checksum.status", "ip.checksum.status")
	if len(rows) != 40 {
		t.Fatalf("tshark decoded M3UA in %d frames, want 40", len(rows))
	}
	for i, r := range rows {
		if r[0] != "3" || r[1] != "3" || len(r[2]) != 2*1500 || r[3] != "1" || r[4] != "1" {
			t.Errorf("message %d: class %q type %q, %d hex digits of heartbeat data, checksum status tcp %q ip %q", i, r[0], r[1], len(r[2]), r[3], r[4])
		}
	}
}

// TestReadBare reads captures without IP: bare TCAP in DLT_USER0, SCCP in
// DLT_SCCP.
func TestReadBare(t *testing.T) {
	for _, lt := range []layers.LinkType{LinkTypeUser0, LinkTypeUser0 + 15, LinkTypeSCCP} {
		var buf bytes.Buffer
		pw := pcapgo.NewWriter(&buf)
		pw.WriteFileHeader(65535, lt)
		frames := [][]byte{{0x62, 0x03, 0x48, 0x01, 0x01}, {0x64, 0x03, 0x49, 0x01, 0x01}}
		for _, b := range frames {
			pw.WritePacket(gopacket.CaptureInfo{Timestamp: time.Unix(1, 0), CaptureLength: len(b), Length: len(b)}, b)
		}
		got, err := ReadAll(&buf)
		if err != nil || len(got) != 2 {
			t.Fatalf("link type %d: %v, %+v", lt, err, got)
		}
		for i, p := range got {
			if p.Transport != Bare || p.LinkType != int(lt) || !bytes.Equal(p.Payload, frames[i]) || p.Frame != i+1 {
				t.Errorf("link type %d frame %d: %+v", lt, i+1, p)
			}
		}
	}
	var buf bytes.Buffer
	pw := pcapgo.NewWriter(&buf)
	pw.WriteFileHeader(65535, layers.LinkTypeIEEE802_11)
	if _, err := ReadAll(&buf); err == nil {
		t.Error("a Wi-Fi capture was accepted")
	}
}
