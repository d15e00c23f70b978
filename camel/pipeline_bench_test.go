package camel_test

import (
	"testing"

	"github.com/scpd/scpd/camel"
	"github.com/scpd/scpd/sigtran/ber"
	"github.com/scpd/scpd/sigtran/m3ua"
	"github.com/scpd/scpd/sigtran/sccp"
	"github.com/scpd/scpd/sigtran/tcap"
)

// beginBytes is what an MSC sends: M3UA DATA / SCCP UDT / TC-BEGIN with
// AARQ / Invoke InitialDP (the realistic MO example).
func beginBytes(tb testing.TB) []byte {
	p, err := camel.AppendArgument(nil, camel.ExampleMOInitialDP(), camel.Phase2)
	if err != nil {
		tb.Fatal(err)
	}
	t, _ := tcap.NewBegin(tcap.NewTransactionID(0x1c8a4f02), tcap.NewAARQ(camel.ACPhase2), tcap.NewInvoke(1, 0, p)).Append(nil)
	u, _ := sccp.NewUDT(scpSCCP, mscSCCP, t, true).Append(nil)
	d := m3ua.Data{HasRoutingContext: true, RoutingContext: 1, OPC: 1, DPC: 2, SI: m3ua.SISCCP, NI: m3ua.NINational, SLS: 5, Payload: u}
	b, _ := d.Append(nil)
	return b
}

// BenchmarkDecodeBeginInitialDP decodes a whole M3UA DATA → SCCP → TCAP
// Begin → InitialDP, as scpd does for each new call.
func BenchmarkDecodeBeginInitialDP(b *testing.B) {
	raw := beginBytes(b)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		d, err := m3ua.DecodeData(raw)
		if err != nil {
			b.Fatal(err)
		}
		var u sccp.Message
		if err := u.Decode(d.Payload); err != nil {
			b.Fatal(err)
		}
		var m tcap.Message
		if err := m.Decode(u.Data); err != nil {
			b.Fatal(err)
		}
		ph, _ := camel.PhaseOf(m.Dialogue.ApplicationContext)
		var idp camel.InitialDPArg
		if err := idp.Decode(m.Components[0].Parameter, ph); err != nil {
			b.Fatal(err)
		}
	}
}

// firstAnswer is the SCP's answer to a prepaid call: RRBCSM for the seven
// events, ApplyCharging, Connect.
func firstAnswer() (*camel.RequestReportBCSMEventArg, *camel.ApplyChargingArg, *camel.ConnectArg) {
	var ev []camel.BCSMEvent
	for _, e := range []camel.EventTypeBCSM{camel.EventRouteSelectFailure, camel.EventOCalledPartyBusy, camel.EventONoAnswer,
		camel.EventOAnswer, camel.EventOAbandon, camel.EventODisconnect, camel.EventODisconnect} {
		ev = append(ev, camel.BCSMEvent{EventTypeBCSM: e, LegID: camel.LegID{SendingSideID: camel.Leg2}})
	}
	return &camel.RequestReportBCSMEventArg{BCSMEvents: ev},
		&camel.ApplyChargingArg{AChBillingChargingCharacteristics: camel.AChBillingChargingCharacteristics{MaxCallPeriodDuration: 1200, ReleaseIfDurationExceeded: true, Tone: true}},
		&camel.ConnectArg{DestinationRoutingAddress: camel.CalledPartyNumber{NatureOfAddress: camel.NAIInternational, NumberingPlan: camel.NPIISDN, Digits: "4917012340002"}}
}

// BenchmarkEncodeFirstAnswer encodes the SCP's first answer — TC-CONTINUE
// with AARE, RRBCSM + ApplyCharging + Connect — down to M3UA DATA, with
// buffers reused as the service reuses them.
func BenchmarkEncodeFirstAnswer(b *testing.B) {
	rr, ac, co := firstAnswer()
	params := ber.NewEncoder(make([]byte, 0, 512))
	tbuf := make([]byte, 0, 512)
	ubuf := make([]byte, 0, 512)
	mbuf := make([]byte, 0, 512)
	comps := make([]tcap.Component, 3)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		params.Reset()
		var err error
		for j, a := range []camel.Argument{rr, ac, co} {
			start := params.Len()
			if err = a.Encode(params, camel.Phase2); err != nil {
				b.Fatal(err)
			}
			comps[j] = tcap.NewInvoke(int8(j+1), int64(a.Opcode()), params.Bytes()[start:])
		}
		m := tcap.Message{Type: tcap.Continue, OTID: tcap.NewTransactionID(7), DTID: tcap.NewTransactionID(0x1c8a4f02),
			Dialogue: tcap.NewAARE(camel.ACPhase2, tcap.Accepted, tcap.DiagNull), Components: comps}
		if tbuf, err = m.Append(tbuf[:0]); err != nil {
			b.Fatal(err)
		}
		u := sccp.Message{Type: sccp.UDT, Called: mscSCCP, Calling: scpSCCP, Data: tbuf}
		if ubuf, err = u.Append(ubuf[:0]); err != nil {
			b.Fatal(err)
		}
		d := m3ua.Data{HasRoutingContext: true, RoutingContext: 1, OPC: 2, DPC: 1, SI: m3ua.SISCCP, NI: m3ua.NINational, SLS: 5, Payload: ubuf}
		if mbuf, err = d.Append(mbuf[:0]); err != nil {
			b.Fatal(err)
		}
	}
}
