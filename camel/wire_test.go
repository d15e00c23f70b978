package camel_test

import (
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/scpd/scpd/camel"
	"github.com/scpd/scpd/sigtran/m3ua"
	"github.com/scpd/scpd/sigtran/pcap"
	"github.com/scpd/scpd/sigtran/pcap/tshark"
	"github.com/scpd/scpd/sigtran/sccp"
	"github.com/scpd/scpd/sigtran/tcap"
)

// wire writes TCAP messages between an MSC and an SCP as Ethernet / IPv4
// / SCTP / M3UA / SCCP frames.
type wire struct {
	t   *testing.T
	w   *pcap.Writer
	at  time.Time
	ph  camel.Phase
	seq int
}

var (
	mscAddr = netip.MustParseAddrPort("10.1.1.1:2905")
	scpAddr = netip.MustParseAddrPort("10.1.1.2:2905")
	mscSCCP = sccp.Address{SSN: sccp.SSNCAP, GT: sccp.GlobalTitle{Indicator: sccp.GTITTNPESNAI, NumberingPlan: sccp.NPISDN, NatureOfAddress: sccp.NAIInternational, Digits: "4917000010"}}
	scpSCCP = sccp.Address{RouteOnSSN: true, HasPC: true, PointCode: 2, SSN: sccp.SSNCAP}
)

func (w *wire) send(fromMSC bool, m *tcap.Message) {
	w.t.Helper()
	data, err := m.Append(nil)
	if err != nil {
		w.t.Fatal(err)
	}
	called, calling, opc, dpc, src, dst := scpSCCP, mscSCCP, uint32(1), uint32(2), mscAddr, scpAddr
	if !fromMSC {
		called, calling, opc, dpc, src, dst = mscSCCP, scpSCCP, 2, 1, scpAddr, mscAddr
	}
	u, err := sccp.NewUDT(called, calling, data, true).Append(nil)
	if err != nil {
		w.t.Fatal(err)
	}
	d := m3ua.Data{HasRoutingContext: true, RoutingContext: 1, OPC: opc, DPC: dpc, SI: m3ua.SISCCP, NI: m3ua.NINational, SLS: 5, Payload: u}
	b, err := d.Append(nil)
	if err != nil {
		w.t.Fatal(err)
	}
	w.at = w.at.Add(10 * time.Millisecond)
	if err := w.w.WriteM3UA(w.at, src, dst, 1, b); err != nil {
		w.t.Fatal(err)
	}
	w.seq++
}

func (w *wire) invoke(id int8, a camel.Argument) tcap.Component {
	w.t.Helper()
	p, err := camel.AppendArgument(nil, a, w.ph)
	if err != nil {
		w.t.Fatalf("%v: %v", a.Opcode(), err)
	}
	return tcap.NewInvoke(id, int64(a.Opcode()), p)
}

func leg(n camel.LegType) camel.LegID { return camel.LegID{SendingSideID: n} }

// callFlow writes one prepaid call in phase ph: InitialDP, the SCP's
// RRBCSM + ApplyCharging + Connect, oAnswer, an interim ACR with a new
// ApplyCharging, the final ACR and oDisconnect, and the SCP's End with
// ReleaseCall; then a second dialogue that the SCP aborts, and an unknown
// transaction answered with a P-Abort.
func callFlow(w *wire, base uint32) {
	ph := w.ph
	msc, scp := tcap.NewTransactionID(base), tcap.NewTransactionID(base+0x1000)
	idp := camel.ExampleMOInitialDP()
	w.send(true, tcap.NewBegin(msc, tcap.NewAARQ(ph.ApplicationContext()), w.invoke(1, idp)))

	var events []camel.BCSMEvent
	for _, e := range []struct {
		ev   camel.EventTypeBCSM
		mode camel.MonitorMode
		leg  camel.LegType
	}{
		{camel.EventRouteSelectFailure, camel.MonitorInterrupted, 0},
		{camel.EventOCalledPartyBusy, camel.MonitorInterrupted, camel.Leg2},
		{camel.EventONoAnswer, camel.MonitorInterrupted, camel.Leg2},
		{camel.EventOAnswer, camel.MonitorNotifyAndContinue, camel.Leg2},
		{camel.EventOAbandon, camel.MonitorNotifyAndContinue, camel.Leg1},
		{camel.EventODisconnect, camel.MonitorInterrupted, camel.Leg1},
		{camel.EventODisconnect, camel.MonitorInterrupted, camel.Leg2},
	} {
		be := camel.BCSMEvent{EventTypeBCSM: e.ev, MonitorMode: e.mode}
		if e.leg != 0 {
			be.LegID = leg(e.leg)
		}
		events = append(events, be)
	}
	ac := &camel.ApplyChargingArg{AChBillingChargingCharacteristics: camel.AChBillingChargingCharacteristics{
		MaxCallPeriodDuration: 1200, ReleaseIfDurationExceeded: true, Tone: true}, PartyToCharge: camel.Leg1}
	connect := &camel.ConnectArg{DestinationRoutingAddress: camel.CalledPartyNumber{NatureOfAddress: camel.NAIInternational, NumberingPlan: camel.NPIISDN, Digits: "4917012340002"}}
	w.send(false, tcap.NewContinue(scp, msc, tcap.NewAARE(ph.ApplicationContext(), tcap.Accepted, tcap.DiagNull),
		w.invoke(1, &camel.RequestReportBCSMEventArg{BCSMEvents: events}), w.invoke(2, ac), w.invoke(3, connect)))

	w.send(true, tcap.NewContinue(msc, scp, nil, w.invoke(2, &camel.EventReportBCSMArg{EventTypeBCSM: camel.EventOAnswer,
		EventSpecificInformationBCSM: camel.EventSpecificInformationBCSM{OAnswerSpecificInfo: &camel.AnswerSpecificInfo{}},
		LegID:                        camel.Leg2, MiscCallInfo: camel.MiscCallInfo{MessageType: camel.MessageNotification}})))

	active, released := true, false
	acr := func(tenths uint32, legActive *bool) *camel.ApplyChargingReportArg {
		return &camel.ApplyChargingReportArg{CallResult: camel.CallResult{TimeDurationChargingResult: camel.TimeDurationChargingResult{
			PartyToCharge: camel.Leg1, TimeInformation: camel.TimeInformation{TimeIfNoTariffSwitch: tenths}, LegActive: legActive}}}
	}
	w.send(true, tcap.NewContinue(msc, scp, nil, w.invoke(3, acr(1200, &active))))
	w.send(false, tcap.NewContinue(scp, msc, nil, w.invoke(4, ac)))
	w.send(true, tcap.NewContinue(msc, scp, nil,
		w.invoke(4, &camel.EventReportBCSMArg{EventTypeBCSM: camel.EventODisconnect,
			EventSpecificInformationBCSM: camel.EventSpecificInformationBCSM{ODisconnectSpecificInfo: &camel.DisconnectSpecificInfo{
				ReleaseCause: &camel.Cause{Location: camel.LocationUser, Value: camel.CauseNormalClearing}}},
			LegID: camel.Leg1}),
		w.invoke(5, acr(734, &released))))
	w.send(false, tcap.NewEnd(msc, nil, w.invoke(5, &camel.ReleaseCallArg{Cause: camel.Cause{Location: camel.LocationPublicLocal, Value: camel.CauseNormalClearing}})))

	// A second call that the SCP refuses with a U-Abort, and a stray
	// Continue answered with a P-Abort.
	msc2 := tcap.NewTransactionID(base + 1)
	w.send(true, tcap.NewBegin(msc2, tcap.NewAARQ(ph.ApplicationContext()), w.invoke(1, idp)))
	w.send(false, tcap.NewUAbort(msc2, tcap.NewABRT(nil)))
	w.send(false, tcap.NewPAbort(tcap.NewTransactionID(base+2), tcap.UnrecognizedTransactionID))
}

// TestWiresharkAgrees writes whole call flows of each CAP phase into one
// capture and has tshark decode it: no malformed packet or expert warning,
// and the decoded values are the ones encoded.
func TestWiresharkAgrees(t *testing.T) {
	tshark.Require(t)
	file := filepath.Join(t.TempDir(), "cap-call-flows.pcap")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	pw, err := pcap.NewWriter(f)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	for i, ph := range []camel.Phase{camel.Phase2, camel.Phase3, camel.Phase4} {
		callFlow(&wire{t: t, w: pw, at: at.Add(time.Duration(i) * time.Second), ph: ph}, uint32(0x100*(i+1)))
	}
	f.Close()

	tshark.Check(t, file)

	const perPhase = 10
	rows := tshark.Fields(t, file, "", "frame.number", "sctp.checksum.status", "m3ua.protocol_data_opc", "sccp.called.ssn",
		"tcap.otid", "tcap.dtid", "tcap.application_context_name", "camel.local")
	if len(rows) != 3*perPhase {
		t.Fatalf("tshark decoded %d frames, want %d", len(rows), 3*perPhase)
	}
	wantOps := []string{"0", "23,35,20", "24", "36", "35", "24,36", "22", "0", "", ""}
	acs := []string{"0.4.0.0.1.0.50.1", "0.4.0.0.1.21.3.4", "0.4.0.0.1.23.3.4"}
	for i, r := range rows {
		phase, step := i/perPhase, i%perPhase
		if r[1] != "1" || r[3] != "146" {
			t.Errorf("frame %s: checksum status %q, called SSN %q", r[0], r[1], r[3])
		}
		if r[7] != wantOps[step] {
			t.Errorf("frame %s (phase %d step %d): operations %q, want %q", r[0], phase+2, step, r[7], wantOps[step])
		}
		if step == 0 && r[6] != acs[phase] {
			t.Errorf("frame %s: application context %q, want %q", r[0], r[6], acs[phase])
		}
		base := 0x100 * (phase + 1)
		if step == 0 && r[4] != hex8(base) {
			t.Errorf("frame %s: otid %q, want %s", r[0], r[4], hex8(base))
		}
		if step == 1 && (r[4] != hex8(base+0x1000) || r[5] != hex8(base)) {
			t.Errorf("frame %s: otid/dtid %q/%q", r[0], r[4], r[5])
		}
	}

	check := func(filter, field string, want ...string) {
		t.Helper()
		got := tshark.Fields(t, file, filter, field)
		if len(got) != len(want) {
			t.Errorf("%s %s: %d frames %v, want %v", filter, field, len(got), got, want)
			return
		}
		for i := range want {
			if got[i][0] != want[i] {
				t.Errorf("%s %s frame %d: %q, want %q", filter, field, i, got[i][0], want[i])
			}
		}
	}
	all3 := func(v string) []string { return []string{v, v, v} }
	all6 := func(v string) []string { return []string{v, v, v, v, v, v} }
	check("camel.local == 0", "camel.serviceKey", all6("100")...)
	check("camel.local == 0", "isup.calling", all6("4917012345678")...)
	check("camel.local == 0", "e212.imsi", all6("262011234567890")...)
	check("camel.local == 0", "gsm_a.dtap.cld_party_bcd_num", all6("01701234567")...)
	check("camel.local == 0", "camel.eventTypeBCSM", all6("2")...)
	check("camel.local == 20", "isup.called", all3("4917012340002")...)
	check("camel.local == 35", "camel.maxCallPeriodDuration", all6("1200")...)
	// legActive TRUE is the DEFAULT, so the interim report leaves it out.
	check("camel.local == 36 && !camel.legActive", "camel.timeIfNoTariffSwitch", all3("1200")...)
	check("camel.local == 36 && camel.legActive == 0", "camel.timeIfNoTariffSwitch", all3("734")...)
	check("camel.local == 22", "camel.cause_indicator", all3("16")...)
	check("camel.local == 23", "camel.eventTypeBCSM", all3("4,5,6,7,10,9,9")...)
	check("camel.local == 23", "camel.monitorMode", all3("0,0,0,1,1,0,0")...)
	check("camel.local == 23", "inap.sendingSideID", all3("02,02,02,01,01,02")...)
	check("tcap.abort_element && tcap.p_abortCause", "tcap.p_abortCause", all3("1")...)
}

func hex8(v int) string {
	s := strconv.FormatUint(uint64(v), 16)
	for len(s) < 8 {
		s = "0" + s
	}
	return s
}
