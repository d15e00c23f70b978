package main

import (
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/spf13/cobra"
)

func (a *app) auditCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "audit",
		Short: "Check every account and the totals against the ledger; exit 1 on any mismatch",
		Long: `audit checks, in one consistent snapshot, for every account and in total:
opening + recharged = available + frozen + charged; no negative balance; the
ledger replayed (from the ledger bases scpd purge leaves) gives the same
balances; frozen equals the sum of the account's open reservations. Per call:
its ledger entries add up to what its reservation granted, charged and
returned, on its account, and a settled call's CDR bills what it charged. It
prints what is wrong per account and call and exits 1 if anything is.`,
		Args: args(),
		RunE: func(c *cobra.Command, argv []string) error {
			b, err := a.openRead()
			if err != nil {
				return err
			}
			rep, err := b.Audit(c.Context())
			if err != nil {
				return err
			}
			err = a.emit(rep, func(w io.Writer) {
				fmt.Fprintf(w, "accounts %d, ledger entries %d, open reservations %d\n", rep.Accounts, rep.LedgerEntries, rep.OpenCalls)
				if rep.LedgerFolded > 0 {
					fmt.Fprintf(w, "ledger entries folded by scpd purge: %d (replayed from the accounts' ledger bases)\n", rep.LedgerFolded)
				}
				// One line per currency: minor units of two currencies do not add.
				for _, cur := range slices.Sorted(maps.Keys(rep.ByCurrency)) {
					t := rep.ByCurrency[cur]
					fmt.Fprintf(w, "totals: opening %s + recharged %s = available %s + frozen %s + charged %s\n",
						money(t.Opening, cur), money(t.Recharged, cur), money(t.Available, cur), money(t.Frozen, cur), money(t.Charged, cur))
				}
				if rep.OK() {
					fmt.Fprintln(w, "OK")
					return
				}
				row(w, "ACCOUNT", "CALL", "PROBLEM")
				for _, p := range rep.Problems {
					row(w, dash(p.AccountID), dash(p.CallID), p.What)
				}
			})
			if err != nil {
				return err
			}
			if !rep.OK() {
				return &exitError{code: 1, msg: fmt.Sprintf("audit found %d problem(s)", len(rep.Problems))}
			}
			return nil
		},
	}
}
