// Package config reads scpd's YAML configuration. Reading is strict: a key
// that scpd does not know is an error naming the key and its line, so a typo
// never silently falls back to a default.
package config

import (
	_ "embed"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

//go:embed default.yaml
var defaultYAML []byte

// Default returns the embedded configuration as text (for `scpd config default`).
func Default() []byte { return defaultYAML }

// Config is the whole configuration. See config.example.yaml for each key.
type Config struct {
	DataDir string  `yaml:"data_dir"`
	Log     Log     `yaml:"log"`
	Store   Store   `yaml:"store"`
	Sweeper Sweeper `yaml:"sweeper"`
	Admin   Admin   `yaml:"admin"`
	Demo    Demo    `yaml:"demo"`

	source string // file name, or "embedded default"
}

type Log struct {
	Level  string `yaml:"level"`  // debug, info, warn, error
	Format string `yaml:"format"` // text or json
}

type Store struct {
	File          string   `yaml:"file"` // relative to data_dir
	LockTimeout   Duration `yaml:"lock_timeout"`
	MaxBatchSize  int      `yaml:"max_batch_size"`
	MaxBatchDelay Duration `yaml:"max_batch_delay"`
}

type Sweeper struct {
	Interval  Duration `yaml:"interval"`
	Retention Duration `yaml:"retention"`
}

type Admin struct {
	Listen    string `yaml:"listen"`     // host:port; empty disables TCP
	Socket    string `yaml:"socket"`     // unix socket path, relative to data_dir; empty disables
	Token     string `yaml:"token"`      // fixed token; empty: token_file
	TokenFile string `yaml:"token_file"` // default <data_dir>/admin.token
}

type Demo struct {
	Seed bool `yaml:"seed"` // seed the demo data set into an empty database
}

// Duration is a time.Duration written as "10s", "1ms", "24h".
type Duration time.Duration

func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a duration (e.g. 500ms, 10s, 24h)", n.Line, n.Value)
	}
	*d = Duration(v)
	return nil
}

func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// D returns the time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// Load reads path over the embedded defaults; an empty path means the
// embedded defaults alone.
func Load(path string) (*Config, error) {
	var c Config
	if err := decodeStrict(defaultYAML, &c); err != nil {
		return nil, fmt.Errorf("config: embedded default: %w", err)
	}
	c.source = "embedded default"
	if path != "" {
		raw, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("config: %w", err)
		}
		if err := decodeStrict(raw, &c); err != nil {
			return nil, fmt.Errorf("config %s: %w", path, err)
		}
		c.source = path
	}
	if err := c.validate(); err != nil {
		return nil, fmt.Errorf("config %s: %w", c.source, err)
	}
	return &c, nil
}

// Source names where the configuration came from.
func (c *Config) Source() string { return c.source }

func decodeStrict(raw []byte, out any) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return err
	}
	if len(doc.Content) == 0 {
		return nil // empty file: defaults
	}
	if err := checkKeys(doc.Content[0], reflect.TypeOf(out).Elem(), ""); err != nil {
		return err
	}
	return doc.Content[0].Decode(out)
}

// checkKeys walks a mapping against the struct's yaml tags and reports the
// first key the struct does not have, with its full dotted name.
func checkKeys(n *yaml.Node, t reflect.Type, prefix string) error {
	if t.Kind() != reflect.Struct || t == reflect.TypeOf(Duration(0)) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
			return nil
		}
		return fmt.Errorf("line %d: %s must be a mapping of keys", n.Line, strings.TrimSuffix(prefix, "."))
	}
	fields := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if tag := strings.Split(f.Tag.Get("yaml"), ",")[0]; tag != "" && tag != "-" {
			fields[tag] = f.Type
		}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		ft, ok := fields[k.Value]
		if !ok {
			known := make([]string, 0, len(fields))
			for name := range fields {
				known = append(known, prefix+name)
			}
			return fmt.Errorf("line %d: unknown key %q (known here: %s)", k.Line, prefix+k.Value, strings.Join(sorted(known), ", "))
		}
		if err := checkKeys(n.Content[i+1], ft, prefix+k.Value+"."); err != nil {
			return err
		}
	}
	return nil
}

func sorted(s []string) []string { sort.Strings(s); return s }

func (c *Config) validate() error {
	var errs []error
	bad := func(key, rule string) { errs = append(errs, fmt.Errorf("%s: %s", key, rule)) }
	if c.DataDir == "" {
		bad("data_dir", "must not be empty")
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		bad("log.level", "must be debug, info, warn or error")
	}
	if c.Log.Format != "text" && c.Log.Format != "json" {
		bad("log.format", "must be text or json")
	}
	if c.Store.File == "" {
		bad("store.file", "must not be empty")
	}
	if c.Store.LockTimeout <= 0 {
		bad("store.lock_timeout", "must be positive")
	}
	if c.Store.MaxBatchSize < 1 || c.Store.MaxBatchSize > 10000 {
		bad("store.max_batch_size", "must be 1-10000")
	}
	if c.Store.MaxBatchDelay <= 0 || c.Store.MaxBatchDelay.D() > time.Second {
		bad("store.max_batch_delay", "must be more than 0 and at most 1s")
	}
	if c.Sweeper.Interval.D() < 100*time.Millisecond {
		bad("sweeper.interval", "must be at least 100ms")
	}
	if c.Sweeper.Retention < 0 {
		bad("sweeper.retention", "must not be negative (0 keeps settled reservations forever)")
	}
	if c.Admin.Listen == "" && c.Admin.Socket == "" {
		bad("admin.listen", "admin.listen or admin.socket must be set")
	}
	if c.Admin.Listen != "" {
		if _, _, err := net.SplitHostPort(c.Admin.Listen); err != nil {
			bad("admin.listen", "must be host:port, e.g. 127.0.0.1:7080")
		}
	}
	if c.Admin.Token != "" && len(c.Admin.Token) < 16 {
		bad("admin.token", "must be at least 16 characters (or empty to use token_file)")
	}
	return errors.Join(errs...)
}

func (c *Config) inData(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.DataDir, p)
}

// StorePath is the database file.
func (c *Config) StorePath() string { return c.inData(c.Store.File) }

// TokenPath is the file holding the admin token.
func (c *Config) TokenPath() string {
	if c.Admin.TokenFile != "" {
		return c.inData(c.Admin.TokenFile)
	}
	return c.inData("admin.token")
}

// SocketPath is the admin unix socket, or "" if disabled.
func (c *Config) SocketPath() string {
	if c.Admin.Socket == "" {
		return ""
	}
	return c.inData(c.Admin.Socket)
}

// AdminURL is the address the CLI should use: the TCP listener if there is
// one (loopback if it listens on all addresses), else the unix socket.
func (c *Config) AdminURL() string {
	if c.Admin.Listen != "" {
		host, port, _ := net.SplitHostPort(c.Admin.Listen)
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "127.0.0.1"
		}
		return "http://" + net.JoinHostPort(host, port)
	}
	return "unix://" + c.SocketPath()
}
