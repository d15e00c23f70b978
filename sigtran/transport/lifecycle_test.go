package transport

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"
)

// A peer that stops reading (a hung process whose socket stays open)
// fills its window; the flusher's write then never returns. Close must
// not wait for it forever: the association layer closes such a peer on
// BEAT timeout, and a Close that hangs there hangs the node's Close too.
func TestTCPCloseToPeerThatDoesNotRead(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	raw, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	peer := <-accepted
	if peer == nil {
		t.Fatal("accept failed")
	}
	defer peer.Close() // never read from
	_ = peer.(*net.TCPConn).SetReadBuffer(4096)
	_ = raw.(*net.TCPConn).SetWriteBuffer(4096)
	c := newTCPConn(raw.(*net.TCPConn))

	// Queue until more than maxPending waits behind the flusher: far more
	// than the two small socket buffers hold, so it can never all be sent.
	msg := m3uaMsg(60000, 1)
	for {
		c.mu.Lock()
		full := len(c.pending) > maxPending
		c.mu.Unlock()
		if full {
			break
		}
		if err := c.Write(Message{Payload: msg}); err != nil {
			t.Fatal(err)
		}
	}

	closed := make(chan error, 1)
	go func() { closed <- c.Close() }()
	select {
	case err := <-closed:
		if err == nil {
			t.Error("Close reported success although the queued messages were never sent")
		}
	case <-time.After(tcpCloseTimeout + 10*time.Second):
		t.Fatal("Close to a peer that does not read never returned")
	}
}

// An association whose peer vanished, with writers waiting for the
// peer to acknowledge (more than maxBuffered unacknowledged): when the
// liveness check gives up on the peer the writers must return, and
// Close must release them too.
func TestUserspaceSCTPWritersReleasedWhenPeerUnreachable(t *testing.T) {
	requireUserspaceSCTP(t)
	l := listenUSCTP(t, Config{Kind: UserspaceSCTP, Local: []string{"127.0.0.1:0"}, Heartbeat: 500 * time.Millisecond, MaxRetrans: 3})
	defer l.Close()
	peer := helper(t, "up", "dial", "127.0.0.3:0", l.Addr().String())
	c := acceptWithin(t, l, 5*time.Second)
	echoes(t, c, 1)
	kill(t, peer) // nothing is acknowledged from now on

	wrote := make(chan error, 1)
	go func() {
		msg := beat(60000, 2)
		for {
			if err := c.Write(Message{Payload: msg, Stream: 1, PPID: PPIDM3UA}); err != nil {
				wrote <- err
				return
			}
		}
	}()
	// The writer fills the stream beyond maxBuffered, then waits.
	s := c.(*usctpConn).streams[1]
	deadline := time.Now().Add(5 * time.Second)
	for s.BufferedAmount() <= maxBuffered {
		select {
		case err := <-wrote:
			t.Fatalf("write failed before the peer was found unreachable: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the stream never filled")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if _, err := readWithin(t, c, 10*time.Second); err == nil || !strings.Contains(err.Error(), "unreachable") {
		t.Fatalf("read after the peer vanished: %v", err)
	}
	c.Close() // what the M3UA association does on the read error
	select {
	case err := <-wrote:
		if err == nil {
			t.Fatal("no error")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a writer waiting for buffer space never returned after the association ended")
	}
}

// Close of a listener ends the associations whose handshake completed
// but which nobody accepted: with TCP the kernel resets them; here they
// would live on, heartbeats answered, with nobody to read or close them.
func TestUserspaceSCTPListenerCloseEndsUnaccepted(t *testing.T) {
	requireUserspaceSCTP(t)
	l := listenUSCTP(t, Config{Kind: UserspaceSCTP, Local: []string{"127.0.0.1:0"}})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := Dial(ctx, Config{Kind: UserspaceSCTP, Local: []string{"127.0.0.2:0"}}, []string{l.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ul := l.(*usctpListener)
	deadline := time.Now().Add(5 * time.Second)
	for len(ul.accepted) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the association was never queued for Accept")
		}
		time.Sleep(5 * time.Millisecond)
	}
	l.Close()
	if _, err := readWithin(t, c, 5*time.Second); err == nil {
		t.Fatal("read succeeded")
	}
}
