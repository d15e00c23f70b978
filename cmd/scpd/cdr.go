package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/scpd/scpd/cmd/scpd/internal/adminapi"
	"github.com/scpd/scpd/store"
)

type cdrFlags struct {
	since, until, msisdn, call, account, recovered string
	limit                                          int
}

func (f *cdrFlags) register(c *cobra.Command, defaultLimit int) {
	fl := c.Flags()
	fl.StringVar(&f.since, "since", "", "calls that ended at or after: a time, a date, or an age such as 24h")
	fl.StringVar(&f.until, "until", "", "calls that ended before: a time, a date, or an age")
	fl.StringVar(&f.msisdn, "msisdn", "", "calling, called or translated number")
	fl.StringVar(&f.call, "call", "", "call id")
	fl.StringVar(&f.account, "account", "", "prepaid account id")
	fl.StringVar(&f.recovered, "recovered", "", "true: only CDRs written by the sweeper; false: only normal ones")
	fl.IntVar(&f.limit, "limit", defaultLimit, "at most this many (0: all)")
}

func (f *cdrFlags) query() (adminapi.CDRQuery, error) {
	q := adminapi.CDRQuery{MSISDN: f.msisdn, CallID: f.call, AccountID: f.account, Limit: f.limit}
	now := time.Now()
	var err error
	if f.since != "" {
		if q.Since, err = parseWhen("--since", f.since, now); err != nil {
			return q, err
		}
	}
	if f.until != "" {
		if q.Until, err = parseWhen("--until", f.until, now); err != nil {
			return q, err
		}
	}
	if !q.Since.IsZero() && !q.Until.IsZero() && !q.Since.Before(q.Until) {
		return q, usagef("--since: must be before --until (%s is not before %s)", q.Since.UTC().Format(time.RFC3339), q.Until.UTC().Format(time.RFC3339))
	}
	if f.recovered != "" {
		b, err := strconv.ParseBool(f.recovered)
		if err != nil {
			return q, usagef("--recovered: want true or false, not %q", f.recovered)
		}
		q.Recovered = &b
	}
	if f.limit < 0 {
		return q, usagef("--limit: must be 0 or more")
	}
	// CDRs hold numbers in international form, digits only: "+316…"
	// matched nothing, silently.
	if f.msisdn != "" && strings.Trim(f.msisdn, "0123456789") != "" {
		return q, usagef("--msisdn %q: give digits in international form, e.g. 31612345001", f.msisdn)
	}
	return q, nil
}

func (a *app) cdrCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "cdr", Short: "List and export call detail records"}

	var lf cdrFlags
	list := &cobra.Command{
		Use: "list", Short: "List the newest CDRs that match (--limit, 100 by default), oldest first", Example: "scpd cdr list --since 24h --msisdn 31612345001", Args: args(),
		RunE: func(c *cobra.Command, argv []string) error {
			q, err := lf.query()
			if err != nil {
				return err
			}
			// An operator looks for the calls just made: the limit keeps
			// the newest, not the oldest (export, with no limit, has all).
			// One more is asked for, to tell a cut list from a full one.
			q.Newest = true
			limit := q.Limit
			if limit > 0 {
				q.Limit++
			}
			b, err := a.openRead()
			if err != nil {
				return err
			}
			cdrs, err := b.CDRs(c.Context(), q)
			if err != nil {
				return err
			}
			cut := limit > 0 && len(cdrs) > limit
			if cut {
				cdrs = cdrs[len(cdrs)-limit:] // oldest first: the extra one leads
			}
			if cdrs == nil {
				cdrs = []store.CDR{}
			}
			if err := a.emit(cdrs, cdrTable(cdrs)); err != nil {
				return err
			}
			if cut {
				fmt.Fprintf(a.errOut, "scpd: note: the newest %d CDRs shown; --limit 0 lists all, --since/--until a period\n", limit)
			}
			return nil
		},
	}
	lf.register(list, 100)

	var ef cdrFlags
	var format, output string
	var force bool
	export := &cobra.Command{
		Use:     "export",
		Short:   "Export CDRs as CSV or JSON (to stdout, or --output FILE)",
		Example: "scpd cdr export --format csv --since 2026-11-01 --output november.csv",
		Args:    args(),
		RunE: func(c *cobra.Command, argv []string) error {
			if a.json && !c.Flags().Changed("format") {
				format = "json"
			}
			if a.json && format != "json" {
				return usagef("--json asks for JSON and --format for %s: give one", format)
			}
			if format != "csv" && format != "json" {
				return usagef("--format: want csv or json, not %q", format)
			}
			q, err := ef.query()
			if err != nil {
				return err
			}
			toFile := output != "" && output != "-"
			if toFile {
				// Exports are kept as billing records: never replace one by accident.
				if err := a.checkOutputFile("--output", output, force); err != nil {
					return err
				}
			}
			b, err := a.openRead()
			if err != nil {
				return err
			}
			cdrs, err := b.CDRs(c.Context(), q)
			if err != nil {
				return err
			}
			write := func(w io.Writer) error {
				if format == "json" {
					if cdrs == nil {
						cdrs = []store.CDR{}
					}
					enc := json.NewEncoder(w)
					enc.SetIndent("", "  ")
					return enc.Encode(cdrs)
				}
				return writeCSV(w, cdrs)
			}
			if !toFile {
				return write(a.out)
			}
			if err := store.WriteFileAtomic(output, write); err != nil {
				return fmt.Errorf("cdr export: %w", err)
			}
			fmt.Fprintf(a.errOut, "exported %d CDRs to %s\n", len(cdrs), output)
			return nil
		},
	}
	ef.register(export, 0)
	export.Flags().StringVar(&format, "format", "csv", "csv or json (--json alone means json)")
	export.Flags().StringVarP(&output, "output", "o", "", "file to write (default: stdout); an existing one is refused without --force")
	export.Flags().BoolVar(&force, "force", false, "overwrite the --output file if it exists")
	cmd.AddCommand(list, export)
	return cmd
}

var csvHeader = []string{"seq", "call_id", "service", "account_id", "calling", "called", "translated", "call_class",
	"start", "answer", "end", "duration_s", "charged", "currency", "outcome", "recovered"}

func writeCSV(w io.Writer, cdrs []store.CDR) error {
	cw := csv.NewWriter(w)
	cw.Write(csvHeader)
	t := func(v time.Time) string {
		if v.IsZero() {
			return ""
		}
		return v.UTC().Format(time.RFC3339Nano)
	}
	for _, c := range cdrs {
		cw.Write([]string{strconv.FormatUint(c.Seq, 10), c.CallID, c.Service, c.AccountID, c.Calling, c.Called, c.Translated, c.CallClass,
			t(c.Start), t(c.Answer), t(c.End), strconv.FormatInt(c.Duration, 10), strconv.FormatInt(c.Charged, 10), c.Currency, c.Outcome,
			strconv.FormatBool(c.Recovered)})
	}
	cw.Flush()
	return cw.Error()
}
