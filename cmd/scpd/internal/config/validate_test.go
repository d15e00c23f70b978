package config

import (
	"os"
	"path/filepath"
	"testing"
)

// Values that config check accepted although serve then refused them, or
// that the daemon silently treated as something else. Each must be refused
// naming the key and the rule.
func TestConfigRefused(t *testing.T) {
	peer := func(fields string) string {
		return "sigtran:\n  peers:\n    - {name: a, remote: [\"127.0.0.1\"], point_code: 1}\n    - {" + fields + "}\n"
	}
	tests := []refusal{
		// listen addresses: a random port, or one serve cannot bind
		{"admin empty port", "admin:\n  listen: \"127.0.0.1:\"\n", "admin.listen: must be host:port with a port 1-65535"},
		{"admin port 0", "admin:\n  listen: 127.0.0.1:0\n", "admin.listen: must be host:port with a port 1-65535"},
		{"metrics port too big", "metrics:\n  listen: 127.0.0.1:99999\n", "metrics.listen: must be host:port with a port 1-65535"},
		{"sigtran empty port", "sigtran:\n  listen: [\"127.0.0.1:\"]\n", "sigtran.listen[0]: must be host:port with a port 1-65535"},
		// two listeners on one port: serve fails at bind
		{"metrics on the admin port", "admin:\n  listen: 127.0.0.1:7080\nmetrics:\n  listen: 127.0.0.1:7080\n", "metrics.listen: port 7080 is already admin.listen (127.0.0.1:7080)"},
		{"metrics on all addresses, admin port", "admin:\n  listen: 127.0.0.1:7080\nmetrics:\n  listen: \":7080\"\n", "metrics.listen: port 7080 is already admin.listen"},
		{"tcp sigtran on the metrics port", "metrics:\n  listen: 0.0.0.0:2905\nsigtran:\n  transport: tcp\n  listen: [\"127.0.0.1:2905\"]\n", "sigtran.listen[0]: port 2905 is already metrics.listen"},
		// m3ua's own start-up checks
		{"peer duplicate name", peer("name: a, remote: [\"127.0.0.2\"], point_code: 3"), "sigtran.peers[1].name: must be set and unique"},
		{"peer host name", peer("name: b, remote: [\"localhost\"], point_code: 3"), "sigtran.peers[1].remote[0]: must be an IP address"},
		{"dialled peer without port", peer("name: b, dial: true, remote: [\"192.0.2.1\"], point_code: 3"), "sigtran.peers[1].remote[0]: a dialled peer needs IP:port"},
		{"peer point code 0", peer("name: b, remote: [\"127.0.0.2\"], point_code: 0"), "sigtran.peers[1].point_code: must be 1-16383"},
		{"peer point code too big", peer("name: b, remote: [\"127.0.0.2\"], point_code: 16384"), "sigtran.peers[1].point_code: must be 1-16383"},
		{"peer route too big", peer("name: b, remote: [\"127.0.0.2\"], point_code: 3, routes: [70000]"), "sigtran.peers[1].routes[0]: must be 1-16383"},
		{"two accepted peers one address", peer("name: b, remote: [\"127.0.0.1\"], point_code: 3"), "sigtran.peers[1].remote[0]: address already belongs to sigtran.peers[0]"},
		{"ack_timeout 0", "sigtran:\n  ack_timeout: 0s\n", "sigtran.ack_timeout: must be positive"},
		{"reconnect_min 0", "sigtran:\n  reconnect_min: 0s\n", "sigtran.reconnect_min: must be positive"},
		{"reconnect_max below min", "sigtran:\n  reconnect_min: 10s\n  reconnect_max: 1s\n", "sigtran.reconnect_max: must be at least reconnect_min"},
		{"negative beat", "sigtran:\n  beat_interval: -1s\n", "sigtran.beat_interval: must not be negative"},
		{"negative idle", "sigtran:\n  tcap:\n    idle_timeout: -1s\n", "sigtran.tcap.idle_timeout: must be positive"},
		{"idle test off", "sigtran:\n  tcap:\n    idle_timeout: 0s\n", "sigtran.tcap.idle_timeout: must be positive"},
		// SCCP: prefixes that can never match, or match everything
		{"gt with plus", "sigtran:\n  sccp:\n    global_titles: [\"+3161\"]\n", "sigtran.sccp.global_titles[0]: must be a non-empty digit prefix"},
		{"empty calling gt", "sigtran:\n  sccp:\n    allowed_calling_gt: [\"\"]\n", "sigtran.sccp.allowed_calling_gt[0]: must be a non-empty digit prefix"},
		{"calling pc too big", "sigtran:\n  sccp:\n    allowed_calling_pc: [20000]\n", "sigtran.sccp.allowed_calling_pc[0]: must be 1-16383"},
		// servicelogic's start-up check (CAP maxCallPeriodDuration)
		{"first quota over 24h", "charging:\n  first_quota: 25h\n", "charging.first_quota: must be 1s to 24h"},
		{"next quota over 24h", "charging:\n  next_quota: 25h\n", "charging.next_quota: must be 1s to 24h"},
		{"next quota 0", "charging:\n  next_quota: 0s\n", "charging.next_quota: must be 1s to 24h"},
		{"negative margin", "charging:\n  reservation_margin: -5m\n", "charging.reservation_margin: must not be negative"},
		{"negative ringing", "charging:\n  ringing_allowance: -5m\n", "charging.ringing_allowance: must not be negative"},
		// Q.850 cause values are 7 bits: larger ones fail to encode per call
		{"release cause 200", "calls:\n  release_causes:\n    bad_number: 200\n", "calls.release_causes.bad_number: must be 0-127"},
		{"overload cause 200", "overload:\n  cause: 200\n", "overload.cause: must be 0-127"},
		{"max_store_queue named", "overload:\n  max_store_queue: -1\n", "overload.max_store_queue: must not be negative"},
		// numbering compared as digit strings
		{"country code plus", "numbering:\n  country_code: \"+31\"\n", "numbering.country_code: must be 1-3 digits"},
		{"country code empty", "numbering:\n  country_code: \"\"\n", "numbering.country_code: must be 1-3 digits"},
		{"national prefix letter", "numbering:\n  national_prefix: \"O\"\n", "numbering.national_prefix: must be digits"},
		{"negative grace", "shutdown:\n  grace: -1s\n", "shutdown.grace: must not be negative"},
		// errors name the key
		{"bad duration names key", "sweeper:\n  interval: 100\n", "line 2: \"100\" is not a duration (e.g. 500ms, 10s, 24h): sweeper.interval"},
		{"top level not a mapping", "- a\n", "line 1: the configuration must be a mapping of keys"},
	}
	refuses(t, tests)
}

// What stays accepted: redundant peers reaching the same point code (the
// router loadshares between them), a gateway, hex GT digits, edge values.
func TestConfigAccepted(t *testing.T) {
	yaml := `sigtran:
  listen: ["127.0.0.1:2905", "[::1]:2905"]
  peers:
    - {name: a, remote: ["127.0.0.1", "::1"], point_code: 1, routes: [5, 16383]}
    - {name: b, remote: ["127.0.0.2:0"], point_code: 1}
    - {name: c, dial: true, remote: ["127.0.0.1:2905"], gateway: true}
  beat_interval: 0s
  sccp:
    global_titles: ["3161", "0A"]
    allowed_calling_pc: [1, 16383]
charging:
  first_quota: 24h
  next_quota: 1s
  reservation_margin: 0s
calls:
  release_causes:
    out_of_credit: 127
overload:
  cause: 127
numbering:
  country_code: "1"
  national_prefix: ""
  international_prefix: "011"
`
	p := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(p, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(p); err != nil {
		t.Fatal(err)
	}
}

// SCTP has its own port space: M3UA over SCTP on the port the metrics
// listener has over TCP binds.
func TestConfigSCTPSharesTCPPortNumber(t *testing.T) {
	yaml := "metrics:\n  listen: 127.0.0.1:2905\nsigtran:\n  transport: sctp\n  listen: [\"127.0.0.1:2905\"]\n"
	p := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(p, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(p); err != nil {
		t.Fatal(err)
	}
}
