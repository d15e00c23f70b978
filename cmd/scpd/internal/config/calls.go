package config

import (
	"fmt"
	"net"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/scpd/scpd/store"
)

// listenAddr reports whether l is host:port with a numeric port 1-65535.
// net.SplitHostPort alone let "127.0.0.1:" and "host:0" through
// (the daemon then listened on a random port no MSC or CLI could find) and
// "host:99999" (serve failed after config check said OK).
func listenAddr(l string) bool {
	_, port, err := net.SplitHostPort(l)
	if err != nil {
		return false
	}
	n, err := strconv.Atoi(port)
	return err == nil && n >= 1 && n <= 65535
}

// gtPrefix reports whether p can match decoded global-title digits, which
// are 0-9 and A-F (sccp decodes BCD nibbles as upper-case hex):
// "+31" or "31-6" silently matched nothing, and "" matched everything.
func gtPrefix(p string) bool {
	if p == "" {
		return false
	}
	for _, c := range p {
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

func digitsOnly(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

const maxQuota = 864000 * 100 * time.Millisecond // CAP maxCallPeriodDuration: 86400 s

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
		if !listenAddr(l) {
			bad(fmt.Sprintf("sigtran.listen[%d]", i), "must be host:port with a port 1-65535, e.g. 127.0.0.1:2905")
		}
	}
	if s.BeatInterval < 0 {
		bad("sigtran.beat_interval", "must not be negative (0s: no BEAT)")
	}
	if s.BeatInterval > 0 && s.BeatTimeout <= s.BeatInterval {
		bad("sigtran.beat_timeout", "must exceed beat_interval")
	}
	// The rules below are the ones m3ua.Config.Validate applies
	// when serve starts; config check accepted what serve then refused.
	if s.AckTimeout <= 0 {
		bad("sigtran.ack_timeout", "must be positive")
	}
	if s.ReconnectMin <= 0 {
		bad("sigtran.reconnect_min", "must be positive")
	}
	if s.ReconnectMax < s.ReconnectMin {
		bad("sigtran.reconnect_max", "must be at least reconnect_min")
	}
	names := map[string]bool{}
	accepted := map[string]string{} // IP of an accepted peer -> its key: the first peer matching an address gets it
	for i, p := range s.Peers {
		key := fmt.Sprintf("sigtran.peers[%d]", i)
		if p.Name == "" || names[p.Name] {
			bad(key+".name", "must be set and unique")
		}
		names[p.Name] = true
		if len(p.Remote) == 0 {
			bad(key+".remote", "at least one address (host, or host:port to dial)")
		}
		for j, r := range p.Remote {
			rkey := fmt.Sprintf("%s.remote[%d]", key, j)
			host, port, err := net.SplitHostPort(r)
			if err != nil {
				if p.Dial {
					bad(rkey, "a dialled peer needs IP:port, e.g. 192.0.2.1:2905")
					continue
				}
				host = r
			} else if n, perr := strconv.Atoi(port); p.Dial && (perr != nil || n < 1 || n > 65535) {
				bad(rkey, "a dialled peer needs a port 1-65535")
			}
			ip := net.ParseIP(host)
			if ip == nil {
				bad(rkey, "must be an IP address (no host names), or IP:port")
				continue
			}
			if !p.Dial {
				if other, dup := accepted[ip.String()]; dup {
					bad(rkey, "address already belongs to "+other+" (an association from it would always be that peer's)")
				}
				accepted[ip.String()] = key
			}
		}
		if !p.Gateway && (p.PointCode == 0 || p.PointCode > 16383) {
			bad(key+".point_code", "must be 1-16383 unless gateway: true")
		}
		if p.Gateway && p.PointCode > 16383 {
			bad(key+".point_code", "must be 0-16383")
		}
		for j, r := range p.Routes {
			if r == 0 || r > 16383 {
				bad(fmt.Sprintf("%s.routes[%d]", key, j), "must be 1-16383 (14-bit ITU point code)")
			}
		}
		if p.TrafficMode != "" && p.TrafficMode != "loadshare" && p.TrafficMode != "override" {
			bad(key+".traffic_mode", "must be loadshare or override")
		}
	}
	for i, gt := range s.SCCP.GlobalTitles {
		if !gtPrefix(gt) {
			bad(fmt.Sprintf("sigtran.sccp.global_titles[%d]", i), "must be a non-empty digit prefix (0-9, A-F), e.g. \"3161\"")
		}
	}
	for i, gt := range s.SCCP.AllowedCallingGT {
		if !gtPrefix(gt) {
			bad(fmt.Sprintf("sigtran.sccp.allowed_calling_gt[%d]", i), "must be a non-empty digit prefix (0-9, A-F), e.g. \"3161\"")
		}
	}
	for i, pc := range s.SCCP.AllowedCallingPC {
		if pc == 0 || pc > 16383 {
			bad(fmt.Sprintf("sigtran.sccp.allowed_calling_pc[%d]", i), "must be 1-16383 (14-bit ITU point code)")
		}
	}
	// 0 would turn the idle test off (dialogue.Config), and with it the only
	// thing that ends a call whose MSC forgot the dialogue while the
	// association stays up: live calls are never swept, so its fee would
	// stay frozen until a restart.
	if s.TCAP.IdleTimeout <= 0 {
		bad("sigtran.tcap.idle_timeout", "must be positive (the idle test settles calls the MSC forgot)")
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
	// The upper bound is servicelogic's (CAP maxCallPeriodDuration);
	// config check accepted 25h and serve refused it.
	if ch.FirstQuota.D() < time.Second || ch.FirstQuota.D() > maxQuota {
		bad("charging.first_quota", "must be 1s to 24h")
	}
	if ch.NextQuota.D() < time.Second || ch.NextQuota.D() > maxQuota {
		bad("charging.next_quota", "must be 1s to 24h")
	}
	if ch.RingingAllowance < 0 {
		bad("charging.ringing_allowance", "must not be negative")
	}
	if ch.ReservationMargin < 0 {
		bad("charging.reservation_margin", "must not be negative")
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
	// Numbers are compared as digit strings; "+31" or an empty
	// country code silently turned every caller into an unknown subscriber.
	if n := c.Numbering.CountryCode; n == "" || len(n) > 3 || !digitsOnly(n) {
		bad("numbering.country_code", "must be 1-3 digits, e.g. \"31\"")
	}
	if !digitsOnly(c.Numbering.NationalPrefix) {
		bad("numbering.national_prefix", "must be digits (or empty)")
	}
	if !digitsOnly(c.Numbering.InternationalPrefix) {
		bad("numbering.international_prefix", "must be digits (or empty)")
	}
	// The store holds short numbers of 2-8 digits (store/validate.go): below
	// 2 no member is reachable by short number; above 8 no member gains, but
	// dialled national numbers that short stop being routed as numbers.
	if n := c.Numbering.MaxShortNumber; n < store.MinShortNumber || n > store.MaxShortNumber {
		bad("numbering.max_short_number", fmt.Sprintf("must be %d-%d (the store holds short numbers of %[1]d-%[2]d digits)", store.MinShortNumber, store.MaxShortNumber))
	}
	if c.Calls.MTTreatment != "continue" && c.Calls.MTTreatment != "release" {
		bad("calls.mt_treatment", "must be continue or release")
	}
	for _, n := range c.Calls.EmergencyNumbers {
		if n == "" || len(n) > 15 || !digitsOnly(n) {
			bad("calls.emergency_numbers", fmt.Sprintf("%q: each must be 1-15 digits, e.g. \"112\"", n))
		}
	}
	if c.Overload.Treatment != "release" && c.Overload.Treatment != "continue" {
		bad("overload.treatment", "must be release or continue")
	}
	if c.Overload.MaxCalls < 0 {
		bad("overload.max_calls", "must not be negative (0: no bound)")
	}
	if c.Overload.MaxStoreQueue < 0 {
		bad("overload.max_store_queue", "must not be negative (0: no bound)")
	}
	// A Q.850 cause value is 7 bits; a larger one failed to
	// encode on every call that needed it (the call's dialogue was aborted).
	if c.Overload.Cause > 127 {
		bad("overload.cause", "must be 0-127 (Q.850 cause value)")
	}
	rc := reflect.ValueOf(c.Calls.ReleaseCauses)
	for i := 0; i < rc.NumField(); i++ {
		if rc.Field(i).Uint() > 127 {
			bad("calls.release_causes."+strings.Split(rc.Type().Field(i).Tag.Get("yaml"), ",")[0], "must be 0-127 (Q.850 cause value)")
		}
	}
	if c.Metrics.Listen != "" && !listenAddr(c.Metrics.Listen) {
		bad("metrics.listen", "must be host:port with a port 1-65535, e.g. 127.0.0.1:9090, or empty")
	}
	c.validateListenClash(bad)
	if c.Shutdown.Grace < 0 {
		bad("shutdown.grace", "must not be negative")
	}
}

// validateListenClash refuses two TCP listeners on one port: serve would
// fail at start with "address already in use", which check passed.
// Addresses clash on the same port when their hosts are equal or either
// is a wildcard. SCTP listeners have their own port space.
func (c *Config) validateListenClash(bad func(key, rule string)) {
	type listener struct{ key, addr string }
	var ls []listener
	if c.Admin.Listen != "" {
		ls = append(ls, listener{"admin.listen", c.Admin.Listen})
	}
	if c.Metrics.Listen != "" {
		ls = append(ls, listener{"metrics.listen", c.Metrics.Listen})
	}
	if c.Sigtran.Transport == "tcp" {
		for i, l := range c.Sigtran.Listen {
			ls = append(ls, listener{fmt.Sprintf("sigtran.listen[%d]", i), l})
		}
	}
	wildcard := func(h string) bool { return h == "" || h == "0.0.0.0" || h == "::" }
	for i, a := range ls {
		ha, pa, err := net.SplitHostPort(a.addr)
		if err != nil {
			continue // refused above
		}
		for _, b := range ls[:i] {
			hb, pb, err := net.SplitHostPort(b.addr)
			if err != nil || pa != pb {
				continue
			}
			if ha == hb || wildcard(ha) || wildcard(hb) {
				bad(a.key, fmt.Sprintf("port %s is already %s (%s): each listener needs its own port", pa, b.key, b.addr))
				break
			}
		}
	}
}
