package m3ua

import (
	"io"
	"log/slog"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wmnsk/go-m3ua/messages"
	"github.com/wmnsk/go-m3ua/messages/params"

	"github.com/scpd/scpd/sigtran/transport"
)

// gateLog holds the goroutine that builds an association's logger (in
// newAssociation, between the transport handing over a connection and
// the node adopting the association) for the peer named gate, once armed.
type gateLog struct {
	slog.Handler
	gate    string
	armed   *atomic.Bool
	reached chan struct{}
	release chan struct{}
}

func newGateLog(gate string) *gateLog {
	return &gateLog{Handler: slog.NewTextHandler(io.Discard, nil), gate: gate, armed: new(atomic.Bool),
		reached: make(chan struct{}), release: make(chan struct{})}
}

func (g *gateLog) WithAttrs(as []slog.Attr) slog.Handler {
	for _, a := range as {
		if a.Key == "peer" && a.Value.String() == g.gate && g.armed.CompareAndSwap(true, false) {
			close(g.reached)
			<-g.release
		}
	}
	c := *g
	c.Handler = g.Handler.WithAttrs(as)
	return &c
}

// closeWithin closes n and fails if Close does not return in time.
func closeWithin(t *testing.T, n *Node, d time.Duration) {
	t.Helper()
	done := make(chan struct{})
	go func() { n.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("node Close did not return within %v", d)
	}
}

// closedBy starts n.Close and returns once its shutdown has closed the
// established association of rec (so the shutdown's list of associations
// has been taken); Close is then waiting for the node's goroutines.
func closedBy(t *testing.T, n *Node, rec *recorder) chan struct{} {
	t.Helper()
	done := make(chan struct{})
	go func() { n.Close(); close(done) }()
	rec.waitState(t, StateClosed)
	return done
}

func waitClosed(t *testing.T, done chan struct{}) {
	t.Helper()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("node Close did not return: an association adopted after its shutdown kept it waiting")
	}
}

// An association accepted while the node shuts down must not outlive
// Close (it was adopted after shutdown had taken its list, and Close
// then waited for its reader for ever).
func TestAcceptedDuringCloseDoesNotHangClose(t *testing.T) {
	log := newGateLog("msc1")
	n, rec := sgpNodeLog(t, slog.New(log), nil)
	defer closeWithin(t, n, 10*time.Second)
	first := dialASP(t, n.Addr(), "127.0.0.1")
	first.activate(7)
	rec.waitState(t, StateActive)

	log.armed.Store(true)
	late := dialASP(t, n.Addr(), "127.0.0.1") // stays open
	<-log.reached                             // accepted, not yet adopted
	done := closedBy(t, n, rec)
	close(log.release)
	waitClosed(t, done)
	if m := late.recv(); m != nil {
		t.Fatalf("the late association is up: %s", m.MessageTypeName())
	}
}

// The same for an association dialled while the node shuts down: the
// dial loop waited on it for ever, and Close on the dial loop.
func TestDialledDuringCloseDoesNotHangClose(t *testing.T) {
	// A far end that answers ASPUP and ASPAC and keeps the association.
	sg, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer sg.Close()
	go func() {
		for {
			c, err := sg.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
			go func() {
				p := &testASP{t: t, c: c}
				for {
					var reply messages.M3UA
					switch m := p.recv(); m.(type) {
					case nil:
						return
					case *messages.AspUp:
						reply = messages.NewAspUpAck(nil, nil)
					case *messages.AspActive:
						reply = messages.NewAspActiveAck(params.NewTrafficModeType(uint32(Loadshare)), params.NewRoutingContext(7), nil)
					default:
						continue
					}
					b, _ := reply.MarshalBinary()
					if _, err := c.Write(b); err != nil {
						return
					}
				}
			}()
		}
	}()

	log := newGateLog("sg")
	log.armed.Store(true)
	n, rec := sgpNodeLog(t, slog.New(log), func(cfg *Config) {
		cfg.PointCode = mscPC
		cfg.DialTransport = transport.Config{Kind: transport.TCP}
		cfg.Peers = []Peer{
			{Name: "stp", Remote: []string{"127.0.0.1"}, PointCode: 5, RoutingContext: 7},
			{Name: "sg", Dial: true, Remote: []string{sg.Addr().String()}, PointCode: scpPC, RoutingContext: 7},
		}
	})
	defer closeWithin(t, n, 10*time.Second)
	<-log.reached // dialled, not yet adopted
	stp := dialASP(t, n.Addr(), "127.0.0.1")
	stp.activate(7)
	rec.waitState(t, StateActive)
	done := closedBy(t, n, rec)
	close(log.release)
	waitClosed(t, done)
}

// The reader may be handling a message it read just before another
// goroutine (BEAT timeout, a failed Send, node shutdown) closed the
// association. StateClosed is final: that message must not bring the
// association back to ASP-INACTIVE or ASP-ACTIVE, nor be reported to the
// handler after StateClosed (which ends the association for the users).
func TestClosedIsFinal(t *testing.T) {
	cfg := DefaultConfig()
	cfg.PointCode = scpPC
	cfg.Peers = []Peer{{Name: "msc", Remote: []string{"127.0.0.1"}, PointCode: mscPC}}
	rec := newRecorder()
	n, err := NewNode(cfg, rec, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	for _, msg := range []messages.M3UA{
		messages.NewAspUp(nil, nil),
		messages.NewAspActive(params.NewTrafficModeType(uint32(Loadshare)), nil, nil),
	} {
		a := newAssociation(n, &n.cfg.Peers[0], &fuzzConn{streams: 2}, false)
		n.adopt(a)
		if msg.MessageType() == messages.MsgTypeAspActive {
			a.state.Store(int32(StateInactive))
		}
		b, err := msg.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		a.Close() // another goroutine closes it; then the reader goes on
		a.handle(b)
		if s := a.State(); s != StateClosed {
			t.Errorf("%s handled after close: state %v, want closed", msg.MessageTypeName(), s)
		}
		rec.mu.Lock()
		states := append([]State(nil), rec.states...)
		rec.states = nil
		rec.mu.Unlock()
		if len(states) != 1 || states[0] != StateClosed {
			t.Errorf("%s handled after close: handler told %v, want [closed]", msg.MessageTypeName(), states)
		}
	}
}
