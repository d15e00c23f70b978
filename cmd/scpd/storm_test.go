package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scpd/scpd/cmd/scpd/internal/lograte"
	"github.com/scpd/scpd/cmd/ssfsim/msc"
	"github.com/scpd/scpd/sigtran/transport"
)

// TestMalformedStorm has ssfsim storm send broken messages at every layer
// while good calls go on over another association: the good calls are all
// served, and scpd answers or counts each kind of bad message.
func TestMalformedStorm(t *testing.T) {
	d := startCallDaemon(t, daemonConfig{transport: transport.TCP})
	metricsPort := freePort(t)
	d.stop()
	setConfig(t, d.cfg, "metrics:\n  listen: \"\"", fmt.Sprintf("metrics:\n  listen: 127.0.0.1:%d", metricsPort))
	d.start(t)

	storm := exec.Command(ssfsimBin(t), "storm", "--scp", d.sigtran, "--pc", "3", "--rate", "400", "--duration", "4s")
	// The storm's association comes from msc-b's address.
	storm.Args = append(storm.Args, "--local", "127.0.0.2:0")
	out := &syncBuffer{}
	storm.Stdout, storm.Stderr = out, out
	if err := storm.Start(); err != nil {
		t.Fatal(err)
	}

	sim := d.sim(t, "a")
	var wg sync.WaitGroup
	var bad []string
	var mu sync.Mutex
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(i) * 80 * time.Millisecond)
			res, err := sim.Call(context.Background(), msc.Call{ServiceKey: 100, Calling: "31600000001", Called: "102",
				AnswerDelay: 20 * time.Millisecond, HoldTime: 200 * time.Millisecond})
			if err != nil || res.Connected != "31600000002" || res.Talk == 0 {
				mu.Lock()
				bad = append(bad, fmt.Sprintf("%v %+v", err, res))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if err := storm.Wait(); err != nil {
		t.Fatalf("ssfsim storm: %v\n%s", err, out.String())
	}
	if len(bad) > 0 {
		t.Fatalf("%d of 40 good calls were not served during the storm: %v", len(bad), bad[0])
	}

	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", metricsPort))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	metric := func(pattern string) float64 {
		m := regexp.MustCompile(pattern + ` ([0-9.e+]+)`).FindSubmatch(body)
		if m == nil {
			return 0
		}
		v, _ := strconv.ParseFloat(string(m[1]), 64)
		return v
	}
	for name, pattern := range map[string]string{
		"M3UA ERR unsupported class":  `scpd_m3ua_errors_sent_total\{code="Unsupported Message Class"\}`,
		"M3UA ERR parameter error":    `scpd_m3ua_errors_sent_total\{code="Parameter Field Error"\}`,
		"malformed SCCP":              `scpd_sccp_messages_total\{kind="malformed"\}`,
		"UDTS":                        `scpd_sccp_messages_total\{kind="service-out"\}`,
		"P-Abort unknown transaction": `scpd_tcap_p_aborts_sent_total\{cause="unrecognizedTransactionID"\}`,
		"CAP Reject":                  `scpd_cap_rejects_sent_total\{problem="invoke: mistypedParameter"\}`,
		"AARE refusal":                `scpd_tcap_dialogues_ended_total\{reason="application-context-not-supported"\}`,
		"TCAP discarded":              `scpd_tcap_messages_refused_total\{reason="discarded"\}`,
		"TCAP unknown transaction":    `scpd_tcap_messages_refused_total\{reason="unknown-transaction"\}`,
	} {
		if metric(pattern) < 1 {
			t.Errorf("no %s counted after the storm", name)
		}
	}
	// Every bad message gets its WARN, but a flood of one kind is bounded
	// in the log (lograte): the storm ran well under one interval.
	perText := map[string]int{}
	for _, line := range strings.Split(d.logs.String(), "\n") {
		if m := regexp.MustCompile(`level=WARN msg="([^"]+)"`).FindStringSubmatch(line); m != nil {
			perText[m[1]]++
		}
	}
	if len(perText) == 0 {
		t.Error("no WARN logged during the storm")
	}
	for text, n := range perText {
		if n > 2*lograte.Burst {
			t.Errorf("%d log lines %q during a 4 s storm, want at most %d", n, text, 2*lograte.Burst)
		}
	}
	if testing.Verbose() {
		t.Logf("storm:\n%s", out.String())
	}
}
