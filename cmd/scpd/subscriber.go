package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/scpd/scpd/store"
)

type subscriberFlags struct {
	imsi, name, group, short, account string
	vpn, prepaid                      bool
}

func (f *subscriberFlags) register(c *cobra.Command) {
	fl := c.Flags()
	fl.StringVar(&f.imsi, "imsi", "", "IMSI (6-15 digits)")
	fl.StringVar(&f.name, "name", "", "display name")
	fl.BoolVar(&f.vpn, "vpn", false, "has a VPN contract (needs --group and --short)")
	fl.StringVar(&f.group, "group", "", "VPN group id")
	fl.StringVar(&f.short, "short", "", "short number inside the VPN group (2 to numbering.max_short_number digits, default 6)")
	fl.BoolVar(&f.prepaid, "prepaid", false, "has a prepaid contract (needs --account)")
	fl.StringVar(&f.account, "account", "", "prepaid account id")
}

// apply copies the flags the operator set onto s.
func (f *subscriberFlags) apply(c *cobra.Command, s *store.Subscriber) {
	fl := c.Flags()
	set := func(name string, dst *string, v string) {
		if fl.Changed(name) {
			*dst = v
		}
	}
	set("imsi", &s.IMSI, f.imsi)
	set("name", &s.Name, f.name)
	set("group", &s.GroupID, f.group)
	set("short", &s.ShortNumber, f.short)
	set("account", &s.AccountID, f.account)
	if fl.Changed("vpn") {
		s.VPN = f.vpn
		if !f.vpn && !fl.Changed("group") && !fl.Changed("short") {
			s.GroupID, s.ShortNumber = "", ""
		}
	}
	if fl.Changed("prepaid") {
		s.Prepaid = f.prepaid
		if !f.prepaid && !fl.Changed("account") {
			s.AccountID = ""
		}
	}
}

func (a *app) subscriberCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "subscriber", Aliases: []string{"sub"}, Short: "Manage subscribers (MSISDN, IMSI, contracts, VPN group, account)"}

	var addF subscriberFlags
	add := &cobra.Command{
		Use:     "add MSISDN",
		Short:   "Add a subscriber",
		Example: "scpd subscriber add 31612345009 --imsi 204040000000009 --vpn --group ACME --short 1009 --prepaid --account A-1009",
		Args:    args("MSISDN"),
		RunE: func(c *cobra.Command, argv []string) error {
			b, err := a.open()
			if err != nil {
				return err
			}
			s := store.Subscriber{MSISDN: argv[0]}
			addF.apply(c, &s)
			out, err := b.PutSubscriber(c.Context(), s, true)
			if err != nil {
				return err
			}
			return a.emit(out, subscriberTable([]store.Subscriber{out}))
		},
	}
	addF.register(add)

	var updF subscriberFlags
	upd := &cobra.Command{
		Use:     "update MSISDN",
		Short:   "Change a subscriber: only the flags given change (--vpn=false drops the VPN contract)",
		Example: "scpd subscriber update 31612345004 --prepaid --account A-1004",
		Args:    args("MSISDN"),
		RunE: func(c *cobra.Command, argv []string) error {
			changed := false // --json, --db and the like change nothing
			c.LocalNonPersistentFlags().VisitAll(func(f *pflag.Flag) { changed = changed || f.Changed })
			if !changed {
				return usagef("subscriber update: nothing to change (give the flags to change, e.g. --name, --group, --prepaid --account)")
			}
			b, err := a.open()
			if err != nil {
				return err
			}
			s, err := b.Subscriber(c.Context(), argv[0])
			if err != nil {
				return err
			}
			updF.apply(c, &s)
			out, err := b.PutSubscriber(c.Context(), s, false)
			if err != nil {
				return err
			}
			return a.emit(out, subscriberTable([]store.Subscriber{out}))
		},
	}
	updF.register(upd)

	show := &cobra.Command{
		Use: "show MSISDN", Short: "Show a subscriber", Example: "scpd subscriber show 31612345001", Args: args("MSISDN"),
		RunE: func(c *cobra.Command, argv []string) error {
			b, err := a.openRead()
			if err != nil {
				return err
			}
			s, err := b.Subscriber(c.Context(), argv[0])
			if err != nil {
				return err
			}
			return a.emit(s, subscriberTable([]store.Subscriber{s}))
		},
	}

	var group string
	list := &cobra.Command{
		Use: "list", Short: "List subscribers (of one VPN group with --group)", Example: "scpd subscriber list --group ACME", Args: args(),
		RunE: func(c *cobra.Command, argv []string) error {
			b, err := a.openRead()
			if err != nil {
				return err
			}
			subs, err := b.Subscribers(c.Context(), group)
			if err != nil {
				return err
			}
			if subs == nil {
				subs = []store.Subscriber{}
			}
			return a.emit(subs, subscriberTable(subs))
		},
	}
	list.Flags().StringVar(&group, "group", "", "only members of this VPN group")

	del := &cobra.Command{
		Use: "delete MSISDN", Short: "Delete a subscriber", Example: "scpd subscriber delete 31612345009", Args: args("MSISDN"),
		RunE: func(c *cobra.Command, argv []string) error {
			b, err := a.open()
			if err != nil {
				return err
			}
			if err := b.DeleteSubscriber(c.Context(), argv[0]); err != nil {
				return err
			}
			return a.emit(map[string]string{"deleted": argv[0]}, func(w io.Writer) { fmt.Fprintf(w, "deleted subscriber %s\n", argv[0]) })
		},
	}
	cmd.AddCommand(add, show, list, upd, del)
	return cmd
}
