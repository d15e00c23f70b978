package dialogue

import (
	"strconv"
	"time"

	"github.com/scpd/scpd/sigtran/sccp"
	"github.com/scpd/scpd/sigtran/tcap"
)

// EventKind says what happened to a dialogue.
type EventKind uint8

// Events a service receives.
const (
	// EventBegin opens a dialogue the peer started (TC-BEGIN indication).
	EventBegin EventKind = iota + 1
	// EventContinue carries components (TC-CONTINUE indication); the first
	// one of a dialogue this node opened also confirms it.
	EventContinue
	// EventEnd closes the dialogue from the peer (TC-END indication).
	EventEnd
	// EventAbort closes the dialogue abnormally; Event.Abort says why.
	EventAbort
	// EventIdle reports no message for the idle time (the dialogue stays
	// open; the service tests it, e.g. with ActivityTest, or ends it).
	EventIdle
	// EventInvokeTimeout reports that an invoke of class 1 or 3 got no
	// answer in time (TC-L-CANCEL indication); Event.InvokeID names it.
	EventInvokeTimeout
	// EventTimer is a timer the service started with Dialogue.AfterFunc;
	// Event.Timer is its tag. It comes in order with the dialogue's other
	// events, so the service needs no lock of its own.
	EventTimer
)

func (k EventKind) String() string {
	switch k {
	case EventBegin:
		return "begin"
	case EventContinue:
		return "continue"
	case EventEnd:
		return "end"
	case EventAbort:
		return "abort"
	case EventIdle:
		return "idle"
	case EventInvokeTimeout:
		return "invoke-timeout"
	case EventTimer:
		return "timer"
	}
	return "event(" + strconv.Itoa(int(k)) + ")"
}

// AbortCause says why a dialogue was aborted.
type AbortCause uint8

// Abort causes.
const (
	// AbortUser: the peer's TC-user aborted (TC-U-ABORT); Event.Abort.Dialogue
	// holds its ABRT or AARE.
	AbortUser AbortCause = iota + 1
	// AbortProvider: the peer's TCAP aborted (TC-P-ABORT); PAbortCause says
	// why, or, for an ABRT from its dialogue-service-provider, Dialogue
	// holds the ABRT.
	AbortProvider
	// AbortACNotSupported: the peer refused the application context.
	AbortACNotSupported
	// AbortAssociationLost: the association closed and no other reaches the peer.
	AbortAssociationLost
	// AbortReturned: SCCP returned a message of the dialogue (UDTS).
	AbortReturned
	// AbortShutdown: the layer is closing.
	AbortShutdown
)

func (c AbortCause) String() string {
	switch c {
	case AbortUser:
		return "user-abort"
	case AbortProvider:
		return "provider-abort"
	case AbortACNotSupported:
		return "application-context-not-supported"
	case AbortAssociationLost:
		return "association-lost"
	case AbortReturned:
		return "returned-by-sccp"
	case AbortShutdown:
		return "shutdown"
	}
	return "abort(" + strconv.Itoa(int(c)) + ")"
}

// AbortInfo details an EventAbort.
type AbortInfo struct {
	Cause       AbortCause
	PAbortCause tcap.PAbortCause
	Dialogue    *tcap.DialoguePortion
	ReturnCause sccp.ReturnCause
}

// Event is one thing that happened to a dialogue. Components alias the
// received message and stay valid.
type Event struct {
	Kind       EventKind
	Dialogue   *Dialogue
	Components []tcap.Component
	// Rejected are Rejects the layer made for malformed components of this
	// message (those are not in Components); they go out with the
	// service's next message. For an EventEnd nothing can go out: they
	// only tell the service what it did not get (TC-L-REJECT).
	Rejected []tcap.Component
	Abort    AbortInfo
	InvokeID int8
	Timer    int
	// Received is when the layer took the peer's message off the
	// association (zero for events the layer makes itself: timers, a lost
	// association, shutdown): the time the event waited before the
	// service saw it counts from here.
	Received time.Time
}

// Handler is the service above the dialogue layer. HandleEvent is called
// for one dialogue at a time, in order; for different dialogues in
// parallel. It may block (a database commit): only its dialogue waits.
type Handler interface {
	HandleEvent(ev *Event)
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ev *Event)

// HandleEvent calls f.
func (f HandlerFunc) HandleEvent(ev *Event) { f(ev) }
