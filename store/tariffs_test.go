package store

import (
	"errors"
	"strings"
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

// A prepaid subscriber whose calls no tariff would price is refused when it
// comes, becomes prepaid or moves to another group: every call of it would
// otherwise be released as no-tariff. The error names the class and what
// to set.
func TestPrepaidSubscriberNeedsItsTariffs(t *testing.T) {
	st, _ := openTemp(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	put := func(s Subscriber, create bool) error {
		return st.Update(func(tx *Tx) error { return tx.PutSubscriber(s, create) })
	}
	refused := func(err error, class string) {
		t.Helper()
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Field != "tariff" || !strings.Contains(ve.Rule, "no "+class+" tariff") ||
			!strings.Contains(ve.Rule, "scpd tariff set "+class) {
			t.Fatalf("got %v, want refused for want of a %s tariff", err, class)
		}
	}
	tariff := func(class string) Tariff { return Tariff{Class: class, PricePerMinute: 10, Initial: 1, Subsequent: 1} }
	must(st.Update(func(tx *Tx) error {
		if _, err := tx.CreateAccount(Account{ID: "A-1", Currency: "EUR", Opening: 100}, t0); err != nil {
			return err
		}
		if err := tx.PutGroup(Group{ID: "ACME", Name: "ACME"}, true); err != nil {
			return err
		}
		// BETA prices both VPN classes itself.
		return tx.PutGroup(Group{ID: "BETA", Name: "BETA", Tariffs: map[string]Tariff{ClassOnNet: tariff(ClassOnNet), ClassOffNet: tariff(ClassOffNet)}}, true)
	}))
	plain := Subscriber{MSISDN: "31612345001", Prepaid: true, AccountID: "A-1"}
	refused(put(plain, true), ClassPrepaid)
	must(st.Update(func(tx *Tx) error { return tx.PutTariff(tariff(ClassPrepaid)) }))
	must(put(plain, true))

	member := Subscriber{MSISDN: "31612345002", VPN: true, GroupID: "ACME", ShortNumber: "1002", Prepaid: true, AccountID: "A-1"}
	refused(put(member, true), ClassOnNet)
	must(st.Update(func(tx *Tx) error { return tx.PutTariff(tariff(ClassOnNet)) }))
	refused(put(member, true), ClassOffNet)
	// A postpaid member needs none; becoming prepaid is checked.
	member.Prepaid, member.AccountID = false, ""
	must(put(member, true))
	member.Prepaid, member.AccountID = true, "A-1"
	refused(put(member, false), ClassOffNet)
	// The plain prepaid subscriber joining ACME: checked too.
	joined := plain
	joined.VPN, joined.GroupID, joined.ShortNumber = true, "ACME", "1001"
	refused(put(joined, false), ClassOffNet)
	// In BETA the group's overrides price its calls.
	joined.GroupID = "BETA"
	must(put(joined, false))
	// Back to ACME once the default off-net exists.
	must(st.Update(func(tx *Tx) error { return tx.PutTariff(tariff(ClassOffNet)) }))
	joined.GroupID = "ACME"
	must(put(joined, false))
	must(put(member, false))
}
