package prepaid

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/scpd/scpd/store"
)

// The kill -9 test re-executes the test binary as a child that runs load on a
// database until the parent SIGKILLs it.
const crashChildEnv = "SCPD_PREPAID_CRASH_CHILD_DB"

func TestMain(m *testing.M) {
	if path := os.Getenv(crashChildEnv); path != "" {
		crashChild(path)
		os.Exit(3) // crashChild never returns: it is killed
	}
	os.Exit(m.Run())
}

const crashAccounts = 8

// crashChild runs calls on shared accounts forever; it says "loaded" once
// plenty of operations have committed. Some calls are answered, some
// deducted, and calls are always in flight, so the kill orphans fees.
func crashChild(path string) {
	st, err := store.Open(path, store.Options{Logger: quiet})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	l := New(st, Options{Log: quiet})
	ctx := context.Background()
	var done atomic.Int64
	for w := 0; w < 32; w++ {
		go func(w int) {
			for i := 0; ; i++ {
				id := fmt.Sprintf("crash-%02d-%06d", w, i)
				acct := fmt.Sprintf("A%d", w%crashAccounts)
				req := ApplyRequest{CallID: id, Seq: 1, AccountID: acct, Amount: 60, Deadline: time.Now().Add(time.Second),
					Tariff: perSecond, Seconds: 60, Service: "prepaid", Calling: "31612345001", Called: "31612345002"}
				if _, err := l.ApplyFee(ctx, req); err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(2)
				}
				if i%2 == 0 {
					l.MarkAnswered(ctx, id, 2, time.Now())
				}
				if i%3 != 0 {
					l.DeductFee(ctx, DeductRequest{CallID: id, Seq: 3, Amount: int64(i % 40)})
				}
				if i%5 != 4 { // every fifth call is left open, as if the process lost it
					l.ReturnFee(ctx, ReturnRequest{CallID: id, Seq: 4, CDR: &store.CDR{Outcome: "normal"}})
				}
				if done.Add(1) == 1000 {
					fmt.Println("loaded")
				}
			}
		}(w)
	}
	select {}
}

func TestKill9RecoversEveryFrozenFee(t *testing.T) {
	path := filepath.Join(t.TempDir(), "scpd.db")
	st, err := store.Open(path, store.Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < crashAccounts; i++ {
		addAccount(t, st, store.Account{ID: fmt.Sprintf("A%d", i), Opening: 1_000_000})
	}
	st.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(out)
		for s.Scan() {
			lines <- s.Text()
		}
		close(lines)
	}()
	select {
	case l, ok := <-lines:
		if !ok || l != "loaded" {
			cmd.Process.Kill()
			t.Fatalf("child said %q before loading", l)
		}
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("child never loaded")
	}
	time.Sleep(200 * time.Millisecond) // in the middle of the load
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("child did not die of SIGKILL: %v", err)
	}

	st, err = store.Open(path, store.Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	before := mustAudit(t, st)
	if before.Totals.Frozen == 0 || before.OpenCalls == 0 {
		t.Fatalf("nothing was left frozen by the kill: %+v", before)
	}
	l := New(st, Options{Now: func() time.Time { return time.Now().Add(time.Hour) }, Log: quiet}) // every deadline is past
	sw := l.Sweeper(nil, 0, 0)
	rep, err := sw.SweepOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Recovered) != before.OpenCalls {
		t.Fatalf("recovered %d of %d open reservations", len(rep.Recovered), before.OpenCalls)
	}
	after := mustAudit(t, st)
	if after.Totals.Frozen != 0 || after.OpenCalls != 0 {
		t.Fatalf("still frozen after the sweep: %+v", after.Totals)
	}
	var cdrs []store.CDR
	if err := st.View(func(tx *store.Tx) error { var err error; cdrs, err = tx.CDRs(store.CDRFilter{}); return err }); err != nil {
		t.Fatal(err)
	}
	perCall := map[string]int{}
	for _, c := range cdrs {
		perCall[c.CallID]++
		if perCall[c.CallID] > 1 {
			t.Fatalf("call %s has %d CDRs", c.CallID, perCall[c.CallID])
		}
	}
	recoveredCDRs := 0
	for _, c := range cdrs {
		if c.Recovered {
			recoveredCDRs++
		}
	}
	for _, r := range rep.Recovered {
		if perCall[r.CallID] != 1 {
			t.Fatalf("recovered call %s has %d CDRs", r.CallID, perCall[r.CallID])
		}
	}
	if recoveredCDRs != len(rep.Recovered) {
		t.Fatalf("%d recovered CDRs for %d recovered reservations", recoveredCDRs, len(rep.Recovered))
	}
	if rep2, err := sw.SweepOnce(context.Background()); err != nil || len(rep2.Recovered) != 0 {
		t.Fatalf("second sweep: %+v %v", rep2, err)
	}
	t.Logf("killed after %d ledger entries; recovered %d reservations holding %d", before.LedgerEntries, len(rep.Recovered), before.Totals.Frozen)
}
