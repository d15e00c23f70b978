package stack

import (
	"context"
	"encoding/hex"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scpd/scpd/sigtran/ber"
	"github.com/scpd/scpd/sigtran/m3ua"
	"github.com/scpd/scpd/sigtran/pcap"
	"github.com/scpd/scpd/sigtran/pcap/tshark"
	"github.com/scpd/scpd/sigtran/sccp"
	"github.com/scpd/scpd/sigtran/tcap"
	"github.com/scpd/scpd/sigtran/tcap/dialogue"
	"github.com/scpd/scpd/sigtran/transport"
)

const (
	scpPC = 2
	mscPC = 1
)

var (
	capV2       = ber.MakeOID(0, 4, 0, 0, 1, 0, 50, 1)
	capV1       = ber.MakeOID(0, 4, 0, 0, 1, 0, 50, 0)
	scpAddress  = sccp.Address{RouteOnSSN: true, HasPC: true, PointCode: scpPC, SSN: sccp.SSNCAP}
	mscAddress  = sccp.Address{SSN: sccp.SSNCAP, GT: sccp.GlobalTitle{Indicator: sccp.GTITTNPESNAI, NumberingPlan: sccp.NPISDN, NatureOfAddress: sccp.NAIInternational, Digits: "31612000001"}}
	idpSK100, _ = hex.DecodeString("3003800164") // InitialDPArg {serviceKey 100}
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// events collects what a stack delivers, by kind.
type events struct {
	mu     sync.Mutex
	byKind map[dialogue.EventKind]int
	aborts map[dialogue.AbortCause]int
	ch     chan *dialogue.Event
}

func newEvents() *events {
	return &events{byKind: map[dialogue.EventKind]int{}, aborts: map[dialogue.AbortCause]int{}, ch: make(chan *dialogue.Event, 10000)}
}

func (e *events) record(ev *dialogue.Event) {
	e.mu.Lock()
	e.byKind[ev.Kind]++
	if ev.Kind == dialogue.EventAbort {
		e.aborts[ev.Abort.Cause]++
	}
	e.mu.Unlock()
	select {
	case e.ch <- ev: // for tests that wait on particular events
	default: // benchmarks never read it: do not block the handler
	}
}

func (e *events) count(k dialogue.EventKind) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.byKind[k]
}

func (e *events) abortCount(c dialogue.AbortCause) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.aborts[c]
}

func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// scp starts the SCP side: accepts the MSC at 127.0.0.1, answers a Begin
// with Continue(continue), and records everything.
type scpSide struct {
	*Stack
	ev *events
	// hold keeps dialogues open after the Begin (no End expected yet).
	answer func(ev *dialogue.Event)
}

func startSCP(t testing.TB, tracer m3ua.Tracer, mutate ...func(*Config)) *scpSide {
	t.Helper()
	s := &scpSide{ev: newEvents()}
	s.answer = func(ev *dialogue.Event) {
		if ev.Kind == dialogue.EventBegin {
			if err := ev.Dialogue.Continue(tcap.NewInvoke(ev.Dialogue.NewInvokeID(), 31, nil)); err != nil {
				t.Errorf("SCP continue: %v", err)
			}
		}
	}
	cfg := Config{M3UA: m3ua.DefaultConfig(), TCAP: dialogue.DefaultConfig()}
	cfg.M3UA.PointCode = scpPC
	cfg.M3UA.Tracer = tracer
	cfg.M3UA.Listen = transport.Config{Kind: transport.TCP, Local: []string{"127.0.0.1:0"}}
	cfg.M3UA.Peers = []m3ua.Peer{{Name: "msc", Remote: []string{"127.0.0.1"}, PointCode: mscPC, RoutingContext: 1}}
	cfg.SCCP.ReturnOnError = true
	cfg.TCAP.AcceptAC = func(ac ber.OID) bool { return string(ac) == string(capV2) }
	for _, f := range mutate {
		f(&cfg)
	}
	st, err := New(cfg, dialogue.HandlerFunc(func(ev *dialogue.Event) { s.answer(ev); s.ev.record(ev) }), quiet())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.Stack = st
	t.Cleanup(st.Close)
	return s
}

type mscSide struct {
	*Stack
	ev     *events
	answer func(ev *dialogue.Event)
}

// startMSC starts the MSC side: an ASP dialling the SCP; on the SCP's
// Continue it ends the dialogue.
func startMSC(t testing.TB, scp *Stack, endOnContinue bool, mutate ...func(*Config)) *mscSide {
	// The MSC asks for UDTS on undeliverable messages.
	t.Helper()
	m := &mscSide{ev: newEvents()}
	m.answer = func(ev *dialogue.Event) {
		if ev.Kind == dialogue.EventContinue && endOnContinue {
			if err := ev.Dialogue.End(); err != nil {
				t.Errorf("MSC end: %v", err)
			}
		}
	}
	cfg := Config{M3UA: m3ua.DefaultConfig(), TCAP: dialogue.DefaultConfig()}
	cfg.M3UA.PointCode = mscPC
	cfg.M3UA.ReconnectMin, cfg.M3UA.ReconnectMax = 20*time.Millisecond, 200*time.Millisecond
	cfg.M3UA.DialTransport = transport.Config{Kind: transport.TCP, Local: []string{"127.0.0.1:0"}}
	cfg.M3UA.Peers = []m3ua.Peer{{Name: "scp", Dial: true, Remote: []string{scp.Node.Addr().String()}, PointCode: scpPC, RoutingContext: 1}}
	cfg.TCAP.LocalAddress = mscAddress
	cfg.SCCP.ReturnOnError = true
	for _, f := range mutate {
		f(&cfg)
	}
	st, err := New(cfg, dialogue.HandlerFunc(func(ev *dialogue.Event) { m.answer(ev); m.ev.record(ev) }), quiet())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	m.Stack = st
	t.Cleanup(st.Close)
	waitFor(t, "MSC association active", func() bool { return st.Router.Reachable(scpPC) })
	return m
}

// beginMany opens total dialogues with an InitialDP Begin, from parallel
// goroutines, and returns when all are sent.
func (m *mscSide) beginMany(t *testing.T, total, parallel int) {
	t.Helper()
	var wg sync.WaitGroup
	var next atomic.Int64
	for range parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(total) {
				if _, err := m.TCAP.Begin(scpPC, scpAddress, capV2, tcap.NewInvoke(1, 0, idpSK100)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func (m *mscSide) begin(t *testing.T, ac ber.OID, called sccp.Address, comps ...tcap.Component) *dialogue.Dialogue {
	t.Helper()
	if comps == nil {
		comps = []tcap.Component{tcap.NewInvoke(1, 0, idpSK100)}
	}
	d, err := m.TCAP.Begin(scpPC, called, ac, comps...)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestThousandsOfDialoguesInParallel(t *testing.T) {
	file := filepath.Join(t.TempDir(), "stack.pcap")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := pcap.NewWriter(f)
	scp := startSCP(t, PcapTracer{W: w})
	msc := startMSC(t, scp.Stack, true)

	const total, parallel = 5000, 64
	msc.beginMany(t, total, parallel)
	waitFor(t, "every dialogue ended at the SCP", func() bool { return scp.ev.count(dialogue.EventEnd) == total })
	if n := scp.ev.count(dialogue.EventBegin); n != total {
		t.Fatalf("SCP saw %d Begins, want %d", n, total)
	}
	if msc.ev.count(dialogue.EventContinue) != total {
		t.Fatalf("MSC saw %d Continues", msc.ev.count(dialogue.EventContinue))
	}
	waitFor(t, "no dialogue left open", func() bool { return scp.TCAP.Open() == 0 && msc.TCAP.Open() == 0 })
	st := scp.TCAP.Stats()
	if st.Received["begin"] != total || st.Received["end"] != total || st.Sent["continue"] != total {
		t.Fatalf("SCP stats %+v", st)
	}

	// The capture of this traffic passes the wire check.
	scp.Close()
	msc.Close()
	f.Close()
	tshark.Check(t, file)
	rows := tshark.Fields(t, file, "tcap.begin_element", "tcap.otid", "camel.serviceKey")
	if len(rows) != total {
		t.Fatalf("tshark sees %d Begins, want %d", len(rows), total)
	}
	if rows[0][1] != "100" {
		t.Fatalf("tshark service key %q", rows[0][1])
	}
}

func TestAssociationLossAbortsEveryOpenDialogue(t *testing.T) {
	scp := startSCP(t, nil)
	msc := startMSC(t, scp.Stack, false) // dialogues stay open after the Continue

	const open = 300
	for i := 0; i < open; i++ {
		msc.begin(t, capV2, scpAddress)
	}
	waitFor(t, "dialogues active on both sides", func() bool {
		return msc.ev.count(dialogue.EventContinue) == open && scp.TCAP.Open() == open
	})

	for _, a := range msc.Node.Associations() {
		a.Close()
	}
	waitFor(t, "SCP reports every dialogue aborted", func() bool { return scp.ev.abortCount(dialogue.AbortAssociationLost) == open })
	waitFor(t, "MSC reports every dialogue aborted", func() bool { return msc.ev.abortCount(dialogue.AbortAssociationLost) == open })
	if scp.TCAP.Open() != 0 || msc.TCAP.Open() != 0 {
		t.Fatalf("open after loss: scp %d msc %d", scp.TCAP.Open(), msc.TCAP.Open())
	}

	// The MSC redials; new dialogues go through.
	waitFor(t, "MSC reconnected", func() bool { return msc.Router.Reachable(scpPC) })
	d := msc.begin(t, capV2, scpAddress)
	waitFor(t, "dialogue after reconnect", func() bool { return d.State() == dialogue.Active })
}

func TestFaults(t *testing.T) {
	scp := startSCP(t, nil)
	msc := startMSC(t, scp.Stack, false)

	nextAbort := func(t *testing.T, d *dialogue.Dialogue) *dialogue.Event {
		t.Helper()
		timeout := time.After(5 * time.Second)
		for {
			select {
			case ev := <-msc.ev.ch:
				if ev.Dialogue == d && ev.Kind == dialogue.EventAbort {
					return ev
				}
			case <-timeout:
				t.Fatal("no abort")
			}
		}
	}

	t.Run("unsupported application context gets AARE reject", func(t *testing.T) {
		d := msc.begin(t, capV1, scpAddress)
		ev := nextAbort(t, d)
		if ev.Abort.Cause != dialogue.AbortACNotSupported || ev.Abort.Dialogue == nil || ev.Abort.Dialogue.Diagnostic != tcap.DiagACNameNotSupported {
			t.Fatalf("abort %+v", ev.Abort)
		}
	})

	t.Run("unknown DTID gets P-Abort", func(t *testing.T) {
		// A dialogue the SCP has never seen: craft a Continue from our
		// transaction to a DTID the SCP never allocated.
		d := msc.begin(t, capV2, scpAddress)
		waitFor(t, "active", func() bool { return d.State() == dialogue.Active })
		m := tcap.NewContinue(tcap.NewTransactionID(d.ID()), tcap.NewTransactionID(0xdeadbeef), nil, tcap.NewInvoke(5, 24, []byte{0x30, 0}))
		b, _ := m.Append(nil)
		if err := msc.Router.SendTo(scpPC, 0, scpAddress, mscAddress, b); err != nil {
			t.Fatal(err)
		}
		ev := nextAbort(t, d)
		if ev.Abort.Cause != dialogue.AbortProvider || ev.Abort.PAbortCause != tcap.UnrecognizedTransactionID {
			t.Fatalf("abort %+v", ev.Abort)
		}
	})

	t.Run("malformed component gets Reject", func(t *testing.T) {
		bad := tcap.Component{Type: tcap.Invoke, InvokeID: 1, HasInvokeID: true, Opcode: tcap.LocalCode(0), Parameter: []byte{0x30, 0x05, 0x80}}
		d := msc.begin(t, capV2, scpAddress, bad)
		timeout := time.After(5 * time.Second)
		for {
			select {
			case ev := <-msc.ev.ch:
				if ev.Dialogue != d || ev.Kind != dialogue.EventContinue {
					continue
				}
				for _, c := range ev.Components {
					if c.Type == tcap.Reject && c.InvokeID == 1 && c.Problem == tcap.InvokeMistypedParameter {
						return
					}
				}
				t.Fatalf("Continue without the Reject: %+v", ev.Components)
			case <-timeout:
				t.Fatal("no Continue with Reject")
			}
		}
	})

	t.Run("unknown subsystem gets UDTS", func(t *testing.T) {
		to := scpAddress
		to.SSN = 8 // MSC subsystem: nobody home at the SCP
		d := msc.begin(t, capV2, to)
		ev := nextAbort(t, d)
		if ev.Abort.Cause != dialogue.AbortReturned || ev.Abort.ReturnCause != sccp.UnequippedUser {
			t.Fatalf("abort %+v", ev.Abort)
		}
	})

	t.Run("badly formatted dialogue portion gets P-Abort", func(t *testing.T) {
		d := msc.begin(t, capV2, scpAddress)
		waitFor(t, "active", func() bool { return d.State() == dialogue.Active })
		raw := []byte{0x65, 0x12, 0x48, 0x04, 0, 0, 0, 0, 0x49, 0x04, 0, 0, 0, 0, 0x6b, 0x02, 0x05, 0x00, 0x6c, 0x00}
		copy(raw[4:8], tcap.NewTransactionID(d.ID()).Bytes())
		copy(raw[10:14], d.RemoteTID().Bytes())
		if err := msc.Router.SendTo(scpPC, 0, scpAddress, mscAddress, raw); err != nil {
			t.Fatal(err)
		}
		ev := nextAbort(t, d)
		if ev.Abort.Cause != dialogue.AbortProvider || ev.Abort.PAbortCause != tcap.BadlyFormattedTransactionPortion {
			t.Fatalf("abort %+v", ev.Abort)
		}
	})
}

func TestIdleAndInvokeTimers(t *testing.T) {
	scp := startSCP(t, nil, func(c *Config) {
		c.TCAP.IdleTimeout = 50 * time.Millisecond
		c.TCAP.InvokeTimer = func(op int64) (uint8, time.Duration) {
			if op == 55 {
				return 3, 100 * time.Millisecond // ActivityTest: class 3
			}
			return 2, time.Second
		}
	})
	var idle atomic.Int32
	scp.answer = func(ev *dialogue.Event) {
		switch ev.Kind {
		case dialogue.EventBegin:
			ev.Dialogue.Continue()
		case dialogue.EventIdle:
			if idle.Add(1) == 1 {
				// Test the silent peer with ActivityTest.
				ev.Dialogue.Continue(tcap.NewInvoke(ev.Dialogue.NewInvokeID(), 55, nil))
			}
		case dialogue.EventInvokeTimeout:
			ev.Dialogue.Abort(nil)
		}
	}
	msc := startMSC(t, scp.Stack, false)
	msc.answer = func(*dialogue.Event) {} // a peer that never answers the ActivityTest
	d := msc.begin(t, capV2, scpAddress)
	waitFor(t, "SCP gives up on the silent dialogue", func() bool { return scp.ev.count(dialogue.EventInvokeTimeout) == 1 })
	waitFor(t, "MSC sees the abort", func() bool { return d.State() == dialogue.Closed })
	if scp.TCAP.Open() != 0 {
		t.Fatalf("%d open", scp.TCAP.Open())
	}
}

func TestCallingPartyScreening(t *testing.T) {
	scp := startSCP(t, nil, func(c *Config) { c.SCCP.AllowedCallingGT = []string{"4930"} })
	msc := startMSC(t, scp.Stack, false)
	d := msc.begin(t, capV2, scpAddress) // calling GT 31612000001: not allowed
	time.Sleep(300 * time.Millisecond)
	if d.State() != dialogue.InitiationSent || scp.TCAP.Open() != 0 {
		t.Fatalf("screened Begin reached the SCP: MSC dialogue %v, SCP open %d", d.State(), scp.TCAP.Open())
	}
	if st := scp.Router.Stats(); st.Screened != 1 || st.UnitdataIn != 0 {
		t.Fatalf("router stats %+v", st)
	}
}
