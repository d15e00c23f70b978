//go:build linux

package transport

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"unsafe"

	"github.com/ishidawataru/sctp"
)

// KernelSCTPAvailable reports whether the kernel can open an SCTP socket
// (the sctp module is loaded or loadable).
func KernelSCTPAvailable() bool {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, syscall.IPPROTO_SCTP)
	if err != nil {
		return false
	}
	syscall.Close(fd)
	return true
}

// sctpAddr builds a (multi-homed) SCTP address from host:port strings.
func sctpAddr(addrs []string) (*sctp.SCTPAddr, error) {
	hosts, port, err := splitHostPorts(addrs)
	if err != nil {
		return nil, err
	}
	a := &sctp.SCTPAddr{}
	if a.Port, err = net.LookupPort("sctp", port); err != nil {
		return nil, fmt.Errorf("port %q: %w", port, err)
	}
	for _, h := range hosts {
		if h == "" {
			continue
		}
		ips, err := net.LookupIP(h)
		if err != nil || len(ips) == 0 {
			return nil, fmt.Errorf("host %q: %v", h, err)
		}
		a.IPAddrs = append(a.IPAddrs, net.IPAddr{IP: ips[0]})
	}
	return a, nil
}

// The kernel path. github.com/ishidawataru/sctp sets the sockets up
// (bindx, connect with INIT parameters, accept, event subscription,
// status); the I/O is done here on the runtime's poller, with the socket
// made non-blocking and owned by an os.File. The library's own calls are
// blocking syscalls that Close does not interrupt: a listener blocked in
// accept(2) and a reader blocked in recvmsg(2) never returned in the VM
// test, and scpd could not stop.

// sctpFD returns the descriptor of a socket the library opened.
func sctpFD(sc interface {
	SyscallConn() (syscall.RawConn, error)
}) (int, error) {
	rc, err := sc.SyscallConn()
	if err != nil {
		return -1, err
	}
	fd := -1
	err = rc.Control(func(f uintptr) { fd = int(f) })
	return fd, err
}

// pollable hands fd to an os.File on the runtime poller: from now on
// only the file reads, writes and closes it.
func pollable(fd int, name string) (*os.File, syscall.RawConn, error) {
	if err := syscall.SetNonblock(fd, true); err != nil {
		syscall.Close(fd)
		return nil, nil, err
	}
	f := os.NewFile(uintptr(fd), name)
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, rc, nil
}

type sctpListener struct {
	f    *os.File
	rc   syscall.RawConn
	addr net.Addr
	out  uint16
}

func listenSCTP(cfg Config) (Listener, error) {
	local := cfg.Local
	if len(local) == 0 {
		local = []string{":2905"}
	}
	la, err := sctpAddr(local)
	if err != nil {
		return nil, fmt.Errorf("transport sctp: %w", err)
	}
	out, in := cfg.streams()
	l, err := sctp.ListenSCTPExt("sctp", la, sctp.InitMsg{NumOstreams: out, MaxInstreams: in})
	if err != nil {
		return nil, fmt.Errorf("transport sctp: listen %v: %w", la, err)
	}
	addr := l.Addr()
	if addr == nil {
		addr = la
	}
	fd, err := sctpFD(l)
	if err != nil {
		l.Close()
		return nil, fmt.Errorf("transport sctp: listen %v: %w", la, err)
	}
	f, rc, err := pollable(fd, "sctp-listener")
	if err != nil {
		return nil, fmt.Errorf("transport sctp: listen %v: %w", la, err)
	}
	return &sctpListener{f: f, rc: rc, addr: addr, out: out}, nil
}

func (l *sctpListener) Accept() (Conn, error) {
	var nfd int
	var aerr error
	err := l.rc.Read(func(fd uintptr) bool {
		nfd, _, aerr = syscall.Accept4(int(fd), syscall.SOCK_CLOEXEC)
		return aerr != syscall.EAGAIN
	})
	if err != nil {
		return nil, net.ErrClosed
	}
	if aerr != nil {
		return nil, fmt.Errorf("transport sctp: accept: %w", aerr)
	}
	return newSCTPConn(sctp.NewSCTPConn(nfd, nil), l.out, nil)
}

func (l *sctpListener) Close() error   { return l.f.Close() }
func (l *sctpListener) Addr() net.Addr { return l.addr }

func dialSCTP(ctx context.Context, cfg Config, remote []string) (Conn, error) {
	ra, err := sctpAddr(remote)
	if err != nil {
		return nil, fmt.Errorf("transport sctp: remote: %w", err)
	}
	var la *sctp.SCTPAddr
	if len(cfg.Local) > 0 {
		if la, err = sctpAddr(cfg.Local); err != nil {
			return nil, fmt.Errorf("transport sctp: local: %w", err)
		}
	}
	out, in := cfg.streams()
	// The library's connect blocks without a context: run it aside so a
	// cancelled context returns at once (the late socket is closed).
	type result struct {
		c   *sctp.SCTPConn
		err error
	}
	ch := make(chan result, 1)
	go func() {
		c, err := sctp.DialSCTPExt("sctp", la, ra, sctp.InitMsg{NumOstreams: out, MaxInstreams: in})
		ch <- result{c, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			return nil, fmt.Errorf("transport sctp: dial %v: %w", ra, r.err)
		}
		return newSCTPConn(r.c, out, ra)
	case <-ctx.Done():
		go func() {
			if r := <-ch; r.c != nil {
				r.c.Close()
			}
		}()
		return nil, ctx.Err()
	}
}

// sctpConn is one kernel SCTP association (one-to-one style socket).
type sctpConn struct {
	f             *os.File
	rc            syscall.RawConn
	local, remote net.Addr
	out           uint16
	buf, oob      []byte
	writeMu       sync.Mutex
}

// newSCTPConn takes over the socket of c; dialled is the address dialled,
// for a peer whose addresses can no longer be read (it closed at once).
func newSCTPConn(c *sctp.SCTPConn, out uint16, dialled net.Addr) (*sctpConn, error) {
	fd, err := sctpFD(c)
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("transport sctp: %w", err)
	}
	// Ask for the sndrcvinfo of each message, which carries its stream and
	// PPID (RFC 6458 §5.3.2).
	if err := c.SubscribeEvents(sctp.SCTP_EVENT_DATA_IO); err != nil {
		syscall.Close(fd)
		return nil, fmt.Errorf("transport sctp: subscribe data I/O events: %w", err)
	}
	// No Nagle (RFC 6458 §8.1.5): signalling is request and answer, and a
	// message held until the previous one's delayed SACK waits 200 ms.
	if err := syscall.SetsockoptInt(fd, syscall.IPPROTO_SCTP, sctpNoDelay, 1); err != nil {
		syscall.Close(fd)
		return nil, fmt.Errorf("transport sctp: SCTP_NODELAY: %w", err)
	}
	if st, err := c.GetStatus(); err == nil && st.Ostreams > 0 {
		out = st.Ostreams
	}
	s := &sctpConn{out: out, buf: make([]byte, 65536), oob: make([]byte, 256), local: c.LocalAddr(), remote: c.RemoteAddr()}
	if s.remote == nil {
		s.remote = dialled
	}
	if s.remote == nil {
		s.remote = &sctp.SCTPAddr{}
	}
	if s.local == nil {
		s.local = &sctp.SCTPAddr{}
	}
	if s.f, s.rc, err = pollable(fd, "sctp"); err != nil {
		return nil, fmt.Errorf("transport sctp: %w", err)
	}
	return s, nil
}

// sndrcvinfo is struct sctp_sndrcvinfo (RFC 6458 §5.3.2): stream at 0,
// PPID at 8 in network order, 32 octets.
const (
	sctpNoDelay     = 3 // SCTP_NODELAY
	cmsgSndRcv      = 1 // SCTP_SNDRCV
	sndrcvinfoLen   = 32
	msgNotification = 0x8000 // MSG_NOTIFICATION
)

func (s *sctpConn) Read() (Message, error) {
	for {
		var n, oobn, flags int
		var rerr error
		err := s.rc.Read(func(fd uintptr) bool {
			n, oobn, flags, _, rerr = syscall.Recvmsg(int(fd), s.buf, s.oob, 0)
			return rerr != syscall.EAGAIN
		})
		if err != nil {
			return Message{}, net.ErrClosed
		}
		if rerr != nil {
			return Message{}, rerr
		}
		if n == 0 && oobn == 0 {
			return Message{}, io.EOF
		}
		if flags&msgNotification != 0 {
			continue // no notification is subscribed; skip any
		}
		m := Message{Payload: append([]byte(nil), s.buf[:n]...)}
		if cms, err := syscall.ParseSocketControlMessage(s.oob[:oobn]); err == nil {
			for _, cm := range cms {
				if cm.Header.Level == syscall.IPPROTO_SCTP && cm.Header.Type == cmsgSndRcv && len(cm.Data) >= 12 {
					m.Stream = binary.NativeEndian.Uint16(cm.Data[0:])
					m.PPID = binary.BigEndian.Uint32(cm.Data[8:])
				}
			}
		}
		return m, nil
	}
}

func (s *sctpConn) Write(m Message) error {
	if m.Stream >= s.out {
		return fmt.Errorf("transport sctp: stream %d beyond the %d granted", m.Stream, s.out)
	}
	cmsg := make([]byte, syscall.CmsgSpace(sndrcvinfoLen))
	h := (*syscall.Cmsghdr)(unsafe.Pointer(&cmsg[0]))
	h.Level, h.Type = syscall.IPPROTO_SCTP, cmsgSndRcv
	h.SetLen(syscall.CmsgLen(sndrcvinfoLen))
	info := cmsg[syscall.CmsgLen(0):]
	binary.NativeEndian.PutUint16(info[0:], m.Stream)
	binary.BigEndian.PutUint32(info[8:], m.PPID)
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	var werr error
	err := s.rc.Write(func(fd uintptr) bool {
		_, werr = syscall.SendmsgN(int(fd), m.Payload, cmsg, nil, 0)
		return werr != syscall.EAGAIN
	})
	if err != nil {
		return net.ErrClosed
	}
	return werr
}

// Close closes the socket: the kernel shuts the association down
// gracefully (SHUTDOWN, RFC 9260 §9.2). A blocked Read returns.
func (s *sctpConn) Close() error {
	if err := s.f.Close(); err != nil {
		return net.ErrClosed
	}
	return nil
}

// Abort ends the association with an ABORT rather than the SHUTDOWN of
// Close: SO_LINGER with a zero time, then close (RFC 6458 §8.1.4; the
// SCTP_ABORT send flag is for one-to-many sockets only).
func (s *sctpConn) Abort() error {
	var serr error
	if err := s.rc.Control(func(fd uintptr) {
		serr = syscall.SetsockoptLinger(int(fd), syscall.SOL_SOCKET, syscall.SO_LINGER, &syscall.Linger{Onoff: 1, Linger: 0})
	}); err != nil {
		return net.ErrClosed
	}
	if err := s.Close(); err != nil {
		return err
	}
	return serr
}

func (s *sctpConn) LocalAddr() net.Addr  { return s.local }
func (s *sctpConn) RemoteAddr() net.Addr { return s.remote }
func (s *sctpConn) OutStreams() uint16   { return s.out }
