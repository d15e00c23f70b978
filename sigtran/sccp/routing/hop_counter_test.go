package routing_test

import (
	"testing"

	"github.com/scpd/scpd/sigtran/sccp"
	"github.com/scpd/scpd/sigtran/sccp/routing"
)

// TestHopCounter: an XUDT routed on a global title needs a translation
// here, which takes a hop; with a hop counter of 1 (or the out-of-range
// 0) none is left: the return procedure with cause hop counter violation
// (Q.714 §2.3 and its SCRC SDL; Q.713 §3.12, cause 12), and a routing
// failure counted. Routed on SSN there is no translation and the counter
// is not looked at.
func TestHopCounter(t *testing.T) {
	h := newHarness(t, routing.Config{GlobalTitles: []string{"316123"}, ReturnOnError: true}, mscMgmt)
	xudt := func(called sccp.Address, hops uint8, roe bool) *sccp.Message {
		m := sccp.NewXUDT(called, mscGT, []byte{0x62, 0x00}, roe)
		m.HopCounter = hops
		return m
	}
	violation := func(called sccp.Address) []sccp.Message {
		return []sccp.Message{{Type: sccp.XUDTS, ReturnCause: sccp.HopCounterViolation, HopCounter: sccp.DefaultHopCounter,
			Called: mscGT, Calling: called, Data: []byte{0x62, 0x00}}}
	}
	h.run(t, []routeCase{
		{
			name:      "XUDT on our global title with 2 hops left is delivered",
			in:        encode(t, xudt(scpGT, 2, true)),
			delivered: []sccp.Message{*xudt(scpGT, 2, true)},
			stats:     routing.Stats{UnitdataIn: 1},
		},
		{
			name:  "XUDT on our global title with hop counter 1 gets XUDTS hop counter violation",
			in:    encode(t, xudt(scpGT, 1, true)),
			sent:  violation(scpGT),
			stats: routing.Stats{RoutingFailures: 1, ServiceOut: 1},
		},
		{
			name:  "XUDT on our global title with hop counter 0 gets XUDTS hop counter violation",
			in:    encode(t, xudt(scpGTNoSSN, 0, true)),
			sent:  violation(scpGTNoSSN),
			stats: routing.Stats{RoutingFailures: 1, ServiceOut: 1},
		},
		{
			name:  "XUDT with hop counter 1 without return on error is dropped and counted",
			in:    encode(t, xudt(scpGT, 1, false)),
			stats: routing.Stats{RoutingFailures: 1},
		},
		{
			name:      "XUDT routed on SSN with hop counter 1 is delivered",
			in:        encode(t, xudt(scpSSN, 1, true)),
			delivered: []sccp.Message{*xudt(scpSSN, 1, true)},
			stats:     routing.Stats{UnitdataIn: 1},
		},
		// Out of 1..15 (Q.713 §3.18) is a violation however it is routed.
		{
			name:  "XUDT routed on SSN with hop counter 0 gets XUDTS hop counter violation",
			in:    encode(t, xudt(scpSSN, 0, true)),
			sent:  violation(scpSSN),
			stats: routing.Stats{RoutingFailures: 1, ServiceOut: 1},
		},
		{
			name:  "XUDT routed on SSN with hop counter 16 gets XUDTS hop counter violation",
			in:    encode(t, xudt(scpSSN, 16, true)),
			sent:  violation(scpSSN),
			stats: routing.Stats{RoutingFailures: 1, ServiceOut: 1},
		},
	})
}

// TestNoticeToDefaultSSN: a UDTS returning a message this node sent from
// a global title without an SSN (it answers from the address it was
// called at) is for the default SSN, as a UDT to that address is: the
// user gets its N-NOTICE.
func TestNoticeToDefaultSSN(t *testing.T) {
	h := newHarness(t, routing.Config{GlobalTitles: []string{"316123"}, ReturnOnError: true}, mscMgmt)
	udts := sccp.Message{Type: sccp.UDTS, ReturnCause: sccp.NoTranslationForAddress, Called: scpGTNoSSN, Calling: mscGT, Data: []byte{0x62, 0x00}}
	h.run(t, []routeCase{{
		name:    "UDTS to our global title without SSN",
		in:      encode(t, &udts),
		notices: []sccp.Message{udts},
		stats:   routing.Stats{ServiceIn: 1},
	}})
}
