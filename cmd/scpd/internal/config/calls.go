package config

import (
	"fmt"
	"net"
)

// validateCalls checks the SIGTRAN, service and charging sections; the
// layers check their own consistency again when they start.
func (c *Config) validateCalls(bad func(key, rule string)) {
	s := &c.Sigtran
	if s.PointCode == 0 || s.PointCode > 16383 {
		bad("sigtran.point_code", "must be 1-16383 (14-bit ITU point code)")
	}
	if s.NetworkIndicator != "national" && s.NetworkIndicator != "international" {
		bad("sigtran.network_indicator", "must be national or international")
	}
	switch s.Transport {
	case "tcp", "sctp", "userspace-sctp", "auto":
	default:
		bad("sigtran.transport", "must be tcp, sctp, userspace-sctp or auto")
	}
	for i, l := range s.Listen {
		if _, _, err := net.SplitHostPort(l); err != nil {
			bad(fmt.Sprintf("sigtran.listen[%d]", i), "must be host:port, e.g. 127.0.0.1:2905")
		}
	}
	if s.BeatInterval > 0 && s.BeatTimeout <= s.BeatInterval {
		bad("sigtran.beat_timeout", "must exceed beat_interval")
	}
	for i, p := range s.Peers {
		key := fmt.Sprintf("sigtran.peers[%d]", i)
		if p.Name == "" {
			bad(key+".name", "must be set")
		}
		if len(p.Remote) == 0 {
			bad(key+".remote", "at least one address (host, or host:port to dial)")
		}
		if p.TrafficMode != "" && p.TrafficMode != "loadshare" && p.TrafficMode != "override" {
			bad(key+".traffic_mode", "must be loadshare or override")
		}
	}
	if s.TCAP.InvokeTimeout <= 0 || s.TCAP.ActivityTestTimeout <= 0 {
		bad("sigtran.tcap.invoke_timeout", "invoke_timeout and activity_test_timeout must be positive")
	}
	if s.TCAP.MaxDialogues < 0 {
		bad("sigtran.tcap.max_dialogues", "must not be negative (0: no limit)")
	}
	if len(c.Services) == 0 {
		bad("services", "at least one service key")
	}
	seen := map[int64]bool{}
	for i, sv := range c.Services {
		key := fmt.Sprintf("services[%d]", i)
		if sv.Key < 0 || sv.Key > 2147483647 || seen[sv.Key] {
			bad(key+".key", "must be a unique 0-2147483647")
		}
		seen[sv.Key] = true
		if sv.Service != "vpn" && sv.Service != "prepaid" {
			bad(key+".service", "must be vpn or prepaid")
		}
	}
	ch := &c.Charging
	if ch.FirstQuota.D() < 1e9 || ch.NextQuota.D() < 1e9 {
		bad("charging.first_quota", "first_quota and next_quota must be at least 1s")
	}
	if ch.SettleWait <= 0 || ch.StoreTimeout <= 0 {
		bad("charging.settle_wait", "settle_wait and store_timeout must be positive")
	}
	if ch.AnswerRecordDelay < 0 {
		bad("charging.answer_record_delay", "must not be negative")
	}
	if c.Runtime.GCPercent < 10 {
		bad("runtime.gc_percent", "must be at least 10")
	}
	if c.Runtime.MemoryLimitMiB < 0 {
		bad("runtime.memory_limit_mib", "must not be negative (0: no limit)")
	}
	if c.Numbering.MaxShortNumber < 1 {
		bad("numbering.max_short_number", "must be at least 1")
	}
	if c.Calls.MTTreatment != "continue" && c.Calls.MTTreatment != "release" {
		bad("calls.mt_treatment", "must be continue or release")
	}
	if c.Overload.Treatment != "release" && c.Overload.Treatment != "continue" {
		bad("overload.treatment", "must be release or continue")
	}
	if c.Overload.MaxCalls < 0 || c.Overload.MaxStoreQueue < 0 {
		bad("overload.max_calls", "max_calls and max_store_queue must not be negative (0: no bound)")
	}
	if c.Metrics.Listen != "" {
		if _, _, err := net.SplitHostPort(c.Metrics.Listen); err != nil {
			bad("metrics.listen", "must be host:port, e.g. 127.0.0.1:9090, or empty")
		}
	}
}
