package adminapi

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// EnsureToken reads the admin token from path, creating it (32 random bytes,
// hex, mode 0600) if it does not exist.
func EnsureToken(path string) (string, error) {
	tok, err := ReadToken(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return tok, err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	tok = hex.EncodeToString(raw)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, fs.ErrExist) { // created meanwhile by another process
			return ReadToken(path)
		}
		return "", fmt.Errorf("admin token: %w", err)
	}
	if _, err := f.WriteString(tok + "\n"); err != nil {
		f.Close()
		return "", fmt.Errorf("admin token: %w", err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("admin token: %w", err)
	}
	return tok, nil
}

// ReadToken reads a token file, refusing one that others can read.
func ReadToken(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("admin token: %w", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return "", fmt.Errorf("admin token: %s is readable by others (mode %04o): run chmod 600 %s", path, st.Mode().Perm(), path)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("admin token: %w", err)
	}
	tok := strings.TrimSpace(string(raw))
	if len(tok) < 16 {
		return "", fmt.Errorf("admin token: %s holds no token of at least 16 characters", path)
	}
	// No HTTP header can carry it: the daemon would serve a token no
	// client can send.
	if !headerSafe(tok) {
		return "", fmt.Errorf("admin token: %s holds a control character (a tab, a line break) inside the token: put it on one line, or delete the file and scpd serve writes a new one", path)
	}
	return tok, nil
}

// headerSafe tells whether a token holds no control character: an HTTP
// header cannot carry a line break (RFC 9110 §5.5), and a tab or other
// control character inside a token is a copy-and-paste mistake.
func headerSafe(token string) bool {
	return !strings.ContainsFunc(token, func(r rune) bool { return r < ' ' || r == 0x7f })
}
