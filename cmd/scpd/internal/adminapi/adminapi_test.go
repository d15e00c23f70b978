package adminapi

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/scpd/scpd/servicelogic/prepaid"
	"github.com/scpd/scpd/store"
)

const token = "0123456789abcdef0123456789abcdef"

// newLocal is the API over a new store in a temporary file.
func newLocal(t *testing.T) *Local {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "scpd.db"), store.Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return NewLocal(st, prepaid.New(st, prepaid.Options{Log: quiet}), nil)
}

var quiet = slog.New(slog.DiscardHandler)

func setup(t *testing.T) (*Local, *Client) {
	t.Helper()
	local := newLocal(t)
	srv := httptest.NewServer(NewHandler(local, token, quiet))
	t.Cleanup(srv.Close)
	c, err := NewClient(srv.URL, token)
	if err != nil {
		t.Fatal(err)
	}
	return local, c
}

// Everything read through the HTTP client equals what the store says.
func TestClientMatchesLocal(t *testing.T) {
	ctx := context.Background()
	local, c := setup(t)
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(c.PutTariff(ctx, store.Tariff{Class: "on-net", PricePerMinute: 60, Initial: 1, Subsequent: 1}))
	must(c.PutTariff(ctx, store.Tariff{Class: "off-net", PricePerMinute: 90, Initial: 60, Subsequent: 60}))
	must(c.PutGroup(ctx, store.Group{ID: "ACME", Name: "ACME", Tariffs: map[string]store.Tariff{"on-net": {Class: "on-net", Initial: 1, Subsequent: 1}}}, true))
	until := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	must(c.CreateAccount(ctx, store.Account{ID: "A-1", Currency: "EUR", Opening: 1000, ValidUntil: until}))
	must(c.PutSubscriber(ctx, store.Subscriber{MSISDN: "31612345001", VPN: true, GroupID: "ACME", ShortNumber: "1001", Prepaid: true, AccountID: "A-1"}, true))
	must(c.Recharge(ctx, "A-1", 250, "r1"))
	lost := store.StatusReportedLost
	must(c.UpdateAccount(ctx, "A-1", AccountUpdate{Status: &lost}))
	active := store.StatusActive
	must(c.UpdateAccount(ctx, "A-1", AccountUpdate{Status: &active}))
	// A call through the prepaid logic leaves a reservation, ledger entries and a CDR.
	now := time.Now()
	must(local.Prepaid.ApplyFee(ctx, prepaid.ApplyRequest{CallID: "c1", Seq: 1, AccountID: "A-1", Amount: 100, Deadline: now.Add(-time.Second),
		Tariff: store.Tariff{Class: "on-net", PricePerMinute: 60, Initial: 1, Subsequent: 1}, Seconds: 100}))
	must(local.Prepaid.ApplyFee(ctx, prepaid.ApplyRequest{CallID: "c2", Seq: 1, AccountID: "A-1", Amount: 100, Deadline: now.Add(time.Hour)}))
	must(local.Prepaid.ReturnFee(ctx, prepaid.ReturnRequest{CallID: "c2", Seq: 2, CDR: &store.CDR{Service: "vpn", Calling: "31612345001", Outcome: "normal"}}))

	pairs := []struct {
		name   string
		remote func() (any, error)
		direct func() (any, error)
	}{
		{"subscribers", func() (any, error) { return c.Subscribers(ctx, "") }, func() (any, error) { return local.Subscribers(ctx, "") }},
		{"group members", func() (any, error) { return c.Subscribers(ctx, "ACME") }, func() (any, error) { return local.Subscribers(ctx, "ACME") }},
		{"subscriber", func() (any, error) { return c.Subscriber(ctx, "31612345001") }, func() (any, error) { return local.Subscriber(ctx, "31612345001") }},
		{"groups", func() (any, error) { return c.Groups(ctx) }, func() (any, error) { return local.Groups(ctx) }},
		{"group", func() (any, error) { return c.Group(ctx, "ACME") }, func() (any, error) { return local.Group(ctx, "ACME") }},
		{"accounts", func() (any, error) { return c.Accounts(ctx) }, func() (any, error) { return local.Accounts(ctx) }},
		{"account", func() (any, error) { return c.Account(ctx, "A-1") }, func() (any, error) { return local.Account(ctx, "A-1") }},
		{"ledger", func() (any, error) { return c.Ledger(ctx, "A-1", 3) }, func() (any, error) { return local.Ledger(ctx, "A-1", 3) }},
		{"tariffs", func() (any, error) { return c.Tariffs(ctx) }, func() (any, error) { return local.Tariffs(ctx) }},
		{"cdrs", func() (any, error) { return c.CDRs(ctx, CDRQuery{MSISDN: "31612345001", Since: now.Add(-time.Hour)}) }, func() (any, error) {
			return local.CDRs(ctx, CDRQuery{MSISDN: "31612345001", Since: now.Add(-time.Hour)})
		}},
		{"open reservations", func() (any, error) { return c.Reservations(ctx, ReservationQuery{State: "open"}) }, func() (any, error) {
			return local.Reservations(ctx, ReservationQuery{State: "open"})
		}},
		{"reservation", func() (any, error) { return c.Reservation(ctx, "c2") }, func() (any, error) { return local.Reservation(ctx, "c2") }},
		{"audit", func() (any, error) { return c.Audit(ctx) }, func() (any, error) { return local.Audit(ctx) }},
	}
	for _, p := range pairs {
		t.Run(p.name, func(t *testing.T) {
			r, err1 := p.remote()
			d, err2 := p.direct()
			if err1 != nil || err2 != nil {
				t.Fatalf("%v / %v", err1, err2)
			}
			if !reflect.DeepEqual(r, d) {
				t.Fatalf("through HTTP:\n%+v\ndirect:\n%+v", r, d)
			}
		})
	}
	if cdrs, _ := c.CDRs(ctx, CDRQuery{}); len(cdrs) != 1 || cdrs[0].Charged != 0 {
		t.Fatalf("cdrs: %+v", cdrs)
	}
	rep, err := c.Sweep(ctx)
	if err != nil || len(rep.Recovered) != 1 || rep.Recovered[0].CallID != "c1" || rep.Recovered[0].Returned != 100 {
		t.Fatalf("sweep: %+v %v", rep, err)
	}
	var buf bytes.Buffer
	if n, err := c.Backup(ctx, &buf); err != nil || n == 0 || int64(buf.Len()) != n {
		t.Fatalf("backup: %d %v", n, err)
	}
}

// Errors keep their kind through HTTP.
func TestErrorsCrossHTTP(t *testing.T) {
	ctx := context.Background()
	_, c := setup(t)
	_, err := c.Account(ctx, "nobody")
	if !errors.Is(err, store.ErrNotFound) || err.Error() != `store: account "nobody": not found` {
		t.Errorf("not found: %v", err)
	}
	_, err = c.PutSubscriber(ctx, store.Subscriber{MSISDN: "12"}, true)
	var ve *store.ValidationError
	if !errors.As(err, &ve) || ve.Field != "msisdn" || err.Error() != "msisdn: must be 5-15 digits" {
		t.Errorf("validation: %v", err)
	}
	c.CreateAccount(ctx, store.Account{ID: "A", Currency: "EUR"})
	if _, err := c.CreateAccount(ctx, store.Account{ID: "A", Currency: "EUR"}); !errors.Is(err, store.ErrExists) {
		t.Errorf("exists: %v", err)
	}
	if _, err := c.Recharge(ctx, "A", -5, ""); !errors.As(err, &ve) || ve.Field != "amount" {
		t.Errorf("negative recharge: %v", err)
	}
	bad, _ := NewClient(c.base, "wrong-token-wrong-token")
	if _, err := bad.Accounts(ctx); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("wrong token: %v", err)
	}
	none, _ := NewClient(c.base, "")
	if _, err := none.Accounts(ctx); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("no token: %v", err)
	}
	resp, err := http.Get(c.base + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Errorf("healthz: %v %v", resp, err)
	}
	resp.Body.Close()
}
