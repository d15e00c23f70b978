package main

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"
)

// purgeRecent is how recent a cutoff must be to need --force: the last
// day's CDRs are the ones still being exported and reconciled.
const purgeRecent = 24 * time.Hour

func (a *app) purgeCommand() *cobra.Command {
	var before string
	var force bool
	cmd := &cobra.Command{
		Use:   "purge --before WHEN",
		Short: "Delete old CDRs and fold old ledger entries, so the database stops growing",
		Long: `purge deletes the CDRs of calls that ended before WHEN and folds the ledger
entries written before WHEN into one ledger base per account (what they add
up to), so that the history kept in the database stays bounded: every call adds
about 750 bytes of CDR and ledger. Export first: scpd cdr export --until WHEN.
Balances are not touched, and scpd audit keeps checking them against the
ledger base plus the entries kept. Folding stops at the first ledger entry that
does not replay (it and all after it stay, no CDR is deleted; run scpd audit).
The file does not shrink: new calls reuse the freed pages. Works on a running
daemon (through its admin API) or with --db.`,
		Example: "scpd cdr export --until 2026-10-01 --output september.csv && scpd purge --before 2026-10-01",
		Args:    args(),
		RunE: func(c *cobra.Command, argv []string) error {
			if before == "" {
				return usagef("--before: required, e.g. --before 2026-10-01 or --before 2160h (90 days)")
			}
			now := time.Now()
			t, err := parseWhen("--before", before, now)
			if err != nil {
				return err
			}
			if t.After(now) {
				return usagef("--before: %s is in the future; purge only removes history", t.Format(time.RFC3339))
			}
			if now.Sub(t) < purgeRecent && !force {
				return usagef("--before: %s is less than %v ago: the calls of the last day would go too; export them first and add --force if you mean it", t.UTC().Format(time.RFC3339), purgeRecent)
			}
			b, err := a.open()
			if err != nil {
				return err
			}
			rep, err := b.Purge(c.Context(), t)
			if err != nil {
				return err
			}
			return a.emit(rep, func(w io.Writer) {
				fmt.Fprintf(w, "before %s: deleted %d CDRs, folded %d ledger entries\n", rep.Before.UTC().Format(time.RFC3339), rep.CDRs, rep.LedgerEntries)
			})
		},
	}
	cmd.Flags().StringVar(&before, "before", "", "a time, a date, or an age such as 2160h: history older than this goes")
	cmd.Flags().BoolVar(&force, "force", false, "allow a cutoff less than 24 hours ago")
	return cmd
}
