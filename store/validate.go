package store

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// isText: valid UTF-8 of at most max characters (not bytes) and no control
// characters: a newline or a tab in a name breaks every table and CSV line
// it is printed in.
func isText(s string, max int) bool {
	return utf8.ValidString(s) && utf8.RuneCountInString(s) <= max && !strings.ContainsFunc(s, unicode.IsControl)
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isID: 1-32 of letters, digits, '.', '_' and '-'.
func isID(s string) bool {
	if len(s) == 0 || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

const idRule = "must be 1-32 letters, digits, '.', '_' or '-'"

// ValidateMSISDN checks an international MSISDN (country code first, no '+').
func ValidateMSISDN(field, s string) error {
	if len(s) < 5 || len(s) > 15 || !isDigits(s) {
		return invalid(field, "must be 5-15 digits")
	}
	return nil
}

// MinShortNumber and MaxShortNumber bound the digits of a VPN short number
// the store holds; numbering.max_short_number must lie within them.
const (
	MinShortNumber = 2
	MaxShortNumber = 8
)

func validateSubscriberFields(s *Subscriber) error {
	if err := ValidateMSISDN("msisdn", s.MSISDN); err != nil {
		return err
	}
	if s.IMSI != "" && (len(s.IMSI) < 6 || len(s.IMSI) > 15 || !isDigits(s.IMSI)) {
		return invalid("imsi", "must be 6-15 digits")
	}
	if !isText(s.Name, 64) {
		return invalid("name", "must be at most 64 characters, none of them a control character (newline, tab)")
	}
	if !s.VPN && !s.Prepaid {
		return invalid("contracts", "must include vpn and/or prepaid")
	}
	if s.VPN {
		if !isID(s.GroupID) {
			return invalid("group_id", "required for a VPN subscriber; "+idRule)
		}
		if len(s.ShortNumber) < MinShortNumber || len(s.ShortNumber) > MaxShortNumber || !isDigits(s.ShortNumber) {
			return invalid("short_number", fmt.Sprintf("must be %d-%d digits for a VPN subscriber", MinShortNumber, MaxShortNumber))
		}
		if s.ShortNumber == "112" || s.ShortNumber == "911" {
			// Emergency numbers in every GSM network (TS 22.101 §10.1.1):
			// an MSC that triggers O-CSI for them would reach the member.
			return invalid("short_number", s.ShortNumber+" is an emergency number")
		}
	} else if s.GroupID != "" || s.ShortNumber != "" {
		return invalid("group_id", "only a VPN subscriber belongs to a group")
	}
	if s.Prepaid {
		if !isID(s.AccountID) {
			return invalid("account_id", "required for a prepaid subscriber; "+idRule)
		}
	} else if s.AccountID != "" {
		return invalid("account_id", "only a prepaid subscriber has an account")
	}
	return nil
}

// ValidateTariff checks a tariff's fields.
func ValidateTariff(t *Tariff) error {
	if len(t.Class) == 0 || len(t.Class) > 32 {
		return invalid("class", "must be 1-32 characters (e.g. on-net, off-net, prepaid)")
	}
	for i := 0; i < len(t.Class); i++ {
		c := t.Class[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return invalid("class", "must be lower-case letters, digits or '-'")
		}
	}
	if t.PricePerMinute < 0 || t.PricePerMinute > 1e12 {
		return invalid("price_per_minute", "must be 0-1000000000000 minor units")
	}
	if t.Initial < 1 || t.Initial > 3600 {
		return invalid("initial", "must be 1-3600 seconds")
	}
	if t.Subsequent < 1 || t.Subsequent > 3600 {
		return invalid("subsequent", "must be 1-3600 seconds")
	}
	if t.SetupCharge < 0 || t.SetupCharge > 1e12 {
		return invalid("setup_charge", "must be 0-1000000000000 minor units")
	}
	return nil
}

func validateGroup(g *Group) error {
	if !isID(g.ID) {
		return invalid("id", idRule)
	}
	if strings.TrimSpace(g.Name) == "" || !isText(g.Name, 64) {
		return invalid("name", "must be 1-64 characters, not only spaces, none of them a control character (newline, tab)")
	}
	for c, t := range g.Tariffs {
		if c != t.Class {
			return invalid("tariffs", fmt.Sprintf("override %q holds a tariff of class %q", c, t.Class))
		}
		if err := ValidateTariff(&t); err != nil {
			ve := err.(*ValidationError)
			return invalid("tariffs."+c+"."+ve.Field, ve.Rule)
		}
	}
	return nil
}

const maxMoney = 1 << 53 // far above any balance, far below overflow when summed

func validateAccount(a *Account) error {
	if !isID(a.ID) {
		return invalid("id", idRule)
	}
	if len(a.Currency) != 3 || a.Currency[0] < 'A' || a.Currency[0] > 'Z' || a.Currency[1] < 'A' || a.Currency[1] > 'Z' || a.Currency[2] < 'A' || a.Currency[2] > 'Z' {
		return invalid("currency", "must be a 3-letter ISO 4217 code such as EUR")
	}
	if a.Opening < 0 || a.Opening > maxMoney {
		return invalid("opening", "must be 0-9007199254740992 minor units")
	}
	if a.MinThreshold < 0 || a.MinThreshold > maxMoney {
		return invalid("min_threshold", "must be 0-9007199254740992 minor units")
	}
	if !a.ValidUntil.IsZero() && !StorableTime(a.ValidUntil) {
		return invalid("valid_until", StorableTimeRule+" (or empty for no end)")
	}
	return nil
}

// StorableTime tells whether t is a date the store keeps as given. Times are
// stored as nanoseconds since 1970 (codec.go), which end in April 2262: a
// later date would come back centuries in the past (an account "valid until
// 9999-12-31" expired at once, a reservation's deadline passed at once).
func StorableTime(t time.Time) bool { return !t.Before(storableFrom) && t.Before(storableUntil) }

// The bounds, made once: ApplyFee checks every deadline against them.
var (
	storableFrom  = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	storableUntil = time.Date(2262, 1, 1, 0, 0, 0, 0, time.UTC)
)

// StorableTimeRule is the rule StorableTime checks, for validation errors.
const StorableTimeRule = "must be from 2000-01-01 to 2261-12-31"
