package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/scpd/scpd/store"
)

type tariffFlags struct {
	price, initial, subsequent, setup int64
}

func (f *tariffFlags) register(c *cobra.Command) {
	fl := c.Flags()
	fl.Int64Var(&f.price, "price", 0, "price per minute, minor units")
	fl.Int64Var(&f.initial, "initial", 60, "first billing increment, seconds")
	fl.Int64Var(&f.subsequent, "subsequent", 60, "later billing increments, seconds")
	fl.Int64Var(&f.setup, "setup", 0, "set-up charge, minor units (charged once a call is answered)")
}

func (f *tariffFlags) apply(c *cobra.Command, t *store.Tariff) {
	fl := c.Flags()
	if fl.Changed("price") {
		t.PricePerMinute = f.price
	}
	if fl.Changed("initial") {
		t.Initial = f.initial
	}
	if fl.Changed("subsequent") {
		t.Subsequent = f.subsequent
	}
	if fl.Changed("setup") {
		t.SetupCharge = f.setup
	}
}

// warnUnusedClass tells the operator, on stderr, that no call is priced by
// a tariff of class: scpd rates on-net and off-net calls of VPN members
// (which a group may override) and plain prepaid calls.
func (a *app) warnUnusedClass(class string, used ...string) {
	if !slices.Contains(used, class) {
		fmt.Fprintf(a.errOut, "scpd: note: no call is of class %q, so this tariff prices nothing (classes used: %s)\n", class, strings.Join(used, ", "))
	}
}

func (a *app) tariffCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "tariff", Short: "Manage the default tariff of each call class (on-net, off-net, prepaid, …)"}

	var tf tariffFlags
	set := &cobra.Command{
		Use:     "set CLASS",
		Aliases: []string{"add", "update"},
		Short:   "Create or change the default tariff of a call class (flags not given keep their value)",
		Example: "scpd tariff set off-net --price 25 --initial 60 --subsequent 60 --setup 5",
		Args:    args("CLASS"),
		RunE: func(c *cobra.Command, argv []string) error {
			b, err := a.open()
			if err != nil {
				return err
			}
			t, err := b.Tariff(c.Context(), argv[0])
			if errors.Is(err, store.ErrNotFound) {
				if !c.Flags().Changed("price") {
					// A new tariff without a price would make its calls free.
					return usagef("--price: required for a new tariff (0 for free calls)")
				}
				t, err = store.Tariff{Class: argv[0], Initial: 60, Subsequent: 60}, nil
			} else if err == nil && c.CalledAs() == "add" {
				// add creates, as every other add does: a live tariff is
				// changed with set, on purpose.
				return fmt.Errorf("tariff %s: %w (change it with scpd tariff set %s)", argv[0], store.ErrExists, argv[0])
			}
			if err != nil {
				return err
			}
			tf.apply(c, &t)
			out, err := b.PutTariff(c.Context(), t)
			if err != nil {
				return err
			}
			a.warnUnusedClass(argv[0], store.ClassOnNet, store.ClassOffNet, store.ClassPrepaid)
			return a.emit(out, tariffTable([]store.Tariff{out}, ""))
		},
	}
	tf.register(set)

	show := &cobra.Command{
		Use: "show CLASS", Short: "Show a tariff", Example: "scpd tariff show on-net", Args: args("CLASS"),
		RunE: func(c *cobra.Command, argv []string) error {
			b, err := a.openRead()
			if err != nil {
				return err
			}
			t, err := b.Tariff(c.Context(), argv[0])
			if err != nil {
				return err
			}
			return a.emit(t, tariffTable([]store.Tariff{t}, ""))
		},
	}
	list := &cobra.Command{
		Use: "list", Short: "List default tariffs", Args: args(),
		RunE: func(c *cobra.Command, argv []string) error {
			b, err := a.openRead()
			if err != nil {
				return err
			}
			ts, err := b.Tariffs(c.Context())
			if err != nil {
				return err
			}
			if ts == nil {
				ts = []store.Tariff{}
			}
			return a.emit(ts, tariffTable(ts, ""))
		},
	}
	del := &cobra.Command{
		Use: "delete CLASS", Short: "Delete a default tariff (refused while it prices prepaid subscribers' calls)", Example: "scpd tariff delete prepaid", Args: args("CLASS"),
		RunE: func(c *cobra.Command, argv []string) error {
			b, err := a.open()
			if err != nil {
				return err
			}
			if err := b.DeleteTariff(c.Context(), argv[0]); err != nil {
				return err
			}
			return a.emit(map[string]string{"deleted": argv[0]}, func(w io.Writer) { fmt.Fprintf(w, "deleted tariff %s\n", argv[0]) })
		},
	}
	cmd.AddCommand(set, show, list, del)
	return cmd
}
