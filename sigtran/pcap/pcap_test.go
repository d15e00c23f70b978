package pcap

import (
	"bytes"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/scpd/scpd/sigtran/m3ua"
	"github.com/scpd/scpd/sigtran/pcap/tshark"
)

var (
	msc = netip.MustParseAddrPort("10.0.0.1:2905")
	scp = netip.MustParseAddrPort("10.0.0.2:2905")
)

func aspUp() []byte { return []byte{1, 0, 3, 1, 0, 0, 0, 8} }

func dataMsg(t *testing.T, payload []byte) []byte {
	d := m3ua.Data{OPC: 1, DPC: 2, SI: m3ua.SISCCP, NI: m3ua.NINational, SLS: 3, Payload: payload}
	b, err := d.Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestWriteReadRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Unix(1_800_000_000, 0)
	msgs := [][]byte{aspUp(), dataMsg(t, []byte{0x09, 0x00, 0x03, 0x05, 0x07, 0x02, 0x42, 0x92, 0x02, 0x42, 0x92, 0x01, 0x61}), dataMsg(t, make([]byte, 301))}
	for i, m := range msgs {
		src, dst := msc, scp
		if i == 1 {
			src, dst = scp, msc
		}
		if err := w.WriteM3UA(t0.Add(time.Duration(i)*time.Millisecond), src, dst, uint16(i), m); err != nil {
			t.Fatal(err)
		}
	}
	got, err := ReadAll(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(msgs) {
		t.Fatalf("read %d packets, want %d", len(got), len(msgs))
	}
	for i, p := range got {
		if !bytes.Equal(p.Payload, msgs[i]) || !p.ChecksumOK || p.PPID != PPIDM3UA || p.Stream != uint16(i) || p.Transport != SCTP {
			t.Errorf("packet %d: %+v payload %x", i, p, p.Payload)
		}
	}
	if got[1].Src != scp || got[1].Dst != msc {
		t.Errorf("packet 1 from %v to %v", got[1].Src, got[1].Dst)
	}
}

func TestChecksumDetected(t *testing.T) {
	var buf bytes.Buffer
	w, _ := NewWriter(&buf)
	if err := w.WriteM3UA(time.Now(), msc, scp, 0, aspUp()); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	b[len(b)-1] ^= 0xff // flip a payload bit: the CRC32c no longer matches
	got, err := ReadAll(bytes.NewReader(b))
	if err != nil || len(got) != 1 || got[0].ChecksumOK {
		t.Fatalf("corrupted packet: %+v, %v", got, err)
	}
}

func TestTsharkAgrees(t *testing.T) {
	tshark.Require(t)
	file := filepath.Join(t.TempDir(), "m3ua.pcap")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := NewWriter(f)
	for i := 0; i < 3; i++ {
		if err := w.WriteM3UA(time.Now(), msc, scp, 1, aspUp()); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.WriteM3UA(time.Now(), scp, msc, 1, dataMsg(t, make([]byte, 127))); err != nil {
		t.Fatal(err)
	}
	f.Close()
	tshark.Check(t, file)
	rows := tshark.Fields(t, file, "", "sctp.checksum.status", "sctp.data_payload_proto_id", "m3ua.message_class", "m3ua.protocol_data_opc")
	if len(rows) != 4 {
		t.Fatalf("tshark saw %d frames, want 4", len(rows))
	}
	for i, r := range rows {
		if r[0] != "1" || r[1] != "3" {
			t.Errorf("frame %d: checksum status %q, ppid %q; want 1 (good), 3", i+1, r[0], r[1])
		}
	}
	if rows[3][2] != "1" || rows[3][3] != "1" {
		t.Errorf("DATA frame: class %q opc %q", rows[3][2], rows[3][3])
	}
}
