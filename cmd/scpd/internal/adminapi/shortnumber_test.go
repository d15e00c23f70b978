package adminapi

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/scpd/scpd/store"
)

// A member whose short number is longer than numbering.max_short_number is
// never found by call routing (every call to it is released with cause
// 28): the daemon refuses it when it is provisioned, naming field and rule.
func TestShortNumberLongerThanMaxRefused(t *testing.T) {
	ctx := context.Background()
	local, c := setup(t)
	local.MaxShortNumber = 6
	if _, err := c.PutGroup(ctx, store.Group{ID: "ACME", Name: "ACME"}, true); err != nil {
		t.Fatal(err)
	}
	member := func(msisdn, short string) store.Subscriber {
		return store.Subscriber{MSISDN: msisdn, VPN: true, GroupID: "ACME", ShortNumber: short}
	}
	const rule = "at most 6 digits (numbering.max_short_number)"
	refused := func(what string, err error) {
		t.Helper()
		var ve *store.ValidationError
		if !errors.As(err, &ve) || ve.Field != "short_number" || ve.Rule != rule {
			t.Fatalf("%s: got %v, want a validation error short_number: %s", what, err, rule)
		}
		if !strings.Contains(err.Error(), "short_number: "+rule) {
			t.Fatalf("%s: message %q", what, err)
		}
	}

	// Through the HTTP API and directly.
	_, err := c.PutSubscriber(ctx, member("31612345001", "1000003"), true)
	refused("add over HTTP", err)
	_, err = local.PutSubscriber(ctx, member("31612345001", "1000003"), true)
	refused("add", err)
	if _, err := local.Subscriber(ctx, "31612345001"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("refused subscriber stored: %v", err)
	}

	// At the limit: accepted; an update past it: refused, the record unchanged.
	if _, err := c.PutSubscriber(ctx, member("31612345001", "100003"), true); err != nil {
		t.Fatal(err)
	}
	_, err = c.PutSubscriber(ctx, member("31612345001", "1000003"), false)
	refused("update", err)
	if s, err := local.Subscriber(ctx, "31612345001"); err != nil || s.ShortNumber != "100003" {
		t.Fatalf("after the refused update: %+v, %v", s, err)
	}

	// Import: all or nothing, the error names the record.
	_, err = c.Import(ctx, Dataset{Subscribers: []store.Subscriber{member("31612345002", "1002"), member("31612345003", "1000003")}})
	refused("import", err)
	if !strings.Contains(err.Error(), `subscriber "31612345003"`) {
		t.Fatalf("import error does not name the record: %v", err)
	}
	if _, err := local.Subscriber(ctx, "31612345002"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("import was not all or nothing: %v", err)
	}

	// The store's own rule stays the outer bound and keeps its message.
	local.MaxShortNumber = 8
	_, err = c.PutSubscriber(ctx, member("31612345004", "123456789"), true)
	var ve *store.ValidationError
	if !errors.As(err, &ve) || ve.Field != "short_number" || !strings.Contains(ve.Rule, "2-8 digits") {
		t.Fatalf("9 digits with max 8: %v", err)
	}
	if _, err := c.PutSubscriber(ctx, member("31612345004", "12345678"), true); err != nil {
		t.Fatalf("8 digits with max 8: %v", err)
	}
}
