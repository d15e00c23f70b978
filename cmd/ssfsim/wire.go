package main

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/scpd/scpd/sigtran/m3ua"
	"github.com/scpd/scpd/sigtran/pcap"
	"github.com/scpd/scpd/sigtran/sccp"
	"github.com/scpd/scpd/sigtran/tcap"
)

// m3uaLink frames TCAP messages between a simulated MSC and an SCP the way a
// trace of the association shows them: TCAP in an SCCP UDT in M3UA DATA,
// in SCTP DATA chunks or TCP segments (sigtran/pcap builds the frames).
type m3uaLink struct {
	w         *pcap.Writer
	transport pcap.Transport
	// msc and scp are the IP endpoints of the association.
	msc, scp netip.AddrPort
	// mscPC and scpPC are the M3UA point codes; rc the routing context (0: none).
	mscPC, scpPC, rc uint32
	// mscSCCP and scpSCCP are the SCCP addresses: the MSC by global title,
	// the SCP by point code and SSN, as msc.Sim addresses them.
	mscSCCP, scpSCCP sccp.Address
}

// write frames m as sent by the MSC (fromMSC) or by the SCP at t, with
// the signalling link selection sls.
func (l *m3uaLink) write(t time.Time, fromMSC bool, sls uint8, m *tcap.Message) error {
	data, err := m.Append(nil)
	if err != nil {
		return fmt.Errorf("TCAP %v: %w", m.Type, err)
	}
	called, calling, opc, dpc, src, dst := l.scpSCCP, l.mscSCCP, l.mscPC, l.scpPC, l.msc, l.scp
	if !fromMSC {
		called, calling, opc, dpc, src, dst = l.mscSCCP, l.scpSCCP, l.scpPC, l.mscPC, l.scp, l.msc
	}
	udt, err := sccp.NewUDT(called, calling, data, true).Append(nil)
	if err != nil {
		return fmt.Errorf("SCCP UDT: %w", err)
	}
	d := m3ua.Data{OPC: opc, DPC: dpc, SI: m3ua.SISCCP, NI: m3ua.NINational, SLS: sls, Payload: udt}
	if l.rc != 0 {
		d.HasRoutingContext, d.RoutingContext = true, l.rc
	}
	msg, err := d.Append(nil)
	if err != nil {
		return fmt.Errorf("M3UA DATA: %w", err)
	}
	if l.transport == pcap.TCP {
		return l.w.WriteM3UATCP(t, src, dst, msg)
	}
	// Stream 0 is for management (RFC 4666 §1.4.7): DATA goes on 1.
	return l.w.WriteM3UA(t, src, dst, 1, msg)
}
