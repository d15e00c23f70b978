package adminapi

import (
	"context"
	"errors"
	"time"

	"github.com/scpd/scpd/store"
)

// Status is the live state of a running daemon (scpd status).
type Status struct {
	Started      time.Time           `json:"started"`
	Uptime       string              `json:"uptime"`
	PointCode    uint32              `json:"point_code"`
	Listen       []string            `json:"listen"`
	Associations []AssociationStatus `json:"associations"`
	Dialogues    int                 `json:"dialogues_open"`
	Calls        int                 `json:"calls_active"`
	Ended        map[string]uint64   `json:"dialogues_ended"`
	StoreBatched uint64              `json:"store_batched_operations"`
	StoreCommits uint64              `json:"store_commits"`
	// StorePending is how many operations wait for their commit; past
	// overload.max_store_queue new calls get the overload answer.
	StorePending int `json:"store_pending"`
	// History: the database's size and how far back CDRs and ledger go
	// (scpd purge trims them).
	History store.History `json:"history"`
}

// AssociationStatus is one M3UA association.
type AssociationStatus struct {
	Peer    string `json:"peer"`
	Remote  string `json:"remote"`
	State   string `json:"state"`
	DataIn  uint64 `json:"data_in"`
	DataOut uint64 `json:"data_out"`
	Dropped uint64 `json:"data_dropped"`
}

// ErrNotRunning is the answer of a backend that has no live daemon behind it.
var ErrNotRunning = errors.New("status needs the running daemon (scpd serve); --db works on a stopped daemon's file")

// Status reports the daemon's live state, from StatusFunc.
func (l *Local) Status(ctx context.Context) (Status, error) {
	if l.StatusFunc == nil {
		return Status{}, ErrNotRunning
	}
	return l.StatusFunc(ctx)
}

// Status asks the daemon.
func (c *Client) Status(ctx context.Context) (s Status, err error) {
	return s, c.do(ctx, "GET", "/v1/status", nil, nil, &s)
}
