package metrics

import (
	"context"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/scpd/scpd/camel"
	"github.com/scpd/scpd/sigtran/m3ua"
	"github.com/scpd/scpd/sigtran/stack"
	"github.com/scpd/scpd/sigtran/tcap/dialogue"
	"github.com/scpd/scpd/sigtran/transport"
	"github.com/scpd/scpd/store"
)

// An unknown opcode from the network must not become a label value of its
// own: a peer could create any number of series.
func TestUnknownOpcodeBoundedLabel(t *testing.T) {
	reg := prometheus.NewRegistry()
	o := NewObserver(reg)
	for op := camel.Opcode(1000); op < 1100; op++ {
		o.Operation(true, op)
	}
	o.Operation(true, camel.OpInitialDP)
	if n := len(family(t, reg, "scpd_cap_operations_total").GetMetric()); n != 2 {
		t.Fatalf("scpd_cap_operations_total has %d series for 101 opcodes, want 2 (initialDP, other)", n)
	}
}

// family gathers reg and returns the metric family name.
func family(t *testing.T, reg *prometheus.Registry, name string) *dto.MetricFamily {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			return mf
		}
	}
	t.Fatalf("%s not gathered", name)
	return nil
}

// A peer holding two associations (MSCs spread their links) must not break
// the scrape with duplicate label sets, and its DATA counters must not go
// down when one of its associations closes.
func TestTwoAssociationsOnePeer(t *testing.T) {
	st, reg := stateMetrics(t)
	var conns []net.Conn
	for i := 0; i < 2; i++ {
		c, err := net.Dial("tcp", st.Node.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns = append(conns, c)
	}
	waitAssociations(t, st, 2)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatalf("scrape with two associations of one peer: %v", err)
	}
	if v := sample(mfs, "scpd_m3ua_associations", "ASP-DOWN"); v != 2 {
		t.Fatalf("scpd_m3ua_associations{peer=msc,state=ASP-DOWN} = %v, want 2", v)
	}
	conns[0].Close()
	waitAssociations(t, st, 1)
	conns[1].Close()
	waitAssociations(t, st, 0)
	mfs, err = reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	if v := sample(mfs, "scpd_m3ua_associations", "ASP-ACTIVE"); v != 0 {
		t.Fatalf("scpd_m3ua_associations{peer=msc,state=ASP-ACTIVE} = %v, want 0 (present, not absent)", v)
	}
}

// A configured MSC that has not connected since start has its series, at
// 0 active: "no active association" alerts must fire for it too.
func TestConfiguredPeerNeverConnected(t *testing.T) {
	_, reg := stateMetrics(t)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	if v := sample(mfs, "scpd_m3ua_associations", "ASP-ACTIVE"); v != 0 {
		t.Fatalf("scpd_m3ua_associations{peer=msc,state=ASP-ACTIVE} = %v before the peer ever connected, want 0 (-1: no series)", v)
	}
}

// stateMetrics starts a stack listening for the peer "msc" and registers
// its state metrics with a real store's.
func stateMetrics(t *testing.T) (*stack.Stack, *prometheus.Registry) {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := stack.Config{M3UA: m3ua.DefaultConfig(), TCAP: dialogue.DefaultConfig()}
	cfg.M3UA.PointCode = 2
	cfg.M3UA.Listen = transport.Config{Kind: transport.TCP, Local: []string{"127.0.0.1:0"}}
	cfg.M3UA.Peers = []m3ua.Peer{{Name: "msc", Remote: []string{"127.0.0.1"}, PointCode: 1}}
	st, err := stack.New(cfg, dialogue.HandlerFunc(func(*dialogue.Event) {}), log)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	db, err := store.Open(filepath.Join(t.TempDir(), "scpd.db"), store.Options{Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	reg := prometheus.NewRegistry()
	RegisterState(reg, st, db, func() int { return 0 })
	return st, reg
}

func waitAssociations(t *testing.T, st *stack.Stack, n int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); len(st.Node.Associations()) != n; {
		if time.Now().After(deadline) {
			t.Fatalf("%d associations, want %d", len(st.Node.Associations()), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// sample returns the value of name{peer="msc",state=state}, or -1.
func sample(mfs []*dto.MetricFamily, name, state string) float64 {
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			var peer, st string
			for _, l := range m.GetLabel() {
				switch l.GetName() {
				case "peer":
					peer = l.GetValue()
				case "state":
					st = l.GetValue()
				}
			}
			if peer == "msc" && strings.EqualFold(st, state) {
				return m.GetGauge().GetValue()
			}
		}
	}
	return -1
}

// A call with a service key scpd has no service for is counted under
// service="none": an empty label value reads as the label being absent.
func TestCallEndedUnknownServiceKey(t *testing.T) {
	reg := prometheus.NewRegistry()
	NewObserver(reg).CallEnded("", "unknown-service-key")
	for _, l := range family(t, reg, "scpd_calls_total").GetMetric()[0].GetLabel() {
		if l.GetName() == "service" && l.GetValue() != "none" {
			t.Fatalf("service label %q, want none", l.GetValue())
		}
	}
}
