package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scpd/scpd/sigtran/transport"
)

// TestLoadAgainstDaemon runs ssfsim load, the binary, with a scenario mix
// against scpd serve: every call started completes, the outcomes follow the
// mix, the latency figures are consistent (the SCP's part of each first
// answer is no more than the whole), and scpd's books agree: one CDR per
// call, audit OK.
func TestLoadAgainstDaemon(t *testing.T) {
	d := startCallDaemon(t, daemonConfig{transport: transport.TCP})
	mix := filepath.Join(t.TempDir(), "mix.yaml")
	if err := os.WriteFile(mix, []byte(`- {weight: 3, outcome: answer, hold: "uniform:100ms-300ms", answer_delay: 20ms, called: "102"}
- {weight: 1, outcome: busy, called: "102"}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	load := exec.Command(ssfsimBin(t), "load", "--scp", d.sigtran, "--calling", "31600000001", "--callers", "1",
		"--rate", "40", "--count", "80", "--mix", mix, "--json", "--progress=false")
	out, err := load.Output()
	if err != nil {
		t.Fatalf("ssfsim load: %v\n%s", err, out)
	}
	type summary struct {
		P50, P90, P99, Max float64
		N                  int
	}
	var rep struct {
		Started, Completed, Failed int64
		Outcomes                   map[string]int64
		Errors                     map[string]int64 `json:"protocolErrors"`
		Latency                    summary          `json:"firstAnswerMs"`
		Response                   summary          `json:"scpResponseMs"`
	}
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("report: %v\n%s", err, out)
	}
	if rep.Started != 80 || rep.Completed != 80 || rep.Failed != 0 || len(rep.Errors) != 0 {
		t.Fatalf("80 calls: %d started, %d completed, %d failed, errors %v", rep.Started, rep.Completed, rep.Failed, rep.Errors)
	}
	answered, busy := rep.Outcomes["answered"], rep.Outcomes["released cause 17"]
	if answered+busy != 80 || answered < 40 || busy < 5 {
		t.Errorf("outcomes %v: want about 3 answered to 1 busy (cause 17), nothing else", rep.Outcomes)
	}
	if rep.Latency.N != 80 || rep.Response.N != 80 {
		t.Fatalf("latency over %d calls, SCP response over %d: want 80 each", rep.Latency.N, rep.Response.N)
	}
	if rep.Response.P50 <= 0 || rep.Response.P50 > rep.Latency.P50 || rep.Response.Max > rep.Latency.Max {
		t.Errorf("SCP response %+v against first answer %+v: the SCP's part must be positive and within the whole", rep.Response, rep.Latency)
	}

	cdrs := d.cdrs(t)
	byOutcome := map[string]int64{}
	for _, c := range cdrs {
		byOutcome[c.Outcome]++
	}
	if len(cdrs) != 80 || byOutcome["answered"] != answered || byOutcome["busy"] != busy {
		t.Errorf("%d CDRs %v, want 80: %d answered, %d busy", len(cdrs), byOutcome, answered, busy)
	}
	d.stop()
	if out := ok(t, d.dir, "audit", "--db", filepath.Join(d.dir, "data", "scpd.db")); !strings.Contains(out, "OK") {
		t.Fatalf("audit after the load: %s", out)
	}
}
