package stack

import (
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scpd/scpd/sigtran/tcap"
	"github.com/scpd/scpd/sigtran/tcap/dialogue"
)

// stallProxy relays TCP between the MSC (which dials it) and the SCP.
// Once stalled it stops reading what the SCP sends (stallUp: what the MSC
// sends): a peer that stopped reading, with the sender's queue and socket
// buffers filling up. The other direction still goes through (its BEATs
// keep the sender's BEAT timeout off).
type stallProxy struct {
	l       net.Listener
	stalled atomic.Bool // stop reading what the SCP sends
	stallUp atomic.Bool // stop reading what the MSC sends
	mu      sync.Mutex
	conns   []net.Conn
}

func startStallProxy(t *testing.T, target string) *stallProxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &stallProxy{l: l}
	stop := make(chan struct{})
	t.Cleanup(func() {
		close(stop)
		l.Close()
		p.mu.Lock()
		for _, c := range p.conns {
			c.Close()
		}
		p.mu.Unlock()
	})
	go func() {
		for {
			msc, err := l.Accept()
			if err != nil {
				return
			}
			scp, err := net.Dial("tcp", target)
			if err != nil {
				msc.Close()
				continue
			}
			_ = scp.(*net.TCPConn).SetReadBuffer(4096)
			_ = msc.(*net.TCPConn).SetReadBuffer(4096)
			p.mu.Lock()
			p.conns = append(p.conns, msc, scp)
			p.mu.Unlock()
			relay := func(from, to net.Conn, stalled *atomic.Bool) {
				buf := make([]byte, 4096)
				for {
					if stalled.Load() {
						<-stop // never read again
						return
					}
					n, err := from.Read(buf)
					if err != nil {
						return
					}
					if _, err := to.Write(buf[:n]); err != nil {
						return
					}
				}
			}
			go relay(msc, scp, &p.stallUp)
			go relay(scp, msc, &p.stalled)
		}
	}()
	return p
}

// A peer that stops reading fills the TCP transport's queue, and an SCP
// dialogue's Continue then waits in the transport's Write holding its
// dialogue's lock. Stack.Close must still return: the TCAP layer's Close
// takes every dialogue's lock, and only closing the associations (which
// Close did after it) fails the stuck write.
func TestCloseReturnsWhenPeerStopsReading(t *testing.T) {
	scp := startSCP(t, nil)
	proxy := startStallProxy(t, scp.Node.Addr().String())
	msc := startMSC(t, scp.Stack, false, func(c *Config) { c.M3UA.Peers[0].Remote = []string{proxy.l.Addr().String()} })

	var sent atomic.Int64
	param := make([]byte, 150)
	scp.answer = func(ev *dialogue.Event) {
		if ev.Kind != dialogue.EventBegin {
			return
		}
		// Send until the dialogue is closed (or the send fails).
		for ev.Dialogue.Continue(tcap.NewInvoke(1, 31, param)) == nil {
			sent.Add(1)
		}
	}
	const dialogues = 4
	for range dialogues {
		msc.begin(t, capV2, scpAddress)
	}
	waitFor(t, "SCP dialogues sending", func() bool { return sent.Load() > 100 })
	proxy.stalled.Store(true)

	// Wait until the sends stop: the workers are blocked in Write.
	waitStalled(t, "sends blocked", &sent)
	closeWithin(t, scp.Stack, &sent, "Continues")
	if n := scp.TCAP.Open(); n != 0 {
		t.Fatalf("%d dialogues open after Close", n)
	}
}

// The same on the dialling side (the MSC here; scpd when it dials an STP):
// Node.Close sends ASPDN on each association it dialled before closing it,
// and that write waits on the full queue like the dialogues' did.
func TestCloseReturnsWhenPeerStopsReadingDialled(t *testing.T) {
	scp := startSCP(t, nil)
	proxy := startStallProxy(t, scp.Node.Addr().String())
	msc := startMSC(t, scp.Stack, false, func(c *Config) { c.M3UA.Peers[0].Remote = []string{proxy.l.Addr().String()} })
	proxy.stallUp.Store(true)

	var sent atomic.Int64
	param := make([]byte, 150)
	for range 4 {
		go func() {
			for {
				if _, err := msc.TCAP.Begin(scpPC, scpAddress, capV2, tcap.NewInvoke(1, 0, param)); err != nil {
					return
				}
				sent.Add(1)
			}
		}()
	}
	waitStalled(t, "Begins blocked", &sent)
	closeWithin(t, msc.Stack, &sent, "Begins")
}

// waitStalled waits until the count of messages sent stops growing for
// 300 ms: the senders are blocked on the full queue.
func waitStalled(t *testing.T, what string, sent *atomic.Int64) {
	t.Helper()
	last := int64(-1)
	waitFor(t, what, func() bool {
		time.Sleep(300 * time.Millisecond)
		n := sent.Load()
		stuck := n == last
		last = n
		return stuck
	})
}

// closeWithin fails the test if st.Close has not returned 10 s after the call.
func closeWithin(t *testing.T, st *Stack, sent *atomic.Int64, what string) {
	t.Helper()
	closed := make(chan struct{})
	go func() { st.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatalf("Stack.Close still waiting 10 s after it was called, %d %s sent", sent.Load(), what)
	}
}
