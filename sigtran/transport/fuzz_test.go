//go:build linux

package transport

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"slices"
	"testing"

	"github.com/google/gopacket/pcapgo"
	"github.com/scpd/scpd/sigtran/pcap/pcaptest"
)

// capturedIPv4 returns the IPv4 packets of the repository's SCTP captures
// (Ethernet frames, header stripped).
func capturedIPv4(tb testing.TB) [][]byte {
	tb.Helper()
	var out [][]byte
	for _, file := range pcaptest.Files(tb, "*phase*.pcap") {
		raw := file.Data
		r, err := pcapgo.NewReader(bytes.NewReader(raw))
		if err != nil {
			tb.Fatal(err)
		}
		for range 3 {
			data, _, err := r.ReadPacketData()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				tb.Fatal(err)
			}
			if len(data) > 14 {
				out = append(out, data[14:])
			}
		}
	}
	return out
}

// initParamList walks the parameters of the INIT or INIT ACK at the
// start of c (a chunk of length n) as stripInitParams does and returns
// each parameter without its padding.
func initParamList(c []byte, n int) [][]byte {
	var out [][]byte
	for r := initFixedLen; r+4 <= n; {
		plen := int(binary.BigEndian.Uint16(c[r+2:]))
		if plen < 4 || r+plen > n {
			return nil
		}
		out = append(out, c[r:r+plen])
		r += min((plen+3)&^3, len(c)-r)
	}
	return out
}

// FuzzSCTPPacket runs the packet operations the userspace SCTP transport
// applies to whatever arrives on its raw socket (RFC 9260 §3, §6.8, §8.4)
// on arbitrary bytes, taken both as an IPv4 packet and as a bare SCTP
// packet. None may panic; chunks tile the packet; INIT parameter
// stripping removes exactly the stripped parameters and keeps the rest in
// order; completing HEARTBEATs changes nothing else; the out-of-the-blue
// answers are well-formed, checksummed one-chunk packets.
func FuzzSCTPPacket(f *testing.F) {
	for _, p := range capturedIPv4(f) {
		f.Add(p)
		f.Add(p[20:])
	}
	f.Add(linuxInit())
	hb := []byte{0x0b, 0x59, 0x0b, 0x59, 0, 0, 0, 1, 0, 0, 0, 0, chunkHeartbeat, 0, 0, 4, chunkData, 3, 0, 17, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 3, 0xaa, 0, 0, 0, chunkHeartbeat, 0, 0, 4}
	f.Add(hb)
	f.Fuzz(func(t *testing.T, b []byte) {
		cands := [][]byte{b}
		if _, _, pkt, err := parseIPv4(b); err == nil {
			if len(pkt) < commonHeaderLen || len(pkt) > len(b) {
				t.Fatalf("parseIPv4 returned %d octets of SCTP from %d", len(pkt), len(b))
			}
			cands = append(cands, pkt)
		}
		for _, in := range cands {
			p := slices.Clone(in)
			cs, err := chunks(p)
			typ, flags, first := firstChunk(p)
			if err == nil {
				if !first || cs[0].typ != typ || cs[0].flags != flags {
					t.Fatalf("chunks %+v but first chunk %d %d %v", cs[0], typ, flags, first)
				}
				at := commonHeaderLen
				for i, c := range cs {
					if len(c.raw) < 4 || c.raw[0] != c.typ || c.raw[1] != c.flags || int(binary.BigEndian.Uint16(c.raw[2:])) != len(c.raw) ||
						!bytes.Equal(p[at:at+len(c.raw)], c.raw) {
						t.Fatalf("chunk %d at %d: %+v", i, at, c)
					}
					at = min(at+(len(c.raw)+3)&^3, len(p))
				}
				if at != len(p) {
					t.Fatalf("chunks end at %d of %d", at, len(p))
				}
			}
			if _, ok := readInit(p); ok != (len(p) >= commonHeaderLen+initFixedLen) {
				t.Fatalf("readInit of %d octets: %v", len(p), ok)
			}

			q := slices.Clone(p)
			out, changed := stripInitParams(q)
			if !changed && !bytes.Equal(out, p) {
				t.Fatalf("stripInitParams changed %x to %x, yet says it did not", p, out)
			}
			if changed {
				n := int(binary.BigEndian.Uint16(p[commonHeaderLen+2:]))
				var want [][]byte
				for _, prm := range initParamList(p[commonHeaderLen:], n) {
					if !strippedParam(binary.BigEndian.Uint16(prm)) {
						want = append(want, prm)
					}
				}
				m := int(binary.BigEndian.Uint16(out[commonHeaderLen+2:]))
				if len(out) > len(p) || m < initFixedLen || commonHeaderLen+m > len(out) {
					t.Fatalf("stripped %x to %x: chunk length %d", p, out, m)
				}
				got := initParamList(out[commonHeaderLen:], m)
				if len(got) != len(want) {
					t.Fatalf("stripped %x to %x: %d parameters, want %d", p, out, len(got), len(want))
				}
				for i := range got {
					if !bytes.Equal(got[i], want[i]) {
						t.Fatalf("stripped %x to %x: parameter %d is %x, want %x", p, out, i, got[i], want[i])
					}
				}
				// Only the chunk length changes before the parameters.
				if !bytes.Equal(out[:commonHeaderLen+2], p[:commonHeaderLen+2]) ||
					!bytes.Equal(out[commonHeaderLen+4:commonHeaderLen+initFixedLen], p[commonHeaderLen+4:commonHeaderLen+initFixedLen]) {
					t.Fatalf("stripped %x to %x: fixed part changed", p, out)
				}
			}

			hbOut := completeHeartbeats(slices.Clone(p))
			if err != nil {
				if !bytes.Equal(hbOut, p) {
					t.Fatalf("completeHeartbeats changed a packet whose chunks do not parse")
				}
			} else {
				got, err := chunks(hbOut)
				if err != nil || len(got) != len(cs) || !bytes.Equal(hbOut[:commonHeaderLen], p[:commonHeaderLen]) {
					t.Fatalf("completeHeartbeats %x → %x: %v", p, hbOut, err)
				}
				for i, c := range cs {
					if c.typ == chunkHeartbeat && len(c.raw) == 4 {
						if got[i].typ != chunkHeartbeat || len(got[i].raw) != heartbeatLen {
							t.Fatalf("heartbeat %d completed as %x", i, got[i].raw)
						}
					} else if !bytes.Equal(got[i].raw, c.raw) {
						t.Fatalf("chunk %d %x became %x", i, c.raw, got[i].raw)
					}
				}
			}

			if len(p) >= commonHeaderLen {
				r := reply(p, chunkAbort, verifyTag(p), true)
				rc, err := chunks(r)
				if !checksumOK(r) || err != nil || len(rc) != 1 || rc[0].typ != chunkAbort || rc[0].flags != flagT ||
					srcPort(r) != dstPort(p) || dstPort(r) != srcPort(p) || verifyTag(r) != verifyTag(p) {
					t.Fatalf("ABORT answering %x: %x", p, r)
				}
				setChecksum(p)
				if !checksumOK(p) {
					t.Fatalf("setChecksum of %x", p)
				}
			}
		}
	})
}
