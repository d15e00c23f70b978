package stack

import (
	"os"
	"testing"

	"github.com/scpd/scpd/sigtran/m3ua"
	"github.com/scpd/scpd/sigtran/tcap/dialogue"
	"github.com/scpd/scpd/sigtran/transport"
)

func requireUserspaceSCTP(t testing.TB) {
	t.Helper()
	if err := transport.UserspaceSCTPAvailable(); err != nil {
		if os.Getenv("SCPD_REQUIRE_USCTP") == "1" {
			t.Fatalf("userspace SCTP cannot run here and SCPD_REQUIRE_USCTP=1: %v", err)
		}
		t.Skipf("userspace SCTP cannot run here: %v (SCPD_REQUIRE_USCTP=1 makes this a failure)", err)
	}
}

// Both ends over userspace SCTP: the SCP listens on 127.0.0.1, the MSC
// dials from 127.0.0.1 (the SCP's peer address).
func scpOverUSCTP(c *Config) {
	c.M3UA.Listen = transport.Config{Kind: transport.UserspaceSCTP, Local: []string{"127.0.0.1:0"}}
}

func mscOverUSCTP(c *Config) {
	c.M3UA.DialTransport = transport.Config{Kind: transport.UserspaceSCTP, Local: []string{"127.0.0.1:0"}}
}

func TestDialoguesOverUserspaceSCTP(t *testing.T) {
	requireUserspaceSCTP(t)
	scp := startSCP(t, nil, scpOverUSCTP)
	msc := startMSC(t, scp.Stack, true, mscOverUSCTP)
	if a := msc.Node.Associations(); len(a) != 1 || a[0].RemoteAddr().String() != scp.Node.Addr().String() || a[0].RemoteAddr().Network() != "sctp" {
		t.Fatalf("MSC associations %v", a)
	}

	const total, parallel = 3000, 64
	msc.beginMany(t, total, parallel)
	waitFor(t, "every dialogue ended at the SCP", func() bool { return scp.ev.count(dialogue.EventEnd) == total })
	if n := msc.ev.count(dialogue.EventContinue); n != total {
		t.Fatalf("MSC saw %d Continues, want %d", n, total)
	}
	// DATA spreads over the SCTP streams by SLS; nothing is dropped.
	for _, a := range append(scp.Node.Associations(), msc.Node.Associations()...) {
		if st := a.Stats(); st.DataDropped != 0 || st.DataIn < total {
			t.Fatalf("association %v: %+v", a.RemoteAddr(), st)
		}
	}
}

func TestUserspaceSCTPAssociationAbortAndReturn(t *testing.T) {
	requireUserspaceSCTP(t)
	scp := startSCP(t, nil, scpOverUSCTP)
	msc := startMSC(t, scp.Stack, false, mscOverUSCTP)

	const open = 200
	for i := 0; i < open; i++ {
		msc.begin(t, capV2, scpAddress)
	}
	waitFor(t, "dialogues active on both sides", func() bool {
		return msc.ev.count(dialogue.EventContinue) == open && scp.TCAP.Open() == open
	})
	old := scp.Node.Associations()
	if len(old) != 1 {
		t.Fatalf("SCP has %d associations", len(old))
	}

	// The MSC aborts its association: an SCTP ABORT on the wire. The SCP
	// learns it from the transport at once and aborts every dialogue.
	for _, a := range msc.Node.Associations() {
		a.Abort()
	}
	<-old[0].Done()
	if old[0].State() != m3ua.StateClosed {
		t.Fatalf("SCP's association %v after the peer's ABORT", old[0].State())
	}
	waitFor(t, "SCP reports every dialogue aborted", func() bool { return scp.ev.abortCount(dialogue.AbortAssociationLost) == open })

	// The MSC dials again and is taken back.
	waitFor(t, "MSC reconnected", func() bool { return msc.Router.Reachable(scpPC) })
	d := msc.begin(t, capV2, scpAddress)
	waitFor(t, "dialogue after reconnect", func() bool { return d.State() == dialogue.Active })
	if a := scp.Node.Associations(); len(a) != 1 || a[0] == old[0] {
		t.Fatalf("SCP associations after the return: %v", a)
	}
}

// BenchmarkBeginEndUserspaceSCTP is BenchmarkBeginEnd over one userspace
// SCTP association on loopback.
func BenchmarkBeginEndUserspaceSCTP(b *testing.B) {
	requireUserspaceSCTP(b)
	benchBeginEnd(b, scpOverUSCTP, mscOverUSCTP)
}
