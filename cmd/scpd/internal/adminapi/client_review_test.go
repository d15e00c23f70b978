package adminapi

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scpd/scpd/store"
)

// IDs may be "." or ".." (letters, digits, '.', '_', '-'). As bare path
// segments the server's mux cleaned them away and redirected, the client
// followed as GET: deleting group "." listed the groups and reported success,
// and account ".." was "no such endpoint".
func TestClientDotIDs(t *testing.T) {
	ctx := context.Background()
	_, c := setup(t)
	for _, id := range []string{".", ".."} {
		if _, err := c.PutGroup(ctx, store.Group{ID: id, Name: "dots"}, true); err != nil {
			t.Fatalf("create group %q: %v", id, err)
		}
		if g, err := c.Group(ctx, id); err != nil || g.ID != id {
			t.Fatalf("group %q: %+v %v", id, g, err)
		}
		if _, err := c.PutGroup(ctx, store.Group{ID: id, Name: "renamed"}, false); err != nil {
			t.Fatalf("update group %q: %v", id, err)
		}
		if err := c.DeleteGroup(ctx, id); err != nil {
			t.Fatalf("delete group %q: %v", id, err)
		}
		if _, err := c.Group(ctx, id); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("group %q after delete: %v", id, err)
		}

		if _, err := c.CreateAccount(ctx, store.Account{ID: id, Currency: "EUR"}); err != nil {
			t.Fatalf("create account %q: %v", id, err)
		}
		if a, err := c.Recharge(ctx, id, 7, ""); err != nil || a.ID != id {
			t.Fatalf("recharge %q: %+v %v", id, a, err)
		}
		if l, err := c.Ledger(ctx, id, 0); err != nil || len(l) == 0 {
			t.Fatalf("ledger %q: %+v %v", id, l, err)
		}
	}
}

// A redirect is not an answer of the admin API: following it turned a
// DELETE into a GET elsewhere, and its 200 into "deleted".
func TestClientRefusesRedirect(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "DELETE" {
			http.Redirect(w, r, "/v1/groups", http.StatusMovedPermanently)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"ok":true}`))
	}))
	defer srv.Close()
	c, err := NewClient(srv.URL, token)
	if err != nil {
		t.Fatal(err)
	}
	err = c.DeleteGroup(context.Background(), "ACME")
	if err == nil || !strings.Contains(err.Error(), "301") {
		t.Fatalf("redirected delete: %v", err)
	}
}

// A DELETE is done when the daemon says {"ok":true}; any other 200 (a web
// server that is not scpd at --admin) was taken as done.
func TestClientDeleteNeedsConfirmation(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html>welcome</html>"))
	}))
	defer srv.Close()
	c, err := NewClient(srv.URL, token)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteSubscriber(context.Background(), "31612345001"); err == nil {
		t.Fatal("delete answered by a web page: no error")
	}
}

// A daemon that accepts but does not answer: the error said "unreachable
// (is scpd serve running? or use --db ...)", wrong advice for a running,
// busy daemon whose database is locked.
func TestClientTimeoutIsNotUnreachable(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	c, err := NewClient(srv.URL, token)
	if err != nil {
		t.Fatal(err)
	}
	c.http.Timeout = 200 * time.Millisecond
	_, err = c.Accounts(context.Background())
	if err == nil || strings.Contains(err.Error(), "unreachable") || !strings.Contains(err.Error(), "no answer within 200ms") {
		t.Fatalf("hung daemon: %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	c.http.Timeout = time.Minute
	time.AfterFunc(100*time.Millisecond, cancel)
	_, err = c.Accounts(ctx)
	if !errors.Is(err, context.Canceled) || strings.Contains(err.Error(), "unreachable") {
		t.Fatalf("cancelled: %v", err)
	}
}

// A wrong token said only "missing or wrong admin token": nothing on where
// the right one is.
func TestClientWrongTokenSaysWhatToDo(t *testing.T) {
	_, c := setup(t)
	bad, _ := NewClient(c.base, "wrong-token-wrong-token")
	_, err := bad.Accounts(context.Background())
	if !errors.Is(err, ErrUnauthorized) || !strings.Contains(err.Error(), "--token-file") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("wrong token: %v", err)
	}
}

// An answer that is not the admin API's (another server at --admin, a
// proxy) said only "HTTP 404".
func TestClientForeignErrorSaysWhatToDo(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	c, err := NewClient(srv.URL, token)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Accounts(context.Background())
	if err == nil || !strings.Contains(err.Error(), "HTTP 404") || !strings.Contains(err.Error(), "--admin") {
		t.Fatalf("foreign 404: %v", err)
	}
}

// With HTTP_PROXY in the environment (common on servers) the client sent
// its requests, bearer token included, to the proxy instead of the daemon.
// DefaultTransport reads the environment once per process, so the check
// runs in a child.
func TestClientIgnoresProxyEnvironment(t *testing.T) {
	if os.Getenv("SCPD_PROXY_CHILD") != "" {
		c, err := NewClient("http://192.0.2.1:7080", token) // TEST-NET: never answers
		if err != nil {
			t.Fatal(err)
		}
		c.http.Timeout = 300 * time.Millisecond
		c.Accounts(context.Background())
		return
	}
	var leaked atomic.Bool
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.Header.Get("Authorization"), token) {
			leaked.Store(true)
		}
		w.WriteHeader(http.StatusForbidden)
	}))
	defer proxy.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestClientIgnoresProxyEnvironment$", "-test.count=1")
	cmd.Env = append(os.Environ(), "SCPD_PROXY_CHILD=1", "HTTP_PROXY="+proxy.URL, "http_proxy="+proxy.URL, "NO_PROXY=", "no_proxy=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if leaked.Load() {
		t.Fatal("the admin token went to the HTTP proxy")
	}
}

// failingBackup is a daemon whose snapshot fails: at once, or half way (a read error on the database file).
type failingBackup struct {
	*Local
	half bool
}

func (f failingBackup) Backup(ctx context.Context, w io.Writer) (int64, error) {
	if !f.half {
		return 0, errors.New("store: backup: disk read error")
	}
	var buf bytes.Buffer
	if _, err := f.Local.Backup(ctx, &buf); err != nil {
		return 0, err
	}
	n, _ := w.Write(buf.Bytes()[:buf.Len()/2])
	return int64(n), errors.New("read error")
}

// A backup that failed on the daemon ended as a well-formed 200 answer: the
// client returned an empty or half file and no error.
func TestClientBackupFailureIsAnError(t *testing.T) {
	local := newLocal(t)
	for _, half := range []bool{false, true} {
		srv := httptest.NewServer(NewHandler(failingBackup{local, half}, token, quiet))
		c, err := NewClient(srv.URL, token)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		n, err := c.Backup(context.Background(), &buf)
		srv.Close()
		if err == nil {
			t.Fatalf("failed backup (half %v): %d bytes and no error", half, n)
		}
		if !half && !strings.Contains(err.Error(), "disk read error") {
			t.Fatalf("failed backup: %v, want the daemon's reason", err)
		}
		if half && !strings.Contains(err.Error(), "daemon's log") {
			t.Fatalf("broken-off backup: %v, want where to look", err)
		}
	}
}

// A token with a line break (admin.token written as a YAML block scalar)
// cannot go in a header: the error said "admin API unreachable (is scpd
// serve running? ...)".
func TestClientTokenWithLineBreak(t *testing.T) {
	_, c := setup(t)
	bad, err := NewClient(c.base, token+"\n")
	if err == nil {
		_, err = bad.Accounts(context.Background())
	}
	if err == nil || strings.Contains(err.Error(), "unreachable") || !strings.Contains(err.Error(), "admin token") {
		t.Fatalf("token with a line break: %v", err)
	}
}
