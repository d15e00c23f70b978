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
	"slices"
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
	// ChecksumOK is false when an SCTP packet's CRC32c does not match,
	// or could not be checked: the frame was cut by the snap length.
	ChecksumOK bool `json:"checksumOk"`
	// CaptureLength and Length are the frame's octets in the capture and
	// on the wire; the snap length (tcpdump -s) makes the first smaller.
	CaptureLength int `json:"captureLength"`
	Length        int `json:"length"`
	// Truncated says the snap length cut Payload short of the message.
	Truncated bool `json:"truncated,omitempty"`
	// LinkType is the capture's link type for Bare frames.
	LinkType int `json:"linkType,omitempty"`
	// Payload is the M3UA message; for Bare frames, the frame's bytes.
	Payload []byte `json:"-"`
}

// Link types of captures with IP, beyond gopacket's 8-bit LinkType: a
// classic pcap header holds the link type in 32 bits and a pcapng
// interface in 16 (tcpdump.org/linktypes.html).
const (
	linkTypeEthernet = 1
	linkTypeRaw      = 101 // raw IPv4 or IPv6, by the version nibble
	linkTypeSLL      = 113 // Linux cooked capture v1
	linkTypeIPv4     = 228
	linkTypeIPv6     = 229
	linkTypeSLL2     = 276 // Linux cooked capture v2 (tcpdump -i any since libpcap 1.10)
)

// supported tells whether frames of link type lt can be read.
func supported(lt int) bool {
	switch lt {
	case linkTypeEthernet, linkTypeRaw, linkTypeSLL, linkTypeIPv4, linkTypeIPv6, linkTypeSLL2:
		return true
	}
	return bare(lt)
}

func bare(lt int) bool { return lt == LinkTypeSCCP || lt >= LinkTypeUser0 && lt <= LinkTypeUser0+15 }

// decodeFrame decodes a frame of link type lt down to its transport layer.
func decodeFrame(data []byte, lt int) gopacket.Packet {
	var first gopacket.Decoder
	switch lt {
	case linkTypeEthernet:
		first = layers.LayerTypeEthernet
	case linkTypeSLL:
		first = layers.LayerTypeLinuxSLL
	case linkTypeSLL2:
		// A 20-octet header starting with the EtherType of the payload;
		// gopacket v1.1.19 has no decoder for it.
		if len(data) < 20 {
			return gopacket.NewPacket(nil, gopacket.LayerTypePayload, gopacket.Lazy)
		}
		first = layers.EthernetType(binary.BigEndian.Uint16(data[0:2]))
		data = data[20:]
	case linkTypeRaw:
		first = layers.LinkTypeRaw // IPv4 or IPv6 by the version nibble
	case linkTypeIPv4:
		first = layers.LayerTypeIPv4
	case linkTypeIPv6:
		first = layers.LayerTypeIPv6
	}
	return gopacket.NewPacket(data, first, gopacket.DecodeOptions{Lazy: true, NoCopy: true})
}

// frameSource yields a capture's frames with the link type of each.
type frameSource interface {
	next() (data []byte, ci gopacket.CaptureInfo, linkType int, err error)
}

// pcapSource is a classic pcap file: one link type for every frame,
// read from the header itself since pcapgo keeps only its low 8 bits
// (so LINKTYPE_LINUX_SLL2, 276, would read as 20).
type pcapSource struct {
	r        *pcapgo.Reader
	linkType int
}

func (s pcapSource) next() ([]byte, gopacket.CaptureInfo, int, error) {
	data, ci, err := s.r.ReadPacketData()
	return data, ci, s.linkType, err
}

// ReadAll reads a pcap or pcapng capture and returns every SCTP DATA
// chunk payload and every M3UA message carried over TCP, in order; in a
// capture of DLT_SCCP or DLT_USER0-15, every frame (Transport Bare). A
// pcapng capture may mix interfaces of different link types. A capture
// that ends inside a frame or block fails with io.ErrUnexpectedEOF
// (wrapped) after the packets before it.
func ReadAll(r io.Reader) ([]Packet, error) {
	pkts, _, err := ReadFrames(r)
	return pkts, err
}

// ReadFrames is ReadAll that also counts the frames read, SIGTRAN or
// not, to say what a capture without any held.
func ReadFrames(r io.Reader) ([]Packet, int, error) {
	br := bufio.NewReader(r)
	magic, err := br.Peek(4)
	if err != nil {
		return nil, 0, fmt.Errorf("pcap: reading file header: %w", err)
	}
	var src frameSource
	if binary.LittleEndian.Uint32(magic) == 0x0a0d0d0a {
		raw, err := io.ReadAll(br)
		if err != nil {
			return nil, 0, fmt.Errorf("pcap: reading: %w", err)
		}
		// pcapgo trusts a block's lengths: hand it only the blocks whose
		// lengths are consistent, and report the first that is not
		// where pcapgo would have met it.
		good, bad := ngPrefix(raw)
		if good == 0 && bad != nil {
			return nil, 0, fmt.Errorf("pcap: pcapng header: %w", bad)
		}
		// Every interface's packets are read, whatever its link type
		// (pcapgo's default drops those of a link type other than the
		// first interface's); the link types come from ngLinkTypes.
		ng, err := newNgReader(bytes.NewReader(raw[:good]))
		if err != nil {
			return nil, 0, fmt.Errorf("pcap: pcapng header: %w", err)
		}
		lts, ifaces := ngLinkTypes(raw[:good])
		if len(ifaces) > 0 && !slices.ContainsFunc(ifaces, supported) {
			return nil, 0, fmt.Errorf("pcap: link type %d not supported (Ethernet, Linux cooked, raw IP, SCCP or USER0-15)", ifaces[0])
		}
		src = &safeSource{NgReader: ng, bad: bad, linkTypes: lts}
	} else {
		hdr, _ := br.Peek(24)
		hdr = append([]byte(nil), hdr...)
		pr, err := pcapgo.NewReader(br)
		if err != nil {
			return nil, 0, fmt.Errorf("pcap: file header: %w", err)
		}
		// A record's caplen may not exceed the header's snaplen, and
		// pcapgo allocates caplen before reading the record: bound it
		// by libpcap's MAXIMUM_SNAPLEN (262144), which no SIGTRAN frame
		// comes near, rather than by whatever the file claims (up to
		// 4 GiB).
		if pr.Snaplen() > maxSnaplen {
			pr.SetSnaplen(maxSnaplen)
		}
		// The link type is the low 16 bits of the header's LinkType
		// field; the upper ones carry FCS information.
		var order binary.ByteOrder = binary.LittleEndian
		if m := binary.BigEndian.Uint32(hdr); m == 0xa1b2c3d4 || m == 0xa1b23c4d {
			order = binary.BigEndian
		}
		lt := int(order.Uint32(hdr[20:24]) & 0xffff)
		if !supported(lt) {
			return nil, 0, fmt.Errorf("pcap: link type %d not supported (Ethernet, Linux cooked, raw IP, SCCP or USER0-15)", lt)
		}
		src = pcapSource{pr, lt}
	}
	var out []Packet
	streams := make(map[[2]netip.AddrPort]*tcpStream) // TCP bytes not yet framed
	for frame := 1; ; frame++ {
		data, ci, lt, err := src.next()
		if errors.Is(err, io.EOF) {
			return out, frame - 1, nil
		}
		if err != nil {
			return out, frame - 1, fmt.Errorf("pcap: frame %d: %w", frame, err)
		}
		// A frame cut by the snap length is read as far as it goes: its
		// SCTP checksum cannot be checked, and the message it cuts is
		// marked Truncated rather than left to fail as malformed.
		snapped := ci.CaptureLength < ci.Length
		frameLen := max(ci.Length, ci.CaptureLength)
		if bare(lt) {
			out = append(out, Packet{Frame: frame, Time: ci.Timestamp, Transport: Bare, ChecksumOK: true, LinkType: lt,
				CaptureLength: ci.CaptureLength, Length: frameLen, Truncated: snapped, Payload: append([]byte(nil), data...)})
			continue
		}
		if !supported(lt) {
			continue // an interface of a pcapng capture that carries no SIGTRAN
		}
		pkt := decodeFrame(data, lt)
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
			okSum := !snapped && checksum(s.Contents, s.Payload) == sum
			// The chunks are walked here: gopacket v1.1.19 stops at the
			// first DATA chunk, so the other DATA chunks bundled in the
			// packet (RFC 9260 §6.10) were lost.
			for _, d := range dataChunks(s.Payload) {
				out = append(out, Packet{Frame: frame, Time: ci.Timestamp, Transport: SCTP,
					Src: netip.AddrPortFrom(srcIP, uint16(s.SrcPort)), Dst: netip.AddrPortFrom(dstIP, uint16(s.DstPort)),
					Stream: d.stream, PPID: d.ppid, ChecksumOK: okSum, CaptureLength: ci.CaptureLength, Length: frameLen,
					Truncated: d.cut, Payload: d.payload})
			}
			continue
		}
		if t, ok := pkt.Layer(layers.LayerTypeTCP).(*layers.TCP); ok {
			key := [2]netip.AddrPort{netip.AddrPortFrom(srcIP, uint16(t.SrcPort)), netip.AddrPortFrom(dstIP, uint16(t.DstPort))}
			st := streams[key]
			if st == nil {
				st = &tcpStream{}
				streams[key] = st
			}
			payload := st.fresh(t)
			if len(payload) == 0 {
				continue
			}
			buf := append(st.buf, payload...)
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
					ChecksumOK: true, CaptureLength: ci.CaptureLength, Length: frameLen, Payload: append([]byte(nil), buf[:n]...)})
				buf = buf[n:]
			}
			if snapped && len(buf) > 0 && buf[0] == 1 {
				// The rest of the message was not captured: show what
				// was, and start again at the next segment.
				out = append(out, Packet{Frame: frame, Time: ci.Timestamp, Transport: TCP, Src: key[0], Dst: key[1],
					ChecksumOK: true, CaptureLength: ci.CaptureLength, Length: frameLen, Truncated: true,
					Payload: append([]byte(nil), buf...)})
				buf = nil
			}
			if len(buf) > 0 && buf[0] != 1 {
				buf = nil
			}
			st.buf = append([]byte(nil), buf...)
		}
	}
}

// tcpStream is one direction of a TCP connection: the bytes not yet
// framed and the sequence number of the next new byte.
type tcpStream struct {
	buf    []byte
	next   uint32
	synced bool
}

// fresh returns the part of t's payload not seen before in the stream.
// A retransmitted segment (RFC 9293 §3.10.7.4: its sequence numbers are
// below the next expected one) must not be framed again: its M3UA
// messages would be read twice, and a replayed InitialDP played twice.
// After a gap (a segment the capture missed) the unframed bytes are out
// of step and are dropped.
func (st *tcpStream) fresh(t *layers.TCP) []byte {
	if t.SYN {
		st.buf, st.next, st.synced = nil, t.Seq+1, true
		return nil
	}
	p := t.Payload
	if len(p) == 0 {
		return nil
	}
	if !st.synced {
		st.next, st.synced = t.Seq, true
	}
	switch d := int32(t.Seq - st.next); {
	case d < 0:
		if int(-d) >= len(p) {
			return nil // all seen before
		}
		p = p[-d:]
	case d > 0:
		st.buf = nil
	}
	st.next = t.Seq + uint32(len(t.Payload))
	return p
}

// chunk is the user data of one SCTP DATA chunk.
type chunk struct {
	stream  uint16
	ppid    uint32
	payload []byte
	cut     bool // by the snap length: payload is what was captured
}

// dataChunks returns the DATA chunks of an SCTP packet's chunks, in
// order. Each chunk is padded to 4 octets (RFC 9260 §3.2); a DATA chunk
// cut by the capture's snap length keeps what was captured; the walk
// stops at a chunk whose length is impossible.
func dataChunks(b []byte) []chunk {
	var out []chunk
	for len(b) >= 4 {
		n := int(binary.BigEndian.Uint16(b[2:4]))
		if n < 4 {
			break
		}
		if b[0] == 0 && n >= 16 && len(b) >= 16 {
			end := min(n, len(b))
			out = append(out, chunk{stream: binary.BigEndian.Uint16(b[8:10]), ppid: binary.BigEndian.Uint32(b[12:16]),
				payload: b[16:end], cut: end < n})
		}
		step := n + (4-n%4)%4
		if step >= len(b) {
			break
		}
		b = b[step:]
	}
	return out
}

// checksum recomputes the CRC32c of an SCTP packet with a zero checksum field.
func checksum(header, payload []byte) uint32 {
	pkt := make([]byte, 0, len(header)+len(payload))
	pkt = append(pkt, header...)
	pkt = append(pkt, payload...)
	pkt[8], pkt[9], pkt[10], pkt[11] = 0, 0, 0, 0
	return crc32.Checksum(pkt, castagnoli)
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
	return pcapgo.NewNgReader(r, pcapgo.NgReaderOptions{WantMixedLinkType: true})
}

// safeSource is a pcapng reader whose panics on malformed blocks (an
// interface description block may come after the first packet; see
// newNgReader) are errors, and which ends with the error ngPrefix found,
// if any, rather than io.EOF. linkTypes is the link type of each packet
// in turn (ngLinkTypes).
type safeSource struct {
	*pcapgo.NgReader
	bad       error
	linkTypes []int
	n         int
}

func (s *safeSource) next() (data []byte, ci gopacket.CaptureInfo, lt int, err error) {
	defer func() {
		if p := recover(); p != nil {
			data, err = nil, fmt.Errorf("%w: %v", errMalformed, p)
		}
	}()
	data, ci, err = s.NgReader.ReadPacketData()
	if errors.Is(err, io.EOF) && s.bad != nil {
		err = s.bad
	}
	lt = -1
	if err == nil && s.n < len(s.linkTypes) {
		lt = s.linkTypes[s.n]
	}
	s.n++
	return data, ci, lt, err
}

// ngLinkTypes walks the blocks of a pcapng capture that ngPrefix
// accepted and returns the link type of each packet, in the order pcapgo
// reads them (Enhanced, Simple and obsolete Packet Blocks), and the link
// types of every interface. The link type is the 16-bit field of the
// packet's Interface Description Block (pcapng §4.2); interface numbers
// start again in each section (§4.1). -1 marks a packet of an unknown
// interface (pcapgo fails on it).
func ngLinkTypes(b []byte) (packets, ifaces []int) {
	var order binary.ByteOrder = binary.LittleEndian
	var section []int
	for off := 0; off+12 <= len(b); {
		rest := b[off:]
		if binary.LittleEndian.Uint32(rest) == 0x0a0d0d0a {
			order = binary.LittleEndian
			if binary.BigEndian.Uint32(rest[8:]) == 0x1a2b3c4d {
				order = binary.BigEndian
			}
			section = nil
		}
		typ, n := order.Uint32(rest), int(order.Uint32(rest[4:]))
		if n < 12 || n > len(rest) {
			break
		}
		iface := -1
		switch {
		case typ == 1 && n >= 20: // Interface Description Block
			lt := int(order.Uint16(rest[8:]))
			section = append(section, lt)
			ifaces = append(ifaces, lt)
		case typ == 6 && n >= 32: // Enhanced Packet Block
			iface = int(order.Uint32(rest[8:]))
		case typ == 3: // Simple Packet Block: the first interface
			iface = 0
		case typ == 2 && n >= 32: // Packet Block (obsolete)
			iface = int(order.Uint16(rest[8:]))
		}
		if typ == 6 || typ == 3 || typ == 2 {
			lt := -1
			if iface >= 0 && iface < len(section) {
				lt = section[iface]
			}
			packets = append(packets, lt)
		}
		off += n
	}
	return packets, ifaces
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
			return off, fmt.Errorf("pcapng block at offset %d: the file ends %d octets into its header: %w", off, len(rest), io.ErrUnexpectedEOF)
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
		if n < 12 || n%4 != 0 {
			return off, fmt.Errorf("%w at offset %d: block length %d", errMalformed, off, n)
		}
		if uint64(n) > uint64(len(rest)) {
			// The file ends inside the block (a capture cut while being
			// written): the blocks before it are read, as for classic pcap.
			return off, fmt.Errorf("pcapng block at offset %d is %d octets, the file ends %d octets into it: %w", off, n, len(rest), io.ErrUnexpectedEOF)
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
