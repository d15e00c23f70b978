package transport

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"testing"
)

// linuxInit is an INIT as Linux 6.1 sends it from a socket bound to two
// addresses: IPv4 Address ×2, Supported Address Types (IPv4: 6 octets
// and padding), ECN Capable, Forward-TSN Supported, Supported Extensions,
// Cookie Preservative.
func linuxInit() []byte {
	p := []byte{
		0x0b, 0x59, 0x0b, 0x59, 0, 0, 0, 0, 0, 0, 0, 0, // ports 2905, tag 0, checksum
		1, 0, 0, 0, // INIT, length below
		0x11, 0x22, 0x33, 0x44, // initiate tag
		0, 1, 0, 0, // a_rwnd
		0, 10, 0xff, 0xff, // OS 10, MIS 65535
		0x55, 0x66, 0x77, 0x88, // initial TSN
		0, 5, 0, 8, 10, 0, 0, 1, // IPv4 10.0.0.1
		0, 5, 0, 8, 10, 0, 1, 1, // IPv4 10.0.1.1
		0, 12, 0, 6, 0, 5, 0, 0, // Supported Address Types (IPv4) + 2 padding
		0x80, 0, 0, 4, // ECN
		0xc0, 0, 0, 4, // Forward-TSN supported
		0x80, 0x08, 0, 7, 0x82, 0xc0, 0x0f, 0, // Supported Extensions (3 types) + padding
		0, 9, 0, 8, 0, 0, 0, 100, // Cookie Preservative
	}
	binary.BigEndian.PutUint16(p[14:], uint16(len(p)-commonHeaderLen))
	setChecksum(p)
	return p
}

func TestStripInitParams(t *testing.T) {
	pkt := linuxInit()
	if !checksumOK(pkt) {
		t.Fatal("checksum of the built INIT")
	}
	out, changed := stripInitParams(append([]byte(nil), pkt...))
	if !changed {
		t.Fatal("nothing stripped")
	}
	setChecksum(out)
	cs, err := chunks(out)
	if err != nil || len(cs) != 1 || cs[0].typ != chunkInit {
		t.Fatalf("chunks after stripping: %v %v", cs, err)
	}
	// Kept: ECN, Forward-TSN, Supported Extensions; the chunk length
	// stops at the last parameter's end (7 octets), the packet carries
	// its padding.
	want := []byte{
		0x80, 0, 0, 4,
		0xc0, 0, 0, 4,
		0x80, 0x08, 0, 7, 0x82, 0xc0, 0x0f, 0,
	}
	if got := out[commonHeaderLen+initFixedLen:]; !bytes.Equal(got, want) {
		t.Fatalf("parameters after stripping: % x", got)
	}
	if n := binary.BigEndian.Uint16(out[commonHeaderLen+2:]); int(n) != initFixedLen+4+4+7 {
		t.Fatalf("chunk length %d", n)
	}
	ip, ok := readInit(out)
	if !ok || ip.tag != 0x11223344 || ip.os != 10 || ip.mis != 0xffff {
		t.Fatalf("INIT fields %+v", ip)
	}
	if !checksumOK(out) {
		t.Fatal("checksum after stripping")
	}
	// An INIT with nothing to strip stays as it is.
	again := append([]byte(nil), out...)
	if o, changed := stripInitParams(again); changed || !bytes.Equal(o, out) {
		t.Fatal("a clean INIT was changed")
	}
	// A malformed parameter list is left to pion.
	bad := append([]byte(nil), pkt...)
	binary.BigEndian.PutUint16(bad[commonHeaderLen+initFixedLen+2:], 200)
	if _, changed := stripInitParams(bad); changed {
		t.Fatal("a malformed INIT was rewritten")
	}
}

func TestChecksumIsCRC32c(t *testing.T) {
	// RFC 9260 Appendix A: CRC32c over the packet with a zero checksum
	// field, stored so that the wire carries it little-endian.
	pkt := linuxInit()
	z := append([]byte(nil), pkt...)
	copy(z[8:12], []byte{0, 0, 0, 0})
	if got, want := binary.LittleEndian.Uint32(pkt[8:]), crc32.Checksum(z, crc32.MakeTable(crc32.Castagnoli)); got != want {
		t.Fatalf("checksum %08x, want %08x", got, want)
	}
	pkt[20] ^= 1
	if checksumOK(pkt) {
		t.Fatal("a corrupted packet passed")
	}
}

func TestOutOfTheBlueReplies(t *testing.T) {
	pkt := linuxInit()
	abort := reply(pkt, chunkAbort, 0x11223344, false)
	if srcPort(abort) != 2905 || dstPort(abort) != 2905 || verifyTag(abort) != 0x11223344 || abort[13] != 0 || !checksumOK(abort) {
		t.Fatalf("ABORT for an INIT: % x", abort)
	}
	data := []byte{0x0b, 0x59, 0x9c, 0x40, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 0, 0, 3, 0, 4}
	abort = reply(data, chunkAbort, verifyTag(data), true)
	if srcPort(abort) != 40000 || dstPort(abort) != 2905 || verifyTag(abort) != 0xdeadbeef || abort[13] != flagT {
		t.Fatalf("ABORT for DATA: % x", abort)
	}
}

func TestCompleteHeartbeats(t *testing.T) {
	// pion's HEARTBEAT: the chunk header alone.
	pkt := []byte{0x13, 0x88, 0x13, 0x88, 1, 2, 3, 4, 0, 0, 0, 0, chunkHeartbeat, 0, 0, 4}
	out := completeHeartbeats(pkt)
	cs, err := chunks(out)
	if err != nil || len(cs) != 1 || len(cs[0].raw) != heartbeatLen {
		t.Fatalf("completed HEARTBEAT: % x (%v)", out, err)
	}
	if binary.BigEndian.Uint16(cs[0].raw[4:]) != 1 || binary.BigEndian.Uint16(cs[0].raw[6:]) != 12 {
		t.Fatalf("Heartbeat Info parameter: % x", cs[0].raw)
	}
	if !bytes.Equal(out[:8], pkt[:8]) {
		t.Fatal("common header changed")
	}
	full := append([]byte(nil), out...)
	if got := completeHeartbeats(full); !bytes.Equal(got, full) {
		t.Fatal("a complete HEARTBEAT was changed")
	}
}
