package vpn

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/scpd/scpd/store"
)

var nl = Numbering{CountryCode: "31", NationalPrefix: "0", InternationalPrefix: "00", MaxShortNumber: 6}

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "vpn.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	err = st.Update(func(tx *store.Tx) error {
		if err := tx.PutGroup(store.Group{ID: "ACME", Name: "ACME"}, true); err != nil {
			return err
		}
		if _, err := tx.CreateAccount(store.Account{ID: "A-9", Currency: "EUR"}, time.Now()); err != nil {
			return err
		}
		if err := tx.PutTariff(store.Tariff{Class: store.ClassPrepaid, PricePerMinute: 60, Initial: 1, Subsequent: 1}); err != nil {
			return err
		}
		for _, s := range []store.Subscriber{
			{MSISDN: "31612345001", IMSI: "204040000000001", VPN: true, GroupID: "ACME", ShortNumber: "1001"},
			{MSISDN: "31612345002", VPN: true, GroupID: "ACME", ShortNumber: "1002"},
			{MSISDN: "31612345009", IMSI: "204040000000009", Prepaid: true, AccountID: "A-9"}, // prepaid only
		} {
			if err := tx.PutSubscriber(s, true); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestAuthenticate(t *testing.T) {
	st := openStore(t)
	tests := []struct {
		msisdn, imsi string
		want         Refusal
	}{
		{"31612345001", "", Accepted},
		{"31699999999", "204040000000001", Accepted}, // found by IMSI
		{"31699999999", "", UnknownSubscriber},
		{"31612345009", "", NoVPNContract},
	}
	for _, tc := range tests {
		st.View(func(tx *store.Tx) error {
			sub, g, r, err := Authenticate(tx, tc.msisdn, tc.imsi)
			if err != nil || r != tc.want {
				t.Errorf("Authenticate(%s, %s) = %v, %v; want %v", tc.msisdn, tc.imsi, r, err, tc.want)
			}
			if r == Accepted && (g.ID != "ACME" || sub.MSISDN != "31612345001") {
				t.Errorf("accepted %+v in %+v", sub, g)
			}
			return nil
		})
	}
}

func TestRoute(t *testing.T) {
	st := openStore(t)
	caller := store.Subscriber{MSISDN: "31612345001", GroupID: "ACME"}
	g := store.Group{ID: "ACME"}
	tests := []struct {
		dialled    string
		nature     Nature
		dest       string
		translated bool
		class      string
	}{
		{"1002", NatureUnknown, "31612345002", true, store.ClassOnNet},
		{"0612345002", NatureUnknown, "31612345002", false, store.ClassOnNet},    // member, dialled in full
		{"612345002", NatureNational, "31612345002", false, store.ClassOnNet},    // national significant
		{"0031612345002", NatureUnknown, "31612345002", false, store.ClassOnNet}, // with international prefix
		{"0201234567", NatureUnknown, "31201234567", false, store.ClassOffNet},
		{"4917012345678", NatureInternational, "4917012345678", false, store.ClassOffNet},
		// A member's short number marked national by the MSC is still one.
		{"1002", NatureNational, "31612345002", true, store.ClassOnNet},
		// No member's short number: a public short code (voicemail, a
		// helpline, a former member's), routed by the MSC as dialled.
		{"1099", NatureUnknown, "1099", false, store.ClassOffNet},
		{"116111", NatureUnknown, "116111", false, store.ClassOffNet},
		{"1233", NatureNational, "1233", false, store.ClassOffNet},
		// '*' and '#' (TBCD): not translated, not normalised.
		{"*31#0612345002", NatureUnknown, "*31#0612345002", false, store.ClassOffNet},
		{"1002#", NatureUnknown, "1002#", false, store.ClassOffNet},
	}
	for _, tc := range tests {
		st.View(func(tx *store.Tx) error {
			d, err := Route(tx, nl, caller, g, tc.dialled, tc.nature)
			if err != nil || d.Destination != tc.dest || d.Translated != tc.translated || d.Class != tc.class {
				t.Errorf("Route(%s) = %+v, %v; want %s translated=%v %s", tc.dialled, d, err, tc.dest, tc.translated, tc.class)
			}
			return nil
		})
	}
	// Short digits after a prefix are a number cut short, not a code.
	st.View(func(tx *store.Tx) error {
		for _, d := range []string{"", "00", "0612", "0031"} {
			if dec, err := Route(tx, nl, caller, g, d, NatureUnknown); !errors.Is(err, ErrNoDestination) {
				t.Errorf("Route(%q) = %+v, %v; want ErrNoDestination", d, dec, err)
			}
		}
		return nil
	})
}

// Without a trunk prefix (closed numbering plans) what is dialled without
// the international prefix is national, even when its first digits are
// the country code's.
func TestInternationalWithoutTrunkPrefix(t *testing.T) {
	for _, tc := range []struct {
		n      Numbering
		digits string
		nature Nature
		want   string
	}{
		{Numbering{CountryCode: "45", InternationalPrefix: "00", MaxShortNumber: 6}, "45123456", NatureUnknown, "4545123456"},
		{Numbering{CountryCode: "45", InternationalPrefix: "00", MaxShortNumber: 6}, "0031612345002", NatureUnknown, "31612345002"},
		{Numbering{CountryCode: "34", InternationalPrefix: "00", MaxShortNumber: 6}, "612345678", NatureUnknown, "34612345678"},
		{Numbering{CountryCode: "34", InternationalPrefix: "00", MaxShortNumber: 6}, "612345678", NatureNational, "34612345678"},
		// With a trunk prefix, digits that start like the country code are
		// an international number sent as unknown, as before.
		{nl, "31612345002", NatureUnknown, "31612345002"},
	} {
		if got, ok := tc.n.International(tc.digits, tc.nature); !ok || got != tc.want {
			t.Errorf("%+v International(%q, %v) = %q, %v; want %q", tc.n, tc.digits, tc.nature, got, ok, tc.want)
		}
	}
}
