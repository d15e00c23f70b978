package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/scpd/scpd/sigtran/pcap/tshark"
)

// wireshark is tshark with the M3UA-over-TCP dissector that tshark 4.0
// needs, checking IPv4 and TCP checksums too (off by default).
var wireshark = tshark.With("-X", "lua_script:../../scripts/m3ua-tcp.lua", "-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE")

var phaseAC = map[int]string{2: "0.4.0.0.1.0.50.1", 3: "0.4.0.0.1.21.3.4", 4: "0.4.0.0.1.23.3.4"}

// decoded is the part of `ssfsim decode --json` these tests read.
type decoded struct {
	Frame     int
	Transport string
	Errors    []string
	M3UA      *struct {
		Data *struct{ OPC, DPC, SLS, RoutingContext uint32 }
	}
	TCAP *struct {
		Type       string
		OTID, DTID string
		CapPhase   int
		Components []struct {
			Operation string
			Argument  map[string]any
		}
	}
}

func decodeJSON(t *testing.T, file string) []decoded {
	t.Helper()
	out, errOut, code := run(t, "decode", "--json", file)
	if code != 0 {
		t.Fatalf("decode %s: exit %d: %s", file, code, errOut)
	}
	var res []decoded
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("decode --json: %v", err)
	}
	return res
}

func ops(d decoded) string {
	var s []string
	for _, c := range d.TCAP.Components {
		s = append(s, c.Operation)
	}
	return strings.Join(s, ",")
}

// digits reads argument[field].digits.
func digits(arg map[string]any, field string) string {
	m, _ := arg[field].(map[string]any)
	s, _ := m["digits"].(string)
	return s
}

// TestPcapFlowsDecode writes whole calls of every phase with number ranges
// over SCTP and over TCP, and reads them back with ssfsim decode and with
// tshark.
func TestPcapFlowsDecode(t *testing.T) {
	for _, transport := range []string{"sctp", "tcp"} {
		t.Run(transport, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "flows.pcap")
			out, errOut, code := run(t, "pcap", "--out", file, "--kind", "flow", "--phase", "all", "--count", "2", "--transport", transport,
				"--calling-from", "31612345008", "--called-from", "0201234598", "--imsi-from", "204040000000009", "--service-key", "200",
				"--rc", "7", "--otid-from", "0xfffe", "--hold", "25s", "--period", "10s", "--interval", "500ms", "--json")
			if code != 0 {
				t.Fatalf("pcap: exit %d: %s", code, errOut)
			}
			var sum pcapSummary
			if err := json.Unmarshal([]byte(out), &sum); err != nil || sum.Calls != 6 || sum.FirstOTID != "0000fffe" || sum.LastOTID != "00010003" {
				t.Fatalf("summary %+v (%v):\n%s", sum, err, out)
			}

			// ssfsim decode: every layer decodes, the phase of every
			// message is its Begin's, the numbers count up, and each call
			// is the script: 2 interim reports (25 s in 10 s periods).
			res := decodeJSON(t, file)
			perCall := 1 + 1 + 1 + 2*2 + 3
			if len(res) != 6*perCall || sum.Frames != len(res)+map[string]int{"sctp": 0, "tcp": 3}[transport] {
				t.Fatalf("%d messages in %d frames, want %d", len(res), sum.Frames, 6*perCall)
			}
			calls := map[string][]decoded{} // by the MSC's transaction ID
			var prev string
			for _, r := range res {
				if len(r.Errors) > 0 || r.TCAP == nil || r.Transport != transport || r.M3UA.Data.RoutingContext != 7 {
					t.Fatalf("frame %d: %+v", r.Frame, r)
				}
				if r.TCAP.Type != "begin" && r.TCAP.Type != "continue" && r.TCAP.Type != "end" {
					t.Fatalf("frame %d: %s", r.Frame, r.TCAP.Type)
				}
				id := r.TCAP.OTID
				if r.M3UA.Data.OPC == 2 {
					id = r.TCAP.DTID
				}
				calls[id] = append(calls[id], r)
				if r.TCAP.Type == "begin" && id <= prev {
					t.Errorf("frame %d: otid %s after %s", r.Frame, id, prev)
				}
				if r.TCAP.Type == "begin" {
					prev = id
				}
			}
			if len(calls) != 6 {
				t.Fatalf("%d transactions, want 6", len(calls))
			}
			want := []string{"initialDP", "requestReportBCSMEvent,applyCharging,connect", "eventReportBCSM", "applyChargingReport", "applyCharging",
				"applyChargingReport", "applyCharging", "applyChargingReport", "eventReportBCSM", "releaseCall"}
			n := 0
			for _, id := range []string{"0000fffe", "0000ffff", "00010000", "00010001", "00010002", "00010003"} {
				msgs := calls[id]
				var got []string
				for _, m := range msgs {
					got = append(got, ops(m))
					if m.TCAP.CapPhase != 2+n/2 {
						t.Errorf("otid %s frame %d: phase %d, want %d", id, m.Frame, m.TCAP.CapPhase, 2+n/2)
					}
				}
				if !slices.Equal(got, want) {
					t.Errorf("otid %s: %v\nwant %v", id, got, want)
				}
				arg := msgs[0].TCAP.Components[0].Argument
				i := n % 2
				if arg["serviceKey"] != float64(200) || digits(arg, "callingPartyNumber") != fmt.Sprint(31612345008+i) ||
					digits(arg, "calledPartyBCDNumber") != fmt.Sprintf("%010d", 201234598+i) || arg["iMSI"] != fmt.Sprint(204040000000009+i) {
					t.Errorf("otid %s: InitialDP %v", id, arg)
				}
				n++
			}

			// tshark: clean, and the values are the ones encoded.
			ts := wireshark
			ts.Check(t, file)
			rows := ts.Fields(t, file, "camel.local == 0", "tcap.otid", "tcap.application_context_name", "camel.serviceKey", "isup.calling", "e212.imsi",
				"gsm_a.dtap.cld_party_bcd_num", "m3ua.protocol_data_opc", "m3ua.routing_context")
			if len(rows) != 6 {
				t.Fatalf("tshark found %d InitialDPs, want 6", len(rows))
			}
			for k, r := range rows {
				i := k % 2
				want := []string{[]string{"0000fffe", "0000ffff", "00010000", "00010001", "00010002", "00010003"}[k], phaseAC[2+k/2], "200",
					fmt.Sprint(31612345008 + i), fmt.Sprint(204040000000009 + i), fmt.Sprintf("%010d", 201234598+i), "1", "7"}
				if !slices.Equal(r, want) {
					t.Errorf("InitialDP %d: tshark %q, want %q", k, r, want)
				}
			}
			acs := ts.Fields(t, file, "camel.local == 35", "camel.maxCallPeriodDuration", "camel.tone")
			var last int
			for _, r := range acs {
				if r[0] != "100" {
					t.Errorf("ApplyCharging period %q, want 100 (10 s)", r[0])
				}
				if r[1] == "1" {
					last++
				}
			}
			if len(acs) != 18 || last != 6 {
				t.Errorf("%d ApplyCharging, %d with a tone; want 18 and 6", len(acs), last)
			}
		})
	}
}

// TestPcapInitialDPs writes InitialDPs of one phase and checks the
// frames' order and timestamps.
func TestPcapInitialDPs(t *testing.T) {
	file := filepath.Join(t.TempDir(), "idp.pcap")
	out, errOut, code := run(t, "pcap", "-o", file, "--count", "20", "--phase", "4", "--calling", "31612345002", "--called", "0031201234567",
		"--international", "--interval", "0s")
	if code != 0 || !strings.Contains(out, "20 calls (initialdp, phase 4, sctp), 20 frames") {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	res := decodeJSON(t, file)
	if len(res) != 20 {
		t.Fatalf("%d messages", len(res))
	}
	seen := map[string]bool{}
	var prevTime string
	for _, r := range res {
		arg := r.TCAP.Components[0].Argument
		called, _ := arg["calledPartyBCDNumber"].(map[string]any)
		if r.TCAP.Type != "begin" || r.TCAP.CapPhase != 4 || digits(arg, "callingPartyNumber") != "31612345002" ||
			called["digits"] != "0031201234567" || called["natureOfAddress"] != "international" || seen[r.TCAP.OTID] {
			t.Errorf("frame %d: %+v", r.Frame, r.TCAP)
		}
		seen[r.TCAP.OTID] = true
	}
	// --interval 0s: every call starts at once; the frames still get
	// increasing timestamps.
	for _, r := range tshark.Fields(t, file, "", "frame.time_epoch") {
		if r[0] <= prevTime {
			t.Errorf("timestamp %s after %s", r[0], prevTime)
		}
		prevTime = r[0]
	}
}

func TestPcapBadInput(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "x.pcap")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"pcap"}, "--out FILE"},
		{[]string{"pcap", "-o", out, "--kind", "call"}, "use initialdp or flow"},
		{[]string{"pcap", "-o", out, "--phase", "1"}, "use 2, 3, 4 or all"},
		{[]string{"pcap", "-o", out, "--transport", "udp"}, "use sctp or tcp"},
		{[]string{"pcap", "-o", out, "--count", "0"}, "at least one call"},
		{[]string{"pcap", "-o", out, "--calling", "1", "--calling-from", "2"}, "not both"},
		{[]string{"pcap", "-o", out, "--called-from", "98", "--count", "3"}, "runs out of 2-digit numbers at call 3"},
		{[]string{"pcap", "-o", out, "--imsi-from", "2040x"}, "decimal digits"},
		{[]string{"pcap", "-o", out, "--start", "yesterday"}, "RFC 3339"},
		{[]string{"pcap", "-o", out, "--msc-ip", "10.0.0.1"}, "IPv4 host:port"},
		{[]string{"pcap", "-o", out, "--otid-from", "0x7fffffff", "--count", "2"}, "0x7fffffff"},
		{[]string{"pcap", "-o", out, "--kind", "flow", "--hold", "2h", "--period", "1s"}, "interim reports"},
		{[]string{"pcap", "-o", out, "--connect-to", "31612345002"}, "--connect-to is for --kind flow"},
		{[]string{"pcap", "-o", out, "--kind", "initialdp", "--hold", "5s"}, "--hold is for --kind flow"},
		{[]string{"pcap", "-o", filepath.Join(dir, "no", "such", "dir.pcap")}, "no such file"},
		{[]string{"pcap", "-o", out, "--colour"}, "unknown flag"},
	} {
		_, errOut, code := run(t, tc.args...)
		if code == 0 || !strings.Contains(errOut, tc.want) || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
			t.Errorf("%v: exit %d, stderr %q; want a one-line error mentioning %q", tc.args, code, errOut, tc.want)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a refused command left a file behind")
	}
}

// TestTestdataRegenerates runs scripts/gen-testdata into a temporary
// folder: it must write exactly the files in testdata/, byte for byte.
func TestTestdataRegenerates(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command("../../scripts/gen-testdata", dir)
	cmd.Env = append(os.Environ(), "SSFSIM="+ssfsimBin)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gen-testdata: %v\n%s", err, out)
	}
	want, _ := filepath.Glob("../../testdata/*.pcap")
	got, _ := filepath.Glob(filepath.Join(dir, "*.pcap"))
	if len(got) == 0 || len(got) != len(want) {
		t.Fatalf("gen-testdata wrote %d captures, testdata has %d", len(got), len(want))
	}
	for _, w := range want {
		a, _ := os.ReadFile(w)
		b, err := os.ReadFile(filepath.Join(dir, filepath.Base(w)))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s: regenerated file differs (%v); run scripts/gen-testdata and commit testdata/", w, err)
		}
	}
}

// testdataCase is what scripts/gen-testdata put in one capture.
type testdataCase struct {
	phases []int
	calls  int // per phase
	flow   bool
}

var testdataCases = map[string]testdataCase{
	"initialdp-phase2.pcap": {[]int{2}, 6, false},
	"initialdp-phase3.pcap": {[]int{3}, 6, false},
	"initialdp-phase4.pcap": {[]int{4}, 6, false},
	"flow-phase2.pcap":      {[]int{2}, 2, true},
	"flow-phase3.pcap":      {[]int{3}, 2, true},
	"flow-phase4.pcap":      {[]int{4}, 2, true},
	"flow-tcp.pcap":         {[]int{2, 3, 4}, 1, true},
}

// TestTestdataTshark is scripts/check-testdata under go test: every
// capture in testdata/ is clean in tshark and holds the values
// scripts/gen-testdata asked for.
func TestTestdataTshark(t *testing.T) {
	tshark.Require(t)
	files, _ := filepath.Glob("../../testdata/*.pcap")
	if len(files) == 0 {
		t.Fatal("no captures in testdata/: run scripts/gen-testdata")
	}
	ts := wireshark
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			tc, ok := testdataCases[filepath.Base(file)]
			if !ok {
				t.Fatal("no expectations for this capture: add them to testdataCases and scripts/check-testdata")
			}
			ts.Check(t, file)
			rows := ts.Fields(t, file, "camel", "camel.local", "tcap.application_context_name", "camel.serviceKey", "isup.calling", "e212.imsi",
				"gsm_a.dtap.cld_party_bcd_num", "isup.called", "camel.maxCallPeriodDuration", "camel.tone", "camel.timeIfNoTariffSwitch",
				"camel.legActive", "camel.eventTypeBCSM", "camel.cause_indicator")
			var got, want []string
			for _, r := range rows {
				switch r[0] {
				case "0":
					got = append(got, "idp "+strings.Join(r[1:6], " "))
				case "23,35,20":
					got = append(got, "rrb,ac,connect "+r[6]+" "+r[7]+" "+r[8])
				case "35":
					got = append(got, "ac "+r[7]+" "+r[8])
				case "36":
					got = append(got, "acr "+r[9]+" "+r[10])
				case "24":
					got = append(got, "erb "+r[11])
				case "22":
					got = append(got, "release "+r[12])
				default:
					got = append(got, "operations "+r[0])
				}
			}
			n := len(tc.phases) * tc.calls
			for _, ph := range tc.phases {
				for i := 1; i <= tc.calls; i++ {
					want = append(want, fmt.Sprintf("idp %s 100 3161234500%d 20404000000000%d 1003", phaseAC[ph], i, i))
					if tc.flow {
						want = append(want, "rrb,ac,connect 31612345003 600 ")
					}
				}
			}
			if tc.flow {
				// Calls start 1 s apart and are answered after 3 s; the
				// 90 s calls get an interim report at 60 s, and a last
				// period with release at its end and a tone.
				want = append(want, repeated(n, "erb 7")...)
				for range n {
					want = append(want, "acr 600 ", "ac 600 1")
				}
				for range n {
					want = append(want, "acr 900 0", "erb 9", "release 16")
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("tshark decodes\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
			}
		})
	}
}

func repeated(n int, s string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}
