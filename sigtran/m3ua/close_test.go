package m3ua

import (
	"sync"
	"testing"
	"time"
)

// lockingHandler takes mu when told an association is down, as the TCAP
// dialogue layer locks every dialogue on a lost association.
type lockingHandler struct {
	mu     *sync.Mutex
	closed chan struct{}
}

func (h *lockingHandler) HandleData(*Association, Data) {}
func (h *lockingHandler) AssociationState(_ *Association, s State) {
	if s == StateClosed {
		h.mu.Lock()
		defer h.mu.Unlock()
		close(h.closed)
	}
}

// A Send whose write fails must not report the association lost from the
// sender's goroutine: the sender may hold a lock the report needs (a
// dialogue sending its answer while the MSC's association goes away).
// This deadlocked scpd over userspace SCTP under overload.
func TestSendFailureDoesNotCloseInline(t *testing.T) {
	cfg := DefaultConfig()
	cfg.PointCode = 2
	cfg.Peers = []Peer{{Name: "msc", Remote: []string{"127.0.0.1"}, PointCode: 1}}
	var dialogue sync.Mutex
	h := &lockingHandler{mu: &dialogue, closed: make(chan struct{})}
	n, err := NewNode(cfg, h, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	conn := &fuzzConn{streams: 2, closed: true} // every write fails
	a := newAssociation(n, &n.cfg.Peers[0], conn, false)
	n.adopt(a)
	a.state.Store(int32(StateActive))

	dialogue.Lock()
	sent := make(chan error, 1)
	go func() { sent <- a.Send(Data{OPC: 2, DPC: 1, SI: SISCCP, Payload: []byte{1}}) }()
	select {
	case err := <-sent:
		if err == nil {
			t.Fatal("Send on a failed transport returned no error")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Send blocked while reporting the association lost")
	}
	dialogue.Unlock()
	select {
	case <-h.closed:
	case <-time.After(5 * time.Second):
		t.Fatal("the association was never reported closed")
	}
	if a.State() != StateClosed {
		t.Fatalf("state %v after a failed write, want closed", a.State())
	}
}
