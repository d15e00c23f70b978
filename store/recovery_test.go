package store

import (
	"context"
	"testing"
	"time"
)

// One reservation the sweeper cannot settle (here: its account record is
// missing) must not keep every reservation after it in the open index frozen
// forever.
func TestSweepGoesOnPastAReservationItCannotSettle(t *testing.T) {
	st, _ := openTemp(t)
	err := st.Update(func(tx *Tx) error {
		if _, err := tx.CreateAccount(Account{ID: "A-1", Currency: "EUR", Opening: 1000}, t0); err != nil {
			return err
		}
		bad := Reservation{CallID: "c-0-bad", AccountID: "gone", State: ReservationOpen, Created: t0, Deadline: t0.Add(time.Minute)}
		if err := tx.PutReservation(&bad); err != nil {
			return err
		}
		if err := tx.IndexOpen(&bad); err != nil {
			return err
		}
		a, err := tx.Account("A-1")
		if err != nil {
			return err
		}
		good := Reservation{CallID: "c-1-good", AccountID: "A-1", State: ReservationOpen, Created: t0, Deadline: t0.Add(time.Minute)}
		if err := tx.Freeze(&a, &good, 100, t0); err != nil {
			return err
		}
		if err := tx.PutReservation(&good); err != nil {
			return err
		}
		return tx.IndexOpen(&good)
	})
	if err != nil {
		t.Fatal(err)
	}
	sw := &Sweeper{Store: st, Now: func() time.Time { return t0.Add(time.Hour) }, Log: quiet}
	rep, err := sw.SweepOnce(context.Background())
	if err == nil {
		t.Error("the reservation that cannot be settled was not reported")
	}
	if len(rep.Recovered) != 1 || rep.Recovered[0].CallID != "c-1-good" || rep.Recovered[0].Returned != 100 {
		t.Fatalf("recovered %+v (%v), want c-1-good with 100 returned", rep.Recovered, err)
	}
	var a Account
	if err := st.View(func(tx *Tx) error { var err error; a, err = tx.Account("A-1"); return err }); err != nil {
		t.Fatal(err)
	}
	if a.Frozen != 0 || a.Available != 1000 {
		t.Fatalf("account still frozen: %+v", a)
	}
}

// A recharge reference keeps its amount in the refs bucket, so that a reuse
// with another amount is refused even after Purge folded its ledger entry;
// the true retry changes nothing.
func TestRechargeRefRemembersItsAmount(t *testing.T) {
	st, _ := openTemp(t)
	err := st.Update(func(tx *Tx) error {
		_, err := tx.CreateAccount(Account{ID: "A-1", Currency: "EUR", Opening: 1000}, t0)
		if err != nil {
			return err
		}
		_, applied, err := tx.Recharge("A-1", 500, "v-1", t0)
		if err == nil && !applied {
			t.Error("first recharge not applied")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Purge(context.Background(), t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	err = st.Update(func(tx *Tx) error {
		if a, applied, err := tx.Recharge("A-1", 500, "v-1", t0); err != nil || applied || a.Available != 1500 {
			t.Errorf("retry: %+v %v %v", a, applied, err)
		}
		if a, applied, err := tx.Recharge("A-1", 300, "v-1", t0); err == nil || applied {
			t.Errorf("reuse with another amount accepted: %+v %v %v", a, applied, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := st.Audit(); err != nil || !rep.OK() {
		t.Fatalf("audit: %+v %v", rep, err)
	}
}
