package main

import (
	"bytes"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/gopacket"
	gplayers "github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"github.com/scpd/scpd/sigtran/pcap/pcaptest"
)

// rewriteCapture re-writes a classic pcap of testdata/ as pcapng, and as
// classic pcap with every frame cut to snap octets (editcap -s).
func rewriteCapture(t *testing.T, name string, snap int) (ng, snapped []byte) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return pcaptest.Rewrite(t, raw, snap)
}

func writeFile(t *testing.T, name string, b []byte) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

// A pcapng capture cut inside its last packet is decoded up to the cut
// with a warning, as a classic pcap is: it was refused whole (exit 2,
// "malformed pcapng block").
func TestDecodeCutPcapng(t *testing.T) {
	ng, _ := rewriteCapture(t, "flow-phase2.pcap", 65535)
	file := writeFile(t, "cut.pcapng", ng[:len(ng)-30])
	stdout, stderr, code := run(t, "decode", file)
	if code != 0 || !strings.Contains(stderr, "capture cut short") || strings.Count(stderr, "\n") != 1 ||
		!strings.Contains(stdout, "frame 15 ") || strings.Contains(stdout, "frame 16 ") {
		t.Fatalf("decode of a cut pcapng: exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
}

// Frames cut by the snap length (editcap -s 120) say so, as tshark's
// "Packet size limited during capture", and are decoded as far as they
// go: no CHECKSUM BAD, no M3UA length error.
func TestDecodeSnapLength(t *testing.T) {
	for _, name := range []string{"flow-phase2.pcap", "flow-tcp.pcap"} {
		t.Run(name, func(t *testing.T) {
			_, snapped := rewriteCapture(t, name, 120)
			file := writeFile(t, "snap.pcap", snapped)
			stdout, stderr, code := run(t, "decode", file)
			if code != 0 || !strings.Contains(stdout, "truncated: 120 of ") || !strings.Contains(stdout, "M3UA  DATA opc=1 dpc=2") ||
				strings.Contains(stdout, "CHECKSUM BAD") || strings.Contains(stdout, "ERROR") {
				t.Fatalf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
			}
			stdout, stderr, code = run(t, "decode", "--json", file)
			var res []struct {
				Truncated *struct{ Captured, Length int }
				M3UA      *struct{ Message string }
			}
			if err := json.Unmarshal([]byte(stdout), &res); code != 0 || err != nil || len(res) == 0 {
				t.Fatalf("exit %d, %v\nstderr %s", code, err, stderr)
			}
			if tr := res[len(res)-1].Truncated; tr == nil || tr.Captured != 120 || tr.Length <= 120 || res[len(res)-1].M3UA == nil {
				t.Fatalf("last frame: truncated %+v, M3UA %+v", tr, res[len(res)-1].M3UA)
			}
		})
	}
}

// Pasted bytes that do not decode at the layer named are a failure, exit
// 1 (not a usage error, 2; not a success, 0), the error said once.
func TestDecodeHexThatDoesNotDecode(t *testing.T) {
	for _, tc := range []struct {
		layer, hex, want string
	}{
		{"m3ua", "deadbeef", "m3ua: header"},
		{"sccp", "deadbeef", "sccp: messageType"},
		{"tcap", "deadbeef", "tcap: message"},
		{"tcap", "6200", "tcap: begin.otid"},
		{"sctp", "deadbeef", "sctp: shorter than a common header"},
	} {
		for _, asJSON := range []bool{false, true} {
			args := []string{"decode", "--layer", tc.layer, "--hex", tc.hex}
			if asJSON {
				args = append(args, "--json")
			}
			stdout, stderr, code := run(t, args...)
			if code != 1 || stdout != "" || strings.Count(stderr, tc.want) != 1 || strings.Count(stderr, "\n") != 1 {
				t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 1 and %q once on stderr", args, code, stdout, stderr, tc.want)
			}
		}
	}
}

// A capture with no M3UA in it says what it read instead of printing
// nothing, and fails.
func TestDecodeCaptureWithoutM3UA(t *testing.T) {
	var buf bytes.Buffer
	w := pcapgo.NewWriter(&buf)
	w.WriteFileHeader(65535, gplayers.LinkTypeEthernet)
	for i := range 3 {
		eth := &gplayers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 0, 1}, DstMAC: net.HardwareAddr{2, 0, 0, 0, 0, 2}, EthernetType: gplayers.EthernetTypeIPv4}
		ip := &gplayers.IPv4{Version: 4, TTL: 64, Protocol: gplayers.IPProtocolUDP, SrcIP: net.IP{10, 0, 0, 1}, DstIP: net.IP{10, 0, 0, 2}}
		udp := &gplayers.UDP{SrcPort: 5353, DstPort: 5353}
		udp.SetNetworkLayerForChecksum(ip)
		sb := gopacket.NewSerializeBuffer()
		if err := gopacket.SerializeLayers(sb, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, eth, ip, udp, gopacket.Payload("mdns")); err != nil {
			t.Fatal(err)
		}
		b := sb.Bytes()
		w.WritePacket(gopacket.CaptureInfo{Timestamp: time.Unix(int64(i), 0), CaptureLength: len(b), Length: len(b)}, b)
	}
	file := writeFile(t, "udp.pcap", buf.Bytes())
	stdout, stderr, code := run(t, "decode", file)
	if code != 1 || stdout != "" || !strings.Contains(stderr, "3 frames read, none carried M3UA") || strings.Count(stderr, "\n") != 1 {
		t.Fatalf("exit %d\nstdout %q\nstderr %q", code, stdout, stderr)
	}
}
