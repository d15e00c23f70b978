//go:build linux

package transport

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"time"
)

// The demultiplexer of userspace SCTP. A raw socket sees every SCTP
// packet for its address, whoever it is for, so the process keeps one raw
// socket per local address, shared by all its endpoints there, and hands
// each packet to the endpoint that owns the destination port and from
// there to the association of the (local, remote) address and port pair,
// after checking the verification tag (RFC 9260 §8.5). Packets for ports
// the process does not own belong to another process and are ignored.

// demux is one raw socket and the endpoints (ports) on its address.
type demux struct {
	local netip.Addr // bound address; 0.0.0.0 for a wildcard listener
	raw   *rawSocket
	log   *slog.Logger

	mu    sync.RWMutex
	ports map[uint16]*endpoint
}

// demuxes holds the process's raw sockets by local address. Opening and
// closing endpoints happens under its lock, so a socket is never closed
// while an endpoint is being added to it.
var demuxes struct {
	sync.Mutex
	m map[netip.Addr]*demux
}

// endpointConfig is what every association of an endpoint is built with.
type endpointConfig struct {
	out, in    uint16
	heartbeat  time.Duration
	maxRetrans int
}

// endpoint is one local SCTP port on a demux: a listener's, or a dialled
// association's. It holds a UDP socket on the same address and port: the
// kernel knows nothing of userspace SCTP ports, and the UDP socket keeps
// two userspace SCTP endpoints on one host (two processes, or an
// ephemeral port) from picking the same number.
type endpoint struct {
	d    *demux
	port uint16
	hold *net.UDPConn
	cfg  endpointConfig
	lis  *usctpListener // nil for a dialling endpoint

	mu       sync.Mutex
	assocs   map[assocKey]*packetConn
	restarts map[assocKey]*packetConn // handshakes of a restarting peer, beside its live association
	closed   bool
	lisOpen  bool
	abortsAt time.Time // rate limit of ABORTs to out-of-the-blue packets
	aborts   int
}

// assocKey names an association by its two transport addresses.
type assocKey struct{ local, remote netip.AddrPort }

// openEndpoint reserves local:port (0 picks a free port) and registers
// the endpoint on the demux of local's address, opening its raw socket if
// it is the first.
func openEndpoint(local netip.Addr, port uint16, cfg endpointConfig, lis *usctpListener) (*endpoint, error) {
	hold, err := net.ListenUDP("udp4", net.UDPAddrFromAddrPort(netip.AddrPortFrom(local, port)))
	if err != nil {
		return nil, fmt.Errorf("reserve port %s: %w", netip.AddrPortFrom(local, port), err)
	}
	port = uint16(hold.LocalAddr().(*net.UDPAddr).Port)

	demuxes.Lock()
	defer demuxes.Unlock()
	if demuxes.m == nil {
		demuxes.m = make(map[netip.Addr]*demux)
	}
	d := demuxes.m[local]
	if d == nil {
		raw, err := openRawSocket(local)
		if err != nil {
			hold.Close()
			return nil, err
		}
		d = &demux{local: local, raw: raw, ports: make(map[uint16]*endpoint),
			log: slog.Default().With("layer", "sctp", "transport", string(UserspaceSCTP), "local", local.String())}
		demuxes.m[local] = d
		go d.readLoop()
	}
	e := &endpoint{d: d, port: port, hold: hold, cfg: cfg, lis: lis, lisOpen: lis != nil, assocs: make(map[assocKey]*packetConn), restarts: make(map[assocKey]*packetConn)}
	d.mu.Lock()
	d.ports[port] = e
	d.mu.Unlock()
	return e, nil
}

// release closes the endpoint once it has neither an open listener nor
// an association; the raw socket closes with the last endpoint.
func (e *endpoint) release() {
	e.mu.Lock()
	if e.closed || e.lisOpen || len(e.assocs) > 0 {
		e.mu.Unlock()
		return
	}
	e.closed = true
	e.mu.Unlock()

	demuxes.Lock()
	defer demuxes.Unlock()
	d := e.d
	d.mu.Lock()
	delete(d.ports, e.port)
	last := len(d.ports) == 0
	d.mu.Unlock()
	e.hold.Close()
	if last {
		delete(demuxes.m, d.local)
		d.raw.close()
	}
}

// closeListener stops accepting on the endpoint.
func (e *endpoint) closeListener() {
	e.mu.Lock()
	e.lisOpen = false
	e.mu.Unlock()
	e.release()
}

func (d *demux) readLoop() {
	buf := make([]byte, 1<<16)
	for {
		n, err := d.raw.recv(buf)
		if err != nil {
			if d.raw.isClosed() {
				return
			}
			d.log.Warn("raw socket read failed", "error", err.Error())
			time.Sleep(10 * time.Millisecond)
			continue
		}
		src, dst, pkt, err := parseIPv4(buf[:n])
		if err != nil {
			continue
		}
		d.mu.RLock()
		e := d.ports[dstPort(pkt)]
		d.mu.RUnlock()
		if e == nil || !d.local.IsUnspecified() && dst != d.local {
			continue // another process's packet, or nobody's
		}
		e.deliver(src, dst, pkt)
	}
}

// deliver hands a packet to its association, starts a new one for an
// INIT to a listener, or answers it as out of the blue.
func (e *endpoint) deliver(src, dst netip.Addr, pkt []byte) {
	if !checksumOK(pkt) {
		return // RFC 9260 §6.8: discard a packet with a bad checksum
	}
	cs, err := chunks(pkt)
	if err != nil {
		return
	}
	key := assocKey{local: netip.AddrPortFrom(dst, e.port), remote: netip.AddrPortFrom(src, srcPort(pkt))}
	var restarted, superseded *packetConn
	e.mu.Lock()
	pc := e.assocs[key]
	if pc != nil && e.lis != nil {
		var busy bool
		if pc, restarted, superseded, busy = e.routeRestart(key, pc, pkt, cs); busy {
			e.mu.Unlock()
			if superseded != nil {
				superseded.Close()
			}
			return // no room for the restart's handshake: its INIT is sent again
		}
	} else if pc == nil && cs[0].typ == chunkInit && e.lisOpen {
		// An INIT takes a handshake only if it is one: tag 0, alone in its
		// packet (RFC 9260 §8.5.1 A), with an initiate tag (§3.3.2);
		// anything else is discarded, not given 30 s of state.
		if ip, ok := readInit(pkt); !ok || len(cs) != 1 || verifyTag(pkt) != 0 || ip.tag == 0 {
			e.mu.Unlock()
			return
		}
		var busy bool
		if pc, busy = e.lis.newHandshake(e, key); pc != nil {
			e.assocs[key] = pc
		} else if busy {
			// No room now (the backlog, or this source's share of it):
			// dropped without a word, so the peer sends its INIT again
			// after T1-init and gets in once a handshake ends. An ABORT
			// failed its dial for good (§5.1: the receiver of an INIT
			// keeps no state it cannot afford).
			e.mu.Unlock()
			return
		}
	}
	e.mu.Unlock()
	if superseded != nil {
		superseded.Close()
	}
	if restarted != nil {
		restarted.drop(ErrPeerRestarted)
	}
	if pc != nil {
		pc.receive(pkt, cs)
		return
	}
	e.outOfTheBlue(src, dst, pkt, cs)
}

// routeRestart picks the association of a listener's packet when the
// peer may be restarting: dialling again from the same address and port
// with a new tag. Its INIT starts a handshake beside the live association,
// which is left as it is (RFC 9260 §5.2.2: an INIT alone, stale or
// spoofed, changes nothing) until the COOKIE ECHO of that handshake shows
// the restart is real (§5.2.4). The old association is then not carried
// over: it is returned as restarted, to be reported lost to its user, and
// the new one takes its place. A handshake replaced by one with yet
// another tag is returned as superseded. Called with e locked; a nil
// association answers the packet as out of the blue.
func (e *endpoint) routeRestart(key assocKey, live *packetConn, pkt []byte, cs []chunk) (pc, restarted, superseded *packetConn, busy bool) {
	next := e.restarts[key]
	switch {
	case cs[0].typ == chunkInit && live.restartedBy(pkt):
		if next != nil && !next.restartedBy(pkt) {
			return next, nil, nil, false // that handshake's INIT again
		}
		if next != nil {
			delete(e.restarts, key)
			superseded = next
		}
		if !e.lisOpen {
			return nil, nil, superseded, false
		}
		if next, busy = e.lis.newHandshake(e, key); next != nil {
			e.restarts[key] = next
		}
		return next, nil, superseded, busy
	case next != nil && cs[0].typ == chunkCookieEcho && next.ownTag(verifyTag(pkt)):
		delete(e.restarts, key)
		e.assocs[key] = next
		return next, live, nil, false
	}
	return live, nil, nil, false
}

// ErrPeerRestarted ends an association whose peer dialled again from the
// same address and port: the peer lost its state, and with it everything
// carried over the old association (its TCAP dialogues included).
var ErrPeerRestarted = errors.New("peer restarted: a new INIT came from its address and port")

// outOfTheBlue answers a packet no association of ours takes, as RFC 9260
// §8.4 says.
func (e *endpoint) outOfTheBlue(src, dst netip.Addr, pkt []byte, cs []chunk) {
	var out []byte
	for _, c := range cs {
		switch c.typ {
		case chunkAbort, chunkShutdownComplete, chunkCookieAck, chunkError:
			return // §8.4 (2), (6), (7): discard silently
		case chunkCookieEcho:
			return // a cookie of an association we no longer hold: invalid, discarded (§5.1.5)
		case chunkInit:
			// §8.4 (3): no listener takes it; the ABORT carries the INIT's
			// initiate tag, T bit clear.
			if ip, ok := readInit(pkt); ok && len(cs) == 1 {
				out = reply(pkt, chunkAbort, ip.tag, false)
			}
		case chunkShutdownAck:
			// §8.4 (5): SHUTDOWN COMPLETE, tag reflected.
			out = reply(pkt, chunkShutdownComplete, verifyTag(pkt), true)
		}
		if out != nil {
			break
		}
	}
	if out == nil {
		// §8.4 (8): ABORT with the packet's tag reflected.
		out = reply(pkt, chunkAbort, verifyTag(pkt), true)
	}
	if !e.abortAllowed() {
		return
	}
	b := make([]byte, ipv4HeaderLen+len(out))
	copy(b[ipv4HeaderLen:], out)
	putIPv4Header(b, dst, src, len(out))
	if err := e.d.raw.send(b, src); err != nil {
		e.d.log.Debug("answer to an out-of-the-blue packet not sent", "to", src.String(), "error", err.Error())
	}
}

// abortAllowed limits the answers to out-of-the-blue packets to 100 a
// second per endpoint (RFC 9260 §8.4 asks for a limit).
func (e *endpoint) abortAllowed() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := time.Now()
	if now.Sub(e.abortsAt) > time.Second {
		e.abortsAt, e.aborts = now, 0
	}
	e.aborts++
	return e.aborts <= 100
}

// forget removes an association that has ended.
func (e *endpoint) forget(key assocKey, pc *packetConn) {
	e.mu.Lock()
	if e.assocs[key] == pc {
		delete(e.assocs, key)
		if next := e.restarts[key]; next != nil {
			// The peer's new handshake outlives the old association.
			delete(e.restarts, key)
			e.assocs[key] = next
		}
	}
	if e.restarts[key] == pc {
		delete(e.restarts, key)
	}
	e.mu.Unlock()
	e.release()
}

// addAssoc registers a dialled association; it fails when one with the
// same addresses exists.
func (e *endpoint) addAssoc(pc *packetConn) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.assocs[pc.key] != nil {
		return fmt.Errorf("an association from %s to %s exists", pc.key.local, pc.key.remote)
	}
	e.assocs[pc.key] = pc
	return nil
}
