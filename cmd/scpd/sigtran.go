package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/scpd/scpd/camel"
	"github.com/scpd/scpd/cmd/scpd/internal/adminapi"
	"github.com/scpd/scpd/cmd/scpd/internal/config"
	"github.com/scpd/scpd/servicelogic"
	"github.com/scpd/scpd/servicelogic/vpn"
	"github.com/scpd/scpd/sigtran/m3ua"
	"github.com/scpd/scpd/sigtran/pcap"
	"github.com/scpd/scpd/sigtran/sccp"
	"github.com/scpd/scpd/sigtran/sccp/routing"
	"github.com/scpd/scpd/sigtran/stack"
	"github.com/scpd/scpd/sigtran/tcap/dialogue"
	"github.com/scpd/scpd/sigtran/transport"
	"github.com/scpd/scpd/store"
)

// serviceConfig turns the services, charging, numbering and calls
// sections into the service logic's configuration.
func serviceConfig(c *config.Config) servicelogic.Config {
	s := servicelogic.DefaultConfig()
	s.Services = map[int64]servicelogic.Kind{}
	for _, sv := range c.Services {
		s.Services[sv.Key] = servicelogic.Kind(sv.Service)
	}
	s.Numbering = vpn.Numbering{CountryCode: c.Numbering.CountryCode, NationalPrefix: c.Numbering.NationalPrefix,
		InternationalPrefix: c.Numbering.InternationalPrefix, MaxShortNumber: c.Numbering.MaxShortNumber}
	ch := &c.Charging
	s.FirstQuota, s.NextQuota = ch.FirstQuota.D(), ch.NextQuota.D()
	s.RingingAllowance, s.ReservationMargin = ch.RingingAllowance.D(), ch.ReservationMargin.D()
	s.SettleWait, s.StoreTimeout = ch.SettleWait.D(), ch.StoreTimeout.D()
	s.AnswerRecordDelay = ch.AnswerRecordDelay.D()
	s.MT = servicelogic.MTTreatment(c.Calls.MTTreatment)
	s.EmergencyNumbers = c.Calls.EmergencyNumbers
	rc := &c.Calls.ReleaseCauses
	cv := func(v uint8) camel.CauseValue { return camel.CauseValue(v) }
	s.Causes = servicelogic.Causes{UnknownSubscriber: cv(rc.UnknownSubscriber), NoVPNContract: cv(rc.NoVPNContract),
		NoPrepaidContract: cv(rc.NoPrepaidContract), UnknownAccount: cv(rc.UnknownAccount), Expired: cv(rc.Expired),
		Blocked: cv(rc.Blocked), ReportedLost: cv(rc.ReportedLost), NoBalance: cv(rc.NoBalance), OutOfCredit: cv(rc.OutOfCredit),
		BadNumber: cv(rc.BadNumber), SystemFailure: cv(rc.SystemFailure), MTRelease: cv(rc.MTRelease)}
	s.Overload = servicelogic.Overload{MaxCalls: c.Overload.MaxCalls, MaxStoreQueue: c.Overload.MaxStoreQueue,
		Treatment: servicelogic.OverloadTreatment(c.Overload.Treatment), Cause: camel.CauseValue(c.Overload.Cause)}
	return s
}

// stackConfig turns the sigtran section into the stack's configuration.
func stackConfig(c *config.Config) stack.Config {
	s := &c.Sigtran
	m := m3ua.DefaultConfig()
	m.PointCode = s.PointCode
	m.NetworkIndicator = m3ua.NINational
	if s.NetworkIndicator == "international" {
		m.NetworkIndicator = m3ua.NIInternational
	}
	tr := transport.Config{Kind: transport.Kind(s.Transport), OutStreams: s.Streams, InStreams: s.Streams}
	m.DialTransport = tr
	if len(s.Listen) > 0 {
		m.Listen = tr
		m.Listen.Local = s.Listen
	}
	m.BeatInterval, m.BeatTimeout, m.AckTimeout = s.BeatInterval.D(), s.BeatTimeout.D(), s.AckTimeout.D()
	m.ReconnectMin, m.ReconnectMax = s.ReconnectMin.D(), s.ReconnectMax.D()
	for _, p := range s.Peers {
		mode := m3ua.Loadshare
		if p.TrafficMode == "override" {
			mode = m3ua.Override
		}
		m.Peers = append(m.Peers, m3ua.Peer{Name: p.Name, Dial: p.Dial, Remote: p.Remote, PointCode: p.PointCode,
			Routes: p.Routes, Gateway: p.Gateway, RoutingContext: p.RoutingContext, NetworkAppearance: p.NetworkAppearance, TrafficMode: mode})
	}
	t := dialogue.DefaultConfig()
	t.SSN = sccp.SSNCAP
	t.AcceptAC = servicelogic.AcceptAC
	t.IdleTimeout = s.TCAP.IdleTimeout.D()
	t.MaxDialogues = s.TCAP.MaxDialogues
	invoke, at := s.TCAP.InvokeTimeout.D(), s.TCAP.ActivityTestTimeout.D()
	t.InvokeTimer = func(op int64) (uint8, time.Duration) {
		if camel.Opcode(op) == camel.OpActivityTest {
			return uint8(camel.Class3), at
		}
		return uint8(camel.ClassOf(camel.Opcode(op))), invoke
	}
	return stack.Config{
		M3UA: m,
		SCCP: routing.Config{GlobalTitles: s.SCCP.GlobalTitles, XUDT: s.SCCP.XUDT, ReturnOnError: s.SCCP.ReturnOnError,
			AllowedCallingGT: s.SCCP.AllowedCallingGT, AllowedCallingPC: s.SCCP.AllowedCallingPC},
		TCAP: t,
	}
}

// openTrace opens the pcap trace of all SIGTRAN traffic, when configured.
func openTrace(c *config.Config, sc *stack.Config) (func() error, error) {
	if c.Sigtran.Trace == "" {
		return func() error { return nil }, nil
	}
	path := c.InData(c.Sigtran.Trace)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sigtran.trace: %w", err)
	}
	// The trace holds every subscriber's numbers: an existing file keeps its
	// old mode through O_CREATE, so tighten it.
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return nil, fmt.Errorf("sigtran.trace %s: %w", path, err)
	}
	w, err := pcap.NewWriter(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("sigtran.trace %s: %w", path, err)
	}
	sc.M3UA.Tracer = stack.PcapTracer{W: w}
	return f.Close, nil
}

// sigtranComponent runs the stack until ctx ends, then stops gracefully:
// new dialogues are refused, open calls get the grace period to end on
// their own, the rest are settled by scpd, and the associations close.
func sigtranComponent(sig *stack.Stack, svc *servicelogic.Service, grace time.Duration, log *slog.Logger) component {
	return component{name: "sigtran", run: func(ctx context.Context) error {
		// The stack outlives ctx: the associations must carry the calls
		// through the grace period, and sig.Close ends them after it.
		if err := sig.Start(context.WithoutCancel(ctx)); err != nil {
			return err
		}
		<-ctx.Done()
		sig.TCAP.RefuseNew()
		deadline := time.Now().Add(grace)
		for svc.Active() > 0 && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if n := svc.Active(); n > 0 {
			log.Warn("settling calls still in progress at shutdown", "calls", n)
			settle, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			svc.Shutdown(settle)
			cancel()
		}
		sig.Close()
		return nil
	}}
}

// statusFunc reports the daemon for scpd status.
func statusFunc(c *config.Config, sig *stack.Stack, svc *servicelogic.Service, db *store.Store, started time.Time) func(context.Context) (adminapi.Status, error) {
	return func(context.Context) (adminapi.Status, error) {
		t := sig.TCAP.Stats()
		s := adminapi.Status{Started: started, Uptime: time.Since(started).Round(time.Second).String(), PointCode: c.Sigtran.PointCode,
			Listen: c.Sigtran.Listen, Dialogues: t.Open, Calls: svc.Active(), Ended: t.Ended,
			Associations: []adminapi.AssociationStatus{}} // [] rather than null in --json
		if s.Listen == nil {
			s.Listen = []string{}
		}
		if s.Ended == nil {
			s.Ended = map[string]uint64{}
		}
		if a := sig.Node.Addr(); a != nil {
			s.Listen = []string{a.String()}
		}
		for _, a := range sig.Node.Associations() {
			st := a.Stats()
			s.Associations = append(s.Associations, adminapi.AssociationStatus{Peer: a.Peer().Name, Remote: a.RemoteAddr().String(),
				State: a.State().String(), DataIn: st.DataIn, DataOut: st.DataOut, Dropped: st.DataDropped})
		}
		s.StoreBatched, s.StoreCommits = db.BatchStats()
		s.StorePending = db.Queued()
		h, err := db.History()
		if err != nil {
			return s, err
		}
		s.History = h
		return s, nil
	}
}
