package main

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/scpd/scpd/cmd/scpd/internal/adminapi"
	"github.com/scpd/scpd/store"
)

func (a *app) accountCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "account", Aliases: []string{"acct"}, Short: "Manage prepaid accounts: balances, recharges, status"}

	var currency, opening, minimum, validUntil string
	add := &cobra.Command{
		Use:     "add ID",
		Short:   "Create a prepaid account with an opening balance",
		Example: "scpd account add A-1009 --currency EUR --opening 2000 --min-threshold 50 --valid-until 2027-12-31",
		Args:    args("ID"),
		RunE: func(c *cobra.Command, argv []string) error {
			acct := store.Account{ID: argv[0], Currency: currency}
			var err error
			if acct.Opening, err = parseAmount("--opening", opening); err != nil {
				return err
			}
			if acct.MinThreshold, err = parseAmount("--min-threshold", minimum); err != nil {
				return err
			}
			if validUntil != "" {
				if acct.ValidUntil, err = parseUntil(validUntil); err != nil {
					return err
				}
			}
			b, err := a.open()
			if err != nil {
				return err
			}
			out, err := b.CreateAccount(c.Context(), acct)
			if err != nil {
				return err
			}
			a.noteExpired(out)
			return a.emit(out, accountTable([]store.Account{out}))
		},
	}
	add.Flags().StringVar(&currency, "currency", "EUR", "ISO 4217 currency")
	add.Flags().StringVar(&opening, "opening", "0", "opening balance, minor units")
	add.Flags().StringVar(&minimum, "min-threshold", "0", "minimum available balance to authenticate, minor units")
	add.Flags().StringVar(&validUntil, "valid-until", "", "end of validity: a date or RFC 3339 time (default: none)")

	var updMin, updUntil string
	upd := &cobra.Command{
		Use:     "update ID",
		Short:   "Change an account's minimum threshold or validity (balances only move by recharge and calls)",
		Example: "scpd account update A-1001 --min-threshold 100 --valid-until none",
		Args:    args("ID"),
		RunE: func(c *cobra.Command, argv []string) error {
			var u adminapi.AccountUpdate
			if c.Flags().Changed("min-threshold") {
				v, err := parseAmount("--min-threshold", updMin)
				if err != nil {
					return err
				}
				u.MinThreshold = &v
			}
			if c.Flags().Changed("valid-until") {
				v, err := parseUntil(updUntil)
				if err != nil {
					return err
				}
				u.ValidUntil = &v
			}
			if u.MinThreshold == nil && u.ValidUntil == nil {
				return usagef("account update: nothing to change (give --min-threshold and/or --valid-until)")
			}
			return a.updateAccount(c, argv[0], u)
		},
	}
	upd.Flags().StringVar(&updMin, "min-threshold", "", "minimum available balance to authenticate, minor units")
	upd.Flags().StringVar(&updUntil, "valid-until", "", "end of validity: a date, an RFC 3339 time, or none")

	status := func(use, short string, s store.AccountStatus) *cobra.Command {
		return &cobra.Command{
			Use: use + " ID", Short: short, Example: "scpd account " + use + " A-1001", Args: args("ID"),
			RunE: func(c *cobra.Command, argv []string) error {
				return a.updateAccount(c, argv[0], adminapi.AccountUpdate{Status: &s})
			},
		}
	}

	var ref string
	recharge := &cobra.Command{
		Use:     "recharge ID AMOUNT",
		Short:   "Top up an account by AMOUNT minor units (--ref makes it idempotent)",
		Example: "scpd account recharge A-1001 500 --ref voucher-8812",
		Args:    args("ID", "AMOUNT"),
		RunE: func(c *cobra.Command, argv []string) error {
			amount, err := parseAmount("AMOUNT", argv[1])
			if err != nil {
				return err
			}
			b, err := a.open()
			if err != nil {
				return err
			}
			out, err := b.Recharge(c.Context(), argv[0], amount, ref)
			if err != nil {
				return err
			}
			return a.emit(out, func(w io.Writer) {
				if out.Replayed {
					fmt.Fprintf(w, "already applied: reference %q recharged %s before; nothing credited now\n\n", ref, money(amount, out.Currency))
				}
				accountTable([]store.Account{out.Account})(w)
			})
		},
	}
	recharge.Flags().StringVar(&ref, "ref", "", "voucher or payment reference; a second recharge with it changes nothing")

	var ledgerN int
	show := &cobra.Command{
		Use: "show ID", Short: "Show an account and its latest ledger entries", Example: "scpd account show A-1001", Args: args("ID"),
		RunE: func(c *cobra.Command, argv []string) error {
			if ledgerN < 0 {
				return usagef("--ledger: must be 0 or more (0: all entries)")
			}
			b, err := a.openRead()
			if err != nil {
				return err
			}
			acct, err := b.Account(c.Context(), argv[0])
			if err != nil {
				return err
			}
			entries, err := b.Ledger(c.Context(), argv[0], ledgerN)
			if err != nil {
				return err
			}
			if entries == nil {
				entries = []store.LedgerEntry{}
			}
			v := struct {
				store.Account
				Ledger []store.LedgerEntry `json:"ledger"`
			}{acct, entries}
			return a.emit(v, func(w io.Writer) {
				accountTable([]store.Account{acct})(w)
				fmt.Fprintln(w)
				ledgerTable(entries, acct.Currency)(w)
			})
		},
	}
	show.Flags().IntVar(&ledgerN, "ledger", 10, "how many of the latest ledger entries to show (0: all)")

	var ledgerAll int
	ledger := &cobra.Command{
		Use: "ledger ID", Short: "List an account's ledger entries (every money movement)", Example: "scpd account ledger A-1001 --limit 50", Args: args("ID"),
		RunE: func(c *cobra.Command, argv []string) error {
			if ledgerAll < 0 {
				return usagef("--limit: must be 0 or more (0: all entries)")
			}
			b, err := a.openRead()
			if err != nil {
				return err
			}
			acct, err := b.Account(c.Context(), argv[0])
			if err != nil {
				return err
			}
			entries, err := b.Ledger(c.Context(), argv[0], ledgerAll)
			if err != nil {
				return err
			}
			if entries == nil {
				entries = []store.LedgerEntry{}
			}
			return a.emit(entries, ledgerTable(entries, acct.Currency))
		},
	}
	ledger.Flags().IntVar(&ledgerAll, "limit", 0, "only the latest N entries (0: all)")

	list := &cobra.Command{
		Use: "list", Short: "List accounts", Args: args(),
		RunE: func(c *cobra.Command, argv []string) error {
			b, err := a.openRead()
			if err != nil {
				return err
			}
			accts, err := b.Accounts(c.Context())
			if err != nil {
				return err
			}
			if accts == nil {
				accts = []store.Account{}
			}
			return a.emit(accts, accountTable(accts))
		},
	}
	cmd.AddCommand(add, show, list, upd, recharge, ledger,
		status("block", "Block an account (authentication and new fees refused)", store.StatusBlocked),
		status("unblock", "Make a blocked or reported-lost account active again", store.StatusActive),
		status("report-lost", "Mark an account as reported lost by its subscriber", store.StatusReportedLost))
	return cmd
}

func (a *app) updateAccount(c *cobra.Command, id string, u adminapi.AccountUpdate) error {
	b, err := a.open()
	if err != nil {
		return err
	}
	out, err := b.UpdateAccount(c.Context(), id, u)
	if err != nil {
		return err
	}
	if u.ValidUntil != nil {
		a.noteExpired(out)
	}
	return a.emit(out, accountTable([]store.Account{out}))
}

// noteExpired tells the operator, on stderr, that the validity just given
// has already ended: taken as asked, but every call will be refused.
func (a *app) noteExpired(acct store.Account) {
	if !acct.ValidUntil.IsZero() && !acct.ValidUntil.After(time.Now()) {
		fmt.Fprintf(a.errOut, "scpd: note: account %s was valid until %s, which has passed: its calls are refused (expired) until --valid-until moves\n",
			acct.ID, acct.ValidUntil.UTC().Format(time.RFC3339))
	}
}

// parseUntil reads a validity end: a date (end of that day is not implied:
// the account expires at its UTC midnight), an RFC 3339 time, or "none".
func parseUntil(s string) (time.Time, error) {
	if s == "none" || s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	return time.Time{}, usagef("--valid-until: want a date (2027-12-31), an RFC 3339 time or none, not %q", s)
}

func ledgerTable(es []store.LedgerEntry, currency string) func(io.Writer) {
	return func(w io.Writer) {
		row(w, "SEQ", "AT", "KIND", "AMOUNT", "CALL/REF", "AVAILABLE", "FROZEN", "CHARGED")
		for _, e := range es {
			ref := e.CallID
			if ref == "" {
				ref = e.Ref
			}
			row(w, e.Seq, ts(e.At), e.Kind, money(e.Amount, currency), dash(ref), money(e.Available, currency), money(e.Frozen, currency), money(e.Charged, currency))
		}
	}
}
