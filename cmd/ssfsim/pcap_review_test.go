package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scpd/scpd/sigtran/pcap/tshark"
)

// refused runs ssfsim and wants a one-line error mentioning want, and no
// capture left behind.
func refused(t *testing.T, out, want string, args ...string) {
	t.Helper()
	_, errOut, code := run(t, args...)
	if code == 0 || !strings.Contains(errOut, want) || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
		t.Errorf("%v: exit %d, stderr %q; want a one-line error mentioning %q", args, code, errOut, want)
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("%v: a refused command left %s behind", args, out)
		os.Remove(out)
	}
}

// TestPcapTimesFitPcap: a pcap record holds unsigned 32-bit seconds since
// 1970, so a time outside 1970..2106 wrapped round and the capture's
// timestamps went backwards (tshark showed 1969-12-31T23:59:59 as 2106,
// and an --interval past 2106 or one whose product overflowed as 1898).
func TestPcapTimesFitPcap(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "x.pcap")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--start", "1969-12-31T23:59:59Z", "--count", "2"}, "--start"},
		{[]string{"--start", "2106-02-07T06:28:16Z"}, "--start"},
		{[]string{"--start", "2106-02-07T06:28:15Z", "--count", "2"}, "--interval"},
		{[]string{"--interval", "1000000h", "--count", "2"}, "--interval"},
		{[]string{"--interval", "2000000h", "--count", "3"}, "--interval"},
		{[]string{"--kind", "flow", "--answer-delay", "1000000h"}, "--answer-delay"},
		{[]string{"--kind", "flow", "--start", "2106-02-07T06:28:00Z"}, "2106"},
	} {
		refused(t, out, tc.want, append([]string{"pcap", "-o", out}, tc.args...)...)
	}

	// The last second a pcap can hold is still written, as itself.
	if _, errOut, code := run(t, "pcap", "-o", out, "--start", "2106-02-07T06:28:14Z", "--count", "2"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	rows := tshark.Fields(t, out, "", "frame.time_epoch")
	if len(rows) != 2 || rows[0][0] != "4294967294.000000000" || rows[1][0] != "4294967295.000000000" {
		t.Errorf("timestamps %q", rows)
	}
}

// TestPcapSubMicrosecondInterval: pcap keeps microseconds, so calls less
// than a microsecond apart were written with equal timestamps although
// the command promises every frame a later one.
func TestPcapSubMicrosecondInterval(t *testing.T) {
	out := filepath.Join(t.TempDir(), "x.pcap")
	if _, errOut, code := run(t, "pcap", "-o", out, "--count", "4", "--interval", "500ns", "--start", "2026-11-26T12:00:00.0000007Z"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var prev string
	for _, r := range tshark.Fields(t, out, "", "frame.time_epoch") {
		if r[0] <= prev {
			t.Errorf("timestamp %s after %s", r[0], prev)
		}
		prev = r[0]
	}
}

// TestPcapPortZero: port 0 is not a port SCTP or TCP may use (RFC 9260
// §3.1, RFC 9293); it was written silently.
func TestPcapPortZero(t *testing.T) {
	out := filepath.Join(t.TempDir(), "x.pcap")
	refused(t, out, "port", "pcap", "-o", out, "--msc-ip", "10.0.0.1:0")
	refused(t, out, "port", "pcap", "-o", out, "--transport", "tcp", "--scp-ip", "10.0.0.2:0")
}

// TestPcapPeriodInTenths: ApplyCharging carries the period in 100 ms
// units, so --period 1050ms granted 1.0 s (maxCallPeriodDuration 10) while
// the interim reports came every 1.05 s and reported 1.0 s, 2.1 s.
func TestPcapPeriodInTenths(t *testing.T) {
	out := filepath.Join(t.TempDir(), "x.pcap")
	refused(t, out, "--period", "pcap", "-o", out, "--kind", "flow", "--period", "1050ms", "--hold", "3s")
}

// TestPcapOutToClosedPipe: `--out /dev/stdout | tshark -r - -c 1` hung
// once the reader left (the output was opened read-write, so the pipe
// never lost its last reader), and a failed write then removed the named
// path whatever it was: as root, /dev/stdout itself. A symbolic link to
// /proc/self/fd/1 in a temporary folder stands for /dev/stdout.
func TestPcapOutToClosedPipe(t *testing.T) {
	if _, err := os.Stat("/proc/self/fd/1"); err != nil {
		t.Skip("no /proc/self/fd")
	}
	out := filepath.Join(t.TempDir(), "stdout")
	if err := os.Symlink("/proc/self/fd/1", out); err != nil {
		t.Skip(err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, ssfsimBin, "pcap", "-o", out, "--count", "20000")
	var errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = w, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	// A reader that stops after the file header, as tshark -c does.
	io.ReadFull(r, make([]byte, 24))
	r.Close()
	err = cmd.Wait()
	if ctx.Err() != nil {
		t.Fatal("ssfsim pcap hung writing to a pipe whose reader had gone")
	}
	if err == nil || !strings.Contains(errb.String(), "broken pipe") {
		t.Errorf("exit %v, stderr %q; want a broken-pipe error", err, errb.String())
	}
	if _, err := os.Lstat(out); err != nil {
		t.Errorf("the failed write removed what --out named: %v", err)
	}
}
