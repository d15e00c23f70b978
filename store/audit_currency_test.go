package store

import "testing"

// The audit's totals come per currency too: the overall sums add minor
// units of different currencies (cents and yen), which no reader can use.
func TestAuditTotalsByCurrency(t *testing.T) {
	st, _ := openTemp(t)
	err := st.Update(func(tx *Tx) error {
		for _, a := range []Account{
			{ID: "E1", Currency: "EUR", Opening: 1000},
			{ID: "E2", Currency: "EUR", Opening: 250},
			{ID: "J1", Currency: "JPY", Opening: 500},
		} {
			if _, err := tx.CreateAccount(a, t0); err != nil {
				return err
			}
		}
		_, _, err := tx.Recharge("J1", 100, "r1", t0)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := st.Audit()
	if err != nil || !rep.OK() {
		t.Fatalf("audit: %+v %v", rep.Problems, err)
	}
	want := map[string]Totals{
		"EUR": {Opening: 1250, Available: 1250},
		"JPY": {Opening: 500, Recharged: 100, Available: 600},
	}
	if len(rep.ByCurrency) != len(want) || rep.ByCurrency["EUR"] != want["EUR"] || rep.ByCurrency["JPY"] != want["JPY"] {
		t.Fatalf("totals by currency %+v, want %+v", rep.ByCurrency, want)
	}
	if rep.Totals.Opening != 1750 {
		t.Fatalf("overall totals %+v", rep.Totals)
	}
}
