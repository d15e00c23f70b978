package main

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scpd/scpd/cmd/ssfsim/msc"
	"github.com/scpd/scpd/sigtran/transport"
	"github.com/scpd/scpd/store"
)

var ssfsimBuild struct {
	once sync.Once
	bin  string
	err  error
}

// ssfsimBin builds the simulator once, for tests that need an MSC in a
// process of its own (one that can crash).
func ssfsimBin(t *testing.T) string {
	t.Helper()
	ssfsimBuild.once.Do(func() {
		ssfsimBuild.bin = filepath.Join(filepath.Dir(scpdBin), "ssfsim")
		cmd := exec.Command("go", "build", "-o", ssfsimBuild.bin, "../ssfsim")
		cmd.Stderr = os.Stderr
		ssfsimBuild.err = cmd.Run()
	})
	if ssfsimBuild.err != nil {
		t.Fatalf("building ssfsim: %v", ssfsimBuild.err)
	}
	return ssfsimBuild.bin
}

// daemonStatus is what the fault tests read of `scpd status --json`.
type daemonStatus struct {
	Associations []struct {
		Peer, Remote, State string
	} `json:"associations"`
	Calls int `json:"calls_active"`
}

func (d *callDaemon) status(t *testing.T) daemonStatus {
	t.Helper()
	return decode[daemonStatus](t, ok(t, d.dir, "status", "--json", "--config", d.cfg))
}

// association returns the remote address of the peer's ASP-ACTIVE
// association, or "".
func (s daemonStatus) association(peer string) string {
	for _, a := range s.Associations {
		if a.Peer == peer && a.State == "ASP-ACTIVE" {
			return a.Remote
		}
	}
	return ""
}

func (s daemonStatus) has(peer string) bool {
	for _, a := range s.Associations {
		if a.Peer == peer {
			return true
		}
	}
	return false
}

func (d *callDaemon) cdrs(t *testing.T, args ...string) []store.CDR {
	t.Helper()
	return decode[[]store.CDR](t, ok(t, d.dir, append([]string{"cdr", "list", "--json", "--limit", "0", "--config", d.cfg}, args...)...))
}

// cdrOf waits for the CDR of the caller with the outcome.
func (d *callDaemon) cdrOf(t *testing.T, calling, outcome string, within time.Duration) store.CDR {
	t.Helper()
	var seen []store.CDR
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		seen = d.cdrs(t, "--msisdn", calling)
		for _, c := range seen {
			if c.Calling == calling && c.Outcome == outcome {
				return c
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no %s CDR for %s within %v: %s", outcome, calling, within, summary(seen))
	return store.CDR{}
}

func waitUntil(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", within, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// ssfsimCall starts `ssfsim call` over userspace SCTP in a process of its
// own, from local (127.0.0.3, peer msc-c, point code 4).
func (d *callDaemon) ssfsimCall(t *testing.T, local string, args ...string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	out := &syncBuffer{}
	all := append([]string{"call", "--transport", string(transport.UserspaceSCTP), "--scp", d.sigtran, "--local", local, "--pc", "4",
		"--answer-delay", "100ms"}, args...)
	cmd := exec.Command(ssfsimBin(t), all...)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd, out
}

// TestEndToEndAssociationFaults drives the faults of an SCTP association
// against scpd serve over userspace SCTP: the peer aborts, the peer
// vanishes, the peer restarts, scpd restarts. Each time scpd must report
// the association down, settle the call it carried, and take the peer
// back; the books must balance at the end.
func TestEndToEndAssociationFaults(t *testing.T) {
	requireTransport(t, transport.UserspaceSCTP)
	d := startCallDaemon(t, daemonConfig{transport: transport.UserspaceSCTP, beatInterval: "500ms", beatTimeout: "3s", recoverFast: true})
	long := with(onNet, func(c *msc.Call) { c.HoldTime = 20 * time.Second })

	t.Run("peer ABORT", func(t *testing.T) {
		sim := d.sim(t, "b")
		first := d.status(t).association("msc-b")
		var res *msc.Result
		done := make(chan struct{})
		go func() {
			defer close(done)
			res, _ = sim.Call(context.Background(), long)
		}()
		waitUntil(t, "the call in progress at scpd", 5*time.Second, func() bool { return d.status(t).Calls == 1 })
		time.Sleep(1200 * time.Millisecond) // answered, a charging period reported
		for _, a := range sim.Stack().Node.Associations() {
			a.Abort()
		}
		<-done
		if res == nil || res.Connected != "31600000002" {
			t.Fatalf("the call was not connected before the ABORT: %+v", res)
		}
		cdr := d.cdrOf(t, "31600000001", "association-lost", 5*time.Second)
		if cdr.Charged < 1 || cdr.Charged > 3 {
			t.Errorf("association-lost call charged %d for %ds", cdr.Charged, cdr.Duration)
		}
		if !strings.Contains(d.logs.String(), "aborted by the peer") {
			t.Errorf("scpd did not log the peer's ABORT:\n%s", d.logs.String())
		}
		// The MSC dials again and is taken back.
		waitUntil(t, "msc-b back", 10*time.Second, func() bool {
			a := d.status(t).association("msc-b")
			return a != "" && a != first
		})
		res2, err := sim.Call(context.Background(), with(onNet, func(c *msc.Call) { c.HoldTime = time.Second }))
		if err != nil || res2.Connected != "31600000002" || !res2.Released || res2.ReleaseCause != 16 {
			t.Fatalf("call after the return: %+v %v", res2, err)
		}
	})

	t.Run("peer vanishes", func(t *testing.T) {
		peer, out := d.ssfsimCall(t, "127.0.0.3:0", "--calling", "31600000002", "--called", "101", "--hold", "30s")
		waitUntil(t, "msc-c up with a call", 10*time.Second, func() bool {
			s := d.status(t)
			return s.association("msc-c") != "" && s.Calls == 1
		})
		time.Sleep(1200 * time.Millisecond)
		peer.Process.Kill() // no SHUTDOWN, no ABORT: the MSC is gone
		peer.Wait()
		gone := time.Now()
		waitUntil(t, "scpd reports msc-c down", 8*time.Second, func() bool { return !d.status(t).has("msc-c") })
		// BEAT every 500 ms, 3 s of silence allowed.
		if el := time.Since(gone); el < 2*time.Second {
			t.Errorf("msc-c reported down %v after it vanished: before the BEAT timeout", el)
		}
		if !strings.Contains(d.logs.String(), "beat timeout") {
			t.Errorf("scpd did not log the BEAT timeout:\n%s", d.logs.String())
		}
		cdr := d.cdrOf(t, "31600000002", "association-lost", 5*time.Second)
		if cdr.Duration < 1 {
			t.Errorf("vanished call: %d s charged %d (output %s)", cdr.Duration, cdr.Charged, out.String())
		}
		if s := d.status(t); s.Calls != 0 {
			t.Errorf("%d calls still active", s.Calls)
		}
	})

	t.Run("peer restarts", func(t *testing.T) {
		local := freeUDPAddr(t, "127.0.0.3")
		prepaid := []string{"--service-key", "200", "--calling", "31600000004", "--called", "0201234567"}
		peer, _ := d.ssfsimCall(t, local, append(prepaid, "--hold", "30s")...)
		waitUntil(t, "msc-c up with a call", 10*time.Second, func() bool {
			s := d.status(t)
			return s.association("msc-c") == local && s.Calls == 1
		})
		time.Sleep(1200 * time.Millisecond)
		peer.Process.Kill()
		peer.Wait()
		// It comes back at once from the same address and port, before
		// any BEAT timeout: its INIT replaces the old association.
		again, out := d.ssfsimCall(t, local, append(prepaid, "--hold", "1s")...)
		if err := again.Wait(); err != nil {
			t.Fatalf("call after the restart: %v\n%s", err, out.String())
		}
		if !strings.Contains(out.String(), "talk 1.") {
			t.Errorf("call after the restart:\n%s", out.String())
		}
		if !strings.Contains(d.logs.String(), "peer restarted") {
			t.Errorf("scpd did not log the restart:\n%s", d.logs.String())
		}
		d.cdrOf(t, "31600000004", "association-lost", 5*time.Second)
		d.cdrOf(t, "31600000004", "answered", 5*time.Second)
	})

	t.Run("scpd restarts", func(t *testing.T) {
		sim := d.sim(t, "a")
		call := with(onNet, func(c *msc.Call) { c.Calling, c.Called, c.HoldTime = "31600000002", "101", 20*time.Second })
		done := make(chan struct{})
		go func() {
			defer close(done)
			sim.Call(context.Background(), call)
		}()
		waitUntil(t, "the call in progress at scpd", 5*time.Second, func() bool { return d.status(t).Calls == 1 })
		time.Sleep(1200 * time.Millisecond)
		d.kill() // a crash: the call's reservation stays frozen in the file
		d.start(t)
		// The MSC's next message (an ApplyChargingReport within the
		// second) reaches the new scpd out of the blue and draws an ABORT;
		// the MSC dials again.
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("the call across the scpd restart did not end")
		}
		waitUntil(t, "msc-a back", 10*time.Second, func() bool { return d.status(t).association("msc-a") != "" })
		res, err := sim.Call(context.Background(), with(call, func(c *msc.Call) { c.HoldTime = time.Second }))
		if err != nil || res.Connected != "31600000001" || !res.Released {
			t.Fatalf("call after the scpd restart: %+v %v", res, err)
		}
		// The reservation of the call lost in the crash is recovered once
		// its deadline passes.
		waitUntil(t, "the crashed call's reservation recovered", 15*time.Second, func() bool {
			return len(d.cdrs(t, "--recovered", "true")) == 1
		})
	})

	// The books balance: every account's frozen money came back, and what
	// left it is what the CDRs charged.
	d.stop()
	db := filepath.Join(d.dir, "data", "scpd.db")
	_, cdrs, accounts := readBooks(t, db)
	charged := map[string]int64{}
	for _, c := range cdrs {
		charged[c.AccountID] += c.Charged
	}
	for _, a := range accounts {
		var opening int64
		for _, e := range e2eAccounts {
			if e.ID == a.ID {
				opening = e.Opening
			}
		}
		if a.Frozen != 0 || a.Available != opening-charged[a.ID] {
			t.Errorf("account %s: available %d frozen %d; opening %d, CDRs charged %d", a.ID, a.Available, a.Frozen, opening, charged[a.ID])
		}
	}
	if out := ok(t, d.dir, "audit", "--db", db); !strings.Contains(out, "OK") {
		t.Errorf("audit: %s", out)
	}
}

// freeUDPAddr returns ip:port with a port no socket holds at the moment,
// for a peer that must come back from the same port.
func freeUDPAddr(t *testing.T, ip string) string {
	t.Helper()
	l, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.ParseIP(ip)})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.LocalAddr().String()
}
