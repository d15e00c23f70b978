package pcap

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/scpd/scpd/sigtran/pcap/tshark"
)

// Frames built octet by octet, as field captures hold them, so that the
// reader is checked against framings its own writer never produces.

// ipv4Packet is an IPv4 header (no options) with a valid checksum.
func ipv4Packet(src, dst netip.Addr, proto byte, payload []byte) []byte {
	n := 20 + len(payload)
	b := []byte{0x45, 0, byte(n >> 8), byte(n), 0, 1, 0x40, 0, 64, proto, 0, 0}
	s, d := src.As4(), dst.As4()
	b = append(append(b, s[:]...), d[:]...)
	binary.BigEndian.PutUint16(b[10:], ipChecksum(b))
	return append(b, payload...)
}

// ipv6Packet is an IPv6 header without extension headers.
func ipv6Packet(src, dst netip.Addr, next byte, payload []byte) []byte {
	b := []byte{0x60, 0, 0, 0, byte(len(payload) >> 8), byte(len(payload)), next, 64}
	s, d := src.As16(), dst.As16()
	b = append(append(b, s[:]...), d[:]...)
	return append(b, payload...)
}

// dataChunk is an SCTP DATA chunk (RFC 9260 §3.3.1) with its padding.
func dataChunk(flags byte, tsn uint32, stream, ssn uint16, ppid uint32, payload []byte) []byte {
	n := 16 + len(payload)
	b := []byte{0, flags, byte(n >> 8), byte(n)}
	b = binary.BigEndian.AppendUint32(b, tsn)
	b = binary.BigEndian.AppendUint16(b, stream)
	b = binary.BigEndian.AppendUint16(b, ssn)
	b = binary.BigEndian.AppendUint32(b, ppid)
	b = append(b, payload...)
	return append(b, make([]byte, (4-n%4)%4)...)
}

// sackChunk is a SACK with no gap blocks (RFC 9260 §3.3.4).
func sackChunk(cumTSN uint32) []byte {
	b := []byte{3, 0, 0, 16}
	b = binary.BigEndian.AppendUint32(b, cumTSN)
	b = binary.BigEndian.AppendUint32(b, 65535)
	return append(b, 0, 0, 0, 0)
}

// sctpPacket is an SCTP common header and chunks, with a valid CRC32c.
func sctpPacket(sport, dport uint16, chunks ...[]byte) []byte {
	b := binary.BigEndian.AppendUint16(nil, sport)
	b = binary.BigEndian.AppendUint16(b, dport)
	b = append(b, 0, 0, 0, 1, 0, 0, 0, 0)
	for _, c := range chunks {
		b = append(b, c...)
	}
	binary.LittleEndian.PutUint32(b[8:], crc32.Checksum(b, castagnoli))
	return b
}

// tcpSegment is a TCP header (no options) with PSH ACK; the checksum is
// left zero (the reader does not check it).
func tcpSegment(sport, dport uint16, seq uint32, payload []byte) []byte {
	b := binary.BigEndian.AppendUint16(nil, sport)
	b = binary.BigEndian.AppendUint16(b, dport)
	b = binary.BigEndian.AppendUint32(b, seq)
	b = binary.BigEndian.AppendUint32(b, 1)
	b = append(b, 5<<4, tcpPSH|tcpACK, 0xff, 0xff, 0, 0, 0, 0)
	return append(b, payload...)
}

func ethernet(etherType uint16, payload []byte) []byte {
	b := []byte{0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, byte(etherType >> 8), byte(etherType)}
	return append(b, payload...)
}

// sll is a Linux cooked v1 header (LINKTYPE_LINUX_SLL, 16 octets).
func sll(etherType uint16, payload []byte) []byte {
	b := []byte{0, 0, 0, 1, 0, 6, 0x02, 0, 0, 0, 0, 1, 0, 0, byte(etherType >> 8), byte(etherType)}
	return append(b, payload...)
}

// sll2 is a Linux cooked v2 header (LINKTYPE_LINUX_SLL2, 20 octets):
// protocol, reserved, interface index, ARPHRD type, packet type, address
// length, address.
func sll2(etherType uint16, payload []byte) []byte {
	b := []byte{byte(etherType >> 8), byte(etherType), 0, 0, 0, 0, 0, 3, 0, 1, 0, 6, 0x02, 0, 0, 0, 0, 1, 0, 0}
	return append(b, payload...)
}

// capture writes frames as a classic pcap (microseconds, little endian)
// of link type lt, written by hand: gopacket's LinkType is 8 bits wide.
func capture(t *testing.T, lt int, frames ...[]byte) []byte {
	t.Helper()
	b := binary.LittleEndian.AppendUint32(nil, 0xa1b2c3d4)
	b = binary.LittleEndian.AppendUint16(b, 2)
	b = binary.LittleEndian.AppendUint16(b, 4)
	b = append(b, make([]byte, 8)...)
	b = binary.LittleEndian.AppendUint32(b, 65535)
	b = binary.LittleEndian.AppendUint32(b, uint32(lt))
	for i, f := range frames {
		b = binary.LittleEndian.AppendUint32(b, uint32(1_800_000_000+i))
		b = binary.LittleEndian.AppendUint32(b, 0)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(f)))
		b = binary.LittleEndian.AppendUint32(b, uint32(len(f)))
		b = append(b, f...)
	}
	return b
}

// ngFrame is a packet on interface iface of a pcapng capture.
type ngFrame struct {
	iface uint32
	data  []byte
}

// captureNg writes a pcapng section with one interface per link type in
// lts (pcapng §4.2) and the frames as Enhanced Packet Blocks (§4.3).
func captureNg(t *testing.T, lts []int, frames ...ngFrame) []byte {
	t.Helper()
	block := func(b []byte, typ uint32, body []byte) []byte {
		n := uint32(12 + len(body))
		b = binary.LittleEndian.AppendUint32(b, typ)
		b = binary.LittleEndian.AppendUint32(b, n)
		b = append(b, body...)
		return binary.LittleEndian.AppendUint32(b, n)
	}
	shb := binary.LittleEndian.AppendUint32(nil, 0x1a2b3c4d)
	shb = append(shb, 1, 0, 0, 0)
	shb = append(shb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)
	b := block(nil, 0x0a0d0d0a, shb)
	for _, lt := range lts {
		idb := binary.LittleEndian.AppendUint16(nil, uint16(lt))
		idb = append(idb, 0, 0)
		idb = binary.LittleEndian.AppendUint32(idb, 65535)
		b = block(b, 1, idb)
	}
	for i, f := range frames {
		ts := uint64(1_800_000_000+i) * 1_000_000
		epb := binary.LittleEndian.AppendUint32(nil, f.iface)
		epb = binary.LittleEndian.AppendUint32(epb, uint32(ts>>32))
		epb = binary.LittleEndian.AppendUint32(epb, uint32(ts))
		epb = binary.LittleEndian.AppendUint32(epb, uint32(len(f.data)))
		epb = binary.LittleEndian.AppendUint32(epb, uint32(len(f.data)))
		epb = append(epb, f.data...)
		epb = append(epb, make([]byte, (4-len(f.data)%4)%4)...)
		b = block(b, 6, epb)
	}
	return b
}

// Link types the reader is said to accept beyond Ethernet.
const (
	ethernetLT = 1
	sllLT      = 113
	rawLT      = 101
	ipv4LT     = 228
	ipv6LT     = 229
	sll2LT     = 276
)

var (
	v4a, v4b = netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2")
	v6a, v6b = netip.MustParseAddr("2001:db8::1"), netip.MustParseAddr("2001:db8::2")
)

// m3uaMsgs returns n distinct M3UA DATA messages.
func m3uaMsgs(t *testing.T, n int) [][]byte {
	var out [][]byte
	for i := range n {
		out = append(out, dataMsg(t, bytes.Repeat([]byte{byte(i + 1)}, 13+i)))
	}
	return out
}

func readAll(t *testing.T, file []byte) []Packet {
	t.Helper()
	got, err := ReadAll(bytes.NewReader(file))
	if err != nil {
		t.Fatalf("ReadAll: %v", err)
	}
	return got
}

func payloads(ps []Packet) [][]byte {
	var out [][]byte
	for _, p := range ps {
		out = append(out, p.Payload)
	}
	return out
}

func samePayloads(t *testing.T, got []Packet, want [][]byte) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("read %d messages, want %d: %x", len(got), len(want), payloads(got))
	}
	for i := range want {
		if !bytes.Equal(got[i].Payload, want[i]) {
			t.Errorf("message %d: %x, want %x", i, got[i].Payload, want[i])
		}
	}
}

// tsharkM3UA counts the M3UA messages tshark finds in file (the oracle
// for the hand-built frames).
func tsharkM3UA(t *testing.T, file []byte) int {
	t.Helper()
	tshark.Require(t)
	name := filepath.Join(t.TempDir(), "f.pcap")
	if err := os.WriteFile(name, file, 0o644); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range tshark.Fields(t, name, "m3ua", "m3ua.message_class") {
		for _, c := range bytes.Split([]byte(r[0]), []byte(",")) {
			if len(c) > 0 {
				n++
			}
		}
	}
	return n
}

// TestReadBundledDataChunks: one SCTP packet carrying several DATA
// chunks (RFC 9260 §6.10 bundling), as a loaded STP sends them, some
// after a SACK.
func TestReadBundledDataChunks(t *testing.T) {
	msgs := m3uaMsgs(t, 3)
	pkt := sctpPacket(2905, 2905, sackChunk(7), dataChunk(3, 1, 1, 0, PPIDM3UA, msgs[0]),
		dataChunk(3, 2, 1, 1, PPIDM3UA, msgs[1]), dataChunk(3, 3, 2, 0, PPIDM3UA, msgs[2]))
	file := capture(t, ethernetLT, ethernet(0x0800, ipv4Packet(v4a, v4b, 132, pkt)))
	if n := tsharkM3UA(t, file); n != 3 {
		t.Fatalf("tshark sees %d M3UA messages in the packet, want 3", n)
	}
	got := readAll(t, file)
	samePayloads(t, got, msgs)
	for i, p := range got {
		if p.Frame != 1 || p.Transport != SCTP || !p.ChecksumOK || p.PPID != PPIDM3UA {
			t.Errorf("message %d: %+v", i, p)
		}
	}
	if got[2].Stream != 2 {
		t.Errorf("third chunk on stream %d, want 2", got[2].Stream)
	}
}

// TestReadLinkTypes: every link type and IP version the package doc
// promises: Ethernet, Linux cooked v1 and v2, raw IP, over IPv4 and
// IPv6, in pcap and pcapng.
func TestReadLinkTypes(t *testing.T) {
	msgs := m3uaMsgs(t, 1)
	sctp := sctpPacket(2905, 2905, dataChunk(3, 1, 1, 0, PPIDM3UA, msgs[0]))
	v4 := ipv4Packet(v4a, v4b, 132, sctp)
	v6 := ipv6Packet(v6a, v6b, 132, sctp)
	for _, c := range []struct {
		name  string
		lt    int
		frame []byte
		src   netip.Addr
	}{
		{"ethernet ipv4", ethernetLT, ethernet(0x0800, v4), v4a},
		{"ethernet ipv6", ethernetLT, ethernet(0x86dd, v6), v6a},
		{"sll ipv4", sllLT, sll(0x0800, v4), v4a},
		{"sll ipv6", sllLT, sll(0x86dd, v6), v6a},
		{"sll2 ipv4", sll2LT, sll2(0x0800, v4), v4a},
		{"sll2 ipv6", sll2LT, sll2(0x86dd, v6), v6a},
		{"raw ipv4", rawLT, v4, v4a},
		{"raw ipv6", rawLT, v6, v6a},
		{"ipv4", ipv4LT, v4, v4a},
		{"ipv6", ipv6LT, v6, v6a},
	} {
		for _, ng := range []bool{false, true} {
			name := c.name
			file := capture(t, c.lt, c.frame)
			if ng {
				name += " pcapng"
				file = captureNg(t, []int{c.lt}, ngFrame{0, c.frame})
			}
			t.Run(name, func(t *testing.T) {
				if n := tsharkM3UA(t, file); n != 1 {
					t.Fatalf("tshark sees %d M3UA messages, want 1", n)
				}
				got := readAll(t, file)
				samePayloads(t, got, msgs)
				if got[0].Src != netip.AddrPortFrom(c.src, 2905) || !got[0].ChecksumOK {
					t.Errorf("%+v", got[0])
				}
			})
		}
	}
}

// TestReadTCPFraming: M3UA over TCP with several messages in a segment
// and a message split over segments, over IPv4 and IPv6.
func TestReadTCPFraming(t *testing.T) {
	msgs := m3uaMsgs(t, 4)
	stream := bytes.Join(msgs, nil)
	cut1 := len(msgs[0]) + len(msgs[1]) + 5 // two whole messages and a piece of the third
	cut2 := cut1 + 9
	segs := [][]byte{stream[:cut1], stream[cut1:cut2], stream[cut2:]}
	for _, v6 := range []bool{false, true} {
		var frames [][]byte
		seq := uint32(1000)
		for _, s := range segs {
			seg := tcpSegment(40000, 2905, seq, s)
			seq += uint32(len(s))
			if v6 {
				frames = append(frames, ethernet(0x86dd, ipv6Packet(v6a, v6b, 6, seg)))
			} else {
				frames = append(frames, ethernet(0x0800, ipv4Packet(v4a, v4b, 6, seg)))
			}
		}
		got := readAll(t, capture(t, ethernetLT, frames...))
		samePayloads(t, got, msgs)
	}
}

// TestReadMixedLinkTypesPcapng: a pcapng capture on two interfaces of
// different link types (dumpcap -i eth0 -i any writes Ethernet and Linux
// cooked interfaces in one file) and one that carries no IP. Every
// message of both is read, each under the frame number Wireshark gives it.
func TestReadMixedLinkTypesPcapng(t *testing.T) {
	msgs := m3uaMsgs(t, 3)
	frame := func(i int) []byte {
		return ipv4Packet(v4a, v4b, 132, sctpPacket(2905, 2905, dataChunk(3, uint32(i+1), 1, uint16(i), PPIDM3UA, msgs[i])))
	}
	file := captureNg(t, []int{ethernetLT, sllLT, 105},
		ngFrame{0, ethernet(0x0800, frame(0))},
		ngFrame{1, sll(0x0800, frame(1))},
		ngFrame{2, []byte{0x08, 0x02, 0, 0}}, // an 802.11 frame: nothing to read
		ngFrame{0, ethernet(0x0800, frame(2))})
	if n := tsharkM3UA(t, file); n != 3 {
		t.Fatalf("tshark sees %d M3UA messages, want 3", n)
	}
	got := readAll(t, file)
	samePayloads(t, got, msgs)
	for i, want := range []int{1, 2, 4} {
		if got[i].Frame != want {
			t.Errorf("message %d in frame %d, want %d", i, got[i].Frame, want)
		}
	}
}

// TestReadTCPRetransmission: a retransmitted segment, a keep-alive and a
// segment overlapping what was seen carry no new M3UA message; each
// message is read once. (tshark 4.0 agrees on the first four frames; it
// leaves the new bytes of the overlapping segment undissected, where TCP
// delivers them, RFC 9293 §3.10.7.4.)
func TestReadTCPRetransmission(t *testing.T) {
	msgs := m3uaMsgs(t, 3)
	seg := func(seq uint32, p []byte) []byte {
		return ethernet(0x0800, ipv4Packet(v4a, v4b, 6, tcpSegment(40000, 2905, seq, p)))
	}
	const isn = 5000
	a := len(msgs[0])
	file := capture(t, ethernetLT,
		seg(isn, msgs[0]),
		seg(isn, msgs[0]),               // retransmission
		seg(isn+uint32(a)-1, []byte{0}), // keep-alive: the last octet again
		seg(isn+uint32(a), msgs[1]),
		// msgs[1] again with msgs[2]: the sender repacketised after a loss
		seg(isn+uint32(a), append(append([]byte(nil), msgs[1]...), msgs[2]...)),
	)
	got := readAll(t, file)
	samePayloads(t, got, msgs)
	if got[2].Frame != 5 {
		t.Errorf("third message in frame %d, want 5", got[2].Frame)
	}
}

// TestReadDamagedSCTP: chunks whose lengths are impossible end the walk of
// their packet without a panic; what came before them is read, and later
// frames are read as usual.
func TestReadDamagedSCTP(t *testing.T) {
	msgs := m3uaMsgs(t, 2)
	bad := sctpPacket(2905, 2905, dataChunk(3, 1, 1, 0, PPIDM3UA, msgs[0]), []byte{0, 3, 0, 2}) // chunk length 2
	cut := sctpPacket(2905, 2905, dataChunk(3, 2, 1, 1, PPIDM3UA, msgs[1]))
	cut = cut[:12+10] // cut inside the DATA chunk header
	huge := sctpPacket(2905, 2905, []byte{0, 3, 0xff, 0xff, 0, 0, 0, 1})
	good := sctpPacket(2905, 2905, dataChunk(3, 3, 1, 2, PPIDM3UA, msgs[1]))
	var frames [][]byte
	for _, p := range [][]byte{bad, cut, huge, {}, good} {
		frames = append(frames, ethernet(0x0800, ipv4Packet(v4a, v4b, 132, p)))
	}
	frames = append(frames, []byte{1, 2, 3})
	got := readAll(t, capture(t, ethernetLT, frames...))
	samePayloads(t, got, msgs)
	if got[1].Frame != 5 {
		t.Errorf("frame %d, want 5", got[1].Frame)
	}
}
