package tshark

import (
	"bufio"
	"io"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Capture records the live traffic of iface that matches the capture
// filter (BPF syntax, e.g. "ip proto 132") into file, as
// `tshark -i IFACE -f FILTER -w FILE` does. It returns once tshark is
// capturing; stop ends the capture and waits until the file is complete
// (the test's cleanup stops it too). Capturing needs root or the
// capture capabilities.
func Capture(t testing.TB, iface, filter, file string) (stop func()) {
	t.Helper()
	bin := Require(t)
	cmd := exec.Command(bin, "-n", "-q", "-i", iface, "-f", filter, "-w", file)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("tshark capture on %s: %v", iface, err)
	}
	exited := make(chan error, 1)
	var log strings.Builder
	var logMu sync.Mutex
	capturing := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		once := sync.Once{}
		for sc.Scan() {
			logMu.Lock()
			log.WriteString(sc.Text() + "\n")
			logMu.Unlock()
			if strings.Contains(sc.Text(), "Capturing on") {
				once.Do(func() { close(capturing) })
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
		exited <- cmd.Wait()
	}()
	logs := func() string {
		logMu.Lock()
		defer logMu.Unlock()
		return log.String()
	}
	select {
	case <-capturing:
		// tshark says so a little before dumpcap's filter is in place
		// (about 20 ms here): give it ample time.
		time.Sleep(time.Second)
	case err := <-exited:
		t.Fatalf("tshark capture on %s ended at start: %v\n%s", iface, err, logs())
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("tshark capture on %s did not start\n%s", iface, logs())
	}
	var once sync.Once
	stop = func() {
		once.Do(func() {
			// Let the last packets through the capture buffer.
			time.Sleep(300 * time.Millisecond)
			_ = cmd.Process.Signal(syscall.SIGINT)
			select {
			case <-exited:
			case <-time.After(15 * time.Second):
				_ = cmd.Process.Kill()
				t.Errorf("tshark capture on %s did not stop\n%s", iface, logs())
			}
		})
	}
	t.Cleanup(stop)
	return stop
}
