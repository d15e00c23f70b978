package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/scpd/scpd/cmd/scpd/internal/config"
	"github.com/scpd/scpd/store"
)

func (a *app) backupCommand() *cobra.Command {
	var force bool
	c := &cobra.Command{
		Use:   "backup FILE",
		Short: "Write a consistent snapshot of the database to FILE (mode 0600), then check it opens and audits clean",
		Long: `backup takes a consistent snapshot (one read transaction) while the daemon keeps
serving calls, writes it through a temporary file renamed into place, then opens
the copy and audits it. Restore by stopping scpd, copying FILE over the store
file named in the configuration and deleting the journal beside it (the store
file's name followed by -wal: its commits belong to the file replaced).`,
		Example: "scpd backup /var/backups/scpd-2026-11-26.db",
		Args:    args("FILE"),
		RunE: func(c *cobra.Command, argv []string) error {
			dst := argv[0]
			if err := a.checkOutputFile("backup FILE", dst, force); err != nil {
				return err
			}
			if a.dbPath != "" {
				if abs1, _ := filepath.Abs(dst); abs1 == mustAbs(a.dbPath) {
					return usagef("backup FILE must not be the database itself")
				}
			}
			b, err := a.openRead()
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
			if err := store.SyncDir(filepath.Dir(dst)); err != nil {
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

// refuseLiveFile refuses to write over a file another process holds the
// lock of — a running daemon's database: a new file renamed over it would
// leave the daemon writing into the unlinked old one, and lose everything
// written from then on.
// checkOutputFile refuses an output path whose writing would destroy
// something: anything but a regular file (the file is written beside and
// renamed over it: a device or a directory would be replaced), a file in
// the daemon's data directory (its journal, token or database), an scpd
// journal anywhere, a database a running scpd holds; and any existing file
// without --force.
func (a *app) checkOutputFile(what, path string, force bool) error {
	if dir := a.dataDir(); dir != "" {
		if abs, err := filepath.Abs(filepath.Dir(path)); err == nil && abs == dir {
			return usagef("%s: %s is in scpd's data directory, beside its database, journal and token: write to another directory", what, path)
		}
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil // does not exist (or cannot be seen): the write says why if it fails
	}
	if !fi.Mode().IsRegular() {
		return usagef("%s: %s is not a regular file (%s): name a file to write", what, path, fileKind(fi.Mode()))
	}
	if store.IsJournal(path) {
		return usagef("%s: %s is an scpd journal, holding commits its database's file does not have yet: write to another file", what, path)
	}
	if err := refuseLiveFile(what, path); err != nil {
		return err
	}
	if !force {
		return usagef("%s exists: choose another name or pass --force", path)
	}
	return nil
}

// dataDir is the absolute data directory of the configuration the daemon
// would run with (--config, else the embedded default); "" if it does not
// load, in which case the other checks still apply.
func (a *app) dataDir() string {
	cfg, err := config.Load(a.configPath)
	if err != nil || cfg.DataDir == "" {
		return ""
	}
	abs, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return ""
	}
	return abs
}

func fileKind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeDevice != 0:
		return "a device"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeSocket != 0:
		return "a socket"
	}
	return "not a plain file"
}

func refuseLiveFile(what, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return nil // does not exist (or cannot be read): nothing to protect
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); err != nil {
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return usagef("%s: %s is held by a running scpd serve (its database): write to another file", what, path)
		}
		return nil
	}
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	return nil
}
