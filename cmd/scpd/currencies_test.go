package main

import (
	"context"
	"fmt"
	"testing"

	"github.com/scpd/scpd/cmd/scpd/internal/adminapi"
	"github.com/scpd/scpd/store"
)

// accountsBackend answers Account and Accounts and counts the requests.
type accountsBackend struct {
	adminapi.Backend
	reads, lists int
}

func (b *accountsBackend) Account(_ context.Context, id string) (store.Account, error) {
	b.reads++
	return store.Account{ID: id, Currency: "SEK"}, nil
}

func (b *accountsBackend) Accounts(context.Context) ([]store.Account, error) {
	b.lists++
	var all []store.Account
	for i := range 40 {
		all = append(all, store.Account{ID: fmt.Sprintf("A-%d", i), Currency: "SEK"})
	}
	return all, nil
}

// The reservation tables read each account's currency once, and past a
// score of accounts list them all in one request, not one each.
func TestCurrenciesReadEachAccountOnce(t *testing.T) {
	for _, tc := range []struct {
		distinct, reads, lists int
	}{{3, 3, 0}, {30, 0, 1}} {
		b := &accountsBackend{}
		var ids []string
		for i := range tc.distinct {
			ids = append(ids, fmt.Sprintf("A-%d", i), fmt.Sprintf("A-%d", i)) // each named twice
		}
		cur := currencies(context.Background(), b, ids...)
		if len(cur) != tc.distinct || cur["A-0"] != "SEK" || b.reads != tc.reads || b.lists != tc.lists {
			t.Fatalf("%d accounts: %d currencies (A-0 %q), %d reads, %d lists; want %d reads, %d lists",
				tc.distinct, len(cur), cur["A-0"], b.reads, b.lists, tc.reads, tc.lists)
		}
	}
}
