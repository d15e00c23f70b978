//go:build linux

package transport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/sctp"
)

// Timers and bounds of userspace SCTP.
const (
	// handshakeTimeout bounds an accepted handshake: a peer that sent an
	// INIT and no COOKIE ECHO within it is forgotten.
	handshakeTimeout = 30 * time.Second
	// shutdownTimeout bounds the wait for the peer's SHUTDOWN ACK on
	// Close (RFC 9260 §9.2); past it the association is aborted (§9.1).
	shutdownTimeout = 3 * time.Second
	// backlog bounds the handshakes under way on one listener, and
	// backlogPerSource those from one address (an MSC dials a few
	// associations at most; one source must not take the backlog).
	backlog          = 128
	backlogPerSource = 8
	// maxBuffered is how many octets a stream may hold unacknowledged
	// before Write waits.
	maxBuffered = 4 << 20
)

// RFC 9260 §16 defaults of the liveness check.
const (
	defaultHeartbeat  = 30 * time.Second // HB.interval
	defaultMaxRetrans = 10               // Association.Max.Retrans
)

// UserspaceSCTPAvailable reports nil when this process can run userspace
// SCTP, or what stands in the way: it opens a raw socket to find out, and
// refuses where the kernel's sctp module is loaded, as both stacks would
// answer the same packets.
func UserspaceSCTPAvailable() error {
	if kernelSCTPLoaded() {
		return errKernelSCTPLoaded
	}
	if err := rawSocketsAllowed(); err != nil {
		return fmt.Errorf("%w (raw IPv4 socket: %v)", ErrNoRawSockets, err)
	}
	return nil
}

var errKernelSCTPLoaded = errors.New("the kernel's sctp module is loaded and would answer the same packets: use transport `sctp` (kernel SCTP) here")

// kernelSCTPLoaded looks for the sctp module without opening an SCTP
// socket, which would load it.
func kernelSCTPLoaded() bool {
	_, err := os.Stat("/proc/net/sctp")
	return err == nil
}

func (c Config) endpointConfig() endpointConfig {
	out, in := c.streams()
	e := endpointConfig{out: out, in: in, heartbeat: c.Heartbeat, maxRetrans: c.MaxRetrans}
	if e.heartbeat <= 0 {
		e.heartbeat = defaultHeartbeat
	}
	if e.maxRetrans <= 0 {
		e.maxRetrans = defaultMaxRetrans
	}
	return e
}

// userspaceLocal reads the one local address of a userspace SCTP
// endpoint; def is used when none is configured.
func userspaceLocal(local []string, def string) (netip.AddrPort, error) {
	switch len(local) {
	case 0:
		local = []string{def}
	case 1:
	default:
		return netip.AddrPort{}, errors.New("one local address: userspace SCTP is single-homed")
	}
	return resolveIPv4(context.Background(), local[0])
}

// resolveIPv4 turns host:port into an IPv4 address and port; an empty
// host is the unspecified address.
func resolveIPv4(ctx context.Context, hostport string) (netip.AddrPort, error) {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return netip.AddrPort{}, err
	}
	p, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("port %q: %w", port, err)
	}
	if host == "" {
		return netip.AddrPortFrom(netip.IPv4Unspecified(), uint16(p)), nil
	}
	if a, err := netip.ParseAddr(host); err == nil {
		if !a.Unmap().Is4() {
			return netip.AddrPort{}, fmt.Errorf("%s: userspace SCTP runs over IPv4 only", host)
		}
		return netip.AddrPortFrom(a.Unmap(), uint16(p)), nil
	}
	as, err := net.DefaultResolver.LookupNetIP(ctx, "ip4", host)
	if err != nil || len(as) == 0 {
		return netip.AddrPort{}, fmt.Errorf("host %q: no IPv4 address: %v", host, err)
	}
	return netip.AddrPortFrom(as[0].Unmap(), uint16(p)), nil
}

// usctpListener accepts userspace SCTP associations on one address and
// port.
type usctpListener struct {
	ep        *endpoint
	accepted  chan *usctpConn
	done      chan struct{}
	closeOnce sync.Once
	pending   atomic.Int32
	mu        sync.Mutex
	bySource  map[netip.Addr]int // handshakes under way per source address
	log       *slog.Logger
}

func listenUserspaceSCTP(cfg Config) (Listener, error) {
	if err := UserspaceSCTPAvailable(); err != nil {
		return nil, fmt.Errorf("transport userspace-sctp: %w", err)
	}
	la, err := userspaceLocal(cfg.Local, ":2905")
	if err != nil {
		return nil, fmt.Errorf("transport userspace-sctp: listen: %w", err)
	}
	l := &usctpListener{accepted: make(chan *usctpConn, 16), done: make(chan struct{})}
	ep, err := openEndpoint(la.Addr(), la.Port(), cfg.endpointConfig(), l)
	if err != nil {
		return nil, fmt.Errorf("transport userspace-sctp: listen %s: %w", la, err)
	}
	l.ep = ep
	l.log = ep.d.log
	return l, nil
}

// newHandshake starts the association for an INIT to the listener, or
// returns nil and busy when too many handshakes are under way, on the
// listener or from the INIT's source address (one source cannot take the
// backlog from the others). Called with the endpoint locked.
func (l *usctpListener) newHandshake(e *endpoint, key assocKey) (pc *packetConn, busy bool) {
	src := key.remote.Addr()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.pending.Load() >= backlog || l.bySource[src] >= backlogPerSource {
		return nil, true
	}
	if l.bySource == nil {
		l.bySource = make(map[netip.Addr]int)
	}
	l.bySource[src]++
	l.pending.Add(1)
	pc = newPacketConn(e, key, true)
	go l.handshake(pc)
	return pc, false
}

func (l *usctpListener) handshake(pc *packetConn) {
	defer func() {
		src := pc.key.remote.Addr()
		l.mu.Lock()
		if l.bySource[src]--; l.bySource[src] <= 0 {
			delete(l.bySource, src)
		}
		l.mu.Unlock()
		l.pending.Add(-1)
	}()
	timer := time.AfterFunc(handshakeTimeout, func() { pc.Close() })
	a, err := sctp.ServerWithOptions(pionOptions[sctp.ServerOption](pc)...)
	if !timer.Stop() && err == nil {
		err = errors.New("handshake timed out")
		a.Close()
	}
	if err != nil {
		pc.Close()
		l.log.Debug("inbound handshake failed", "remote", pc.key.remote.String(), "error", err.Error())
		return
	}
	c := newUSCTPConn(a, pc)
	select {
	case l.accepted <- c:
		// Queued as Close ran: Close's drain may have come first.
		select {
		case <-l.done:
			l.abortQueued()
		default:
		}
	case <-l.done:
		c.Abort() // accepted by nobody: RFC 9260 §9.1
	}
}

// abortQueued aborts the associations queued for Accept after the
// listener closed: nobody will accept, read or close them, and they
// would otherwise live on, answering the peer's heartbeats.
func (l *usctpListener) abortQueued() {
	for {
		select {
		case c := <-l.accepted:
			c.Abort()
		default:
			return
		}
	}
}

func (l *usctpListener) Accept() (Conn, error) {
	select {
	case c := <-l.accepted:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

// Close stops accepting. Accepted associations stay up, as with TCP;
// those not yet accepted are aborted.
func (l *usctpListener) Close() error {
	err := net.ErrClosed
	l.closeOnce.Do(func() {
		close(l.done)
		l.abortQueued()
		l.ep.closeListener()
		err = nil
	})
	return err
}

func (l *usctpListener) Addr() net.Addr {
	return sctpAddr4{netip.AddrPortFrom(l.ep.d.local, l.ep.port)}
}

func dialUserspaceSCTP(ctx context.Context, cfg Config, remote []string) (Conn, error) {
	if err := UserspaceSCTPAvailable(); err != nil {
		return nil, fmt.Errorf("transport userspace-sctp: %w", err)
	}
	la, err := userspaceLocal(cfg.Local, ":0")
	if err != nil {
		return nil, fmt.Errorf("transport userspace-sctp: local: %w", err)
	}
	var errs []error
	for _, r := range remote {
		c, err := dialOne(ctx, cfg, la, r)
		if err == nil {
			return c, nil
		}
		errs = append(errs, fmt.Errorf("dial %s: %w", r, err))
		if ctx.Err() != nil {
			break
		}
	}
	return nil, fmt.Errorf("transport userspace-sctp: %w", errors.Join(errs...))
}

func dialOne(ctx context.Context, cfg Config, la netip.AddrPort, remote string) (Conn, error) {
	ra, err := resolveIPv4(ctx, remote)
	if err != nil {
		return nil, err
	}
	local := la.Addr()
	if local.IsUnspecified() {
		if local, err = sourceFor(ra); err != nil {
			return nil, err
		}
	}
	ep, err := openEndpoint(local, la.Port(), cfg.endpointConfig(), nil)
	if err != nil {
		return nil, err
	}
	pc := newPacketConn(ep, assocKey{local: netip.AddrPortFrom(local, ep.port), remote: ra}, false)
	if err := ep.addAssoc(pc); err != nil {
		ep.release()
		return nil, err
	}
	a, err := sctp.ClientContext(ctx, pionOptions[sctp.ClientOption](pc)...)
	if err != nil {
		pc.Close()
		if pc.sawAbort.Load() {
			return nil, fmt.Errorf("the peer answered the INIT with ABORT (nobody listens on that port?): %w", err)
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("no answer to the INIT: %w", ctx.Err())
		}
		return nil, err
	}
	return newUSCTPConn(a, pc), nil
}

// sourceFor asks the routing table which local address reaches dst.
func sourceFor(dst netip.AddrPort) (netip.Addr, error) {
	c, err := net.DialUDP("udp4", nil, net.UDPAddrFromAddrPort(dst))
	if err != nil {
		return netip.Addr{}, fmt.Errorf("no route to %s: %w", dst.Addr(), err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).AddrPort().Addr().Unmap(), nil
}

// pionOptions configures a pion association over pc, as a server or a
// client (O is sctp.ServerOption or sctp.ClientOption).
func pionOptions[O any](pc *packetConn) []O {
	opts := []sctp.AssociationOption{
		sctp.WithNetConn(pc),
		sctp.WithName(pc.key.local.String() + "-" + pc.key.remote.String()),
		sctp.WithLoggerFactory(pionLogs{log: pc.ep.d.log}),
		// I-DATA (RFC 8260) is off: Linux does not offer it by default,
		// and DATA chunks are what M3UA peers and Wireshark expect.
		sctp.WithEnableInterleaving(false),
	}
	out := make([]O, len(opts))
	for i, o := range opts {
		out[i] = any(o).(O)
	}
	return out
}
