// Package stack assembles the SIGTRAN layers of one signalling point —
// transport, M3UA, SCCP routing and the TCAP dialogue layer — from one
// configuration. scpd serves CAP with it; the simulator plays the MSC with
// the same code.
package stack

import (
	"context"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/scpd/scpd/sigtran/m3ua"
	"github.com/scpd/scpd/sigtran/pcap"
	"github.com/scpd/scpd/sigtran/sccp/routing"
	"github.com/scpd/scpd/sigtran/tcap/dialogue"
)

// Config of a stack.
type Config struct {
	M3UA m3ua.Config
	SCCP routing.Config
	TCAP dialogue.Config
}

// Stack is the running layers.
type Stack struct {
	Node   *m3ua.Node
	Router *routing.Router
	TCAP   *dialogue.Layer
}

// New builds the layers; h receives the dialogues' events.
func New(cfg Config, h dialogue.Handler, log *slog.Logger) (*Stack, error) {
	r := routing.New(nil, cfg.SCCP, log)
	n, err := m3ua.NewNode(cfg.M3UA, r, log)
	if err != nil {
		return nil, err
	}
	r.SetNetwork(n)
	return &Stack{Node: n, Router: r, TCAP: dialogue.New(cfg.TCAP, r, h, log)}, nil
}

// Start binds the listener and starts dialling.
func (s *Stack) Start(ctx context.Context) error { return s.Node.Start(ctx) }

// closeWait is how long Close lets the TCAP layer abort the dialogues
// before it closes the associations regardless.
const closeWait = time.Second

// Close aborts the open dialogues towards the service and closes the
// associations.
func (s *Stack) Close() {
	done := make(chan struct{})
	go func() { s.TCAP.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(closeWait):
		// A dialogue blocked in a send holds its lock, which TCAP's Close
		// waits for: a peer that stopped reading leaves the transport's
		// Write waiting for ever (TCP queues 4 MB, then waits). Closing
		// the associations fails that write and frees the lock.
	}
	s.Node.Close()
	<-done
}

// PcapTracer writes every M3UA message to a pcap writer.
type PcapTracer struct{ W *pcap.Writer }

// TraceM3UA implements m3ua.Tracer.
func (t PcapTracer) TraceM3UA(at time.Time, src, dst net.Addr, stream uint16, msg []byte) {
	_ = t.W.WriteM3UA(at, addrPort(src), addrPort(dst), stream, msg)
}

// addrPort reads the first IP and the port of a TCP address or of an
// SCTP address, which prints as "ip1/ip2:port".
func addrPort(a net.Addr) netip.AddrPort {
	if t, ok := a.(*net.TCPAddr); ok {
		return t.AddrPort()
	}
	s := a.String()
	i := strings.LastIndex(s, ":")
	if i < 0 {
		return netip.AddrPort{}
	}
	host, _, _ := strings.Cut(s[:i], "/")
	ap, err := netip.ParseAddrPort(host + s[i:])
	if err != nil {
		return netip.AddrPort{}
	}
	return ap
}
