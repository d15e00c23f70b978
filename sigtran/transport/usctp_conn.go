//go:build linux

package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/sctp"
)

// usctpConn is one userspace SCTP association. pion/sctp reads per
// stream, so one goroutine per stream hands whole messages to Read in
// the order each stream delivers them (across streams SCTP promises no
// order, RFC 9260 §6.5).
type usctpConn struct {
	a       *sctp.Association
	pc      *packetConn
	out     uint16
	streams []*sctp.Stream

	in        chan Message
	closing   chan struct{}
	closeOnce sync.Once
	closed    atomic.Bool // closed or aborted locally
	failure   atomic.Pointer[error]
	readErr   atomic.Pointer[error]

	readersMu sync.Mutex
	reading   map[uint16]bool
	readers   sync.WaitGroup

	bufMu   sync.Mutex
	bufCond *sync.Cond
}

func newUSCTPConn(a *sctp.Association, pc *packetConn) *usctpConn {
	c := &usctpConn{a: a, pc: pc, out: max(pc.outStreams(), 1), in: make(chan Message, 256), closing: make(chan struct{}), reading: map[uint16]bool{}}
	c.bufCond = sync.NewCond(&c.bufMu)
	// Open every stream the peer may use or we may write, so that pion
	// files DATA under a stream we read rather than offering it through
	// AcceptStream, whose queue holds 16.
	n := max(c.out, pc.ep.cfg.in)
	c.streams = make([]*sctp.Stream, n)
	for i := range c.streams {
		s, err := a.OpenStream(uint16(i), sctp.PayloadProtocolIdentifier(PPIDM3UA))
		if err != nil {
			break // the association is closing already; Read reports why
		}
		s.SetBufferedAmountLowThreshold(maxBuffered / 2)
		s.OnBufferedAmountLow(c.wakeWriters)
		c.streams[i] = s
		c.startReader(s)
	}
	c.readers.Add(1)
	go c.acceptStreams()
	go func() {
		c.readers.Wait()
		close(c.in)
	}()
	go c.watch()
	pc.ep.d.log.Debug("association up", "local", pc.key.local.String(), "remote", pc.key.remote.String(), "out_streams", c.out)
	return c
}

func (c *usctpConn) startReader(s *sctp.Stream) {
	c.readersMu.Lock()
	defer c.readersMu.Unlock()
	if c.reading[s.StreamIdentifier()] {
		return
	}
	c.reading[s.StreamIdentifier()] = true
	c.readers.Add(1)
	go c.readStream(s)
}

// acceptStreams reads streams the peer opened beyond those opened here.
func (c *usctpConn) acceptStreams() {
	defer c.readers.Done()
	for {
		s, err := c.a.AcceptStream()
		if err != nil {
			return
		}
		c.startReader(s)
	}
}

func (c *usctpConn) readStream(s *sctp.Stream) {
	defer c.readers.Done()
	buf := make([]byte, 2048)
	for {
		n, ppid, err := s.ReadSCTP(buf)
		if errors.Is(err, io.ErrShortBuffer) {
			buf = make([]byte, max(n, 2*len(buf)))
			continue
		}
		if err != nil {
			c.readErr.CompareAndSwap(nil, &err)
			return
		}
		m := Message{Payload: append([]byte(nil), buf[:n]...), Stream: s.StreamIdentifier(), PPID: uint32(ppid)}
		select {
		case c.in <- m:
		case <-c.closing:
			return
		}
	}
}

// Read returns the next whole message, with its stream and PPID. After
// the association ends it returns io.EOF when the peer shut it down,
// net.ErrClosed after Close, or why it failed.
func (c *usctpConn) Read() (Message, error) {
	if m, ok := <-c.in; ok {
		return m, nil
	}
	return Message{}, c.endErr()
}

func (c *usctpConn) endErr() error {
	if e := c.failure.Load(); e != nil {
		return *e
	}
	if err := c.pc.dropped(); err != nil {
		return fmt.Errorf("transport userspace-sctp: %w", err)
	}
	if c.closed.Load() {
		return net.ErrClosed
	}
	if e := c.readErr.Load(); e != nil && !errors.Is(*e, io.EOF) {
		if c.pc.sawAbort.Load() {
			return fmt.Errorf("transport userspace-sctp: association aborted by the peer: %w", *e)
		}
		return fmt.Errorf("transport userspace-sctp: %w", *e)
	}
	return io.EOF
}

// Write sends one message on its stream with its PPID.
func (c *usctpConn) Write(m Message) error {
	if m.Stream >= c.out {
		return fmt.Errorf("transport userspace-sctp: stream %d beyond the %d granted", m.Stream, c.out)
	}
	if len(m.Payload) == 0 {
		return errors.New("transport userspace-sctp: empty message")
	}
	s := c.streams[m.Stream]
	if s == nil {
		return c.writeErr(net.ErrClosed)
	}
	// Wait for room until the association ends: closing, not closed, as
	// watch aborts an unreachable peer without setting closed, and a
	// writer waiting on closed alone waited for ever (Close does nothing
	// after that abort).
	c.bufMu.Lock()
	for s.BufferedAmount() > maxBuffered && !c.isClosing() {
		c.bufCond.Wait()
	}
	c.bufMu.Unlock()
	if c.isClosing() {
		return c.writeErr(net.ErrClosed)
	}
	if _, err := s.WriteSCTP(m.Payload, sctp.PayloadProtocolIdentifier(m.PPID)); err != nil {
		return c.writeErr(err)
	}
	return nil
}

func (c *usctpConn) writeErr(err error) error {
	if c.closed.Load() {
		return net.ErrClosed
	}
	if e := c.failure.Load(); e != nil {
		return *e
	}
	if d := c.pc.dropped(); d != nil {
		return fmt.Errorf("transport userspace-sctp: %w", d)
	}
	return fmt.Errorf("transport userspace-sctp: write: %w", err)
}

// isClosing reports whether Close, Abort or the liveness check has ended
// the association.
func (c *usctpConn) isClosing() bool {
	select {
	case <-c.closing:
		return true
	default:
		return false
	}
}

func (c *usctpConn) wakeWriters() {
	c.bufMu.Lock()
	c.bufCond.Broadcast()
	c.bufMu.Unlock()
}

// Close shuts the association down gracefully: SHUTDOWN once the data
// sent is acknowledged (RFC 9260 §9.2), ABORT when the peer does not
// answer within shutdownTimeout (§9.1).
func (c *usctpConn) Close() error {
	err := net.ErrClosed
	c.closeOnce.Do(func() {
		err = nil
		c.closed.Store(true)
		close(c.closing)
		c.wakeWriters()
		ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		serr := c.a.Shutdown(ctx)
		cancel()
		if errors.Is(serr, context.DeadlineExceeded) {
			c.a.Abort("no SHUTDOWN ACK in " + shutdownTimeout.String())
		}
		c.a.Close()
		c.pc.Close()
	})
	return err
}

// Abort ends the association at once with an ABORT chunk (RFC 9260 §9.1):
// what the peer sees when this side gives up on it.
func (c *usctpConn) Abort() error {
	err := net.ErrClosed
	c.closeOnce.Do(func() {
		err = nil
		c.closed.Store(true)
		close(c.closing)
		c.wakeWriters()
		c.abort("aborted by the user")
	})
	return err
}

func (c *usctpConn) abort(reason string) {
	c.a.Abort(reason)
	c.a.Close()
	c.pc.Close()
}

// watch is the liveness check of RFC 9260 §8.1 and §8.3: when nothing
// has come from the peer for a heartbeat interval a HEARTBEAT goes out,
// and when more than maxRetrans of them in a row are unanswered the peer
// is unreachable (§8.3: the error counter exceeds Path.Max.Retrans, so
// maxRetrans+1 HEARTBEATs go out): the association is aborted and Read
// reports it.
func (c *usctpConn) watch() {
	cfg := c.pc.ep.cfg
	t := time.NewTicker(cfg.heartbeat)
	defer t.Stop()
	unanswered := 0
	for {
		select {
		case <-c.closing:
			return
		case <-c.pc.done:
			return
		case now := <-t.C:
			silent := now.Sub(time.Unix(0, c.pc.lastRx.Load()))
			if silent < cfg.heartbeat {
				unanswered = 0
				continue
			}
			if unanswered > cfg.maxRetrans { // §8.3: exceeds, not reaches
				err := fmt.Errorf("transport userspace-sctp: peer %s unreachable: %d heartbeats unanswered, nothing heard for %v (RFC 9260 §8.1)",
					c.pc.key.remote, unanswered, silent.Round(time.Millisecond))
				c.failure.CompareAndSwap(nil, &err)
				c.closeOnce.Do(func() {
					close(c.closing)
					c.wakeWriters()
					c.abort("peer unreachable")
				})
				return
			}
			c.pc.sendHeartbeat()
			unanswered++
		}
	}
}

func (c *usctpConn) LocalAddr() net.Addr  { return c.pc.LocalAddr() }
func (c *usctpConn) RemoteAddr() net.Addr { return c.pc.RemoteAddr() }
func (c *usctpConn) OutStreams() uint16   { return c.out }
