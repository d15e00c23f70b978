// Package transport carries M3UA messages between two endpoints, behind
// one small message-oriented interface: kernel SCTP (the production path,
// multi-homed, PPID 3 and a stream per message) and M3UA over TCP (framed
// by the M3UA length field, as newer Osmocom STPs offer), with `auto`
// choosing kernel SCTP when the kernel has it.
package transport

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
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

// Listener accepts associations.
type Listener interface {
	Accept() (Conn, error)
	Close() error
	Addr() net.Addr
}

// Kind names a transport.
type Kind string

// Transports. Auto is kernel SCTP when the kernel offers it.
const (
	TCP        Kind = "tcp"
	KernelSCTP Kind = "sctp"
	Auto       Kind = "auto"
)

// Config says how to listen or dial.
type Config struct {
	Kind Kind
	// Local holds the local addresses as host:port; several addresses
	// (same port) make a multi-homed SCTP endpoint. Empty means any.
	Local []string
	// OutStreams and InStreams bound the SCTP streams requested in INIT
	// (RFC 9260 §5.1); zero means 16.
	OutStreams, InStreams uint16
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
var ErrNoKernelSCTP = errors.New("this kernel has no SCTP (load it with `modprobe sctp`), or use transport `tcp` (M3UA over TCP)")

// Listen opens a listener of the configured kind.
func Listen(cfg Config) (Listener, error) {
	kind, err := resolve(cfg.Kind)
	if err != nil {
		return nil, err
	}
	switch kind {
	case TCP:
		return listenTCP(cfg)
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
	default:
		return dialSCTP(ctx, cfg, remote)
	}
}

func resolve(k Kind) (Kind, error) {
	switch k {
	case TCP:
		return TCP, nil
	case KernelSCTP:
		if !KernelSCTPAvailable() {
			return "", ErrNoKernelSCTP
		}
		return KernelSCTP, nil
	case Auto, "":
		if KernelSCTPAvailable() {
			return KernelSCTP, nil
		}
		return "", fmt.Errorf("transport auto: %w", ErrNoKernelSCTP)
	}
	return "", fmt.Errorf("transport %q: use sctp, tcp or auto", k)
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
