package pcap

import (
	"encoding/binary"
	"hash/crc32"
	"net/netip"
)

// PPIDM3UA is the SCTP payload protocol identifier of M3UA (RFC 4666 §1.4.7).
const PPIDM3UA = 3

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Flow is one direction of an association as a capture shows it.
type Flow struct {
	Src, Dst netip.AddrPort
	// VerificationTag is the tag the receiver expects (RFC 9260 §8.5).
	VerificationTag uint32
}

// sctpFrame builds Ethernet / IPv4 / SCTP common header / DATA chunk
// around payload. tsn and ssn number the chunks of the direction.
func sctpFrame(b []byte, f Flow, stream uint16, ssn uint16, tsn uint32, ipID uint16, payload []byte) []byte {
	pad := (4 - len(payload)%4) % 4
	chunkLen := 16 + len(payload)
	sctpLen := 12 + chunkLen + pad
	ipLen := 20 + sctpLen

	// Ethernet II: locally administered MACs derived from the addresses, so
	// each endpoint keeps one MAC through the capture.
	b = append(b, mac(f.Dst.Addr())...)
	b = append(b, mac(f.Src.Addr())...)
	b = append(b, 0x08, 0x00)

	ip := len(b)
	src, dst := f.Src.Addr().As4(), f.Dst.Addr().As4()
	b = append(b, 0x45, 0, byte(ipLen>>8), byte(ipLen), byte(ipID>>8), byte(ipID), 0x40, 0, 64, 132, 0, 0)
	b = append(b, src[:]...)
	b = append(b, dst[:]...)
	binary.BigEndian.PutUint16(b[ip+10:], ipChecksum(b[ip:ip+20]))

	sc := len(b)
	b = binary.BigEndian.AppendUint16(b, f.Src.Port())
	b = binary.BigEndian.AppendUint16(b, f.Dst.Port())
	b = binary.BigEndian.AppendUint32(b, f.VerificationTag)
	b = append(b, 0, 0, 0, 0) // checksum, filled below
	// DATA chunk (RFC 9260 §3.3.1): flags B and E, one complete message.
	b = append(b, 0, 0x03, byte(chunkLen>>8), byte(chunkLen))
	b = binary.BigEndian.AppendUint32(b, tsn)
	b = binary.BigEndian.AppendUint16(b, stream)
	b = binary.BigEndian.AppendUint16(b, ssn)
	b = binary.BigEndian.AppendUint32(b, PPIDM3UA)
	b = append(b, payload...)
	b = append(b, make([]byte, pad)...)
	// CRC32c over the whole SCTP packet, stored least significant octet
	// first (RFC 9260 Appendix A).
	binary.LittleEndian.PutUint32(b[sc+8:], crc32.Checksum(b[sc:], castagnoli))
	return b
}

func mac(a netip.Addr) []byte {
	v := a.As4()
	return []byte{0x02, 0x00, v[0], v[1], v[2], v[3]}
}

func ipChecksum(h []byte) uint16 {
	var sum uint32
	for i := 0; i+1 < len(h); i += 2 {
		sum += uint32(h[i])<<8 | uint32(h[i+1])
	}
	if len(h)%2 == 1 { // an odd last octet is padded with zero (RFC 1071)
		sum += uint32(h[len(h)-1]) << 8
	}
	for sum > 0xffff {
		sum = sum&0xffff + sum>>16
	}
	return ^uint16(sum)
}
