package routing_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"io"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scpd/scpd/sigtran/m3ua"
	"github.com/scpd/scpd/sigtran/sccp"
	"github.com/scpd/scpd/sigtran/sccp/routing"
	"github.com/scpd/scpd/sigtran/transport"
)

// The Router is driven directly through HandleData with real SCCP octets;
// what it sends back goes over a real M3UA association (TCP on loopback)
// to a second node playing the MSC, which decodes it.

const (
	scpPC = 2 // the node under test
	mscPC = 1 // the far end every answer goes to
	sls   = 3 // the SLS of the test messages; answers keep it
	// barrierSLS marks the SST whose SSA ends each case: the association
	// is in order, so whatever the case sent arrived before it.
	barrierSLS = 15
)

func gt(digits string) sccp.GlobalTitle {
	es := sccp.ESBCDEven
	if len(digits)%2 == 1 {
		es = sccp.ESBCDOdd
	}
	return sccp.GlobalTitle{Indicator: sccp.GTITTNPESNAI, NumberingPlan: sccp.NPISDN, EncodingScheme: es,
		NatureOfAddress: sccp.NAIInternational, Digits: digits}
}

var (
	scpSSN     = sccp.Address{RouteOnSSN: true, HasPC: true, PointCode: scpPC, SSN: sccp.SSNCAP}
	mscSSN     = sccp.Address{RouteOnSSN: true, HasPC: true, PointCode: mscPC, SSN: sccp.SSNCAP}
	scpMgmt    = sccp.Address{RouteOnSSN: true, HasPC: true, PointCode: scpPC, SSN: sccp.SSNManagement}
	mscMgmt    = sccp.Address{RouteOnSSN: true, HasPC: true, PointCode: mscPC, SSN: sccp.SSNManagement}
	scpGT      = sccp.Address{SSN: sccp.SSNCAP, GT: gt("31612340000")}
	scpGTNoSSN = sccp.Address{GT: gt("3161234")}
	mscGT      = sccp.Address{SSN: sccp.SSNMSC, GT: gt("31611000001")}
	// mgmtReply is the calling address of the SSA: SCMG, route on SSN
	// (Q.713 §5.1).
	mgmtReply = sccp.Address{RouteOnSSN: true, SSN: sccp.SSNManagement}
)

func with(a sccp.Address, f func(*sccp.Address)) sccp.Address { f(&a); return a }

func encode(t *testing.T, m *sccp.Message) []byte {
	t.Helper()
	b, err := m.Append(nil)
	if err != nil {
		t.Fatalf("encoding %s: %v", m.Type, err)
	}
	return b
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sst is a subsystem status test for ssn at the SCP (Q.713 §5.3: format
// identifier 3, affected SSN, affected PC low octet first, subsystem
// multiplicity indicator).
func sst(ssn uint8) []byte { return []byte{3, ssn, scpPC, 0, 0} }

// ssa is the subsystem allowed the SCP answers with.
func ssa(ssn uint8) []byte { return []byte{1, ssn, scpPC, 0, 0} }

// user is the TCAP user of SSN 146.
type user struct {
	mu       sync.Mutex
	unitdata []sccp.Message
	notices  []sccp.Message
}

func clone(m *sccp.Message) sccp.Message {
	c := *m
	c.Data = bytes.Clone(m.Data)
	c.Optional = bytes.Clone(m.Optional)
	return c
}

func (u *user) HandleUnitdata(p routing.Path, m *sccp.Message) {
	u.mu.Lock()
	u.unitdata = append(u.unitdata, clone(m))
	u.mu.Unlock()
}

func (u *user) HandleNotice(p routing.Path, m *sccp.Message) {
	u.mu.Lock()
	u.notices = append(u.notices, clone(m))
	u.mu.Unlock()
}

func (u *user) PathLost(*m3ua.Association) {}

// take returns and forgets what the user got.
func (u *user) take() (unitdata, notices []sccp.Message) {
	u.mu.Lock()
	defer u.mu.Unlock()
	unitdata, notices = u.unitdata, u.notices
	u.unitdata, u.notices = nil, nil
	return unitdata, notices
}

// wired is one DATA the MSC received.
type wired struct {
	d   m3ua.Data
	m   sccp.Message
	err error
}

// msc is the far node's M3UA user: it decodes every DATA it gets.
type msc struct{ got chan wired }

func (s *msc) HandleData(a *m3ua.Association, d m3ua.Data) {
	d.Payload = bytes.Clone(d.Payload)
	w := wired{d: d}
	w.err = w.m.Decode(d.Payload)
	s.got <- w
}

func (s *msc) AssociationState(*m3ua.Association, m3ua.State) {}

type harness struct {
	r    *routing.Router
	user *user
	msc  *msc
	// tester is the calling address of the barrier's SST.
	tester sccp.Address
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// newHarness starts the SCP's M3UA node with the router as its user, and
// an MSC node that dials it, and waits until the association is active.
func newHarness(t *testing.T, cfg routing.Config, tester sccp.Address) *harness {
	t.Helper()
	h := &harness{user: &user{}, msc: &msc{got: make(chan wired, 1024)}, tester: tester}
	h.r = routing.New(nil, cfg, quiet())
	h.r.Register(sccp.SSNCAP, h.user)

	sc := m3ua.DefaultConfig()
	sc.PointCode = scpPC
	sc.Listen = transport.Config{Kind: transport.TCP, Local: []string{"127.0.0.1:0"}}
	sc.Peers = []m3ua.Peer{{Name: "msc", Remote: []string{"127.0.0.1"}, PointCode: mscPC}}
	scp, err := m3ua.NewNode(sc, h.r, quiet())
	if err != nil {
		t.Fatal(err)
	}
	h.r.SetNetwork(scp)
	if err := scp.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { scp.Close() })

	mc := m3ua.DefaultConfig()
	mc.PointCode = mscPC
	mc.DialTransport = transport.Config{Kind: transport.TCP}
	mc.Peers = []m3ua.Peer{{Name: "scp", Dial: true, Remote: []string{scp.Addr().String()}, PointCode: scpPC}}
	far, err := m3ua.NewNode(mc, h.msc, quiet())
	if err != nil {
		t.Fatal(err)
	}
	if err := far.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { far.Close() })

	for deadline := time.Now().Add(5 * time.Second); !h.r.Reachable(mscPC); {
		if time.Now().After(deadline) {
			t.Fatal("the M3UA association to the MSC never became active")
		}
		time.Sleep(5 * time.Millisecond)
	}
	return h
}

// data wraps an SCCP payload in M3UA DATA from the MSC.
func data(si uint8, opc uint32, payload []byte) m3ua.Data {
	return m3ua.Data{OPC: opc, DPC: scpPC, SI: si, NI: m3ua.NINational, SLS: sls, Payload: payload}
}

// sentUntilBarrier sends the barrier SST and returns what the MSC got
// before its SSA, checking the routing label of each.
func (h *harness) sentUntilBarrier(t *testing.T) []sccp.Message {
	t.Helper()
	b := data(m3ua.SISCCP, mscPC, encode(t, &sccp.Message{Type: sccp.UDT, Called: scpMgmt, Calling: h.tester, Data: sst(sccp.SSNCAP)}))
	b.SLS = barrierSLS
	h.r.HandleData(nil, b)
	var got []sccp.Message
	timeout := time.After(5 * time.Second)
	for {
		select {
		case w := <-h.msc.got:
			if w.err != nil {
				t.Fatalf("the SCP sent undecodable SCCP %x: %v", w.d.Payload, w.err)
			}
			if w.d.OPC != scpPC || w.d.DPC != mscPC || w.d.SI != m3ua.SISCCP {
				t.Errorf("routing label OPC %d DPC %d SI %d, want OPC %d DPC %d SI %d", w.d.OPC, w.d.DPC, w.d.SI, scpPC, mscPC, m3ua.SISCCP)
			}
			if w.d.SLS == barrierSLS {
				if !bytes.Equal(w.m.Data, ssa(sccp.SSNCAP)) {
					t.Fatalf("barrier answered with %s data %x, want SSA %x", w.m.Type, w.m.Data, ssa(sccp.SSNCAP))
				}
				return got
			}
			if w.d.SLS != sls {
				t.Errorf("answer on SLS %d, want the request's %d", w.d.SLS, sls)
			}
			got = append(got, w.m)
		case <-timeout:
			t.Fatal("no SSA to the barrier SST")
		}
	}
}

// delta is what the counters moved by, without the barrier's own
// ManagementIn and UnitdataOut (taken after).
func delta(before, after routing.Stats) routing.Stats {
	return routing.Stats{
		UnitdataIn: after.UnitdataIn - before.UnitdataIn, UnitdataOut: after.UnitdataOut - before.UnitdataOut,
		ServiceIn: after.ServiceIn - before.ServiceIn, ServiceOut: after.ServiceOut - before.ServiceOut,
		Malformed: after.Malformed - before.Malformed, RoutingFailures: after.RoutingFailures - before.RoutingFailures,
		ManagementIn: after.ManagementIn - before.ManagementIn, Screened: after.Screened - before.Screened,
		Segmented: after.Segmented - before.Segmented,
	}
}

type routeCase struct {
	name      string
	si        uint8 // 0: SCCP
	opc       uint32
	in        []byte
	delivered []sccp.Message // to the SSN 146 user (N-UNITDATA indication)
	notices   []sccp.Message // to the SSN 146 user (N-NOTICE indication)
	sent      []sccp.Message // back to the MSC
	stats     routing.Stats  // what the counters moved by
}

func (h *harness) run(t *testing.T, tests []routeCase) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			si, opc := tc.si, tc.opc
			if si == 0 {
				si = m3ua.SISCCP
			}
			if opc == 0 {
				opc = mscPC
			}
			before := h.r.Stats()
			h.r.HandleData(nil, data(si, opc, tc.in))
			moved := delta(before, h.r.Stats())
			sent := h.sentUntilBarrier(t)
			delivered, notices := h.user.take()
			if moved != tc.stats {
				t.Errorf("counters moved by %+v, want %+v", moved, tc.stats)
			}
			if !reflect.DeepEqual(delivered, tc.delivered) {
				t.Errorf("delivered to SSN 146:\n got %+v\nwant %+v", delivered, tc.delivered)
			}
			if !reflect.DeepEqual(notices, tc.notices) {
				t.Errorf("notices to SSN 146:\n got %+v\nwant %+v", notices, tc.notices)
			}
			if !reflect.DeepEqual(sent, tc.sent) {
				t.Errorf("sent to the MSC:\n got %+v\nwant %+v", sent, tc.sent)
			}
		})
	}
}

func TestRouting(t *testing.T) {
	h := newHarness(t, routing.Config{GlobalTitles: []string{"316123"}, ReturnOnError: true}, mscMgmt)

	udt := func(called, calling sccp.Address, roe bool) *sccp.Message {
		return sccp.NewUDT(called, calling, []byte{0x62, 0x00}, roe)
	}
	xudt := func(called, calling sccp.Address, roe bool) *sccp.Message {
		return sccp.NewXUDT(called, calling, []byte{0x62, 0x00}, roe)
	}
	udts := func(cause sccp.ReturnCause, in *sccp.Message) sccp.Message {
		return sccp.Message{Type: sccp.UDTS, ReturnCause: cause, Called: in.Calling, Calling: in.Called, Data: in.Data}
	}
	unequipped := with(scpSSN, func(a *sccp.Address) { a.SSN = sccp.SSNMSC })
	otherPC := with(scpSSN, func(a *sccp.Address) { a.PointCode = 5 })
	noSSN := with(scpSSN, func(a *sccp.Address) { a.SSN = 0 })
	noGT := sccp.Address{SSN: sccp.SSNCAP} // route on GT, but no GT
	foreignGT := sccp.Address{SSN: sccp.SSNCAP, GT: gt("4917000000")}

	tests := []routeCase{
		{
			// Q.713 §4.10: type 09, class 0 with return on error (0x80),
			// pointers 3/7/11, called = AI 0x43 (route on SSN, SSN, PC)
			// PC 2 SSN 146, calling PC 1 SSN 146, data ab cd.
			name: "UDT to our SSN, from octets",
			in:   unhex(t, "09 80 03 07 0b 04 43 02 00 92 04 43 01 00 92 02 ab cd"),
			delivered: []sccp.Message{{Type: sccp.UDT, ReturnOnError: true, Called: scpSSN, Calling: mscSSN,
				Data: []byte{0xab, 0xcd}}},
			stats: routing.Stats{UnitdataIn: 1},
		},
		{
			name:      "XUDT to our SSN",
			in:        encode(t, xudt(scpSSN, mscSSN, false)),
			delivered: []sccp.Message{*xudt(scpSSN, mscSSN, false)},
			stats:     routing.Stats{UnitdataIn: 1},
		},
		{
			name:      "UDT on a global title of ours with SSN 146",
			in:        encode(t, udt(scpGT, mscGT, true)),
			delivered: []sccp.Message{*udt(scpGT, mscGT, true)},
			stats:     routing.Stats{UnitdataIn: 1},
		},
		{
			name:      "UDT on a global title of ours without SSN goes to the default SSN",
			in:        encode(t, udt(scpGTNoSSN, mscGT, true)),
			delivered: []sccp.Message{*udt(scpGTNoSSN, mscGT, true)},
			stats:     routing.Stats{UnitdataIn: 1},
		},
		{
			// Q.714 §2.7, Q.713 §3.12: no user at the SSN.
			name:  "UDT to an unequipped SSN with return on error gets UDTS unequipped user",
			in:    encode(t, udt(unequipped, mscSSN, true)),
			sent:  []sccp.Message{udts(sccp.UnequippedUser, udt(unequipped, mscSSN, true))},
			stats: routing.Stats{RoutingFailures: 1, ServiceOut: 1},
		},
		{
			name: "XUDT to an unequipped SSN with return on error gets XUDTS",
			in:   encode(t, xudt(unequipped, mscSSN, true)),
			sent: []sccp.Message{{Type: sccp.XUDTS, ReturnCause: sccp.UnequippedUser, HopCounter: sccp.DefaultHopCounter,
				Called: mscSSN, Calling: unequipped, Data: []byte{0x62, 0x00}}},
			stats: routing.Stats{RoutingFailures: 1, ServiceOut: 1},
		},
		{
			name:  "UDT to an unequipped SSN without return on error is dropped and counted",
			in:    encode(t, udt(unequipped, mscSSN, false)),
			stats: routing.Stats{RoutingFailures: 1},
		},
		{
			name:  "UDT to a global title not ours gets UDTS no translation for this address",
			in:    encode(t, udt(foreignGT, mscGT, true)),
			sent:  []sccp.Message{udts(sccp.NoTranslationForAddress, udt(foreignGT, mscGT, true))},
			stats: routing.Stats{RoutingFailures: 1, ServiceOut: 1},
		},
		{
			name:  "UDT routed on a global title it lacks gets UDTS no translation for such nature",
			in:    encode(t, udt(noGT, mscSSN, true)),
			sent:  []sccp.Message{udts(sccp.NoTranslationForNature, udt(noGT, mscSSN, true))},
			stats: routing.Stats{RoutingFailures: 1, ServiceOut: 1},
		},
		{
			name:  "UDT to another point code gets UDTS no translation for this address",
			in:    encode(t, udt(otherPC, mscSSN, true)),
			sent:  []sccp.Message{udts(sccp.NoTranslationForAddress, udt(otherPC, mscSSN, true))},
			stats: routing.Stats{RoutingFailures: 1, ServiceOut: 1},
		},
		{
			name:  "UDT routed on SSN without one gets UDTS unqualified",
			in:    encode(t, udt(noSSN, mscSSN, true)),
			sent:  []sccp.Message{udts(sccp.Unqualified, udt(noSSN, mscSSN, true))},
			stats: routing.Stats{RoutingFailures: 1, ServiceOut: 1},
		},
		{
			// Q.714 §4.2: a service message never answers a service message.
			name:    "UDTS for our SSN is a notice to the user, never answered",
			in:      encode(t, &sccp.Message{Type: sccp.UDTS, ReturnCause: sccp.SubsystemFailure, Called: scpSSN, Calling: mscSSN, Data: []byte{0x62, 0x00}}),
			notices: []sccp.Message{{Type: sccp.UDTS, ReturnCause: sccp.SubsystemFailure, Called: scpSSN, Calling: mscSSN, Data: []byte{0x62, 0x00}}},
			stats:   routing.Stats{ServiceIn: 1},
		},
		{
			name:  "UDTS for an unequipped SSN is counted and dropped",
			in:    encode(t, &sccp.Message{Type: sccp.UDTS, ReturnCause: sccp.SubsystemFailure, Called: unequipped, Calling: mscSSN, Data: []byte{0x62, 0x00}}),
			stats: routing.Stats{ServiceIn: 1},
		},
		{
			// Q.714 §5.3.4: SST for an allowed subsystem gets SSA; Q.713
			// §5.1: SCMG travels in class 0 with no special option, so the
			// SSA never asks for return on error.
			name:  "SST for our SSN gets SSA",
			in:    encode(t, sccp.NewUDT(scpMgmt, mscMgmt, sst(sccp.SSNCAP), false)),
			sent:  []sccp.Message{{Type: sccp.UDT, Called: mscMgmt, Calling: mgmtReply, Data: ssa(sccp.SSNCAP)}},
			stats: routing.Stats{ManagementIn: 1, UnitdataOut: 1},
		},
		{
			name:  "SST for an unequipped SSN gets no answer",
			in:    encode(t, sccp.NewUDT(scpMgmt, mscMgmt, sst(sccp.SSNMSC), false)),
			stats: routing.Stats{ManagementIn: 1},
		},
		{
			name:  "SSP is counted only",
			in:    encode(t, sccp.NewUDT(scpMgmt, mscMgmt, []byte{2, sccp.SSNCAP, mscPC, 0, 0}, false)),
			stats: routing.Stats{ManagementIn: 1},
		},
		{
			name:  "SST too short gets no answer",
			in:    encode(t, sccp.NewUDT(scpMgmt, mscMgmt, []byte{3, sccp.SSNCAP}, false)),
			stats: routing.Stats{ManagementIn: 1},
		},
		{
			name:  "DATA for ISUP is not SCCP's",
			si:    m3ua.SIISUP,
			in:    []byte{0x01, 0x02, 0x03},
			stats: routing.Stats{RoutingFailures: 1},
		},
	}
	// Malformed SCCP: counted, never delivered, never answered (the
	// addresses to answer are unusable).
	for _, m := range []struct{ name, hex string }{
		{"empty", ""},
		{"connection request (not connectionless)", "01 01 02 03"},
		{"UDT without protocol class", "09"},
		{"UDT class 2", "09 02 03 07 0b 04 43 02 00 92 04 43 01 00 92 02 ab cd"},
		{"UDT cut after the pointers", "09 80 03 07 0b"},
		{"UDT called pointer beyond the end", "09 80 7f 07 0b 04 43 02 00 92 04 43 01 00 92 02 ab cd"},
		{"UDT zero pointer", "09 80 00 07 0b 04 43 02 00 92 04 43 01 00 92 02 ab cd"},
		{"UDT data longer than the message", "09 80 03 07 0b 04 43 02 00 92 04 43 01 00 92 09 ab cd"},
		{"UDT empty data", "09 80 03 07 0b 04 43 02 00 92 04 43 01 00 92 00"},
		{"UDT called GTI 5", "09 80 03 07 0b 04 57 02 00 92 04 43 01 00 92 02 ab cd"},
		{"UDT called PC cut short", "09 80 03 04 08 01 43 04 43 01 00 92 02 ab cd"},
		{"XUDT optional pointer beyond the end", "11 80 0f 04 08 0c 7f 04 43 02 00 92 04 43 01 00 92 02 ab cd"},
		{"UDTS cut after the return cause", "0a 01"},
	} {
		tests = append(tests, routeCase{name: "malformed " + m.name, in: unhex(t, m.hex), stats: routing.Stats{Malformed: 1}})
	}
	// A calling address answers could not be routed to: routed on a global
	// title it has not (Q.713 §3.4.1), it is taken as the OPC and its SSN;
	// with no SSN either, or routed on an SSN it has not, nothing can
	// answer it and it is dropped as malformed.
	mscByOPC := sccp.Address{RouteOnSSN: true, HasPC: true, PointCode: mscPC, SSN: sccp.SSNCAP}
	tests = append(tests,
		routeCase{
			name:      "UDT whose calling address is routed on a GT it has not is answered by the OPC",
			in:        encode(t, udt(scpSSN, noGT, true)),
			delivered: []sccp.Message{*udt(scpSSN, mscByOPC, true)},
			stats:     routing.Stats{UnitdataIn: 1},
		},
		routeCase{
			name:  "UDT to a foreign GT whose calling address has no GT is returned by the OPC",
			in:    encode(t, udt(foreignGT, noGT, true)),
			sent:  []sccp.Message{udts(sccp.NoTranslationForAddress, udt(foreignGT, mscByOPC, true))},
			stats: routing.Stats{RoutingFailures: 1, ServiceOut: 1},
		},
		routeCase{
			name:  "UDT whose calling address has neither GT nor SSN is dropped",
			in:    encode(t, udt(scpSSN, sccp.Address{}, true)),
			stats: routing.Stats{Malformed: 1},
		},
		routeCase{
			name:  "UDT whose calling address is routed on an SSN it has not is dropped",
			in:    encode(t, udt(scpSSN, with(mscSSN, func(a *sccp.Address) { a.SSN = 0 }), true)),
			stats: routing.Stats{Malformed: 1},
		},
	)
	h.run(t, tests)
}

func TestScreening(t *testing.T) {
	// Only calling parties with a global title under 31611, or point
	// code 7 (in the address or as the OPC), may reach the node.
	allowedPC := with(mscSSN, func(a *sccp.Address) { a.PointCode = 7 })
	tester := with(mscMgmt, func(a *sccp.Address) { a.PointCode = 7 })
	h := newHarness(t, routing.Config{ReturnOnError: true, AllowedCallingGT: []string{"31611"}, AllowedCallingPC: []uint32{7}}, tester)

	strangerGT := sccp.Address{SSN: sccp.SSNMSC, GT: gt("4917000000")}
	unequipped := with(scpSSN, func(a *sccp.Address) { a.SSN = sccp.SSNMSC })
	msg := func(called, calling sccp.Address) *sccp.Message {
		return sccp.NewUDT(called, calling, []byte{0x62, 0x00}, true)
	}
	h.run(t, []routeCase{
		{
			name:      "calling global title allowed",
			in:        encode(t, msg(scpSSN, mscGT)),
			delivered: []sccp.Message{*msg(scpSSN, mscGT)},
			stats:     routing.Stats{UnitdataIn: 1},
		},
		{
			name:      "calling point code in the address allowed",
			in:        encode(t, msg(scpSSN, allowedPC)),
			delivered: []sccp.Message{*msg(scpSSN, allowedPC)},
			stats:     routing.Stats{UnitdataIn: 1},
		},
		{
			name:      "OPC allowed",
			opc:       7,
			in:        encode(t, msg(scpSSN, mscSSN)),
			delivered: []sccp.Message{*msg(scpSSN, mscSSN)},
			stats:     routing.Stats{UnitdataIn: 1},
		},
		{
			name:  "calling point code not allowed",
			in:    encode(t, msg(scpSSN, mscSSN)),
			stats: routing.Stats{Screened: 1},
		},
		{
			name:  "calling global title not allowed",
			in:    encode(t, msg(scpSSN, strangerGT)),
			stats: routing.Stats{Screened: 1},
		},
		{
			// Screening answers nothing, not even the UDTS asked for.
			name:  "stranger to an unequipped SSN gets no UDTS",
			in:    encode(t, msg(unequipped, mscSSN)),
			stats: routing.Stats{Screened: 1},
		},
		{
			name:  "stranger's UDTS is no notice",
			in:    encode(t, &sccp.Message{Type: sccp.UDTS, ReturnCause: sccp.SubsystemFailure, Called: scpSSN, Calling: mscSSN, Data: []byte{0x62, 0x00}}),
			stats: routing.Stats{Screened: 1},
		},
		{
			name:  "stranger's SST gets no SSA",
			in:    encode(t, sccp.NewUDT(scpMgmt, mscMgmt, sst(sccp.SSNCAP), false)),
			stats: routing.Stats{Screened: 1},
		},
	})
}

// TestDamagedMessages feeds every truncation and many corruptions of a
// valid UDT and XUDT: nothing panics, and every message is counted exactly
// once (delivered, returned, management, screened or malformed).
func TestDamagedMessages(t *testing.T) {
	h := newHarness(t, routing.Config{GlobalTitles: []string{"316123"}, ReturnOnError: true}, mscMgmt)
	total := func(s routing.Stats) uint64 {
		return s.UnitdataIn + s.ServiceIn + s.Malformed + s.RoutingFailures + s.ManagementIn + s.Screened + s.Segmented
	}
	for _, m := range []*sccp.Message{
		sccp.NewUDT(scpGT, mscGT, []byte{0x62, 0x03, 0x48, 0x01, 0x01}, true),
		sccp.NewXUDT(scpSSN, mscSSN, []byte{0x62, 0x03, 0x48, 0x01, 0x01}, true),
	} {
		valid := encode(t, m)
		var inputs [][]byte
		for n := range valid {
			inputs = append(inputs, valid[:n])
		}
		for i := range valid {
			for _, v := range []byte{0x00, 0x01, 0x7f, 0x80, 0xff, valid[i] ^ 0x40} {
				b := bytes.Clone(valid)
				b[i] = v
				inputs = append(inputs, b)
			}
		}
		before := h.r.Stats()
		for _, in := range inputs {
			h.r.HandleData(nil, data(m3ua.SISCCP, mscPC, in))
		}
		after := h.r.Stats()
		if got := total(after) - total(before); got != uint64(len(inputs)) {
			t.Errorf("%s: %d damaged messages, %d counted (%+v)", m.Type, len(inputs), got, delta(before, after))
		}
		// Every truncation is malformed.
		if got := after.Malformed - before.Malformed; got < uint64(len(valid)) {
			t.Errorf("%s: %d malformed, want at least the %d truncations", m.Type, got, len(valid))
		}
		h.sentUntilBarrier(t) // drains what was answered; fails on undecodable output
		h.user.take()
	}
}
