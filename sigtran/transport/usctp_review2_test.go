//go:build linux

package transport

import (
	"encoding/binary"
	"strings"
	"testing"
	"time"
)

// RFC 9260 §6.2: a DATA chunk with no user data (Length 16) MUST be
// answered with an ABORT carrying a "No User Data" cause (§3.3.10.9: code
// 9, the chunk's TSN), and the association ends. pion/sctp v1.12.1 takes
// such a chunk as an empty message.
func TestReview2DataWithoutUserDataAborts(t *testing.T) {
	p := newRawPeer(t, "127.0.0.71")
	const peerTag, tsn = 0x71717171, 5000
	c, dialTag, src := dialRawPeer(t, p, Config{}, peerTag)
	p.send(src, dialTag, dataChunk(tsn, 1, 0, nil))

	abort := p.expect(chunkAbort, 2*time.Second)
	a := abort[commonHeaderLen:]
	if verifyTag(abort) != peerTag || a[1]&flagT != 0 {
		t.Fatalf("ABORT with tag %#x, flags %#x: want the peer's tag %#x, T bit clear", verifyTag(abort), a[1], uint32(peerTag))
	}
	if n := binary.BigEndian.Uint16(a[2:]); n < 12 || binary.BigEndian.Uint16(a[4:]) != 9 ||
		binary.BigEndian.Uint16(a[6:]) != 8 || binary.BigEndian.Uint32(a[8:]) != tsn {
		t.Fatalf("ABORT without a No User Data cause for TSN %d: % x", tsn, abort)
	}
	_, err := readWithin(t, c, 2*time.Second)
	if err == nil || !strings.Contains(err.Error(), "no user data") {
		t.Fatalf("read after a DATA chunk without user data: %v", err)
	}
}

// RFC 9260 §8.3: the error counter of a path goes up by one for each
// HEARTBEAT not acknowledged in time, and the path is unreachable when
// the counter EXCEEDS Path.Max.Retrans (§8.1 likewise for the
// association's counter and Association.Max.Retrans). With MaxRetrans 3,
// the peer is given up after the 4th unanswered HEARTBEAT times out, so
// 4 HEARTBEATs go out, not 3.
func TestReview2HeartbeatsBeforeUnreachable(t *testing.T) {
	p := newRawPeer(t, "127.0.0.72")
	const maxRetrans = 3
	c, _, _ := dialRawPeer(t, p, Config{Heartbeat: 50 * time.Millisecond, MaxRetrans: maxRetrans}, 0x72727272)

	heartbeats := 0
	deadline := time.After(5 * time.Second)
wait:
	for {
		select {
		case pkt := <-p.in:
			switch typ, _, _ := firstChunk(pkt); typ {
			case chunkHeartbeat:
				heartbeats++ // never answered
			case chunkAbort:
				break wait
			}
		case <-deadline:
			t.Fatalf("no ABORT within 5 s (%d HEARTBEATs sent)", heartbeats)
		}
	}
	if heartbeats != maxRetrans+1 {
		t.Errorf("peer given up after %d unanswered HEARTBEATs, want MaxRetrans+1 = %d", heartbeats, maxRetrans+1)
	}
	if _, err := readWithin(t, c, 2*time.Second); err == nil || !strings.Contains(err.Error(), "unreachable") {
		t.Fatalf("read after the peer went silent: %v", err)
	}
}
