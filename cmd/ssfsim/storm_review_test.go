package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"io"
	"net"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// stormJSON runs `ssfsim storm --json` and returns the messages sent.
func stormJSON(t *testing.T, args ...string) int64 {
	t.Helper()
	out, errOut, code := run(t, append([]string{"storm", "--json"}, args...)...)
	if code != 0 {
		t.Fatalf("storm %v: exit %d: %s", args, code, errOut)
	}
	var rep stormReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("storm %v: not JSON (%v):\n%s", args, err, out)
	}
	var n int64
	for _, c := range rep.Sent {
		n += c
	}
	return n
}

// stormPeer stands between storm and scp: it passes the ASP handshake and
// the SCP's answers through, then takes storm's other messages and either
// drops them (an SCP that keeps up) or, with stall, stops reading (an SCP
// that is stuck). It returns the address to give storm.
func stormPeer(t *testing.T, scp string, stall bool) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var mu sync.Mutex
	var conns []net.Conn
	keep := func(c net.Conn) { mu.Lock(); conns = append(conns, c); mu.Unlock() }
	t.Cleanup(func() {
		close(stop)
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", scp)
			if err != nil {
				c.Close()
				return
			}
			keep(c)
			keep(up)
			go io.Copy(c, up)
			go func() {
				var hdr [8]byte
				for {
					if _, err := io.ReadFull(c, hdr[:]); err != nil {
						return
					}
					b := make([]byte, binary.BigEndian.Uint32(hdr[4:]))
					copy(b, hdr[:])
					if _, err := io.ReadFull(c, b[8:]); err != nil {
						return
					}
					switch class := hdr[2]; {
					case class == 0 || class == 2 || class == 3 || class == 4: // MGMT, SSNM, ASPSM, ASPTM
						up.Write(b)
					case stall:
						<-stop
						return
					}
				}
			}()
		}
	}()
	return l.Addr().String()
}

// A rate that is not a number was taken: NaN compares false with 0, and
// storm ran for its --duration sending nothing, exiting 0.
func TestStormRejectsRateNotANumber(t *testing.T) {
	scp := startDemoSCPD(t)
	for _, rate := range []string{"NaN", "+Inf"} {
		_, errOut, code := run(t, "storm", "--scp", scp, "--rate", rate, "--duration", "300ms")
		if code == 0 || !strings.Contains(errOut, "--rate") {
			t.Errorf("--rate %s: exit %d, %q; want an error naming --rate", rate, code, errOut)
		}
	}
}

// --rate × --duration messages are sent: the first goes at once, not one
// interval late (which lost the last one, and all of a 1/s, 1s storm).
func TestStormSendsRateTimesDuration(t *testing.T) {
	scp := startDemoSCPD(t)
	if n := stormJSON(t, "--scp", scp, "--rate", "20", "--duration", "500ms"); n != 10 {
		t.Errorf("--rate 20 --duration 500ms sent %d messages, want 10", n)
	}
	if n := stormJSON(t, "--scp", scp, "--rate", "1", "--duration", "1s"); n != 1 {
		t.Errorf("--rate 1 --duration 1s sent %d messages, want 1", n)
	}
}

// startStorm starts ssfsim storm and returns a channel that gets its exit.
func startStorm(t *testing.T, args ...string) (*exec.Cmd, *syncBuffer, <-chan error) {
	t.Helper()
	cmd := exec.Command(ssfsimBin, append([]string{"storm"}, args...)...)
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done, exited := make(chan error, 1), make(chan struct{})
	go func() { done <- cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	return cmd, out, done
}

// syncBuffer is a bytes.Buffer written by a child's stdout and stderr.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A rate beyond what can be sent made each tick's burst run for minutes,
// past --duration: the burst did not look at the clock.
func TestStormHighRateEndsAtDuration(t *testing.T) {
	peer := stormPeer(t, startDemoSCPD(t), false)
	_, out, done := startStorm(t, "--scp", peer, "--rate", "1e11", "--duration", "500ms")
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("storm: %v\n%s", err, out)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("storm --duration 500ms at --rate 1e11 still running after 10s")
	}
}

// Ctrl-C during a burst was not seen until the burst ended.
func TestStormHighRateStopsOnInterrupt(t *testing.T) {
	peer := stormPeer(t, startDemoSCPD(t), false)
	cmd, out, done := startStorm(t, "--scp", peer, "--rate", "1e11", "--duration", "1h")
	time.Sleep(time.Second)
	cmd.Process.Signal(syscall.SIGINT)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("storm: %v\n%s", err, out)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("storm still running 10s after SIGINT")
	}
}

// An SCP that stops reading left storm blocked in a write for ever, past
// --duration, with no report.
func TestStormEndsWhenSCPStopsReading(t *testing.T) {
	peer := stormPeer(t, startDemoSCPD(t), true)
	_, out, done := startStorm(t, "--scp", peer, "--rate", "1e6", "--duration", "1s")
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		t.Fatal("storm --duration 1s against an SCP that stopped reading still running after 15s")
	}
	if !strings.Contains(out.String(), "malformed messages sent") || !strings.Contains(out.String(), "stopped reading") {
		t.Errorf("no report, or no word that the SCP stopped reading:\n%s", out.String())
	}
}
