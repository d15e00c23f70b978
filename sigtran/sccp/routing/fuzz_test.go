package routing

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wmnsk/go-m3ua/messages"
	"github.com/wmnsk/go-m3ua/messages/params"

	"github.com/scpd/scpd/sigtran/m3ua"
	"github.com/scpd/scpd/sigtran/pcap/captured"
	"github.com/scpd/scpd/sigtran/sccp"
	"github.com/scpd/scpd/sigtran/transport"
)

const fuzzSCP, fuzzMSC = 2, 1

// recordingUser is the CAP subsystem: it keeps what the router delivers.
type recordingUser struct {
	mu       sync.Mutex
	unitdata []sccp.Message
	notices  []sccp.Message
}

func (u *recordingUser) HandleUnitdata(_ Path, m *sccp.Message) {
	u.mu.Lock()
	u.unitdata = append(u.unitdata, *m)
	u.mu.Unlock()
}

func (u *recordingUser) HandleNotice(_ Path, m *sccp.Message) {
	u.mu.Lock()
	u.notices = append(u.notices, *m)
	u.mu.Unlock()
}

func (u *recordingUser) PathLost(*m3ua.Association) {}

func (u *recordingUser) take() (unitdata, notices []sccp.Message) {
	u.mu.Lock()
	defer u.mu.Unlock()
	unitdata, notices = u.unitdata, u.notices
	u.unitdata, u.notices = nil, nil
	return
}

// routerBench is an SCCP node (point code 2) over a real M3UA node with
// one active association from an MSC (point code 1) over loopback TCP;
// the MSC side reads what the node sends back.
type routerBench struct {
	routers [2]*Router // plain; GT-restricted, XUDT, with calling-party screening
	users   [2]*recordingUser
	assoc   *m3ua.Association
	fromSCP chan []byte
}

var bench = sync.OnceValues(func() (*routerBench, error) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	b := &routerBench{fromSCP: make(chan []byte, 64)}
	cfgs := [2]Config{{ReturnOnError: true},
		{GlobalTitles: []string{"3161"}, XUDT: true, AllowedCallingGT: []string{"3160", "4917"}, AllowedCallingPC: []uint32{fuzzMSC}}}
	for i := range b.routers {
		b.routers[i] = New(nil, cfgs[i], log)
		b.users[i] = new(recordingUser)
		b.routers[i].Register(sccp.SSNCAP, b.users[i])
	}
	cfg := m3ua.DefaultConfig()
	cfg.PointCode = fuzzSCP
	cfg.BeatInterval = 0 // the MSC side stays silent
	cfg.Listen = transport.Config{Kind: transport.TCP, Local: []string{"127.0.0.1:0"}}
	cfg.Peers = []m3ua.Peer{{Name: "msc", Remote: []string{"127.0.0.1"}, PointCode: fuzzMSC, RoutingContext: 7}}
	node, err := m3ua.NewNode(cfg, b.routers[0], log)
	if err != nil {
		return nil, err
	}
	for _, r := range b.routers {
		r.SetNetwork(node)
	}
	if err := node.Start(context.Background()); err != nil {
		return nil, err
	}
	c, err := net.DialTimeout("tcp", node.Addr().String(), 5*time.Second)
	if err != nil {
		return nil, err
	}
	read := func() ([]byte, error) {
		var hdr [8]byte
		if _, err := io.ReadFull(c, hdr[:]); err != nil {
			return nil, err
		}
		msg := make([]byte, binary.BigEndian.Uint32(hdr[4:]))
		copy(msg, hdr[:])
		_, err := io.ReadFull(c, msg[8:])
		return msg, err
	}
	for _, m := range []messages.M3UA{messages.NewAspUp(nil, nil),
		messages.NewAspActive(params.NewTrafficModeType(uint32(m3ua.Loadshare)), params.NewRoutingContext(7), nil)} {
		raw, err := m.MarshalBinary()
		if err != nil {
			return nil, err
		}
		if _, err := c.Write(raw); err != nil {
			return nil, err
		}
	}
	// ASPUP ACK, ASPAC ACK, NTFY.
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	for range 3 {
		if _, err := read(); err != nil {
			return nil, fmt.Errorf("activating: %w", err)
		}
	}
	c.SetReadDeadline(time.Time{})
	for _, a := range node.Associations() {
		if a.State() == m3ua.StateActive {
			b.assoc = a
		}
	}
	if b.assoc == nil {
		return nil, fmt.Errorf("no active association")
	}
	go func() {
		for {
			msg, err := read()
			if err != nil {
				close(b.fromSCP)
				return
			}
			b.fromSCP <- msg
		}
	}()
	return b, nil
})

// next returns the next message the node sent to the MSC.
func (b *routerBench) next(t *testing.T, what string) sccp.Message {
	t.Helper()
	select {
	case raw, ok := <-b.fromSCP:
		if !ok {
			t.Fatalf("association closed, want %s", what)
		}
		d, err := m3ua.DecodeData(raw)
		if err != nil {
			t.Fatalf("node sent %x for %s: %v", raw, what, err)
		}
		if d.OPC != fuzzSCP || d.SI != m3ua.SISCCP {
			t.Fatalf("node sent %+v for %s", d, what)
		}
		var m sccp.Message
		if err := m.Decode(d.Payload); err != nil {
			t.Fatalf("node sent SCCP %x for %s that does not decode: %v", d.Payload, what, err)
		}
		return m
	case <-time.After(5 * time.Second):
		t.Fatalf("nothing sent, want %s", what)
	}
	panic("unreachable")
}

// capturedSCCP returns the SCCP messages of the repository's captures.
func capturedSCCP(tb testing.TB) [][]byte {
	tb.Helper()
	var out [][]byte
	for _, capture := range captured.DATA(tb, "*.pcap") {
		for _, d := range capture {
			out = append(out, d.Payload)
		}
	}
	if len(out) == 0 {
		tb.Fatal("no SCCP message in the captures")
	}
	return out
}

// FuzzRouter hands the router raw SCCP messages as M3UA DATA from the
// MSC's association. No input may panic; each is counted exactly once
// (malformed, screened, service, routing failure, management or
// delivered); what is delivered reaches the CAP user unchanged; a UDT or
// XUDT that cannot be delivered and asked for return on error is answered
// with a UDTS or XUDTS that carries its data back to its calling party,
// unless that answer cannot be encoded; an SST for the CAP subsystem is
// answered with SSA; nothing else is sent.
func FuzzRouter(f *testing.F) {
	for i, p := range capturedSCCP(f) {
		if i < 24 {
			f.Add(uint8(i), p)
		}
	}
	for _, s := range []string{
		"09 80 03 07 12 04 43 02 00 92 0b 12 92 00 11 04 13 16 32 54 76 08 08 64 06 49 04 00 00 00 01", // UDT, return on error, GT called
		"09 80 03 05 07 02 42 01 02 42 01 05 03 92 02 00 00",                                           // SST for SSN 146
		"09 80 03 05 07 02 42 05 02 42 01 05 03 92 02 00 00",                                           // UDT to unequipped SSN 5
		"11 80 0f 04 08 13 00 04 43 02 00 92 0b 12 92 00 11 04 13 16 32 54 76 08 08 64 06 49 04 00 00 00 01",
		"0a 04 03 0e 12 0b 12 92 00 11 04 13 16 32 54 76 08 04 43 02 00 92 08 64 06 49 04 00 00 00 01", // UDTS
		"09 80 03 07 0b 04 43 05 00 92 04 43 01 00 92 03 01 02 03",                                     // UDT to point code 5: not this node
	} {
		b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(0), b)
		f.Add(uint8(1), b)
	}
	f.Fuzz(func(t *testing.T, sel uint8, payload []byte) {
		b, err := bench()
		if err != nil {
			t.Fatal(err)
		}
		k := int(sel & 1)
		r, u := b.routers[k], b.users[k]
		d := m3ua.Data{OPC: fuzzMSC, DPC: fuzzSCP, SI: m3ua.SISCCP, NI: m3ua.NINational, SLS: sel >> 4, Payload: payload}
		if sel&6 == 6 {
			d.SI = 5 // ISUP
		}
		if sel&8 != 0 {
			d.OPC = 9 // a point code the screening does not know
		}
		var m sccp.Message
		decodeErr := m.Decode(payload)

		before := r.Stats()
		r.HandleData(b.assoc, d)
		after := r.Stats()
		unitdata, notices := u.take()

		delta := func(a, b uint64) uint64 { return b - a }
		in := map[string]uint64{
			"malformed": delta(before.Malformed, after.Malformed), "screened": delta(before.Screened, after.Screened),
			"service": delta(before.ServiceIn, after.ServiceIn), "routing failure": delta(before.RoutingFailures, after.RoutingFailures),
			"management": delta(before.ManagementIn, after.ManagementIn), "delivered": delta(before.UnitdataIn, after.UnitdataIn),
			"segmented": delta(before.Segmented, after.Segmented),
		}
		var counted []string
		for name, n := range in {
			for range n {
				counted = append(counted, name)
			}
		}
		if len(counted) != 1 {
			t.Fatalf("%x counted as %v", payload, counted)
		}
		kind := counted[0]
		switch {
		case d.SI != m3ua.SISCCP:
			if kind != "routing failure" {
				t.Fatalf("DATA for SI %d counted as %s", d.SI, kind)
			}
		case decodeErr != nil:
			if kind != "malformed" {
				t.Fatalf("%x does not decode (%v) but counted as %s", payload, decodeErr, kind)
			}
		case kind == "malformed" && !unanswerable(m.Calling, d.OPC):
			t.Fatalf("%x decodes but counted as malformed", payload)
		case kind != "malformed" && unanswerable(m.Calling, d.OPC):
			t.Fatalf("%x: calling %v cannot be answered, counted as %s", payload, m.Calling, kind)
		}
		// Routed on a GT it has not, the calling address is taken as the OPC.
		if c := m.Calling; !c.RouteOnSSN && c.GT.Indicator == sccp.GTINone {
			m.Calling = sccp.Address{RouteOnSSN: true, HasPC: true, PointCode: uint16(d.OPC), SSN: c.SSN}
		}
		if kind != "delivered" && len(unitdata) != 0 || kind == "delivered" && len(unitdata) != 1 {
			t.Fatalf("%s, and the user got %d messages", kind, len(unitdata))
		}
		if kind == "delivered" && !reflect.DeepEqual(unitdata[0], m) {
			t.Fatalf("delivered %+v, decoded %+v", unitdata[0], m)
		}
		if len(notices) != 0 && (kind != "service" || len(notices) != 1) {
			t.Fatalf("%s, and the user got %d notices", kind, len(notices))
		}

		serviceOut := delta(before.ServiceOut, after.ServiceOut)
		unitdataOut := delta(before.UnitdataOut, after.UnitdataOut)
		// returned checks the return procedure (Q.714 §4.2): the UDTS or
		// XUDTS sent when the message asked for one and it encodes, with
		// the message's data and no return option of its own; nil when
		// none was due (and none was sent).
		returned := func() *sccp.Message {
			want := sccp.ServiceFor(&m, sccp.Unqualified)
			var encErr error
			if want != nil {
				_, encErr = want.Append(nil)
			}
			switch {
			case want == nil || encErr != nil:
				if serviceOut != 0 {
					t.Fatalf("%+v: a service message was sent (return on error %v, encodes: %v)", m, m.ReturnOnError, encErr)
				}
				return nil
			case serviceOut != 1:
				t.Fatalf("%+v asked for return on error, none sent", m)
			}
			s := b.next(t, want.Type.String())
			if s.Type != want.Type || !bytes.Equal(s.Data, m.Data) || s.ReturnOnError {
				t.Fatalf("%+v answered with %+v", m, s)
			}
			return &s
		}
		switch {
		case kind == "routing failure" && d.SI == m3ua.SISCCP:
			if s := returned(); s != nil {
				// An XUDT routed on its global title with no hop left, or
				// with a hop counter out of 1..15 however routed, is a hop
				// counter violation (Q.714 §2.3, Q.713 §3.18), checked first.
				hopless := m.Type == sccp.XUDT && (!m.Called.RouteOnSSN && m.HopCounter <= 1 || m.HopCounter == 0 || m.HopCounter > 15)
				switch s.ReturnCause {
				case sccp.NoTranslationForNature, sccp.NoTranslationForAddress, sccp.UnequippedUser, sccp.Unqualified:
					if hopless {
						t.Fatalf("XUDT with hop counter %d returned with cause %v, not hop counter violation", m.HopCounter, s.ReturnCause)
					}
				case sccp.HopCounterViolation:
					if !hopless {
						t.Fatalf("%+v returned with cause hop counter violation", m)
					}
				default:
					t.Fatalf("UDTS cause %v", s.ReturnCause)
				}
			}
			if unitdataOut != 0 {
				t.Fatalf("routing failure answered with unitdata")
			}
		case kind == "segmented":
			// One segment of several: returned with cause 10 if it asked.
			if m.Type != sccp.XUDT {
				t.Fatalf("%+v counted as a segment", m)
			}
			if s := returned(); s != nil && s.ReturnCause != sccp.ReassemblyNotPossible {
				t.Fatalf("segment %+v returned with cause %v", m, s.ReturnCause)
			}
			if unitdataOut != 0 {
				t.Fatalf("segment answered with unitdata")
			}
		case kind == "management":
			sst := len(m.Data) >= 5 && m.Data[0] == 3 && m.Data[1] == sccp.SSNCAP
			if !sst && unitdataOut != 0 || serviceOut != 0 {
				t.Fatalf("SCMG %x answered (%d, %d)", m.Data, unitdataOut, serviceOut)
			}
			if unitdataOut == 1 {
				s := b.next(t, "SSA")
				if len(s.Data) != 5 || s.Data[0] != 1 || s.Data[1] != sccp.SSNCAP || s.Called.SSN != m.Calling.SSN {
					t.Fatalf("SST %x answered with %+v", m.Data, s)
				}
			}
		default:
			if serviceOut != 0 || unitdataOut != 0 {
				t.Fatalf("%s answered (%d, %d)", kind, unitdataOut, serviceOut)
			}
		}
		select {
		case raw := <-b.fromSCP:
			t.Fatalf("node sent %x unasked", raw)
		default:
		}
	})
}

// unanswerable tells a calling address no answer can be routed to: routed
// on an SSN it has not, or on a global title it has not, with no SSN or
// from an OPC that is no ITU point code.
func unanswerable(a sccp.Address, opc uint32) bool {
	if a.RouteOnSSN {
		return a.SSN == 0
	}
	return a.GT.Indicator == sccp.GTINone && (a.SSN == 0 || opc > 0x3fff)
}
