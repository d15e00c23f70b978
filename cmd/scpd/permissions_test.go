package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// Issue 8, "Access": files the daemon writes have tight permissions, and the
// admin token never appears in what the CLI prints.

// startPermDaemon runs scpd serve (through callDaemon.start, the end-to-end
// harness) with the admin socket and the M3UA trace on, over a data dir that
// exists before the daemon starts with mode 0755, as one made by hand or by
// a package would. It returns the daemon, its config and its data dir.
//
// The test process runs with umask 0 while it does, so a file created
// without an explicit tight mode shows up loose instead of being saved by
// the usual umask 022.
func startPermDaemon(t *testing.T) (d *callDaemon, cfg, data string) {
	t.Helper()
	old := syscall.Umask(0)
	t.Cleanup(func() { syscall.Umask(old) })

	dir := t.TempDir()
	data = filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(data, 0o755); err != nil {
		t.Fatal(err)
	}
	d = &callDaemon{dir: dir, cfg: filepath.Join(dir, "scpd.yaml"), trace: filepath.Join(data, "trace.pcap"), adminPort: freePort(t)}
	// No SIGTRAN listener and no metrics endpoint: the trace file is opened
	// at start either way, and tests run side by side.
	yaml := fmt.Sprintf(`data_dir: %s
admin:
  listen: 127.0.0.1:%d
  socket: admin.sock
sigtran:
  listen: []
  trace: trace.pcap
metrics:
  listen: ""
shutdown:
  grace: 1s
`, data, d.adminPort)
	if err := os.WriteFile(d.cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	d.start(t)
	return d, d.cfg, data
}

func TestPermissionsOfDaemonFiles(t *testing.T) {
	d, cfg, data := startPermDaemon(t)
	c := []string{"--config", cfg}

	// The daemon said it tightened the data dir, naming it and both modes.
	logs := d.logs.String()
	var warned bool
	for _, line := range strings.Split(logs, "\n") {
		if strings.Contains(line, "level=WARN") && strings.Contains(line, "dir="+data) &&
			strings.Contains(line, "old_mode=0755") && strings.Contains(line, "new_mode=0700") {
			warned = true
		}
	}
	if !warned {
		t.Errorf("no WARN naming %s, old_mode=0755 and new_mode=0700 in the log:\n%s", data, logs)
	}

	// What the operator writes with the CLI, outside the data dir (whose
	// 0700 does not protect it there).
	backup := filepath.Join(d.dir, "backup.db")
	ok(t, d.dir, append([]string{"backup", backup}, c...)...)
	csv := filepath.Join(d.dir, "cdrs.csv")
	ok(t, d.dir, append([]string{"cdr", "export", "--format", "csv", "--output", csv}, c...)...)
	js := filepath.Join(d.dir, "cdrs.json")
	ok(t, d.dir, append([]string{"cdr", "export", "--format", "json", "-o", js}, c...)...)

	for _, f := range []struct {
		name string
		path string
		typ  fs.FileMode // the type bits the file must have
		want fs.FileMode // its permission bits
	}{
		{"data dir", data, fs.ModeDir, 0o700},
		{"store", filepath.Join(data, "scpd.db"), 0, 0o600},
		{"admin token", filepath.Join(data, "admin.token"), 0, 0o600},
		{"admin socket", filepath.Join(data, "admin.sock"), fs.ModeSocket, 0o600},
		{"M3UA trace", d.trace, 0, 0o600},
		{"backup", backup, 0, 0o600},
		{"CDR export (csv)", csv, 0, 0o600},
		{"CDR export (json)", js, 0, 0o600},
	} {
		fi, err := os.Lstat(f.path)
		if err != nil {
			t.Errorf("%s %s: %v", f.name, f.path, err)
			continue
		}
		if fi.Mode().Type() != f.typ || fi.Mode().Perm() != f.want {
			t.Errorf("%s %s: mode %v (%04o), want %v (%04o)", f.name, f.path, fi.Mode(), fi.Mode().Perm(), f.typ|f.want, f.want)
		}
	}

	// Nothing else loose was left in the data dir (temporary files included).
	entries, err := os.ReadDir(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s: mode %04o is open to group or others", filepath.Join(data, e.Name()), fi.Mode().Perm())
		}
	}
}

func TestTokenNeverPrinted(t *testing.T) {
	d, cfg, data := startPermDaemon(t)
	raw, err := os.ReadFile(filepath.Join(data, "admin.token"))
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(string(raw))
	if len(token) < 16 {
		t.Fatalf("admin token %q is too short to look for", token)
	}
	// A config with the same token inline: config check must hide it.
	inline := filepath.Join(d.dir, "inline.yaml")
	if err := os.WriteFile(inline, []byte(fmt.Sprintf("data_dir: %s\nadmin:\n  listen: 127.0.0.1:%d\n  token: %s\n", data, d.adminPort, token)), 0o600); err != nil {
		t.Fatal(err)
	}
	sock := "unix://" + filepath.Join(data, "admin.sock")
	closed := fmt.Sprintf("http://127.0.0.1:%d", freePort(t))

	for _, tc := range []struct {
		args []string
		code int // the exit status that shows the command did run
	}{
		{[]string{"status", "--config", cfg}, 0},
		{[]string{"status", "--config", cfg, "--json"}, 0},
		{[]string{"status", "--help", "--config", cfg}, 0},
		{[]string{"account", "list", "--config", cfg}, 0},
		{[]string{"account", "list", "--config", cfg, "--json"}, 0},
		{[]string{"account", "list", "--help", "--config", cfg}, 0},
		{[]string{"account", "list", "--config", inline}, 0},
		{[]string{"account", "list", "--admin", sock, "--token-file", filepath.Join(data, "admin.token")}, 0},
		{[]string{"subscriber", "list", "--config", cfg}, 0},
		{[]string{"cdr", "export", "--config", cfg}, 0},
		{[]string{"--help"}, 0},
		{[]string{"config", "check", "--config", cfg}, 0},
		{[]string{"config", "check", "--config", inline}, 0},
		// Errors must not echo the token either.
		{[]string{"account", "show", "nobody", "--config", cfg}, 1},
		{[]string{"account", "list", "--config", inline, "--admin", closed}, 1},
		{[]string{"status", "--config", cfg, "--admin", closed}, 1},
		{[]string{"account", "refill", "A-1", "--config", cfg}, 2},
	} {
		r := scpd(t, d.dir, tc.args...)
		if r.code != tc.code {
			t.Errorf("scpd %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(tc.args, " "), r.code, tc.code, r.stdout, r.stderr)
		}
		if strings.Contains(r.stdout, token) {
			t.Errorf("scpd %s printed the admin token on stdout", strings.Join(tc.args, " "))
		}
		if strings.Contains(r.stderr, token) {
			t.Errorf("scpd %s printed the admin token on stderr", strings.Join(tc.args, " "))
		}
	}
	if strings.Contains(d.logs.String(), token) {
		t.Errorf("scpd serve logged the admin token")
	}
}
