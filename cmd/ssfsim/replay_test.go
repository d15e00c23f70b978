package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/gopacket"
	linktype "github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"github.com/scpd/scpd/camel"
	"github.com/scpd/scpd/sigtran/pcap"
	"github.com/scpd/scpd/sigtran/sccp"
	"github.com/scpd/scpd/sigtran/tcap"
)

// The replay tests play captures against a real `scpd serve` with the
// embedded demo data (cmd/scpd/demo.go): subscribers 31612345001-005, short
// numbers 1001-1004, service keys 100 (VPN) and 200 (prepaid).

var (
	scpdOnce sync.Once
	scpdPath string
	scpdErr  error
)

// scpdBinary builds cmd/scpd once, next to the ssfsim binary.
func scpdBinary(t *testing.T) string {
	t.Helper()
	scpdOnce.Do(func() {
		scpdPath = filepath.Join(filepath.Dir(ssfsimBin), "scpd")
		if out, err := exec.Command("go", "build", "-o", scpdPath, "../scpd").CombinedOutput(); err != nil {
			scpdErr = fmt.Errorf("building scpd: %v\n%s", err, out)
		}
	})
	if scpdErr != nil {
		t.Fatal(scpdErr)
	}
	return scpdPath
}

func demoFreePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startDemoSCPD runs `scpd serve` with the demo data on free ports and
// returns its M3UA address; it is stopped when the test ends.
func startDemoSCPD(t *testing.T) string {
	t.Helper()
	bin := scpdBinary(t)
	dir := t.TempDir()
	sigtran := fmt.Sprintf("127.0.0.1:%d", demoFreePort(t))
	admin := fmt.Sprintf("127.0.0.1:%d", demoFreePort(t))
	cfg := filepath.Join(dir, "scpd.yaml")
	yaml := fmt.Sprintf(`data_dir: %s
admin:
  listen: %s
metrics:
  listen: ""
demo:
  seed: true
sigtran:
  listen: [%q]
shutdown:
  grace: 1s
`, filepath.Join(dir, "data"), admin, sigtran)
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve", "--config", cfg)
	cmd.Dir = dir
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("scpd serve log:\n%s", logs.String())
		}
	})
	for deadline := time.Now().Add(15 * time.Second); ; {
		if resp, err := http.Get("http://" + admin + "/healthz"); err == nil {
			resp.Body.Close()
			return sigtran
		}
		select {
		case err := <-exited:
			t.Fatalf("scpd serve exited: %v\n%s", err, logs.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("scpd serve never answered\n%s", logs.String())
		}
	}
}

// replayOutput is `ssfsim replay --json`.
type replayOutput struct {
	Calls   []replayed
	Summary replaySummary
}

func replayJSON(t *testing.T, args ...string) (replayOutput, string, int) {
	t.Helper()
	out, errOut, code := run(t, append([]string{"replay", "--json"}, args...)...)
	var res replayOutput
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("replay %v: exit %d, not JSON (%v):\n%s\n%s", args, code, err, out, errOut)
	}
	return res, errOut, code
}

// begin returns a TC-BEGIN with an InitialDP in phase ph (0: no dialogue
// portion, as a CAP phase 1 gsmSSF sends it).
func begin(t *testing.T, otid uint32, ph camel.Phase, key uint32, calling, called string) []byte {
	t.Helper()
	idp := camel.ExampleMOInitialDP()
	idp.ServiceKey, idp.CallingPartyNumber.Digits = key, calling
	idp.CalledPartyBCDNumber.Digits = called
	enc := ph
	if enc == 0 {
		enc = camel.Phase2
	}
	p, err := camel.AppendArgument(nil, idp, enc)
	if err != nil {
		t.Fatal(err)
	}
	var dlg *tcap.DialoguePortion
	if ph != 0 {
		dlg = tcap.NewAARQ(ph.ApplicationContext())
	}
	b, err := tcap.NewBegin(tcap.NewTransactionID(otid), dlg, tcap.NewInvoke(1, int64(camel.OpInitialDP), p)).Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// writeBare writes frames into a capture of link type lt.
func writeBare(t *testing.T, file string, lt linktype.LinkType, frames ...[]byte) {
	t.Helper()
	var buf bytes.Buffer
	w := pcapgo.NewWriter(&buf)
	if err := w.WriteFileHeader(65535, lt); err != nil {
		t.Fatal(err)
	}
	for i, f := range frames {
		w.WritePacket(gopacket.CaptureInfo{Timestamp: time.Unix(1_800_000_000+int64(i), 0), CaptureLength: len(f), Length: len(f)}, f)
	}
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestReplayAgainstSCPD replays captures of every framing against scpd and
// checks the answer to each call.
func TestReplayAgainstSCPD(t *testing.T) {
	scp := startDemoSCPD(t)
	dir := t.TempDir()
	fast := []string{"--scp", scp, "--answer-delay", "50ms", "--hold", "300ms"}

	t.Run("generated capture, every phase", func(t *testing.T) {
		file := filepath.Join(dir, "demo.pcap")
		if _, errOut, code := run(t, "pcap", "-o", file, "--phase", "all", "--count", "6", "--called", "1003", "--imsi-from", "204040000000001"); code != 0 {
			t.Fatal(errOut)
		}
		res, errOut, code := replayJSON(t, append(fast, "--concurrency", "18", file)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		if len(res.Calls) != 18 {
			t.Fatalf("%d calls replayed, want 18", len(res.Calls))
		}
		// By caller: members connected to Carol (1003); the low balance,
		// the subscriber without a VPN contract and the unknown one released.
		want := map[string]string{
			"31612345001": "connect 31612345003", "31612345002": "connect 31612345003", "31612345003": "connect 31612345003",
			"31612345004": "releaseCall 21", "31612345005": "releaseCall 50", "31612345006": "releaseCall 21",
		}
		for i, c := range res.Calls {
			got := c.Answer
			switch c.Answer {
			case answerConnect:
				got += " " + c.ConnectTo
			case answerRelease:
				got += fmt.Sprintf(" %d", c.ReleaseCause)
			}
			if got != want[c.Calling] || c.Phase != 2+i/6 || c.Frame != i+1 || c.Called != "1003" || c.ServiceKey != 100 || c.Error != "" {
				t.Errorf("call %d: %+v; want %s in phase %d", i, c, want[c.Calling], 2+i/6)
			}
			if c.Answer == answerConnect && (c.Call == nil || c.Call.End != "scp-end" || c.Call.ReleaseCause != 16 || c.Call.Talk < 300*time.Millisecond) {
				t.Errorf("call %d was not talked and released normally: %+v", i, c.Call)
			}
			// Prepaid callers (001, 002) are charged by periods; Carol is postpaid.
			if c.Answer == answerConnect && (len(c.Call.Periods) > 0) != (c.Calling != "31612345003") {
				t.Errorf("call %d from %s: %d ApplyCharging", i, c.Calling, len(c.Call.Periods))
			}
		}
		s := res.Summary
		if s.Calls != 18 || s.Answers[answerConnect] != 9 || s.Answers[answerRelease] != 9 || s.ReleaseCauses["21"] != 6 || s.ReleaseCauses["50"] != 3 || s.Errors != 0 {
			t.Errorf("summary %+v", s)
		}
	})

	t.Run("testdata over TCP, text", func(t *testing.T) {
		out, errOut, code := run(t, append([]string{"replay", "../../testdata/flow-tcp.pcap", "--concurrency", "3"}, fast...)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 4 {
			t.Fatalf("%d lines, want 3 calls and a summary:\n%s", len(lines), out)
		}
		for i, l := range lines[:3] {
			if !strings.Contains(l, fmt.Sprintf("phase %d  key 100  31612345001 -> 1003: Connect to 31612345003 in ", 2+i)) ||
				!strings.Contains(l, "released cause 16, end scp-end") {
				t.Errorf("line %d: %s", i, l)
			}
		}
		if !strings.Contains(lines[3], "3 InitialDPs replayed") || !strings.Contains(lines[3], ": 3 connect; 0 errors") {
			t.Errorf("summary: %s", lines[3])
		}
	})

	t.Run("bare TCAP and SCCP captures", func(t *testing.T) {
		user0 := filepath.Join(dir, "tcap.pcap")
		writeBare(t, user0, pcap.LinkTypeUser0,
			begin(t, 0x10, camel.Phase3, 200, "31612345005", "0201234567"),  // plain prepaid: Continue
			begin(t, 0x11, 0, 100, "31612345001", "1002"),                   // phase 1: skipped
			[]byte{0x64, 0x06, 0x49, 0x04, 0, 0, 0, 0x10},                   // an End: ignored
			[]byte{0x62, 0x09, 0x48, 0x04, 0, 0, 0, 0x12, 0x6c, 0x05, 0xa1}) // a Begin cut short: reported
		res, errOut, code := replayJSON(t, append(fast, user0)...)
		if code != 0 || len(res.Calls) != 1 || res.Calls[0].Answer != answerContinue || res.Calls[0].Phase != 3 || res.Calls[0].OTID != "00000010" {
			t.Errorf("DLT_USER0: exit %d %s: %+v", code, errOut, res.Calls)
		}
		if sk := res.Summary.Skipped; len(sk) != 2 || sk[0].Frame != 2 || !strings.Contains(sk[0].Reason, "no application context") ||
			sk[1].Frame != 4 || !strings.Contains(sk[1].Reason, "does not decode") {
			t.Errorf("skipped %+v", res.Summary.Skipped)
		}

		udt, err := sccp.NewUDT(sccp.Address{RouteOnSSN: true, HasPC: true, PointCode: 2, SSN: sccp.SSNCAP},
			sccp.Address{RouteOnSSN: true, HasPC: true, PointCode: 1, SSN: sccp.SSNCAP},
			begin(t, 0x20, camel.Phase4, 100, "31699999999", "1002"), false).Append(nil)
		if err != nil {
			t.Fatal(err)
		}
		sccpFile := filepath.Join(dir, "sccp.pcap")
		writeBare(t, sccpFile, pcap.LinkTypeSCCP, udt)
		// An unknown subscriber (the example's IMSI is not in the demo
		// data either), replayed with the service key overridden: the
		// unknown key is refused with a ReturnError.
		res, errOut, code = replayJSON(t, append(fast, sccpFile)...)
		if code != 0 || len(res.Calls) != 1 || res.Calls[0].Answer != answerRelease || res.Calls[0].ReleaseCause != 21 || res.Calls[0].Phase != 4 {
			t.Errorf("DLT_SCCP: exit %d %s: %+v", code, errOut, res.Calls)
		}
		res, _, code = replayJSON(t, append(fast, "--service-key", "999", sccpFile)...)
		if code != 0 || len(res.Calls) != 1 || res.Calls[0].Answer != answerReturnError || res.Calls[0].ReturnError != "missingCustomerRecord" || res.Calls[0].ServiceKey != 999 {
			t.Errorf("--service-key 999: exit %d: %+v", code, res.Calls)
		}
	})
}

// silentSCP is an M3UA peer that brings the association up (ASP Up, ASP
// Active, BEAT acknowledged) and drops every DATA: an SCP that never answers.
func silentSCP(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				for {
					hdr := make([]byte, 8)
					if _, err := io.ReadFull(c, hdr); err != nil {
						return
					}
					body := make([]byte, binary.BigEndian.Uint32(hdr[4:])-8)
					if _, err := io.ReadFull(c, body); err != nil {
						return
					}
					var reply []byte
					switch [2]byte{hdr[2], hdr[3]} {
					case [2]byte{3, 1}: // ASPUP: ASPUP ACK
						reply = []byte{1, 0, 3, 4, 0, 0, 0, 8}
					case [2]byte{4, 1}: // ASPAC: ASPAC ACK
						reply = []byte{1, 0, 4, 3, 0, 0, 0, 8}
					case [2]byte{3, 3}: // BEAT: BEAT ACK with the same data
						reply = append([]byte{1, 0, 3, 6}, hdr[4:]...)
						reply = append(reply, body...)
					}
					if reply != nil {
						c.Write(reply)
					}
				}
			}()
		}
	}()
	return l.Addr().String()
}

// TestReplayNoAnswer replays against an SCP that never answers: each call
// reports no answer, and the exit status says so in one line.
func TestReplayNoAnswer(t *testing.T) {
	res, errOut, code := replayJSON(t, "--scp", silentSCP(t), "--wait", "300ms", "--concurrency", "6", "../../testdata/initialdp-phase3.pcap")
	if code == 0 || strings.TrimSpace(errOut) != "ssfsim: 6 of 6 replayed calls got no answer or failed (see above)" {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	if len(res.Calls) != 6 || res.Summary.Answers[answerNone] != 6 {
		t.Fatalf("%+v", res)
	}
	for _, c := range res.Calls {
		if c.Answer != answerNone || !strings.Contains(c.Error, "did not answer") || c.Phase != 3 {
			t.Errorf("%+v", c)
		}
	}
}

func TestReplayBadInput(t *testing.T) {
	dir := t.TempDir()
	notPcap := filepath.Join(dir, "notes.txt")
	os.WriteFile(notPcap, []byte("InitialDP from 31612345001\n"), 0o644)
	// A capture of an ASP Up only: M3UA, but no Begin.
	noIDP := filepath.Join(dir, "aspup.pcap")
	f, _ := os.Create(noIDP)
	w, _ := pcap.NewWriter(f)
	w.WriteM3UA(time.Unix(1_800_000_000, 0), netip.MustParseAddrPort("10.0.0.1:2905"), netip.MustParseAddrPort("10.0.0.2:2905"), 0, []byte{1, 0, 3, 1, 0, 0, 0, 8})
	f.Close()
	phase1 := filepath.Join(dir, "phase1.pcap")
	writeBare(t, phase1, pcap.LinkTypeUser0+3, begin(t, 1, 0, 100, "31612345001", "1002"))
	wifi := filepath.Join(dir, "wifi.pcap")
	writeBare(t, wifi, linktype.LinkTypeIEEE802_11, []byte{0})

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"replay", filepath.Join(dir, "missing.pcap")}, "no such file"},
		{[]string{"replay", notPcap}, "notes.txt: pcap: file header"},
		{[]string{"replay", wifi}, "link type 105 not supported"},
		{[]string{"replay", noIDP}, "no TC-BEGIN with an InitialDP"},
		{[]string{"replay", phase1}, "none of its 1 InitialDP Begins can be replayed (frame 1: no application context"},
		{[]string{"replay"}, "replay needs one capture file"},
		{[]string{"replay", noIDP, phase1}, "replay needs one capture file"},
		{[]string{"replay", "--outcome", "hangup", noIDP}, "use answer, busy"},
		{[]string{"replay", "--concurrency", "0", noIDP}, "--concurrency 0"},
		{[]string{"replay", "--wait", "0s", noIDP}, "--wait 0s"},
		{[]string{"replay", "--speed", "2", noIDP}, "unknown flag: --speed"},
	} {
		_, errOut, code := run(t, tc.args...)
		if code == 0 || !strings.Contains(errOut, tc.want) || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
			t.Errorf("%v: exit %d, stderr %q; want a one-line error mentioning %q", tc.args, code, errOut, tc.want)
		}
	}
}
