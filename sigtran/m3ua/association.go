package m3ua

import (
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wmnsk/go-m3ua/messages"
	"github.com/wmnsk/go-m3ua/messages/params"

	"github.com/scpd/scpd/sigtran/transport"
)

// State is the ASP state of an association (RFC 4666 §4.3.1).
type State int32

// ASP states; Closed is the end of an association object's life.
const (
	StateDown State = iota
	StateInactive
	StateActive
	StateClosed
)

func (s State) String() string {
	switch s {
	case StateDown:
		return "ASP-DOWN"
	case StateInactive:
		return "ASP-INACTIVE"
	case StateActive:
		return "ASP-ACTIVE"
	case StateClosed:
		return "closed"
	}
	return "state(" + strconv.Itoa(int(s)) + ")"
}

// Stats are the counters of one association.
type Stats struct {
	DataIn, DataOut     uint64
	ErrorsSent          uint64 // ERR messages sent
	ErrorsReceived      uint64 // ERR messages received
	DataDropped         uint64 // DATA refused (wrong state, RC, OPC, DPC, malformed)
	BeatsSent, BeatAcks uint64
}

// Association is one SCTP or TCP association with a peer and its ASP
// state machine. Its reader goroutine handles management messages and
// hands DATA to the node's handler in arrival order.
type Association struct {
	node    *Node
	id      uint64 // order of creation, for stable routing and listing
	peer    *Peer
	conn    transport.Conn
	dialled bool
	log     *slog.Logger

	stateMu     sync.Mutex // held from a state change to the handler told of it
	state       atomic.Int32
	activeSince atomic.Int64 // unix nanos, for override traffic mode
	lastRx      atomic.Int64 // unix nanos of the last message from the peer
	rc          atomic.Uint32
	trafficMode atomic.Uint32

	acks      chan uint8 // ASPUP ACK / ASPAC ACK types, for the dialling side
	closeOnce sync.Once
	done      chan struct{}
	closeErr  atomic.Pointer[error] // why it closed; set before the state turns closed

	dataIn, dataOut, errSent, errRecv, dropped, beats, beatAcks atomic.Uint64

	totals *peerCounters // the peer's, in the node: they outlive the association
}

func newAssociation(n *Node, p *Peer, c transport.Conn, dialled bool) *Association {
	a := &Association{node: n, id: associationIDs.Add(1), peer: p, conn: c, dialled: dialled, acks: make(chan uint8, 4), done: make(chan struct{})}
	a.log = n.log.With("peer", p.Name, "remote", c.RemoteAddr().String())
	if a.totals = n.totals[p.Name]; a.totals == nil { // a peer not in the node's configuration (tests)
		a.totals = new(peerCounters)
	}
	a.lastRx.Store(time.Now().UnixNano())
	a.trafficMode.Store(uint32(p.TrafficMode))
	return a
}

// Peer returns the configured peer of the association.
func (a *Association) Peer() *Peer { return a.peer }

// State returns the ASP state.
func (a *Association) State() State { return State(a.state.Load()) }

// RemoteAddr returns the peer's transport address.
func (a *Association) RemoteAddr() net.Addr { return a.conn.RemoteAddr() }

// LocalAddr returns the local transport address.
func (a *Association) LocalAddr() net.Addr { return a.conn.LocalAddr() }

// Done is closed when the association has ended.
func (a *Association) Done() <-chan struct{} { return a.done }

// Stats returns the counters.
func (a *Association) Stats() Stats {
	return Stats{DataIn: a.dataIn.Load(), DataOut: a.dataOut.Load(), ErrorsSent: a.errSent.Load(),
		ErrorsReceived: a.errRecv.Load(), DataDropped: a.dropped.Load(), BeatsSent: a.beats.Load(), BeatAcks: a.beatAcks.Load()}
}

// countIn and drop count a DATA message delivered or refused, on the
// association and in its peer's totals.
func (a *Association) countIn() {
	a.dataIn.Add(1)
	a.totals.dataIn.Add(1)
}

func (a *Association) drop() {
	a.dropped.Add(1)
	a.totals.dropped.Add(1)
}

func (a *Association) setState(s State) {
	// Changed and reported under one lock: between the change and the
	// report another goroutine (a close, an override takeover) could change
	// and report it again, and the handler heard the two the wrong way
	// round (closed, then ASP-INACTIVE).
	a.stateMu.Lock()
	defer a.stateMu.Unlock()
	var old State
	for {
		o := a.state.Load()
		old = State(o)
		// Closed is final: a message the reader handles after another
		// goroutine closed the association must not revive it (a Swap
		// did, and told the handler so after StateClosed).
		if old == s || old == StateClosed {
			return
		}
		if a.state.CompareAndSwap(o, int32(s)) {
			break
		}
	}
	if s == StateActive {
		a.activeSince.Store(time.Now().UnixNano())
	}
	a.log.Info("m3ua association state", "from", old.String(), "to", s.String())
	a.node.stateChanged(a, s)
}

// ErrNotActive is returned by Send on an association that is not ASP-ACTIVE.
var ErrNotActive = errors.New("m3ua: association not ASP-ACTIVE")

// Send sends DATA to the peer, filling in the routing context and network
// appearance of the peer and choosing the SCTP stream from the SLS (stream
// 0 carries management only, RFC 4666 §1.4.7).
func (a *Association) Send(d Data) error {
	if a.State() != StateActive {
		return ErrNotActive
	}
	if rc := a.rc.Load(); rc != 0 {
		d.RoutingContext, d.HasRoutingContext = rc, true
	}
	if a.peer.NetworkAppearance != 0 {
		d.NetworkAppearance, d.HasNetworkAppearance = a.peer.NetworkAppearance, true
	}
	buf := getBuffer()
	b, err := d.Append((*buf)[:0])
	if err != nil {
		putBuffer(buf)
		return err
	}
	*buf = b
	stream := uint16(0)
	if n := a.conn.OutStreams(); n > 1 {
		stream = 1 + uint16(d.SLS)%(n-1)
	}
	a.trace(false, stream, b)
	err = a.conn.Write(transport.Message{Payload: b, Stream: stream, PPID: transport.PPIDM3UA})
	putBuffer(buf) // transports copy or queue the octets before returning
	if err != nil {
		// The caller may hold its dialogue's lock, and closing reports
		// the association lost to the users above, who lock every
		// dialogue on it (and closeOnce makes a second closer wait for
		// the first); an SCTP close may also wait for SHUTDOWN ACK.
		// Close from a goroutine of its own, never inline.
		go a.close(fmt.Errorf("write: %w", err))
		return err
	}
	a.dataOut.Add(1)
	a.totals.dataOut.Add(1)
	return nil
}

// WriteRaw sends bytes on the association exactly as given, on stream 0,
// bypassing every check: for fault injection by test tools (ssfsim storm),
// never for traffic.
func (a *Association) WriteRaw(b []byte) error {
	a.trace(false, 0, b)
	return a.conn.Write(transport.Message{Payload: b, PPID: transport.PPIDM3UA})
}

var associationIDs atomic.Uint64

var bufferPool = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

func getBuffer() *[]byte  { return bufferPool.Get().(*[]byte) }
func putBuffer(b *[]byte) { bufferPool.Put(b) }

// sendManagement writes a management message on stream 0.
func (a *Association) sendManagement(m messages.M3UA) {
	b, err := m.MarshalBinary()
	if err == nil {
		a.trace(false, 0, b)
		err = a.conn.Write(transport.Message{Payload: b, Stream: 0, PPID: transport.PPIDM3UA})
	}
	if err != nil {
		a.close(fmt.Errorf("write %s: %w", m.MessageTypeName(), err))
	}
}

// sendError answers a faulty message with ERR (RFC 4666 §3.8.1).
func (a *Association) sendError(code ErrorCode, diagnostic []byte) {
	a.sendErrorRC(code, nil, diagnostic)
}

// sendErrorRC is sendError naming the Routing Context it is about (nil:
// none), which Invalid Routing Context MUST carry (§3.8.1).
func (a *Association) sendErrorRC(code ErrorCode, rc *params.Param, diagnostic []byte) {
	a.errSent.Add(1)
	a.node.countError(code)
	var diag *params.Param
	if len(diagnostic) > 0 {
		if len(diagnostic) > 64 {
			diagnostic = diagnostic[:64]
		}
		diag = params.NewDiagnosticInformation(diagnostic)
	}
	a.log.Warn("m3ua ERR sent", "code", code.String())
	a.sendManagement(messages.NewError(params.NewErrorCode(uint32(code)), rc, nil, nil, diag))
}

// rcParam is the association's Routing Context as a parameter, nil if none.
func (a *Association) rcParam() *params.Param {
	if v := a.rc.Load(); v != 0 {
		return params.NewRoutingContext(v)
	}
	return nil
}

// Close ends the association: ASP-DOWN towards the user, transport closed.
func (a *Association) Close() error {
	a.close(errors.New("closed locally"))
	return nil
}

// Abort ends the association at once: an SCTP ABORT (RFC 9260 §9.1)
// where the transport has one, else a plain close.
func (a *Association) Abort() error {
	if ab, ok := a.conn.(transport.Aborter); ok {
		_ = ab.Abort() // the Close in close finds it closed
	}
	a.close(errors.New("aborted locally"))
	return nil
}

// Err is why the association closed (the transport's error, wrapped), or
// nil while it is open. Handlers told of StateClosed see it already.
func (a *Association) Err() error {
	if e := a.closeErr.Load(); e != nil {
		return *e
	}
	return nil
}

func (a *Association) close(reason error) {
	a.closeOnce.Do(func() {
		a.closeErr.Store(&reason)
		a.log.Info("m3ua association closed", "reason", reason.Error())
		a.conn.Close()
		a.setState(StateClosed)
		close(a.done)
	})
}

// run reads messages until the transport fails or the association closes.
func (a *Association) run() {
	for {
		m, err := a.conn.Read()
		if err != nil {
			a.close(fmt.Errorf("read: %w", err))
			return
		}
		a.lastRx.Store(time.Now().UnixNano())
		a.trace(true, m.Stream, m.Payload)
		a.handle(m.Payload)
		if a.State() == StateClosed {
			return
		}
	}
}

// heartbeat sends BEAT when due and closes an association whose peer has
// been silent past BeatTimeout.
func (a *Association) heartbeat() {
	cfg := &a.node.cfg
	if cfg.BeatInterval <= 0 {
		return
	}
	t := time.NewTicker(cfg.BeatInterval)
	defer t.Stop()
	var seq uint32
	for {
		select {
		case <-a.done:
			return
		case now := <-t.C:
			silent := now.Sub(time.Unix(0, a.lastRx.Load()))
			if silent > cfg.BeatTimeout {
				a.close(fmt.Errorf("peer silent for %v (beat timeout %v)", silent.Round(time.Millisecond), cfg.BeatTimeout))
				return
			}
			if silent >= cfg.BeatInterval {
				seq++
				var data [4]byte
				binary.BigEndian.PutUint32(data[:], seq)
				a.beats.Add(1)
				a.sendManagement(messages.NewHeartbeat(params.NewHeartbeatData(data[:])))
			}
		}
	}
}

func (a *Association) trace(in bool, stream uint16, msg []byte) {
	t := a.node.cfg.Tracer
	if t == nil {
		return
	}
	if in {
		t.TraceM3UA(time.Now(), a.conn.RemoteAddr(), a.conn.LocalAddr(), stream, msg)
	} else {
		t.TraceM3UA(time.Now(), a.conn.LocalAddr(), a.conn.RemoteAddr(), stream, msg)
	}
}
