package main

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/scpd/scpd/cmd/scpd/internal/adminapi"
	"github.com/scpd/scpd/cmd/scpd/internal/config"
)

func (a *app) configCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "config", Short: "Show the embedded default configuration, or check a configuration file"}
	def := &cobra.Command{
		Use: "default", Short: "Print the embedded default configuration", Args: args(),
		RunE: func(c *cobra.Command, argv []string) error {
			if a.json {
				// The same keys as the YAML, whose comments JSON cannot carry.
				var v any
				if err := yaml.Unmarshal(config.Default(), &v); err != nil {
					return err
				}
				return a.emit(v, nil)
			}
			_, err := a.out.Write(config.Default())
			return err
		},
	}
	check := &cobra.Command{
		Use: "check", Short: "Load --config (or the default), report the first error, print the effective configuration (token hidden)", Args: args(),
		Example: "scpd config check --config /etc/scpd/scpd.yaml",
		RunE: func(c *cobra.Command, argv []string) error {
			cfg, err := config.Load(a.configPath)
			if err != nil {
				return err
			}
			// The token file is the daemon's once written; if it is there,
			// the daemon and the CLI will read it: check it as they will.
			if cfg.Admin.Token == "" {
				if _, err := adminapi.ReadToken(cfg.TokenPath()); err != nil && !errors.Is(err, fs.ErrNotExist) {
					return err
				}
			}
			if cfg.Admin.Token != "" {
				cfg.Admin.Token = "(hidden)"
			}
			if a.json {
				// The same keys as the YAML (snake_case, durations as 10s).
				raw, err := yaml.Marshal(cfg)
				if err != nil {
					return err
				}
				var v any
				if err := yaml.Unmarshal(raw, &v); err != nil {
					return err
				}
				return a.emit(v, nil)
			}
			fmt.Fprintf(a.out, "# %s: OK\n", cfg.Source())
			enc := yaml.NewEncoder(a.out)
			enc.SetIndent(2)
			if err := enc.Encode(cfg); err != nil {
				return err
			}
			return enc.Close()
		},
	}
	cmd.AddCommand(def, check)
	return cmd
}
