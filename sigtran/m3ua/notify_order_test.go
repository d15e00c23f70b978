package m3ua

import (
	"runtime"
	"sync"
	"testing"

	"github.com/wmnsk/go-m3ua/messages"
	"github.com/wmnsk/go-m3ua/messages/params"
)

// stateLog records the states the handler is told, per association.
type stateLog struct {
	mu     sync.Mutex
	states map[*Association][]State
}

func (h *stateLog) HandleData(*Association, Data) {}
func (h *stateLog) AssociationState(a *Association, s State) {
	h.mu.Lock()
	h.states[a] = append(h.states[a], s)
	h.mu.Unlock()
}

// TestStateNotifiedInOrder: an active association is taken over (another
// ASP of its AS goes active in override mode, and its reader sets this one
// ASP-INACTIVE) while another goroutine closes it (BEAT timeout, a failed
// write, shutdown). The handler must be told the changes in the order they
// were made: closed last, as the association ends. Told ASP-INACTIVE after
// closed, the user part believes a dead association is still there.
func TestStateNotifiedInOrder(t *testing.T) {
	cfg := DefaultConfig()
	cfg.PointCode = scpPC
	cfg.Peers = []Peer{{Name: "msc", Remote: []string{"127.0.0.1"}, PointCode: mscPC, RoutingContext: 7, TrafficMode: Override}}
	aspac, err := messages.NewAspActive(params.NewTrafficModeType(uint32(Override)), params.NewRoutingContext(7), nil).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	const rounds = 5000
	for round := 0; round < rounds; round++ {
		h := &stateLog{states: map[*Association][]State{}}
		n, err := NewNode(cfg, h, quietLog())
		if err != nil {
			t.Fatal(err)
		}
		old := newAssociation(n, &n.cfg.Peers[0], &fuzzConn{streams: 2}, false)
		n.adopt(old)
		old.state.Store(int32(StateActive))
		taker := newAssociation(n, &n.cfg.Peers[0], &fuzzConn{streams: 2}, false)
		n.adopt(taker)
		taker.state.Store(int32(StateInactive))

		start := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(2)
		go func() {
			defer wg.Done()
			<-start
			taker.handle(aspac) // takes over: old goes ASP-INACTIVE
		}()
		go func() {
			defer wg.Done()
			<-start
			// Close just after the takeover changed the state, in the
			// window before the handler is told of it.
			for old.State() != StateInactive {
				runtime.Gosched()
			}
			old.Close()
		}()
		close(start)
		wg.Wait()

		h.mu.Lock()
		got := h.states[old]
		h.mu.Unlock()
		if old.State() != StateClosed || len(got) == 0 || got[len(got)-1] != StateClosed {
			t.Fatalf("round %d: association %v, handler told %v; want closed last", round, old.State(), got)
		}
		for _, s := range got[:len(got)-1] {
			if s == StateClosed {
				t.Fatalf("round %d: handler told %v: closed twice", round, got)
			}
		}
	}
}
