package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSigtranTransport(t *testing.T) {
	load := func(kind string) error {
		p := filepath.Join(t.TempDir(), "c.yaml")
		if err := os.WriteFile(p, []byte("sigtran:\n  transport: "+kind+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Load(p)
		return err
	}
	for _, kind := range []string{"tcp", "sctp", "userspace-sctp", "auto"} {
		if err := load(kind); err != nil {
			t.Errorf("transport %s: %v", kind, err)
		}
	}
	if err := load("udp"); err == nil || !strings.Contains(err.Error(), "sigtran.transport: must be tcp, sctp, userspace-sctp or auto") {
		t.Errorf("transport udp: %v", err)
	}
}
