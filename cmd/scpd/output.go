package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/scpd/scpd/store"
)

// emit prints v as JSON with --json, else calls table.
func (a *app) emit(v any, table func(w io.Writer)) error {
	if a.json {
		enc := json.NewEncoder(a.out)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	tw := tabwriter.NewWriter(a.out, 0, 0, 2, ' ', 0)
	table(tw)
	return tw.Flush()
}

func row(w io.Writer, cols ...any) {
	s := make([]string, len(cols))
	for i, c := range cols {
		s[i] = fmt.Sprint(c)
	}
	fmt.Fprintln(w, strings.Join(s, "\t"))
}

// Minor-unit exponents that differ from 2 (ISO 4217).
var currencyExponent = map[string]int{
	"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
	"PYG": 0, "RWF": 0, "UGX": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
}

// money formats minor units in major units for humans: 1234 EUR -> "12.34 EUR".
func money(minor int64, currency string) string {
	exp, ok := currencyExponent[currency]
	if !ok {
		exp = 2
	}
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	s := strconv.FormatInt(minor, 10)
	if exp > 0 {
		for len(s) <= exp {
			s = "0" + s
		}
		s = s[:len(s)-exp] + "." + s[len(s)-exp:]
	}
	return strings.TrimSpace(sign + s + " " + currency)
}

func ts(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04:05Z")
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func yesno(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// parseAmount reads whole minor units.
func parseAmount(field, s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, usagef("%s: must be a whole number of minor units, 0 or more (e.g. 500 for 5.00 EUR), not %q", field, s)
	}
	return n, nil
}

// parseWhen reads an RFC 3339 time, a date (UTC midnight) or a duration
// meaning that long ago ("24h").
func parseWhen(field, s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, usagef("%s: want a time (2026-11-26T12:00:00Z), a date (2026-11-26) or an age (24h), not %q", field, s)
}

func subscriberTable(subs []store.Subscriber) func(io.Writer) {
	return func(w io.Writer) {
		row(w, "MSISDN", "IMSI", "NAME", "VPN", "GROUP", "SHORT", "PREPAID", "ACCOUNT")
		for _, s := range subs {
			row(w, s.MSISDN, dash(s.IMSI), dash(s.Name), yesno(s.VPN), dash(s.GroupID), dash(s.ShortNumber), yesno(s.Prepaid), dash(s.AccountID))
		}
	}
}

func accountTable(accts []store.Account) func(io.Writer) {
	return func(w io.Writer) {
		row(w, "ACCOUNT", "STATUS", "AVAILABLE", "FROZEN", "CHARGED", "OPENING", "RECHARGED", "MIN", "VALID UNTIL")
		now := time.Now()
		for _, a := range accts {
			status := fmt.Sprint(a.Status)
			if !a.ValidUntil.IsZero() && !now.Before(a.ValidUntil) {
				status += " (expired)" // its calls are refused, as Authenticate says
			}
			row(w, a.ID, status, money(a.Available, a.Currency), money(a.Frozen, a.Currency), money(a.Charged, a.Currency),
				money(a.Opening, a.Currency), money(a.Recharged, a.Currency), money(a.MinThreshold, a.Currency), ts(a.ValidUntil))
		}
	}
}

func tariffTable(ts []store.Tariff, prefix string) func(io.Writer) {
	return func(w io.Writer) {
		row(w, prefix+"CLASS", "PRICE/MIN", "INCREMENTS", "SET-UP")
		for _, t := range ts {
			row(w, t.Class, t.PricePerMinute, fmt.Sprintf("%d/%d", t.Initial, t.Subsequent), t.SetupCharge)
		}
	}
}

// reservationTable prints amounts in the currency of each reservation's
// account (currency: account id -> ISO code; a missing one prints the
// amount with two decimals and no code).
func reservationTable(rs []store.Reservation, currency map[string]string) func(io.Writer) {
	return func(w io.Writer) {
		row(w, "CALL", "ACCOUNT", "STATE", "FROZEN", "CHARGED", "GRANTED", "SECONDS", "DEADLINE", "ANSWERED", "CLOSED")
		for _, r := range rs {
			cur := currency[r.AccountID]
			row(w, r.CallID, r.AccountID, r.State, money(r.Frozen, cur), money(r.Charged, cur), money(r.Granted, cur), r.Seconds, ts(r.Deadline), ts(r.AnsweredAt), ts(r.Closed))
		}
	}
}

func cdrTable(cs []store.CDR) func(io.Writer) {
	return func(w io.Writer) {
		row(w, "SEQ", "CALL", "SERVICE", "CALLING", "CALLED", "TRANSLATED", "CLASS", "END", "SECONDS", "CHARGED", "OUTCOME", "RECOVERED")
		for _, c := range cs {
			row(w, c.Seq, c.CallID, dash(c.Service), dash(c.Calling), dash(c.Called), dash(c.Translated), dash(c.CallClass),
				ts(c.End), c.Duration, money(c.Charged, c.Currency), dash(c.Outcome), yesno(c.Recovered))
		}
	}
}
