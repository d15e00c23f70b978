package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

var (
	quiet = slog.New(slog.DiscardHandler)
	t0    = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
)

func openTemp(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "scpd.db")
	st, err := Open(path, Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, path
}

func TestSchema(t *testing.T) {
	t.Run("empty file is initialised", func(t *testing.T) {
		st, _ := openTemp(t)
		if v, err := st.Schema(); err != nil || v != SchemaVersion {
			t.Fatalf("schema %d %v", v, err)
		}
	})
	t.Run("v0 file without meta is migrated and keeps its data", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "old.db")
		db, err := bolt.Open(path, 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		err = db.Update(func(tx *bolt.Tx) error {
			b, err := tx.CreateBucket(allBuckets[bTariffs])
			if err != nil {
				return err
			}
			tr := Tariff{Class: "on-net", PricePerMinute: 5, Initial: 1, Subsequent: 1}
			return b.Put([]byte("on-net"), encodeTariff(&tr))
		})
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		st, err := Open(path, Options{Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if v, _ := st.Schema(); v != SchemaVersion {
			t.Fatalf("schema %d after migration", v)
		}
		err = st.View(func(tx *Tx) error {
			tr, err := tx.Tariff("on-net")
			if err == nil && tr.PricePerMinute != 5 {
				t.Errorf("tariff lost: %+v", tr)
			}
			_, err2 := tx.Accounts()
			return errors.Join(err, err2)
		})
		if err != nil {
			t.Fatal(err)
		}
	})
	t.Run("v1 file gets the ledger base bucket, and audits read-only before that", func(t *testing.T) {
		st, path := openTemp(t)
		err := st.db.Update(func(tx *bolt.Tx) error {
			if err := tx.DeleteBucket(allBuckets[bLedgerBase]); err != nil {
				return err
			}
			return tx.Bucket(allBuckets[bMeta]).Put(kSchema, binary.BigEndian.AppendUint32(nil, 1))
		})
		if err != nil {
			t.Fatal(err)
		}
		st.Close()
		ro, err := Open(path, Options{Logger: quiet, ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		if rep, err := ro.Audit(); err != nil || !rep.OK() {
			t.Fatalf("read-only audit of a v1 file: %+v %v", rep, err)
		}
		ro.Close()
		st, err = Open(path, Options{Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if v, err := st.Schema(); err != nil || v != SchemaVersion {
			t.Fatalf("schema %d %v", v, err)
		}
		if err := st.View(func(tx *Tx) error {
			if !tx.bucket(bLedgerBase).exists() {
				t.Error("ledger base bucket not created by the migration")
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("newer version is refused", func(t *testing.T) {
		st, path := openTemp(t)
		err := st.db.Update(func(tx *bolt.Tx) error {
			return tx.Bucket(allBuckets[bMeta]).Put(kSchema, binary.BigEndian.AppendUint32(nil, SchemaVersion+5))
		})
		if err != nil {
			t.Fatal(err)
		}
		st.Close()
		_, err = Open(path, Options{Logger: quiet})
		if !errors.Is(err, ErrSchemaTooNew) || !strings.Contains(err.Error(), fmt.Sprintf("schema version %d", SchemaVersion+5)) || !strings.Contains(err.Error(), "upgrade scpd") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("locked file gives a clear error quickly", func(t *testing.T) {
		_, path := openTemp(t)
		start := time.Now()
		_, err := Open(path, Options{LockTimeout: 100 * time.Millisecond, Logger: quiet})
		if !errors.Is(err, ErrLocked) || time.Since(start) > 2*time.Second {
			t.Fatalf("got %v after %v", err, time.Since(start))
		}
	})
}

func TestRecordsRoundTrip(t *testing.T) {
	tr := Tariff{Class: "off-net", PricePerMinute: 30, Initial: 60, Subsequent: 60, SetupCharge: 5}
	sub := Subscriber{MSISDN: "31612345001", IMSI: "204040000000001", Name: "Alice", VPN: true, Prepaid: true, GroupID: "ACME", ShortNumber: "1001", AccountID: "A-1"}
	grp := Group{ID: "ACME", Name: "ACME Corp", Tariffs: map[string]Tariff{"off-net": tr}}
	acc := Account{ID: "A-1", Currency: "EUR", Status: StatusBlocked, Available: 1, Frozen: 2, Charged: 3, Opening: 4, Recharged: 2, MinThreshold: 9, ValidUntil: t0, Created: t0, Updated: t0.Add(time.Second)}
	res := Reservation{CallID: "c", AccountID: "A-1", State: ReservationRecovered, Frozen: 1, Charged: 2, Granted: 3, Seconds: 4, Tariff: tr,
		Service: "vpn", Calling: "1", Called: "2", Deadline: t0, AnsweredAt: t0, Created: t0, Closed: t0,
		Ops: []Op{{Kind: OpApply, Seq: 7, Amount: -1, Seconds: 2, Balance: 3, Reason: "no-balance"}}}
	led := LedgerEntry{Seq: 9, At: t0, AccountID: "A-1", Kind: LedgerCharge, Amount: 5, CallID: "c", Ref: "r", Available: 1, Frozen: 2, Charged: 3}
	cdr := CDR{Seq: 3, CallID: "c", Service: "vpn", AccountID: "A-1", Calling: "1", Called: "2", Translated: "3", CallClass: "on-net",
		Start: t0, Answer: t0, End: t0, Duration: 5, Charged: 6, Currency: "EUR", Outcome: "normal", Recovered: true}
	check := func(name string, want, got any, err error) {
		if err != nil || !reflect.DeepEqual(want, got) {
			t.Errorf("%s: got %+v, %v; want %+v", name, got, err, want)
		}
	}
	s2, err := decodeSubscriber("k", encodeSubscriber(&sub))
	check("subscriber", sub, s2, err)
	g2, err := decodeGroup("k", encodeGroup(&grp))
	check("group", grp, g2, err)
	a2, err := decodeAccount("k", encodeAccount(&acc))
	check("account", acc, a2, err)
	r2, err := decodeReservation("k", encodeReservation(&res))
	check("reservation", res, r2, err)
	l2, err := decodeLedger("k", encodeLedger(&led))
	check("ledger", led, l2, err)
	c2, err := decodeCDR("k", encodeCDR(&cdr))
	check("cdr", cdr, c2, err)

	// Truncated records are errors naming the key, never panics.
	full := encodeReservation(&res)
	for i := 0; i < len(full); i++ {
		if _, err := decodeReservation("c", full[:i]); !errors.Is(err, ErrCorruptRecord) || !strings.Contains(err.Error(), `call "c"`) {
			t.Fatalf("truncated at %d: %v", i, err)
		}
	}
}

func TestValidation(t *testing.T) {
	st, _ := openTemp(t)
	err := st.Update(func(tx *Tx) error {
		if _, err := tx.CreateAccount(Account{ID: "A-1", Currency: "EUR", Opening: 100}, t0); err != nil {
			return err
		}
		if err := tx.PutTariff(Tariff{Class: ClassPrepaid, PricePerMinute: 60, Initial: 1, Subsequent: 1}); err != nil {
			return err
		}
		return tx.PutGroup(Group{ID: "ACME", Name: "ACME"}, true)
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		sub   Subscriber
		field string
		rule  string
	}{
		{"short msisdn", Subscriber{MSISDN: "123", Prepaid: true, AccountID: "A-1"}, "msisdn", "must be 5-15 digits"},
		{"letters", Subscriber{MSISDN: "3161234500x", Prepaid: true, AccountID: "A-1"}, "msisdn", "must be 5-15 digits"},
		{"imsi", Subscriber{MSISDN: "31612345001", IMSI: "12", Prepaid: true, AccountID: "A-1"}, "imsi", "must be 6-15 digits"},
		{"no contract", Subscriber{MSISDN: "31612345001"}, "contracts", "must include vpn and/or prepaid"},
		{"vpn without group", Subscriber{MSISDN: "31612345001", VPN: true, ShortNumber: "1001"}, "group_id", "required for a VPN subscriber"},
		{"vpn unknown group", Subscriber{MSISDN: "31612345001", VPN: true, GroupID: "NOPE", ShortNumber: "1001"}, "group_id", `group "NOPE" does not exist`},
		{"short number", Subscriber{MSISDN: "31612345001", VPN: true, GroupID: "ACME", ShortNumber: "1"}, "short_number", "must be 2-8 digits"},
		{"emergency short number", Subscriber{MSISDN: "31612345001", VPN: true, GroupID: "ACME", ShortNumber: "112"}, "short_number", "112 is an emergency number"},
		{"prepaid unknown account", Subscriber{MSISDN: "31612345001", Prepaid: true, AccountID: "B"}, "account_id", `account "B" does not exist`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := st.Update(func(tx *Tx) error { return tx.PutSubscriber(tc.sub, true) })
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Field != tc.field || !strings.Contains(ve.Rule, tc.rule) {
				t.Fatalf("got %v, want %s: %s", err, tc.field, tc.rule)
			}
		})
	}
	err = st.Update(func(tx *Tx) error {
		_, err := tx.CreateAccount(Account{ID: "A 2", Currency: "eur"}, t0)
		return err
	})
	if err == nil || err.Error() != "id: must be 1-32 letters, digits, '.', '_' or '-'" {
		t.Fatalf("account id: %v", err)
	}

	// Text: characters, not bytes; no control characters; not blank.
	e40 := strings.Repeat("é", 40) // 80 bytes
	for _, tc := range []struct {
		what string
		fn   func(tx *Tx) error
		want string // the field refused, "" for none
	}{
		{"name of 40 é", func(tx *Tx) error {
			return tx.PutSubscriber(Subscriber{MSISDN: "31612345071", Name: e40, Prepaid: true, AccountID: "A-1"}, true)
		}, ""},
		{"name with a newline", func(tx *Tx) error {
			return tx.PutSubscriber(Subscriber{MSISDN: "31612345072", Name: "line1\nline2", Prepaid: true, AccountID: "A-1"}, true)
		}, "name"},
		{"group name of spaces", func(tx *Tx) error { return tx.PutGroup(Group{ID: "G2", Name: "  "}, true) }, "name"},
		{"group name with a tab", func(tx *Tx) error { return tx.PutGroup(Group{ID: "G3", Name: "a\tb"}, true) }, "name"},
		{"ref of 40 é", func(tx *Tx) error { _, _, err := tx.Recharge("A-1", 5, e40, t0); return err }, ""},
		{"ref ending in a space", func(tx *Tx) error { _, _, err := tx.Recharge("A-1", 5, "v1 ", t0); return err }, "ref"},
	} {
		err := st.Update(tc.fn)
		var ve *ValidationError
		if tc.want == "" && err != nil || tc.want != "" && (!errors.As(err, &ve) || ve.Field != tc.want) {
			t.Fatalf("%s: got %v, want a %q error", tc.what, err, tc.want)
		}
	}

	// Balances come from the ledger: a new account given others (an
	// import of "account list --json" output) is refused, not reset.
	for _, tc := range []struct {
		a     Account
		field string
	}{
		{Account{Opening: 500, Available: 4930}, "available"},
		{Account{Opening: 500, Frozen: 60}, "frozen"},
		{Account{Opening: 500, Charged: 70}, "charged"},
		{Account{Opening: 500, Recharged: 1000}, "recharged"},
		{Account{Opening: 500, Available: 500}, ""}, // a fresh account's own output
	} {
		tc.a.ID, tc.a.Currency = "B-"+tc.field, "EUR"
		err := st.Update(func(tx *Tx) error { _, err := tx.CreateAccount(tc.a, t0); return err })
		var ve *ValidationError
		if tc.field == "" && err != nil || tc.field != "" && (!errors.As(err, &ve) || ve.Field != tc.field) {
			t.Fatalf("create %+v: got %v, want a %q error", tc.a, err, tc.field)
		}
	}

	// Validity: the last day the store can hold is taken and read back as
	// given; the day after it, and "9999-12-31", are refused — not stored
	// wrapped into the past.
	last := time.Date(2261, 12, 31, 23, 59, 59, 0, time.UTC)
	for _, tc := range []struct {
		until time.Time
		ok    bool
	}{
		{last, true},
		{time.Date(2262, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC), false},
		{time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC), false},
	} {
		id := "V-" + strconv.Itoa(tc.until.Year())
		err := st.Update(func(tx *Tx) error {
			_, err := tx.CreateAccount(Account{ID: id, Currency: "EUR", ValidUntil: tc.until}, t0)
			return err
		})
		var ve *ValidationError
		switch {
		case tc.ok && err != nil:
			t.Fatalf("valid until %v: %v", tc.until, err)
		case !tc.ok && (!errors.As(err, &ve) || ve.Field != "valid_until"):
			t.Fatalf("valid until %v: got %v, want a valid_until error", tc.until, err)
		case tc.ok:
			var a Account
			if err := st.View(func(tx *Tx) error { a, err = tx.Account(id); return err }); err != nil || !a.ValidUntil.Equal(tc.until) {
				t.Fatalf("valid until %v read back as %v (%v)", tc.until, a.ValidUntil, err)
			}
		}
	}
}

func TestSubscriberIndexes(t *testing.T) {
	st, _ := openTemp(t)
	err := st.Update(func(tx *Tx) error {
		if _, err := tx.CreateAccount(Account{ID: "A-1", Currency: "EUR"}, t0); err != nil {
			return err
		}
		for _, g := range []string{"ACME", "OTHER"} {
			on := Tariff{Class: ClassOnNet, PricePerMinute: 60, Initial: 1, Subsequent: 1}
			off := Tariff{Class: ClassOffNet, PricePerMinute: 90, Initial: 1, Subsequent: 1}
			if err := tx.PutGroup(Group{ID: g, Name: g, Tariffs: map[string]Tariff{ClassOnNet: on, ClassOffNet: off}}, true); err != nil {
				return err
			}
		}
		for _, s := range []Subscriber{
			{MSISDN: "31612345001", IMSI: "204040000000001", VPN: true, Prepaid: true, GroupID: "ACME", ShortNumber: "1001", AccountID: "A-1"},
			{MSISDN: "31612345002", IMSI: "204040000000002", VPN: true, GroupID: "ACME", ShortNumber: "1002"},
			{MSISDN: "31612345009", VPN: true, GroupID: "OTHER", ShortNumber: "1001"},
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
	err = st.Update(func(tx *Tx) error {
		if s, err := tx.SubscriberByIMSI("204040000000002"); err != nil || s.MSISDN != "31612345002" {
			t.Errorf("by IMSI: %+v %v", s, err)
		}
		if s, err := tx.GroupMember("ACME", "1001"); err != nil || s.MSISDN != "31612345001" {
			t.Errorf("member 1001: %+v %v", s, err)
		}
		if s, err := tx.GroupMember("OTHER", "1001"); err != nil || s.MSISDN != "31612345009" {
			t.Errorf("other group 1001: %+v %v", s, err)
		}
		if ok, _ := tx.IsMember("ACME", "31612345009"); ok {
			t.Error("31612345009 is not in ACME")
		}
		if ok, _ := tx.IsMember("ACME", "31612345002"); !ok {
			t.Error("31612345002 is in ACME")
		}
		if m, _ := tx.GroupMembers("ACME"); len(m) != 2 {
			t.Errorf("ACME has %d members", len(m))
		}
		// Duplicate short number in the group is refused.
		err := tx.PutSubscriber(Subscriber{MSISDN: "31612345003", VPN: true, GroupID: "ACME", ShortNumber: "1002"}, true)
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Field != "short_number" {
			t.Errorf("duplicate short number: %v", err)
		}
		// Moving a member re-indexes it.
		if err := tx.PutSubscriber(Subscriber{MSISDN: "31612345002", IMSI: "204040000000022", VPN: true, GroupID: "OTHER", ShortNumber: "2002"}, false); err != nil {
			return err
		}
		if _, err := tx.GroupMember("ACME", "1002"); !errors.Is(err, ErrNotFound) {
			t.Errorf("old short number still indexed: %v", err)
		}
		if _, err := tx.SubscriberByIMSI("204040000000002"); !errors.Is(err, ErrNotFound) {
			t.Errorf("old IMSI still indexed: %v", err)
		}
		if err := tx.DeleteGroup("OTHER"); !errors.Is(err, ErrInUse) {
			t.Errorf("delete group with members: %v", err)
		}
		if err := tx.DeleteSubscriber("31612345002"); err != nil {
			return err
		}
		if _, err := tx.GroupMember("OTHER", "2002"); !errors.Is(err, ErrNotFound) {
			t.Errorf("deleted subscriber still indexed: %v", err)
		}
		_, err = tx.Subscriber("31612345002")
		if err == nil || err.Error() != `store: subscriber "31612345002": not found` {
			t.Errorf("deleted: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A balance written behind the ledger's back is caught.
func TestAuditDetectsCorruptBalance(t *testing.T) {
	st, _ := openTemp(t)
	err := st.Update(func(tx *Tx) error {
		if _, err := tx.CreateAccount(Account{ID: "A-1", Currency: "EUR", Opening: 1000}, t0); err != nil {
			return err
		}
		if _, err := tx.CreateAccount(Account{ID: "A-2", Currency: "EUR", Opening: 50}, t0); err != nil {
			return err
		}
		_, _, err := tx.Recharge("A-1", 500, "v1", t0)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := st.Audit(); err != nil || !rep.OK() || rep.Totals.Available != 1550 || rep.LedgerEntries != 3 {
		t.Fatalf("clean audit: %+v %v", rep, err)
	}
	err = st.db.Update(func(tx *bolt.Tx) error {
		a, err := decodeAccount("A-1", tx.Bucket(allBuckets[bAccounts]).Get([]byte("A-1")))
		if err != nil {
			return err
		}
		a.Available += 7
		return tx.Bucket(allBuckets[bAccounts]).Put([]byte("A-1"), encodeAccount(&a))
	})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := st.Audit()
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, p := range rep.Problems {
		if p.AccountID != "A-1" && p.AccountID != "" {
			t.Errorf("problem blamed on %s: %s", p.AccountID, p.What)
		}
		msgs = append(msgs, p.What)
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{"off by 7", "available is 1507, the ledger says 1500", "totals"} {
		if !strings.Contains(all, want) {
			t.Errorf("audit report lacks %q:\n%s", want, all)
		}
	}
}

// A path naming something else than a database gets ErrNotDatabase, with
// the path, instead of bbolt's "invalid database" or "file size too small
// 3449" (or "bad file descriptor" for a device).
func TestOpenRefusesWhatIsNotADatabase(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "serve.log")
	if err := os.WriteFile(text, bytes.Repeat([]byte("time=2026-11-27 level=INFO msg=ready\n"), 100), 0o600); err != nil {
		t.Fatal(err)
	}
	short := filepath.Join(dir, "short.txt")
	if err := os.WriteFile(short, []byte("hello\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{text, short, dir, os.DevNull} {
		for _, ro := range []bool{false, true} {
			st, err := Open(p, Options{ReadOnly: ro})
			if err == nil {
				st.Close()
				t.Fatalf("open %s (read-only %v): no error", p, ro)
			}
			if !errors.Is(err, ErrNotDatabase) || !strings.Contains(err.Error(), p) {
				t.Errorf("open %s (read-only %v): %v", p, ro, err)
			}
		}
	}
}
