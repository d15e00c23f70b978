package main

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spf13/cobra"
)

func (a *app) statusCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "Show the running daemon: associations, open dialogues, calls in progress",
		Args:  args(),
		RunE: func(c *cobra.Command, argv []string) error {
			if a.dbPath != "" {
				return usagef("status shows the running daemon; it takes no --db")
			}
			b, err := a.open()
			if err != nil {
				return err
			}
			s, err := b.Status(c.Context())
			if err != nil {
				return err
			}
			return a.emit(s, func(w io.Writer) {
				fmt.Fprintf(w, "up %s, point code %d, listening on %s\n", s.Uptime, s.PointCode, strings.Join(s.Listen, ", "))
				fmt.Fprintf(w, "calls in progress %d, dialogues open %d, store: %d operations in %d commits, %d waiting\n",
					s.Calls, s.Dialogues, s.StoreBatched, s.StoreCommits, s.StorePending)
				h := s.History
				fmt.Fprintf(w, "database %.1f MiB, journal %.1f MiB; CDRs since %s, ledger since %s (scpd purge --before trims them)\n",
					float64(h.DatabaseBytes)/(1<<20), float64(h.JournalBytes)/(1<<20), ts(h.OldestCDR), ts(h.OldestLedger))
				if len(s.Ended) > 0 {
					var ended []string
					for k, v := range s.Ended {
						ended = append(ended, fmt.Sprintf("%s %d", k, v))
					}
					sort.Strings(ended)
					fmt.Fprintf(w, "dialogues ended: %s\n", strings.Join(ended, ", "))
				}
				fmt.Fprintln(w)
				row(w, "PEER", "REMOTE", "STATE", "DATA IN", "DATA OUT", "DROPPED")
				for _, as := range s.Associations {
					row(w, as.Peer, as.Remote, as.State, as.DataIn, as.DataOut, as.Dropped)
				}
				if len(s.Associations) == 0 {
					row(w, "(no association)", "", "", "", "", "")
				}
			})
		},
	}
}
