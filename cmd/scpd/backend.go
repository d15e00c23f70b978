package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/scpd/scpd/cmd/scpd/internal/adminapi"
	"github.com/scpd/scpd/cmd/scpd/internal/config"
	"github.com/scpd/scpd/servicelogic/prepaid"
	"github.com/scpd/scpd/store"
)

// open returns the backend for a command: the store file with --db, else the
// daemon's admin API found through the config.
func (a *app) open() (adminapi.Backend, error) { return a.openBackend(false) }

// openRead is open for the commands that only read: with --db the file is
// opened read-only, so that looking at a backup neither migrates its schema
// (an older scpd would then refuse it) nor changes a byte of it.
func (a *app) openRead() (adminapi.Backend, error) { return a.openBackend(true) }

func (a *app) openBackend(readOnly bool) (adminapi.Backend, error) {
	if a.backend != nil {
		return a.backend, nil
	}
	if a.dbPath != "" {
		if a.adminURL != "" {
			return nil, usagef("--db and --admin exclude each other: --db works on a stopped daemon's file, --admin talks to a running one")
		}
		fi, err := os.Stat(a.dbPath)
		if err != nil {
			return nil, fmt.Errorf("--db %s: %w", a.dbPath, err)
		}
		if fi.Mode().IsRegular() && fi.Size() == 0 {
			// bbolt would make it a new, empty database.
			return nil, fmt.Errorf("--db %s: the file is empty, not an scpd database: name the store file of a stopped daemon (or a backup)", a.dbPath)
		}
		// Writes keep to the numbering of the config the daemon would run
		// with (--config, else the embedded default): a short number routing
		// never finds is refused. Reads need no config.
		maxShort := 0
		if !readOnly {
			cfg, err := config.Load(a.configPath)
			if err != nil {
				return nil, err
			}
			maxShort = cfg.Numbering.MaxShortNumber
		}
		quiet := slog.New(slog.DiscardHandler)
		st, err := store.Open(a.dbPath, store.Options{LockTimeout: 300 * time.Millisecond, Logger: quiet, ReadOnly: readOnly})
		if errors.Is(err, store.ErrLocked) {
			return nil, fmt.Errorf("%s is locked by a running scpd serve: drop --db to go through its admin API, or stop the daemon", a.dbPath)
		}
		if err != nil {
			return nil, err
		}
		if readOnly {
			// The store reads schema 1 as it is; a file from before versioning
			// may lack buckets that only the migration creates.
			if v, err := st.Schema(); err != nil || v == 0 {
				st.Close()
				if err != nil {
					return nil, fmt.Errorf("--db %s: %w", a.dbPath, err)
				}
				return nil, fmt.Errorf("--db %s: schema version 0 (from before schema versioning, or not an scpd database): read-only commands do not upgrade a file; run a write command with --db on it (or on a copy) first", a.dbPath)
			}
		}
		a.closeFn = st.Close
		local := adminapi.NewLocal(st, prepaid.New(st, prepaid.Options{Log: quiet}), nil)
		local.MaxShortNumber = maxShort
		a.backend = local
		return a.backend, nil
	}
	cfg, err := config.Load(a.configPath)
	if err != nil {
		return nil, err
	}
	addr := a.adminURL
	if addr == "" {
		addr = cfg.AdminURL()
	}
	token := cfg.Admin.Token
	if a.tokenFile != "" || token == "" {
		path := a.tokenFile
		if path == "" {
			path = cfg.TokenPath()
		}
		token, err = adminapi.ReadToken(path)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				// The embedded defaults put the data directory in the working
				// directory: name the path in full, it may be another one's.
				if abs, aerr := filepath.Abs(path); aerr == nil {
					path = abs
				}
				return nil, fmt.Errorf("no admin token at %s: run this where scpd serve runs (its data_dir is relative to its working directory), or give the same --config (it writes the token), pass --token-file, or use --db on a stopped daemon's file", path)
			}
			return nil, err
		}
	}
	c, err := adminapi.NewClient(addr, token)
	if err != nil {
		return nil, usagef("%v", err)
	}
	a.backend = c
	return c, nil
}
