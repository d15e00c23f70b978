// Package routing is SCCP connectionless routing and control (Q.714 §2,
// SCRC and SCLC) for an end node: it takes M3UA DATA, checks that UDT and
// XUDT are addressed to this node by point code and SSN or by global
// title, hands them to the subsystem's user (TCAP), answers what it cannot
// deliver with UDTS/XUDTS when return on error is set, answers SCCP
// management's subsystem status test, and sends the users' messages back
// out, addressed to the caller.
package routing

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/scpd/scpd/sigtran/m3ua"
	"github.com/scpd/scpd/sigtran/sccp"
)

// Path is how to reach the far end of a message: the association it came
// over, the remote point code and the SLS, so an answer goes back the way
// the request came (and stays in sequence for protocol class 1).
type Path struct {
	Assoc *m3ua.Association
	OPC   uint32
	SLS   uint8
}

// User is a subsystem above SCCP, such as the TCAP dialogue layer.
type User interface {
	// HandleUnitdata delivers a UDT or XUDT addressed to the subsystem
	// (N-UNITDATA indication), from the association's reader goroutine.
	HandleUnitdata(p Path, m *sccp.Message)
	// HandleNotice delivers a UDTS or XUDTS: a message the user sent came
	// back undelivered (N-NOTICE indication).
	HandleNotice(p Path, m *sccp.Message)
	// PathLost reports that an association closed. Messages to a point
	// code that another association reaches still get through
	// (Router.Reachable tells).
	PathLost(a *m3ua.Association)
}

// Network is what the router needs of M3UA: send on an association, or
// route by point code.
type Network interface {
	Route(dpc uint32, sls uint8) (*m3ua.Association, error)
	PointCode() uint32
	NetworkIndicator() uint8
}

// Config of the router.
type Config struct {
	// GlobalTitles are digit prefixes this node answers to when a message
	// is routed on global title; empty accepts any global title.
	GlobalTitles []string
	// DefaultSSN is used for a global-title-routed message without an SSN.
	DefaultSSN uint8
	// XUDT makes the node send XUDT instead of UDT.
	XUDT bool
	// ReturnOnError is set on the messages the node sends.
	ReturnOnError bool
	// AllowedCallingGT and AllowedCallingPC screen the calling party:
	// when either is set, a UDT/XUDT whose calling address carries neither
	// an allowed global-title prefix nor an allowed point code (the one in
	// the address, or the routing label's OPC) is dropped and counted.
	AllowedCallingGT []string
	AllowedCallingPC []uint32
}

// Stats counts what the router did.
type Stats struct {
	UnitdataIn, UnitdataOut uint64
	ServiceIn, ServiceOut   uint64 // UDTS/XUDTS received and sent
	Malformed               uint64 // SCCP that did not decode
	RoutingFailures         uint64 // not for this node or its subsystems
	ManagementIn            uint64 // SCMG messages
	Screened                uint64 // dropped by calling-party screening
	Segmented               uint64 // XUDT segments of a longer message: not reassembled
}

// Router is SCRC/SCLC of one signalling point.
type Router struct {
	net Network
	cfg Config
	log *slog.Logger

	mu    sync.RWMutex
	users map[uint8]User

	unitdataIn, unitdataOut, serviceIn, serviceOut, malformed, routingFailures, mgmtIn, screened, segmented atomic.Uint64
}

// New returns a router over the network.
func New(n Network, cfg Config, log *slog.Logger) *Router {
	if cfg.DefaultSSN == 0 {
		cfg.DefaultSSN = sccp.SSNCAP
	}
	if log == nil {
		log = slog.Default()
	}
	return &Router{net: n, cfg: cfg, log: log.With("layer", "sccp"), users: make(map[uint8]User)}
}

// SetNetwork sets the network after construction, for wiring where the
// M3UA node needs the router as its handler first.
func (r *Router) SetNetwork(n Network) { r.net = n }

// Register makes u the user of subsystem ssn.
func (r *Router) Register(ssn uint8, u User) {
	r.mu.Lock()
	r.users[ssn] = u
	r.mu.Unlock()
}

func (r *Router) user(ssn uint8) User {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.users[ssn]
}

// Stats returns the counters.
func (r *Router) Stats() Stats {
	return Stats{UnitdataIn: r.unitdataIn.Load(), UnitdataOut: r.unitdataOut.Load(), ServiceIn: r.serviceIn.Load(),
		ServiceOut: r.serviceOut.Load(), Malformed: r.malformed.Load(), RoutingFailures: r.routingFailures.Load(), ManagementIn: r.mgmtIn.Load(),
		Screened: r.screened.Load(), Segmented: r.segmented.Load()}
}

// HandleData implements m3ua.Handler.
func (r *Router) HandleData(a *m3ua.Association, d m3ua.Data) {
	if d.SI != m3ua.SISCCP {
		r.routingFailures.Add(1)
		r.log.Warn("DATA for a user part other than SCCP dropped", "si", d.SI, "opc", d.OPC)
		return
	}
	var m sccp.Message
	if err := m.Decode(d.Payload); err != nil {
		// The addresses are unusable, so nothing can be returned.
		r.malformed.Add(1)
		r.log.Warn("SCCP message dropped", "error", err.Error(), "opc", d.OPC)
		return
	}
	p := Path{Assoc: a, OPC: d.OPC, SLS: d.SLS}
	if !answerable(&m.Calling, d.OPC) {
		// No answer, return or reply could reach the sender's subsystem.
		r.malformed.Add(1)
		r.log.Warn("SCCP message dropped: its calling party address names no subsystem to answer", "calling", m.Calling.String(), "opc", d.OPC)
		return
	}
	if !r.callingAllowed(&m.Calling, d.OPC) {
		// Screening answers nothing: a stranger learns nothing about the node.
		r.screened.Add(1)
		r.log.Warn("SCCP message dropped by calling-party screening", "calling", m.Calling.String(), "opc", d.OPC)
		return
	}
	switch m.Type {
	case sccp.UDTS, sccp.XUDTS:
		r.serviceIn.Add(1)
		// The returned message's calling address, now the called one,
		// is ours as this node sent it: routed on a global title without
		// an SSN it means the default SSN, as for a UDT (destination).
		ssn := m.Called.SSN
		if ssn == 0 && !m.Called.RouteOnSSN {
			ssn = r.cfg.DefaultSSN
		}
		if u := r.user(ssn); u != nil {
			u.HandleNotice(p, &m)
		}
		return
	}
	// Translating the global title of an XUDT takes one hop: a message
	// whose hop counter is 1 (0 is out of range) has none left: hop
	// counter violation and the return procedure (Q.714 §2.3, SCRC
	// global title translation, and its SDL in Annex C; Q.713 §3.18
	// hop counter, §3.12 return cause 12).
	// A hop counter out of 1..15 is a violation wherever it is routed.
	if m.Type == sccp.XUDT && (!m.Called.RouteOnSSN && m.HopCounter <= 1 || m.HopCounter == 0 || m.HopCounter > 15) {
		r.routingFailures.Add(1)
		r.returnMessage(p, &m, sccp.HopCounterViolation)
		return
	}
	ssn, cause, ok := r.destination(&m.Called)
	if !ok {
		r.routingFailures.Add(1)
		r.returnMessage(p, &m, cause)
		return
	}
	if ssn == sccp.SSNManagement {
		r.mgmtIn.Add(1)
		r.management(p, &m)
		return
	}
	u := r.user(ssn)
	if u == nil {
		r.routingFailures.Add(1)
		r.returnMessage(p, &m, sccp.UnequippedUser)
		return
	}
	// One segment of a longer message: this node does not reassemble
	// (Q.714 §4.1.2; Q.713 §3.12 return cause 10). Handed on, the user got
	// a truncated message to drop and the sender heard nothing.
	if m.Type == sccp.XUDT && isSegment(m.Optional) {
		r.segmented.Add(1)
		r.log.Warn("segmented XUDT not reassembled", "opc", p.OPC)
		r.returnMessage(p, &m, sccp.ReassemblyNotPossible)
		return
	}
	r.unitdataIn.Add(1)
	u.HandleUnitdata(p, &m)
}

// answerable makes a calling party address one that answers can be routed
// to, or returns false. Routed on the SSN it needs an SSN. Routed on a
// global title it needs one (Q.713 §3.4.1): without, it is taken as routed
// on the point code the message came from (the OPC, which M3UA checked)
// and its SSN, if it has one.
func answerable(a *sccp.Address, opc uint32) bool {
	switch {
	case a.RouteOnSSN:
		return a.SSN != 0
	case a.GT.Indicator == sccp.GTINone:
		if a.SSN == 0 || opc > 0x3fff {
			return false // nothing to answer, or no ITU point code to put in
		}
		*a = sccp.Address{RouteOnSSN: true, HasPC: true, PointCode: uint16(opc), SSN: a.SSN}
	}
	return true
}

// isSegment tells whether an XUDT's optional part holds a Segmentation
// parameter (Q.713 §3.17) for one segment of several: the first with more
// to come, or a later one. A single segment (first, none remaining) is the
// whole message.
func isSegment(opt []byte) bool {
	for len(opt) >= 2 && opt[0] != 0 { // 0: end of optional parameters
		name, n := opt[0], int(opt[1])
		if len(opt) < 2+n {
			return false
		}
		if name == 0x10 && n >= 1 { // Segmentation
			first, remaining := opt[2]&0x80 != 0, opt[2]&0x0f
			return !first || remaining > 0
		}
		opt = opt[2+n:]
	}
	return false
}

// callingAllowed applies the calling-party screening, if configured.
func (r *Router) callingAllowed(a *sccp.Address, opc uint32) bool {
	if len(r.cfg.AllowedCallingGT) == 0 && len(r.cfg.AllowedCallingPC) == 0 {
		return true
	}
	for _, pc := range r.cfg.AllowedCallingPC {
		if pc == opc || a.HasPC && uint32(a.PointCode) == pc {
			return true
		}
	}
	if a.GT.Indicator != sccp.GTINone {
		for _, gt := range r.cfg.AllowedCallingGT {
			if strings.HasPrefix(a.GT.Digits, gt) {
				return true
			}
		}
	}
	return false
}

// destination checks that the called address is this node and returns
// the subsystem (Q.714 §2.2.2).
func (r *Router) destination(a *sccp.Address) (uint8, sccp.ReturnCause, bool) {
	if a.RouteOnSSN {
		if a.SSN == 0 {
			return 0, sccp.Unqualified, false
		}
		if a.HasPC && uint32(a.PointCode) != r.net.PointCode() {
			return 0, sccp.NoTranslationForAddress, false
		}
		return a.SSN, 0, true
	}
	if a.GT.Indicator == sccp.GTINone {
		return 0, sccp.NoTranslationForNature, false
	}
	if len(r.cfg.GlobalTitles) > 0 {
		match := false
		for _, gt := range r.cfg.GlobalTitles {
			if strings.HasPrefix(a.GT.Digits, gt) {
				match = true
				break
			}
		}
		if !match {
			return 0, sccp.NoTranslationForAddress, false
		}
	}
	if a.SSN != 0 {
		return a.SSN, 0, true
	}
	return r.cfg.DefaultSSN, 0, true
}

// returnMessage sends a UDTS when the message asked for one (Q.714 §4.2).
func (r *Router) returnMessage(p Path, m *sccp.Message, cause sccp.ReturnCause) {
	r.log.Warn("SCCP message not delivered", "called", m.Called.String(), "cause", cause.String(), "opc", p.OPC)
	s := sccp.ServiceFor(m, cause)
	if s == nil {
		return
	}
	if err := r.sendMessage(p, s); err == nil {
		r.serviceOut.Add(1)
	}
}

// Reply sends data back to the sender of a message received over p:
// called is the original calling address, calling the original called.
func (r *Router) Reply(p Path, called, calling sccp.Address, data []byte) error {
	return r.send(p, called, calling, data)
}

// SendTo sends data to a destination point code, for a dialogue this node
// opens (the simulator's Begin).
func (r *Router) SendTo(dpc uint32, sls uint8, called, calling sccp.Address, data []byte) error {
	return r.send(Path{OPC: dpc, SLS: sls}, called, calling, data)
}

var msgPool = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

func (r *Router) send(p Path, called, calling sccp.Address, data []byte) error {
	return r.sendUnitdata(p, called, calling, data, r.cfg.ReturnOnError)
}

// sendUnitdata sends a UDT, or an XUDT when configured, asking for return
// on error as given.
func (r *Router) sendUnitdata(p Path, called, calling sccp.Address, data []byte, returnOnError bool) error {
	m := sccp.Message{Type: sccp.UDT, Called: called, Calling: calling, Data: data, ReturnOnError: returnOnError}
	if r.cfg.XUDT {
		m.Type, m.HopCounter = sccp.XUDT, sccp.DefaultHopCounter
	}
	if err := r.sendMessage(p, &m); err != nil {
		return err
	}
	r.unitdataOut.Add(1)
	return nil
}

// ErrNoPath is returned when neither the association of the path nor any
// route reaches the far end.
var ErrNoPath = errors.New("sccp: no active association to the destination")

func (r *Router) sendMessage(p Path, m *sccp.Message) error {
	buf := msgPool.Get().(*[]byte)
	defer msgPool.Put(buf)
	b, err := m.Append((*buf)[:0])
	if err != nil {
		return err
	}
	*buf = b
	d := m3ua.Data{OPC: r.net.PointCode(), DPC: p.OPC, SI: m3ua.SISCCP, NI: r.net.NetworkIndicator(), SLS: p.SLS, Payload: b}
	// Answer over the association the request came on; when it is gone,
	// any other that reaches the point code will do.
	a := p.Assoc
	if a == nil || a.State() != m3ua.StateActive {
		if a, err = r.net.Route(p.OPC, p.SLS); err != nil {
			return fmt.Errorf("%w: DPC %d", ErrNoPath, p.OPC)
		}
	}
	return a.Send(d)
}

// Reachable reports whether an active association reaches pc.
func (r *Router) Reachable(pc uint32) bool {
	_, err := r.net.Route(pc, 0)
	return err == nil
}

// AssociationState implements m3ua.Handler: users learn of a closed
// association so they can end what depended on it.
func (r *Router) AssociationState(a *m3ua.Association, s m3ua.State) {
	if s != m3ua.StateClosed {
		return
	}
	r.mu.RLock()
	users := make([]User, 0, len(r.users))
	for _, u := range r.users {
		users = append(users, u)
	}
	r.mu.RUnlock()
	for _, u := range users {
		u.PathLost(a)
	}
}
