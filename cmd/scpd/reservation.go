package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/scpd/scpd/cmd/scpd/internal/adminapi"
	"github.com/scpd/scpd/store"
)

func (a *app) reservationCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "reservation", Aliases: []string{"res"}, Short: "Inspect fees frozen for calls, and recover stale ones"}

	var state, account string
	var limit int
	list := &cobra.Command{
		Use: "list", Short: "List reservations (open ones by default)", Example: "scpd reservation list --state open", Args: args(),
		RunE: func(c *cobra.Command, argv []string) error {
			switch state {
			case "open", "settled", "recovered", "all":
			default:
				return usagef("--state: want open, settled, recovered or all, not %q", state)
			}
			if limit < 0 {
				return usagef("--limit: must be 0 or more (0: all)")
			}
			q := adminapi.ReservationQuery{State: state, AccountID: account, Limit: limit}
			if state == "all" {
				q.State = ""
			}
			b, err := a.openRead()
			if err != nil {
				return err
			}
			rs, err := b.Reservations(c.Context(), q)
			if err != nil {
				return err
			}
			if rs == nil {
				rs = []store.Reservation{}
			}
			ids := make([]string, 0, len(rs))
			for _, r := range rs {
				ids = append(ids, r.AccountID)
			}
			return a.emit(rs, func(w io.Writer) { reservationTable(rs, currencies(c.Context(), b, ids...))(w) })
		},
	}
	list.Flags().StringVar(&state, "state", "open", "open, settled, recovered or all")
	list.Flags().StringVar(&account, "account", "", "only this account's")
	list.Flags().IntVar(&limit, "limit", 100, "at most this many (0: all)")

	show := &cobra.Command{
		Use: "show CALL-ID", Short: "Show one call's reservation with its tariff snapshot and operations", Example: "scpd reservation show call-0001", Args: args("CALL-ID"),
		RunE: func(c *cobra.Command, argv []string) error {
			b, err := a.openRead()
			if err != nil {
				return err
			}
			r, err := b.Reservation(c.Context(), argv[0])
			if err != nil {
				return err
			}
			return a.emit(r, func(w io.Writer) {
				cur := currencies(c.Context(), b, r.AccountID)
				reservationTable([]store.Reservation{r}, cur)(w)
				fmt.Fprintf(w, "\ntariff %s: %d/min, %d/%d s, set-up %d; service %s, %s -> %s\n\n", dash(r.Tariff.Class), r.Tariff.PricePerMinute,
					r.Tariff.Initial, r.Tariff.Subsequent, r.Tariff.SetupCharge, dash(r.Service), dash(r.Calling), dash(r.Called))
				row(w, "OP", "SEQ", "AMOUNT", "SECONDS", "BALANCE AFTER", "REASON")
				for _, o := range r.Ops {
					row(w, o.Kind, o.Seq, money(o.Amount, cur[r.AccountID]), o.Seconds, money(o.Balance, cur[r.AccountID]), dash(o.Reason))
				}
			})
		},
	}

	sweep := &cobra.Command{
		Use:   "sweep",
		Short: "Recover now every open reservation past its deadline whose call is not live",
		Args:  args(),
		RunE: func(c *cobra.Command, argv []string) error {
			b, err := a.open()
			if err != nil {
				return err
			}
			rep, err := b.Sweep(c.Context())
			if err != nil {
				return err
			}
			return a.emit(rep, func(w io.Writer) {
				fmt.Fprintf(w, "recovered %d reservations (%d skipped as live, %d settled ones pruned)\n", len(rep.Recovered), rep.SkippedLive, rep.Pruned)
				if len(rep.Recovered) > 0 {
					ids := make([]string, 0, len(rep.Recovered))
					for _, r := range rep.Recovered {
						ids = append(ids, r.AccountID)
					}
					cur := currencies(c.Context(), b, ids...)
					row(w, "CALL", "ACCOUNT", "CHARGED", "RETURNED")
					for _, r := range rep.Recovered {
						row(w, r.CallID, r.AccountID, money(r.Charged, cur[r.AccountID]), money(r.Returned, cur[r.AccountID]))
					}
				}
			})
		},
	}
	cmd.AddCommand(list, show, sweep)
	return cmd
}

// currencies looks up the currency of each distinct account the rows
// name, for tables (none for --json): one read per account for a few, one
// list of all accounts past a score of them. An account that cannot be read
// is left out (its amounts print without a code).
func currencies(ctx context.Context, b adminapi.Backend, ids ...string) map[string]string {
	out := map[string]string{}
	for _, id := range ids {
		out[id] = ""
	}
	if len(out) > 20 {
		if all, err := b.Accounts(ctx); err == nil {
			for _, a := range all {
				if _, named := out[a.ID]; named {
					out[a.ID] = a.Currency
				}
			}
		}
		return out
	}
	for id := range out {
		if acct, err := b.Account(ctx, id); err == nil {
			out[id] = acct.Currency
		}
	}
	return out
}
