package dialogue

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/scpd/scpd/sigtran/ber"
	"github.com/scpd/scpd/sigtran/sccp"
	"github.com/scpd/scpd/sigtran/sccp/routing"
	"github.com/scpd/scpd/sigtran/tcap"
)

// State is the dialogue state of Q.774 §3.2.2 (Figure A.4).
type State uint8

// Dialogue states.
const (
	// InitiationReceived: a Begin came in and the service has not answered.
	InitiationReceived State = iota + 1
	// InitiationSent: this node sent a Begin and awaits the first Continue.
	InitiationSent
	// Active: both sides have spoken.
	Active
	// Closed: ended, aborted, or refused.
	Closed
)

func (s State) String() string {
	switch s {
	case InitiationReceived:
		return "initiation-received"
	case InitiationSent:
		return "initiation-sent"
	case Active:
		return "active"
	case Closed:
		return "closed"
	}
	return "state(" + strconv.Itoa(int(s)) + ")"
}

// Dialogue is one TCAP dialogue. Its methods are safe for concurrent use;
// the service usually calls them from its event handler.
type Dialogue struct {
	layer *Layer
	id    uint32 // local transaction ID

	mu        sync.Mutex
	state     State
	remoteTID tcap.TransactionID
	ac        ber.OID // negotiated application context (nil: none)
	proposed  bool    // the peer's Begin carried an AARQ: answer with AARE
	path      routing.Path
	remote    sccp.Address // the peer's address (our called address)
	local     sccp.Address // our address as the peer used it
	lastRx    time.Time
	idle      *time.Timer
	timers    []*time.Timer // the service's (AfterFunc), stopped at close
	invokes   []pendingInvoke
	invokeSeq uint64 // numbers the invokes sent, for their timers
	nextInv   int8
	rejects   []tcap.Component // queued Rejects, sent with the next message
	sent      bool             // a message left during the current event

	queue   []*Event
	running bool

	// User is the service's own data for the dialogue (its call session).
	User any
}

// ID returns the local transaction ID.
func (d *Dialogue) ID() uint32 { return d.id }

// RemoteTID returns the peer's transaction ID.
func (d *Dialogue) RemoteTID() tcap.TransactionID {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.remoteTID
}

// ApplicationContext returns the negotiated application context.
func (d *Dialogue) ApplicationContext() ber.OID { return d.ac }

// State returns the dialogue state.
func (d *Dialogue) State() State {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.state
}

// Remote returns the peer's SCCP address and point code.
func (d *Dialogue) Remote() (sccp.Address, uint32) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.remote, d.path.OPC
}

// String identifies the dialogue in logs: local/remote transaction IDs.
func (d *Dialogue) String() string {
	return fmt.Sprintf("%08x/%s", d.id, d.RemoteTID())
}

// ErrClosed is returned when sending on a dialogue that has ended.
var ErrClosed = errors.New("tcap dialogue: closed")

// ErrState is returned for a message the dialogue state does not allow.
var ErrState = errors.New("tcap dialogue: not allowed in this state")

// NewInvokeID returns an invoke ID not in use by an outstanding invoke.
func (d *Dialogue) NewInvokeID() int8 {
	d.mu.Lock()
	defer d.mu.Unlock()
	for i := 0; i < 256; i++ {
		d.nextInv++
		if d.nextInv < 0 {
			d.nextInv = 0
		}
		if !d.invokePending(d.nextInv) {
			return d.nextInv
		}
	}
	return d.nextInv
}

// Continue sends a TC-CONTINUE. The first answer to a Begin carries the
// AARE that accepts the application context (Q.774 §3.2.2.2).
func (d *Dialogue) Continue(components ...tcap.Component) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch d.state {
	case InitiationReceived, Active:
	case Closed:
		return ErrClosed
	default:
		return fmt.Errorf("%w: continue in %s", ErrState, d.state)
	}
	m := tcap.Message{Type: tcap.Continue, OTID: tcap.NewTransactionID(d.id), DTID: d.remoteTID}
	if d.state == InitiationReceived && d.proposed {
		m.Dialogue = tcap.NewAARE(d.ac, tcap.Accepted, tcap.DiagNull)
	}
	if err := d.sendLocked(&m, components); err != nil {
		return err
	}
	d.state = Active
	return nil
}

// End sends a TC-END (basic end) and closes the dialogue.
func (d *Dialogue) End(components ...tcap.Component) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch d.state {
	case InitiationReceived, Active:
	case Closed:
		return ErrClosed
	default:
		return fmt.Errorf("%w: end in %s", ErrState, d.state)
	}
	m := tcap.Message{Type: tcap.End, DTID: d.remoteTID}
	if d.state == InitiationReceived && d.proposed {
		m.Dialogue = tcap.NewAARE(d.ac, tcap.Accepted, tcap.DiagNull)
	}
	err := d.sendLocked(&m, components)
	d.closeLocked()
	return err
}

// Abort sends a TC-U-ABORT with an ABRT carrying userInformation (may be
// nil) and closes the dialogue. In initiation-sent state nothing can be
// sent (the peer's ID is unknown): the dialogue is closed locally.
func (d *Dialogue) Abort(userInformation []byte) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.state == Closed {
		return ErrClosed
	}
	var err error
	if d.state != InitiationSent {
		m := tcap.NewUAbort(d.remoteTID, tcap.NewABRT(userInformation))
		d.rejects = nil
		err = d.sendLocked(m, nil)
	}
	d.closeLocked()
	return err
}

// AfterFunc delivers an EventTimer with tag after d, unless the dialogue
// has closed by then. The returned function stops the timer. Closing the
// dialogue stops it too: a running timer holds the dialogue, and through
// User the service's call, until it fires, and a timer longer than the
// call (prepaid's answer record, seconds) kept every finished call of
// those seconds in memory — a live heap the garbage collector marked again
// on every cycle (BENCHMARKS.md, performance run).
func (d *Dialogue) AfterFunc(after time.Duration, tag int) (stop func() bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.state == Closed {
		return func() bool { return false }
	}
	var t *time.Timer
	// The function cannot see t unset: it takes d.mu, held until t is.
	t = time.AfterFunc(after, func() {
		d.mu.Lock()
		d.dropTimerLocked(t)
		d.mu.Unlock()
		d.enqueueOpen(&Event{Kind: EventTimer, Timer: tag})
	})
	d.timers = append(d.timers, t)
	return func() bool {
		d.mu.Lock()
		d.dropTimerLocked(t)
		d.mu.Unlock()
		return t.Stop()
	}
}

// dropTimerLocked forgets a service timer that fired or was stopped.
func (d *Dialogue) dropTimerLocked(t *time.Timer) {
	for i, x := range d.timers {
		if x == t {
			last := len(d.timers) - 1
			d.timers[i], d.timers[last] = d.timers[last], nil
			d.timers = d.timers[:last]
			return
		}
	}
}

// Release closes the dialogue without sending anything (TC-END
// prearranged, Q.771 §3.1.2.2.2.2): for a dialogue the peer has already
// ended or that is known dead.
func (d *Dialogue) Release() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closeLocked()
}

// sendLocked encodes and sends m with components and queued Rejects,
// starting invoke timers for the Invokes.
func (d *Dialogue) sendLocked(m *tcap.Message, components []tcap.Component) error {
	if len(d.rejects) > 0 {
		components = append(d.rejects, components...)
		d.rejects = nil
	}
	m.Components = components
	buf := encodePool.Get().(*[]byte)
	defer encodePool.Put(buf)
	b, err := m.Append((*buf)[:0])
	if err != nil {
		return fmt.Errorf("tcap dialogue %08x: %w", d.id, err)
	}
	*buf = b
	if err := d.layer.router.Reply(d.path, d.remote, d.local, b); err != nil {
		d.layer.sendFailures.Add(1)
		return fmt.Errorf("tcap dialogue %08x: %w", d.id, err)
	}
	d.layer.countSent(m.Type)
	d.sent = true
	now := time.Now()
	for i := range components {
		if c := &components[i]; c.Type == tcap.Invoke {
			d.trackInvoke(c, now)
		}
	}
	return nil
}

var encodePool = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

func (d *Dialogue) closeLocked() {
	if d.state == Closed {
		return
	}
	d.state = Closed
	if d.idle != nil {
		d.idle.Stop()
	}
	for _, p := range d.invokes {
		if p.timer != nil {
			p.timer.Stop()
		}
	}
	d.invokes = nil
	for _, t := range d.timers {
		t.Stop()
	}
	d.timers = nil
	d.layer.remove(d)
}

// enqueue adds an event and makes sure a goroutine delivers the queue.
func (d *Dialogue) enqueue(ev *Event) {
	d.mu.Lock()
	start := d.enqueueLocked(ev)
	d.mu.Unlock()
	if start {
		d.layer.run(d)
	}
}

// enqueueOpen is enqueue for the dialogue's own timers: it drops the event
// if the dialogue has closed. The test is made under the lock that queues
// the event; tested before, a close in between put the timer's event after
// the final EventEnd or EventAbort.
func (d *Dialogue) enqueueOpen(ev *Event) bool {
	d.mu.Lock()
	if d.state == Closed {
		d.mu.Unlock()
		return false
	}
	start := d.enqueueLocked(ev)
	d.mu.Unlock()
	if start {
		d.layer.run(d)
	}
	return true
}

// enqueueLocked adds an event; true means the caller must d.layer.run(d)
// once it has unlocked d.mu.
func (d *Dialogue) enqueueLocked(ev *Event) (start bool) {
	ev.Dialogue = d
	d.queue = append(d.queue, ev)
	start = !d.running
	d.running = true
	return start
}

// drain delivers queued events one by one, then returns: an idle dialogue
// holds no goroutine.
func (d *Dialogue) drain() {
	for {
		d.mu.Lock()
		if len(d.queue) == 0 {
			d.running = false
			d.queue = nil
			d.mu.Unlock()
			return
		}
		ev := d.queue[0]
		d.queue[0] = nil
		d.queue = d.queue[1:]
		d.sent = false
		d.mu.Unlock()

		d.layer.handler.HandleEvent(ev)

		// Rejects the service did not send along go out on their own.
		d.mu.Lock()
		if len(d.rejects) > 0 && !d.sent && (d.state == Active || d.state == InitiationReceived) {
			m := tcap.Message{Type: tcap.Continue, OTID: tcap.NewTransactionID(d.id), DTID: d.remoteTID}
			if d.state == InitiationReceived && d.proposed {
				m.Dialogue = tcap.NewAARE(d.ac, tcap.Accepted, tcap.DiagNull)
			}
			if err := d.sendLocked(&m, nil); err == nil {
				d.state = Active
			}
		}
		d.mu.Unlock()
	}
}

// touch restarts the idle timer on traffic.
func (d *Dialogue) touchLocked(now time.Time) {
	d.lastRx = now
	if d.idle != nil {
		d.idle.Reset(d.layer.cfg.IdleTimeout)
	}
}

func (d *Dialogue) startIdleTimer() {
	if t := d.layer.cfg.IdleTimeout; t > 0 {
		d.idle = time.AfterFunc(t, d.idleExpired)
	}
}

func (d *Dialogue) idleExpired() {
	d.mu.Lock()
	if d.state == Closed {
		d.mu.Unlock()
		return
	}
	// A message taken in while this callback waited for d.mu reset the
	// timer too late to stop it: the dialogue is not idle, no event.
	if quiet := time.Since(d.lastRx); quiet < d.layer.cfg.IdleTimeout {
		d.idle.Reset(d.layer.cfg.IdleTimeout - quiet)
		d.mu.Unlock()
		return
	}
	d.idle.Reset(d.layer.cfg.IdleTimeout) // fires again if the service does nothing
	// Queued in the same critical section: not after a close (enqueueOpen).
	start := d.enqueueLocked(&Event{Kind: EventIdle})
	d.mu.Unlock()
	d.layer.idleEvents.Add(1)
	if start {
		d.layer.run(d)
	}
}
