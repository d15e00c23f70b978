//go:build linux

package transport

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"sync/atomic"
	"syscall"
)

// ipprotoSCTP is the IP protocol number of SCTP.
const ipprotoSCTP = 132

// rawSocket is a raw IPv4 socket of protocol 132 bound to one local
// address. It receives every SCTP packet for that address, IP header
// included; it sends with IP_HDRINCL so that each packet names its own
// source address. Reads and writes go through the runtime's poller, so a
// Close ends a blocked read.
type rawSocket struct {
	f      *os.File
	rc     syscall.RawConn
	closed atomic.Bool
}

// rawSocketsAllowed reports why the process cannot open a raw SCTP socket,
// or nil when it can: a real socket attempt, nothing guessed.
func rawSocketsAllowed() error {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_RAW|syscall.SOCK_CLOEXEC, ipprotoSCTP)
	if err != nil {
		return err
	}
	syscall.Close(fd)
	return nil
}

func openRawSocket(local netip.Addr) (*rawSocket, error) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_RAW|syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC, ipprotoSCTP)
	if err != nil {
		return nil, fmt.Errorf("raw IPv4 socket for protocol 132: %w", err)
	}
	fail := func(what string, err error) (*rawSocket, error) {
		syscall.Close(fd)
		return nil, fmt.Errorf("raw socket %s: %w", what, err)
	}
	if err := syscall.SetsockoptInt(fd, syscall.IPPROTO_IP, syscall.IP_HDRINCL, 1); err != nil {
		return fail("IP_HDRINCL", err)
	}
	// A deep receive queue: every SCTP packet for the address lands here,
	// and a burst of thousands of messages a second must not overflow it.
	if syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_RCVBUFFORCE, 8<<20) != nil {
		_ = syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_RCVBUF, 8<<20)
	}
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: local.As4()}); err != nil {
		return fail("bind "+local.String(), err)
	}
	f := os.NewFile(uintptr(fd), "sctp-raw-"+local.String())
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("raw socket: %w", err)
	}
	return &rawSocket{f: f, rc: rc}, nil
}

// recv reads one IPv4 packet, header included.
func (r *rawSocket) recv(buf []byte) (int, error) {
	var n int
	var rerr error
	err := r.rc.Read(func(fd uintptr) bool {
		n, rerr = syscall.Read(int(fd), buf)
		return rerr != syscall.EAGAIN
	})
	if err != nil {
		return 0, err
	}
	return n, rerr
}

// send writes pkt, an IPv4 header followed by an SCTP packet, to dst.
func (r *rawSocket) send(pkt []byte, dst netip.Addr) error {
	to := &syscall.SockaddrInet4{Addr: dst.As4()}
	var serr error
	err := r.rc.Write(func(fd uintptr) bool {
		serr = syscall.Sendto(int(fd), pkt, 0, to)
		return serr != syscall.EAGAIN
	})
	if err != nil {
		return err
	}
	return serr
}

func (r *rawSocket) close() error {
	r.closed.Store(true)
	return r.f.Close()
}

func (r *rawSocket) isClosed() bool { return r.closed.Load() }

// ipv4HeaderLen is the header the transport writes: no options.
const ipv4HeaderLen = 20

// putIPv4Header fills b[:20] for an SCTP packet of n octets from src to
// dst. With IP_HDRINCL the kernel fills in the identification and the
// header checksum.
func putIPv4Header(b []byte, src, dst netip.Addr, n int) {
	b[0] = 0x45 // version 4, 5 words
	b[1] = 0
	binary.BigEndian.PutUint16(b[2:], uint16(ipv4HeaderLen+n))
	binary.BigEndian.PutUint32(b[4:], 0) // id (kernel), flags, fragment offset
	b[8] = 64                            // TTL
	b[9] = ipprotoSCTP
	b[10], b[11] = 0, 0
	s, d := src.As4(), dst.As4()
	copy(b[12:16], s[:])
	copy(b[16:20], d[:])
}

var errNotSCTP = errors.New("not an IPv4 SCTP packet")

// parseIPv4 returns the addresses and the SCTP packet of a received IPv4
// datagram (raw sockets deliver reassembled datagrams, header first).
func parseIPv4(b []byte) (src, dst netip.Addr, sctp []byte, err error) {
	if len(b) < ipv4HeaderLen || b[0]>>4 != 4 || b[9] != ipprotoSCTP {
		return src, dst, nil, errNotSCTP
	}
	ihl := int(b[0]&0x0f) * 4
	total := int(binary.BigEndian.Uint16(b[2:]))
	if ihl < ipv4HeaderLen || total < ihl+commonHeaderLen || total > len(b) {
		return src, dst, nil, errNotSCTP
	}
	src = netip.AddrFrom4([4]byte(b[12:16]))
	dst = netip.AddrFrom4([4]byte(b[16:20]))
	return src, dst, b[ihl:total], nil
}
