package store

import (
	"fmt"
	"testing"
	"time"
)

// CDRs with a limit keep the first that match, or with Newest the last —
// still in end-time order — within Since and Until (exclusive).
func TestCDRsLimitOldestOrNewest(t *testing.T) {
	st, _ := openTemp(t)
	err := st.Update(func(tx *Tx) error {
		for i := range 10 {
			calling := "31600000001"
			if i%2 == 1 {
				calling = "31600000002"
			}
			at := t0.Add(time.Duration(i) * time.Minute)
			if err := tx.AppendCDR(&CDR{CallID: fmt.Sprintf("c%d", i), Calling: calling, Start: at, End: at}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ids := func(f CDRFilter) string {
		t.Helper()
		var cdrs []CDR
		if err := st.View(func(tx *Tx) (err error) { cdrs, err = tx.CDRs(f); return err }); err != nil {
			t.Fatal(err)
		}
		s := ""
		for _, c := range cdrs {
			s += c.CallID + " "
		}
		return s
	}
	minute := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Minute) }
	for _, tc := range []struct {
		name string
		f    CDRFilter
		want string
	}{
		{"oldest 3", CDRFilter{Limit: 3}, "c0 c1 c2 "},
		{"newest 3", CDRFilter{Limit: 3, Newest: true}, "c7 c8 c9 "},
		{"newest 2 of a number", CDRFilter{Limit: 2, Newest: true, MSISDN: "31600000002"}, "c7 c9 "},
		{"newest 2 before minute 5", CDRFilter{Limit: 2, Newest: true, Until: minute(5)}, "c3 c4 "},
		{"newest 5 from minute 7", CDRFilter{Limit: 5, Newest: true, Since: minute(7)}, "c7 c8 c9 "},
		{"newest 3 in minutes 2..5", CDRFilter{Limit: 3, Newest: true, Since: minute(2), Until: minute(6)}, "c3 c4 c5 "},
		{"newest, until past the end", CDRFilter{Limit: 1, Newest: true, Until: minute(60)}, "c9 "},
		{"newest without a limit is all", CDRFilter{Newest: true, Since: minute(8)}, "c8 c9 "},
	} {
		if got := ids(tc.f); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
