// Package adminapi is scpd's operator API: one Backend interface with two
// implementations — Local, working on an open store (inside `scpd serve`, or
// on a stopped daemon's file with `--db`), and Client, speaking HTTP+JSON to a
// running daemon — and the Server that exposes a Backend over HTTP. CLI
// commands are written once, against Backend.
package adminapi

import (
	"context"
	"io"
	"time"

	"github.com/scpd/scpd/servicelogic/prepaid"
	"github.com/scpd/scpd/store"
)

// Backend is everything the operator CLI can do.
type Backend interface {
	Subscribers(ctx context.Context, groupID string) ([]store.Subscriber, error)
	Subscriber(ctx context.Context, msisdn string) (store.Subscriber, error)
	PutSubscriber(ctx context.Context, s store.Subscriber, create bool) (store.Subscriber, error)
	DeleteSubscriber(ctx context.Context, msisdn string) error

	Groups(ctx context.Context) ([]store.Group, error)
	Group(ctx context.Context, id string) (GroupView, error)
	PutGroup(ctx context.Context, g store.Group, create bool) (store.Group, error)
	DeleteGroup(ctx context.Context, id string) error

	Accounts(ctx context.Context) ([]store.Account, error)
	Account(ctx context.Context, id string) (store.Account, error)
	CreateAccount(ctx context.Context, a store.Account) (store.Account, error)
	UpdateAccount(ctx context.Context, id string, u AccountUpdate) (store.Account, error)
	Recharge(ctx context.Context, id string, amount int64, ref string) (prepaid.Recharged, error)
	Ledger(ctx context.Context, id string, limit int) ([]store.LedgerEntry, error)

	Tariffs(ctx context.Context) ([]store.Tariff, error)
	Tariff(ctx context.Context, class string) (store.Tariff, error)
	PutTariff(ctx context.Context, t store.Tariff) (store.Tariff, error)
	DeleteTariff(ctx context.Context, class string) error

	CDRs(ctx context.Context, f CDRQuery) ([]store.CDR, error)
	Purge(ctx context.Context, before time.Time) (store.PurgeReport, error)

	Reservations(ctx context.Context, q ReservationQuery) ([]store.Reservation, error)
	Reservation(ctx context.Context, callID string) (store.Reservation, error)
	Sweep(ctx context.Context) (store.SweepReport, error)

	Audit(ctx context.Context) (store.AuditReport, error)
	Backup(ctx context.Context, w io.Writer) (int64, error)

	Status(ctx context.Context) (Status, error)
	Import(ctx context.Context, d Dataset) (ImportReport, error)
}

// GroupView is a group with its members.
type GroupView struct {
	store.Group
	Members []store.Subscriber `json:"members"`
}

// AccountUpdate changes operator settings; nil fields stay as they are.
// ValidUntil set to the zero time removes the end of validity.
type AccountUpdate struct {
	MinThreshold *int64               `json:"min_threshold,omitempty"`
	ValidUntil   *time.Time           `json:"valid_until,omitempty"`
	Status       *store.AccountStatus `json:"status,omitempty"`
}

// CDRQuery selects CDRs.
type CDRQuery struct {
	Since, Until time.Time
	MSISDN       string
	CallID       string
	AccountID    string
	Recovered    *bool
	Limit        int
	Newest       bool // with Limit: the last that match, still oldest first
}

// ReservationQuery selects reservations; State is "", open, settled or recovered.
type ReservationQuery struct {
	State     string
	AccountID string
	Limit     int
}
