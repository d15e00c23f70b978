package m3ua

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/scpd/scpd/sigtran/transport"
)

// TrafficMode is the traffic mode type of an AS (RFC 4666 §3.8.3 ASPAC).
type TrafficMode uint32

// Traffic modes scpd supports.
const (
	Override  TrafficMode = 1
	Loadshare TrafficMode = 2
)

func (m TrafficMode) String() string {
	switch m {
	case Override:
		return "override"
	case Loadshare:
		return "loadshare"
	}
	return "traffic-mode(" + strconv.Itoa(int(m)) + ")"
}

// Peer is one configured far end. Only configured peers are accepted:
// an inbound association must come from one of Remote's addresses and its
// DATA must carry one of the peer's point codes.
type Peer struct {
	Name string
	// Dial makes scpd the ASP that connects to the peer (an SG or STP);
	// otherwise scpd is the SGP/IPSP that the peer (an MSC) connects to.
	Dial bool
	// Remote holds host:port addresses to dial, or, for accepted peers,
	// the addresses the peer connects from (the port is ignored; give
	// host or host:0).
	Remote []string
	// PointCode is the peer's own point code.
	PointCode uint32
	// Routes are further point codes reachable through the peer, such as
	// the MSCs behind an STP. Gateway accepts any OPC and routes any DPC.
	Routes  []uint32
	Gateway bool
	// RoutingContext identifies the AS (0: none sent or required).
	RoutingContext uint32
	// NetworkAppearance is sent in DATA when non-zero.
	NetworkAppearance uint32
	TrafficMode       TrafficMode
}

// Config of a node: the local signalling point, its listener and peers,
// and the timers of the association state machines.
type Config struct {
	// PointCode is scpd's own point code; NetworkIndicator goes into the
	// routing label of DATA it sends (2 = national, 0 = international).
	PointCode        uint32
	NetworkIndicator uint8
	// Listen configures the transport for accepted associations; an empty
	// Local list means no listener.
	Listen transport.Config
	// DialTransport configures the transport used to dial peers.
	DialTransport transport.Config
	Peers         []Peer

	// BeatInterval is how often BEAT is sent on an idle association
	// (RFC 4666 §3.5.5), and BeatTimeout how long without any message
	// from the peer before the association is declared dead. Over TCP
	// this is the only liveness check there is. Zero disables BEAT.
	BeatInterval time.Duration
	BeatTimeout  time.Duration
	// AckTimeout bounds the wait for ASPUP ACK and ASPAC ACK.
	AckTimeout time.Duration
	// ReconnectMin and ReconnectMax bound the backoff between dial attempts.
	ReconnectMin, ReconnectMax time.Duration

	// Tracer, when set, sees every message in and out (a pcap trace).
	Tracer Tracer
}

// Tracer records M3UA messages as they cross the wire.
type Tracer interface {
	TraceM3UA(t time.Time, src, dst net.Addr, stream uint16, msg []byte)
}

// DefaultConfig returns the timers a lab or an operator starts from.
func DefaultConfig() Config {
	return Config{
		NetworkIndicator: NINational,
		BeatInterval:     10 * time.Second,
		BeatTimeout:      30 * time.Second,
		AckTimeout:       5 * time.Second,
		ReconnectMin:     500 * time.Millisecond,
		ReconnectMax:     30 * time.Second,
	}
}

// Validate checks the configuration and names the field at fault.
func (c *Config) Validate() error {
	if c.PointCode == 0 || c.PointCode > 0x3fff {
		return fmt.Errorf("m3ua: point_code %d: must be 1..16383 (14-bit ITU)", c.PointCode)
	}
	if c.BeatInterval > 0 && c.BeatTimeout <= c.BeatInterval {
		return fmt.Errorf("m3ua: beat_timeout %v: must exceed beat_interval %v", c.BeatTimeout, c.BeatInterval)
	}
	if c.AckTimeout <= 0 || c.ReconnectMin <= 0 || c.ReconnectMax < c.ReconnectMin {
		return errors.New("m3ua: ack_timeout, reconnect_min and reconnect_max must be positive, reconnect_max ≥ reconnect_min")
	}
	names := map[string]bool{}
	for i := range c.Peers {
		p := &c.Peers[i]
		where := fmt.Sprintf("m3ua: peers[%d] %q", i, p.Name)
		if p.Name == "" || names[p.Name] {
			return fmt.Errorf("%s: name must be set and unique", where)
		}
		names[p.Name] = true
		if len(p.Remote) == 0 {
			return fmt.Errorf("%s: remote: at least one address", where)
		}
		for _, r := range p.Remote {
			host := r
			if h, _, err := net.SplitHostPort(r); err == nil {
				host = h
			} else if p.Dial {
				return fmt.Errorf("%s: remote %q: a dialled peer needs host:port", where, r)
			}
			if net.ParseIP(host) == nil {
				return fmt.Errorf("%s: remote %q: give an IP address", where, r)
			}
		}
		if !p.Gateway && (p.PointCode == 0 || p.PointCode > 0x3fff) {
			return fmt.Errorf("%s: point_code %d: must be 1..16383 unless the peer is a gateway", where, p.PointCode)
		}
		switch p.TrafficMode {
		case 0:
			p.TrafficMode = Loadshare
		case Override, Loadshare:
		default:
			return fmt.Errorf("%s: traffic_mode %d: use override (1) or loadshare (2)", where, p.TrafficMode)
		}
	}
	return nil
}

// allowsOPC reports whether the peer may send DATA from opc.
func (p *Peer) allowsOPC(opc uint32) bool {
	if p.Gateway || opc == p.PointCode {
		return true
	}
	for _, r := range p.Routes {
		if r == opc {
			return true
		}
	}
	return false
}

// reaches reports whether dpc is reachable through the peer.
func (p *Peer) reaches(dpc uint32) bool { return p.allowsOPC(dpc) }

// matchesAddr reports whether an inbound connection from ip is this peer.
func (p *Peer) matchesAddr(ip net.IP) bool {
	for _, r := range p.Remote {
		host := r
		if h, _, err := net.SplitHostPort(r); err == nil {
			host = h
		}
		if x := net.ParseIP(host); x != nil && x.Equal(ip) {
			return true
		}
	}
	return false
}
