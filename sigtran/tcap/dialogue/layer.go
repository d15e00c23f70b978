package dialogue

import (
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/scpd/scpd/sigtran/ber"
	"github.com/scpd/scpd/sigtran/m3ua"
	"github.com/scpd/scpd/sigtran/sccp"
	"github.com/scpd/scpd/sigtran/sccp/routing"
	"github.com/scpd/scpd/sigtran/tcap"
	"github.com/scpd/scpd/sigtran/transport"
)

// Layer is the TCAP dialogue layer of one subsystem.
type Layer struct {
	cfg     Config
	router  *routing.Router
	handler Handler
	log     *slog.Logger

	shards   [shardCount]shard
	runq     chan *Dialogue // dialogues with events, for idle workers
	done     chan struct{}
	stopOnce sync.Once
	workers  atomic.Int32
	open     atomic.Int64
	nextTID  atomic.Uint32
	closing  atomic.Bool

	opened, idleEvents, invokeTimeouts, sendFailures, unknownTID, rejectsSent, discarded atomic.Uint64
	pAbortsSent                                                                          [5]atomic.Uint64
	sentByType                                                                           [8]atomic.Uint64
	receivedByType                                                                       [8]atomic.Uint64
	endedBy                                                                              [8]atomic.Uint64 // by AbortCause; 0 = normal end
}

const shardCount = 64

type shard struct {
	mu sync.Mutex
	m  map[uint32]*Dialogue
}

// New returns a layer serving cfg.SSN on router, delivering to h.
func New(cfg Config, router *routing.Router, h Handler, log *slog.Logger) *Layer {
	if log == nil {
		log = slog.Default()
	}
	l := &Layer{cfg: cfg, router: router, handler: h, log: log.With("layer", "tcap"),
		runq: make(chan *Dialogue), done: make(chan struct{})}
	for i := range l.shards {
		l.shards[i].m = make(map[uint32]*Dialogue)
	}
	// Start local transaction IDs at a random point so a restarted node
	// does not reuse the IDs of its previous life at once.
	l.nextTID.Store(rand.Uint32())
	router.Register(cfg.SSN, l)
	return l
}

func (l *Layer) shard(id uint32) *shard { return &l.shards[id%shardCount] }

// maxIdleWorkers is how many delivering goroutines stay around between
// events. Starting a goroutine per event costs a fresh stack each time;
// parked workers keep theirs warm. When all are busy (a handler waiting on
// a database commit), a goroutine is started for the dialogue, so a slow
// handler never holds up other dialogues.
const maxIdleWorkers = 256

// run has d's queue delivered by an idle worker or a new goroutine.
func (l *Layer) run(d *Dialogue) {
	select {
	case l.runq <- d:
	default:
		go l.work(d)
	}
}

// work drains d, then stays as a worker for later dialogues while there
// are fewer than maxIdleWorkers.
func (l *Layer) work(d *Dialogue) {
	d.drain()
	if l.workers.Add(1) > maxIdleWorkers {
		l.workers.Add(-1)
		return
	}
	defer l.workers.Add(-1)
	for {
		select {
		case d := <-l.runq:
			d.drain()
		case <-l.done:
			return
		}
	}
}

func (l *Layer) get(id uint32) *Dialogue {
	s := l.shard(id)
	s.mu.Lock()
	d := s.m[id]
	s.mu.Unlock()
	return d
}

// reserve counts a dialogue about to be allocated as open, unless
// MaxDialogues are open already. Check and count are one step: checked
// apart, concurrent Begins (one per association's reader) all saw room
// for one more and overshot the bound.
func (l *Layer) reserve() bool {
	for {
		n := l.open.Load()
		if l.cfg.MaxDialogues > 0 && int(n) >= l.cfg.MaxDialogues {
			return false
		}
		if l.open.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// allocate registers a new dialogue, already counted open, under a fresh
// local transaction ID. IDs come from a 32-bit counter, skipping any in
// use, so an ID is not reused until four billion dialogues later.
func (l *Layer) allocate(d *Dialogue) {
	for {
		id := l.nextTID.Add(1)
		if id == 0 {
			continue
		}
		s := l.shard(id)
		s.mu.Lock()
		if _, taken := s.m[id]; !taken {
			d.id = id
			s.m[id] = d
			s.mu.Unlock()
			l.opened.Add(1)
			return
		}
		s.mu.Unlock()
	}
}

func (l *Layer) remove(d *Dialogue) {
	s := l.shard(d.id)
	s.mu.Lock()
	if s.m[d.id] == d {
		delete(s.m, d.id)
		l.open.Add(-1)
	}
	s.mu.Unlock()
}

// Open returns the number of open dialogues.
func (l *Layer) Open() int { return int(l.open.Load()) }

// Begin opens a dialogue towards remote at point code dpc with
// application context ac, sending components in a TC-BEGIN — the gsmSSF
// side, used by the simulator.
func (l *Layer) Begin(dpc uint32, remote sccp.Address, ac ber.OID, components ...tcap.Component) (*Dialogue, error) {
	return l.BeginWith(nil, dpc, remote, ac, components...)
}

// BeginWith is Begin with the dialogue's User set before the TC-BEGIN
// leaves, so the handler sees it on the very first answer.
func (l *Layer) BeginWith(user any, dpc uint32, remote sccp.Address, ac ber.OID, components ...tcap.Component) (*Dialogue, error) {
	d := &Dialogue{layer: l, state: InitiationSent, ac: ac, remote: remote, local: l.cfg.LocalAddress,
		path: routing.Path{OPC: dpc, SLS: uint8(rand.Uint32())}, User: user}
	// Locked before it is in the map, and closing looked at once it is, as
	// in onBegin: a Close racing this either sees it or is seen here.
	d.mu.Lock()
	defer d.mu.Unlock()
	l.open.Add(1) // not bounded: MaxDialogues limits the peers' Begins
	l.allocate(d)
	if l.closing.Load() {
		d.closeLocked()
		return nil, ErrClosed
	}
	m := tcap.Message{Type: tcap.Begin, OTID: tcap.NewTransactionID(d.id)}
	if ac != nil {
		m.Dialogue = tcap.NewAARQ(ac)
	}
	if err := d.sendLocked(&m, components); err != nil {
		d.closeLocked()
		return nil, err
	}
	d.startIdleTimer()
	return d, nil
}

// HandleUnitdata implements routing.User: one TCAP message from the peer.
func (l *Layer) HandleUnitdata(p routing.Path, um *sccp.Message) {
	var m tcap.Message
	err := m.Decode(um.Data)
	var de *tcap.DecodeError
	if errors.As(err, &de) {
		l.discarded.Add(1)
		l.log.Warn("TCAP message refused", "error", err.Error(), "opc", p.OPC)
		// A P-Abort can only be addressed to a transaction ID we could read.
		if m.OTID.Valid() && (m.Type == tcap.Begin || m.Type == tcap.Continue || de.Cause == tcap.UnrecognizedMessageType) {
			l.pAbort(p, um, m.OTID, de.Cause)
		}
		if m.Type == tcap.Continue || m.Type == tcap.End || m.Type == tcap.Abort {
			l.abortUndecodable(&m, de.Cause)
		}
		return
	}
	ces := tcap.ComponentErrorsOf(err)
	if m.Type < tcap.Unidirectional || m.Type > tcap.Abort {
		return
	}
	l.receivedByType[m.Type].Add(1)
	switch m.Type {
	case tcap.Begin:
		l.onBegin(p, um, &m, ces)
	case tcap.Continue, tcap.End, tcap.Abort:
		l.onExisting(p, um, &m, ces)
	default: // Unidirectional: CAP has no use for it
		l.discarded.Add(1)
	}
}

// abortUndecodable ends the local transaction an undecodable Continue,
// End or Abort names (Q.774, abnormal procedures of the transaction
// sub-layer): the peer has been sent a P-Abort (a Continue) or has ended
// its side (End, Abort), so the transaction is gone; the TC-user gets
// TC-P-ABORT and settles its call now. Kept open, the call and its fee
// waited for the idle timer and an ActivityTest (minutes). A Continue
// whose OTID is not the peer's of that transaction is someone else's and
// leaves it alone, as a decodable one does.
func (l *Layer) abortUndecodable(m *tcap.Message, cause tcap.PAbortCause) {
	if len(m.DTID.Bytes()) != 4 {
		return
	}
	d := l.get(m.DTID.Uint32())
	if d == nil {
		return // counted as discarded already
	}
	d.mu.Lock()
	if d.state == Closed || m.Type == tcap.Continue && d.state != InitiationSent && m.OTID != d.remoteTID {
		d.mu.Unlock()
		return
	}
	d.closeLocked()
	d.mu.Unlock()
	l.endedBy[AbortProvider].Add(1)
	d.enqueue(&Event{Kind: EventAbort, Abort: AbortInfo{Cause: AbortProvider, PAbortCause: cause}, Received: time.Now()})
}

// rejectsFor turns component errors into the Rejects that answer them,
// one per malformed component, in order.
func rejectsFor(ces []*tcap.ComponentError) []tcap.Component {
	if len(ces) == 0 {
		return nil
	}
	rejects := make([]tcap.Component, len(ces))
	for i, ce := range ces {
		rejects[i] = tcap.NewReject(ce.InvokeID, ce.HasInvokeID, ce.Problem)
	}
	return rejects
}

func (l *Layer) onBegin(p routing.Path, um *sccp.Message, m *tcap.Message, ces []*tcap.ComponentError) {
	var ac ber.OID
	if m.Dialogue != nil {
		if m.Dialogue.PDU != tcap.AARQ {
			l.pAbort(p, um, m.OTID, tcap.IncorrectTransactionPortion)
			return
		}
		ac = m.Dialogue.ApplicationContext
		if m.Dialogue.VersionUnsupported {
			// protocol-version without version1: the dialogue portions
			// have nothing in common. Refused with an AARE from the
			// dialogue-service-provider (Q.773 AARE
			// no-common-dialogue-portion, Q.774 §3.2.2.1).
			dp := tcap.NewAARE(ac, tcap.RejectPermanent, tcap.DiagNoCommonDialoguePortion)
			dp.DiagnosticSource = tcap.ServiceProvider
			l.sendRaw(p, um, tcap.NewUAbort(m.OTID, dp))
			l.endedBy[AbortProvider].Add(1)
			return
		}
	}
	if l.cfg.AcceptAC != nil && !l.cfg.AcceptAC(ac) {
		// Refuse the dialogue: TC-U-ABORT with an AARE naming the reason
		// (Q.774 §3.2.2.1, Table 39).
		var dp *tcap.DialoguePortion
		if ac != nil {
			dp = tcap.NewAARE(ac, tcap.RejectPermanent, tcap.DiagACNameNotSupported)
		}
		l.sendRaw(p, um, tcap.NewUAbort(m.OTID, dp))
		l.endedBy[AbortACNotSupported].Add(1)
		return
	}
	if l.closing.Load() || !l.reserve() {
		l.pAbort(p, um, m.OTID, tcap.ResourceLimitation)
		return
	}
	now := time.Now()
	d := &Dialogue{layer: l, state: InitiationReceived, remoteTID: m.OTID, ac: ac, proposed: m.Dialogue != nil,
		path: p, remote: um.Calling, local: um.Called, lastRx: now}
	// The dialogue is set up and its Begin queued under its lock, and
	// closing is looked at again once it is in the map: otherwise a Close
	// (or PathLost) racing this Begin either missed the dialogue, leaving it
	// open after Close, or queued its Abort before the Begin, so the service
	// started a call on a dead dialogue that no later event would end.
	d.mu.Lock()
	l.allocate(d)
	if l.closing.Load() {
		d.closeLocked() // Close may have missed it: refuse, as above
		d.mu.Unlock()
		l.opened.Add(^uint64(0))
		l.pAbort(p, um, m.OTID, tcap.ResourceLimitation)
		return
	}
	comps, rejected := d.answerComponentsLocked(m.Components, now)
	d.rejects = append(rejected, rejectsFor(ces)...)
	d.startIdleTimer()
	l.rejectsSent.Add(uint64(len(d.rejects)))
	start := d.enqueueLocked(&Event{Kind: EventBegin, Components: comps, Rejected: d.rejects, Received: now})
	d.mu.Unlock()
	if start {
		l.run(d)
	}
}

func (l *Layer) onExisting(p routing.Path, um *sccp.Message, m *tcap.Message, ces []*tcap.ComponentError) {
	var d *Dialogue
	if len(m.DTID.Bytes()) == 4 { // this node allocates 4-octet IDs only
		d = l.get(m.DTID.Uint32())
	}
	if d == nil {
		l.unknownTID.Add(1)
		// Only a Continue can be answered: End and Abort have no OTID
		// (Q.774 §3.2.2.4).
		if m.Type == tcap.Continue {
			l.pAbort(p, um, m.OTID, tcap.UnrecognizedTransactionID)
		}
		return
	}
	now := time.Now()
	d.mu.Lock()
	if d.state == Closed {
		d.mu.Unlock()
		return
	}
	if d.state == InitiationSent {
		if m.Type == tcap.Continue {
			d.remoteTID = m.OTID
		}
		// The peer answers from its own address: reply to it from now on.
		d.remote, d.path = um.Calling, p
		if m.Dialogue != nil && m.Dialogue.PDU == tcap.AARE && m.Dialogue.Result != tcap.Accepted {
			d.closeLocked()
			d.mu.Unlock()
			l.endedBy[AbortACNotSupported].Add(1)
			d.enqueue(&Event{Kind: EventAbort, Abort: AbortInfo{Cause: AbortACNotSupported, Dialogue: m.Dialogue}, Received: now})
			return
		}
	} else if m.Type == tcap.Continue && m.OTID != d.remoteTID {
		d.mu.Unlock()
		l.unknownTID.Add(1)
		l.pAbort(p, um, m.OTID, tcap.UnrecognizedTransactionID)
		return
	}
	d.touchLocked(now)
	d.path.Assoc = p.Assoc // follow the peer if it moved to another association
	ev := &Event{Received: now}
	switch m.Type {
	case tcap.Continue:
		ev.Kind = EventContinue
		d.state = Active
		ev.Components, ev.Rejected = d.answerComponentsLocked(m.Components, now)
		ev.Rejected = append(ev.Rejected, rejectsFor(ces)...)
		d.rejects = append(d.rejects, ev.Rejected...)
		l.rejectsSent.Add(uint64(len(ev.Rejected)))
	case tcap.End:
		ev.Kind = EventEnd
		// Nothing can answer an End: the Rejects are only reported, as the
		// TC-L-REJECT indications of Q.774 §3.2.1.2, so the service knows
		// what it did not get.
		ev.Components, ev.Rejected = d.answerComponentsLocked(m.Components, now)
		ev.Rejected = append(ev.Rejected, rejectsFor(ces)...)
		d.closeLocked()
		l.endedBy[0].Add(1)
	case tcap.Abort:
		ev.Kind = EventAbort
		switch {
		case m.HasPAbortCause:
			ev.Abort = AbortInfo{Cause: AbortProvider, PAbortCause: m.PAbortCause}
		case m.Dialogue != nil && m.Dialogue.PDU == tcap.ABRT && m.Dialogue.AbortSource == tcap.AbortByProvider:
			// An ABRT from the peer's dialogue-service-provider is a
			// TC-P-ABORT, not the peer user's TC-U-ABORT (Q.774 §3.2.2,
			// DialoguePDUs ABRT-source).
			ev.Abort = AbortInfo{Cause: AbortProvider, Dialogue: m.Dialogue}
		default:
			ev.Abort = AbortInfo{Cause: AbortUser, Dialogue: m.Dialogue}
			if m.Dialogue != nil && m.Dialogue.PDU == tcap.AARE && m.Dialogue.Result != tcap.Accepted {
				ev.Abort.Cause = AbortACNotSupported
			}
		}
		d.closeLocked()
		l.endedBy[ev.Abort.Cause].Add(1)
	}
	d.mu.Unlock()
	d.enqueue(ev)
}

// HandleNotice implements routing.User: SCCP returned one of our messages.
func (l *Layer) HandleNotice(p routing.Path, um *sccp.Message) {
	var m tcap.Message
	if err := m.Decode(um.Data); err != nil && !errors.As(err, new(*tcap.ComponentError)) {
		return
	}
	// Our own message: our ID is its OTID (Begin, Continue).
	if !m.OTID.Valid() {
		return
	}
	d := l.get(m.OTID.Uint32())
	if d == nil {
		return
	}
	d.mu.Lock()
	if d.state == Closed {
		d.mu.Unlock()
		return
	}
	d.closeLocked()
	d.mu.Unlock()
	l.endedBy[AbortReturned].Add(1)
	d.enqueue(&Event{Kind: EventAbort, Abort: AbortInfo{Cause: AbortReturned, ReturnCause: um.ReturnCause}})
}

// PathLost implements routing.User: dialogues over a closed association
// are aborted unless another association still reaches their peer. When
// the peer restarted (a new INIT from the same SCTP address and port), its
// own dialogues went with it: those whose far end is the peer itself are
// aborted even if its new association is up. Behind a gateway (an STP)
// the MSCs did not restart; their dialogues go on over any association.
func (l *Layer) PathLost(a *m3ua.Association) {
	p := a.Peer()
	restarted := errors.Is(a.Err(), transport.ErrPeerRestarted) && !p.Gateway
	reachable := map[uint32]bool{}
	lost := 0
	for _, d := range l.Dialogues() {
		d.mu.Lock()
		if d.state == Closed || d.path.Assoc != a {
			d.mu.Unlock()
			continue
		}
		opc := d.path.OPC
		ok, seen := reachable[opc]
		if !seen {
			ok = l.router.Reachable(opc)
			reachable[opc] = ok
		}
		if ok && !(restarted && opc == p.PointCode) {
			d.mu.Unlock()
			continue
		}
		d.closeLocked()
		d.mu.Unlock()
		lost++
		l.endedBy[AbortAssociationLost].Add(1)
		d.enqueue(&Event{Kind: EventAbort, Abort: AbortInfo{Cause: AbortAssociationLost}})
	}
	if lost > 0 {
		l.log.Warn("dialogues aborted: association lost", "count", lost, "peer", p.Name, "peer_restarted", restarted)
	}
}

// Close aborts every open dialogue towards the service (AbortShutdown)
// without sending anything, and refuses new Begins.
func (l *Layer) Close() {
	l.closing.Store(true)
	defer l.stopWorkers()
	for _, d := range l.Dialogues() {
		d.mu.Lock()
		if d.state == Closed {
			d.mu.Unlock()
			continue
		}
		d.closeLocked()
		d.mu.Unlock()
		l.endedBy[AbortShutdown].Add(1)
		d.enqueue(&Event{Kind: EventAbort, Abort: AbortInfo{Cause: AbortShutdown}})
	}
}

func (l *Layer) stopWorkers() { l.stopOnce.Do(func() { close(l.done) }) }

// RefuseNew stops accepting Begins (they get P-Abort resourceLimitation)
// while open dialogues continue: the first step of a graceful shutdown.
func (l *Layer) RefuseNew() { l.closing.Store(true) }

// Dialogues returns the open dialogues, for a shutdown that settles them.
func (l *Layer) Dialogues() []*Dialogue {
	var all []*Dialogue
	for i := range l.shards {
		s := &l.shards[i]
		s.mu.Lock()
		for _, d := range s.m {
			all = append(all, d)
		}
		s.mu.Unlock()
	}
	return all
}

func (l *Layer) pAbort(p routing.Path, um *sccp.Message, otid tcap.TransactionID, cause tcap.PAbortCause) {
	l.pAbortsSent[cause%5].Add(1)
	l.sendRaw(p, um, tcap.NewPAbort(otid, cause))
}

// sendRaw answers a message outside any dialogue.
func (l *Layer) sendRaw(p routing.Path, um *sccp.Message, m *tcap.Message) {
	b, err := m.Append(nil)
	if err != nil {
		return
	}
	if err := l.router.Reply(p, um.Calling, um.Called, b); err != nil {
		l.sendFailures.Add(1)
		l.log.Warn("TCAP answer not sent", "error", err.Error())
		return
	}
	l.countSent(m.Type)
}

func (l *Layer) countSent(t tcap.MessageType) {
	if int(t) < len(l.sentByType) {
		l.sentByType[t].Add(1)
	}
}

// Stats are the layer's counters.
type Stats struct {
	Open           int
	Opened         uint64
	Sent, Received map[string]uint64 // by message type
	PAbortsSent    map[string]uint64 // by P-Abort cause
	Ended          map[string]uint64 // "normal" or the abort cause
	RejectsSent    uint64
	UnknownTID     uint64
	Discarded      uint64
	IdleEvents     uint64
	InvokeTimeouts uint64
	SendFailures   uint64
}

// Stats returns a snapshot of the counters.
func (l *Layer) Stats() Stats {
	s := Stats{Open: l.Open(), Opened: l.opened.Load(), Sent: map[string]uint64{}, Received: map[string]uint64{},
		PAbortsSent: map[string]uint64{}, Ended: map[string]uint64{}, RejectsSent: l.rejectsSent.Load(),
		UnknownTID: l.unknownTID.Load(), Discarded: l.discarded.Load(), IdleEvents: l.idleEvents.Load(),
		InvokeTimeouts: l.invokeTimeouts.Load(), SendFailures: l.sendFailures.Load()}
	for t := tcap.Unidirectional; t <= tcap.Abort; t++ {
		if v := l.sentByType[t].Load(); v > 0 {
			s.Sent[t.String()] = v
		}
		if v := l.receivedByType[t].Load(); v > 0 {
			s.Received[t.String()] = v
		}
	}
	for c := range l.pAbortsSent {
		if v := l.pAbortsSent[c].Load(); v > 0 {
			s.PAbortsSent[tcap.PAbortCause(c).String()] = v
		}
	}
	for c := range l.endedBy {
		if v := l.endedBy[c].Load(); v > 0 {
			name := "normal"
			if c > 0 {
				name = AbortCause(c).String()
			}
			s.Ended[name] = v
		}
	}
	return s
}

// String describes the layer for logs.
func (l *Layer) String() string { return fmt.Sprintf("tcap ssn %d, %d open", l.cfg.SSN, l.Open()) }
