package main

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scpd/scpd/cmd/ssfsim/msc"
	"github.com/scpd/scpd/sigtran/transport"
	"github.com/scpd/scpd/store"
)

// TestChaos is the short chaos run of CI (scripts/chaos runs it longer):
// calls of every kind go on while scpd is killed with SIGKILL and
// restarted, the association is cut, and the simulated MSC aborts
// dialogues or forgets them. Afterwards the books must be whole: the audit
// passes, no reservation is left open, every call that froze money has
// exactly one CDR, and the accounts were charged what the CDRs say.
func TestChaos(t *testing.T) {
	d := startCallDaemon(t, daemonConfig{transport: transport.TCP, recoverFast: true})
	// A forgotten dialogue is found by the idle timer and ActivityTest.
	d.stop()
	setConfig(t, d.cfg, "idle_timeout: 10m", "idle_timeout: 2s")
	d.start(t)

	runFor := 12 * time.Second
	if s := os.Getenv("SCPD_CHAOS_DURATION"); s != "" {
		if v, err := time.ParseDuration(s); err == nil {
			runFor = v
		}
	}
	kills := max(2, int(runFor/(5*time.Second)))

	sim := d.sim(t, "a")
	var calls, failed atomic.Int64
	end := time.Now().Add(runFor)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 7))
			for time.Now().Before(end) {
				c := msc.Call{ServiceKey: 100, Calling: "31600000001", Called: "102", AnswerDelay: 50 * time.Millisecond,
					HoldTime: time.Duration(r.IntN(2500)) * time.Millisecond}
				switch r.IntN(10) {
				case 0:
					c.Calling, c.Called = "31600000002", "0201234567" // off-net
				case 1:
					c.ServiceKey, c.Calling, c.Called = 200, "31600000004", "0201234567" // plain prepaid
				case 2:
					c.Outcome = msc.Busy
				case 3:
					c.Outcome = msc.Abandon
				case 4:
					c.Outcome = msc.Abort
				case 5:
					c.Outcome = msc.Vanish
				}
				ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
				_, err := sim.Call(ctx, c)
				cancel()
				calls.Add(1)
				if err != nil {
					// Cut by a crash or the cut association, or no association
					// yet: the MSC's redial takes a moment.
					failed.Add(1)
					time.Sleep(100 * time.Millisecond)
				}
			}
		}()
	}
	// The chaos: SIGKILL and restart, and a cut association, at random times.
	r := rand.New(rand.NewPCG(42, 42))
	for i := 0; i < kills; i++ {
		time.Sleep(runFor/time.Duration(kills+1) - time.Duration(r.IntN(500))*time.Millisecond)
		if i%2 == 1 {
			for _, a := range sim.Stack().Node.Associations() {
				a.Close()
			}
		}
		d.kill()
		time.Sleep(time.Duration(100+r.IntN(400)) * time.Millisecond)
		d.start(t)
	}
	wg.Wait()
	t.Logf("%d calls, %d cut short, %d SIGKILLs", calls.Load(), failed.Load(), kills)

	// Let what is left settle: forgotten dialogues by ActivityTest, calls
	// of a killed scpd by the sweeper once their reservations expire.
	db := filepath.Join(d.dir, "data", "scpd.db")
	waitUntil(t, "no open reservation", 30*time.Second, func() bool {
		out := ok(t, d.dir, "--config", d.cfg, "reservation", "list", "--state", "open", "--json")
		return strings.TrimSpace(out) == "[]"
	})
	d.stop()

	resv, cdrs, accounts := readBooks(t, db)
	perCall := map[string]int{}
	charged := map[string]int64{}
	recovered := 0
	for _, c := range cdrs {
		perCall[c.CallID]++
		charged[c.AccountID] += c.Charged
		if c.Recovered {
			recovered++
		}
	}
	for id, n := range perCall {
		if n != 1 {
			t.Errorf("call %s has %d CDRs", id, n)
		}
	}
	for _, r := range resv {
		if r.State == store.ReservationOpen {
			t.Errorf("reservation %s still open", r.CallID)
		}
		if perCall[r.CallID] != 1 {
			t.Errorf("reservation %s (%v) has %d CDRs", r.CallID, r.State, perCall[r.CallID])
		}
	}
	for _, a := range accounts {
		if a.Frozen != 0 || a.Charged != charged[a.ID] {
			t.Errorf("account %s: frozen %d, charged %d; the CDRs say %d", a.ID, a.Frozen, a.Charged, charged[a.ID])
		}
	}
	if out := ok(t, d.dir, "audit", "--db", db); !strings.Contains(out, "OK") {
		t.Errorf("audit: %s", out)
	}
	t.Logf("%d reservations, %d CDRs (%d recovered by the sweeper)", len(resv), len(cdrs), recovered)
	if len(resv) == 0 || recovered == 0 {
		t.Errorf("the run exercised too little: %d reservations, %d recovered", len(resv), recovered)
	}
}

// setConfig replaces text in a daemon's configuration file.
func setConfig(t *testing.T, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s has no %q", path, old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(b), old, new, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
}

// readBooks reads every reservation, CDR and account of a stopped
// daemon's database.
func readBooks(t *testing.T, db string) (resv []store.Reservation, cdrs []store.CDR, accounts []store.Account) {
	t.Helper()
	st, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	err = st.View(func(tx *store.Tx) (err error) {
		if resv, err = tx.Reservations(store.ReservationFilter{}); err != nil {
			return err
		}
		if cdrs, err = tx.CDRs(store.CDRFilter{}); err != nil {
			return err
		}
		accounts, err = tx.Accounts()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return resv, cdrs, accounts
}
