package stack

import (
	"net"
	"sync"
	"testing"
	"time"

	"github.com/scpd/scpd/sigtran/m3ua"
	"github.com/scpd/scpd/sigtran/sccp"
	"github.com/scpd/scpd/sigtran/tcap"
)

// sentTCAP records the TCAP messages the SCP sends.
type sentTCAP struct {
	mu   sync.Mutex
	msgs []tcap.Message
}

func (s *sentTCAP) TraceM3UA(_ time.Time, _, dst net.Addr, _ uint16, msg []byte) {
	if !m3ua.IsData(msg) || dst == nil {
		return
	}
	d, err := m3ua.DecodeData(msg)
	if err != nil {
		return
	}
	var um sccp.Message
	if um.Decode(d.Payload) != nil {
		return
	}
	var m tcap.Message
	if m.Decode(um.Data) != nil {
		return
	}
	s.mu.Lock()
	s.msgs = append(s.msgs, m)
	s.mu.Unlock()
}

// abortTo returns the Abort sent to the transaction otid, if one was.
func (s *sentTCAP) abortTo(otid uint32) *tcap.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.msgs {
		if m := &s.msgs[i]; m.Type == tcap.Abort && m.DTID.Uint32() == otid {
			return m
		}
	}
	return nil
}

// A Begin whose AARQ names a protocol version other than version1 (the
// only one) is refused with an Abort carrying an AARE from the
// dialogue-service-provider: reject-permanent, no-common-dialogue-portion
// (Q.773). It was taken as version1.
func TestBeginWithUnsupportedProtocolVersion(t *testing.T) {
	sent := &sentTCAP{}
	scp := startSCP(t, sent)
	msc := startMSC(t, scp.Stack, false)
	const otid = 0x0badcafe
	begin, err := tcap.NewBegin(tcap.NewTransactionID(otid), tcap.NewAARQ(capV2), tcap.NewInvoke(1, 0, idpSK100)).Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	// protocol-version [0] BIT STRING: 07 80 (version1) becomes 07 40.
	patched := false
	for i := 0; i+3 < len(begin); i++ {
		if begin[i] == 0x80 && begin[i+1] == 0x02 && begin[i+2] == 0x07 && begin[i+3] == 0x80 {
			begin[i+3], patched = 0x40, true
			break
		}
	}
	if !patched {
		t.Fatalf("no protocol-version in the AARQ %x", begin)
	}
	opened := scp.Stack.TCAP.Open()
	if err := msc.Router.SendTo(scpPC, 0, scpAddress, mscAddress, begin); err != nil {
		t.Fatal(err)
	}
	var abort *tcap.Message
	for deadline := time.Now().Add(5 * time.Second); abort == nil && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
		abort = sent.abortTo(otid)
	}
	if abort == nil {
		t.Fatal("no Abort for a Begin of protocol version 2")
	}
	dp := abort.Dialogue
	if dp == nil || dp.PDU != tcap.AARE || dp.Result != tcap.RejectPermanent ||
		dp.DiagnosticSource != tcap.ServiceProvider || dp.Diagnostic != tcap.DiagNoCommonDialoguePortion {
		t.Fatalf("Abort %+v dialogue %+v; want an AARE reject-permanent, provider no-common-dialogue-portion", abort, dp)
	}
	if n := scp.Stack.TCAP.Open(); n != opened {
		t.Fatalf("%d dialogues open after the refused Begin, %d before", n, opened)
	}
}
