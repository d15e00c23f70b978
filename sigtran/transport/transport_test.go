package transport

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// m3uaMsg returns an M3UA-framed message of n octets whose body carries seq.
func m3uaMsg(n int, seq uint32) []byte {
	b := make([]byte, n)
	b[0], b[2], b[3] = 1, 1, 1
	binary.BigEndian.PutUint32(b[4:], uint32(n))
	binary.BigEndian.PutUint32(b[8:], seq)
	return b
}

func pair(t *testing.T, cfg Config) (client, server Conn) {
	t.Helper()
	l, err := Listen(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
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
	client, err = Dial(ctx, Config{Kind: cfg.Kind}, []string{l.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	server = <-accepted
	t.Cleanup(func() { client.Close(); server.Close() })
	return client, server
}

func TestTCPFramingUnderConcurrentWriters(t *testing.T) {
	client, server := pair(t, Config{Kind: TCP, Local: []string{"127.0.0.1:0"}})
	const writers, each = 8, 2000
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				// Sizes from 12 to ~300 octets, like SIGTRAN traffic.
				if err := client.Write(Message{Payload: m3uaMsg(12+(i*37)%290, uint32(w*each+i))}); err != nil {
					t.Error(err)
					return
				}
			}
		}(w)
	}
	seen := make(map[uint32]bool)
	for len(seen) < writers*each {
		m, err := server.Read()
		if err != nil {
			t.Fatalf("after %d messages: %v", len(seen), err)
		}
		seq := binary.BigEndian.Uint32(m.Payload[8:])
		if seen[seq] || int(binary.BigEndian.Uint32(m.Payload[4:])) != len(m.Payload) {
			t.Fatalf("message %d duplicated or mis-framed", seq)
		}
		seen[seq] = true
	}
	wg.Wait()
}

func TestTCPCloseFlushesQueuedWrites(t *testing.T) {
	client, server := pair(t, Config{Kind: TCP, Local: []string{"127.0.0.1:0"}})
	for i := 0; i < 100; i++ {
		if err := client.Write(Message{Payload: m3uaMsg(200, uint32(i))}); err != nil {
			t.Fatal(err)
		}
	}
	client.Close()
	for i := 0; i < 100; i++ {
		m, err := server.Read()
		if err != nil || binary.BigEndian.Uint32(m.Payload[8:]) != uint32(i) {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	if _, err := server.Read(); err == nil {
		t.Fatal("read after peer close succeeded")
	}
	if err := client.Write(Message{Payload: m3uaMsg(12, 0)}); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("write after close: %v", err)
	}
}

func TestTCPRejectsStreamOutOfStep(t *testing.T) {
	l, err := Listen(Config{Kind: TCP, Local: []string{"127.0.0.1:0"}})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		c, err := net.Dial("tcp", l.Addr().String())
		if err == nil {
			c.Write([]byte("GET / HTTP/1.1\r\n\r\n"))
			time.Sleep(100 * time.Millisecond)
			c.Close()
		}
	}()
	c, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Read(); err == nil || !strings.Contains(err.Error(), "out of step") {
		t.Fatalf("HTTP on an M3UA port: %v", err)
	}
}

func TestConfigErrors(t *testing.T) {
	if _, err := Listen(Config{Kind: "udp"}); err == nil || !strings.Contains(err.Error(), "use sctp, tcp or auto") {
		t.Errorf("unknown kind: %v", err)
	}
	if _, err := Listen(Config{Kind: TCP, Local: []string{"127.0.0.1:0", "127.0.0.2:0"}}); err == nil {
		t.Error("multi-homed TCP accepted")
	}
	if _, _, err := splitHostPorts([]string{"10.0.0.1:2905", "10.0.1.1:2906"}); err == nil {
		t.Error("two ports for one multi-homed endpoint accepted")
	}
	if _, err := Dial(context.Background(), Config{Kind: TCP}, nil); err == nil {
		t.Error("dial with no remote address")
	}
	if !KernelSCTPAvailable() {
		for _, k := range []Kind{KernelSCTP, Auto} {
			_, err := Listen(Config{Kind: k})
			if !errors.Is(err, ErrNoKernelSCTP) || !strings.Contains(err.Error(), "tcp") {
				t.Errorf("%s without kernel SCTP: %v (must name the alternative)", k, err)
			}
		}
	}
}

// requireKernelSCTP skips where the kernel has no SCTP, as on the
// development and CI machines; scripts/vm-sctp-test runs these in a VM.
func requireKernelSCTP(t *testing.T) {
	if !KernelSCTPAvailable() {
		t.Skip("kernel SCTP is not available here (socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP) fails); the VM test runs it")
	}
}

func TestKernelSCTPStreamsAndPPID(t *testing.T) {
	requireKernelSCTP(t)
	client, server := pair(t, Config{Kind: KernelSCTP, Local: []string{"127.0.0.1:0"}, OutStreams: 8, InStreams: 8})
	if client.OutStreams() < 2 {
		t.Fatalf("client got %d outbound streams", client.OutStreams())
	}
	for i := 0; i < 50; i++ {
		want := Message{Payload: m3uaMsg(100+i, uint32(i)), Stream: uint16(i % int(client.OutStreams())), PPID: PPIDM3UA}
		if err := client.Write(want); err != nil {
			t.Fatal(err)
		}
		got, err := server.Read()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Payload, want.Payload) || got.Stream != want.Stream || got.PPID != PPIDM3UA {
			t.Fatalf("message %d: stream %d ppid %d, want %d %d", i, got.Stream, got.PPID, want.Stream, PPIDM3UA)
		}
	}
	if err := client.Write(Message{Payload: m3uaMsg(12, 0), Stream: client.OutStreams()}); err == nil {
		t.Fatal("write on a stream beyond those granted succeeded")
	}
}

func TestKernelSCTPMultiHomed(t *testing.T) {
	requireKernelSCTP(t)
	l, err := Listen(Config{Kind: KernelSCTP, Local: []string{"127.0.0.1:0"}})
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(interface{ String() string }).String()
	l.Close()
	_, p, _ := net.SplitHostPort(port[strings.LastIndex(port, "/")+1:])
	if p == "" {
		p = "29050"
	}
	l, err = Listen(Config{Kind: KernelSCTP, Local: []string{"127.0.0.1:" + p, "127.0.0.2:" + p}})
	if err != nil {
		t.Fatalf("multi-homed listen: %v", err)
	}
	defer l.Close()
	if s := fmt.Sprint(l.Addr()); !strings.Contains(s, "127.0.0.2") {
		t.Fatalf("listener bound to %s, want both addresses", s)
	}
}
