package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"runtime/debug"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/cobra"

	"github.com/scpd/scpd/cmd/scpd/internal/adminapi"
	"github.com/scpd/scpd/cmd/scpd/internal/config"
	"github.com/scpd/scpd/cmd/scpd/internal/lograte"
	"github.com/scpd/scpd/cmd/scpd/internal/metrics"
	"github.com/scpd/scpd/servicelogic"
	"github.com/scpd/scpd/servicelogic/prepaid"
	"github.com/scpd/scpd/sigtran/stack"
	"github.com/scpd/scpd/store"
)

func (a *app) serveCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Run the daemon (store, sweeper, admin API; SIGINT/SIGTERM stop it gracefully)",
		Long: `serve runs scpd with --config FILE, or with the embedded default configuration:
admin API on 127.0.0.1:7080, data in ./scpd-data (created mode 0700), the admin
token generated into ./scpd-data/admin.token (mode 0600), and a demo data set
seeded into an empty database. See config.example.yaml.`,
		Args: args(),
		RunE: func(c *cobra.Command, argv []string) error {
			if a.dbPath != "" || a.adminURL != "" {
				return usagef("serve takes --config only (--db and --admin are for the operator commands)")
			}
			cfg, err := config.Load(a.configPath)
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(c.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return serve(ctx, cfg, newLogger(cfg, a.errOut))
		},
	}
}

func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.Log.Level)) // validated by config
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if cfg.Log.Format == "json" {
		h = slog.NewJSONHandler(w, opts)
	}
	// A peer sending malformed traffic gets a WARN per message (and a
	// counter): bounded per text, so a flood cannot bury the log.
	return slog.New(lograte.New(h, slog.LevelWarn))
}

// component is a part of the daemon that runs until its context ends.
type component struct {
	name string
	run  func(ctx context.Context) error
}

// serve starts the daemon's components under ctx and stops them all, in
// order, when ctx ends (SIGINT/SIGTERM) or one of them fails.
func serve(ctx context.Context, cfg *config.Config, log *slog.Logger) error {
	debug.SetGCPercent(cfg.Runtime.GCPercent)
	if cfg.Runtime.MemoryLimitMiB > 0 {
		debug.SetMemoryLimit(cfg.Runtime.MemoryLimitMiB << 20)
	}

	// The TCP listeners before anything is written: a second scpd serve
	// (or another program on a port) is told so before it creates and
	// seeds a data directory of its own.
	var listeners []net.Listener
	defer func() {
		for _, l := range listeners {
			l.Close()
		}
	}()
	var adminL, metricsL net.Listener
	for _, p := range []struct {
		key, addr string
		l         *net.Listener
	}{{"admin.listen", cfg.Admin.Listen, &adminL}, {"metrics.listen", cfg.Metrics.Listen, &metricsL}} {
		if p.addr == "" {
			continue
		}
		l, err := net.Listen("tcp", p.addr)
		if err != nil {
			return fmt.Errorf("%s %s: %w (is another scpd serve running? %s sets the address)", p.key, p.addr, err, p.key)
		}
		*p.l = l
		listeners = append(listeners, l)
	}

	// Data directory: private to the daemon.
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("data dir: %w", err)
	}
	if err := tightenDataDir(cfg.DataDir, log); err != nil {
		return err
	}
	// The admin token before anything else: a token file scpd cannot use
	// stops it before it opens (and perhaps seeds) the database.
	token := cfg.Admin.Token
	if token == "" {
		var err error
		if token, err = adminapi.EnsureToken(cfg.TokenPath()); err != nil {
			return err
		}
	}

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	// Store: the durable state. Closed last.
	st, err := store.Open(cfg.StorePath(), store.Options{
		OnCommit:           metrics.CommitObserver(reg),
		OnCheckpoint:       metrics.CheckpointObserver(reg),
		LockTimeout:        cfg.Store.LockTimeout.D(),
		MaxBatchSize:       cfg.Store.MaxBatchSize,
		MaxBatchDelay:      cfg.Store.MaxBatchDelay.D(),
		CheckpointInterval: cfg.Store.CheckpointInterval.D(),
		Logger:             log,
	})
	if err != nil {
		return err
	}
	defer st.Close()

	// Prepaid service logic: the four interfaces the VPN logic will call.
	logic := prepaid.New(st, prepaid.Options{Log: log})

	// The call service logic: VPN first, invoking the prepaid logic.
	svc, err := servicelogic.New(serviceConfig(cfg), st, metrics.TimedPrepaid(reg, logic), metrics.NewObserver(reg), log)
	if err != nil {
		return err
	}
	// The SIGTRAN stack serving CAP on SSN 146, with the service logic on top.
	sigCfg := stackConfig(cfg)
	closeTrace, err := openTrace(cfg, &sigCfg)
	if err != nil {
		return err
	}
	defer closeTrace()
	sig, err := stack.New(sigCfg, svc, log)
	if err != nil {
		return err
	}
	metrics.RegisterState(reg, sig, st, svc.Active)

	// Calls in progress are never swept.
	sweeper := logic.Sweeper(svc.IsLive, cfg.Sweeper.Interval.D(), cfg.Sweeper.Retention.D())
	local := adminapi.NewLocal(st, logic, sweeper)
	local.StatusFunc = statusFunc(cfg, sig, svc, st, time.Now())

	if cfg.Demo.Seed {
		seeded, err := seedDemo(ctx, local)
		if err != nil {
			return fmt.Errorf("demo seed: %w", err)
		}
		if seeded {
			log.Info("seeded the demo data set into the empty database (demo.seed: false turns this off)")
		}
	}
	// Set after the demo seed, which must not fail on a low limit; the
	// warning then names its members too.
	local.MaxShortNumber = cfg.Numbering.MaxShortNumber
	if err := warnLongShortNumbers(st, cfg.Numbering.MaxShortNumber, log); err != nil {
		return err
	}

	// Admin API, on loopback TCP and/or a unix socket.
	handler := adminapi.NewHandler(local, token, log)
	admin := []net.Listener{}
	if adminL != nil {
		admin = append(admin, adminL)
	}
	if sock := cfg.SocketPath(); sock != "" {
		l, err := listenUnix(sock)
		if err != nil {
			return fmt.Errorf("admin socket: %w", err)
		}
		listeners = append(listeners, l)
		admin = append(admin, l)
	}

	components := []component{
		{"sweeper", sweeper.Run},
		sigtranComponent(sig, svc, cfg.Shutdown.Grace.D(), log),
	}
	for _, l := range admin {
		components = append(components, component{"admin api " + l.Addr().String(), httpServer(l, handler, log)})
	}
	if l := metricsL; l != nil {
		mux := http.NewServeMux()
		mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
		// Profiles for finding where time goes under load (BENCHMARKS.md);
		// the metrics listener is loopback by default.
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
		components = append(components, component{"metrics " + l.Addr().String(), httpServer(l, mux, log)})
	}

	log.Info("scpd ready", "config", cfg.Source(), "store", cfg.StorePath(), "admin", cfg.AdminURL(), "token_file", cfg.TokenPath(),
		"sigtran", cfg.Sigtran.Listen, "point_code", cfg.Sigtran.PointCode, "metrics", cfg.Metrics.Listen)
	err = runComponents(ctx, components, log)
	log.Info("scpd stopped")
	return err
}

// tightenDataDir makes an existing data dir 0700: MkdirAll leaves the mode
// of a directory that exists alone, and one made 0755 by hand or by a
// package would let other users read the token, the trace and the database
// (issue 8, "files the daemon writes have tight permissions"). A sticky
// directory (/tmp) is shared by design and only warned about.
func tightenDataDir(dir string, log *slog.Logger) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("data dir: %w", err)
	}
	old := fi.Mode().Perm()
	if old&0o077 == 0 {
		return nil
	}
	if fi.Mode()&fs.ModeSticky != 0 {
		log.Warn("data dir is a shared directory; use a private one", "dir", dir, "mode", fmt.Sprintf("%04o", old))
		return nil
	}
	const tight = 0o700
	if err := os.Chmod(dir, tight); err != nil {
		return fmt.Errorf("data dir: tightening %s from %04o to %04o: %w", dir, old, tight, err)
	}
	log.Warn("data dir was accessible by others; tightened it", "dir", dir, "old_mode", fmt.Sprintf("%04o", old), "new_mode", fmt.Sprintf("%04o", tight))
	return nil
}

// runComponents runs every component until ctx ends or one fails, then
// cancels the rest and waits for all of them.
func runComponents(ctx context.Context, cs []component, log *slog.Logger) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for _, c := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := c.run(ctx)
			if err != nil && ctx.Err() == nil {
				log.Error("component failed, stopping", "component", c.name, "err", err)
				once.Do(func() { first = fmt.Errorf("%s: %w", c.name, err) })
			}
			cancel()
		}()
	}
	wg.Wait()
	return first
}

func httpServer(l net.Listener, h http.Handler, log *slog.Logger) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
		done := make(chan error, 1)
		go func() { done <- srv.Serve(l) }()
		select {
		case err := <-done:
			return err
		case <-ctx.Done():
		}
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(shut); err != nil {
			srv.Close()
		}
		if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
}

// listenUnix listens on a socket only its owner may use, replacing a stale
// socket file left by a daemon that died.
func listenUnix(path string) (net.Listener, error) {
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode()&fs.ModeSocket == 0 {
			return nil, fmt.Errorf("%s exists and is not a socket", path)
		}
		if c, err := net.Dial("unix", path); err == nil {
			c.Close()
			return nil, fmt.Errorf("%s is in use by a running scpd", path)
		}
		os.Remove(path)
	}
	old := syscall.Umask(0o177)
	l, err := net.Listen("unix", path)
	syscall.Umask(old)
	if err != nil {
		return nil, err
	}
	return l, os.Chmod(path, 0o600)
}
