package store

import (
	"bytes"
	"testing"
)

// Decoded strings share one copy of the record (decoder.str): they must not
// alias the bytes they were decoded from, which in a transaction are
// bbolt's pages, and must come out right whichever fields are empty.
func TestDecodedStringsOutliveTheirBytes(t *testing.T) {
	for _, tc := range []Subscriber{
		{MSISDN: "31612345001", IMSI: "204081234567890", Name: "Ann", VPN: true, Prepaid: true, GroupID: "G1", ShortNumber: "201", AccountID: "A-1"},
		{MSISDN: "31612345002", GroupID: "G1", ShortNumber: "202"}, // empty strings before and between
		{MSISDN: "", Name: "", AccountID: "A-9"},                   // only the last set
		{},
	} {
		b := encodeSubscriber(&tc)
		got, err := decodeSubscriber(tc.MSISDN, b)
		if err != nil {
			t.Fatal(err)
		}
		copy(b, bytes.Repeat([]byte{0xff}, len(b))) // the page is reused
		if got != tc {
			t.Errorf("decoded %+v, want %+v", got, tc)
		}
	}
}
