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

	Sigtran   Sigtran   `yaml:"sigtran"`
	Services  []Service `yaml:"services"`
	Charging  Charging  `yaml:"charging"`
	Numbering Numbering `yaml:"numbering"`
	Calls     Calls     `yaml:"calls"`
	Metrics   Metrics   `yaml:"metrics"`
	Shutdown  Shutdown  `yaml:"shutdown"`
	Runtime   Runtime   `yaml:"runtime"`
	Overload  Overload  `yaml:"overload"`

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
	// CheckpointInterval: how long answered commits may live in the
	// journal only before the database file gets them (store/journal.go).
	CheckpointInterval Duration `yaml:"checkpoint_interval"`
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

// Sigtran is the signalling point: M3UA associations, SCCP and TCAP.
type Sigtran struct {
	PointCode        uint32   `yaml:"point_code"`
	NetworkIndicator string   `yaml:"network_indicator"` // national or international
	Transport        string   `yaml:"transport"`         // tcp, sctp, userspace-sctp or auto
	Listen           []string `yaml:"listen"`            // host:port; several for multi-homed SCTP; empty: no listener
	Streams          uint16   `yaml:"streams"`
	BeatInterval     Duration `yaml:"beat_interval"`
	BeatTimeout      Duration `yaml:"beat_timeout"`
	AckTimeout       Duration `yaml:"ack_timeout"`
	ReconnectMin     Duration `yaml:"reconnect_min"`
	ReconnectMax     Duration `yaml:"reconnect_max"`
	Peers            []Peer   `yaml:"peers"`
	SCCP             SCCP     `yaml:"sccp"`
	TCAP             TCAP     `yaml:"tcap"`
	Trace            string   `yaml:"trace"` // pcap of every SIGTRAN message, relative to data_dir; empty: off
}

// Peer is an MSC, STP or SG scpd exchanges M3UA with.
type Peer struct {
	Name              string   `yaml:"name"`
	Dial              bool     `yaml:"dial"`
	Remote            []string `yaml:"remote"`
	PointCode         uint32   `yaml:"point_code"`
	Routes            []uint32 `yaml:"routes"`
	Gateway           bool     `yaml:"gateway"`
	RoutingContext    uint32   `yaml:"routing_context"`
	NetworkAppearance uint32   `yaml:"network_appearance"`
	TrafficMode       string   `yaml:"traffic_mode"` // loadshare or override
}

// SCCP configures SCCP routing.
type SCCP struct {
	GlobalTitles     []string `yaml:"global_titles"`
	XUDT             bool     `yaml:"xudt"`
	ReturnOnError    bool     `yaml:"return_on_error"`
	AllowedCallingGT []string `yaml:"allowed_calling_gt"` // calling-party screening; empty with
	AllowedCallingPC []uint32 `yaml:"allowed_calling_pc"` // allowed_calling_pc: no screening
}

// TCAP configures the dialogue layer's timers.
type TCAP struct {
	IdleTimeout         Duration `yaml:"idle_timeout"`
	InvokeTimeout       Duration `yaml:"invoke_timeout"`
	ActivityTestTimeout Duration `yaml:"activity_test_timeout"`
	MaxDialogues        int      `yaml:"max_dialogues"`
}

// Service binds a service key to a service.
type Service struct {
	Key     int64  `yaml:"key"`
	Service string `yaml:"service"` // vpn or prepaid
}

// Charging configures the quotas and timers of prepaid calls.
type Charging struct {
	FirstQuota        Duration `yaml:"first_quota"`
	NextQuota         Duration `yaml:"next_quota"`
	RingingAllowance  Duration `yaml:"ringing_allowance"`
	ReservationMargin Duration `yaml:"reservation_margin"`
	SettleWait        Duration `yaml:"settle_wait"`
	AnswerRecordDelay Duration `yaml:"answer_record_delay"`
	StoreTimeout      Duration `yaml:"store_timeout"`
}

// Numbering is the national numbering plan.
type Numbering struct {
	CountryCode         string `yaml:"country_code"`
	NationalPrefix      string `yaml:"national_prefix"`
	InternationalPrefix string `yaml:"international_prefix"`
	MaxShortNumber      int    `yaml:"max_short_number"`
}

// Calls configures call treatment: MT calls and release causes.
type Calls struct {
	MTTreatment string `yaml:"mt_treatment"` // continue or release
	// EmergencyNumbers are continued as dialled, never charged or refused.
	EmergencyNumbers []string      `yaml:"emergency_numbers"`
	ReleaseCauses    ReleaseCauses `yaml:"release_causes"`
}

// ReleaseCauses are the Q.850 cause values of ReleaseCall per reason.
type ReleaseCauses struct {
	UnknownSubscriber uint8 `yaml:"unknown_subscriber"`
	NoVPNContract     uint8 `yaml:"no_vpn_contract"`
	NoPrepaidContract uint8 `yaml:"no_prepaid_contract"`
	UnknownAccount    uint8 `yaml:"unknown_account"`
	Expired           uint8 `yaml:"expired"`
	Blocked           uint8 `yaml:"blocked"`
	ReportedLost      uint8 `yaml:"reported_lost"`
	NoBalance         uint8 `yaml:"no_balance"`
	OutOfCredit       uint8 `yaml:"out_of_credit"`
	BadNumber         uint8 `yaml:"bad_number"`
	SystemFailure     uint8 `yaml:"system_failure"`
	MTRelease         uint8 `yaml:"mt_release"`
}

// Metrics configures the Prometheus endpoint.
type Metrics struct {
	Listen string `yaml:"listen"` // host:port of /metrics; empty: off
}

// Overload bounds the work scpd takes on, and says how new calls past a
// bound are answered.
type Overload struct {
	MaxCalls      int    `yaml:"max_calls"`       // calls in progress; 0: no bound
	MaxStoreQueue int    `yaml:"max_store_queue"` // store operations waiting to commit; 0: no bound
	Treatment     string `yaml:"treatment"`       // release or continue
	Cause         uint8  `yaml:"cause"`           // Q.850 cause of the release
}

// Runtime tunes Go's garbage collector for the daemon.
type Runtime struct {
	// GCPercent is GOGC: heap growth between collections, in percent. A
	// larger value trades memory for CPU (BENCHMARKS.md).
	GCPercent int `yaml:"gc_percent"`
	// MemoryLimitMiB is GOMEMLIMIT in MiB: past it the collector works
	// harder whatever GCPercent says. 0: no limit.
	MemoryLimitMiB int64 `yaml:"memory_limit_mib"`
}

// Shutdown configures the graceful stop.
type Shutdown struct {
	// Grace is how long open calls may go on after SIGTERM before scpd
	// settles them itself.
	Grace Duration `yaml:"grace"`
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
	if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct && n.Kind == yaml.SequenceNode {
		for i, item := range n.Content {
			if err := checkKeys(item, t.Elem(), fmt.Sprintf("%s[%d].", strings.TrimSuffix(prefix, "."), i)); err != nil {
				return err
			}
		}
		return nil
	}
	if t == reflect.TypeOf(Duration(0)) {
		// Duration.UnmarshalYAML cannot name the key; say it here.
		if _, err := time.ParseDuration(n.Value); err != nil || n.Kind != yaml.ScalarNode {
			return fmt.Errorf("line %d: %q is not a duration (e.g. 500ms, 10s, 24h): %s", n.Line, n.Value, strings.TrimSuffix(prefix, "."))
		}
		return nil
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
			return nil
		}
		name := strings.TrimSuffix(prefix, ".")
		if name == "" {
			name = "the configuration" // the top level has no key to name
		}
		return fmt.Errorf("line %d: %s must be a mapping of keys", n.Line, name)
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
	if c.Store.MaxBatchDelay < 0 || c.Store.MaxBatchDelay.D() > time.Second {
		bad("store.max_batch_delay", "must be 0 to 1s")
	}
	if c.Store.CheckpointInterval.D() < 10*time.Millisecond || c.Store.CheckpointInterval.D() > time.Minute {
		bad("store.checkpoint_interval", "must be 10ms to 1m")
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
	if c.Admin.Listen != "" && !listenAddr(c.Admin.Listen) {
		bad("admin.listen", "must be host:port with a port 1-65535, e.g. 127.0.0.1:7080")
	}
	if c.Admin.Token != "" && len(c.Admin.Token) < 16 {
		bad("admin.token", "must be at least 16 characters (or empty to use token_file)")
	}
	// The rule of adminapi's headerSafe, which the client and the token
	// file are held to; config does not depend on the API package.
	if strings.ContainsFunc(c.Admin.Token, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		bad("admin.token", "must not hold control characters (no HTTP header can carry them)")
	}
	c.validateCalls(bad)
	return errors.Join(errs...)
}

// InData resolves a path relative to the data directory.
func (c *Config) InData(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.DataDir, p)
}

// StorePath is the database file.
func (c *Config) StorePath() string { return c.InData(c.Store.File) }

// TokenPath is the file holding the admin token.
func (c *Config) TokenPath() string {
	if c.Admin.TokenFile != "" {
		return c.InData(c.Admin.TokenFile)
	}
	return c.InData("admin.token")
}

// SocketPath is the admin unix socket, or "" if disabled.
func (c *Config) SocketPath() string {
	if c.Admin.Socket == "" {
		return ""
	}
	return c.InData(c.Admin.Socket)
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
