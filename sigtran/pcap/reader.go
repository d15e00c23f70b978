package pcap

import (
	"bufio"
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
		ng, err := pcapgo.NewNgReader(br, pcapgo.DefaultNgReaderOptions)
		if err != nil {
			return nil, fmt.Errorf("pcap: pcapng header: %w", err)
		}
		src = ng
	} else {
		pr, err := pcapgo.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("pcap: file header: %w", err)
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
