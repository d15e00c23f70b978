package adminapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/scpd/scpd/store"
)

// Dataset is subscriber data loaded in bulk (scpd import): what an
// operator migrates from another system, or a lab loads for a load test.
type Dataset struct {
	Tariffs     []store.Tariff     `json:"tariffs,omitempty" yaml:"tariffs"`
	Groups      []store.Group      `json:"groups,omitempty" yaml:"groups"`
	Accounts    []store.Account    `json:"accounts,omitempty" yaml:"accounts"`
	Subscribers []store.Subscriber `json:"subscribers,omitempty" yaml:"subscribers"`
}

// ImportReport counts what was created.
type ImportReport struct {
	Tariffs     int `json:"tariffs"`
	Groups      int `json:"groups"`
	Accounts    int `json:"accounts"`
	Subscribers int `json:"subscribers"`
}

// Import creates everything in one transaction: all of it or, on the first
// invalid or existing record (named in the error), none of it.
func (l *Local) Import(_ context.Context, d Dataset) (ImportReport, error) {
	var r ImportReport
	err := l.update(func(tx *store.Tx) error {
		r = ImportReport{}
		now := l.Now().UTC()
		for _, t := range d.Tariffs {
			// Created, never replaced: a tariff in use prices live calls.
			if _, err := tx.Tariff(t.Class); err == nil {
				return fmt.Errorf("tariff %q: %w (change it with scpd tariff set)", t.Class, store.ErrExists)
			} else if !errors.Is(err, store.ErrNotFound) {
				return err
			}
			if err := tx.PutTariff(t); err != nil {
				return fmt.Errorf("tariff %q: %w", t.Class, err)
			}
			r.Tariffs++
		}
		for _, g := range d.Groups {
			if err := tx.PutGroup(g, true); err != nil {
				return fmt.Errorf("group %q: %w", g.ID, err)
			}
			r.Groups++
		}
		for _, a := range d.Accounts {
			if _, err := tx.CreateAccount(a, now); err != nil {
				return fmt.Errorf("account %q: %w", a.ID, err)
			}
			r.Accounts++
		}
		for _, s := range d.Subscribers {
			if err := l.checkShortNumber(s); err != nil {
				return fmt.Errorf("subscriber %q: %w", s.MSISDN, err)
			}
			if err := tx.PutSubscriber(s, true); err != nil {
				return fmt.Errorf("subscriber %q: %w", s.MSISDN, err)
			}
			r.Subscribers++
		}
		return nil
	})
	return r, err
}

// Import sends the dataset to the daemon.
func (c *Client) Import(ctx context.Context, d Dataset) (r ImportReport, err error) {
	return r, c.do(ctx, "POST", "/v1/import", nil, d, &r)
}

func importHandler(b Backend) func(w http.ResponseWriter, r *http.Request) (any, error) {
	return func(w http.ResponseWriter, r *http.Request) (any, error) {
		// A dataset may hold tens of thousands of subscribers: a larger
		// limit than other requests have.
		var d Dataset
		if err := decodeBody(w, r, &d, 256<<20); err != nil {
			return nil, err
		}
		return b.Import(r.Context(), d)
	}
}
