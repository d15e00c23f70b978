package pcap

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net/netip"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// Transport says how a message was carried in the capture.
type Transport string

// Transports a capture can hold.
const (
	SCTP Transport = "sctp"
	TCP  Transport = "tcp"
	// Bare is a frame of a link type that carries SCCP (DLT_SCCP) or a
	// user-chosen layer, usually TCAP (DLT_USER0-15), with no IP below.
	Bare Transport = "bare"
)

// Link types of captures without IP (tcpdump.org/linktypes.html).
const (
	LinkTypeSCCP  = 142 // DLT_SCCP: an SCCP message per frame
	LinkTypeUser0 = 147 // DLT_USER0; DLT_USER15 is 162
)

// Packet is one M3UA message found in a capture.
type Packet struct {
	Frame     int            `json:"frame"`
	Time      time.Time      `json:"time"`
	Transport Transport      `json:"transport"`
	Src       netip.AddrPort `json:"src"`
	Dst       netip.AddrPort `json:"dst"`
	Stream    uint16         `json:"stream,omitempty"`
	PPID      uint32         `json:"ppid,omitempty"`
	// ChecksumOK is false when an SCTP packet's CRC32c does not match.
	ChecksumOK bool `json:"checksumOk"`
	// LinkType is the capture's link type for Bare frames.
	LinkType int `json:"linkType,omitempty"`
	// Payload is the M3UA message; for Bare frames, the frame's bytes.
	Payload []byte `json:"-"`
}

// ReadAll reads a pcap or pcapng capture and returns every SCTP DATA
// chunk payload and every M3UA message carried over TCP, in order; in a
// capture of DLT_SCCP or DLT_USER0-15, every frame (Transport Bare).
func ReadAll(r io.Reader) ([]Packet, error) {
	br := bufio.NewReader(r)
	magic, err := br.Peek(4)
	if err != nil {
		return nil, fmt.Errorf("pcap: reading file header: %w", err)
	}
	var src interface {
		ReadPacketData() ([]byte, gopacket.CaptureInfo, error)
		LinkType() layers.LinkType
	}
	if binary.LittleEndian.Uint32(magic) == 0x0a0d0d0a {
		raw, err := io.ReadAll(br)
		if err != nil {
			return nil, fmt.Errorf("pcap: reading: %w", err)
		}
		// pcapgo trusts a block's lengths: hand it only the blocks whose
		// lengths are consistent, and report the first that is not
		// where pcapgo would have met it.
		good, bad := ngPrefix(raw)
		if good == 0 && bad != nil {
			return nil, fmt.Errorf("pcap: pcapng header: %w", bad)
		}
		ng, err := newNgReader(bytes.NewReader(raw[:good]))
		if err != nil {
			return nil, fmt.Errorf("pcap: pcapng header: %w", err)
		}
		src = safeSource{ng, bad}
	} else {
		pr, err := pcapgo.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("pcap: file header: %w", err)
		}
		// A record's caplen may not exceed the header's snaplen, and
		// pcapgo allocates caplen before reading the record: bound it
		// by libpcap's MAXIMUM_SNAPLEN (262144), which no SIGTRAN frame
		// comes near, rather than by whatever the file claims (up to
		// 4 GiB).
		if pr.Snaplen() > maxSnaplen {
			pr.SetSnaplen(maxSnaplen)
		}
		src = pr
	}
	var first gopacket.Decoder
	switch lt := src.LinkType(); {
	case lt == layers.LinkTypeEthernet:
		first = layers.LayerTypeEthernet
	case lt == layers.LinkTypeLinuxSLL:
		first = layers.LayerTypeLinuxSLL
	case lt == layers.LinkTypeRaw, lt == layers.LinkTypeIPv4:
		first = layers.LayerTypeIPv4
	case lt == LinkTypeSCCP, lt >= LinkTypeUser0 && lt <= LinkTypeUser0+15:
		return readBare(src, int(lt))
	default:
		return nil, fmt.Errorf("pcap: link type %d not supported (Ethernet, Linux cooked, raw IP, SCCP or USER0-15)", lt)
	}
	var out []Packet
	streams := make(map[[2]netip.AddrPort][]byte) // TCP bytes not yet framed
	for frame := 1; ; frame++ {
		data, ci, err := src.ReadPacketData()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("pcap: frame %d: %w", frame, err)
		}
		pkt := gopacket.NewPacket(data, first, gopacket.DecodeOptions{Lazy: true, NoCopy: true})
		var srcIP, dstIP netip.Addr
		if n := pkt.NetworkLayer(); n != nil {
			srcIP, _ = netip.AddrFromSlice(n.NetworkFlow().Src().Raw())
			dstIP, _ = netip.AddrFromSlice(n.NetworkFlow().Dst().Raw())
		}
		if s, ok := pkt.Layer(layers.LayerTypeSCTP).(*layers.SCTP); ok {
			if len(s.Contents) < 12 {
				// gopacket hands back a truncated common header
				// (RFC 9260 §3.1 makes it 12 octets): nothing to read.
				continue
			}
			sum := binary.LittleEndian.Uint32(s.Contents[8:12])
			okSum := checksum(s.Contents, s.Payload) == sum
			for _, l := range pkt.Layers() {
				d, ok := l.(*layers.SCTPData)
				if !ok {
					continue
				}
				out = append(out, Packet{Frame: frame, Time: ci.Timestamp, Transport: SCTP,
					Src: netip.AddrPortFrom(srcIP, uint16(s.SrcPort)), Dst: netip.AddrPortFrom(dstIP, uint16(s.DstPort)),
					Stream: d.StreamId, PPID: uint32(d.PayloadProtocol), ChecksumOK: okSum, Payload: dataPayload(d)})
			}
			continue
		}
		if t, ok := pkt.Layer(layers.LayerTypeTCP).(*layers.TCP); ok && len(t.Payload) > 0 {
			key := [2]netip.AddrPort{netip.AddrPortFrom(srcIP, uint16(t.SrcPort)), netip.AddrPortFrom(dstIP, uint16(t.DstPort))}
			buf := append(streams[key], t.Payload...)
			for len(buf) >= 8 && buf[0] == 1 {
				n := int(binary.BigEndian.Uint32(buf[4:8]))
				if n < 8 || n > 65536 {
					buf = nil // not M3UA, or out of step: drop the stream's bytes
					break
				}
				if len(buf) < n {
					break
				}
				out = append(out, Packet{Frame: frame, Time: ci.Timestamp, Transport: TCP, Src: key[0], Dst: key[1],
					ChecksumOK: true, Payload: append([]byte(nil), buf[:n]...)})
				buf = buf[n:]
			}
			if len(buf) > 0 && buf[0] != 1 {
				buf = nil
			}
			streams[key] = append([]byte(nil), buf...)
		}
	}
}

// dataPayload returns the user data of a DATA chunk without padding.
func dataPayload(d *layers.SCTPData) []byte {
	n := int(d.Length) - 16
	if n < 0 || n > len(d.Payload) {
		n = len(d.Payload)
	}
	return d.Payload[:n]
}

// checksum recomputes the CRC32c of an SCTP packet with a zero checksum field.
func checksum(header, payload []byte) uint32 {
	pkt := make([]byte, 0, len(header)+len(payload))
	pkt = append(pkt, header...)
	pkt = append(pkt, payload...)
	pkt[8], pkt[9], pkt[10], pkt[11] = 0, 0, 0, 0
	return crc32.Checksum(pkt, castagnoli)
}

// readBare returns every frame of a capture without IP.
func readBare(src interface {
	ReadPacketData() ([]byte, gopacket.CaptureInfo, error)
}, linkType int) ([]Packet, error) {
	var out []Packet
	for frame := 1; ; frame++ {
		data, ci, err := src.ReadPacketData()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("pcap: frame %d: %w", frame, err)
		}
		out = append(out, Packet{Frame: frame, Time: ci.Timestamp, Transport: Bare, ChecksumOK: true, LinkType: linkType,
			Payload: append([]byte(nil), data...)})
	}
}

// maxSnaplen is libpcap's MAXIMUM_SNAPLEN.
const maxSnaplen = 262144

// errMalformed reports a capture that made the pcapng reader fail.
var errMalformed = errors.New("malformed pcapng block")

// newNgReader is pcapgo.NewNgReader with its panics turned into errors:
// gopacket v1.1.19 panics on some malformed pcapng interface description
// blocks, e.g. an if_tsresol of 2^-64 or finer (pcapng §4.2 lets the
// exponent reach 127; the time scale overflows to 0 and it divides by
// it) or an option value shorter than the option needs (if_tsoffset is 8
// octets, if_filter at least 1). A damaged file is an error, not a crash.
func newNgReader(r io.Reader) (ng *pcapgo.NgReader, err error) {
	defer func() {
		if p := recover(); p != nil {
			ng, err = nil, fmt.Errorf("%w: %v", errMalformed, p)
		}
	}()
	return pcapgo.NewNgReader(r, pcapgo.DefaultNgReaderOptions)
}

// safeSource is a pcapng reader whose panics on malformed blocks (an
// interface description block may come after the first packet; see
// newNgReader) are errors, and which ends with the error ngPrefix found,
// if any, rather than io.EOF.
type safeSource struct {
	*pcapgo.NgReader
	bad error
}

func (s safeSource) ReadPacketData() (data []byte, ci gopacket.CaptureInfo, err error) {
	defer func() {
		if p := recover(); p != nil {
			data, err = nil, fmt.Errorf("%w: %v", errMalformed, p)
		}
	}()
	data, ci, err = s.NgReader.ReadPacketData()
	if errors.Is(err, io.EOF) && s.bad != nil {
		err = s.bad
	}
	return data, ci, err
}

// ngPrefix returns the length of the leading pcapng blocks whose lengths
// are consistent, and what is wrong with the next one. Every block's
// Block Total Length is at least 12, a multiple of 4 and within the file
// (pcapng §3.1); an Enhanced Packet Block's Captured Packet Length is the
// size of its Packet Data field (§4.3), so at most the block's length
// less its 32 octets of header and trailer. pcapgo allocates the
// captured length before reading the data, so without this check a
// 160-octet file can make it allocate 4 GiB.
func ngPrefix(b []byte) (int, error) {
	var order binary.ByteOrder = binary.LittleEndian
	for off := 0; off < len(b); {
		rest := b[off:]
		if len(rest) < 12 {
			return off, fmt.Errorf("%w at offset %d: truncated", errMalformed, off)
		}
		typ := binary.LittleEndian.Uint32(rest)
		if typ == 0x0a0d0d0a { // Section Header Block: its byte-order magic sets the order
			switch {
			case binary.LittleEndian.Uint32(rest[8:]) == 0x1a2b3c4d:
				order = binary.LittleEndian
			case binary.BigEndian.Uint32(rest[8:]) == 0x1a2b3c4d:
				order = binary.BigEndian
			default:
				return off, fmt.Errorf("%w at offset %d: byte-order magic %x", errMalformed, off, rest[8:12])
			}
		}
		typ = order.Uint32(rest)
		n := order.Uint32(rest[4:])
		if n < 12 || n%4 != 0 || uint64(n) > uint64(len(rest)) {
			return off, fmt.Errorf("%w at offset %d: block length %d", errMalformed, off, n)
		}
		if typ == 6 { // Enhanced Packet Block
			if n < 32 {
				return off, fmt.Errorf("%w at offset %d: enhanced packet block of %d octets", errMalformed, off, n)
			}
			if c := order.Uint32(rest[20:]); c > n-32 {
				return off, fmt.Errorf("%w at offset %d: enhanced packet block of %d octets captures %d", errMalformed, off, n, c)
			}
		}
		off += int(n)
	}
	return len(b), nil
}
