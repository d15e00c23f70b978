package config

import (
	"os"
	"path/filepath"
	"testing"
)

// max_short_number outside what the store holds (2-8 digits): below 2 no
// member is reachable by short number, above 8 national numbers of up to
// that length are taken for short numbers and no longer routed.
func TestMaxShortNumberRefused(t *testing.T) {
	refuses(t, []refusal{
		{"max short number 1", "numbering:\n  max_short_number: 1\n", "numbering.max_short_number: must be 2-8"},
		{"max short number 9", "numbering:\n  max_short_number: 9\n", "numbering.max_short_number: must be 2-8"},
		{"max short number 0", "numbering:\n  max_short_number: 0\n", "numbering.max_short_number: must be 2-8"},
	})
	for _, v := range []string{"2", "8"} {
		p := filepath.Join(t.TempDir(), "c.yaml")
		if err := os.WriteFile(p, []byte("numbering:\n  max_short_number: "+v+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(p); err != nil {
			t.Errorf("max_short_number %s: %v", v, err)
		}
	}
}
