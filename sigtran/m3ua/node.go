package m3ua

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/wmnsk/go-m3ua/messages"
	"github.com/wmnsk/go-m3ua/messages/params"

	"github.com/scpd/scpd/sigtran/transport"
)

// Handler is the user part above M3UA (SCCP).
type Handler interface {
	// HandleData is called in arrival order from the association's reader.
	HandleData(a *Association, d Data)
	// AssociationState reports every state change, in order; StateClosed
	// ends the association, and everything the user sent over it is lost.
	// It must not Close or Abort the association inline (the report holds
	// the association's state lock).
	AssociationState(a *Association, s State)
}

// Node is a signalling point's M3UA layer: it accepts associations from
// configured peers, dials the peers it is the ASP of (with backoff), and
// routes DATA by destination point code over the active associations.
type Node struct {
	cfg     Config
	handler Handler
	log     *slog.Logger

	mu       sync.RWMutex
	current  map[*Association]struct{} // live associations; a peer may have several
	closing  bool                      // shutdown has begun: adopt refuses
	listener transport.Listener

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	errorsByCode sync.Map // ErrorCode -> *atomic count, for metrics
	refused      countVar
	// totals are the DATA counts of every association of a peer, by name,
	// counted as they happen: summing the live associations' Stats lost
	// those of an association that came and went between two reads.
	// Fixed by NewNode, so read without a lock.
	totals map[string]*peerCounters
}

// NewNode validates cfg and returns a node that is not yet started.
func NewNode(cfg Config, h Handler, log *slog.Logger) (*Node, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.Default()
	}
	totals := make(map[string]*peerCounters, len(cfg.Peers))
	for _, p := range cfg.Peers {
		totals[p.Name] = new(peerCounters)
	}
	return &Node{cfg: cfg, handler: h, log: log.With("layer", "m3ua"), current: make(map[*Association]struct{}), totals: totals}, nil
}

// Start opens the listener (when configured) and starts dialling peers.
// It returns once the listener is bound; ctx ends the node.
func (n *Node) Start(ctx context.Context) error {
	n.ctx, n.cancel = context.WithCancel(ctx)
	if len(n.cfg.Listen.Local) > 0 {
		l, err := transport.Listen(n.cfg.Listen)
		if err != nil {
			return fmt.Errorf("m3ua: %w", err)
		}
		n.listener = l
		kind, _ := transport.Resolve(n.cfg.Listen.Kind) // what auto chose
		n.log.Info("m3ua listening", "addr", l.Addr().String(), "transport", string(kind))
		n.wg.Add(1)
		go n.acceptLoop()
	}
	for i := range n.cfg.Peers {
		if p := &n.cfg.Peers[i]; p.Dial {
			n.wg.Add(1)
			go n.dialLoop(p)
		}
	}
	go func() {
		<-n.ctx.Done()
		n.shutdown()
	}()
	return nil
}

// Addr is the listener's address, or nil.
func (n *Node) Addr() net.Addr {
	if n.listener == nil {
		return nil
	}
	return n.listener.Addr()
}

// Close stops dialling and accepting, closes every association and waits.
func (n *Node) Close() error {
	if n.cancel != nil {
		n.cancel()
	}
	n.shutdown()
	n.wg.Wait()
	return nil
}

// aspDownWait bounds how long shutdown waits to queue ASPDN.
const aspDownWait = time.Second

func (n *Node) shutdown() {
	if n.listener != nil {
		n.listener.Close()
	}
	n.mu.Lock()
	n.closing = true
	assocs := make([]*Association, 0, len(n.current))
	for a := range n.current {
		assocs = append(assocs, a)
	}
	n.mu.Unlock()
	// In parallel: a transport close may wait seconds for a peer that has
	// vanished (userspace SCTP's SHUTDOWN, TCP's queued writes), and one
	// after the other that adds up over many peers.
	var wg sync.WaitGroup
	for _, a := range assocs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if a.State() != StateClosed && a.State() != StateDown {
				// Take the ASP down politely where we are the ASP (§4.3.4.2).
				// A peer that stopped reading leaves this write waiting for
				// ever on the transport's full queue (TCP's 4 MB): give it
				// aspDownWait, then close, which fails the write.
				if a.dialled {
					sent := make(chan struct{})
					go func() { a.sendManagement(messages.NewAspDown(nil)); close(sent) }()
					select {
					case <-sent:
					case <-time.After(aspDownWait):
					}
				}
			}
			a.close(errors.New("node shutting down"))
		}()
	}
	wg.Wait()
}

func (n *Node) acceptLoop() {
	defer n.wg.Done()
	for {
		c, err := n.listener.Accept()
		if err != nil {
			if n.ctx.Err() == nil {
				n.log.Error("m3ua accept failed", "error", err.Error())
				select {
				case <-time.After(100 * time.Millisecond):
					continue
				case <-n.ctx.Done():
				}
			}
			return
		}
		peer := n.peerFor(c.RemoteAddr())
		if peer == nil {
			// Only configured peers are served: tell the stranger and hang up.
			n.refused.add(1)
			n.log.Warn("m3ua association refused: no peer configured for this address", "remote", c.RemoteAddr().String())
			if b, err := messages.NewError(params.NewErrorCode(uint32(ErrCodeRefusedManagementBlocking)), nil, nil, nil,
				params.NewDiagnosticInformation([]byte("no peer configured for "+c.RemoteAddr().String()))).MarshalBinary(); err == nil {
				_ = c.Write(transport.Message{Payload: b, PPID: transport.PPIDM3UA})
			}
			c.Close()
			continue
		}
		a := newAssociation(n, peer, c, false)
		if !n.adopt(a) {
			c.Close()
			return
		}
		n.wg.Add(2)
		go func() { defer n.wg.Done(); a.run() }()
		go func() { defer n.wg.Done(); a.heartbeat() }()
	}
}

// peerFor finds the accepted (not dialled) peer a remote address belongs
// to. A multi-homed SCTP peer prints as "ip1/ip2:port" and matches by any
// of its addresses.
func (n *Node) peerFor(addr net.Addr) *Peer {
	var ips []net.IP
	switch a := addr.(type) {
	case *net.TCPAddr:
		ips = append(ips, a.IP)
	default:
		if h, _, err := net.SplitHostPort(addr.String()); err == nil {
			for _, s := range strings.Split(h, "/") {
				if ip := net.ParseIP(s); ip != nil {
					ips = append(ips, ip)
				}
			}
		}
	}
	for i := range n.cfg.Peers {
		p := &n.cfg.Peers[i]
		if p.Dial {
			continue
		}
		for _, ip := range ips {
			if p.matchesAddr(ip) {
				return p
			}
		}
	}
	return nil
}

// adopt adds a live association. A peer may hold several (MSCs spread
// their links over associations); one that restarts loses its old
// association to the transport (reset) or to the BEAT timeout.
//
// It refuses once shutdown has taken its list of associations to close:
// one accepted or dialled just then was adopted after it, never closed,
// and Close waited for its goroutines for ever. The caller closes the
// connection.
func (n *Node) adopt(a *Association) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closing {
		return false
	}
	n.current[a] = struct{}{}
	return true
}

func (n *Node) forget(a *Association) {
	n.mu.Lock()
	delete(n.current, a)
	n.mu.Unlock()
}

// dialLoop keeps an association to a peer we are the ASP of: dial, ASPUP,
// ASPAC, and after a loss dial again with exponential backoff and jitter.
func (n *Node) dialLoop(p *Peer) {
	defer n.wg.Done()
	backoff := n.cfg.ReconnectMin
	for n.ctx.Err() == nil {
		start := time.Now()
		err := n.dialOnce(p)
		if n.ctx.Err() != nil {
			return
		}
		if time.Since(start) > 2*n.cfg.ReconnectMax {
			backoff = n.cfg.ReconnectMin // it was up for a good while
		}
		wait := backoff/2 + rand.N(backoff/2+1)
		n.log.Warn("m3ua association to peer lost; redialling", "peer", p.Name, "error", errString(err), "in", wait.Round(time.Millisecond).String())
		select {
		case <-time.After(wait):
		case <-n.ctx.Done():
			return
		}
		backoff = min(2*backoff, n.cfg.ReconnectMax)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func (n *Node) dialOnce(p *Peer) error {
	ctx, cancel := context.WithTimeout(n.ctx, n.cfg.AckTimeout)
	c, err := transport.Dial(ctx, n.cfg.DialTransport, p.Remote)
	cancel()
	if err != nil {
		return err
	}
	a := newAssociation(n, p, c, true)
	if !n.adopt(a) {
		c.Close()
		return errors.New("node shutting down")
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); a.run() }()
	go func() { defer wg.Done(); a.heartbeat() }()
	defer wg.Wait()

	// ASP Up, then ASP Active (RFC 4666 §4.3.4.1, §4.3.4.3).
	a.sendManagement(messages.NewAspUp(nil, nil))
	if err := a.waitAck(messages.MsgTypeAspUpAck); err != nil {
		a.close(fmt.Errorf("ASPUP: %w", err))
		return err
	}
	var rc *params.Param
	if p.RoutingContext != 0 {
		rc = params.NewRoutingContext(p.RoutingContext)
		a.rc.Store(p.RoutingContext)
	}
	a.sendManagement(messages.NewAspActive(params.NewTrafficModeType(uint32(p.TrafficMode)), rc, nil))
	if err := a.waitAck(messages.MsgTypeAspActiveAck); err != nil {
		a.close(fmt.Errorf("ASPAC: %w", err))
		return err
	}
	<-a.done
	return a.Err()
}

func (a *Association) waitAck(t uint8) error {
	timer := time.NewTimer(a.node.cfg.AckTimeout)
	defer timer.Stop()
	for {
		select {
		case got := <-a.acks:
			if got == t {
				return nil
			}
		case <-timer.C:
			return fmt.Errorf("no ACK within %v", a.node.cfg.AckTimeout)
		case <-a.done:
			return a.Err()
		}
	}
}

func (n *Node) stateChanged(a *Association, s State) {
	if s == StateClosed {
		n.forget(a)
	}
	n.handler.AssociationState(a, s)
}

// overrideTakeover makes a the one active association of its AS when the
// traffic mode is override (RFC 4666 §4.3.4.3): the previously active one
// goes inactive and is told so.
func (n *Node) overrideTakeover(a *Association) {
	n.mu.RLock()
	var others []*Association
	for o := range n.current {
		if o != a && o.peer.RoutingContext == a.peer.RoutingContext && a.peer.RoutingContext != 0 && o.State() == StateActive {
			others = append(others, o)
		}
	}
	n.mu.RUnlock()
	for _, o := range others {
		o.sendManagement(messages.NewNotify(params.NewStatus(params.AlternateAspActive), nil, params.NewRoutingContext(o.peer.RoutingContext), nil))
		o.setState(StateInactive)
	}
}

// ErrNoRoute is returned when no active association reaches a DPC.
var ErrNoRoute = errors.New("m3ua: no active association reaches the destination")

// Route returns the active association for dpc and sls: among the peers
// that reach dpc, loadshare spreads by SLS, override takes the most
// recently activated one.
func (n *Node) Route(dpc uint32, sls uint8) (*Association, error) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	var cands []*Association
	for a := range n.current {
		if a.State() == StateActive && a.peer.reaches(dpc) {
			cands = append(cands, a)
		}
	}
	switch len(cands) {
	case 0:
		return nil, fmt.Errorf("%w: DPC %d", ErrNoRoute, dpc)
	case 1:
		return cands[0], nil
	}
	best := cands[0]
	override := false
	for _, c := range cands {
		if TrafficMode(c.trafficMode.Load()) == Override {
			override = true
			if c.activeSince.Load() > best.activeSince.Load() {
				best = c
			}
		}
	}
	if override {
		return best, nil
	}
	// Map order is random: sort for a stable SLS spread.
	for i := 1; i < len(cands); i++ {
		for j := i; j > 0 && cands[j].id < cands[j-1].id; j-- {
			cands[j], cands[j-1] = cands[j-1], cands[j]
		}
	}
	return cands[int(sls)%len(cands)], nil
}

// Send routes DATA by its DPC and SLS.
func (n *Node) Send(d Data) error {
	a, err := n.Route(d.DPC, d.SLS)
	if err != nil {
		return err
	}
	return a.Send(d)
}

// reachable says whether this node can deliver to pc (for DAUD): itself,
// or a point code behind another active association.
func (n *Node) reachable(pc uint32, from *Association) bool {
	if pc == n.cfg.PointCode {
		return true
	}
	n.mu.RLock()
	defer n.mu.RUnlock()
	for a := range n.current {
		if a != from && a.State() == StateActive && !a.peer.Gateway && a.peer.reaches(pc) {
			return true
		}
	}
	return false
}

// Associations returns the live associations.
func (n *Node) Associations() []*Association {
	n.mu.RLock()
	defer n.mu.RUnlock()
	out := make([]*Association, 0, len(n.current))
	for a := range n.current {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// PeerNames returns the names of the configured peers, connected or not.
func (n *Node) PeerNames() []string {
	out := make([]string, len(n.cfg.Peers))
	for i := range n.cfg.Peers {
		out[i] = n.cfg.Peers[i].Name
	}
	return out
}

// PointCode is the node's own point code.
func (n *Node) PointCode() uint32 { return n.cfg.PointCode }

// NetworkIndicator is the NI the node puts in DATA.
func (n *Node) NetworkIndicator() uint8 { return n.cfg.NetworkIndicator }

func (n *Node) countError(code ErrorCode) {
	v, _ := n.errorsByCode.LoadOrStore(code, new(countVar))
	v.(*countVar).add(1)
}

// ErrorsSent returns how many ERR messages of each code were sent.
func (n *Node) ErrorsSent() map[ErrorCode]uint64 {
	out := make(map[ErrorCode]uint64)
	n.errorsByCode.Range(func(k, v any) bool {
		out[k.(ErrorCode)] = v.(*countVar).load()
		return true
	})
	return out
}

// PeerTotals returns, for each configured peer, the DATA counts of all its
// associations since start, open and closed: they never go down, and an
// association that opened and closed between two calls is in them.
func (n *Node) PeerTotals() map[string]PeerTotals {
	out := make(map[string]PeerTotals, len(n.totals))
	for name, c := range n.totals {
		out[name] = PeerTotals{DataIn: c.dataIn.Load(), DataOut: c.dataOut.Load(), DataDropped: c.dropped.Load()}
	}
	return out
}

// Refused returns how many associations from unconfigured addresses were refused.
func (n *Node) Refused() uint64 { return n.refused.load() }
