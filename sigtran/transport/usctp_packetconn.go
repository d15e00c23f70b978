//go:build linux

package transport

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/transport/v5/deadline"
)

// pionPort is the port pion/sctp writes into every packet it builds and
// expects in every packet it reads; the packet conn puts the
// association's real ports on the wire and 5000 towards pion, and
// recomputes the CRC32c both ways (pion checks it).
const pionPort = 5000

// inQueue is how many packets may wait for pion's reader; beyond it a
// packet is dropped, as a network would, and SCTP retransmits.
const inQueue = 1024

// packetConn is the net.Conn that one pion association runs over: the
// packets of one (local, remote) address pair, from and to the shared
// raw socket. It also watches the handshake: it learns both verification
// tags and the stream counts from INIT and INIT ACK, rewrites the stream
// counts pion offers, and strips the INIT parameters pion cannot parse.
type packetConn struct {
	ep     *endpoint
	key    assocKey
	server bool

	in        chan []byte
	done      chan struct{}
	closeOnce sync.Once
	rd        *deadline.Deadline

	lastRx    atomic.Int64 // unix nanos of the last packet accepted from the peer
	silent    atomic.Bool  // dropped: nothing more goes on the wire
	sawAbort  atomic.Bool
	dropCause atomic.Pointer[error]

	mu             sync.Mutex
	myTag, peerTag uint32 // 0 until the handshake shows them
	peerMIS        uint16
	out            uint16 // outbound streams negotiated (RFC 9260 §5.1.1)
}

func newPacketConn(e *endpoint, key assocKey, server bool) *packetConn {
	pc := &packetConn{ep: e, key: key, server: server, in: make(chan []byte, inQueue), done: make(chan struct{}), rd: deadline.New()}
	pc.lastRx.Store(time.Now().UnixNano())
	return pc
}

// accepts applies the verification tag rules of RFC 9260 §8.5 and §8.5.1.
func (p *packetConn) accepts(pkt []byte, cs []chunk) bool {
	tag := verifyTag(pkt)
	p.mu.Lock()
	my, peer := p.myTag, p.peerTag
	p.mu.Unlock()
	for _, c := range cs {
		switch c.typ {
		case chunkInit:
			return tag == 0 && len(cs) == 1 // §8.5.1 (A)
		case chunkAbort, chunkShutdownComplete:
			// §8.5.1 (B), (C): our tag, or the peer's with the T bit.
			if c.flags&flagT != 0 {
				return peer != 0 && tag == peer
			}
			return my != 0 && tag == my
		}
	}
	return my != 0 && tag == my
}

// restartedBy reports whether pkt is an INIT of a new association from
// the address and port of this one: a different initiate tag. A
// retransmitted INIT keeps its tag and goes to the association.
func (p *packetConn) restartedBy(pkt []byte) bool {
	ip, ok := readInit(pkt)
	if !ok || verifyTag(pkt) != 0 {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.peerTag != 0 && ip.tag != p.peerTag
}

// ownTag reports whether tag is the one this association gave the peer.
func (p *packetConn) ownTag(tag uint32) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.myTag != 0 && tag == p.myTag
}

// receive takes a packet of this association from the demux.
func (p *packetConn) receive(pkt []byte, cs []chunk) {
	if !p.accepts(pkt, cs) {
		return // §8.5: discard silently
	}
	p.lastRx.Store(time.Now().UnixNano())
	if d, ok := emptyData(cs); ok {
		// RFC 9260 §6.2: ABORT with No User Data, and the association ends.
		p.sendChunk(noUserDataAbort(d))
		p.drop(fmt.Errorf("%w (TSN %d): association aborted (RFC 9260 §6.2)", errNoUserData, binary.BigEndian.Uint32(d.raw[4:])))
		return
	}
	b, report := filterChunks(append([]byte(nil), pkt...), cs)
	if len(report) > 0 {
		p.sendChunk(unrecognizedChunks(report)) // RFC 9260 §3.2
	}
	if b == nil {
		return
	}
	switch cs[0].typ {
	case chunkInit, chunkInitAck:
		if ip, ok := readInit(b); ok {
			p.learnPeer(cs[0].typ, ip)
		}
		b, _ = stripInitParams(b)
	}
	for _, c := range cs {
		if c.typ == chunkAbort {
			p.sawAbort.Store(true)
		}
	}
	setPorts(b, pionPort, pionPort)
	setChecksum(b)
	select {
	case p.in <- b:
	case <-p.done:
	default: // queue full: lost, as on a congested link
	}
}

// learnPeer records the peer's tag and inbound streams from the INIT (a
// listener's) or INIT ACK (a dialler's) of the handshake. Later ones leave
// them as they are: an INIT ACK outside COOKIE-WAIT is discarded (RFC 9260
// §5.2.3), and an unexpected INIT must not change the association
// (§5.2.2); pion ignores both, and the tags here must stay pion's.
func (p *packetConn) learnPeer(typ uint8, ip initParams) {
	p.mu.Lock()
	defer p.mu.Unlock()
	handshake := typ == chunkInit && p.server || typ == chunkInitAck && !p.server
	if p.peerTag != 0 || !handshake {
		return
	}
	p.peerTag, p.peerMIS = ip.tag, ip.mis
	p.out = min(p.ep.cfg.out, ip.mis)
}

// outStreams is the number of outbound streams negotiated.
func (p *packetConn) outStreams() uint16 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out
}

// Read gives pion the next packet of the association.
func (p *packetConn) Read(b []byte) (int, error) {
	select {
	case pkt := <-p.in:
		return copy(b, pkt), nil
	case <-p.done:
		return 0, io.EOF
	case <-p.rd.Done():
		return 0, os.ErrDeadlineExceeded
	}
}

// Write puts one packet pion built on the wire, with the real ports.
func (p *packetConn) Write(b []byte) (int, error) {
	select {
	case <-p.done:
		return 0, net.ErrClosed
	default:
	}
	n := len(b)
	if p.silent.Load() || n < commonHeaderLen {
		return n, nil
	}
	b = completeHeartbeats(b)
	out := make([]byte, ipv4HeaderLen+len(b))
	s := out[ipv4HeaderLen:]
	copy(s, b)
	setPorts(s, p.key.local.Port(), p.key.remote.Port())
	switch typ, _, _ := firstChunk(s); typ {
	case chunkInit, chunkInitAck:
		p.ownInit(typ, s)
	}
	setChecksum(s)
	putIPv4Header(out, p.key.local.Addr(), p.key.remote.Addr(), len(s))
	if err := p.ep.d.raw.send(out, p.key.remote.Addr()); err != nil {
		if p.ep.d.raw.isClosed() {
			return 0, net.ErrClosed
		}
		// No route, no buffer: the packet is lost and SCTP retransmits.
		p.ep.d.log.Debug("packet not sent", "to", p.key.remote.String(), "error", err.Error())
	}
	return n, nil
}

// sendHeartbeat sends a HEARTBEAT (RFC 9260 §8.3) for the liveness
// check; the peer's HEARTBEAT ACK goes on to pion as an RTT sample.
func (p *packetConn) sendHeartbeat() {
	var hb [heartbeatLen]byte
	putHeartbeat(hb[:], time.Now())
	p.sendChunk(hb[:])
}

// sendChunk sends a packet of one chunk to the peer, once its tag is
// known.
func (p *packetConn) sendChunk(c []byte) {
	p.mu.Lock()
	peer := p.peerTag
	p.mu.Unlock()
	if peer == 0 || p.silent.Load() {
		return
	}
	out := make([]byte, ipv4HeaderLen+commonHeaderLen+len(c))
	s := out[ipv4HeaderLen:]
	setPorts(s, p.key.local.Port(), p.key.remote.Port())
	binary.BigEndian.PutUint32(s[4:], peer)
	copy(s[commonHeaderLen:], c)
	setChecksum(s)
	putIPv4Header(out, p.key.local.Addr(), p.key.remote.Addr(), len(s))
	if err := p.ep.d.raw.send(out, p.key.remote.Addr()); err != nil {
		p.ep.d.log.Debug("packet not sent", "to", p.key.remote.String(), "error", err.Error())
	}
}

// ownInit records our verification tag from the INIT or INIT ACK pion
// sends and writes the stream counts of the configuration into it: pion
// always offers 65535 each way (RFC 9260 §5.1.1: the outbound count of an
// INIT ACK is at most the INIT's inbound count).
func (p *packetConn) ownInit(typ uint8, pkt []byte) {
	ip, ok := readInit(pkt)
	if !ok {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.ep.cfg.out
	if typ == chunkInitAck {
		out = min(out, p.peerMIS)
	}
	setInitStreams(pkt, out, p.ep.cfg.in)
	if p.myTag != 0 {
		// A retransmission, or pion's answer to an unexpected INIT
		// (RFC 9260 §5.2.2): the association keeps its tag.
		return
	}
	p.myTag = ip.tag
	if typ == chunkInitAck {
		p.out = out
	}
}

// Close ends the packet flow and frees the address pair.
func (p *packetConn) Close() error {
	p.closeOnce.Do(func() {
		close(p.done)
		p.ep.forget(p.key, p)
	})
	return nil
}

// errNoUserData ends an association whose peer sent a DATA chunk with no
// user data (RFC 9260 §6.2).
var errNoUserData = errors.New("peer sent a DATA chunk with no user data")

// drop ends the association without a word on the wire, for cause.
func (p *packetConn) drop(cause error) {
	p.dropCause.Store(&cause)
	p.silent.Store(true)
	p.Close()
}

func (p *packetConn) dropped() error {
	if e := p.dropCause.Load(); e != nil {
		return *e
	}
	return nil
}

func (p *packetConn) LocalAddr() net.Addr  { return sctpAddr4{p.key.local} }
func (p *packetConn) RemoteAddr() net.Addr { return sctpAddr4{p.key.remote} }

func (p *packetConn) SetDeadline(t time.Time) error {
	p.rd.Set(t)
	return nil
}

func (p *packetConn) SetReadDeadline(t time.Time) error {
	p.rd.Set(t)
	return nil
}

// SetWriteDeadline is accepted and ignored: writes do not block.
func (p *packetConn) SetWriteDeadline(time.Time) error { return nil }

// sctpAddr4 is the transport address of a single-homed userspace SCTP
// endpoint; it prints as host:port like the kernel path's addresses.
type sctpAddr4 struct{ ap netip.AddrPort }

func (a sctpAddr4) Network() string { return "sctp" }
func (a sctpAddr4) String() string  { return a.ap.String() }
