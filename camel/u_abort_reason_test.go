package camel

import (
	"testing"

	"github.com/scpd/scpd/sigtran/ber"
)

func TestUAbortReason(t *testing.T) {
	if s := IDCAPUAbortReason.String(); s != "0.4.0.0.1.1.2.2" {
		t.Errorf("OID %s", s)
	}
	names := []string{"no-reason-given", "application-timer-expired", "not-allowed-procedures",
		"abnormal-processing", "congestion", "invalid-reference", "missing-reference", "overlapping-dialogue"}
	for i, name := range names {
		r := UAbortReason(i + 1)
		if r.String() != name {
			t.Errorf("%d: %s, want %s", i+1, r, name)
		}
		e := ber.NewEncoder(nil)
		if err := r.Encode(e); err != nil || string(e.Bytes()) != string([]byte{0x0a, 1, byte(i + 1)}) {
			t.Errorf("%s: %x %v", name, e.Bytes(), err)
		}
		var back UAbortReason
		if err := back.Decode(e.Bytes()); err != nil || back != r {
			t.Errorf("%s: decoded %v %v", name, back, err)
		}
	}
	var r UAbortReason
	for _, bad := range []string{"0a 01 00", "0a 01 09", "02 01 05", "0a 01"} {
		if err := r.Decode(unhex(t, bad)); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}
