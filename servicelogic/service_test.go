package servicelogic_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scpd/scpd/cmd/ssfsim/msc"
	"github.com/scpd/scpd/servicelogic"
	"github.com/scpd/scpd/servicelogic/prepaid"
	"github.com/scpd/scpd/sigtran/m3ua"
	"github.com/scpd/scpd/sigtran/stack"
	"github.com/scpd/scpd/sigtran/tcap/dialogue"
	"github.com/scpd/scpd/sigtran/transport"
	"github.com/scpd/scpd/store"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// scp runs the service logic in this process over a real store and a
// TCP association, so the race detector sees the whole call path.
func scp(t *testing.T, mutate ...func(*servicelogic.Config)) (*servicelogic.Service, *store.Store, string) {
	t.Helper()
	return scpWith(t, nil, mutate...)
}

// scpWith is scp with the prepaid logic wrapped by wrap (nil: as it is).
func scpWith(t *testing.T, wrap func(prepaid.Service) prepaid.Service, mutate ...func(*servicelogic.Config)) (*servicelogic.Service, *store.Store, string) {
	t.Helper()
	return scpFull(t, wrap, nil, mutate...)
}

// scpFull is scpWith with the service's dialogue events passed through
// handler (nil: straight to the service).
func scpFull(t *testing.T, wrap func(prepaid.Service) prepaid.Service, handler func(dialogue.Handler) dialogue.Handler,
	mutate ...func(*servicelogic.Config)) (*servicelogic.Service, *store.Store, string) {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "scp.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	err = st.Update(func(tx *store.Tx) error {
		for _, tr := range []store.Tariff{{Class: store.ClassOnNet, PricePerMinute: 60, Initial: 1, Subsequent: 1},
			{Class: store.ClassOffNet, PricePerMinute: 120, Initial: 1, Subsequent: 1, SetupCharge: 10}} {
			if err := tx.PutTariff(tr); err != nil {
				return err
			}
		}
		if err := tx.PutGroup(store.Group{ID: "G", Name: "G"}, true); err != nil {
			return err
		}
		if _, err := tx.CreateAccount(store.Account{ID: "A", Currency: "EUR", Opening: 1_000_000}, time.Now()); err != nil {
			return err
		}
		for _, s := range []store.Subscriber{
			{MSISDN: "31600000001", VPN: true, GroupID: "G", ShortNumber: "11", Prepaid: true, AccountID: "A"},
			{MSISDN: "31600000002", VPN: true, GroupID: "G", ShortNumber: "12"},
		} {
			if err := tx.PutSubscriber(s, true); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg := servicelogic.DefaultConfig()
	cfg.FirstQuota, cfg.NextQuota, cfg.SettleWait = time.Second, time.Second, 200*time.Millisecond
	for _, f := range mutate {
		f(&cfg)
	}
	var pp prepaid.Service = prepaid.New(st, prepaid.Options{})
	if wrap != nil {
		pp = wrap(pp)
	}
	svc, err := servicelogic.New(cfg, st, pp, nil, quiet())
	if err != nil {
		t.Fatal(err)
	}
	mc := m3ua.DefaultConfig()
	mc.PointCode = 2
	mc.Listen = transport.Config{Kind: transport.TCP, Local: []string{"127.0.0.1:0"}}
	mc.Peers = []m3ua.Peer{{Name: "msc", Remote: []string{"127.0.0.1"}, PointCode: 1}}
	tc := dialogue.DefaultConfig()
	tc.AcceptAC = servicelogic.AcceptAC
	var h dialogue.Handler = svc
	if handler != nil {
		h = handler(svc)
	}
	sig, err := stack.New(stack.Config{M3UA: mc, TCAP: tc}, h, quiet())
	if err != nil {
		t.Fatal(err)
	}
	if err := sig.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sig.Close)
	return svc, st, sig.Node.Addr().String()
}

// startMSC connects a simulated MSC to the SCP at addr for the rest of the
// test; ctx ends after timeout.
func startMSC(t *testing.T, addr string, timeout time.Duration) (sim *msc.Sim, ctx context.Context) {
	t.Helper()
	cfg := msc.DefaultConfig()
	cfg.SCP = []string{addr}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	sim, err := msc.Start(ctx, cfg, quiet())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	return sim, ctx
}

// waitCallsEnded waits up to 5 s for the service to have no call left.
func waitCallsEnded(t *testing.T, svc *servicelogic.Service) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); svc.Active() > 0 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if n := svc.Active(); n != 0 {
		t.Fatalf("%d calls still active", n)
	}
}

func TestConcurrentCallsBalanceAndCDRs(t *testing.T) {
	svc, st, addr := scp(t)
	sim, _ := startMSC(t, addr, 10*time.Second)

	const calls = 40
	var wg sync.WaitGroup
	outcomes := []msc.Outcome{msc.Answer, msc.Busy, msc.Abandon, msc.Abort}
	for i := 0; i < calls; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := msc.Call{ServiceKey: 100, Calling: "31600000001", Called: "12", AnswerDelay: 20 * time.Millisecond,
				HoldTime: 1100 * time.Millisecond, Outcome: outcomes[i%len(outcomes)]}
			if i%3 == 0 {
				c.Called = "0201234567" // off-net
			}
			if _, err := sim.Call(context.Background(), c); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	waitCallsEnded(t, svc)
	var cdrs []store.CDR
	var acct store.Account
	st.View(func(tx *store.Tx) (err error) {
		if cdrs, err = tx.CDRs(store.CDRFilter{}); err != nil {
			return err
		}
		acct, err = tx.Account("A")
		return err
	})
	if len(cdrs) != calls {
		t.Fatalf("%d CDRs for %d calls", len(cdrs), calls)
	}
	var charged int64
	for _, c := range cdrs {
		charged += c.Charged
	}
	if acct.Frozen != 0 || acct.Charged != charged || acct.Available != 1_000_000-charged || charged == 0 {
		t.Fatalf("account %+v; CDRs charged %d", acct, charged)
	}
	rep, err := st.Audit()
	if err != nil || !rep.OK() {
		t.Fatalf("audit: %+v %v", rep.Problems, err)
	}
}

func TestOverloadAnswersAtOnce(t *testing.T) {
	svc, st, addr := scp(t, func(c *servicelogic.Config) { c.Overload.MaxCalls = 2 })
	sim, _ := startMSC(t, addr, 10*time.Second)
	long := msc.Call{ServiceKey: 100, Calling: "31600000001", Called: "12", HoldTime: 1500 * time.Millisecond}
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); sim.Call(context.Background(), long) }()
	}
	for svc.Active() < 2 {
		time.Sleep(5 * time.Millisecond)
	}
	res, err := sim.Call(context.Background(), with(long, func(c *msc.Call) { c.HoldTime = 0 }))
	if err != nil || !res.Released || res.ReleaseCause != 42 || res.FirstAnswer > time.Second {
		t.Fatalf("third call: %+v %v; want an immediate ReleaseCall 42", res, err)
	}
	wg.Wait()
	// The calls in progress kept their service.
	var outcomes []string
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		var cdrs []store.CDR
		st.View(func(tx *store.Tx) (err error) { cdrs, err = tx.CDRs(store.CDRFilter{}); return err })
		outcomes = outcomes[:0]
		for _, c := range cdrs {
			outcomes = append(outcomes, c.Outcome)
		}
		if len(cdrs) == 3 {
			break
		}
	}
	slices.Sort(outcomes)
	if !slices.Equal(outcomes, []string{"answered", "answered", "overload-released"}) {
		t.Fatalf("outcomes %v", outcomes)
	}
}

func with(c msc.Call, f func(*msc.Call)) msc.Call { f(&c); return c }

// TestOverloadWhenStoreBehind holds the store's committer with a batched
// operation that waits, as a stalled disk would, so operations queue; past
// overload.max_store_queue a new InitialDP must get the overload answer at
// once (here: Continue, uncharged) instead of waiting for the store.
func TestOverloadWhenStoreBehind(t *testing.T) {
	svc, st, addr := scp(t, func(c *servicelogic.Config) {
		c.Overload.MaxStoreQueue = 3
		c.Overload.Treatment = servicelogic.OverloadContinue
	})
	sim, ctx := startMSC(t, addr, 15*time.Second)

	stall, stalled := make(chan struct{}), make(chan struct{})
	var held sync.WaitGroup
	held.Add(1)
	go func() {
		defer held.Done()
		st.Batch(context.Background(), func(*store.Tx) error { close(stalled); <-stall; return nil })
	}()
	<-stalled
	// Two more operations queue behind the stalled one: three waiting.
	for i := 0; i < 2; i++ {
		held.Add(1)
		go func() { defer held.Done(); st.Batch(context.Background(), func(*store.Tx) error { return nil }) }()
	}
	for deadline := time.Now().Add(5 * time.Second); st.Queued() < 3; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			close(stall)
			t.Fatalf("store reports %d operations queued, want 3 (the stalled one and two behind it)", st.Queued())
		}
	}
	res, err := sim.Call(ctx, msc.Call{ServiceKey: 100, Calling: "31600000001", Called: "12"})
	if err != nil || !res.Continued || res.Released || res.FirstAnswer > time.Second {
		t.Fatalf("call with the store behind: %+v %v; want an immediate Continue", res, err)
	}
	if svc.Active() != 0 {
		t.Fatalf("%d calls active; the overloaded call must not be taken on", svc.Active())
	}
	close(stall)
	held.Wait()

	// The store caught up: the next call is served and charged again.
	res, err = sim.Call(ctx, msc.Call{ServiceKey: 100, Calling: "31600000001", Called: "12", HoldTime: 100 * time.Millisecond})
	if err != nil || res.Connected == "" {
		t.Fatalf("call after the store caught up: %+v %v", res, err)
	}
	var outcomes []string
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		var cdrs []store.CDR
		st.View(func(tx *store.Tx) (err error) { cdrs, err = tx.CDRs(store.CDRFilter{}); return err })
		outcomes = outcomes[:0]
		for _, c := range cdrs {
			outcomes = append(outcomes, c.Outcome)
		}
		if len(cdrs) == 2 {
			break
		}
	}
	slices.Sort(outcomes)
	if !slices.Equal(outcomes, []string{"answered", "overload-continued"}) {
		t.Fatalf("outcomes %v", outcomes)
	}
}

// panicky is prepaid logic with bugs: Authenticate panics on the first call,
// ApplyFee panics after freezing the fee on the second.
type panicky struct {
	prepaid.Service
	auths, applies atomic.Int32
}

func (p *panicky) Authenticate(ctx context.Context, id string) (prepaid.AuthResult, error) {
	if p.auths.Add(1) == 1 {
		panic("test: a bug before anything was frozen")
	}
	return p.Service.Authenticate(ctx, id)
}

func (p *panicky) ApplyFee(ctx context.Context, req prepaid.ApplyRequest) (prepaid.Grant, error) {
	g, err := p.Service.ApplyFee(ctx, req)
	if p.applies.Add(1) == 1 {
		panic("test: a bug after the fee was frozen")
	}
	return g, err
}

// A panic in one call's service logic aborts that dialogue only: scpd keeps
// serving, the call leaves the live set, and its frozen fee comes back
// through the sweeper with one CDR per call.
func TestPanicInOneCallEndsOnlyThatCall(t *testing.T) {
	var pp *prepaid.Logic
	svc, st, addr := scpWith(t, func(s prepaid.Service) prepaid.Service {
		pp = s.(*prepaid.Logic)
		return &panicky{Service: s}
	})
	sim, ctx := startMSC(t, addr, 20*time.Second)
	call := msc.Call{ServiceKey: 100, Calling: "31600000001", Called: "12", HoldTime: 100 * time.Millisecond, Wait: 2 * time.Second}
	for i, wantAnswer := range []bool{false, false, true} {
		res, _ := sim.Call(ctx, call)
		if answered := res != nil && res.FirstAnswer > 0 && (res.Connected != "" || res.Continued); answered != wantAnswer {
			t.Fatalf("call %d: answered %v, want %v (%+v)", i+1, answered, wantAnswer, res)
		}
	}
	waitCallsEnded(t, svc)
	// The second call's fee is frozen until the sweeper sees it past its deadline.
	sw := pp.Sweeper(svc.IsLive, 0, 0)
	sw.Now = func() time.Time { return time.Now().Add(24 * time.Hour) }
	rep, err := sw.SweepOnce(ctx)
	if err != nil || len(rep.Recovered) != 1 {
		t.Fatalf("sweep: %+v %v, want the panicked call's reservation recovered", rep, err)
	}
	var cdrs []store.CDR
	if err := st.View(func(tx *store.Tx) (err error) { cdrs, err = tx.CDRs(store.CDRFilter{}); return err }); err != nil {
		t.Fatal(err)
	}
	var outcomes []string
	for _, c := range cdrs {
		outcomes = append(outcomes, c.Outcome)
	}
	slices.Sort(outcomes)
	if len(cdrs) != 3 || !slices.Contains(outcomes, servicelogic.OutcomeInternalError) || !slices.Contains(outcomes, servicelogic.OutcomeAnswered) {
		t.Fatalf("CDRs %v: want one per call, one of them %s, one answered", outcomes, servicelogic.OutcomeInternalError)
	}
	if a, err := st.Audit(); err != nil || !a.OK() || a.Totals.Frozen != 0 {
		t.Fatalf("audit: %+v %v", a, err)
	}
}

// What a VPN member dials that is no member's short number goes on as
// dialled: a public short code (voicemail, a helpline) and a string with
// '*' or '#' get Continue — priced off-net for a prepaid member — while
// digits cut short after a prefix are released (cause 28, bad number).
func TestDialledShortCodesGoOn(t *testing.T) {
	svc, st, addr := scp(t)
	sim, _ := startMSC(t, addr, 10*time.Second)
	for _, tc := range []struct {
		calling, called string
		charged         bool // ApplyCharging: a prepaid member
		cause           int  // 0: continued
	}{
		{"31600000002", "1233", false, 0},
		{"31600000001", "116111", true, 0},
		{"31600000001", "*31#0201234567", true, 0},
		{"31600000002", "00", false, 28},
		{"31600000001", "0612", false, 28},
	} {
		res, err := sim.Call(context.Background(), msc.Call{ServiceKey: 100, Calling: tc.calling, Called: tc.called,
			HoldTime: 1100 * time.Millisecond, Outcome: msc.Answer})
		switch {
		case err != nil:
			t.Fatalf("%s dials %s: %v", tc.calling, tc.called, err)
		case tc.cause != 0 && res.ReleaseCause != tc.cause:
			t.Errorf("%s dials %s: %+v, want ReleaseCall cause %d", tc.calling, tc.called, res, tc.cause)
		case tc.cause == 0 && (!res.Continued || res.Connected != "" || (len(res.Periods) > 0) != tc.charged):
			t.Errorf("%s dials %s: %+v, want Continue, charged=%v", tc.calling, tc.called, res, tc.charged)
		}
	}
	waitCallsEnded(t, svc)
	var cdrs []store.CDR
	st.View(func(tx *store.Tx) (err error) { cdrs, err = tx.CDRs(store.CDRFilter{}); return err })
	for _, c := range cdrs {
		if c.Called == "116111" && (c.CallClass != store.ClassOffNet || c.Charged == 0) {
			t.Errorf("CDR of the helpline call: %+v, want off-net and charged", c)
		}
	}
}
