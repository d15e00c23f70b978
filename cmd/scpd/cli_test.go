package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// These tests build the real scpd binary and run it: against a running
// `scpd serve`, and with --db against a stopped daemon's file.

var scpdBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "scpd-cli-test")
	if err != nil {
		panic(err)
	}
	scpdBin = filepath.Join(dir, "scpd")
	goTool, err := exec.LookPath("go")
	if err != nil {
		fmt.Fprintln(os.Stderr, "the CLI tests build scpd and need the go tool on PATH:", err)
		os.Exit(1)
	}
	build := exec.Command(goTool, "build", "-o", scpdBin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building scpd:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	code           int
	stdout, stderr string
}

func scpd(t *testing.T, dir string, args ...string) result {
	t.Helper()
	cmd := exec.Command(scpdBin, args...)
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("scpd %v: %v", args, err)
	}
	return r
}

// ok runs scpd and fails the test on a non-zero exit.
func ok(t *testing.T, dir string, args ...string) string {
	t.Helper()
	r := scpd(t, dir, args...)
	if r.code != 0 {
		t.Fatalf("scpd %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

// fails runs scpd expecting exit code `code` and one line on stderr containing want.
func fails(t *testing.T, dir string, code int, want string, args ...string) {
	t.Helper()
	r := scpd(t, dir, args...)
	lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
	if r.code != code || len(lines) != 1 || !strings.Contains(r.stderr, want) || !strings.HasPrefix(r.stderr, "scpd: ") {
		t.Fatalf("scpd %s: exit %d (want %d), stderr %q (want one line with %q)", strings.Join(args, " "), r.code, code, r.stderr, want)
	}
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startDaemon runs scpd serve in dir with a config on a free port and waits until it answers.
func startDaemon(t *testing.T, dir string) (cfg string, url string, stop func()) {
	t.Helper()
	port := freePort(t)
	url = fmt.Sprintf("http://127.0.0.1:%d", port)
	cfg = filepath.Join(dir, "scpd.yaml")
	// No SIGTRAN listener and no metrics endpoint: these tests are about the
	// operator CLI, and tests run side by side.
	yaml := fmt.Sprintf("data_dir: %s\nadmin:\n  listen: 127.0.0.1:%d\n  socket: admin.sock\nsweeper:\n  interval: 200ms\nsigtran:\n  listen: []\nmetrics:\n  listen: \"\"\n", filepath.Join(dir, "data"), port)
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	_, stop = runDaemon(t, dir, cfg, url)
	return cfg, url, stop
}

// runDaemon runs scpd serve in dir with the config file cfg until its admin
// API at url answers. stop (also run at cleanup) sends SIGTERM and waits;
// logs holds what the daemon wrote.
func runDaemon(t *testing.T, dir, cfg, url string) (logs *syncBuffer, stop func()) {
	t.Helper()
	d := startKillableDaemon(t, dir, cfg, url)
	return d.logs, d.stop
}

// killableDaemon is scpd serve that a test can end with SIGKILL, as a crash
// would, or with SIGTERM.
type killableDaemon struct {
	kill, stop func()
	logs       *syncBuffer
}

// startKillableDaemon runs scpd serve in dir with the config cfg until its
// admin API at url answers (SIGTERM at the test's end unless it was stopped or killed before).
func startKillableDaemon(t *testing.T, dir, cfg, url string) *killableDaemon {
	t.Helper()
	cmd := exec.Command(scpdBin, "serve", "--config", cfg)
	cmd.Dir = dir
	d := &killableDaemon{logs: &syncBuffer{}}
	cmd.Stdout, cmd.Stderr = d.logs, d.logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	for deadline := time.Now().Add(20 * time.Second); ; {
		if resp, err := http.Get(url + "/healthz"); err == nil {
			resp.Body.Close()
			break
		}
		select {
		case err := <-exited:
			t.Fatalf("scpd serve exited: %v\n%s", err, d.logs.String())
		default:
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("scpd serve never answered\n%s", d.logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	var once sync.Once
	d.kill = func() {
		once.Do(func() {
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Errorf("SIGKILL: %v", err)
			}
			<-exited
		})
	}
	d.stop = func() {
		once.Do(func() {
			cmd.Process.Signal(syscall.SIGTERM)
			select {
			case err := <-exited:
				if err != nil {
					t.Errorf("scpd serve exited with %v after SIGTERM\n%s", err, d.logs.String())
				}
			case <-time.After(20 * time.Second):
				cmd.Process.Kill()
				<-exited
				t.Errorf("scpd serve did not stop on SIGTERM\n%s", d.logs.String())
			}
			if t.Failed() {
				t.Logf("scpd serve log:\n%s", d.logs.String())
			}
		})
	}
	t.Cleanup(d.stop)
	return d
}

func decode[T any](t *testing.T, s string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, s)
	}
	return v
}

type account struct {
	ID        string `json:"id"`
	Available int64  `json:"available"`
	Recharged int64  `json:"recharged"`
	Replayed  bool   `json:"replayed"` // recharge's answer only
}

func TestCLIAgainstDaemon(t *testing.T) {
	dir := t.TempDir()
	cfg, url, stop := startDaemon(t, dir)
	data := filepath.Join(dir, "data")
	token, err := os.ReadFile(filepath.Join(data, "admin.token"))
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]os.FileMode{"data": 0o700 | os.ModeDir, "data/admin.token": 0o600, "data/scpd.db": 0o600} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.Mode()&(os.ModeDir|0o777) != want {
			t.Errorf("%s: mode %v, want %v (%v)", name, fi.Mode(), want, err)
		}
	}
	c := []string{"--config", cfg}
	run := func(args ...string) string { return ok(t, dir, append(args, c...)...) }

	// The demo data set was seeded.
	subs := decode[[]map[string]any](t, run("subscriber", "list", "--json"))
	if len(subs) != 5 {
		t.Fatalf("%d demo subscribers", len(subs))
	}
	run("account", "add", "A-9", "--opening", "1000", "--min-threshold", "10")
	out := run("subscriber", "add", "31612345009", "--imsi", "204040000000009", "--vpn", "--group", "ACME", "--short", "1009", "--prepaid", "--account", "A-9")
	if !strings.Contains(out, "31612345009") || !strings.Contains(out, "1009") {
		t.Fatalf("add printed:\n%s", out)
	}
	a := decode[account](t, run("account", "recharge", "A-9", "500", "--ref", "v-1", "--json"))
	if a.Available != 1500 || a.Recharged != 500 {
		t.Fatalf("after recharge: %+v", a)
	}
	if a.Replayed {
		t.Fatalf("first recharge said replayed: %+v", a)
	}
	a = decode[account](t, run("account", "recharge", "A-9", "500", "--ref", "v-1", "--json")) // same voucher
	if a.Available != 1500 || !a.Replayed {
		t.Fatalf("voucher used twice: %+v", a)
	}
	// The operator is told, not only shown the same balance again.
	if out := run("account", "recharge", "A-9", "500", "--ref", "v-1"); !strings.HasPrefix(out, `already applied: reference "v-1" recharged 5.00 EUR before; nothing credited now`) {
		t.Fatalf("recharge retry printed:\n%s", out)
	}
	// "v-1 " would be another voucher than "v-1" to an exact match.
	fails(t, dir, 2, "scpd: --ref: must be at most 64 characters, with no control characters and no spaces at either end",
		append([]string{"account", "recharge", "A-9", "500", "--ref", "v-1 "}, c...)...)
	members := decode[[]map[string]any](t, run("subscriber", "list", "--group", "ACME", "--json"))
	if len(members) != 5 {
		t.Fatalf("ACME has %d members", len(members))
	}
	// Also through the unix socket.
	if got := ok(t, dir, "account", "show", "A-9", "--admin", "unix://"+filepath.Join(data, "admin.sock"), "--token-file", filepath.Join(data, "admin.token")); !strings.Contains(got, "15.00 EUR") {
		t.Fatalf("over the socket:\n%s", got)
	}
	run("account", "block", "A-9")
	if got := run("account", "show", "A-9"); !strings.Contains(got, "blocked") {
		t.Fatalf("block:\n%s", got)
	}
	if out := run("audit"); !strings.Contains(out, "OK") {
		t.Fatalf("audit:\n%s", out)
	}
	backup := filepath.Join(dir, "backup.db")
	run("backup", backup)
	if fi, err := os.Stat(backup); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v %v", fi, err)
	}
	fails(t, dir, 2, "exists", append([]string{"backup", backup}, c...)...)
	csv := run("cdr", "export", "--format", "csv", "--since", "24h")
	if !strings.HasPrefix(csv, "seq,call_id,") {
		t.Fatalf("csv:\n%s", csv)
	}
	// Status says how big the database is and how far back the history goes.
	type history struct {
		History struct {
			Bytes        int64  `json:"database_bytes"`
			JournalBytes int64  `json:"journal_bytes"`
			OldestLedger string `json:"oldest_ledger_entry"`
		} `json:"history"`
	}
	if h := decode[history](t, run("status", "--json")).History; h.Bytes <= 0 || h.JournalBytes <= 0 || h.OldestLedger == "" {
		t.Fatalf("status history before the purge: %+v", h)
	}
	if out := run("status"); !strings.Contains(out, "ledger since 20") || !strings.Contains(out, " MiB, journal ") {
		t.Fatalf("status:\n%s", out)
	}
	// Purge folds the ledger so far into the accounts' bases; the audit still balances.
	fails(t, dir, 2, "--before: required", append([]string{"purge"}, c...)...)
	fails(t, dir, 2, "is in the future", append([]string{"purge", "--before", "2999-01-01"}, c...)...)
	// The last day's history needs --force: "0s" took every CDR at once.
	fails(t, dir, 2, "less than 24h0m0s ago", append([]string{"purge", "--before", "0s"}, c...)...)
	purged := decode[map[string]any](t, run("purge", "--before", "0s", "--force", "--json"))
	if n, _ := purged["ledger_entries"].(float64); n < 2 {
		t.Fatalf("purge folded %v ledger entries, want A-9's opening and recharge at least", purged)
	}
	if rep := decode[map[string]any](t, run("audit", "--json")); rep["ledger_folded"] != purged["ledger_entries"] || rep["ledger_entries"] != float64(0) {
		t.Fatalf("audit after the purge: %v", rep)
	}
	if got := run("account", "show", "A-9"); !strings.Contains(got, "15.00 EUR") {
		t.Fatalf("balance after the purge:\n%s", got)
	}
	if h := decode[history](t, run("status", "--json")).History; h.OldestLedger != "" {
		t.Fatalf("status history after the purge: %+v", h)
	}

	// Wrong command lines: exit 2, one line saying what to do.
	fails(t, dir, 2, "scpd: account recharge takes ID AMOUNT, got 1 argument (e.g. scpd account recharge", append([]string{"account", "recharge", "A-9"}, c...)...)
	fails(t, dir, 2, "AMOUNT: must be a whole number of minor units", append([]string{"account", "recharge", "A-9", "5.5"}, c...)...)
	fails(t, dir, 2, `scpd: account has no command "refill"; use one of: add, block,`, append([]string{"account", "refill", "A-9", "5"}, c...)...)
	fails(t, dir, 2, "unknown flag: --frobnicate", append([]string{"subscriber", "list", "--frobnicate"}, c...)...)
	// Validation of an argument: named as the usage line names it, exit 2.
	fails(t, dir, 2, "MSISDN: must be 5-15 digits (see 'scpd subscriber add --help')", append([]string{"subscriber", "add", "12", "--prepaid", "--account", "A-9"}, c...)...)
	fails(t, dir, 2, "CLASS: must be lower-case letters", append([]string{"tariff", "set", "On Net", "--price", "5"}, c...)...)
	fails(t, dir, 1, `account "nobody": not found`, append([]string{"account", "show", "nobody"}, c...)...)
	// No token, wrong token: refused.
	fails(t, dir, 1, "no admin token", append([]string{"account", "list", "--token-file", filepath.Join(dir, "none")}, c...)...)
	bad := filepath.Join(dir, "bad.token")
	os.WriteFile(bad, []byte("0123456789abcdef0123456789\n"), 0o600)
	fails(t, dir, 1, "missing or wrong admin token", append([]string{"account", "list", "--token-file", bad}, c...)...)
	resp, err := http.Get(url + "/v1/accounts")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("no token: HTTP %d", resp.StatusCode)
	}
	// The daemon holds the lock: --db says so in one line.
	fails(t, dir, 1, "locked by a running scpd serve", "account", "list", "--db", filepath.Join(data, "scpd.db"))

	stop()
	// The token never appears in what the CLI prints.
	for _, args := range [][]string{{"config", "check"}, {"account", "list", "--db", filepath.Join(data, "scpd.db")}} {
		r := scpd(t, dir, append(args, c...)...)
		if strings.Contains(r.stdout+r.stderr, strings.TrimSpace(string(token))) {
			t.Fatalf("scpd %v printed the token", args)
		}
	}
}

func TestCLIDirectDB(t *testing.T) {
	dir := t.TempDir()
	_, _, stop := startDaemon(t, dir) // creates and seeds the file
	stop()
	db := filepath.Join(dir, "data", "scpd.db")
	d := []string{"--db", db}
	run := func(args ...string) string { return ok(t, dir, append(args, d...)...) }

	run("account", "add", "A-77", "--opening", "300", "--currency", "EUR")
	run("subscriber", "add", "31612345077", "--prepaid", "--account", "A-77")
	a := decode[account](t, run("account", "recharge", "A-77", "200", "--json"))
	if a.Available != 500 {
		t.Fatalf("recharge: %+v", a)
	}
	accts := decode[[]account](t, run("account", "list", "--json"))
	if len(accts) != 5 {
		t.Fatalf("%d accounts", len(accts))
	}
	run("tariff", "set", "off-net", "--price", "40")
	if out := run("tariff", "show", "off-net"); !strings.Contains(out, "40") || !strings.Contains(out, "60/60") {
		t.Fatalf("tariff:\n%s", out)
	}
	if out := run("audit"); !strings.Contains(out, "OK") {
		t.Fatalf("audit:\n%s", out)
	}
	run("backup", filepath.Join(dir, "copy.db"))
	fails(t, dir, 2, "scpd: subscriber show takes MSISDN, got 0 arguments", "subscriber", "show", "--db", db)

	// Write a bad balance behind the ledger's back: audit exits non-zero and says which account.
	corruptAvailable(t, db, "A-77", +7)
	r := scpd(t, dir, "audit", "--db", db)
	if r.code != 1 || !strings.Contains(r.stdout, "A-77") || !strings.Contains(r.stdout, "off by 7") || !strings.Contains(r.stderr, "audit found") {
		t.Fatalf("audit of a corrupt file: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if r := scpd(t, dir, "audit", "--db", db, "--json"); r.code != 1 || len(decode[map[string]any](t, r.stdout)["problems"].([]any)) == 0 {
		t.Fatalf("audit --json of a corrupt file: exit %d\n%s", r.code, r.stdout)
	}
	// The backup taken before is still clean.
	ok(t, dir, "audit", "--db", filepath.Join(dir, "copy.db"))
}

// corruptAvailable adds delta to an account's available balance directly in
// the file. The record (store/records.go) is: version byte, id, currency
// (uvarint length + bytes), status byte, then available as a zig-zag varint.
func corruptAvailable(t *testing.T, path, id string, delta int64) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("accounts"))
		rec := append([]byte(nil), b.Get([]byte(id))...)
		if len(rec) == 0 {
			return fmt.Errorf("no account %s", id)
		}
		off := 1
		for i := 0; i < 2; i++ { // id, currency
			n, w := binary.Uvarint(rec[off:])
			off += w + int(n)
		}
		off++ // status
		v, w := binary.Varint(rec[off:])
		out := append(append(append([]byte(nil), rec[:off]...), binary.AppendVarint(nil, v+delta)...), rec[off+w:]...)
		return b.Put([]byte(id), out)
	})
	if err != nil {
		t.Fatal(err)
	}
}
