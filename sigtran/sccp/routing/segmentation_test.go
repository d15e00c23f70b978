package routing_test

import (
	"testing"

	"github.com/scpd/scpd/sigtran/sccp"
	"github.com/scpd/scpd/sigtran/sccp/routing"
)

// TestSegmentsAreReturned: an XUDT that is one segment of a longer message
// (Segmentation parameter, Q.713 §3.17: the first with more to come, or a
// later one) cannot be reassembled here: XUDTS cause 10, destination cannot
// perform reassembly (Q.714 §4.1.2), counted; dropped and counted without
// return on error. It was handed to TCAP truncated, and the sender heard
// nothing. A single segment (first, none remaining) is the whole message.
func TestSegmentsAreReturned(t *testing.T) {
	h := newHarness(t, routing.Config{GlobalTitles: []string{"316123"}, ReturnOnError: true}, mscMgmt)
	xudt := func(seg byte, roe bool) *sccp.Message {
		m := sccp.NewXUDT(scpSSN, mscGT, []byte{0x62, 0x00}, roe)
		m.Optional = []byte{0x10, 0x04, seg, 0x00, 0x00, 0x01, 0x00}
		return m
	}
	returned := []sccp.Message{{Type: sccp.XUDTS, ReturnCause: sccp.ReassemblyNotPossible, HopCounter: sccp.DefaultHopCounter,
		Called: mscGT, Calling: scpSSN, Data: []byte{0x62, 0x00}}}
	h.run(t, []routeCase{
		{
			name:  "first segment of two",
			in:    encode(t, xudt(0x81, true)),
			sent:  returned,
			stats: routing.Stats{Segmented: 1, ServiceOut: 1},
		},
		{
			name:  "second segment, the last",
			in:    encode(t, xudt(0x00, true)),
			sent:  returned,
			stats: routing.Stats{Segmented: 1, ServiceOut: 1},
		},
		{
			name:  "a segment without return on error",
			in:    encode(t, xudt(0x81, false)),
			stats: routing.Stats{Segmented: 1},
		},
		{
			name:      "the only segment is the whole message",
			in:        encode(t, xudt(0x80, true)),
			delivered: []sccp.Message{*xudt(0x80, true)},
			stats:     routing.Stats{UnitdataIn: 1},
		},
	})
}
