// Package tshark runs Wireshark's tshark over captures written by tests:
// the project's wire oracle (FACTS.md). Tests skip when tshark is absent,
// unless SCPD_REQUIRE_TSHARK=1 (set by CI), which makes its absence a
// failure.
package tshark

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// ErrorFilter selects malformed packets and expert infos of severity
// warning or worse.
const ErrorFilter = `_ws.malformed || _ws.expert.severity >= "Warning"`

// Require returns the tshark path or skips (or fails, under
// SCPD_REQUIRE_TSHARK=1) the test.
func Require(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("tshark")
	if err != nil {
		if os.Getenv("SCPD_REQUIRE_TSHARK") == "1" {
			t.Fatalf("tshark not found and SCPD_REQUIRE_TSHARK=1: install it (apt-get install tshark)")
		}
		t.Skip("tshark not installed; the wire check needs it (apt-get install tshark)")
	}
	return p
}

// Runner runs tshark with extra arguments on every run, e.g. a Lua
// dissector. The package functions use the zero Runner.
type Runner struct{ args []string }

// With returns a Runner that passes args to every run of tshark, e.g.
// "-X", "lua_script:scripts/m3ua-tcp.lua" for M3UA over TCP, which
// tshark 4.0 cannot decode alone.
func With(args ...string) Runner { return Runner{args: args} }

func (r Runner) run(t testing.TB, args ...string) string {
	t.Helper()
	bin := Require(t)
	all := append([]string{"-n", "-o", "sctp.checksum:CRC 32c"}, r.args...)
	cmd := exec.Command(bin, append(all, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("tshark %v: %v\n%s", args, err, errb.String())
	}
	return out.String()
}

// Check fails the test on any malformed packet or expert warning in file,
// listing frame number and message.
func Check(t testing.TB, file string) {
	t.Helper()
	Runner{}.Check(t, file)
}

// Check is Check with the Runner's arguments.
func (r Runner) Check(t testing.TB, file string) {
	t.Helper()
	out := r.run(t, "-r", file, "-Y", ErrorFilter, "-T", "fields", "-e", "frame.number", "-e", "_ws.expert.message")
	if s := strings.TrimSpace(out); s != "" {
		t.Fatalf("tshark flags %s:\n%s", file, s)
	}
}

// Fields returns, for each frame that matches filter (all when empty), the
// values of the named fields; multiple occurrences in a frame are joined
// with ",".
func Fields(t testing.TB, file, filter string, fields ...string) [][]string {
	t.Helper()
	return Runner{}.Fields(t, file, filter, fields...)
}

// Fields is Fields with the Runner's arguments.
func (r Runner) Fields(t testing.TB, file, filter string, fields ...string) [][]string {
	t.Helper()
	args := []string{"-r", file, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,"}
	if filter != "" {
		args = append(args, "-Y", filter)
	}
	for _, f := range fields {
		args = append(args, "-e", f)
	}
	var rows [][]string
	for _, line := range strings.Split(strings.TrimRight(r.run(t, args...), "\n"), "\n") {
		if line == "" {
			continue
		}
		rows = append(rows, strings.Split(line, "\t"))
	}
	return rows
}
