package servicelogic

import (
	"errors"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scpd/scpd/camel"
	"github.com/scpd/scpd/servicelogic/prepaid"
	"github.com/scpd/scpd/sigtran/m3ua"
	"github.com/scpd/scpd/sigtran/sccp"
	"github.com/scpd/scpd/sigtran/sccp/routing"
	"github.com/scpd/scpd/sigtran/tcap"
	"github.com/scpd/scpd/sigtran/tcap/dialogue"
	"github.com/scpd/scpd/store"
)

// downNetwork reaches nothing: every send fails (all associations to the
// MSC inactive), and it counts the attempts.
type downNetwork struct{ attempts atomic.Int64 }

func (n *downNetwork) Route(uint32, uint8) (*m3ua.Association, error) {
	n.attempts.Add(1)
	return nil, errors.New("test: no active association")
}
func (n *downNetwork) PointCode() uint32       { return 2 }
func (n *downNetwork) NetworkIndicator() uint8 { return 2 }

// idleWatch runs the service and reports, after each EventIdle it handled,
// how many sends had been attempted by then.
type idleWatch struct {
	svc   *Service
	net   *downNetwork
	idles chan int64
}

func (w *idleWatch) HandleEvent(ev *dialogue.Event) {
	w.svc.HandleEvent(ev)
	if ev.Kind == dialogue.EventIdle {
		select {
		case w.idles <- w.net.attempts.Load():
		default:
		}
	}
}

// testStore is a store with the on-net and off-net tariffs (60 a minute,
// per second), group G, account A holding balance, the prepaid member
// 31600000001 (short number 11) and the postpaid member 31600000002 (12).
func testStore(t *testing.T, balance int64) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "scp.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	err = st.Update(func(tx *store.Tx) error {
		for _, class := range []string{store.ClassOnNet, store.ClassOffNet} {
			if err := tx.PutTariff(store.Tariff{Class: class, PricePerMinute: 60, Initial: 1, Subsequent: 1}); err != nil {
				return err
			}
		}
		if err := tx.PutGroup(store.Group{ID: "G", Name: "G"}, true); err != nil {
			return err
		}
		if _, err := tx.CreateAccount(store.Account{ID: "A", Currency: "EUR", Opening: balance}, time.Now()); err != nil {
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
	return st
}

// TestActivityTestRetriedAfterSendFailure: a call whose ActivityTest could
// not be sent (no association to the MSC was active at that moment) must
// test the dialogue again at the next idle period, and give the call up
// after three such periods. Otherwise the call is marked as testing for
// ever, later idle events are ignored, and if the MSC lost the call
// meanwhile nothing ever ends it: it stays live (the sweeper leaves its
// frozen fee alone) until shutdown.
func TestActivityTestRetriedAfterSendFailure(t *testing.T) {
	quiet := quietLog()
	st := testStore(t, 1_000_000)
	cfg := DefaultConfig()
	svc, err := New(cfg, st, prepaid.New(st, prepaid.Options{}), nil, quiet)
	if err != nil {
		t.Fatal(err)
	}
	net := &downNetwork{}
	w := &idleWatch{svc: svc, net: net, idles: make(chan int64, 16)}
	r := routing.New(net, routing.Config{}, quiet)
	l := dialogue.New(dialogue.Config{SSN: sccp.SSNCAP, AcceptAC: AcceptAC, IdleTimeout: 20 * time.Millisecond,
		InvokeTimer: func(op int64) (uint8, time.Duration) {
			if camel.Opcode(op) == camel.OpActivityTest {
				return 3, time.Hour
			}
			return 2, time.Hour
		}}, r, w, quiet)
	defer func() {
		l.Close() // aborts the call: it settles
		for deadline := time.Now().Add(5 * time.Second); svc.Active() > 0 && time.Now().Before(deadline); {
			time.Sleep(5 * time.Millisecond)
		}
	}()

	idp := camel.ExampleMOInitialDP()
	idp.CallingPartyNumber.Digits = "31600000001"
	idp.CalledPartyBCDNumber = camel.AddressString{Nature: camel.AddressUnknown, Plan: camel.PlanISDN, Digits: "12"}
	param, err := camel.AppendArgument(nil, idp, camel.Phase2)
	if err != nil {
		t.Fatal(err)
	}
	begin, err := tcap.NewBegin(tcap.NewTransactionID(7), tcap.NewAARQ(camel.Phase2.ApplicationContext()),
		tcap.NewInvoke(1, int64(camel.OpInitialDP), param)).Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	msc := sccp.Address{SSN: sccp.SSNCAP, GT: sccp.GlobalTitle{Indicator: sccp.GTITTNPESNAI, NumberingPlan: 1, NatureOfAddress: 4, Digits: "31600000010"}}
	scp := sccp.Address{RouteOnSSN: true, HasPC: true, PointCode: 2, SSN: sccp.SSNCAP}
	l.HandleUnitdata(routing.Path{OPC: 1}, &sccp.Message{Type: sccp.UDT, Called: scp, Calling: msc, Data: begin})

	idle := func() int64 {
		t.Helper()
		select {
		case n := <-w.idles:
			return n
		case <-time.After(5 * time.Second):
			t.Fatal("no idle event handled within 5s")
			return 0
		}
	}
	first := idle() // the first answer and the first ActivityTest failed
	if svc.Active() != 1 {
		t.Fatalf("%d calls active, want the one call", svc.Active())
	}
	second := idle()
	if second <= first {
		t.Fatalf("idle event after the failed ActivityTest: no new attempt to test the dialogue (%d sends tried, as before)", second)
	}
	// The third unsent test gives the call up, as an unanswered one would:
	// it ends and its fee is settled.
	idle()
	if svc.Active() > 0 { // settled while handling that idle event
		t.Fatalf("%d calls still active after three ActivityTests that could not be sent", svc.Active())
	}
	rep, err := st.Audit()
	if err != nil || !rep.OK() || rep.Totals.Frozen != 0 {
		t.Fatalf("after the call was given up: %+v %v, want nothing frozen", rep.Totals, err)
	}
	var outcome string
	if err := st.View(func(tx *store.Tx) error {
		cdrs, err := tx.CDRs(store.CDRFilter{})
		if len(cdrs) == 1 {
			outcome = cdrs[0].Outcome
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if outcome != OutcomeActivityTestFail {
		t.Fatalf("CDR outcome %q, want %q", outcome, OutcomeActivityTestFail)
	}
}
