package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The store's redo journal seen from the operator's side: recharges made
// through the running daemon are in its journal (scpd.db-wal) only, scpd is
// killed with SIGKILL before a checkpoint carries them into scpd.db, and
// then:
//   - a reading command with --db refuses the file in one line that says
//     what to do (open it read-write once), rather than show the balances
//     from before the recharges, and changes neither file;
//   - a writing command with --db applies the journal first, after which
//     the reading commands show the recharges and the audit passes;
//   - the same once more with a daemon restart applying the journal.
//
// The config sets store.checkpoint_interval to its maximum (1m) and the
// sweeper's interval to 1h: the sweeper's sweep is a View, and a View
// checkpoints. Nothing else reads through View while the test runs (the
// CLI's recharge answers from its own batch), so nothing carries the
// recharges into the file before the kill. That they were in the journal
// only is then checked by the read-only refusal itself.
func TestJournalCLIKillApplyOnOpen(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	db := filepath.Join(data, "scpd.db")
	wal := db + "-wal"
	port := freePort(t)
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	cfg := filepath.Join(dir, "scpd.yaml")
	yaml := fmt.Sprintf(`data_dir: %s
store:
  checkpoint_interval: 1m
admin:
  listen: 127.0.0.1:%d
sweeper:
  interval: 1h
sigtran:
  listen: []
metrics:
  listen: ""
`, data, port)
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	c := []string{"--config", cfg}
	api := func(args ...string) string { return ok(t, dir, append(args, c...)...) }
	viaDB := func(args ...string) string { return ok(t, dir, append(args, "--db", db)...) }
	balance := func(id string) account {
		t.Helper()
		return decode[account](t, viaDB("account", "show", id, "--json"))
	}
	// refused: a reading command with --db on a file whose journal has
	// commits it has not got fails in one line naming the way out, and
	// leaves both files as they were.
	refused := func(commits int, args ...string) {
		t.Helper()
		before, beforeWAL := mustRead(t, db), mustRead(t, wal)
		r := scpd(t, dir, append(args, "--db", db)...)
		lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
		if r.code == 0 || len(lines) != 1 || !strings.HasPrefix(r.stderr, "scpd: ") {
			t.Fatalf("scpd %s --db after SIGKILL: exit %d, stderr %q, stdout %q: want a non-zero exit and one line", strings.Join(args, " "), r.code, r.stderr, r.stdout)
		}
		for _, want := range []string{"journal", fmt.Sprintf("holds %d commits the file has not got yet", commits), "read-write", "scpd serve", "writing command with --db"} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("scpd %s --db after SIGKILL: %q does not say %q", strings.Join(args, " "), r.stderr, want)
			}
		}
		if r.stdout != "" {
			t.Errorf("scpd %s --db after SIGKILL printed %q", strings.Join(args, " "), r.stdout)
		}
		if !bytes.Equal(mustRead(t, db), before) || !bytes.Equal(mustRead(t, wal), beforeWAL) {
			t.Errorf("the refused read-only open of %s changed the database or its journal", db)
		}
	}

	// Round 1: recharges through the daemon, SIGKILL, a writing --db
	// command applies the journal.
	d := startKillableDaemon(t, dir, cfg, url)
	time.Sleep(300 * time.Millisecond) // the sweeper's first sweep, right at start, is over
	a := decode[account](t, api("account", "recharge", "A-1001", "250", "--ref", "jcli-1", "--json"))
	if a.Available != 5250 || a.Recharged != 250 {
		t.Fatalf("A-1001 after the first recharge: %+v", a)
	}
	a = decode[account](t, api("account", "recharge", "A-1001", "125", "--ref", "jcli-2", "--json"))
	if a.Available != 5375 || a.Recharged != 375 {
		t.Fatalf("A-1001 after the second recharge: %+v", a)
	}
	if a = decode[account](t, api("account", "recharge", "A-1002", "40", "--ref", "jcli-3", "--json")); a.Available != 1040 {
		t.Fatalf("A-1002 after its recharge: %+v", a)
	}
	// Long enough for a timed checkpoint with any interval but the
	// test's: with 1m, all three recharges are still in the journal only.
	time.Sleep(500 * time.Millisecond)
	d.kill()

	refused(3, "account", "show", "A-1001")
	refused(3, "account", "list")
	refused(3, "audit")

	// A writing command opens the file read-write: the journal first.
	if a = decode[account](t, viaDB("account", "recharge", "A-1005", "7", "--ref", "jcli-4", "--json")); a.Available != 2007 {
		t.Fatalf("A-1005 recharged with --db: %+v", a)
	}
	if a = balance("A-1001"); a.Available != 5375 || a.Recharged != 375 {
		t.Fatalf("A-1001 after the journal was applied: %+v, want 53.75 EUR with 3.75 recharged", a)
	}
	if a = balance("A-1002"); a.Available != 1040 || a.Recharged != 40 {
		t.Fatalf("A-1002 after the journal was applied: %+v", a)
	}
	type shown struct {
		Ledger []struct {
			Ref string `json:"ref"`
		} `json:"ledger"`
	}
	refs := map[string]bool{}
	for _, e := range decode[shown](t, viaDB("account", "show", "A-1001", "--json", "--ledger", "0")).Ledger {
		refs[e.Ref] = true
	}
	if !refs["jcli-1"] || !refs["jcli-2"] {
		t.Fatalf("A-1001's ledger after the journal was applied has refs %v, want jcli-1 and jcli-2", refs)
	}
	if out := viaDB("audit"); !strings.Contains(out, "OK") {
		t.Fatalf("audit --db after the journal was applied:\n%s", out)
	}

	// Round 2: the restarted daemon applies the journal.
	d = startKillableDaemon(t, dir, cfg, url)
	time.Sleep(300 * time.Millisecond)
	if a = decode[account](t, api("account", "recharge", "A-1005", "30", "--ref", "jcli-5", "--json")); a.Available != 2037 {
		t.Fatalf("A-1005 after the recharge through the restarted daemon: %+v", a)
	}
	time.Sleep(500 * time.Millisecond)
	d.kill()
	refused(1, "account", "show", "A-1005")
	d = startKillableDaemon(t, dir, cfg, url)
	d.stop() // SIGTERM: Close checkpoints
	if !strings.Contains(d.logs.String(), "store journal applied") {
		t.Errorf("the restarted daemon did not log that it applied the journal:\n%s", d.logs.String())
	}
	if a = balance("A-1005"); a.Available != 2037 || a.Recharged != 37 {
		t.Fatalf("A-1005 after a restart applied the journal: %+v, want 20.37 EUR with 0.37 recharged", a)
	}
	if a = balance("A-1001"); a.Available != 5375 {
		t.Fatalf("A-1001 after the second round: %+v", a)
	}
	if out := viaDB("audit"); !strings.Contains(out, "OK") {
		t.Fatalf("audit --db after the second round:\n%s", out)
	}
}
