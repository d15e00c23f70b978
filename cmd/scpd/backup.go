package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/scpd/scpd/store"
)

func (a *app) backupCommand() *cobra.Command {
	var force bool
	c := &cobra.Command{
		Use:   "backup FILE",
		Short: "Write a consistent snapshot of the database to FILE (mode 0600), then check it opens and audits clean",
		Long: `backup takes a consistent snapshot (one read transaction) while the daemon keeps
serving calls, writes it through a temporary file renamed into place, then opens
the copy and audits it. Restore by stopping scpd and copying FILE over the
store file named in the configuration.`,
		Example: "scpd backup /var/backups/scpd-2026-11-26.db",
		Args:    args("FILE"),
		RunE: func(c *cobra.Command, argv []string) error {
			dst := argv[0]
			if _, err := os.Stat(dst); err == nil && !force {
				return usagef("%s exists: choose another name or pass --force", dst)
			}
			if a.dbPath != "" {
				if abs1, _ := filepath.Abs(dst); abs1 == mustAbs(a.dbPath) {
					return usagef("backup FILE must not be the database itself")
				}
			}
			b, err := a.open()
			if err != nil {
				return err
			}
			var n int64
			tmp := dst + ".partial"
			err = store.WriteFileAtomic(tmp, func(w io.Writer) error {
				var err error
				n, err = b.Backup(c.Context(), w)
				return err
			})
			if err != nil {
				return fmt.Errorf("backup: %w", err)
			}
			// Check the copy before giving it its name.
			st, err := store.Open(tmp, store.Options{ReadOnly: true, Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				os.Remove(tmp)
				return fmt.Errorf("backup: the copy does not open, nothing written: %w", err)
			}
			rep, err := st.Audit()
			st.Close()
			if err != nil {
				os.Remove(tmp)
				return fmt.Errorf("backup: auditing the copy: %w", err)
			}
			if err := os.Rename(tmp, dst); err != nil {
				return fmt.Errorf("backup: %w", err)
			}
			v := map[string]any{"file": dst, "bytes": n, "audit_ok": rep.OK(), "problems": len(rep.Problems)}
			return a.emit(v, func(w io.Writer) {
				fmt.Fprintf(w, "wrote %s (%d bytes); audit of the copy: ", dst, n)
				if rep.OK() {
					fmt.Fprintln(w, "OK")
				} else {
					fmt.Fprintf(w, "%d problem(s), run scpd audit --db %s\n", len(rep.Problems), dst)
				}
			})
		},
	}
	c.Flags().BoolVar(&force, "force", false, "overwrite FILE if it exists")
	return c
}

func mustAbs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return a
}
