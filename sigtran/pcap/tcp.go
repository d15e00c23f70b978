package pcap

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"time"

	"github.com/google/gopacket"
)

// TCP framing of M3UA (RFC 4666 §1.3.1 allows TCP; each segment here holds
// one whole M3UA message). Wireshark 4.0 has no M3UA-over-TCP dissector:
// scripts/m3ua-tcp.lua is a small one (tshark -X lua_script:…).

// tcpConn is one TCP connection of a trace, keyed by its client side.
type tcpConn struct {
	client, server netip.AddrPort
	// next is the next sequence number each side sends: [0] the client's,
	// [1] the server's. unacked counts what a side sent that the other
	// has not acknowledged yet.
	next    [2]uint32
	unacked [2]int
}

// tcpWindow is the window every segment advertises; a pure ACK is written
// when a side has this much unacknowledged, so Wireshark sees no full window.
const tcpWindow = 65535

// WriteM3UATCP writes one M3UA message sent from src to dst over TCP as
// Ethernet / IPv4 / TCP frames with valid checksums. The first message
// between two endpoints opens the connection (SYN, SYN-ACK, ACK at the
// message's time, src being the client); sequence and acknowledgement
// numbers then follow the bytes sent in each direction, and the receiver
// acknowledges with a pure ACK when half a window is outstanding.
func (w *Writer) WriteM3UATCP(t time.Time, src, dst netip.AddrPort, msg []byte) error {
	if !src.Addr().Unmap().Is4() || !dst.Addr().Unmap().Is4() {
		return fmt.Errorf("pcap: %v -> %v: only IPv4 is framed", src, dst)
	}
	src = netip.AddrPortFrom(src.Addr().Unmap(), src.Port())
	dst = netip.AddrPortFrom(dst.Addr().Unmap(), dst.Port())
	if len(msg) > tcpWindow/2 {
		return fmt.Errorf("pcap: %v -> %v: a %d-octet message does not fit one segment", src, dst, len(msg))
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	c, side := w.tcpConn(src, dst)
	if c == nil {
		c = &tcpConn{client: src, server: dst, next: [2]uint32{isn(src, dst), isn(dst, src)}}
		w.conns[flowKey{src, dst}] = c
		// The three-way handshake; the SYNs take one sequence number each.
		if err := w.segment(t, c, 0, tcpSYN, nil); err != nil {
			return err
		}
		c.next[0]++
		if err := w.segment(t, c, 1, tcpSYN|tcpACK, nil); err != nil {
			return err
		}
		c.next[1]++
		if err := w.segment(t, c, 0, tcpACK, nil); err != nil {
			return err
		}
	}
	if err := w.segment(t, c, side, tcpPSH|tcpACK, msg); err != nil {
		return err
	}
	c.next[side] += uint32(len(msg))
	c.unacked[side] += len(msg)
	c.unacked[1-side] = 0 // the segment acknowledged everything the peer sent
	if c.unacked[side] >= tcpWindow/2 {
		if err := w.segment(t, c, 1-side, tcpACK, nil); err != nil {
			return err
		}
		c.unacked[side] = 0
	}
	return nil
}

// tcpConn finds the connection between two endpoints and which side src is.
func (w *Writer) tcpConn(src, dst netip.AddrPort) (*tcpConn, int) {
	if c := w.conns[flowKey{src, dst}]; c != nil {
		return c, 0
	}
	if c := w.conns[flowKey{dst, src}]; c != nil {
		return c, 1
	}
	return nil, 0
}

// TCP header flags (RFC 9293 §3.1).
const (
	tcpSYN = 0x02
	tcpPSH = 0x08
	tcpACK = 0x10
)

// segment writes one TCP segment of c sent by side (0 client, 1 server),
// acknowledging everything the other side sent.
func (w *Writer) segment(t time.Time, c *tcpConn, side int, flags byte, payload []byte) error {
	src, dst := c.client, c.server
	if side == 1 {
		src, dst = dst, src
	}
	var ack uint32
	if flags&tcpACK != 0 {
		ack = c.next[1-side]
	}
	w.ipID++
	w.buf = tcpFrame(w.buf[:0], src, dst, c.next[side], ack, flags, w.ipID, payload)
	ci := gopacket.CaptureInfo{Timestamp: t, CaptureLength: len(w.buf), Length: len(w.buf)}
	if err := w.w.WritePacket(ci, w.buf); err != nil {
		return fmt.Errorf("pcap: write %v -> %v: %w", src, dst, err)
	}
	w.frames++
	return nil
}

// isn is a stable initial sequence number for one side of a connection,
// so that writing the same messages gives the same file.
func isn(a, b netip.AddrPort) uint32 {
	return tagFor(a, b) * 2654435761
}

// tcpFrame builds Ethernet / IPv4 / TCP (20-octet header, no options)
// around payload.
func tcpFrame(b []byte, src, dst netip.AddrPort, seq, ack uint32, flags byte, ipID uint16, payload []byte) []byte {
	tcpLen := 20 + len(payload)
	ipLen := 20 + tcpLen
	b = append(b, mac(dst.Addr())...)
	b = append(b, mac(src.Addr())...)
	b = append(b, 0x08, 0x00)

	ip := len(b)
	s, d := src.Addr().As4(), dst.Addr().As4()
	b = append(b, 0x45, 0, byte(ipLen>>8), byte(ipLen), byte(ipID>>8), byte(ipID), 0x40, 0, 64, 6, 0, 0)
	b = append(b, s[:]...)
	b = append(b, d[:]...)
	binary.BigEndian.PutUint16(b[ip+10:], ipChecksum(b[ip:ip+20]))

	tc := len(b)
	b = binary.BigEndian.AppendUint16(b, src.Port())
	b = binary.BigEndian.AppendUint16(b, dst.Port())
	b = binary.BigEndian.AppendUint32(b, seq)
	b = binary.BigEndian.AppendUint32(b, ack)
	b = append(b, 5<<4, flags)
	b = binary.BigEndian.AppendUint16(b, tcpWindow)
	b = append(b, 0, 0, 0, 0) // checksum (filled below), urgent pointer
	b = append(b, payload...)
	// The checksum covers a pseudo-header of addresses, protocol and
	// length, then the segment (RFC 9293 §3.1).
	pseudo := make([]byte, 0, 12+tcpLen)
	pseudo = append(pseudo, s[:]...)
	pseudo = append(pseudo, d[:]...)
	pseudo = append(pseudo, 0, 6, byte(tcpLen>>8), byte(tcpLen))
	pseudo = append(pseudo, b[tc:]...)
	binary.BigEndian.PutUint16(b[tc+16:], ipChecksum(pseudo))
	return b
}
