package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Operator mistakes the CLI and the admin API must answer clearly, found by
// running them against a daemon.

// backup --force (or cdr export --output) naming the running daemon's own
// database file renamed a new file over it: the daemon kept writing into the
// unlinked old file and everything written after the backup was lost.
func TestBackupRefusesLiveDatabase(t *testing.T) {
	dir := t.TempDir()
	cfg, url, _ := startDaemon(t, dir)
	db := filepath.Join(dir, "data", "scpd.db")
	before, err := os.Stat(db)
	if err != nil {
		t.Fatal(err)
	}
	c := []string{"--config", cfg}
	// The data directory's files: the database, its journal (answered
	// commits the file does not have yet) and the admin token were each
	// replaced by a --force'd backup or export.
	wal, token := db+"-wal", filepath.Join(dir, "data", "admin.token")
	var kept []os.FileInfo
	for _, p := range []string{db, wal, token} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		kept = append(kept, fi)
		fails(t, dir, 2, "is in scpd's data directory", append([]string{"backup", p, "--force"}, c...)...)
		fails(t, dir, 2, "is in scpd's data directory", append([]string{"cdr", "export", "--output", p, "--force"}, c...)...)
	}
	// The same database through the admin API alone (the embedded config's
	// data directory is another): its lock refuses it.
	api := []string{"--admin", url, "--token-file", token}
	fails(t, dir, 2, "held by a running scpd serve", append([]string{"backup", db, "--force"}, api...)...)
	// A journal anywhere (copied, or the -wal of another database), a
	// directory, a device: refused whatever --force says.
	walCopy := filepath.Join(dir, "other.db-wal")
	if b, err := os.ReadFile(wal); err != nil || os.WriteFile(walCopy, b, 0o600) != nil {
		t.Fatal("copying the journal", err)
	}
	fails(t, dir, 2, "is an scpd journal", append([]string{"backup", walCopy, "--force"}, c...)...)
	fails(t, dir, 2, "is an scpd journal", append([]string{"cdr", "export", "-o", walCopy, "--force"}, c...)...)
	fails(t, dir, 2, "is not a regular file (a directory)", append([]string{"backup", t.TempDir(), "--force"}, c...)...)
	fails(t, dir, 2, "is not a regular file (a device)", append([]string{"cdr", "export", "-o", os.DevNull, "--force"}, c...)...)
	for i, p := range []string{db, wal, token} {
		after, err := os.Stat(p)
		if err != nil || !os.SameFile(kept[i], after) {
			t.Fatalf("%s was replaced (%v)", p, err)
		}
	}
	if after, err := os.Stat(db); err != nil || !os.SameFile(before, after) {
		t.Fatalf("the daemon's database file was replaced (%v)", err)
	}
	// A write after the attempts is in the file the daemon restarts from.
	ok(t, dir, append([]string{"account", "add", "A-KEEP", "--opening", "100"}, c...)...)
	ok(t, dir, append([]string{"backup", filepath.Join(dir, "copy.db")}, c...)...)
	ok(t, dir, append([]string{"backup", filepath.Join(dir, "copy.db"), "--force"}, c...)...) // an older backup is replaced
}

// Negative --limit/--ledger values were taken silently (as "all"), and a
// negative AMOUNT produced cobra's "unknown shorthand flag: '5' in -5".
func TestCLIArgumentErrors(t *testing.T) {
	dir := t.TempDir()
	cfg, _, _ := startDaemon(t, dir)
	c := []string{"--config", cfg}
	fails(t, dir, 2, "--ledger: must be 0 or more", append([]string{"account", "show", "A-1001", "--ledger", "-1"}, c...)...)
	fails(t, dir, 2, "--limit: must be 0 or more", append([]string{"account", "ledger", "A-1001", "--limit", "-1"}, c...)...)
	fails(t, dir, 2, "--limit: must be 0 or more", append([]string{"reservation", "list", "--limit", "-1"}, c...)...)
	fails(t, dir, 2, "negative numbers are not accepted", append([]string{"account", "recharge", "A-1001", "-5"}, c...)...)
	// --since after --until selects nothing: say so instead of an empty list.
	fails(t, dir, 2, "--since: must be before --until", append([]string{"cdr", "list", "--since", "1h", "--until", "24h"}, c...)...)
	// A flag a rule requires is named, though not given; a nested field
	// (a group's tariff) by its flag too.
	fails(t, dir, 2, "--account: required for a prepaid subscriber", append([]string{"subscriber", "add", "31612345077", "--prepaid"}, c...)...)
	fails(t, dir, 2, "--group: required for a VPN subscriber", append([]string{"subscriber", "add", "31612345077", "--vpn", "--short", "55"}, c...)...)
	fails(t, dir, 2, "--price: must be", append([]string{"group", "set-tariff", "ACME", "off-net", "--price", "-1"}, c...)...)
	// Silent surprises: a tariff made free by a missing --price, a number
	// that can match no CDR, two output formats at once.
	fails(t, dir, 2, "--price: required for a new tariff", append([]string{"tariff", "set", "new-class"}, c...)...)
	fails(t, dir, 2, `--msisdn "+316": give digits`, append([]string{"cdr", "list", "--msisdn", "+316"}, c...)...)
	fails(t, dir, 2, "--json asks for JSON and --format for csv", append([]string{"cdr", "export", "--format", "csv", "--json"}, c...)...)
	fails(t, dir, 2, `--limit "abc": want a whole number`, append([]string{"cdr", "list", "--limit", "abc"}, c...)...)
	// An account past its validity says so beside its status.
	ok(t, dir, append([]string{"account", "update", "A-1005", "--valid-until", "2020-01-01"}, c...)...)
	if out := ok(t, dir, append([]string{"account", "show", "A-1005"}, c...)...); !strings.Contains(out, "active (expired)") {
		t.Fatalf("account show of an expired account:\n%s", out)
	}

	// --json everywhere, with the API's snake_case field names.
	imp := filepath.Join(dir, "imp.yaml")
	os.WriteFile(imp, []byte("tariffs: [{class: x1, price_per_minute: 3, initial: 60, subsequent: 60}]\n"), 0o600)
	if rep := decode[map[string]any](t, ok(t, dir, append([]string{"import", imp, "--json"}, c...)...)); rep["tariffs"] != float64(1) {
		t.Fatalf("import --json: %v", rep)
	}
	// import creates, all or nothing: an existing tariff is not replaced.
	fails(t, dir, 1, `tariff "x1": already exists`, append([]string{"import", imp}, c...)...)
	if st := decode[map[string]any](t, ok(t, dir, append([]string{"status", "--json"}, c...)...)); st["associations"] == nil {
		t.Fatalf("status --json: associations is null: %v", st)
	}
	if cf := decode[map[string]any](t, ok(t, dir, append([]string{"config", "check", "--json"}, c...)...)); cf["data_dir"] != filepath.Join(dir, "data") {
		t.Fatalf("config check --json: %v", cf)
	}
	if cf := decode[map[string]any](t, ok(t, dir, "config", "default", "--json")); cf["data_dir"] != "./scpd-data" {
		t.Fatalf("config default --json: %v", cf)
	}

	// update with nothing to change says so, as account and group update do
	// (it wrote the subscriber back unchanged, --json or not).
	fails(t, dir, 2, "subscriber update: nothing to change", append([]string{"subscriber", "update", "31612345001", "--json"}, c...)...)

	// tariff add creates, like every other add: it repriced a live tariff.
	fails(t, dir, 1, "tariff off-net: already exists (change it with scpd tariff set off-net)", append([]string{"tariff", "add", "off-net", "--price", "99"}, c...)...)
	if tr := decode[map[string]any](t, ok(t, dir, append([]string{"tariff", "show", "off-net", "--json"}, c...)...)); tr["price_per_minute"] == float64(99) {
		t.Fatalf("tariff add replaced off-net: %v", tr)
	}
	// A class no call has is taken, with a note; nothing needs it, so it goes.
	r := scpd(t, dir, append([]string{"tariff", "set", "on-nte", "--price", "1"}, c...)...)
	if r.code != 0 || !strings.Contains(r.stderr, `no call is of class "on-nte"`) {
		t.Fatalf("tariff set on-nte: exit %d, stderr %q", r.code, r.stderr)
	}
	ok(t, dir, append([]string{"tariff", "delete", "on-nte"}, c...)...)
	// A validity that has already ended is taken, with a note: the account
	// refuses every call from the start.
	r = scpd(t, dir, append([]string{"account", "add", "Z-OLD", "--valid-until", "2020-01-01"}, c...)...)
	if r.code != 0 || !strings.Contains(r.stderr, "account Z-OLD was valid until 2020-01-01T00:00:00Z, which has passed") {
		t.Fatalf("account add, validity past: exit %d, stderr %q", r.code, r.stderr)
	}
}

// --db on an empty file turned it into a fresh (empty) database, even for
// a read command.
func TestDBRefusesEmptyFile(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	fails(t, dir, 1, "is empty", "account", "list", "--db", empty)
	if fi, err := os.Stat(empty); err != nil || fi.Size() != 0 {
		t.Fatalf("the empty file was written: %v %v", fi, err)
	}
}

// The admin API took a purge without "before" (200, nothing done) and one
// in the future (which the CLI refuses); a body over the 1 MiB limit got
// "unexpected EOF", and data after the JSON value was ignored.
func TestAdminAPIRequestBodies(t *testing.T) {
	dir := t.TempDir()
	_, url, _ := startDaemon(t, dir)
	raw, err := os.ReadFile(filepath.Join(dir, "data", "admin.token"))
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(string(raw))
	post := func(path, body string) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest("POST", url+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		if err := jsonDecode(resp, &out); err != nil {
			t.Fatalf("POST %s: HTTP %d, not JSON: %v", path, resp.StatusCode, err)
		}
		return resp.StatusCode, out
	}
	if code, out := post("/v1/purge", `{}`); code != 400 || out["field"] != "before" {
		t.Fatalf("purge without before: HTTP %d %v", code, out)
	}
	if code, out := post("/v1/purge", `{"before":"2999-01-01T00:00:00Z"}`); code != 400 || out["field"] != "before" || !strings.Contains(out["rule"].(string), "future") {
		t.Fatalf("purge in the future: HTTP %d %v", code, out)
	}
	big := `{"id":"` + strings.Repeat("a", 2<<20) + `"}`
	if code, out := post("/v1/accounts", big); code != http.StatusRequestEntityTooLarge || !strings.Contains(out["error"].(string), "1 MiB") {
		t.Fatalf("2 MiB body: HTTP %d %v", code, out)
	}
	if code, out := post("/v1/accounts", `{"id":"T1","currency":"EUR"} {"id":"T2"}`); code != 400 || !strings.Contains(out["error"].(string), "after the JSON") {
		t.Fatalf("trailing data: HTTP %d %v", code, out)
	}
	if code, out := post("/v1/accounts", `{"id":"T3","currency":"EUR"}`+"\n"); code != 200 {
		t.Fatalf("good body: HTTP %d %v", code, out)
	}
}

func jsonDecode(resp *http.Response, v any) error { return json.NewDecoder(resp.Body).Decode(v) }
