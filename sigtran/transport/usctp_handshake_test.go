//go:build linux

package transport

import (
	"encoding/binary"
	"net/netip"
	"testing"
	"time"
)

// sendFrom sends one SCTP packet of chunks as if from src (the raw socket
// writes the IP header itself) to to with vtag.
func (p *rawPeer) sendFrom(src, to netip.AddrPort, vtag uint32, chunks ...[]byte) {
	p.t.Helper()
	s := make([]byte, commonHeaderLen)
	setPorts(s, src.Port(), to.Port())
	binary.BigEndian.PutUint32(s[4:], vtag)
	for _, c := range chunks {
		s = append(s, c...)
		for len(s)%4 != 0 {
			s = append(s, 0)
		}
	}
	setChecksum(s)
	b := make([]byte, ipv4HeaderLen+len(s))
	copy(b[ipv4HeaderLen:], s)
	putIPv4Header(b, src.Addr(), to.Addr(), len(s))
	if err := p.raw.send(b, to.Addr()); err != nil {
		p.t.Fatal(err)
	}
}

// answerTo waits up to within for the listener's answer to p's INIT: its
// first chunk type, or 0 for none.
func (p *rawPeer) answerTo(within time.Duration) uint8 {
	deadline := time.After(within)
	for {
		select {
		case pkt := <-p.in:
			if typ, _, ok := firstChunk(pkt); ok && (typ == chunkInitAck || typ == chunkAbort) {
				return typ
			}
		case <-deadline:
			return 0
		}
	}
}

// Every INIT held a handshake (and one of the listener's 128 slots) for
// 30 s, and a full backlog answered the next INIT with ABORT, failing the
// dial for good. One source now takes at most backlogPerSource slots, an
// INIT that is not one (tag not 0, not alone) takes none (RFC 9260 §8.5.1
// A), and a full backlog drops an INIT silently, so the peer's next one
// (T1-init) gets in once a slot is free.
func TestUSCTPInitFloodLeavesOthersRoom(t *testing.T) {
	p := newRawPeer(t, "127.0.0.181")
	l := listenUSCTP(t, Config{Kind: UserspaceSCTP, Local: []string{"127.0.0.180:0"}})
	defer l.Close()
	lis := l.(*usctpListener)
	to := netip.MustParseAddrPort(l.Addr().String())
	spoofed := netip.MustParseAddr("127.0.0.182") // nobody there to answer

	// Not INITs to keep state for: a non-zero tag, a bundle, no initiate tag.
	p.sendFrom(netip.AddrPortFrom(spoofed, 40000), to, 0xdead, initChunk(chunkInit, 0x2000, 1))
	p.sendFrom(netip.AddrPortFrom(spoofed, 40001), to, 0, initChunk(chunkInit, 0x2001, 1), initChunk(chunkInit, 0x2002, 1))
	p.sendFrom(netip.AddrPortFrom(spoofed, 40002), to, 0, initChunk(chunkInit, 0, 1))
	// A flood from one source: it gets its share, no more.
	for i := range backlog {
		p.sendFrom(netip.AddrPortFrom(spoofed, uint16(41000+i)), to, 0, initChunk(chunkInit, uint32(0x3000+i), 1))
	}
	time.Sleep(200 * time.Millisecond)
	if n := lis.pending.Load(); n != backlogPerSource {
		t.Fatalf("%d handshakes under way after a flood from one source and 3 invalid INITs; want %d", n, backlogPerSource)
	}
	p.send(to, 0, initChunk(chunkInit, 0xabcdef01, 1000))
	if typ := p.answerTo(2 * time.Second); typ != chunkInitAck {
		t.Fatalf("a real INIT beside the flood got chunk type %d, want an INIT ACK", typ)
	}

	// The backlog full (from many sources): silence, not an ABORT.
	for i := 0; lis.pending.Load() < backlog; i++ {
		src := netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 1, byte(i / backlogPerSource)}), uint16(42000+i))
		p.sendFrom(src, to, 0, initChunk(chunkInit, uint32(0x4000+i), 1))
		if i > 4*backlog {
			t.Fatalf("backlog not full after %d INITs: %d", i, lis.pending.Load())
		}
		if i%backlogPerSource == 0 {
			time.Sleep(5 * time.Millisecond)
		}
	}
	late := newRawPeer(t, "127.0.0.183")
	late.send(to, 0, initChunk(chunkInit, 0xabcdef02, 1000))
	if typ := late.answerTo(time.Second); typ != 0 {
		t.Fatalf("an INIT to a full backlog got chunk type %d; want it dropped, to be sent again", typ)
	}
}
