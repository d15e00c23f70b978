package transport

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"sync"
	"time"
)

// maxFrame bounds an M3UA message read from TCP: a length field beyond it
// means the byte stream is out of step, and the association is closed.
const maxFrame = 64 * 1024

// tcpConn frames M3UA over TCP by the length field of the common header
// (RFC 4666 §3.1). Writes from many goroutines are coalesced: each Write
// appends to a pending buffer that one flusher sends with a single system
// call, which is what keeps tens of thousands of small messages a second
// cheap.
type tcpConn struct {
	c  *net.TCPConn
	br *bufio.Reader

	mu      sync.Mutex
	cond    *sync.Cond
	pending []byte
	spare   []byte
	err     error
	closed  bool
	done    chan struct{}
}

// maxPending is how much unsent data a Write may queue before it waits.
const maxPending = 4 << 20

// coalesceBelow: with less than this queued the flusher yields once before
// writing, so that concurrent writers can join the same system call.
const coalesceBelow = 16 << 10

func newTCPConn(c *net.TCPConn) *tcpConn {
	_ = c.SetNoDelay(true)
	t := &tcpConn{c: c, br: bufio.NewReaderSize(c, 64*1024), done: make(chan struct{})}
	t.cond = sync.NewCond(&t.mu)
	go t.flusher()
	return t
}

func (t *tcpConn) Read() (Message, error) {
	var hdr [8]byte
	if _, err := io.ReadFull(t.br, hdr[:]); err != nil {
		return Message{}, err
	}
	// Framing needs only the length: a message of another version but a
	// sane length is M3UA's to answer with ERR Invalid Version (RFC 4666
	// §3.8.1), and the association stays up. A length out of range means
	// the byte stream is out of step, and nothing after it can be read.
	n := int(binary.BigEndian.Uint32(hdr[4:8]))
	if n < 8 || n > maxFrame {
		return Message{}, fmt.Errorf("transport tcp: M3UA header %x: length out of range, stream out of step", hdr)
	}
	b := make([]byte, n)
	copy(b, hdr[:])
	if _, err := io.ReadFull(t.br, b[8:]); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return Message{}, err
	}
	return Message{Payload: b, PPID: PPIDM3UA}, nil
}

func (t *tcpConn) Write(m Message) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	for len(t.pending) > maxPending && t.err == nil && !t.closed {
		t.cond.Wait()
	}
	if t.err != nil {
		return t.err
	}
	if t.closed {
		return net.ErrClosed
	}
	t.pending = append(t.pending, m.Payload...)
	t.cond.Broadcast()
	return nil
}

func (t *tcpConn) flusher() {
	defer close(t.done)
	for {
		t.mu.Lock()
		for len(t.pending) == 0 && !t.closed {
			t.cond.Wait()
		}
		if len(t.pending) == 0 && t.closed {
			t.mu.Unlock()
			return
		}
		if len(t.pending) < coalesceBelow && !t.closed {
			// Let the goroutines that are already runnable (the dialogue
			// workers answering the same burst of messages) queue their
			// writes first: one system call then carries many messages.
			// When nothing else is runnable this returns at once.
			t.mu.Unlock()
			runtime.Gosched()
			t.mu.Lock()
		}
		out := t.pending
		t.pending, t.spare = t.spare[:0], nil
		t.mu.Unlock()

		_, err := t.c.Write(out)

		t.mu.Lock()
		t.spare = out[:0]
		if err != nil && t.err == nil {
			t.err = err
		}
		t.cond.Broadcast()
		stop := t.err != nil
		t.mu.Unlock()
		if stop {
			return
		}
	}
}

// tcpCloseTimeout bounds how long Close waits for the queued messages to
// go out, as shutdownTimeout does for userspace SCTP.
const tcpCloseTimeout = 3 * time.Second

// Close sends what is queued, then closes the connection. It returns an
// error when queued messages could not be sent.
func (t *tcpConn) Close() error {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return net.ErrClosed
	}
	t.closed = true
	t.cond.Broadcast()
	t.mu.Unlock()
	// A peer that stops reading leaves the flusher blocked in Write for
	// ever, and Close waiting for it: give the queue tcpCloseTimeout.
	_ = t.c.SetWriteDeadline(time.Now().Add(tcpCloseTimeout))
	<-t.done
	cerr := t.c.Close()
	t.mu.Lock()
	werr := t.err
	t.mu.Unlock()
	if werr != nil {
		// What was queued is lost: say so rather than report success.
		return fmt.Errorf("transport tcp: queued messages not sent: %w", werr)
	}
	return cerr
}

func (t *tcpConn) LocalAddr() net.Addr  { return t.c.LocalAddr() }
func (t *tcpConn) RemoteAddr() net.Addr { return t.c.RemoteAddr() }
func (t *tcpConn) OutStreams() uint16   { return 1 }

type tcpListener struct{ l *net.TCPListener }

func listenTCP(cfg Config) (Listener, error) {
	addr := ":2905"
	switch len(cfg.Local) {
	case 0:
	case 1:
		addr = cfg.Local[0]
	default:
		return nil, errors.New("transport tcp: one local address (multi-homing is for SCTP)")
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("transport tcp: listen %s: %w", addr, err)
	}
	return &tcpListener{l: l.(*net.TCPListener)}, nil
}

func (l *tcpListener) Accept() (Conn, error) {
	c, err := l.l.AcceptTCP()
	if err != nil {
		return nil, err
	}
	return newTCPConn(c), nil
}

func (l *tcpListener) Close() error   { return l.l.Close() }
func (l *tcpListener) Addr() net.Addr { return l.l.Addr() }

func dialTCP(ctx context.Context, cfg Config, remote []string) (Conn, error) {
	var d net.Dialer
	if len(cfg.Local) == 1 {
		la, err := net.ResolveTCPAddr("tcp", cfg.Local[0])
		if err != nil {
			return nil, fmt.Errorf("transport tcp: local address: %w", err)
		}
		d.LocalAddr = la
	}
	var errs []error
	for _, r := range remote {
		c, err := d.DialContext(ctx, "tcp", r)
		if err == nil {
			return newTCPConn(c.(*net.TCPConn)), nil
		}
		errs = append(errs, err)
	}
	return nil, fmt.Errorf("transport tcp: dial: %w", errors.Join(errs...))
}
