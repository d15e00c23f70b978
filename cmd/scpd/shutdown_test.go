package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scpd/scpd/cmd/ssfsim/msc"
	"github.com/scpd/scpd/sigtran/transport"
	"github.com/scpd/scpd/store"
)

// SIGTERM gives the calls in progress shutdown.grace (3 s here) to end on
// their own before scpd settles the rest: the associations stay up until
// then. They were closed at once, every live call cut off and settled as
// association-lost.
func TestSIGTERMLetsCallsEndWithinGrace(t *testing.T) {
	d := startCallDaemon(t, daemonConfig{transport: transport.TCP, grace: "3s"})
	sim := d.sim(t, "a")
	type result struct {
		res *msc.Result
		err error
	}
	calls := make(chan result, 2)
	for _, hold := range []time.Duration{500 * time.Millisecond, 8 * time.Second} {
		c := with(onNet, func(c *msc.Call) { c.HoldTime = hold })
		go func() {
			res, err := sim.Call(context.Background(), c)
			calls <- result{res, err}
		}()
	}
	waitUntil(t, "both calls at scpd", 5*time.Second, func() bool { return d.status(t).Calls == 2 })
	time.Sleep(200 * time.Millisecond) // answered (100 ms ringing), talking
	stopped := make(chan struct{})
	go func() { d.stop(); close(stopped) }()
	var short, long *msc.Result
	for range 2 {
		r := <-calls
		switch {
		case r.res != nil && r.res.Talk > 0 && r.res.Talk < time.Second:
			short = r.res
		default:
			long = r.res
		}
	}
	<-stopped
	if short == nil || !short.Released || short.ReleaseCause != 16 {
		t.Fatalf("the call that ended within the grace: %+v; want it connected and released normally by scpd", short)
	}
	if long == nil || long.Talk >= 8*time.Second {
		t.Fatalf("the call longer than the grace: %+v; want it ended by scpd's shutdown", long)
	}
	_, cdrs, _ := readBooks(t, filepath.Join(d.dir, "data", "scpd.db"))
	outcomes := map[string]int{}
	for _, c := range cdrs {
		outcomes[c.Outcome]++
	}
	if outcomes["answered"] != 1 || outcomes["shutdown"] != 1 || len(cdrs) != 2 {
		t.Fatalf("CDR outcomes %v; want one answered (ended within the grace) and one shutdown", outcomes)
	}

	// cdr list's limit keeps the newest CDRs (the call settled at the
	// end of the grace), and says so: it kept the oldest, silently.
	r := scpd(t, d.dir, "cdr", "list", "--json", "--limit", "1", "--db", filepath.Join(d.dir, "data", "scpd.db"))
	if last := decode[[]store.CDR](t, r.stdout); r.code != 0 || len(last) != 1 || last[0].Outcome != "shutdown" ||
		!strings.Contains(r.stderr, "the newest 1 CDRs shown") {
		t.Fatalf("cdr list --limit 1: exit %d, %v, stderr %q; want the newest (shutdown) and a note", r.code, last, r.stderr)
	}
	// All that match fit the limit: nothing was cut, no note.
	if r := scpd(t, d.dir, "cdr", "list", "--limit", "2", "--db", filepath.Join(d.dir, "data", "scpd.db")); r.code != 0 || strings.Contains(r.stderr, "note") {
		t.Fatalf("cdr list --limit 2 of 2 CDRs: exit %d, stderr %q; want no note", r.code, r.stderr)
	}
}

// A second scpd serve (here: a port taken) is refused before it writes
// anything: it created and seeded a data directory of its own first, and
// the error did not say what to look at.
func TestServeOnATakenPortWritesNothing(t *testing.T) {
	dir := t.TempDir()
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	data := filepath.Join(dir, "data")
	cfg := filepath.Join(dir, "scpd.yaml")
	yaml := fmt.Sprintf("data_dir: %s\nadmin:\n  listen: %s\nsigtran:\n  listen: []\nmetrics:\n  listen: \"\"\n", data, taken.Addr())
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	r := scpd(t, dir, "serve", "--config", cfg)
	if r.code == 0 || !strings.Contains(r.stderr, "admin.listen "+taken.Addr().String()) || !strings.Contains(r.stderr, "another scpd serve") {
		t.Fatalf("serve on a taken port: exit %d, stderr %q", r.code, r.stderr)
	}
	if _, err := os.Stat(data); !os.IsNotExist(err) {
		t.Fatalf("the refused serve left %s behind (%v)", data, err)
	}
}
