package store

import (
	"errors"
	"testing"
)

// A default tariff that prices prepaid subscribers' calls cannot be deleted:
// their calls would be refused (no-tariff). Once nothing needs it, it can.
func TestDeleteTariffInUse(t *testing.T) {
	st, _ := openTemp(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.Update(func(tx *Tx) error {
		for _, c := range []string{ClassOnNet, ClassOffNet, ClassPrepaid} {
			if err := tx.PutTariff(Tariff{Class: c, PricePerMinute: 10, Initial: 60, Subsequent: 60}); err != nil {
				return err
			}
		}
		if err := tx.PutGroup(Group{ID: "ACME", Name: "ACME"}, true); err != nil {
			return err
		}
		if _, err := tx.CreateAccount(Account{ID: "A-1", Currency: "EUR", Opening: 100}, t0); err != nil {
			return err
		}
		// A postpaid VPN member needs no tariff; a prepaid one needs on-net and off-net.
		if err := tx.PutSubscriber(Subscriber{MSISDN: "31612345001", VPN: true, GroupID: "ACME", ShortNumber: "1001"}, true); err != nil {
			return err
		}
		return tx.PutSubscriber(Subscriber{MSISDN: "31612345002", VPN: true, GroupID: "ACME", ShortNumber: "1002", Prepaid: true, AccountID: "A-1"}, true)
	}))
	del := func(class string) error { return st.Update(func(tx *Tx) error { return tx.DeleteTariff(class) }) }
	for _, c := range []string{ClassOnNet, ClassPrepaid} {
		if err := del(c); !errors.Is(err, ErrInUse) {
			t.Errorf("delete %s with a prepaid VPN member: %v, want ErrInUse", c, err)
		}
	}
	// The group's own on-net tariff prices its members' on-net calls.
	must(st.Update(func(tx *Tx) error {
		return tx.PutGroup(Group{ID: "ACME", Name: "ACME", Tariffs: map[string]Tariff{ClassOnNet: {Class: ClassOnNet, PricePerMinute: 5, Initial: 1, Subsequent: 1}}}, false)
	}))
	must(del(ClassOnNet))
	if err := del(ClassOffNet); !errors.Is(err, ErrInUse) {
		t.Errorf("delete off-net, not overridden: %v, want ErrInUse", err)
	}
	// Nor can the group drop that override now: the default is gone, and
	// the two steps would leave its prepaid member's on-net calls unpriced.
	err := st.Update(func(tx *Tx) error { return tx.PutGroup(Group{ID: "ACME", Name: "ACME"}, false) })
	if !errors.Is(err, ErrInUse) {
		t.Errorf("unset the group's on-net override with no default: %v, want ErrInUse", err)
	}
	// No call is of a class other than on-net, off-net and prepaid: a
	// tariff of another (a typo) prices nothing and can go.
	must(st.Update(func(tx *Tx) error {
		return tx.PutTariff(Tariff{Class: "on-nte", PricePerMinute: 1, Initial: 1, Subsequent: 1})
	}))
	must(del("on-nte"))
	// With no prepaid subscriber left, nothing needs the rest.
	must(st.Update(func(tx *Tx) error { return tx.DeleteSubscriber("31612345002") }))
	must(st.Update(func(tx *Tx) error { return tx.PutGroup(Group{ID: "ACME", Name: "ACME"}, false) }))
	must(del(ClassOffNet))
	must(del(ClassPrepaid))
	if err := del(ClassPrepaid); !errors.Is(err, ErrNotFound) {
		t.Errorf("delete a missing tariff: %v, want ErrNotFound", err)
	}
}
