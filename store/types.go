package store

import "time"

// Subscriber is a mobile subscriber and the services it has contracts for.
type Subscriber struct {
	MSISDN      string `json:"msisdn"` // international digits, no '+'
	IMSI        string `json:"imsi,omitempty"`
	Name        string `json:"name,omitempty"`
	VPN         bool   `json:"vpn"`     // contract for the VPN service
	Prepaid     bool   `json:"prepaid"` // contract for the prepaid service
	GroupID     string `json:"group_id,omitempty"`
	ShortNumber string `json:"short_number,omitempty"`
	AccountID   string `json:"account_id,omitempty"`
}

// Group is a VPN group (a company). Members are the subscribers whose GroupID
// names it. Tariffs overrides the default tariff of a call class for calls made
// by its members.
type Group struct {
	ID      string            `json:"id"`
	Name    string            `json:"name"`
	Tariffs map[string]Tariff `json:"tariffs,omitempty"`
}

// Call classes known to scpd. Others may be added as tariffs.
const (
	ClassOnNet   = "on-net"  // inside the caller's VPN group
	ClassOffNet  = "off-net" // a VPN member calling outside its group
	ClassPrepaid = "prepaid" // plain prepaid, no VPN
)

// Tariff prices one call class. Money is in minor units of the account's currency.
type Tariff struct {
	Class          string `json:"class"`
	PricePerMinute int64  `json:"price_per_minute"`
	Initial        int64  `json:"initial"`    // first billing increment, seconds (e.g. 60, or 1)
	Subsequent     int64  `json:"subsequent"` // later increments, seconds
	SetupCharge    int64  `json:"setup_charge"`
}

// AccountStatus is the operator-set state of a prepaid account.
type AccountStatus uint8

const (
	StatusActive AccountStatus = iota
	StatusBlocked
	StatusReportedLost
)

func (s AccountStatus) String() string {
	switch s {
	case StatusActive:
		return "active"
	case StatusBlocked:
		return "blocked"
	case StatusReportedLost:
		return "reported-lost"
	}
	return "unknown"
}

// ParseAccountStatus is the inverse of String.
func ParseAccountStatus(s string) (AccountStatus, error) {
	switch s {
	case "active":
		return StatusActive, nil
	case "blocked":
		return StatusBlocked, nil
	case "reported-lost":
		return StatusReportedLost, nil
	}
	return 0, invalid("status", "must be active, blocked or reported-lost")
}

func (s AccountStatus) MarshalText() ([]byte, error) { return []byte(s.String()), nil }
func (s *AccountStatus) UnmarshalText(b []byte) error {
	v, err := ParseAccountStatus(string(b))
	*s = v
	return err
}

// Account is a prepaid account. All amounts are minor units.
//
// Invariant: Opening + Recharged = Available + Frozen + Charged.
type Account struct {
	ID           string        `json:"id"`
	Currency     string        `json:"currency"` // ISO 4217, e.g. EUR
	Status       AccountStatus `json:"status"`
	Available    int64         `json:"available"`
	Frozen       int64         `json:"frozen"`
	Charged      int64         `json:"charged"`
	Opening      int64         `json:"opening"`
	Recharged    int64         `json:"recharged"`
	MinThreshold int64         `json:"min_threshold"`        // authentication needs Available >= this
	ValidUntil   time.Time     `json:"valid_until,omitzero"` // zero: no end
	Created      time.Time     `json:"created"`
	Updated      time.Time     `json:"updated"`
}

// ReservationState is where a reservation is in its life.
type ReservationState uint8

const (
	ReservationOpen      ReservationState = iota
	ReservationSettled                    // closed by ReturnFee (or an operator release)
	ReservationRecovered                  // closed by the sweeper after its deadline passed
)

func (s ReservationState) String() string {
	switch s {
	case ReservationOpen:
		return "open"
	case ReservationSettled:
		return "settled"
	case ReservationRecovered:
		return "recovered"
	}
	return "unknown"
}

func (s ReservationState) MarshalText() ([]byte, error) { return []byte(s.String()), nil }
func (s *ReservationState) UnmarshalText(b []byte) error {
	switch string(b) {
	case "open":
		*s = ReservationOpen
	case "settled":
		*s = ReservationSettled
	case "recovered":
		*s = ReservationRecovered
	default:
		return invalid("state", "must be open, settled or recovered")
	}
	return nil
}

// OpKind names an idempotent operation recorded on a reservation.
type OpKind uint8

const (
	OpApply OpKind = iota + 1
	OpDeduct
	OpReturn
	OpAnswer
)

func (k OpKind) String() string {
	switch k {
	case OpApply:
		return "apply"
	case OpDeduct:
		return "deduct"
	case OpReturn:
		return "return"
	case OpAnswer:
		return "answer"
	}
	return "unknown"
}

func (k OpKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }
func (k *OpKind) UnmarshalText(b []byte) error {
	for c := OpApply; c <= OpAnswer; c++ {
		if c.String() == string(b) {
			*k = c
			return nil
		}
	}
	return invalid("kind", "must be apply, deduct, return or answer")
}

// Op is the recorded result of one operation on a reservation, so that a retry
// with the same (call id, operation, seq) returns it instead of moving money.
type Op struct {
	Kind    OpKind `json:"kind"`
	Seq     uint32 `json:"seq"`
	Amount  int64  `json:"amount"`  // granted, charged or returned
	Seconds int64  `json:"seconds"` // apply: seconds this grant added
	Balance int64  `json:"balance"` // account available after the operation
	Reason  string `json:"reason,omitempty"`
}

// Reservation is the money frozen for one call (one per call id; later quotas add to it).
type Reservation struct {
	CallID     string           `json:"call_id"`
	AccountID  string           `json:"account_id"`
	State      ReservationState `json:"state"`
	Frozen     int64            `json:"frozen"`            // still frozen
	Charged    int64            `json:"charged"`           // charged so far
	Granted    int64            `json:"granted"`           // total ever frozen
	Seconds    int64            `json:"seconds"`           // call seconds covered by the grants
	Tariff     Tariff           `json:"tariff"`            // snapshot used to rate answered time
	Service    string           `json:"service,omitempty"` // for the CDR the sweeper writes
	Calling    string           `json:"calling,omitempty"`
	Called     string           `json:"called,omitempty"`
	Deadline   time.Time        `json:"deadline"`
	AnsweredAt time.Time        `json:"answered_at,omitzero"`
	Created    time.Time        `json:"created"`
	Closed     time.Time        `json:"closed,omitzero"`
	Ops        []Op             `json:"ops,omitempty"`
}

// FindOp returns the recorded result of (kind, seq), if any.
func (r *Reservation) FindOp(kind OpKind, seq uint32) (Op, bool) {
	for _, o := range r.Ops {
		if o.Kind == kind && o.Seq == seq {
			return o, true
		}
	}
	return Op{}, false
}

// LedgerKind is the kind of a money movement.
type LedgerKind uint8

const (
	LedgerOpen     LedgerKind = iota + 1 // opening balance when the account is created
	LedgerRecharge                       // + available, + recharged
	LedgerFreeze                         // available -> frozen
	LedgerCharge                         // frozen -> charged
	LedgerReturn                         // frozen -> available
)

func (k LedgerKind) String() string {
	switch k {
	case LedgerOpen:
		return "open"
	case LedgerRecharge:
		return "recharge"
	case LedgerFreeze:
		return "freeze"
	case LedgerCharge:
		return "charge"
	case LedgerReturn:
		return "return"
	}
	return "unknown"
}

func (k LedgerKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }
func (k *LedgerKind) UnmarshalText(b []byte) error {
	for c := LedgerOpen; c <= LedgerReturn; c++ {
		if c.String() == string(b) {
			*k = c
			return nil
		}
	}
	return invalid("kind", "must be open, recharge, freeze, charge or return")
}

// LedgerEntry is one money movement. The ledger is append-only.
type LedgerEntry struct {
	Seq       uint64     `json:"seq"`
	At        time.Time  `json:"at"`
	AccountID string     `json:"account_id"`
	Kind      LedgerKind `json:"kind"`
	Amount    int64      `json:"amount"`
	CallID    string     `json:"call_id,omitempty"`
	Ref       string     `json:"ref,omitempty"`
	// Balances of the account after the movement.
	Available int64 `json:"available"`
	Frozen    int64 `json:"frozen"`
	Charged   int64 `json:"charged"`
}

// CDR is a call detail record.
type CDR struct {
	Seq        uint64    `json:"seq"`
	CallID     string    `json:"call_id"`
	Service    string    `json:"service"` // "vpn", "prepaid", ...
	AccountID  string    `json:"account_id,omitempty"`
	Calling    string    `json:"calling"`
	Called     string    `json:"called"`
	Translated string    `json:"translated,omitempty"` // number after short-number translation
	CallClass  string    `json:"call_class,omitempty"`
	Start      time.Time `json:"start"`
	Answer     time.Time `json:"answer,omitzero"`
	End        time.Time `json:"end"`
	Duration   int64     `json:"duration"` // answered seconds
	Charged    int64     `json:"charged"`
	Currency   string    `json:"currency,omitempty"`
	Outcome    string    `json:"outcome"`
	Recovered  bool      `json:"recovered"`
}
