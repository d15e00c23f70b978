package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestEmbeddedDefault(t *testing.T) {
	c, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if c.DataDir != "./scpd-data" || c.Admin.Listen != "127.0.0.1:7080" || !c.Demo.Seed || c.Store.MaxBatchDelay.D() != 0 {
		t.Fatalf("%+v", c)
	}
	if c.StorePath() != "scpd-data/scpd.db" || c.TokenPath() != "scpd-data/admin.token" || c.AdminURL() != "http://127.0.0.1:7080" {
		t.Fatalf("paths: %s %s %s", c.StorePath(), c.TokenPath(), c.AdminURL())
	}
}

func TestExampleFileLoads(t *testing.T) {
	// The documented example at the repository root must stay valid.
	if _, err := Load(filepath.Join("..", "..", "..", "..", "config.example.yaml")); err != nil {
		t.Fatal(err)
	}
}

// refusal is a configuration Load must refuse with an error naming want
// (the key and the rule) and the file.
type refusal struct{ name, yaml, want string }

func refuses(t *testing.T, tests []refusal) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "c.yaml")
			if err := os.WriteFile(p, []byte(tc.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Load(p)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), p) {
				t.Fatalf("got %v, want it to contain %q and the file name", err, tc.want)
			}
		})
	}
}

func TestStrict(t *testing.T) {
	tests := []refusal{
		{"unknown top key", "data_dir: x\nlisten: 1\n", `line 2: unknown key "listen"`},
		{"unknown nested key", "admin:\n  lisen: 127.0.0.1:1\n", `line 2: unknown key "admin.lisen"`},
		{"bad duration", "store:\n  max_batch_delay: soon\n", `line 2: "soon" is not a duration`},
		{"bad value", "store:\n  max_batch_size: 0\n", "store.max_batch_size: must be 1-10000"},
		{"bad listen", "admin:\n  listen: localhost\n", "admin.listen: must be host:port"},
		{"not a mapping", "admin: 5\n", "admin must be a mapping"},
		{"token with a tab", "admin:\n  token: \"abcdefgh\\tijklmnopqrst\"\n", "admin.token: must not hold control characters"},
	}
	refuses(t, tests)
	p := filepath.Join(t.TempDir(), "ok.yaml")
	os.WriteFile(p, []byte("data_dir: /var/lib/scpd\nadmin:\n  socket: admin.sock\n  listen: \"\"\n"), 0o600)
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if c.Admin.Listen != "" || c.SocketPath() != "/var/lib/scpd/admin.sock" || c.AdminURL() != "unix:///var/lib/scpd/admin.sock" || c.Sweeper.Interval.D() != 10*time.Second {
		t.Fatalf("overlay: %+v", c)
	}
}
