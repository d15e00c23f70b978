package m3ua

import (
	"encoding/binary"
	"io"
	"net"
	"reflect"
	"sync"
	"testing"

	"github.com/wmnsk/go-m3ua/messages"
	"github.com/wmnsk/go-m3ua/messages/params"

	"github.com/scpd/scpd/sigtran/transport"
)

// fuzzConn is a transport that keeps what the association writes.
type fuzzConn struct {
	mu      sync.Mutex
	out     [][]byte
	closed  bool
	streams uint16
}

func (c *fuzzConn) Read() (transport.Message, error) { return transport.Message{}, io.EOF }

func (c *fuzzConn) Write(m transport.Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return net.ErrClosed
	}
	c.out = append(c.out, append([]byte(nil), m.Payload...))
	return nil
}

func (c *fuzzConn) Close() error {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	return nil
}

var (
	fuzzLocal  = &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 2905}
	fuzzRemote = &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}
)

func (c *fuzzConn) LocalAddr() net.Addr  { return fuzzLocal }
func (c *fuzzConn) RemoteAddr() net.Addr { return fuzzRemote }
func (c *fuzzConn) OutStreams() uint16   { return c.streams }

func (c *fuzzConn) take() [][]byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.out
	c.out = nil
	return out
}

// fuzzHandler keeps the DATA delivered.
type fuzzHandler struct{ data []Data }

func (h *fuzzHandler) HandleData(_ *Association, d Data) {
	d.Payload = append([]byte(nil), d.Payload...)
	h.data = append(h.data, d)
}
func (h *fuzzHandler) AssociationState(*Association, State) {}

func frameM3UA(msgs ...messages.M3UA) []byte {
	var b []byte
	for _, m := range msgs {
		raw, err := m.MarshalBinary()
		if err != nil {
			panic(err)
		}
		b = binary.BigEndian.AppendUint16(b, uint16(len(raw)))
		b = append(b, raw...)
	}
	return b
}

// FuzzAssociation feeds one association sequences of M3UA messages, as a
// broken or hostile peer might send them: ASPSM/ASPTM in any order, DAUD,
// ERR, NTFY, DATA in and out of state, unknown classes, bad parameters. A
// second association of the same AS is active, so override takeover and
// the DAUD answers have something to work on. Whatever comes, nothing
// panics; everything the node sends is a well-formed M3UA message; a
// message it refuses is answered with ERR and changes no state (but DATA
// from an OPC the peer may not use, which closes); DATA reaches the user
// only when active and addressed to this node, exactly as it decodes;
// only ASPAC (or, dialling, ASPAC ACK) makes the association active.
func FuzzAssociation(f *testing.F) {
	rc := params.NewRoutingContext(7)
	up, active := messages.NewAspUp(nil, nil), messages.NewAspActive(params.NewTrafficModeType(uint32(Override)), rc, nil)
	data := func(opc, dpc, rcv uint32) messages.M3UA {
		var r *params.Param
		if rcv != 0 {
			r = params.NewRoutingContext(rcv)
		}
		return messages.NewData(nil, r, params.NewProtocolData(opc, dpc, SISCCP, NINational, 0, 5, []byte{9, 0, 3, 5, 7, 2, 0x42, 0x92, 2, 0x42, 0x92, 1, 0x61}), nil)
	}
	f.Add(uint8(0), frameM3UA(up, active, data(1, 2, 7), messages.NewHeartbeat(params.NewHeartbeatData([]byte("ping"))),
		messages.NewDestinationStateAudit(nil, rc, params.NewAffectedPointCode(1, 3, 4, 2), nil),
		messages.NewAspInactive(rc, nil), messages.NewAspDown(nil)))
	f.Add(uint8(1), frameM3UA(up, active, data(4, 2, 0), data(1, 9, 7), up, active))
	f.Add(uint8(4), frameM3UA(messages.NewAspUpAck(nil, nil), messages.NewAspActiveAck(params.NewTrafficModeType(uint32(Loadshare)), rc, nil),
		data(1, 2, 7), messages.NewError(params.NewErrorCode(uint32(ErrCodeInvalidRoutingContext)), nil, nil, nil, nil),
		messages.NewNotify(params.NewStatus(params.AsStateActive), nil, rc, nil)))
	f.Add(uint8(2), frameM3UA(active, up, messages.NewAspActive(nil, params.NewRoutingContext(8), nil), data(3, 2, 0),
		messages.NewAspInactiveAck(nil, nil), messages.NewDestinationAvailable(nil, nil, params.NewAffectedPointCode(1), nil)))
	f.Add(uint8(0x20), []byte{0, 8, 1, 0, 0x0f, 1, 0, 0, 0, 8, 0, 8, 1, 0, 3, 7, 0, 0, 0, 8, 0, 4, 1, 0, 1, 1})

	f.Fuzz(func(t *testing.T, sel uint8, seq []byte) {
		cfg := DefaultConfig()
		cfg.PointCode = 2
		cfg.Peers = []Peer{
			{Name: "msc", Remote: []string{"127.0.0.1"}, PointCode: 1, RoutingContext: 7, TrafficMode: Override},
			{Name: "msc2", Remote: []string{"127.0.0.2"}, PointCode: 3, Routes: []uint32{4}},
			{Name: "stp", Remote: []string{"127.0.0.3"}, Gateway: true, RoutingContext: 9, NetworkAppearance: 5},
		}
		h := new(fuzzHandler)
		n, err := NewNode(cfg, h, quietLog())
		if err != nil {
			t.Fatal(err)
		}
		peer := &n.cfg.Peers[int(sel%4)%len(n.cfg.Peers)]
		dialled := sel&4 != 0
		keepLengths := sel&0x20 != 0
		conn := &fuzzConn{streams: uint16(sel>>6) + 1}
		a := newAssociation(n, peer, conn, dialled)
		n.adopt(a)
		a.state.Store((int32(sel>>3) & 3) % 3) // down, inactive or active
		other := newAssociation(n, &n.cfg.Peers[0], &fuzzConn{streams: 2}, false)
		n.adopt(other)
		other.state.Store(int32(StateActive))

		for len(seq) >= 2 && a.State() != StateClosed {
			size := int(binary.BigEndian.Uint16(seq))
			seq = seq[2:]
			size = min(size, len(seq))
			msg := append([]byte(nil), seq[:size]...)
			seq = seq[size:]
			// Make the length field right unless told not to, so
			// sequences get past the header.
			if !keepLengths && len(msg) >= HeaderLen {
				binary.BigEndian.PutUint32(msg[4:], uint32(len(msg)))
			}
			before, delivered := a.State(), len(h.data)
			wantData, dataErr := DecodeData(msg)
			a.handle(msg)
			after := a.State()
			sent := conn.take()
			sentErr, sentDUNA := false, false
			for _, out := range sent {
				m, err := Decode(out)
				if err != nil {
					t.Fatalf("after %x the node sent %x, which does not decode: %v", msg, out, err)
				}
				if _, ok := m.(*messages.Generic); ok {
					t.Fatalf("after %x the node sent %x of an unknown type", msg, out)
				}
				if _, ok := m.(*messages.Error); ok {
					sentErr = true
				}
				if _, ok := m.(*messages.DestinationUnavailable); ok {
					sentDUNA = true
				}
			}
			// The one ERR that comes with a change: an ASPUP while active is
			// acknowledged, reported unexpected, and the ASP goes inactive
			// (RFC 4666 §4.3.4.1).
			aspUpWhileActive := len(msg) >= 4 && msg[2] == 3 && msg[3] == 1 && before == StateActive && after == StateInactive
			if sentErr && after != before && after != StateClosed && !aspUpWhileActive {
				t.Fatalf("%x refused with ERR, yet the state went %v → %v", msg, before, after)
			}
			if len(h.data) > delivered {
				d := h.data[len(h.data)-1]
				if len(h.data) != delivered+1 || before != StateActive || dataErr != nil || !IsData(msg) ||
					d.DPC != n.cfg.PointCode || !peer.allowsOPC(d.OPC) {
					t.Fatalf("%x delivered as %+v in %v (decodes: %v)", msg, d, before, dataErr)
				}
				if !reflect.DeepEqual(d, wantData) {
					t.Fatalf("%x delivered as %+v, decodes as %+v", msg, d, wantData)
				}
			} else if IsData(msg) && !sentErr && !(sentDUNA && dataErr == nil && wantData.DPC != n.cfg.PointCode) {
				// Refused with ERR, or for another point code: DUNA.
				t.Fatalf("DATA %x neither delivered nor refused with ERR (or DUNA for another DPC)", msg)
			}
			if !IsData(msg) {
				if _, err := Decode(msg); err != nil && !sentErr {
					t.Fatalf("%x does not decode (%v) and was not refused", msg, err)
				}
			}
			if after == StateActive && before != StateActive {
				aspac := len(msg) >= HeaderLen && msg[2] == messages.MsgClassASPTM &&
					(msg[3] == messages.MsgTypeAspActive && !dialled || msg[3] == messages.MsgTypeAspActiveAck && dialled)
				if !aspac {
					t.Fatalf("%x made the association active from %v", msg, before)
				}
			}
		}
		a.Close()
		if a.State() != StateClosed {
			t.Fatal("not closed")
		}
	})
}
