// Package transport carries M3UA messages between two endpoints, behind
// one small message-oriented interface:
//
//   - kernel SCTP ("sctp"): the production path, multi-homed, PPID 3 and a
//     stream per message, through the kernel's sctp module;
//   - userspace SCTP ("userspace-sctp"): SCTP associations in raw IPv4
//     packets of protocol 132, run by github.com/pion/sctp in this process,
//     for hosts whose kernel has no SCTP (containers, locked-down kernels);
//   - M3UA over TCP ("tcp"): framed by the M3UA length field, as newer
//     Osmocom STPs offer;
//
// and "auto", which picks kernel SCTP when the kernel has it, else
// userspace SCTP when the process may open raw sockets, else says what to
// do.
//
// Userspace SCTP and its limits. One raw socket per local address is
// shared by every endpoint of the process on that address; a demultiplexer
// hands each packet to its association by addresses, ports and
// verification tag (RFC 9260 §8.5), and answers out-of-the-blue packets to
// its own ports as RFC 9260 §8.4 says (packets to other ports belong to
// other processes and are left alone). pion/sctp always writes port 5000:
// the transport rewrites the ports both ways and recomputes the CRC32c. It
// strips the INIT parameters pion cannot parse (IPv4/IPv6 addresses,
// Cookie Preservative, Supported Address Types, which Linux always sends)
// and writes the configured stream counts into the INIT and INIT ACK pion
// builds. Each endpoint holds a UDP socket on the same address and port,
// so two userspace SCTP endpoints on one host never share a port. The
// limits:
//
//   - single-homed and IPv4 only: one local address, one peer address
//     per association (several remote addresses are tried in turn);
//   - it needs CAP_NET_RAW (root, or `setcap cap_net_raw+ep` on the
//     binary);
//   - it must not run where the kernel's sctp module is loaded: both
//     stacks would answer the same packets (Listen and Dial refuse);
//   - a peer restarting from the same address and port ends the old
//     association (reported to its user) and starts a new one, rather than
//     the TCB-preserving restart of RFC 9260 §5.2.2;
//   - the peer is declared unreachable after MaxRetrans+1 heartbeats
//     without an answer (RFC 9260 §8.1, §8.3) — pion itself retransmits
//     forever — and Close waits up to 3 s for SHUTDOWN ACK before it
//     aborts;
//   - while a raw SCTP socket is open the kernel sends no ICMP
//     "protocol unreachable" for SCTP: listeners open it before peers
//     dial, and a dial to a port nobody serves times out rather than
//     failing at once.
package transport

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// Message is one user message of an association.
type Message struct {
	Payload []byte
	// Stream is the SCTP stream; TCP has one ordered stream and ignores it.
	Stream uint16
	// PPID is the SCTP payload protocol identifier (3 for M3UA).
	PPID uint32
}

// PPIDM3UA is the payload protocol identifier of M3UA (RFC 4666 §1.4.7).
const PPIDM3UA = 3

// Conn is an established association. Read is called from one goroutine;
// Write may be called from many.
type Conn interface {
	// Read returns the next message; its Payload is owned by the caller.
	Read() (Message, error)
	Write(Message) error
	Close() error
	LocalAddr() net.Addr
	RemoteAddr() net.Addr
	// OutStreams is the number of outbound streams the peer granted
	// (1 for TCP), so the caller can spread traffic by SLS.
	OutStreams() uint16
}

// Aborter is implemented by the SCTP transports' Conns: Abort ends the
// association at once with an ABORT chunk (RFC 9260 §9.1) where Close
// shuts it down gracefully.
type Aborter interface {
	Abort() error
}

// Listener accepts associations.
type Listener interface {
	Accept() (Conn, error)
	Close() error
	Addr() net.Addr
}

// Kind names a transport.
type Kind string

// Transports. Auto is kernel SCTP when the kernel offers it, else
// userspace SCTP when the process may open raw sockets.
const (
	TCP           Kind = "tcp"
	KernelSCTP    Kind = "sctp"
	UserspaceSCTP Kind = "userspace-sctp"
	Auto          Kind = "auto"
)

// Kinds lists the transports a configuration may name.
var Kinds = []Kind{TCP, KernelSCTP, UserspaceSCTP, Auto}

// Config says how to listen or dial.
type Config struct {
	Kind Kind
	// Local holds the local addresses as host:port; several addresses
	// (same port) make a multi-homed SCTP endpoint. Empty means any.
	Local []string
	// OutStreams and InStreams bound the SCTP streams requested in INIT
	// (RFC 9260 §5.1); zero means 16.
	OutStreams, InStreams uint16
	// Heartbeat is the interval after which an idle userspace SCTP
	// association sends a HEARTBEAT, and MaxRetrans how many in a row may
	// go unanswered: the peer is declared unreachable when one more is
	// (the error counter exceeds it, RFC 9260 §8.1, §8.3; zero means 30 s
	// and 10). Kernel SCTP takes these from the sysctls
	// net.sctp.hb_interval and net.sctp.association_max_retrans.
	Heartbeat  time.Duration
	MaxRetrans int
}

func (c Config) streams() (out, in uint16) {
	out, in = c.OutStreams, c.InStreams
	if out == 0 {
		out = 16
	}
	if in == 0 {
		in = 16
	}
	return out, in
}

// ErrNoKernelSCTP is returned when kernel SCTP is asked for and the
// kernel has none.
var ErrNoKernelSCTP = errors.New("this kernel has no SCTP (load it with `modprobe sctp`); or use transport `userspace-sctp` (needs root or CAP_NET_RAW) or `tcp` (M3UA over TCP)")

// ErrNoRawSockets is returned when userspace SCTP is asked for and the
// process may not open raw sockets.
var ErrNoRawSockets = errors.New("userspace SCTP needs raw IPv4 sockets: run as root or grant CAP_NET_RAW (`setcap cap_net_raw+ep`), or use transport `tcp` (M3UA over TCP)")

// Listen opens a listener of the configured kind.
func Listen(cfg Config) (Listener, error) {
	kind, err := resolve(cfg.Kind)
	if err != nil {
		return nil, err
	}
	switch kind {
	case TCP:
		return listenTCP(cfg)
	case UserspaceSCTP:
		return listenUserspaceSCTP(cfg)
	default:
		return listenSCTP(cfg)
	}
}

// Dial connects to one of the remote addresses (host:port; several for a
// multi-homed SCTP peer).
func Dial(ctx context.Context, cfg Config, remote []string) (Conn, error) {
	if len(remote) == 0 {
		return nil, errors.New("transport: no remote address to dial")
	}
	kind, err := resolve(cfg.Kind)
	if err != nil {
		return nil, err
	}
	switch kind {
	case TCP:
		return dialTCP(ctx, cfg, remote)
	case UserspaceSCTP:
		return dialUserspaceSCTP(ctx, cfg, remote)
	default:
		return dialSCTP(ctx, cfg, remote)
	}
}

// Resolve says which transport a configured kind runs on this host:
// auto becomes kernel SCTP, userspace SCTP, or an error that says in one
// line what to do.
func Resolve(k Kind) (Kind, error) { return resolve(k) }

func resolve(k Kind) (Kind, error) {
	switch k {
	case TCP:
		return TCP, nil
	case KernelSCTP:
		if !KernelSCTPAvailable() {
			return "", ErrNoKernelSCTP
		}
		return KernelSCTP, nil
	case UserspaceSCTP:
		return UserspaceSCTP, nil // Listen and Dial say what stands in the way
	case Auto, "":
		if KernelSCTPAvailable() {
			return KernelSCTP, nil
		}
		if UserspaceSCTPAvailable() == nil {
			return UserspaceSCTP, nil
		}
		return "", fmt.Errorf("transport auto: %w", errNoSCTPAtAll)
	}
	return "", fmt.Errorf("transport %q: use tcp, sctp, userspace-sctp or auto", k)
}

// errNoSCTPAtAll is auto's answer where neither SCTP can run.
var errNoSCTPAtAll = noSCTPError{}

type noSCTPError struct{}

func (noSCTPError) Error() string {
	return "no SCTP here: load the kernel's (`modprobe sctp`), or run as root or with CAP_NET_RAW for userspace SCTP, or use transport `tcp` (M3UA over TCP)"
}

// Is lets errors.Is find both causes in auto's answer.
func (noSCTPError) Is(target error) bool {
	return target == ErrNoKernelSCTP || target == ErrNoRawSockets
}

// splitHostPorts checks host:port addresses that must share one port, as
// the addresses of a multi-homed SCTP endpoint do.
func splitHostPorts(addrs []string) (hosts []string, port string, err error) {
	for _, a := range addrs {
		h, p, err := net.SplitHostPort(a)
		if err != nil {
			return nil, "", fmt.Errorf("address %q: %w", a, err)
		}
		if port != "" && p != port {
			return nil, "", fmt.Errorf("addresses %s: a multi-homed endpoint uses one port", strings.Join(addrs, ", "))
		}
		port = p
		hosts = append(hosts, h)
	}
	return hosts, port, nil
}
