package servicelogic

import (
	"time"

	"github.com/scpd/scpd/camel"
)

// Observer receives what the service logic does, for metrics. The daemon
// binds it to Prometheus; tests and the default use NopObserver.
type Observer interface {
	// CallEnded counts a finished call by service and outcome.
	CallEnded(service Kind, outcome string)
	// Operation counts a CAP operation received (in) or sent (out).
	Operation(in bool, op camel.Opcode)
	// FirstAnswer is the time from the InitialDP's arrival to the first answer.
	FirstAnswer(d time.Duration)
	// Fee counts money frozen, charged and returned, in minor units.
	Fee(kind FeeKind, amount int64)
	// Overload counts a new call answered by the overload treatment, with
	// the bound that was reached ("calls" or "store").
	Overload(bound string)
	// Reject counts a CAP operation refused with a Reject component.
	Reject(problem string)
}

// FeeKind names a money movement.
type FeeKind string

// Money movements.
const (
	FeeFrozen   FeeKind = "frozen"
	FeeCharged  FeeKind = "charged"
	FeeReturned FeeKind = "returned"
)

// NopObserver observes nothing.
type NopObserver struct{}

func (NopObserver) CallEnded(Kind, string)       {}
func (NopObserver) Operation(bool, camel.Opcode) {}
func (NopObserver) FirstAnswer(time.Duration)    {}
func (NopObserver) Fee(FeeKind, int64)           {}
func (NopObserver) Overload(string)              {}
func (NopObserver) Reject(string)                {}
