package m3ua

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"log/slog"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/wmnsk/go-m3ua/messages"
	"github.com/wmnsk/go-m3ua/messages/params"

	"github.com/scpd/scpd/sigtran/transport"
)

// recorder is a Handler that keeps what the node delivers.
type recorder struct {
	mu     sync.Mutex
	data   []Data
	states []State
	got    chan Data
	change chan State
}

func newRecorder() *recorder {
	return &recorder{got: make(chan Data, 100), change: make(chan State, 100)}
}

func (r *recorder) HandleData(a *Association, d Data) {
	r.mu.Lock()
	r.data = append(r.data, d)
	r.mu.Unlock()
	r.got <- d
}

func (r *recorder) AssociationState(a *Association, s State) {
	r.mu.Lock()
	r.states = append(r.states, s)
	r.mu.Unlock()
	r.change <- s
}

func (r *recorder) waitState(t *testing.T, want State) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case s := <-r.change:
			if s == want {
				return
			}
		case <-deadline:
			t.Fatalf("state %v not reached", want)
		}
	}
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

const scpPC, mscPC = 2, 1

func sgpNode(t *testing.T, mutate func(*Config)) (*Node, *recorder) {
	t.Helper()
	return sgpNodeLog(t, quietLog(), mutate)
}

// sgpNodeLog is sgpNode logging to log.
func sgpNodeLog(t *testing.T, log *slog.Logger, mutate func(*Config)) (*Node, *recorder) {
	t.Helper()
	cfg := DefaultConfig()
	cfg.PointCode = scpPC
	cfg.Listen = transport.Config{Kind: transport.TCP, Local: []string{"127.0.0.1:0"}}
	cfg.Peers = []Peer{{Name: "msc1", Remote: []string{"127.0.0.1"}, PointCode: mscPC, RoutingContext: 7}}
	if mutate != nil {
		mutate(&cfg)
	}
	rec := newRecorder()
	n, err := NewNode(cfg, rec, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return n, rec
}

// testASP plays an MSC's ASP over a raw TCP connection.
type testASP struct {
	t *testing.T
	c net.Conn
}

func dialASP(t *testing.T, addr net.Addr, local string) *testASP {
	t.Helper()
	d := net.Dialer{Timeout: 2 * time.Second}
	if local != "" {
		d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(local)}
	}
	c, err := d.Dial("tcp", addr.String())
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
	p.sendRaw(b)
}

func (p *testASP) sendRaw(b []byte) {
	p.t.Helper()
	if _, err := p.c.Write(b); err != nil {
		p.t.Fatal(err)
	}
}

// recv reads the next message; io errors are returned as nil.
func (p *testASP) recv() messages.M3UA {
	p.t.Helper()
	p.c.SetReadDeadline(time.Now().Add(3 * time.Second))
	var hdr [8]byte
	if _, err := io.ReadFull(p.c, hdr[:]); err != nil {
		return nil
	}
	b := make([]byte, binary.BigEndian.Uint32(hdr[4:]))
	copy(b, hdr[:])
	if _, err := io.ReadFull(p.c, b[8:]); err != nil {
		return nil
	}
	m, err := messages.Parse(b)
	if err != nil {
		p.t.Fatalf("peer sent undecodable %x: %v", b, err)
	}
	return m
}

func (p *testASP) expect(want string) messages.M3UA {
	p.t.Helper()
	m := p.recv()
	if m == nil {
		p.t.Fatalf("connection closed, want %s", want)
	}
	if m.MessageTypeName() != want {
		p.t.Fatalf("got %s, want %s", m.MessageTypeName(), want)
	}
	return m
}

func (p *testASP) expectErr(code ErrorCode) *messages.Error {
	p.t.Helper()
	m := p.expect("Error").(*messages.Error)
	if got := ErrorCode(binary.BigEndian.Uint32(m.ErrorCode.Data)); got != code {
		p.t.Fatalf("ERR code %v, want %v", got, code)
	}
	return m
}

func (p *testASP) activate(rc uint32) {
	p.t.Helper()
	p.send(messages.NewAspUp(nil, nil))
	p.expect("ASP Up Ack")
	p.send(messages.NewAspActive(params.NewTrafficModeType(uint32(Loadshare)), params.NewRoutingContext(rc), nil))
	p.expect("ASP Active Ack")
	p.expect("Notify")
}

func dataMsg(t *testing.T, opc, dpc uint32, rc uint32) []byte {
	d := Data{OPC: opc, DPC: dpc, SI: SISCCP, NI: NINational, SLS: 3, Payload: []byte{9, 0, 3, 5, 7, 2, 0x42, 0x92, 2, 0x42, 0x92, 1, 0x61}}
	if rc != 0 {
		d.RoutingContext, d.HasRoutingContext = rc, true
	}
	b, err := d.Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSGPAcceptsConfiguredASP(t *testing.T) {
	n, rec := sgpNode(t, nil)
	p := dialASP(t, n.Addr(), "127.0.0.1")
	p.activate(7)
	rec.waitState(t, StateActive)

	p.sendRaw(dataMsg(t, mscPC, scpPC, 7))
	select {
	case d := <-rec.got:
		if d.OPC != mscPC || d.DPC != scpPC || len(d.Payload) != 13 {
			t.Fatalf("delivered %+v", d)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("DATA not delivered")
	}

	// BEAT is echoed.
	p.send(messages.NewHeartbeat(params.NewHeartbeatData([]byte("ping"))))
	ack := p.expect("Heartbeat Ack").(*messages.HeartbeatAck)
	if string(ack.HeartbeatData.Data) != "ping" {
		t.Fatalf("BEAT ACK data %q", ack.HeartbeatData.Data)
	}

	// The node sends DATA back to the peer it routes the DPC to.
	if err := n.Send(Data{OPC: scpPC, DPC: mscPC, SI: SISCCP, NI: NINational, SLS: 1, Payload: []byte{1, 2, 3}}); err != nil {
		t.Fatal(err)
	}
	back := p.expect("Payload Data").(*messages.Data)
	pd, _ := back.ProtocolData.ProtocolData()
	if pd.DestinationPointCode != mscPC || back.RoutingContext == nil {
		t.Fatalf("DATA sent back: %+v", back)
	}

	// ASP Inactive, then Down.
	p.send(messages.NewAspInactive(params.NewRoutingContext(7), nil))
	p.expect("ASP Inactive Ack")
	rec.waitState(t, StateInactive)
	if err := n.Send(Data{DPC: mscPC, Payload: []byte{1}}); err == nil {
		t.Fatal("send on an inactive AS succeeded")
	}
	p.send(messages.NewAspDown(nil))
	p.expect("ASP Down Ack")
	rec.waitState(t, StateDown)
}

func TestSGPRefusesUnconfiguredPeer(t *testing.T) {
	n, _ := sgpNode(t, func(c *Config) { c.Peers[0].Remote = []string{"127.0.0.2"} })
	p := dialASP(t, n.Addr(), "127.0.0.1")
	p.expectErr(ErrCodeRefusedManagementBlocking)
	if m := p.recv(); m != nil {
		t.Fatalf("connection stayed open, got %s", m.MessageTypeName())
	}
	if n.Refused() != 1 {
		t.Fatalf("refused count %d", n.Refused())
	}
}

func TestSGPAnswersFaultsAndStaysUp(t *testing.T) {
	n, rec := sgpNode(t, nil)
	p := dialASP(t, n.Addr(), "127.0.0.1")

	p.sendRaw(dataMsg(t, mscPC, scpPC, 7)) // DATA before ASPUP
	p.expectErr(ErrCodeUnexpectedMessage)
	p.send(messages.NewAspActive(nil, params.NewRoutingContext(7), nil)) // ASPAC before ASPUP
	p.expectErr(ErrCodeUnexpectedMessage)

	p.send(messages.NewAspUp(nil, nil))
	p.expect("ASP Up Ack")
	p.send(messages.NewAspActive(nil, params.NewRoutingContext(99), nil)) // wrong RC
	p.expectErr(ErrCodeInvalidRoutingContext)
	p.send(messages.NewAspActive(params.NewTrafficModeType(3), params.NewRoutingContext(7), nil)) // broadcast
	p.expectErr(ErrCodeUnsupportedTrafficMode)
	p.activate(7)
	rec.waitState(t, StateActive)

	p.sendRaw([]byte{1, 0, 0x0f, 1, 0, 0, 0, 8}) // unknown class
	// The ERR shows the message refused (Diagnostic Information).
	if e := p.expectErr(ErrCodeUnsupportedMessageClass); e.DiagnosticInformation == nil ||
		!bytes.Equal(e.DiagnosticInformation.Data, []byte{1, 0, 0x0f, 1, 0, 0, 0, 8}) {
		t.Fatalf("ERR for an unknown class without the message: %+v", e.DiagnosticInformation)
	}
	// Routing key management: a class this node has not got (§4.4.1).
	p.sendRaw([]byte{1, 0, 9, 1, 0, 0, 0, 12, 0x02, 0x07, 0, 4}) // REG REQ
	p.expectErr(ErrCodeUnsupportedMessageClass)
	// Another version (over TCP too, framed by its length): ERR Invalid
	// Version, and the association stays up (§3.8.1).
	p.sendRaw([]byte{2, 0, 3, 3, 0, 0, 0, 8}) // BEAT of version 2
	p.expectErr(ErrCodeInvalidVersion)
	p.sendRaw([]byte{1, 0, 3, 9, 0, 0, 0, 8}) // unknown ASPSM type
	p.expectErr(ErrCodeUnsupportedMessageType)
	// go-m3ua keys messages by class<<4|type: class 0x24 type 0x41 would
	// alias ASPAC (4, 1) and class 3 type 0x11 ASPUP (3, 1).
	p.sendRaw([]byte{1, 0, 0x24, 0x41, 0, 0, 0, 8})
	p.expectErr(ErrCodeUnsupportedMessageClass)
	p.sendRaw([]byte{1, 0, 3, 0x11, 0, 0, 0, 8})
	p.expectErr(ErrCodeUnsupportedMessageType)
	p.sendRaw(dataMsg(t, mscPC, scpPC, 8)) // DATA with another RC
	// The ERR names the Routing Context refused (§3.8.1: MUST).
	if e := p.expectErr(ErrCodeInvalidRoutingContext); e.RoutingContext == nil || !bytes.Equal(e.RoutingContext.Data, []byte{0, 0, 0, 8}) {
		t.Fatalf("ERR Invalid Routing Context without the RC: %+v", e.RoutingContext)
	}
	p.sendRaw(dataMsg(t, mscPC, 77, 7)) // DATA for another DPC: unavailable through this node
	if m := p.expect("Destination Unavailable").(*messages.DestinationUnavailable); m.AffectedPointCode == nil ||
		!bytes.Equal(m.AffectedPointCode.Data, []byte{0, 0, 0, 77}) {
		t.Fatalf("DUNA for another DPC names %+v, want 77", m.AffectedPointCode)
	}
	bad := dataMsg(t, mscPC, scpPC, 7)
	bad[18], bad[19] = 0, 6 // protocol data of 2 octets: shorter than a routing label
	p.sendRaw(bad)
	p.expectErr(ErrCodeParameterFieldError)

	// Still up: good DATA goes through.
	p.sendRaw(dataMsg(t, mscPC, scpPC, 7))
	select {
	case <-rec.got:
	case <-time.After(3 * time.Second):
		t.Fatal("association did not survive the faults")
	}

	// DAUD: this node is available, an unknown PC is not.
	p.send(messages.NewDestinationStateAudit(nil, params.NewRoutingContext(7), params.NewAffectedPointCode(scpPC, 999), nil))
	p.expect("Destination Available")
	p.expect("Destination Unavailable")

	// ASPUP while active (the ASP restarted): acknowledged, reported as
	// unexpected, and the ASP is inactive until its next ASPAC (§4.3.4.1).
	p.send(messages.NewAspUp(nil, nil))
	p.expect("ASP Up Ack")
	p.expectErr(ErrCodeUnexpectedMessage)
	rec.waitState(t, StateInactive)
	p.send(messages.NewAspActive(params.NewTrafficModeType(uint32(Loadshare)), params.NewRoutingContext(7), nil))
	p.expect("ASP Active Ack")
	p.expect("Notify")
	rec.waitState(t, StateActive)

	// DATA from a point code the peer is not configured for: ERR, then closed.
	p.sendRaw(dataMsg(t, 55, scpPC, 7))
	p.expectErr(ErrCodeRefusedManagementBlocking)
	if m := p.recv(); m != nil {
		t.Fatalf("association stayed up after a foreign OPC: %s", m.MessageTypeName())
	}
	rec.waitState(t, StateClosed)
}

func TestSilentPeerClosed(t *testing.T) {
	n, rec := sgpNode(t, func(c *Config) { c.BeatInterval, c.BeatTimeout = 50*time.Millisecond, 200*time.Millisecond })
	p := dialASP(t, n.Addr(), "127.0.0.1")
	p.activate(7)
	p.expect("Heartbeat") // the node checks on the silent peer
	start := time.Now()
	rec.waitState(t, StateClosed)
	if time.Since(start) > 2*time.Second {
		t.Fatalf("silent peer closed after %v", time.Since(start))
	}
}

func TestASPDialsAndRedials(t *testing.T) {
	sg, sgRec := sgpNode(t, func(c *Config) { c.Peers[0].Name = "scp-as-asp" })
	cfg := DefaultConfig()
	cfg.PointCode = mscPC
	cfg.ReconnectMin, cfg.ReconnectMax = 20*time.Millisecond, 100*time.Millisecond
	cfg.DialTransport = transport.Config{Kind: transport.TCP}
	cfg.Peers = []Peer{{Name: "sg", Dial: true, Remote: []string{sg.Addr().String()}, PointCode: scpPC, RoutingContext: 7}}
	rec := newRecorder()
	asp, err := NewNode(cfg, rec, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	if err := asp.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer asp.Close()
	rec.waitState(t, StateActive)
	sgRec.waitState(t, StateActive)

	if err := asp.Send(Data{OPC: mscPC, DPC: scpPC, SI: SISCCP, SLS: 2, Payload: []byte{7}}); err != nil {
		t.Fatal(err)
	}
	select {
	case d := <-sgRec.got:
		if d.RoutingContext != 7 || !d.HasRoutingContext {
			t.Fatalf("RC not sent: %+v", d)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("DATA from the ASP not delivered")
	}

	// The SG drops the association: the ASP notices and comes back.
	for _, a := range sg.Associations() {
		a.Close()
	}
	rec.waitState(t, StateClosed)
	rec.waitState(t, StateActive)
}

func TestRouteTrafficModes(t *testing.T) {
	n := &Node{current: map[*Association]struct{}{}}
	mk := func(name string, pc uint32, mode TrafficMode, since int64) *Association {
		p := &Peer{Name: name, PointCode: pc, TrafficMode: mode, RoutingContext: 1}
		a := &Association{peer: p, id: associationIDs.Add(1)}
		a.state.Store(int32(StateActive))
		a.trafficMode.Store(uint32(mode))
		a.activeSince.Store(since)
		n.current[a] = struct{}{}
		return a
	}
	a := mk("stp-a", 10, Loadshare, 1)
	b := mk("stp-b", 10, Loadshare, 2)
	seen := map[*Association]bool{}
	for sls := uint8(0); sls < 16; sls++ {
		r, err := n.Route(10, sls)
		if err != nil {
			t.Fatal(err)
		}
		seen[r] = true
	}
	if !seen[a] || !seen[b] {
		t.Fatal("loadshare did not use both associations")
	}
	r1, _ := n.Route(10, 4)
	r2, _ := n.Route(10, 4)
	if r1 != r2 {
		t.Fatal("one SLS took two routes: in-sequence delivery broken")
	}
	a.trafficMode.Store(uint32(Override))
	b.trafficMode.Store(uint32(Override))
	for sls := uint8(0); sls < 8; sls++ {
		if r, _ := n.Route(10, sls); r != b {
			t.Fatal("override did not pick the newest active association")
		}
	}
	if _, err := n.Route(11, 0); err == nil {
		t.Fatal("route to an unreachable DPC")
	}
}

func TestConfigValidate(t *testing.T) {
	base := func() Config {
		c := DefaultConfig()
		c.PointCode = 2
		c.Peers = []Peer{{Name: "msc", Remote: []string{"10.0.0.1"}, PointCode: 1}}
		return c
	}
	bad := map[string]func(*Config){
		"zero point code":     func(c *Config) { c.PointCode = 0 },
		"pc above 14 bits":    func(c *Config) { c.PointCode = 1 << 14 },
		"beat timeout short":  func(c *Config) { c.BeatTimeout = c.BeatInterval },
		"duplicate peer":      func(c *Config) { c.Peers = append(c.Peers, c.Peers[0]) },
		"peer without remote": func(c *Config) { c.Peers[0].Remote = nil },
		"dial without port":   func(c *Config) { c.Peers[0].Dial = true },
		"hostname":            func(c *Config) { c.Peers[0].Remote = []string{"msc.example"} },
		"peer without pc":     func(c *Config) { c.Peers[0].PointCode = 0 },
		"broadcast":           func(c *Config) { c.Peers[0].TrafficMode = 3 },
	}
	for name, f := range bad {
		c := base()
		f(&c)
		if err := c.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	c := base()
	if err := c.Validate(); err != nil || c.Peers[0].TrafficMode != Loadshare {
		t.Fatalf("good config: %v, mode %v", err, c.Peers[0].TrafficMode)
	}
}
