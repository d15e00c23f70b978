package main

import (
	"encoding/csv"
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scpd/scpd/sigtran/transport"
)

// TestLoadAgainstDaemon runs ssfsim load, the binary, with a scenario mix
// against scpd serve: every call started completes, the outcomes follow the
// mix, the latency figures are consistent (the SCP's part of each first
// answer is no more than the whole), the latency log has every call with the
// report's figures, and scpd's books agree: one CDR per call, audit OK.
func TestLoadAgainstDaemon(t *testing.T) {
	d := startCallDaemon(t, daemonConfig{transport: transport.TCP})
	mix := filepath.Join(t.TempDir(), "mix.yaml")
	if err := os.WriteFile(mix, []byte(`- {weight: 3, outcome: answer, hold: "uniform:100ms-300ms", answer_delay: 20ms, called: "102"}
- {weight: 1, outcome: busy, called: "102"}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	latencyLog := filepath.Join(t.TempDir(), "latency.csv")
	before := time.Now()
	load := exec.Command(ssfsimBin(t), "load", "--scp", d.sigtran, "--calling", "31600000001", "--callers", "1",
		"--rate", "40", "--count", "80", "--mix", mix, "--json", "--progress=false", "--latency-log", latencyLog)
	out, err := load.Output()
	after := time.Now()
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

	checkLatencyLog(t, latencyLog, rep.Outcomes, rep.Latency.Max, before, after)

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

// checkLatencyLog reads ssfsim load's --latency-log: a header, then one line
// per call started within the run, whose outcomes count as the report's do
// and whose slowest first answer is the report's maximum.
func checkLatencyLog(t *testing.T, path string, outcomes map[string]int64, maxMs float64, before, after time.Time) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("latency log: %v", err)
	}
	if len(rows) == 0 || strings.Join(rows[0], ",") != "start_unix_us,first_answer_us,outcome" {
		t.Fatalf("latency log header: %v", rows)
	}
	counted := map[string]int64{}
	var slowest int64
	for _, r := range rows[1:] {
		start, err1 := strconv.ParseInt(r[0], 10, 64)
		us, err2 := strconv.ParseInt(r[1], 10, 64)
		if err1 != nil || err2 != nil || us <= 0 {
			t.Fatalf("latency log line %q: want start µs, first answer µs, outcome", r)
		}
		if start < before.UnixMicro() || start > after.UnixMicro() {
			t.Fatalf("latency log line %q: started outside the run (%v – %v)", r, before, after)
		}
		counted[r[2]]++
		slowest = max(slowest, us)
	}
	if !maps.Equal(counted, outcomes) {
		t.Errorf("latency log outcomes %v; the report's %v", counted, outcomes)
	}
	if got := float64(slowest) / 1000; got != maxMs {
		t.Errorf("latency log's slowest first answer %.3f ms; the report's maximum %.3f ms", got, maxMs)
	}
}
