package metrics

import (
	"context"
	"encoding/binary"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/wmnsk/go-m3ua/messages"
	"github.com/wmnsk/go-m3ua/messages/params"

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
	st, _, reg := stateMetricsStore(t)
	return st, reg
}

// stateMetricsStore is stateMetrics returning the store too.
func stateMetricsStore(t *testing.T) (*stack.Stack, *store.Store, *prometheus.Registry) {
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
	return st, db, reg
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

// scpd_m3ua_data_total must count the DATA of every association, also one
// that opened, carried DATA and closed between two scrapes (every ssfsim
// run, a flapping link): it was summed over the associations live at the
// scrape, with only those seen at an earlier scrape kept when they closed.
func TestDataOfClosedAssociationCounted(t *testing.T) {
	for _, tc := range []struct {
		name            string
		scrapeWhileOpen bool
	}{
		{"opened and closed between two scrapes", false},
		{"scraped while open", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, reg := stateMetrics(t)
			want := map[string]float64{"in": 0, "out": 0, "dropped": 0}
			checkData(t, reg, want)

			p := dialASP(t, st)
			p.send(messages.NewAspUp(nil, nil))
			p.await("ASP Up Ack")
			p.send(messages.NewAspActive(params.NewTrafficModeType(uint32(m3ua.Loadshare)), nil, nil))
			p.await("Notify") // sent once the association is ASP-ACTIVE
			p.sendData(2)     // for scpd: in
			p.sendData(9)     // for a point code scpd is not: dropped
			if err := st.Node.Send(m3ua.Data{OPC: 2, DPC: 1, SI: m3ua.SISCCP, NI: m3ua.NINational, Payload: []byte{0}}); err != nil {
				t.Fatal(err)
			}
			// Messages are handled in order: the BEAT ACK follows the DATA.
			p.send(messages.NewHeartbeat(params.NewHeartbeatData([]byte("x"))))
			p.await("Heartbeat Ack")
			want = map[string]float64{"in": 1, "out": 1, "dropped": 1}
			if tc.scrapeWhileOpen {
				checkData(t, reg, want)
			}
			p.c.Close()
			waitAssociations(t, st, 0)
			checkData(t, reg, want)
		})
	}
}

// checkData compares scpd_m3ua_data_total{peer="msc"} by direction.
func checkData(t *testing.T, reg *prometheus.Registry, want map[string]float64) {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for dir, w := range want {
		if v := value(mfs, "scpd_m3ua_data_total", map[string]string{"peer": "msc", "direction": dir}); v != w {
			t.Errorf("scpd_m3ua_data_total{peer=msc,direction=%s} = %v, want %v", dir, v, w)
		}
	}
}

// value returns the counter or gauge name{labels} (other labels any), or
// -1 when there is no such series.
func value(mfs []*dto.MetricFamily, name string, labels map[string]string) float64 {
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	next:
		for _, m := range mf.GetMetric() {
			got := map[string]string{}
			for _, l := range m.GetLabel() {
				got[l.GetName()] = l.GetValue()
			}
			for k, v := range labels {
				if got[k] != v {
					continue next
				}
			}
			if m.Counter != nil {
				return m.GetCounter().GetValue()
			}
			return m.GetGauge().GetValue()
		}
	}
	return -1
}

// testASP plays the MSC's ASP over TCP, where M3UA messages are framed by
// their common header's length.
type testASP struct {
	t *testing.T
	c net.Conn
}

func dialASP(t *testing.T, st *stack.Stack) *testASP {
	t.Helper()
	c, err := net.Dial("tcp", st.Node.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &testASP{t: t, c: c}
}

func (p *testASP) send(m messages.M3UA) {
	p.t.Helper()
	b, err := m.MarshalBinary()
	if err != nil {
		p.t.Fatal(err)
	}
	p.write(b)
}

// sendData sends DATA from the MSC (point code 1) to dpc.
func (p *testASP) sendData(dpc uint32) {
	p.t.Helper()
	d := m3ua.Data{OPC: 1, DPC: dpc, SI: m3ua.SISCCP, NI: m3ua.NINational, Payload: []byte{0}}
	b, err := d.Append(nil)
	if err != nil {
		p.t.Fatal(err)
	}
	p.write(b)
}

func (p *testASP) write(b []byte) {
	p.t.Helper()
	if _, err := p.c.Write(b); err != nil {
		p.t.Fatal(err)
	}
}

// await reads messages up to the first of type name.
func (p *testASP) await(name string) {
	p.t.Helper()
	p.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		var hdr [8]byte
		if _, err := io.ReadFull(p.c, hdr[:]); err != nil {
			p.t.Fatalf("waiting for %s: %v", name, err)
		}
		b := make([]byte, binary.BigEndian.Uint32(hdr[4:]))
		copy(b, hdr[:])
		if _, err := io.ReadFull(p.c, b[8:]); err != nil {
			p.t.Fatalf("waiting for %s: %v", name, err)
		}
		if m, err := messages.Parse(b); err == nil && m.MessageTypeName() == name {
			return
		}
	}
}

// scpd_store_database_bytes is the database file's size, and
// scpd_store_journal_bytes the journal's: it was bbolt's pages in use as of
// the last checkpoint, tens of KiB for a file of 16 MiB and more.
func TestStoreFileSizes(t *testing.T) {
	_, db, reg := stateMetricsStore(t)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ metric, file string }{
		{"scpd_store_database_bytes", db.Path()},
		{"scpd_store_journal_bytes", store.JournalPath(db.Path())},
	} {
		fi, err := os.Stat(tc.file)
		if err != nil {
			t.Fatal(err)
		}
		if v := value(mfs, tc.metric, nil); v != float64(fi.Size()) {
			t.Errorf("%s = %v, want %d (the size of %s)", tc.metric, v, fi.Size(), filepath.Base(tc.file))
		}
	}
}

// Counters that alerts read are series at 0 from the start: absent until
// their first count, rate() over them was no data rather than 0.
func TestAlertedCountersStartAtZero(t *testing.T) {
	_, reg := stateMetrics(t)
	NewObserver(reg)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		metric string
		labels map[string]string
	}{
		{"scpd_overload_total", map[string]string{"bound": "calls"}},
		{"scpd_overload_total", map[string]string{"bound": "store"}},
		{"scpd_cap_rejects_sent_total", map[string]string{"problem": "invoke: unrecognizedOperation"}},
		{"scpd_cap_rejects_sent_total", map[string]string{"problem": "invoke: mistypedParameter"}},
		{"scpd_fees_minor_units_total", map[string]string{"movement": "frozen"}},
		{"scpd_fees_minor_units_total", map[string]string{"movement": "charged"}},
		{"scpd_fees_minor_units_total", map[string]string{"movement": "returned"}},
		{"scpd_m3ua_errors_sent_total", map[string]string{"code": "Unexpected Message"}},
		{"scpd_m3ua_errors_sent_total", map[string]string{"code": "Protocol Error"}},
		{"scpd_m3ua_errors_sent_total", map[string]string{"code": "Invalid Routing Context"}},
		{"scpd_m3ua_errors_sent_total", map[string]string{"code": "Refused - Management Blocking"}},
		{"scpd_tcap_p_aborts_sent_total", map[string]string{"cause": "unrecognizedTransactionID"}},
		{"scpd_tcap_p_aborts_sent_total", map[string]string{"cause": "resourceLimitation"}},
		{"scpd_tcap_dialogues_ended_total", map[string]string{"reason": "normal"}},
		{"scpd_tcap_dialogues_ended_total", map[string]string{"reason": "association-lost"}},
		{"scpd_tcap_messages_total", map[string]string{"direction": "in", "type": "begin"}},
		{"scpd_tcap_messages_total", map[string]string{"direction": "out", "type": "abort"}},
	} {
		if v := value(mfs, tc.metric, tc.labels); v != 0 {
			t.Errorf("%s %v = %v at start, want 0 (-1: no series)", tc.metric, tc.labels, v)
		}
	}
	for _, name := range []string{"scpd_m3ua_errors_sent_total", "scpd_tcap_p_aborts_sent_total", "scpd_tcap_dialogues_ended_total"} {
		for _, m := range family(t, reg, name).GetMetric() {
			for _, l := range m.GetLabel() {
				if strings.Contains(l.GetValue(), "(") || strings.HasPrefix(l.GetValue(), "error code") {
					t.Errorf("%s has an unnamed label value %q", name, l.GetValue())
				}
			}
		}
	}
}
