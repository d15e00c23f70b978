//go:build linux

package transport

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"syscall"

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

type sctpListener struct {
	l   *sctp.SCTPListener
	out uint16
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
	return &sctpListener{l: l, out: out}, nil
}

func (l *sctpListener) Accept() (Conn, error) {
	c, err := l.l.AcceptSCTP()
	if err != nil {
		return nil, err
	}
	return newSCTPConn(c, l.out)
}

func (l *sctpListener) Close() error   { return l.l.Close() }
func (l *sctpListener) Addr() net.Addr { return l.l.Addr() }

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
		return newSCTPConn(r.c, out)
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
	c       *sctp.SCTPConn
	out     uint16
	buf     []byte
	writeMu sync.Mutex
}

func newSCTPConn(c *sctp.SCTPConn, out uint16) (*sctpConn, error) {
	// Ask for the sndrcvinfo of each message, which carries its stream and
	// PPID (RFC 6458 §5.3.2).
	if err := c.SubscribeEvents(sctp.SCTP_EVENT_DATA_IO); err != nil {
		c.Close()
		return nil, fmt.Errorf("transport sctp: subscribe data I/O events: %w", err)
	}
	if st, err := c.GetStatus(); err == nil && st.Ostreams > 0 {
		out = st.Ostreams
	}
	return &sctpConn{c: c, out: out, buf: make([]byte, 65536)}, nil
}

func (s *sctpConn) Read() (Message, error) {
	n, info, err := s.c.SCTPRead(s.buf)
	if err != nil {
		return Message{}, err
	}
	m := Message{Payload: append([]byte(nil), s.buf[:n]...)}
	if info != nil {
		m.Stream, m.PPID = info.Stream, info.PPID
	}
	return m, nil
}

func (s *sctpConn) Write(m Message) error {
	if m.Stream >= s.out {
		return fmt.Errorf("transport sctp: stream %d beyond the %d granted", m.Stream, s.out)
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	_, err := s.c.SCTPWrite(m.Payload, &sctp.SndRcvInfo{Stream: m.Stream, PPID: m.PPID})
	if errors.Is(err, syscall.EBADF) {
		return net.ErrClosed
	}
	return err
}

func (s *sctpConn) Close() error         { return s.c.Close() }
func (s *sctpConn) LocalAddr() net.Addr  { return s.c.LocalAddr() }
func (s *sctpConn) RemoteAddr() net.Addr { return s.c.RemoteAddr() }
func (s *sctpConn) OutStreams() uint16   { return s.out }
