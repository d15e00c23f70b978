package main

import (
	"encoding/binary"
	"hash/crc32"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scpd/scpd/camel"
	"github.com/scpd/scpd/sigtran/m3ua"
	"github.com/scpd/scpd/sigtran/pcap/tshark"
	"github.com/scpd/scpd/sigtran/sccp"
	"github.com/scpd/scpd/sigtran/tcap"
)

// Field captures frame the InitialDPs in ways ssfsim pcap never writes:
// this capture has them all, built octet by octet.

func m3uaOf(t *testing.T, msgType sccp.MessageType, tc []byte) []byte {
	t.Helper()
	called := sccp.Address{RouteOnSSN: true, HasPC: true, PointCode: 2, SSN: sccp.SSNCAP}
	calling := sccp.Address{SSN: sccp.SSNCAP, GT: sccp.GlobalTitle{Indicator: sccp.GTITTNPESNAI, NumberingPlan: sccp.NPISDN,
		NatureOfAddress: sccp.NAIInternational, Digits: "31600000010"}}
	m := sccp.NewUDT(called, calling, tc, true)
	if msgType == sccp.XUDT {
		m = sccp.NewXUDT(called, calling, tc, true)
	}
	s, err := m.Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := (&m3ua.Data{OPC: 1, DPC: 2, SI: m3ua.SISCCP, NI: m3ua.NINational, SLS: 1, Payload: s}).Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// beginTwoIDPs is a TC-BEGIN with two InitialDP invokes (IDs 1 and 2).
func beginTwoIDPs(t *testing.T, otid uint32, keys [2]uint32) []byte {
	t.Helper()
	var comps []tcap.Component
	for i, k := range keys {
		// Only the service key, which is all CAP makes mandatory: two of
		// the example's would not fit the 255 octets of SCCP data.
		idp := &camel.InitialDPArg{ServiceKey: k}
		p, err := camel.AppendArgument(nil, idp, camel.Phase2)
		if err != nil {
			t.Fatal(err)
		}
		comps = append(comps, tcap.NewInvoke(int8(i+1), int64(camel.OpInitialDP), p))
	}
	b, err := tcap.NewBegin(tcap.NewTransactionID(otid), tcap.NewAARQ(camel.Phase2.ApplicationContext()), comps...).Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func chunkDATA(tsn uint32, ppid uint32, payload []byte) []byte {
	n := 16 + len(payload)
	b := []byte{0, 3, byte(n >> 8), byte(n)}
	b = binary.BigEndian.AppendUint32(b, tsn)
	b = append(b, 0, 1, 0, byte(tsn))
	b = binary.BigEndian.AppendUint32(b, ppid)
	b = append(b, payload...)
	return append(b, make([]byte, (4-n%4)%4)...)
}

func sctpWith(chunks ...[]byte) []byte {
	b := []byte{0x0b, 0x59, 0x0b, 0x59, 0, 0, 0, 1, 0, 0, 0, 0}
	for _, c := range chunks {
		b = append(b, c...)
	}
	binary.LittleEndian.PutUint32(b[8:], crc32.Checksum(b, crc32.MakeTable(crc32.Castagnoli)))
	return b
}

func tcpWith(seq uint32, payload []byte) []byte {
	b := []byte{0x9c, 0x40, 0x0b, 0x59}
	b = binary.BigEndian.AppendUint32(b, seq)
	b = binary.BigEndian.AppendUint32(b, 1)
	b = append(b, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0)
	return append(b, payload...)
}

func ip6With(next byte, payload []byte) []byte {
	b := []byte{0x60, 0, 0, 0, byte(len(payload) >> 8), byte(len(payload)), next, 64}
	s, d := netip.MustParseAddr("2001:db8::1").As16(), netip.MustParseAddr("2001:db8::2").As16()
	b = append(append(b, s[:]...), d[:]...)
	return append(b, payload...)
}

// sll2With is a Linux cooked v2 header (tcpdump -i any, libpcap 1.10+).
func sll2With(etherType uint16, payload []byte) []byte {
	b := []byte{byte(etherType >> 8), byte(etherType), 0, 0, 0, 0, 0, 3, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0}
	return append(b, payload...)
}

// pcapngOf writes one section with an interface of each link type and
// the frames as Enhanced Packet Blocks on the given interfaces.
func pcapngOf(lts []uint16, ifaces []uint32, frames [][]byte) []byte {
	block := func(b []byte, typ uint32, body []byte) []byte {
		n := uint32(12 + len(body))
		b = binary.LittleEndian.AppendUint32(b, typ)
		b = binary.LittleEndian.AppendUint32(b, n)
		return binary.LittleEndian.AppendUint32(append(b, body...), n)
	}
	b := block(nil, 0x0a0d0d0a, []byte{0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	for _, lt := range lts {
		b = block(b, 1, []byte{byte(lt), byte(lt >> 8), 0, 0, 0xff, 0xff, 0, 0})
	}
	for i, f := range frames {
		ts := uint64(1_800_000_000+i) * 1_000_000
		epb := binary.LittleEndian.AppendUint32(nil, ifaces[i])
		epb = binary.LittleEndian.AppendUint32(epb, uint32(ts>>32))
		epb = binary.LittleEndian.AppendUint32(epb, uint32(ts))
		epb = binary.LittleEndian.AppendUint32(epb, uint32(len(f)))
		epb = binary.LittleEndian.AppendUint32(epb, uint32(len(f)))
		epb = append(append(epb, f...), make([]byte, (4-len(f)%4)%4)...)
		b = block(b, 6, epb)
	}
	return b
}

// TestReplayFieldFraming: replay takes every InitialDP Begin of a pcapng
// capture on three interfaces (Linux cooked v2, raw IP, Ethernet), over
// IPv6: SCTP packets bundling DATA chunks (one of another PPID) with UDT
// and XUDT, a Begin with two InitialDPs, M3UA over TCP with two messages
// in a segment and one split over segments, a retransmission, and a
// damaged frame.
func TestReplayFieldFraming(t *testing.T) {
	x := m3uaOf(t, sccp.UDT, begin(t, 3, camel.Phase3, 103, "31612345003", "1002"))
	y := m3uaOf(t, sccp.XUDT, begin(t, 4, camel.Phase4, 104, "31612345004", "1002"))
	z := m3uaOf(t, sccp.UDT, begin(t, 5, camel.Phase2, 105, "31612345005", "1002"))
	tcpBytes := append(append(append([]byte(nil), x...), y...), z...)
	cut := len(x) + len(y) + 7
	frames := [][]byte{
		sll2With(0x86dd, ip6With(132, sctpWith(
			chunkDATA(1, 3, m3uaOf(t, sccp.UDT, begin(t, 1, camel.Phase2, 101, "31612345001", "1002"))),
			chunkDATA(2, 46, []byte{1, 0, 1, 1, 0, 0, 0, 20, 0, 0, 0, 0}), // Diameter
			chunkDATA(3, 3, m3uaOf(t, sccp.XUDT, beginTwoIDPs(t, 2, [2]uint32{102, 112})))))),
		ip6With(6, tcpWith(1000, tcpBytes[:cut])),
		ip6With(6, tcpWith(1000+uint32(cut), tcpBytes[cut:])),
		ip6With(6, tcpWith(1000+uint32(cut), tcpBytes[cut:])), // retransmission
		{0xde, 0xad},
		sll2With(0x86dd, ip6With(132, sctpWith(chunkDATA(4, 3, m3uaOf(t, sccp.UDT, begin(t, 6, camel.Phase3, 106, "31612345006", "1002")))))),
	}
	file := filepath.Join(t.TempDir(), "field.pcapng")
	if err := os.WriteFile(file, pcapngOf([]uint16{276, 101, 1}, []uint32{0, 1, 1, 1, 2, 0}, frames), 0o644); err != nil {
		t.Fatal(err)
	}
	// The oracle: Wireshark finds them all (the TCP checksums are left
	// zero, so they are not checked).
	n := 0
	for _, r := range tshark.With("-X", "lua_script:../../scripts/m3ua-tcp.lua").Fields(t, file, "camel.local == 0", "camel.serviceKey") {
		n += len(strings.Split(r[0], ","))
	}
	if n != 7 {
		t.Errorf("tshark finds %d InitialDPs, want 7", n)
	}

	calls, skips, err := initialDPs(file)
	if err != nil {
		t.Fatal(err)
	}
	type seen struct {
		frame int
		otid  string
		phase camel.Phase
		key   uint32
	}
	want := []seen{{1, "00000001", 2, 101}, {1, "00000002", 2, 102}, {1, "00000002", 2, 112},
		{2, "00000003", 3, 103}, {2, "00000004", 4, 104}, {3, "00000005", 2, 105}, {6, "00000006", 3, 106}}
	var got []seen
	for _, c := range calls {
		got = append(got, seen{c.Frame, c.OTID, c.Phase, c.IDP.ServiceKey})
	}
	if len(got) != len(want) {
		t.Fatalf("found %d InitialDPs %+v, want %d %+v (skipped %+v)", len(got), got, len(want), want, skips)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("InitialDP %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	if len(skips) != 0 {
		t.Errorf("skipped %+v", skips)
	}
}
