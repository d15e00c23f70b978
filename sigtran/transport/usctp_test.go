//go:build linux

package transport

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scpd/scpd/sigtran/pcap/tshark"
)

// requireUserspaceSCTP skips where this process cannot run userspace
// SCTP (not root, or the kernel's sctp module is loaded), unless
// SCPD_REQUIRE_USCTP=1 (CI) makes that a failure.
func requireUserspaceSCTP(t testing.TB) {
	t.Helper()
	if err := UserspaceSCTPAvailable(); err != nil {
		if os.Getenv("SCPD_REQUIRE_USCTP") == "1" {
			t.Fatalf("userspace SCTP cannot run here and SCPD_REQUIRE_USCTP=1: %v", err)
		}
		t.Skipf("userspace SCTP cannot run here: %v (SCPD_REQUIRE_USCTP=1 makes this a failure)", err)
	}
}

// listenUSCTP opens a userspace SCTP listener; the caller closes it.
func listenUSCTP(t *testing.T, cfg Config) Listener {
	t.Helper()
	l, err := Listen(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// beat returns a valid M3UA BEAT of n octets (n a multiple of 4, ≥ 16)
// whose heartbeat data starts with seq, so that tshark decodes it whole.
func beat(n int, seq uint32) []byte {
	b := make([]byte, n)
	b[0], b[2], b[3] = 1, 3, 3 // version 1, ASPSM, BEAT (RFC 4666 §3.5.5)
	binary.BigEndian.PutUint32(b[4:], uint32(n))
	binary.BigEndian.PutUint16(b[8:], 0x0009) // Heartbeat Data
	binary.BigEndian.PutUint16(b[10:], uint16(n-8))
	binary.BigEndian.PutUint32(b[12:], seq)
	return b
}

func beatSeq(b []byte) uint32 { return binary.BigEndian.Uint32(b[12:]) }

// uPair listens with server, dials with client and returns both ends.
func uPair(t *testing.T, server, client Config) (Conn, Conn) {
	t.Helper()
	server.Kind, client.Kind = UserspaceSCTP, UserspaceSCTP
	l, err := Listen(server)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return dialTo(t, l, client)
}

// dialTo dials l with client and returns both ends.
func dialTo(t *testing.T, l Listener, client Config) (Conn, Conn) {
	t.Helper()
	accepted := make(chan Conn, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			t.Error(err)
		}
		accepted <- c
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := Dial(ctx, client, []string{l.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	s := <-accepted
	if s == nil {
		t.FailNow()
	}
	t.Cleanup(func() { c.Close(); s.Close() })
	return c, s
}

func readWithin(t *testing.T, c Conn, d time.Duration) (Message, error) {
	t.Helper()
	type result struct {
		m   Message
		err error
	}
	ch := make(chan result, 1)
	go func() {
		m, err := c.Read()
		ch <- result{m, err}
	}()
	select {
	case r := <-ch:
		return r.m, r.err
	case <-time.After(d):
		t.Fatalf("no message or error within %v", d)
		return Message{}, nil
	}
}

func TestUserspaceSCTPStreamsAndPPID(t *testing.T) {
	requireUserspaceSCTP(t)
	l := listenUSCTP(t, Config{Kind: UserspaceSCTP, Local: []string{"127.0.0.1:0"}})
	defer l.Close()
	// Only this listener's port: other packages' tests may run SCTP on
	// loopback at the same time.
	capture := filepath.Join(t.TempDir(), "usctp.pcap")
	_, port, _ := net.SplitHostPort(l.Addr().String())
	stop := tshark.Capture(t, "lo", "ip proto 132 and sctp port "+port, capture)
	client, server := dialTo(t, l, Config{Kind: UserspaceSCTP, Local: []string{"127.0.0.2:0"}, OutStreams: 8, InStreams: 4})
	// Each side's outbound streams are min(its OS, the peer's MIS).
	if client.OutStreams() != 8 || server.OutStreams() != 4 {
		t.Fatalf("streams negotiated: client %d out, server %d out; want 8 and 4", client.OutStreams(), server.OutStreams())
	}
	if !strings.HasPrefix(client.LocalAddr().String(), "127.0.0.2:") || client.RemoteAddr().String() != server.LocalAddr().String() {
		t.Fatalf("addresses: client %v → %v, server %v", client.LocalAddr(), client.RemoteAddr(), server.LocalAddr())
	}

	// Sizes from one packet to many: 60000 octets cross ~50 DATA chunks.
	sizes := []int{16, 100, 272, 1500, 6000, 60000}
	for i, n := range sizes {
		for st := uint16(0); st < client.OutStreams(); st++ {
			want := beat(n, uint32(i)<<16|uint32(st))
			if err := client.Write(Message{Payload: want, Stream: st, PPID: PPIDM3UA}); err != nil {
				t.Fatal(err)
			}
			got, err := readWithin(t, server, 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Payload, want) || got.Stream != st || got.PPID != PPIDM3UA {
				t.Fatalf("%d octets on stream %d: got %d octets on stream %d PPID %d", n, st, len(got.Payload), got.Stream, got.PPID)
			}
		}
	}
	if err := server.Write(Message{Payload: beat(16, 7), Stream: 3, PPID: PPIDM3UA}); err != nil {
		t.Fatal(err)
	}
	if got, err := readWithin(t, client, 5*time.Second); err != nil || got.Stream != 3 || beatSeq(got.Payload) != 7 {
		t.Fatalf("server to client: %+v %v", got, err)
	}
	for _, c := range []Conn{client, server} {
		if err := c.Write(Message{Payload: beat(16, 0), Stream: c.OutStreams(), PPID: PPIDM3UA}); err == nil {
			t.Fatalf("write on stream %d beyond the %d granted succeeded", c.OutStreams(), c.OutStreams())
		}
	}

	// Concurrent writers: each stream keeps each writer's order.
	const writers, each = 6, 400
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				m := Message{Payload: beat(16+4*((w+i)%70), uint32(w<<16|i)), Stream: uint16((w + i) % 8), PPID: PPIDM3UA}
				if err := client.Write(m); err != nil {
					t.Error(err)
					return
				}
			}
		}(w)
	}
	last := map[[2]int]int{}
	for n := 0; n < writers*each; n++ {
		got, err := readWithin(t, server, 10*time.Second)
		if err != nil {
			t.Fatalf("after %d messages: %v", n, err)
		}
		seq := beatSeq(got.Payload)
		k := [2]int{int(got.Stream), int(seq >> 16)}
		if prev, ok := last[k]; ok && int(seq&0xffff) <= prev {
			t.Fatalf("stream %d: writer %d's message %d after %d", got.Stream, seq>>16, seq&0xffff, prev)
		}
		last[k] = int(seq & 0xffff)
	}
	wg.Wait()
	client.Close()
	if _, err := readWithin(t, server, 5*time.Second); !errors.Is(err, io.EOF) {
		t.Fatalf("server read after the client's SHUTDOWN: %v, want EOF", err)
	}
	stop()

	// The wire as Wireshark sees it: every packet decoded, every checksum
	// good, the ports real (not pion's 5000), a clean SHUTDOWN.
	tshark.Check(t, capture)
	rows := tshark.Fields(t, capture, "sctp", "sctp.checksum.status", "sctp.srcport", "sctp.dstport", "sctp.chunk_type")
	if len(rows) < 20 {
		t.Fatalf("capture holds %d SCTP packets", len(rows))
	}
	kinds := map[string]int{}
	for _, r := range rows {
		if r[0] != "1" || r[1] == "5000" || r[2] == "5000" {
			t.Fatalf("packet %v: checksum status %s (1 is good), ports %s → %s", r, r[0], r[1], r[2])
		}
		for _, c := range strings.Split(r[3], ",") {
			kinds[c]++
		}
	}
	// INIT, INIT ACK, COOKIE ECHO/ACK, DATA, SACK, SHUTDOWN, SHUTDOWN ACK/COMPLETE.
	for _, c := range []string{"1", "2", "10", "11", "0", "3", "7", "8", "14"} {
		if kinds[c] == 0 {
			t.Errorf("no chunk of type %s in the capture (%v)", c, kinds)
		}
	}
	if ppids := tshark.Fields(t, capture, "sctp.data_payload_proto_id != 3", "frame.number"); len(ppids) != 0 {
		t.Errorf("DATA with a PPID other than 3 in frames %v", ppids)
	}
	if beats := tshark.Fields(t, capture, "m3ua", "frame.number"); len(beats) == 0 {
		t.Error("tshark decodes no M3UA in the capture")
	}
}

func TestUserspaceSCTPAnyPPID(t *testing.T) {
	requireUserspaceSCTP(t)
	client, server := uPair(t, Config{Local: []string{"127.0.0.1:0"}}, Config{Local: []string{"127.0.0.2:0"}})
	for _, ppid := range []uint32{0, 3, 46, 0xdeadbeef} {
		if err := client.Write(Message{Payload: []byte("ppid"), Stream: 1, PPID: ppid}); err != nil {
			t.Fatal(err)
		}
		if got, err := readWithin(t, server, 5*time.Second); err != nil || got.PPID != ppid {
			t.Fatalf("PPID %#x: got %#x, %v", ppid, got.PPID, err)
		}
	}
	if err := client.Write(Message{Stream: 1, PPID: 3}); err == nil {
		t.Error("an empty message was accepted")
	}
}

func TestUserspaceSCTPManyAssociations(t *testing.T) {
	requireUserspaceSCTP(t)
	l := listenUSCTP(t, Config{Kind: UserspaceSCTP, Local: []string{"127.0.0.1:0"}})
	defer l.Close()
	// The server echoes every message on its association.
	var served sync.WaitGroup
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			served.Add(1)
			go func() {
				defer served.Done()
				defer c.Close()
				for {
					m, err := c.Read()
					if err != nil {
						return
					}
					if err := c.Write(m); err != nil {
						return
					}
				}
			}()
		}
	}()
	const assocs, msgs = 24, 50
	froms := []string{"127.0.0.2:0", "127.0.0.3:0", ""} // "" lets routing choose (127.0.0.1)
	var wg sync.WaitGroup
	for i := 0; i < assocs; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			cfg := Config{Kind: UserspaceSCTP}
			if f := froms[i%len(froms)]; f != "" {
				cfg.Local = []string{f}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			c, err := Dial(ctx, cfg, []string{l.Addr().String()})
			if err != nil {
				t.Errorf("association %d: %v", i, err)
				return
			}
			defer c.Close()
			for j := 0; j < msgs; j++ {
				want := beat(16+4*j, uint32(i<<16|j))
				if err := c.Write(Message{Payload: want, Stream: uint16(1 + j%15), PPID: PPIDM3UA}); err != nil {
					t.Errorf("association %d: %v", i, err)
					return
				}
				got, err := c.Read()
				if err != nil || !bytes.Equal(got.Payload, want) || got.Stream != uint16(1+j%15) {
					t.Errorf("association %d message %d: %v (stream %d)", i, j, err, got.Stream)
					return
				}
			}
		}(i)
	}
	wg.Wait()
	served.Wait()
}

func TestUserspaceSCTPCloseFlushesAndShutsDown(t *testing.T) {
	requireUserspaceSCTP(t)
	client, server := uPair(t, Config{Local: []string{"127.0.0.1:0"}}, Config{Local: []string{"127.0.0.2:0"}})
	for i := 0; i < 200; i++ {
		if err := client.Write(Message{Payload: beat(200, uint32(i)), Stream: 1, PPID: PPIDM3UA}); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	if err := client.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d >= shutdownTimeout {
		t.Errorf("Close took %v: the SHUTDOWN was not answered", d)
	}
	for i := 0; i < 200; i++ {
		m, err := readWithin(t, server, 5*time.Second)
		if err != nil || beatSeq(m.Payload) != uint32(i) {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	if _, err := readWithin(t, server, 5*time.Second); !errors.Is(err, io.EOF) {
		t.Fatalf("read after the peer's SHUTDOWN: %v, want EOF", err)
	}
	if err := client.Write(Message{Payload: beat(16, 0), Stream: 1, PPID: 3}); !errors.Is(err, net.ErrClosed) {
		t.Errorf("write after close: %v", err)
	}
	if _, err := client.Read(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("read after close: %v", err)
	}
	if err := client.Close(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("second close: %v", err)
	}
	if err := server.Write(Message{Payload: beat(16, 0), Stream: 1, PPID: 3}); err == nil {
		t.Error("write on an association the peer shut down succeeded")
	}
}

func TestUserspaceSCTPPeerAbort(t *testing.T) {
	requireUserspaceSCTP(t)
	client, server := uPair(t, Config{Local: []string{"127.0.0.1:0"}}, Config{Local: []string{"127.0.0.2:0"}})
	if err := client.(interface{ Abort() error }).Abort(); err != nil {
		t.Fatal(err)
	}
	_, err := readWithin(t, server, 2*time.Second)
	if err == nil || !strings.Contains(err.Error(), "aborted by the peer") {
		t.Fatalf("read after the peer's ABORT: %v", err)
	}
	if _, err := client.Read(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("read after abort: %v", err)
	}
}

func TestUserspaceSCTPDialNobody(t *testing.T) {
	requireUserspaceSCTP(t)
	client, _ := uPair(t, Config{Local: []string{"127.0.0.1:0"}}, Config{Local: []string{"127.0.0.2:0"}})

	// The client's own port is ours but has no listener: its INIT is
	// answered with ABORT (RFC 9260 §8.4), so the dial fails at once.
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := Dial(ctx, Config{Kind: UserspaceSCTP, Local: []string{"127.0.0.3:0"}}, []string{client.LocalAddr().String()})
	if err == nil || !strings.Contains(err.Error(), "ABORT") || time.Since(start) > 2*time.Second {
		t.Fatalf("dial to a port without listener: %v after %v", err, time.Since(start))
	}
	if !strings.HasPrefix(err.Error(), "transport userspace-sctp: dial "+client.LocalAddr().String()+": ") {
		t.Errorf("error does not say what failed: %v", err)
	}

	// A port nobody owns: no answer at all (no ICMP while a raw socket is
	// open), so the context ends the dial.
	hold, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	nobody := hold.LocalAddr().String()
	hold.Close()
	ctx, cancel = context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	if _, err := Dial(ctx, Config{Kind: UserspaceSCTP}, []string{nobody}); err == nil || !strings.Contains(err.Error(), "no answer") {
		t.Fatalf("dial to nobody: %v", err)
	}
}

// TestUserspaceSCTPHelperProcess is the far end of the vanish and restart
// tests, run in a child process so that killing it is a real crash:
//
//	USCTP_HELPER=dial LOCAL REMOTE   dial, print "up", echo until killed
//	USCTP_HELPER=listen LOCAL        listen, print "listening", echo
func TestUserspaceSCTPHelperProcess(t *testing.T) {
	args := strings.Fields(os.Getenv("USCTP_HELPER"))
	if len(args) == 0 {
		return // not a helper run
	}
	echo := func(c Conn) {
		for {
			m, err := c.Read()
			if err != nil {
				return
			}
			c.Write(m)
		}
	}
	switch args[0] {
	case "dial":
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		c, err := Dial(ctx, Config{Kind: UserspaceSCTP, Local: []string{args[1]}}, []string{args[2]})
		cancel()
		if err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		fmt.Println("up")
		echo(c)
	case "listen":
		l, err := Listen(Config{Kind: UserspaceSCTP, Local: []string{args[1]}})
		if err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		fmt.Println("listening")
		for {
			c, err := l.Accept()
			if err != nil {
				os.Exit(1)
			}
			go echo(c)
		}
	}
	select {}
}

// helper starts the helper process and waits for its first line.
func helper(t *testing.T, want string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestUserspaceSCTPHelperProcess$")
	cmd.Env = append(os.Environ(), "USCTP_HELPER="+strings.Join(args, " "))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(out).ReadString('\n')
		line <- strings.TrimSpace(s)
		io.Copy(io.Discard, out)
	}()
	select {
	case l := <-line:
		if l != want {
			t.Fatalf("helper %v: %q, want %q", args, l, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("helper %v did not start", args)
	}
	return cmd
}

func kill(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
}

// freeUDPPort returns a port no socket holds on ip at the moment.
func freeUDPPort(t *testing.T, ip string) string {
	t.Helper()
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.ParseIP(ip)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.LocalAddr().String()
}

func acceptWithin(t *testing.T, l Listener, d time.Duration) Conn {
	t.Helper()
	ch := make(chan Conn, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			t.Error(err)
		}
		ch <- c
	}()
	select {
	case c := <-ch:
		if c == nil {
			t.FailNow()
		}
		t.Cleanup(func() { c.Close() })
		return c
	case <-time.After(d):
		t.Fatalf("no association accepted within %v", d)
		return nil
	}
}

func echoes(t *testing.T, c Conn, seq uint32) {
	t.Helper()
	if err := c.Write(Message{Payload: beat(16, seq), Stream: 1, PPID: PPIDM3UA}); err != nil {
		t.Fatal(err)
	}
	if m, err := readWithin(t, c, 5*time.Second); err != nil || beatSeq(m.Payload) != seq {
		t.Fatalf("echo %d: %v", seq, err)
	}
}

func TestUserspaceSCTPPeerVanishes(t *testing.T) {
	requireUserspaceSCTP(t)
	l := listenUSCTP(t, Config{Kind: UserspaceSCTP, Local: []string{"127.0.0.1:0"}, Heartbeat: 100 * time.Millisecond, MaxRetrans: 3})
	defer l.Close()
	peer := helper(t, "up", "dial", "127.0.0.3:0", l.Addr().String())
	c := acceptWithin(t, l, 5*time.Second)
	echoes(t, c, 1)
	// Idle, the association lives on heartbeats.
	time.Sleep(time.Second)
	echoes(t, c, 2)

	kill(t, peer) // no SHUTDOWN, no ABORT: the process is gone
	start := time.Now()
	_, err := readWithin(t, c, 5*time.Second)
	if err == nil || !strings.Contains(err.Error(), "unreachable") {
		t.Fatalf("read after the peer vanished: %v", err)
	}
	// 3 heartbeats at 100 ms after 100 ms of silence, give or take a tick.
	if d := time.Since(start); d < 300*time.Millisecond || d > 2*time.Second {
		t.Errorf("the vanished peer was noticed after %v", d)
	}
	if err := c.Write(Message{Payload: beat(16, 3), Stream: 1, PPID: 3}); err == nil {
		t.Error("write to a vanished peer succeeded")
	}
}

func TestUserspaceSCTPClientRestarts(t *testing.T) {
	requireUserspaceSCTP(t)
	l := listenUSCTP(t, Config{Kind: UserspaceSCTP, Local: []string{"127.0.0.1:0"}})
	defer l.Close()
	from := freeUDPPort(t, "127.0.0.3")
	peer := helper(t, "up", "dial", from, l.Addr().String())
	old := acceptWithin(t, l, 5*time.Second)
	echoes(t, old, 1)

	// The peer crashes and comes back at once from the same address and
	// port: its INIT ends the old association and starts a new one.
	kill(t, peer)
	helper(t, "up", "dial", from, l.Addr().String())
	renewed := acceptWithin(t, l, 5*time.Second)
	if renewed.RemoteAddr().String() != from {
		t.Fatalf("new association from %v, want %s", renewed.RemoteAddr(), from)
	}
	if _, err := readWithin(t, old, 2*time.Second); err == nil || !strings.Contains(err.Error(), "restarted") {
		t.Fatalf("old association after the peer's restart: %v", err)
	}
	echoes(t, renewed, 2)
}

func TestUserspaceSCTPServerRestarts(t *testing.T) {
	requireUserspaceSCTP(t)
	at := freeUDPPort(t, "127.0.0.1")
	server := helper(t, "listening", "listen", at)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := Dial(ctx, Config{Kind: UserspaceSCTP, Local: []string{"127.0.0.2:0"}}, []string{at})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	echoes(t, c, 1)

	// The server crashes; a new one listens on the same port. Our next
	// packet is out of the blue there and draws an ABORT (RFC 9260 §8.4).
	kill(t, server)
	l := listenUSCTP(t, Config{Kind: UserspaceSCTP, Local: []string{at}})
	defer l.Close()
	if err := c.Write(Message{Payload: beat(16, 2), Stream: 1, PPID: 3}); err != nil {
		t.Fatal(err)
	}
	if _, err := readWithin(t, c, 5*time.Second); err == nil || !strings.Contains(err.Error(), "aborted by the peer") {
		t.Fatalf("association to the restarted server: %v", err)
	}
	// And dialling again reaches the new server.
	go func() {
		if c, err := l.Accept(); err == nil {
			m, _ := c.Read()
			c.Write(m)
			c.Close()
		}
	}()
	c2, err := Dial(ctx, Config{Kind: UserspaceSCTP, Local: []string{"127.0.0.2:0"}}, []string{at})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	echoes(t, c2, 3)
}

func TestUserspaceSCTPWildcardListener(t *testing.T) {
	requireUserspaceSCTP(t)
	l := listenUSCTP(t, Config{Kind: UserspaceSCTP, Local: []string{":0"}})
	defer l.Close()
	_, port, _ := net.SplitHostPort(l.Addr().String())
	if !strings.HasPrefix(l.Addr().String(), "0.0.0.0:") {
		t.Fatalf("wildcard listener at %v", l.Addr())
	}
	// Each association answers from the address it was dialled at.
	for i, to := range []string{"127.0.0.1", "127.0.0.5"} {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		c, err := Dial(ctx, Config{Kind: UserspaceSCTP, Local: []string{"127.0.0.2:0"}}, []string{to + ":" + port})
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		s := acceptWithin(t, l, 5*time.Second)
		if s.LocalAddr().String() != to+":"+port || s.RemoteAddr().String() != c.LocalAddr().String() {
			t.Fatalf("accepted %v ← %v, dialled %s:%s from %v", s.LocalAddr(), s.RemoteAddr(), to, port, c.LocalAddr())
		}
		if err := s.Write(Message{Payload: beat(16, uint32(i)), Stream: 2, PPID: PPIDM3UA}); err != nil {
			t.Fatal(err)
		}
		if m, err := readWithin(t, c, 5*time.Second); err != nil || beatSeq(m.Payload) != uint32(i) {
			t.Fatalf("from the wildcard listener at %s: %v", to, err)
		}
	}
}

func TestUserspaceSCTPCloseToVanishedPeer(t *testing.T) {
	requireUserspaceSCTP(t)
	l := listenUSCTP(t, Config{Kind: UserspaceSCTP, Local: []string{"127.0.0.1:0"}})
	defer l.Close()
	peer := helper(t, "up", "dial", "127.0.0.3:0", l.Addr().String())
	c := acceptWithin(t, l, 5*time.Second)
	echoes(t, c, 1)
	kill(t, peer)
	// Nobody answers the SHUTDOWN: Close gives up after shutdownTimeout
	// and aborts (RFC 9260 §9.1) rather than hanging.
	start := time.Now()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < shutdownTimeout || d > shutdownTimeout+2*time.Second {
		t.Fatalf("Close to a vanished peer took %v", d)
	}
	if _, err := c.Read(); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("read after close: %v", err)
	}
}
