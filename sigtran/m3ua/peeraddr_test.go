package m3ua

import (
	"net"
	"testing"
)

// sctpAddr prints as the kernel SCTP path's addresses do.
type sctpAddr string

func (a sctpAddr) Network() string { return "sctp" }
func (a sctpAddr) String() string  { return string(a) }

func TestPeerForMultiHomedAddress(t *testing.T) {
	cfg := DefaultConfig()
	cfg.PointCode = 2
	cfg.Peers = []Peer{
		{Name: "msc-a", Remote: []string{"10.0.0.1"}, PointCode: 1},
		{Name: "msc-b", Remote: []string{"169.254.77.2", "10.0.1.2"}, PointCode: 3},
		{Name: "stp", Dial: true, Remote: []string{"127.0.0.1:2905"}, PointCode: 4},
	}
	n, err := NewNode(cfg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for addr, want := range map[net.Addr]string{
		sctpAddr("127.0.0.1/169.254.77.2:53677"):               "msc-b", // a kernel SCTP peer bound to all its addresses
		sctpAddr("10.0.0.1:2905"):                              "msc-a",
		&net.TCPAddr{IP: net.ParseIP("10.0.1.2"), Port: 40000}: "msc-b",
		sctpAddr("127.0.0.1:40000"):                            "", // only the dialled peer has that address
		sctpAddr("192.0.2.1/192.0.2.2:1"):                      "",
	} {
		got := ""
		if p := n.peerFor(addr); p != nil {
			got = p.Name
		}
		if got != want {
			t.Errorf("peerFor(%s) = %q, want %q", addr, got, want)
		}
	}
}
