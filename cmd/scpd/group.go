package main

import (
	"fmt"
	"io"
	"sort"

	"github.com/spf13/cobra"

	"github.com/scpd/scpd/cmd/scpd/internal/adminapi"
	"github.com/scpd/scpd/store"
)

func groupTariffs(g store.Group) []store.Tariff {
	out := make([]store.Tariff, 0, len(g.Tariffs))
	for _, t := range g.Tariffs {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Class < out[j].Class })
	return out
}

func (a *app) groupCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "group", Short: "Manage VPN groups and their tariff overrides"}

	var name string
	add := &cobra.Command{
		Use: "add ID --name NAME", Short: "Add a VPN group", Example: "scpd group add ACME --name \"ACME Corp\"", Args: args("ID"),
		RunE: func(c *cobra.Command, argv []string) error {
			b, err := a.open()
			if err != nil {
				return err
			}
			n := name
			if n == "" {
				n = argv[0]
			}
			g, err := b.PutGroup(c.Context(), store.Group{ID: argv[0], Name: n}, true)
			if err != nil {
				return err
			}
			return a.emit(g, func(w io.Writer) { fmt.Fprintf(w, "added group %s (%s)\n", g.ID, g.Name) })
		},
	}
	add.Flags().StringVar(&name, "name", "", "group name (default: the id)")

	var newName string
	upd := &cobra.Command{
		Use: "update ID --name NAME", Short: "Rename a VPN group", Example: "scpd group update ACME --name \"ACME Holding\"", Args: args("ID"),
		RunE: func(c *cobra.Command, argv []string) error {
			if newName == "" {
				return usagef("group update: nothing to change (give --name)")
			}
			b, err := a.open()
			if err != nil {
				return err
			}
			g, err := b.Group(c.Context(), argv[0])
			if err != nil {
				return err
			}
			g.Name = newName
			out, err := b.PutGroup(c.Context(), g.Group, false)
			if err != nil {
				return err
			}
			return a.emit(out, func(w io.Writer) { fmt.Fprintf(w, "group %s is now %s\n", out.ID, out.Name) })
		},
	}
	upd.Flags().StringVar(&newName, "name", "", "new name")

	show := &cobra.Command{
		Use: "show ID", Short: "Show a group, its tariff overrides and members", Example: "scpd group show ACME", Args: args("ID"),
		RunE: func(c *cobra.Command, argv []string) error {
			b, err := a.openRead()
			if err != nil {
				return err
			}
			g, err := b.Group(c.Context(), argv[0])
			if err != nil {
				return err
			}
			if g.Members == nil {
				g.Members = []store.Subscriber{}
			}
			return a.emit(g, func(w io.Writer) {
				fmt.Fprintf(w, "group %s (%s), %d members\n\n", g.ID, g.Name, len(g.Members))
				if len(g.Tariffs) > 0 {
					tariffTable(groupTariffs(g.Group), "OVERRIDE ")(w)
					fmt.Fprintln(w)
				}
				subscriberTable(g.Members)(w)
			})
		},
	}

	list := &cobra.Command{
		Use: "list", Short: "List VPN groups", Args: args(),
		RunE: func(c *cobra.Command, argv []string) error {
			b, err := a.openRead()
			if err != nil {
				return err
			}
			gs, err := b.Groups(c.Context())
			if err != nil {
				return err
			}
			if gs == nil {
				gs = []store.Group{}
			}
			return a.emit(gs, func(w io.Writer) {
				row(w, "GROUP", "NAME", "TARIFF OVERRIDES")
				for _, g := range gs {
					classes := ""
					for i, t := range groupTariffs(g) {
						if i > 0 {
							classes += ","
						}
						classes += t.Class
					}
					row(w, g.ID, g.Name, dash(classes))
				}
			})
		},
	}

	del := &cobra.Command{
		Use: "delete ID", Short: "Delete a VPN group without members", Example: "scpd group delete ACME", Args: args("ID"),
		RunE: func(c *cobra.Command, argv []string) error {
			b, err := a.open()
			if err != nil {
				return err
			}
			if err := b.DeleteGroup(c.Context(), argv[0]); err != nil {
				return err
			}
			return a.emit(map[string]string{"deleted": argv[0]}, func(w io.Writer) { fmt.Fprintf(w, "deleted group %s\n", argv[0]) })
		},
	}

	var tf tariffFlags
	setT := &cobra.Command{
		Use:     "set-tariff ID CLASS",
		Short:   "Override the tariff of a call class for this group's members",
		Example: "scpd group set-tariff ACME on-net --price 0 --initial 1 --subsequent 1",
		Args:    args("ID", "CLASS"),
		RunE: func(c *cobra.Command, argv []string) error {
			b, err := a.open()
			if err != nil {
				return err
			}
			g, err := b.Group(c.Context(), argv[0])
			if err != nil {
				return err
			}
			t, ok := g.Tariffs[argv[1]]
			if !ok {
				t = store.Tariff{Class: argv[1], Initial: 60, Subsequent: 60}
			}
			tf.apply(c, &t)
			if g.Tariffs == nil {
				g.Tariffs = map[string]store.Tariff{}
			}
			g.Tariffs[argv[1]] = t
			if err := a.putGroupTariffs(c, b, g.Group); err != nil {
				return err
			}
			// A group's override is looked up for its members' VPN calls only.
			a.warnUnusedClass(argv[1], store.ClassOnNet, store.ClassOffNet)
			return nil
		},
	}
	tf.register(setT)
	unsetT := &cobra.Command{
		Use: "unset-tariff ID CLASS", Short: "Remove a group's tariff override (the default applies again)",
		Example: "scpd group unset-tariff ACME on-net", Args: args("ID", "CLASS"),
		RunE: func(c *cobra.Command, argv []string) error {
			b, err := a.open()
			if err != nil {
				return err
			}
			g, err := b.Group(c.Context(), argv[0])
			if err != nil {
				return err
			}
			if _, ok := g.Tariffs[argv[1]]; !ok {
				return fmt.Errorf("group %s has no override for class %s", argv[0], argv[1])
			}
			delete(g.Tariffs, argv[1])
			return a.putGroupTariffs(c, b, g.Group)
		},
	}
	cmd.AddCommand(add, show, list, upd, del, setT, unsetT)
	return cmd
}

func (a *app) putGroupTariffs(c *cobra.Command, b adminapi.Backend, g store.Group) error {
	out, err := b.PutGroup(c.Context(), g, false)
	if err != nil {
		return err
	}
	return a.emit(out, tariffTable(groupTariffs(out), "OVERRIDE "))
}
