package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const shortRule = "short_number: at most 6 digits (numbering.max_short_number)"

// shortFlagRule is the same refusal of a value given with --short: a wrong
// command line (exit 2), named by its flag.
const shortFlagRule = "--short: at most 6 digits (numbering.max_short_number)"

// A member with a short number longer than numbering.max_short_number is
// never reached (call routing releases every call to it, cause 28): the
// running daemon refuses it at add, update and import.
func TestShortNumberLimitAgainstDaemon(t *testing.T) {
	dir := t.TempDir()
	cfg, _, _ := startDaemon(t, dir) // the default max_short_number: 6
	c := []string{"--config", cfg}
	run := func(args ...string) string { return ok(t, dir, append(args, c...)...) }

	fails(t, dir, 2, shortFlagRule, append([]string{"subscriber", "add", "31612345077", "--vpn", "--group", "ACME", "--short", "1000003"}, c...)...)
	if r := scpd(t, dir, append([]string{"subscriber", "show", "31612345077"}, c...)...); r.code == 0 {
		t.Fatalf("the refused subscriber was stored:\n%s", r.stdout)
	}
	run("subscriber", "add", "31612345077", "--vpn", "--group", "ACME", "--short", "100003")
	fails(t, dir, 2, shortFlagRule, append([]string{"subscriber", "update", "31612345077", "--short", "1000003"}, c...)...)
	if out := run("subscriber", "show", "31612345077"); !strings.Contains(out, "100003") || strings.Contains(out, "1000003") {
		t.Fatalf("after the refused update:\n%s", out)
	}

	data := filepath.Join(dir, "import.yaml")
	os.WriteFile(data, []byte("subscribers:\n  - {msisdn: \"31612345078\", vpn: true, group_id: ACME, short_number: \"1000004\"}\n"), 0o600)
	fails(t, dir, 1, `subscriber "31612345078": `+shortRule, append([]string{"import", data}, c...)...)
}

// --db on a stopped daemon's file applies the limit of the configuration
// the CLI loaded (--config, else the embedded default).
func TestShortNumberLimitDirectDB(t *testing.T) {
	dir := t.TempDir()
	_, _, stop := startDaemon(t, dir)
	stop()
	db := filepath.Join(dir, "data", "scpd.db")

	fails(t, dir, 2, shortFlagRule, "subscriber", "add", "31612345077", "--vpn", "--group", "ACME", "--short", "1000003", "--db", db)
	data := filepath.Join(dir, "import.yaml")
	os.WriteFile(data, []byte("subscribers:\n  - {msisdn: \"31612345078\", vpn: true, group_id: ACME, short_number: \"1000004\"}\n"), 0o600)
	fails(t, dir, 1, `subscriber "31612345078": `+shortRule, "import", data, "--db", db)

	four := filepath.Join(dir, "four.yaml")
	os.WriteFile(four, []byte("numbering:\n  max_short_number: 4\n"), 0o600)
	fails(t, dir, 2, "--short: at most 4 digits (numbering.max_short_number)",
		"subscriber", "add", "31612345079", "--vpn", "--group", "ACME", "--short", "10005", "--db", db, "--config", four)

	eight := filepath.Join(dir, "eight.yaml")
	os.WriteFile(eight, []byte("numbering:\n  max_short_number: 8\n"), 0o600)
	ok(t, dir, "subscriber", "add", "31612345077", "--vpn", "--group", "ACME", "--short", "1000003", "--db", db, "--config", eight)
}

// config check refuses a max_short_number the store cannot hold.
func TestShortNumberConfigCheck(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "c.yaml")
	os.WriteFile(p, []byte("numbering:\n  max_short_number: 9\n"), 0o600)
	fails(t, dir, 1, "numbering.max_short_number: must be 2-8", "config", "check", "--config", p)
}

// An operator who lowers max_short_number is told at start-up which stored
// members it made unreachable by short number: one WARN.
func TestShortNumberServeWarnsAboutStoredMembers(t *testing.T) {
	dir := t.TempDir()
	cfg, url, stop := startDaemon(t, dir)
	stop()
	db := filepath.Join(dir, "data", "scpd.db")
	eight := filepath.Join(dir, "eight.yaml")
	os.WriteFile(eight, []byte("numbering:\n  max_short_number: 8\n"), 0o600)
	for _, m := range [][2]string{{"31612345077", "1000003"}, {"31612345078", "10000004"}} {
		ok(t, dir, "subscriber", "add", m[0], "--vpn", "--group", "ACME", "--short", m[1], "--db", db, "--config", eight)
	}

	logs := serveOnce(t, dir, cfg, url) // startDaemon's config: the default max 6
	var warns []string
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, "max_short_number") {
			warns = append(warns, l)
		}
	}
	if len(warns) != 1 || !strings.Contains(warns[0], "level=WARN") || !strings.Contains(warns[0], "count=2") ||
		!strings.Contains(warns[0], "31612345077") || !strings.Contains(warns[0], "31612345078") {
		t.Fatalf("want one WARN naming 2 members, got:\n%s", logs)
	}

	// With a limit they fit in: no warning.
	if err := os.WriteFile(cfg, append(mustRead(t, cfg), "numbering:\n  max_short_number: 8\n"...), 0o600); err != nil {
		t.Fatal(err)
	}
	if logs := serveOnce(t, dir, cfg, url); strings.Contains(logs, "max_short_number") {
		t.Fatalf("warned with max 8:\n%s", logs)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// serveOnce runs scpd serve with cfg until its admin API at url answers,
// stops it and returns what it logged.
func serveOnce(t *testing.T, dir, cfg, url string) string {
	t.Helper()
	logs, stop := runDaemon(t, dir, cfg, url)
	stop()
	return logs.String()
}
