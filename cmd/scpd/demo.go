package main

import (
	"context"
	"errors"

	"github.com/scpd/scpd/cmd/scpd/internal/adminapi"
	"github.com/scpd/scpd/store"
)

// The demo data set (docs/operator-cli.md describes it): one VPN group ACME
// with prepaid and postpaid members, a plain prepaid subscriber outside it,
// accounts with balances and the three tariffs.
var (
	demoTariffs = []store.Tariff{
		{Class: store.ClassOnNet, PricePerMinute: 5, Initial: 1, Subsequent: 1},
		{Class: store.ClassOffNet, PricePerMinute: 30, Initial: 60, Subsequent: 60, SetupCharge: 10},
		{Class: store.ClassPrepaid, PricePerMinute: 20, Initial: 30, Subsequent: 6},
	}
	demoGroup = store.Group{ID: "ACME", Name: "ACME Corp", Tariffs: map[string]store.Tariff{
		store.ClassOnNet: {Class: store.ClassOnNet, PricePerMinute: 0, Initial: 1, Subsequent: 1}, // calls inside ACME are free
	}}
	demoAccounts = []store.Account{
		{ID: "A-1001", Currency: "EUR", Opening: 5000, MinThreshold: 100},
		{ID: "A-1002", Currency: "EUR", Opening: 1000, MinThreshold: 100},
		{ID: "A-1004", Currency: "EUR", Opening: 50, MinThreshold: 100}, // below its threshold: refused
		{ID: "A-1005", Currency: "EUR", Opening: 2000},
	}
	demoSubscribers = []store.Subscriber{
		{MSISDN: "31612345001", IMSI: "204040000000001", Name: "Alice (ACME, prepaid)", VPN: true, GroupID: "ACME", ShortNumber: "1001", Prepaid: true, AccountID: "A-1001"},
		{MSISDN: "31612345002", IMSI: "204040000000002", Name: "Bob (ACME, prepaid)", VPN: true, GroupID: "ACME", ShortNumber: "1002", Prepaid: true, AccountID: "A-1002"},
		{MSISDN: "31612345003", IMSI: "204040000000003", Name: "Carol (ACME, postpaid)", VPN: true, GroupID: "ACME", ShortNumber: "1003"},
		{MSISDN: "31612345004", IMSI: "204040000000004", Name: "Dave (ACME, prepaid, low balance)", VPN: true, GroupID: "ACME", ShortNumber: "1004", Prepaid: true, AccountID: "A-1004"},
		{MSISDN: "31612345005", IMSI: "204040000000005", Name: "Erin (plain prepaid)", Prepaid: true, AccountID: "A-1005"},
	}
)

// seedDemo fills an empty database with the demo data set. A database that
// holds any group, account or subscriber is left alone.
func seedDemo(ctx context.Context, b adminapi.Backend) (bool, error) {
	groups, err := b.Groups(ctx)
	if err != nil {
		return false, err
	}
	accts, err := b.Accounts(ctx)
	if err != nil {
		return false, err
	}
	subs, err := b.Subscribers(ctx, "")
	if err != nil {
		return false, err
	}
	if len(groups)+len(accts)+len(subs) > 0 {
		return false, nil
	}
	for _, t := range demoTariffs {
		if _, err := b.Tariff(ctx, t.Class); err == nil {
			continue // the operator's own tariff stays
		} else if !errors.Is(err, store.ErrNotFound) {
			return false, err
		}
		if _, err := b.PutTariff(ctx, t); err != nil {
			return false, err
		}
	}
	if _, err := b.PutGroup(ctx, demoGroup, true); err != nil {
		return false, err
	}
	for _, a := range demoAccounts {
		if _, err := b.CreateAccount(ctx, a); err != nil {
			return false, err
		}
	}
	for _, s := range demoSubscribers {
		if _, err := b.PutSubscriber(ctx, s, true); err != nil {
			return false, err
		}
	}
	return true, nil
}
