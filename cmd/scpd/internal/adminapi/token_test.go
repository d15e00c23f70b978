package adminapi

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A token file the CLI could not send (a control character inside the
// token) is refused where it is read — by the daemon at start and by
// config check — not only by the client afterwards.
func TestReadTokenRefusesControlCharacters(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ content, want string }{
		{"0123456789abcdef0123\n", ""}, // the daemon's own form: one line
		{"  0123456789abcdef0123  \n\n", ""},
		{"01234567\t89abcdef0123\n", "holds a control character"},
		{"01234567\n89abcdef0123\n", "holds a control character"},
		{"short\n", "no token of at least 16 characters"},
	} {
		p := filepath.Join(dir, "admin.token")
		if err := os.WriteFile(p, []byte(tc.content), 0o600); err != nil {
			t.Fatal(err)
		}
		tok, err := ReadToken(p)
		switch {
		case tc.want == "" && (err != nil || tok != strings.TrimSpace(tc.content)):
			t.Errorf("%q: %q, %v", tc.content, tok, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%q: got %v, want %q", tc.content, err, tc.want)
		}
	}
}
