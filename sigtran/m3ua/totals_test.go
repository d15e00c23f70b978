package m3ua

import (
	"testing"
	"time"
)

// A peer's totals keep the DATA of its associations that closed, and
// every configured peer has them from the start, at 0.
func TestPeerTotalsOutliveAssociations(t *testing.T) {
	n, rec := sgpNode(t, func(c *Config) {
		c.Peers = append(c.Peers, Peer{Name: "msc2", Remote: []string{"127.0.0.2"}, PointCode: 3})
	})
	for i := 0; i < 2; i++ { // two associations of msc1, one after the other
		p := dialASP(t, n.Addr(), "127.0.0.1")
		p.activate(7)
		rec.waitState(t, StateActive)
		p.sendRaw(dataMsg(t, mscPC, scpPC, 7)) // in
		p.sendRaw(dataMsg(t, mscPC, scpPC, 8)) // wrong RC: dropped
		p.expectErr(ErrCodeInvalidRoutingContext)
		if err := n.Send(Data{OPC: scpPC, DPC: mscPC, SI: SISCCP, NI: NINational, Payload: []byte{1}}); err != nil {
			t.Fatal(err)
		}
		p.expect("Payload Data")
		p.c.Close()
		rec.waitState(t, StateClosed)
		for deadline := time.Now().Add(3 * time.Second); len(n.Associations()) > 0; time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("association not forgotten")
			}
		}
	}
	got := n.PeerTotals()
	for peer, want := range map[string]PeerTotals{"msc1": {DataIn: 2, DataOut: 2, DataDropped: 2}, "msc2": {}} {
		if g, ok := got[peer]; !ok || g != want {
			t.Errorf("PeerTotals()[%s] = %+v (present %v), want %+v", peer, g, ok, want)
		}
	}
}
