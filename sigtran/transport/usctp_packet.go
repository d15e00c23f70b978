package transport

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"time"
)

// The few SCTP packet operations the userspace transport performs itself,
// around pion/sctp: reading the common header and chunks (RFC 9260 §3),
// checking and setting the CRC32c (RFC 9260 §6.8, Appendix A), rewriting
// ports, and editing INIT/INIT ACK chunks.

// Chunk types (RFC 9260 §3.2).
const (
	chunkData             = 0
	chunkInit             = 1
	chunkInitAck          = 2
	chunkHeartbeat        = 4
	chunkAbort            = 6
	chunkShutdownAck      = 8
	chunkError            = 9
	chunkCookieEcho       = 10
	chunkCookieAck        = 11
	chunkShutdownComplete = 14
)

// flagT is the T bit of ABORT and SHUTDOWN COMPLETE: the verification tag
// is the peer's, reflected (RFC 9260 §3.3.7, §8.5.1).
const flagT = 0x01

const (
	commonHeaderLen = 12
	initFixedLen    = 20 // chunk header + initiate tag, a_rwnd, OS, MIS, initial TSN
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

var zeroChecksum [4]byte

// sctpChecksum is the CRC32c of pkt computed with a zero checksum field
// (RFC 9260 Appendix A), as stored on the wire (little-endian).
func sctpChecksum(pkt []byte) uint32 {
	crc := crc32.Update(0, castagnoli, pkt[:8])
	crc = crc32.Update(crc, castagnoli, zeroChecksum[:])
	return crc32.Update(crc, castagnoli, pkt[commonHeaderLen:])
}

// checksumOK reports whether pkt carries a good CRC32c; a packet that does
// not is discarded (RFC 9260 §6.8).
func checksumOK(pkt []byte) bool {
	return len(pkt) >= commonHeaderLen && binary.LittleEndian.Uint32(pkt[8:]) == sctpChecksum(pkt)
}

func setChecksum(pkt []byte) {
	binary.LittleEndian.PutUint32(pkt[8:], sctpChecksum(pkt))
}

func setPorts(pkt []byte, src, dst uint16) {
	binary.BigEndian.PutUint16(pkt[0:], src)
	binary.BigEndian.PutUint16(pkt[2:], dst)
}

func srcPort(pkt []byte) uint16   { return binary.BigEndian.Uint16(pkt[0:]) }
func dstPort(pkt []byte) uint16   { return binary.BigEndian.Uint16(pkt[2:]) }
func verifyTag(pkt []byte) uint32 { return binary.BigEndian.Uint32(pkt[4:]) }

// chunk is one chunk of a packet: its type, flags, and its octets from
// the chunk header to the end of the value (padding excluded).
type chunk struct {
	typ, flags uint8
	raw        []byte
}

var errBadChunks = errors.New("sctp: chunk lengths do not fit the packet")

// chunks splits a packet's chunks (RFC 9260 §3.2: each is padded to a
// multiple of 4 octets, the last padding may be omitted).
func chunks(pkt []byte) ([]chunk, error) {
	if len(pkt) < commonHeaderLen {
		return nil, errBadChunks
	}
	var out []chunk
	for b := pkt[commonHeaderLen:]; len(b) > 0; {
		if len(b) < 4 {
			return nil, errBadChunks
		}
		n := int(binary.BigEndian.Uint16(b[2:]))
		if n < 4 || n > len(b) {
			return nil, errBadChunks
		}
		out = append(out, chunk{typ: b[0], flags: b[1], raw: b[:n]})
		n = (n + 3) &^ 3
		if n > len(b) {
			n = len(b)
		}
		b = b[n:]
	}
	if len(out) == 0 {
		return nil, errBadChunks
	}
	return out, nil
}

// firstChunk returns the type and flags of the packet's first chunk.
func firstChunk(pkt []byte) (typ, flags uint8, ok bool) {
	if len(pkt) < commonHeaderLen+4 {
		return 0, 0, false
	}
	return pkt[commonHeaderLen], pkt[commonHeaderLen+1], true
}

// initParams are the fields of an INIT or INIT ACK (RFC 9260 §3.3.2).
type initParams struct {
	tag     uint32
	os, mis uint16
}

// readInit reads the INIT or INIT ACK chunk that a packet carries alone
// (RFC 9260 §6.10: they are never bundled).
func readInit(pkt []byte) (initParams, bool) {
	if len(pkt) < commonHeaderLen+initFixedLen {
		return initParams{}, false
	}
	c := pkt[commonHeaderLen:]
	return initParams{
		tag: binary.BigEndian.Uint32(c[4:]),
		os:  binary.BigEndian.Uint16(c[12:]),
		mis: binary.BigEndian.Uint16(c[14:]),
	}, true
}

// setInitStreams writes the outbound and inbound stream counts of an
// INIT or INIT ACK (RFC 9260 §5.1.1).
func setInitStreams(pkt []byte, os, mis uint16) {
	c := pkt[commonHeaderLen:]
	binary.BigEndian.PutUint16(c[12:], os)
	binary.BigEndian.PutUint16(c[14:], mis)
}

// strippedParams are the INIT parameters pion/sctp cannot parse and that
// a single-homed IPv4 endpoint does without: IPv4 and IPv6 addresses
// (RFC 9260 §3.3.2.1.1-2), Cookie Preservative (§3.3.2.1.3) and Supported
// Address Types (§3.3.2.1.5). Linux sends the last one in every INIT, and
// pion drops such an INIT without a word.
func strippedParam(typ uint16) bool {
	return typ == 5 || typ == 6 || typ == 9 || typ == 12
}

// stripInitParams removes the stripped parameters from the INIT or INIT
// ACK that pkt carries, fixing the chunk length; it returns the shortened
// packet (in place) and whether anything was removed. The caller
// recomputes the checksum.
func stripInitParams(pkt []byte) ([]byte, bool) {
	if len(pkt) < commonHeaderLen+initFixedLen {
		return pkt, false
	}
	c := pkt[commonHeaderLen:]
	n := int(binary.BigEndian.Uint16(c[2:]))
	if n < initFixedLen || n > len(c) {
		return pkt, false
	}
	// Check every parameter before moving any: a malformed one further
	// on must leave the packet as it came, for pion to judge.
	strip := false
	for r := initFixedLen; r+4 <= n; {
		plen := int(binary.BigEndian.Uint16(c[r+2:]))
		if plen < 4 || r+plen > n {
			return pkt, false
		}
		strip = strip || strippedParam(binary.BigEndian.Uint16(c[r:]))
		r += min((plen+3)&^3, len(c)-r)
	}
	if !strip {
		return pkt, false
	}
	w := initFixedLen      // write offset in c
	length := initFixedLen // the chunk length excludes the last parameter's padding (§3.2)
	for r := initFixedLen; r+4 <= n; {
		typ := binary.BigEndian.Uint16(c[r:])
		plen := int(binary.BigEndian.Uint16(c[r+2:]))
		padded := min((plen+3)&^3, len(c)-r)
		if !strippedParam(typ) {
			copy(c[w:], c[r:r+padded])
			length = w + plen
			w += padded
		}
		r += padded
	}
	binary.BigEndian.PutUint16(c[2:], uint16(length))
	return pkt[:commonHeaderLen+w], true
}

// heartbeatLen is a HEARTBEAT chunk with an 8-octet Heartbeat Info.
const heartbeatLen = 4 + 4 + 8

// putHeartbeat writes a HEARTBEAT chunk whose Heartbeat Info (RFC 9260
// §3.3.5) is the big-endian send time in nanoseconds, the form pion/sctp
// reads back from the HEARTBEAT ACK as an RTT sample.
func putHeartbeat(c []byte, now time.Time) {
	c[0], c[1] = chunkHeartbeat, 0
	binary.BigEndian.PutUint16(c[2:], heartbeatLen)
	binary.BigEndian.PutUint16(c[4:], 1) // Heartbeat Info
	binary.BigEndian.PutUint16(c[6:], 4+8)
	binary.BigEndian.PutUint64(c[8:], uint64(now.UnixNano()))
}

// completeHeartbeats gives each HEARTBEAT chunk without a value its
// mandatory Heartbeat Info. pion/sctp v1.12.1 sends its probes so (the
// chunk's Marshal method is never called): Linux takes that for a
// protocol violation, and pion does not answer it. It returns pkt when no
// chunk needs it.
func completeHeartbeats(pkt []byte) []byte {
	cs, err := chunks(pkt)
	if err != nil {
		return pkt
	}
	empty := 0
	for _, c := range cs {
		if c.typ == chunkHeartbeat && len(c.raw) == 4 {
			empty++
		}
	}
	if empty == 0 {
		return pkt
	}
	out := make([]byte, commonHeaderLen, len(pkt)+empty*heartbeatLen)
	copy(out, pkt[:commonHeaderLen])
	now := time.Now()
	for _, c := range cs {
		if c.typ == chunkHeartbeat && len(c.raw) == 4 {
			var hb [heartbeatLen]byte
			putHeartbeat(hb[:], now)
			out = append(out, hb[:]...)
			continue
		}
		out = append(out, c.raw...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	return out
}

// reply builds a packet of one chunk without a value, sent back to the
// source of pkt: ports swapped, the given verification tag, the T bit as
// told (RFC 9260 §8.4 answers to out-of-the-blue packets).
func reply(pkt []byte, typ uint8, tag uint32, reflected bool) []byte {
	out := make([]byte, commonHeaderLen+4)
	setPorts(out, dstPort(pkt), srcPort(pkt))
	binary.BigEndian.PutUint32(out[4:], tag)
	out[commonHeaderLen] = typ
	if reflected {
		out[commonHeaderLen+1] = flagT
	}
	binary.BigEndian.PutUint16(out[commonHeaderLen+2:], 4)
	setChecksum(out)
	return out
}

// pionParses reports whether pion/sctp v1.12.1 parses chunks of type typ:
// it drops a whole packet holding any other, HEARTBEAT ACK included.
func pionParses(typ uint8) bool {
	switch typ {
	case 0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 14, 64, 130, 192, 194:
		return true
	}
	return false
}

// filterChunks makes a received packet one pion takes whole. It removes
// HEARTBEAT ACK (its Heartbeat Info is ours, and any packet from the peer
// counts for the liveness check), ECNE and CWR (ECN is not offered), and
// treats an unrecognized chunk as its type's upper two bits say (RFC 9260
// §3.2): 00 discards it and the chunks after it, 01 the same and reports
// it, 10 skips it, 11 skips and reports it. It returns the packet to hand
// on, nil when no chunk is left, and the chunks to report.
func filterChunks(pkt []byte, cs []chunk) (out []byte, report [][]byte) {
	clean := true
	for _, c := range cs {
		clean = clean && pionParses(c.typ)
	}
	if clean {
		return pkt, nil
	}
	out = append(make([]byte, 0, len(pkt)), pkt[:commonHeaderLen]...)
chunks:
	for _, c := range cs {
		switch {
		case pionParses(c.typ):
			out = append(out, c.raw...)
			for len(out)%4 != 0 {
				out = append(out, 0)
			}
			continue
		case c.typ == 5 || c.typ == 12 || c.typ == 13:
			continue
		}
		if c.typ&0x40 != 0 {
			report = append(report, c.raw)
		}
		if c.typ&0x80 == 0 {
			break chunks
		}
	}
	if len(out) == commonHeaderLen {
		return nil, report
	}
	return out, report
}

// dataHeaderLen is a DATA chunk without user data (RFC 9260 §3.3.1).
const dataHeaderLen = 16

// emptyData returns the first DATA chunk without user data that pion
// would get (the chunks filterChunks keeps): pion v1.12.1 takes it as an
// empty message, where RFC 9260 §6.2 says to abort the association.
func emptyData(cs []chunk) (chunk, bool) {
	for _, c := range cs {
		switch {
		case c.typ == chunkData && len(c.raw) == dataHeaderLen:
			return c, true
		case !pionParses(c.typ) && c.typ&0x80 == 0 && c.typ != 5 && c.typ != 12 && c.typ != 13:
			return chunk{}, false // §3.2: the chunks after it are discarded
		}
	}
	return chunk{}, false
}

// noUserDataAbort builds an ABORT chunk with a No User Data cause
// (RFC 9260 §3.3.10.9) naming the TSN of the DATA chunk d.
func noUserDataAbort(d chunk) []byte {
	a := []byte{chunkAbort, 0, 0, 12, 0, 9, 0, 8, 0, 0, 0, 0}
	copy(a[8:], d.raw[4:8])
	return a
}

// unrecognizedChunks builds an ERROR chunk with an Unrecognized Chunk
// Type cause (RFC 9260 §3.3.10.6) for each chunk, as many as fit in
// about 1200 octets.
func unrecognizedChunks(report [][]byte) []byte {
	e := []byte{chunkError, 0, 0, 0}
	for _, r := range report {
		n := 4 + len(r)
		if len(e)+n > 1200 {
			break
		}
		e = binary.BigEndian.AppendUint16(e, 6)
		e = binary.BigEndian.AppendUint16(e, uint16(n))
		e = append(e, r...)
		for len(e)%4 != 0 {
			e = append(e, 0)
		}
	}
	binary.BigEndian.PutUint16(e[2:], uint16(len(e)))
	return e
}
