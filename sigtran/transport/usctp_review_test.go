//go:build linux

package transport

import (
	"bytes"
	"context"
	"encoding/binary"
	"net/netip"
	"testing"
	"time"
)

// rawPeer is a hand-driven SCTP endpoint on its own raw socket: the tests
// below build each packet byte by byte, as a kernel peer would send it.
type rawPeer struct {
	t    *testing.T
	raw  *rawSocket
	addr netip.AddrPort // the peer's own address and port
	in   chan []byte    // SCTP packets to addr, checksum good
}

func newRawPeer(t *testing.T, addr string) *rawPeer {
	t.Helper()
	requireUserspaceSCTP(t)
	ap := netip.MustParseAddrPort(freeUDPPort(t, addr))
	raw, err := openRawSocket(ap.Addr())
	if err != nil {
		t.Fatal(err)
	}
	p := &rawPeer{t: t, raw: raw, addr: ap, in: make(chan []byte, 256)}
	t.Cleanup(func() { raw.close() })
	go func() {
		buf := make([]byte, 1<<16)
		for {
			n, err := raw.recv(buf)
			if err != nil {
				if raw.isClosed() {
					return
				}
				continue
			}
			_, dst, pkt, err := parseIPv4(buf[:n])
			if err != nil || dst != ap.Addr() || dstPort(pkt) != ap.Port() || !checksumOK(pkt) {
				continue
			}
			select {
			case p.in <- append([]byte(nil), pkt...):
			default:
			}
		}
	}()
	return p
}

// send sends one packet of the given chunks to to with vtag.
func (p *rawPeer) send(to netip.AddrPort, vtag uint32, chunks ...[]byte) {
	p.t.Helper()
	p.sendFrom(p.addr, to, vtag, chunks...)
}

// expect returns the next packet whose first chunk is typ, within d.
func (p *rawPeer) expect(typ uint8, d time.Duration) []byte {
	p.t.Helper()
	deadline := time.After(d)
	for {
		select {
		case pkt := <-p.in:
			if t, _, ok := firstChunk(pkt); ok && t == typ {
				return pkt
			}
		case <-deadline:
			p.t.Fatalf("no chunk of type %d within %v", typ, d)
			return nil
		}
	}
}

// mkChunk builds a chunk of type typ with value v.
func mkChunk(typ, flags uint8, v []byte) []byte {
	c := []byte{typ, flags, 0, 0}
	c = append(c, v...)
	binary.BigEndian.PutUint16(c[2:], uint16(len(c)))
	return c
}

// initChunk builds an INIT (or INIT ACK) with 16 streams each way and
// the given parameters.
func initChunk(typ uint8, tag, tsn uint32, params ...[]byte) []byte {
	v := make([]byte, 16)
	binary.BigEndian.PutUint32(v[0:], tag)
	binary.BigEndian.PutUint32(v[4:], 1<<16)
	binary.BigEndian.PutUint16(v[8:], 16)
	binary.BigEndian.PutUint16(v[10:], 16)
	binary.BigEndian.PutUint32(v[12:], tsn)
	for _, p := range params {
		v = append(v, p...)
		for len(v)%4 != 0 {
			v = append(v, 0)
		}
	}
	return mkChunk(typ, 0, v)
}

// dataChunk builds an unfragmented DATA chunk.
func dataChunk(tsn uint32, stream, ssn uint16, payload []byte) []byte {
	v := make([]byte, 12, 12+len(payload))
	binary.BigEndian.PutUint32(v[0:], tsn)
	binary.BigEndian.PutUint16(v[4:], stream)
	binary.BigEndian.PutUint16(v[6:], ssn)
	binary.BigEndian.PutUint32(v[8:], PPIDM3UA)
	return mkChunk(chunkData, 0x03, append(v, payload...))
}

// stateCookie returns the State Cookie parameter (type 7) of the INIT
// ACK that pkt carries.
func stateCookie(t *testing.T, pkt []byte) []byte {
	t.Helper()
	c := pkt[commonHeaderLen:]
	n := int(binary.BigEndian.Uint16(c[2:]))
	for r := initFixedLen; r+4 <= n; {
		plen := int(binary.BigEndian.Uint16(c[r+2:]))
		if plen < 4 || r+plen > n {
			break
		}
		if binary.BigEndian.Uint16(c[r:]) == 7 {
			return append([]byte(nil), c[r+4:r+plen]...)
		}
		r += (plen + 3) &^ 3
	}
	t.Fatal("INIT ACK without a State Cookie")
	return nil
}

// peerDials runs the handshake from the raw peer to the listener l and
// returns the accepted association with both tags (ours, the listener's).
func (p *rawPeer) dials(l Listener, peerTag uint32) (c Conn, lisTag uint32) {
	p.t.Helper()
	to := netip.MustParseAddrPort(l.Addr().String())
	p.send(to, 0, initChunk(chunkInit, peerTag, 1000))
	ack := p.expect(chunkInitAck, 2*time.Second)
	if verifyTag(ack) != peerTag {
		p.t.Fatalf("INIT ACK with tag %#x, want %#x", verifyTag(ack), peerTag)
	}
	ip, _ := readInit(ack)
	p.send(to, ip.tag, mkChunk(chunkCookieEcho, 0, stateCookie(p.t, ack)))
	p.expect(chunkCookieAck, 2*time.Second)
	return acceptWithin(p.t, l, 2*time.Second), ip.tag
}

// accepting answers the INIT of a dial to the raw peer and returns both
// tags (the dialler's, the peer's) once the COOKIE ACK is sent.
func (p *rawPeer) accepting(peerTag uint32) (dialTag uint32, to netip.AddrPort) {
	p.t.Helper()
	init := p.expect(chunkInit, 3*time.Second)
	ip, _ := readInit(init)
	src := netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), srcPort(init))
	cookie := mkParam(7, []byte("a cookie of the raw peer"))
	p.send(src, ip.tag, initChunk(chunkInitAck, peerTag, 5000, cookie))
	p.expect(chunkCookieEcho, 2*time.Second)
	p.send(src, ip.tag, mkChunk(chunkCookieAck, 0, nil))
	return ip.tag, src
}

func mkParam(typ uint16, v []byte) []byte {
	b := make([]byte, 4, 4+len(v))
	binary.BigEndian.PutUint16(b, typ)
	binary.BigEndian.PutUint16(b[2:], uint16(4+len(v)))
	return append(b, v...)
}

// dialRawPeer dials the raw peer from 127.0.0.1 and returns the
// association with both tags.
func dialRawPeer(t *testing.T, p *rawPeer, cfg Config, peerTag uint32) (Conn, uint32, netip.AddrPort) {
	t.Helper()
	cfg.Kind = UserspaceSCTP
	cfg.Local = []string{"127.0.0.1:0"}
	type res struct {
		c   Conn
		err error
	}
	ch := make(chan res, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		c, err := Dial(ctx, cfg, []string{p.addr.String()})
		ch <- res{c, err}
	}()
	dialTag, src := p.accepting(peerTag)
	r := <-ch
	if r.err != nil {
		t.Fatal(r.err)
	}
	t.Cleanup(func() { r.c.(interface{ Abort() error }).Abort() })
	return r.c, dialTag, src
}

// RFC 9260 §5.2.3: an INIT ACK in any state but COOKIE-WAIT is discarded.
// A second INIT ACK (a kernel peer answers each retransmitted INIT with a
// fresh tag) must not change the tag the association sends with: its
// HEARTBEATs carried the dead tag and the peer discarded them (§8.5).
func TestReviewDuplicateInitAckKeepsTags(t *testing.T) {
	p := newRawPeer(t, "127.0.0.61")
	const peerTag, staleTag = 0x0a0b0c0d, 0x5eadbeef
	_, dialTag, src := dialRawPeer(t, p, Config{Heartbeat: 50 * time.Millisecond, MaxRetrans: 100}, peerTag)
	p.send(src, dialTag, initChunk(chunkInitAck, staleTag, 9000, mkParam(7, []byte("stale cookie"))))
	for i := 0; i < 3; i++ {
		hb := p.expect(chunkHeartbeat, 2*time.Second)
		if got := verifyTag(hb); got != peerTag {
			t.Fatalf("HEARTBEAT with tag %#x after a duplicate INIT ACK, want the association's %#x", got, peerTag)
		}
	}
}

// RFC 9260 §5.2.2: an unexpected INIT (here with a new tag, to a dialled
// association) is answered but MUST NOT change the association: DATA
// with the association's tags is still taken.
func TestReviewStrayInitKeepsDialledAssociation(t *testing.T) {
	p := newRawPeer(t, "127.0.0.62")
	const peerTag = 0x11111111
	c, dialTag, src := dialRawPeer(t, p, Config{}, peerTag)
	p.send(src, 0, initChunk(chunkInit, 0x22222222, 7000))
	if ack := p.expect(chunkInitAck, 2*time.Second); verifyTag(ack) != 0x22222222 {
		t.Fatalf("INIT ACK with tag %#x", verifyTag(ack))
	}
	want := beat(16, 42)
	p.send(src, dialTag, dataChunk(5000, 1, 0, want))
	if m, err := readWithin(t, c, 3*time.Second); err != nil || !bytes.Equal(m.Payload, want) {
		t.Fatalf("DATA after a stray INIT: %v", err)
	}
	if sack := p.expect(3, 2*time.Second); verifyTag(sack) != peerTag {
		t.Fatalf("SACK with tag %#x, want %#x", verifyTag(sack), peerTag)
	}
}

// RFC 9260 §5.2.2: an INIT with a new tag to an established association
// of a listener is answered with an INIT ACK, and the association is left
// as it is until a COOKIE ECHO proves the peer restarted (§5.2.4). An
// INIT alone (stale, or spoofed by anyone who knows the addresses and
// ports) ended it.
func TestReviewInitAloneDoesNotEndAssociation(t *testing.T) {
	p := newRawPeer(t, "127.0.0.63")
	l := listenUSCTP(t, Config{Kind: UserspaceSCTP, Local: []string{"127.0.0.1:0"}})
	defer l.Close()
	to := netip.MustParseAddrPort(l.Addr().String())
	const peerTag, newTag = 0x33333333, 0x44444444
	c, lisTag := p.dials(l, peerTag)

	p.send(to, 0, initChunk(chunkInit, newTag, 8000))
	ack := p.expect(chunkInitAck, 2*time.Second)
	if ip, _ := readInit(ack); verifyTag(ack) != newTag || ip.tag == lisTag {
		t.Fatalf("INIT ACK to the new INIT: tag %#x, initiate tag %#x", verifyTag(ack), ip.tag)
	}
	want := beat(16, 7)
	p.send(to, lisTag, dataChunk(1000, 1, 0, want))
	if m, err := readWithin(t, c, 3*time.Second); err != nil || !bytes.Equal(m.Payload, want) {
		t.Fatalf("DATA on the association after an INIT alone: %v", err)
	}
	if sack := p.expect(3, 2*time.Second); verifyTag(sack) != peerTag {
		t.Fatalf("SACK with tag %#x, want %#x", verifyTag(sack), peerTag)
	}
}

// The restart itself (§5.2.4 action A): the COOKIE ECHO of the new INIT
// ends the old association, reported to its user, and the new one is
// accepted.
func TestReviewRestartCompletesOnCookieEcho(t *testing.T) {
	p := newRawPeer(t, "127.0.0.64")
	l := listenUSCTP(t, Config{Kind: UserspaceSCTP, Local: []string{"127.0.0.1:0"}})
	defer l.Close()
	old, _ := p.dials(l, 0x55555555)
	renewed, newTag := p.dials(l, 0x66666666)
	if _, err := readWithin(t, old, 2*time.Second); err == nil || err.Error() != "transport userspace-sctp: "+ErrPeerRestarted.Error() {
		t.Fatalf("old association after the restart: %v", err)
	}
	want := beat(16, 9)
	p.send(netip.MustParseAddrPort(l.Addr().String()), newTag, dataChunk(1000, 2, 0, want))
	if m, err := readWithin(t, renewed, 3*time.Second); err != nil || !bytes.Equal(m.Payload, want) {
		t.Fatalf("DATA on the new association: %v", err)
	}
}

// pion v1.12.1 cannot parse a HEARTBEAT ACK chunk and drops the whole
// packet with it. A kernel peer bundles a HEARTBEAT ACK with its DATA or
// SACK, which were then lost to retransmission.
func TestReviewHeartbeatAckBundledWithData(t *testing.T) {
	p := newRawPeer(t, "127.0.0.65")
	c, dialTag, src := dialRawPeer(t, p, Config{}, 0x77777777)
	info := make([]byte, 8)
	want := beat(16, 5)
	p.send(src, dialTag, mkChunk(5, 0, mkParam(1, info)), dataChunk(5000, 1, 0, want))
	if m, err := readWithin(t, c, 2*time.Second); err != nil || !bytes.Equal(m.Payload, want) {
		t.Fatalf("DATA bundled after a HEARTBEAT ACK: %v", err)
	}
}

// RFC 9260 §3.2: the upper two bits of an unrecognized chunk type say
// what to do: 00 stop and discard the rest of the packet, 01 the same and
// report, 10 skip the chunk, 11 skip and report, in an ERROR chunk with an
// Unrecognized Chunk Type cause (§3.3.10.6). pion dropped the whole packet,
// the chunks before and after included, and reported nothing.
func TestReviewUnrecognizedChunkTypes(t *testing.T) {
	p := newRawPeer(t, "127.0.0.66")
	const peerTag = 0x12345678
	c, dialTag, src := dialRawPeer(t, p, Config{}, peerTag)
	unknown := func(typ uint8) []byte { return mkChunk(typ, 0, []byte{1, 2, 3, 4, 5}) }
	expectReport := func(typ uint8) {
		t.Helper()
		e := p.expect(chunkError, 2*time.Second)
		c := e[commonHeaderLen:]
		if verifyTag(e) != peerTag || binary.BigEndian.Uint16(c[4:]) != 6 || c[8] != typ {
			t.Fatalf("ERROR for chunk type %#x: % x", typ, e)
		}
	}
	// 11: skipped, reported; the DATA after it is taken.
	m1 := beat(16, 1)
	p.send(src, dialTag, unknown(0xc5), dataChunk(5000, 1, 0, m1))
	if m, err := readWithin(t, c, 2*time.Second); err != nil || !bytes.Equal(m.Payload, m1) {
		t.Fatalf("DATA after a chunk of type 0xc5: %v", err)
	}
	expectReport(0xc5)
	// 01: the DATA before it is taken, the DATA after it discarded.
	m2, m3 := beat(16, 2), beat(16, 3)
	p.send(src, dialTag, dataChunk(5001, 1, 1, m2), unknown(0x45), dataChunk(5002, 2, 0, m3))
	if m, err := readWithin(t, c, 2*time.Second); err != nil || !bytes.Equal(m.Payload, m2) {
		t.Fatalf("DATA before a chunk of type 0x45: %v", err)
	}
	expectReport(0x45)
	// 10: skipped silently.
	m4 := beat(16, 4)
	p.send(src, dialTag, unknown(0x85), dataChunk(5002, 2, 0, m4))
	if m, err := readWithin(t, c, 2*time.Second); err != nil || !bytes.Equal(m.Payload, m4) {
		t.Fatalf("DATA after a chunk of type 0x85 (the one after 0x45 was taken?): %v", err)
	}
}
