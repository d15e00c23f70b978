package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scpd/scpd/cmd/ssfsim/msc"
	"github.com/scpd/scpd/sigtran/transport"
)

// A --mix scenario with a key no scenario has (a typo) or a hangup side
// that is neither A nor B is refused: "outcom: busy" ran every call as
// answered, and "hangup: b" hung up on the caller's leg. A scenario
// without acr_first keeps --acr-first; one with it decides.
func TestMixIsChecked(t *testing.T) {
	dir := t.TempDir()
	mix := func(yaml string) string {
		p := filepath.Join(dir, "mix.yaml")
		if err := os.WriteFile(p, []byte(yaml), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	hold, _ := parseDist("2s")
	base := msc.Call{ACRBeforeERB: true}
	for _, tc := range []struct{ yaml, want string }{
		{"- {weight: 1, outcom: busy}\n", "field outcom not found"},
		{"- {weight: 1, hangup: b}\n", `hangup "b": use A (caller) or B (called)`},
		{"- {weight: 1, hangup: C}\n", `hangup "C": use A (caller) or B (called)`},
	} {
		if _, err := readMix(mix(tc.yaml), base, hold); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want %q", tc.yaml, err, tc.want)
		}
	}
	ws, err := readMix(mix("- {weight: 1, hangup: B}\n- {weight: 1, acr_first: false}\n"), base, hold)
	if err != nil {
		t.Fatal(err)
	}
	if !ws[0].call.ACRBeforeERB || ws[0].call.Hangup != msc.SideB || ws[1].call.ACRBeforeERB {
		t.Fatalf("scenarios %+v %+v: want --acr-first kept by the first, turned off by the second", ws[0].call, ws[1].call)
	}
}

// The rate is taken over the time calls were started, bounded by the
// longest ringing + hold the calls drew: --hold-dist or the mix's holds,
// not the --hold they override (which made calls/s follow --hold).
func TestLoadRateBoundIsTheHoldDrawn(t *testing.T) {
	hold, _ := parseDist("4s")
	ws, err := readMix("", msc.Call{HoldTime: 0, AnswerDelay: 100 * time.Millisecond}, hold)
	if err != nil {
		t.Fatal(err)
	}
	l := &loader{mix: ws, callers: 1}
	l.draw()
	if got := time.Duration(l.longest.Load()); got != 4*time.Second+100*time.Millisecond {
		t.Fatalf("longest drawn %v, want 4.1s", got)
	}
}

// Every call failing is a failed run (exit non-zero), and the errors are
// grouped by their text, not cut at the first colon ("msc" for all).
func TestLoadFailuresAreReported(t *testing.T) {
	if err := loadFailed(loadReport{Started: 2, Failed: 2}); err == nil {
		t.Fatal("a run with no call completed succeeded")
	}
	if err := loadFailed(loadReport{Started: 10, Completed: 9, Failed: 1}); err != nil {
		t.Fatalf("a run with completed calls failed: %v", err)
	}
	a := classify(errors.New("msc: SCP did not answer in time (dialogue 0x1a2b, 5000 ms)"))
	b := classify(errors.New("msc: SCP did not answer in time (dialogue 0x3c, 5000 ms)"))
	if a != b || !strings.Contains(a, "SCP did not answer in time") {
		t.Fatalf("classified as %q and %q", a, b)
	}
}

// Negative durations and counts are refused with what is wrong, not with
// another rule's message ("give exactly one of --rate or --concurrency").
func TestNegativeFlagsAreRefused(t *testing.T) {
	for _, args := range [][]string{
		{"load", "--rate", "-5", "--duration", "1s"},
		{"load", "--rate", "5", "--duration", "-1s"},
		{"load", "--rate", "5", "--count", "-1", "--duration", "1s"},
		{"call", "--hold", "-1s"},
		{"call", "--answer-delay", "-1s"},
		{"call", "--connect-timeout", "-1s"},
	} {
		_, stderr, code := run(t, args...)
		if code == 0 || !strings.Contains(stderr, "negative") && !strings.Contains(stderr, "must be positive") {
			t.Errorf("ssfsim %v: exit %d, stderr %q", args, code, stderr)
		}
	}
}

// An address that cannot be one is refused at once: it was retried until
// --connect-timeout behind a screen of "redialling" warnings, and the final
// error hid the cause.
func TestBadAddressesAreRefusedAtOnce(t *testing.T) {
	for _, args := range [][]string{
		{"call", "--scp", "127.0.0.1:99999"},
		{"call", "--scp", "nohostport"},
		{"call", "--local", "garbage"},
		{"load", "--rate", "1", "--count", "1", "--local", "1.2.3.4"},
	} {
		start := time.Now()
		_, stderr, code := run(t, args...)
		if code == 0 || !strings.Contains(stderr, "want ") || strings.Count(stderr, "\n") > 1 || time.Since(start) > 5*time.Second {
			t.Errorf("ssfsim %v: exit %d after %v, stderr %q", args, code, time.Since(start), stderr)
		}
	}
}

// A transport this host cannot run is said at once in one line (kernel
// SCTP here: none on these machines, nor in CI): it was redialled until
// --connect-timeout.
func TestMissingTransportIsSaidAtOnce(t *testing.T) {
	if transport.KernelSCTPAvailable() {
		t.Skip("this kernel has SCTP: the dial would be a real one")
	}
	start := time.Now()
	_, stderr, code := run(t, "call", "--transport", "sctp", "--scp", "127.0.0.1:2905", "--connect-timeout", "30s")
	if code == 0 || !strings.Contains(stderr, "modprobe sctp") || strings.Count(stderr, "\n") > 1 || time.Since(start) > 5*time.Second {
		t.Errorf("call over kernel SCTP without it: exit %d after %v, stderr %q", code, time.Since(start), stderr)
	}
}

// A capture cut inside a frame (a tcpdump killed while writing) is read up
// to the cut, with a warning: it was refused as a whole.
func TestCutCaptureIsReadToTheCut(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "flow-phase2.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut.pcap")
	if err := os.WriteFile(cut, raw[:1000], 0o600); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := run(t, "decode", cut)
	if code != 0 || !strings.Contains(stderr, "capture cut short") || !strings.Contains(stdout, "frame 3 ") || strings.Contains(stdout, "frame 4 ") {
		t.Fatalf("decode of a cut capture: exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
}

// Callers spread from --calling keep its width: "0612345001" with three
// callers gives 0612345001..0612345003, not 612345001 (a national number
// lost its trunk prefix and became another).
func TestLoadCallersKeepLeadingZeros(t *testing.T) {
	hold, _ := parseDist("1s")
	ws, err := readMix("", msc.Call{Calling: "0612345001"}, hold)
	if err != nil {
		t.Fatal(err)
	}
	l := &loader{mix: ws, firstCaller: 612345001, callers: 3, width: len("0612345001")}
	seen := map[string]bool{}
	for range 3 {
		seen[l.draw().Calling] = true
	}
	for _, want := range []string{"0612345001", "0612345002", "0612345003"} {
		if !seen[want] {
			t.Fatalf("callers %v, want %s among them", seen, want)
		}
	}
}
