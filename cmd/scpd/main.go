// Command scpd is the CAMEL Service Control Point daemon (`scpd serve`) and
// its operator CLI (`scpd subscriber …`, `scpd account …`, `scpd audit`, …).
// See docs/operator-cli.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/scpd/scpd/cmd/scpd/internal/adminapi"
	"github.com/scpd/scpd/store"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// app holds the global flags and the backend a command works on.
type app struct {
	configPath string
	adminURL   string
	tokenFile  string
	dbPath     string
	json       bool

	out, errOut io.Writer
	backend     adminapi.Backend
	closeFn     func() error
}

// usageError is a wrong command line: exit status 2 and a hint.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{msg: fmt.Sprintf(format, args...)} }

// exitError carries an exit status without another message (the command
// printed what was wrong already, as audit does).
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

func run(ctx context.Context, args []string, out, errOut io.Writer) int {
	a := &app{out: out, errOut: errOut}
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetOut(out)
	root.SetErr(errOut)
	err := root.ExecuteContext(ctx)
	if a.closeFn != nil {
		if cerr := a.closeFn(); cerr != nil && err == nil {
			err = cerr
		}
	}
	if err == nil {
		return 0
	}
	msg := strings.ReplaceAll(err.Error(), "\n", "; ")
	var ue *usageError
	var ee *exitError
	var ve *store.ValidationError
	if errors.As(err, &ve) {
		// A rule broken by a flag's value: name the flag the operator typed,
		// not the API's field, and answer as for any wrong command line.
		if c, _, ferr := root.Find(args); ferr == nil && c != nil {
			if f := flagOfField(c, ve.Field, ve.Rule); f != "" {
				fmt.Fprintf(errOut, "scpd: %s: %s (see '%s --help')\n", f, ve.Rule, c.CommandPath())
				return 2
			}
			if arg := argOfField(c, ve.Field); arg != "" {
				fmt.Fprintf(errOut, "scpd: %s: %s (see '%s --help')\n", arg, ve.Rule, c.CommandPath())
				return 2
			}
		}
	}
	switch {
	case errors.As(err, &ee):
		if ee.msg != "" {
			fmt.Fprintf(errOut, "scpd: %s\n", ee.msg)
		}
		return ee.code
	case errors.As(err, &ue) || isCobraUsage(err):
		fmt.Fprintf(errOut, "scpd: %s (see '%s --help')\n", msg, commandPath(root, args))
		return 2
	}
	fmt.Fprintf(errOut, "scpd: %s\n", msg)
	return 1
}

// fieldFlags names the flags whose name is not their field's with '-' for '_'.
var fieldFlags = map[string]string{
	"group_id": "group", "short_number": "short", "account_id": "account",
	"price_per_minute": "price", "setup_charge": "setup",
}

// flagOfField returns "--flag" when the validation error's field is set by a
// flag of c that the operator gave, or one the rule says is required, else
// "". A nested field (tariffs.off-net.price_per_minute) is its last part.
func flagOfField(c *cobra.Command, field, rule string) string {
	field = field[strings.LastIndex(field, ".")+1:]
	name, ok := fieldFlags[field]
	if !ok {
		name = strings.ReplaceAll(field, "_", "-")
	}
	if f := c.Flags().Lookup(name); f != nil && (f.Changed || strings.HasPrefix(rule, "required")) {
		return "--" + name
	}
	return ""
}

// argOfField returns the positional argument of c (MSISDN, ID, CLASS, as
// its usage line names them) that sets the validation error's field, else
// "": a rule broken by an argument is a wrong command line too.
func argOfField(c *cobra.Command, field string) string {
	want := strings.ToUpper(field)
	for _, w := range strings.Fields(c.Use)[1:] {
		if w == want {
			return w
		}
	}
	return ""
}

// isCobraUsage recognises cobra's own errors about the command line.
func isCobraUsage(err error) bool {
	m := err.Error()
	return strings.HasPrefix(m, "unknown command") || strings.HasPrefix(m, "unknown flag") ||
		strings.HasPrefix(m, "unknown shorthand flag") || strings.HasPrefix(m, "invalid argument") ||
		strings.Contains(m, "flag needs an argument") || strings.HasPrefix(m, "required flag")
}

// commandPath names the deepest command the arguments reach, for the hint.
func commandPath(root *cobra.Command, args []string) string {
	c, _, err := root.Find(args)
	if err != nil || c == nil {
		return root.Name()
	}
	return c.CommandPath()
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "scpd",
		Short: "CAMEL Service Control Point: VPN and prepaid service logic, and its operator CLI",
		Long: `scpd serve runs the daemon. The other commands manage its data through the
admin API of the running daemon (address and token from the same --config and
data directory), or with --db FILE directly on a stopped daemon's database.
Amounts are whole minor units (500 = 5.00 EUR).`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.CompletionOptions.DisableDefaultCmd = true
	pf := root.PersistentFlags()
	pf.StringVar(&a.configPath, "config", "", "configuration file (default: the embedded one; see config.example.yaml)")
	pf.StringVar(&a.adminURL, "admin", "", "admin API address, http://HOST:PORT or unix:///PATH (default: from the config)")
	pf.StringVar(&a.tokenFile, "token-file", "", "file holding the admin token (default: from the config, <data_dir>/admin.token)")
	pf.StringVar(&a.dbPath, "db", "", "work directly on this database file of a stopped daemon instead of the admin API")
	pf.BoolVar(&a.json, "json", false, "print JSON instead of tables")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		// "-5" as an argument reads as the shorthand flag -5: say what is wrong with it.
		if m := err.Error(); strings.HasPrefix(m, "unknown shorthand flag: ") {
			if i := strings.LastIndex(m, " in "); i >= 0 {
				if arg := m[i+len(" in "):]; strings.HasPrefix(arg, "-") {
					if _, perr := strconv.ParseFloat(arg, 64); perr == nil {
						return usagef("%s: negative numbers are not accepted (amounts are whole minor units, 0 or more)", arg)
					}
				}
			}
		}
		// pflag's "invalid argument "abc" for "--limit" flag: strconv.ParseInt:
		// parsing "abc": invalid syntax": the flag, the value, what it takes.
		if m := err.Error(); strings.HasPrefix(m, "invalid argument ") && strings.Contains(m, "strconv.Parse") {
			if i, j := strings.Index(m, ` for "`), strings.Index(m, `" flag:`); i > 0 && j > i {
				value, flag := m[len("invalid argument "):i], m[i+len(` for "`):j]
				want := "a whole number"
				if strings.Contains(m, "ParseBool") {
					want = "true or false"
				}
				return usagef("%s %s: want %s", flag, value, want)
			}
		}
		return &usageError{msg: err.Error()}
	})

	root.AddCommand(a.serveCommand(), a.subscriberCommand(), a.groupCommand(), a.accountCommand(),
		a.tariffCommand(), a.cdrCommand(), a.reservationCommand(), a.auditCommand(), a.purgeCommand(), a.backupCommand(),
		a.configCommand(), a.statusCommand(), a.importCommand())
	for _, c := range root.Commands() {
		if c.HasSubCommands() {
			nounVerbs(c)
		}
	}
	return root
}

// nounVerbs makes `scpd NOUN` print its help and `scpd NOUN wrong-verb` a
// one-line usage error listing the verbs (cobra would print the help, exit 0).
func nounVerbs(c *cobra.Command) {
	c.Args = cobra.ArbitraryArgs
	c.RunE = func(c *cobra.Command, argv []string) error {
		if len(argv) == 0 {
			return c.Help()
		}
		var verbs []string
		for _, v := range c.Commands() {
			if v.IsAvailableCommand() {
				verbs = append(verbs, v.Name())
			}
		}
		return usagef("%s has no command %q; use one of: %s", commandName(c), argv[0], strings.Join(verbs, ", "))
	}
}

// commandName is c's path without the program's name, which run already
// prints before every error ("scpd: account show takes ID, …").
func commandName(c *cobra.Command) string {
	return strings.TrimPrefix(c.CommandPath(), c.Root().Name()+" ")
}

// args checks the positional arguments, naming what is expected.
func args(names ...string) cobra.PositionalArgs {
	return func(c *cobra.Command, got []string) error {
		cmd := commandName(c)
		if len(got) == len(names) {
			for i, g := range got {
				if strings.TrimSpace(g) == "" {
					return usagef("%s: %s must not be empty", cmd, names[i])
				}
			}
			return nil
		}
		want := "no arguments"
		if len(names) > 0 {
			want = strings.Join(names, " ")
		}
		ex := ""
		if c.Example != "" {
			ex = " (e.g. " + strings.TrimSpace(strings.Split(c.Example, "\n")[0]) + ")"
		}
		plural := "s"
		if len(got) == 1 {
			plural = ""
		}
		return usagef("%s takes %s, got %d argument%s%s", cmd, want, len(got), plural, ex)
	}
}
