// Command ssfsim is the lab's gsmSSF/MSC simulator: it plays the MSC side
// of CAMEL against an SCP (call, load, replay), writes InitialDP captures
// (pcap), and decodes SIGTRAN bytes from the field (decode).
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

func main() {
	root := &cobra.Command{
		Use:           "ssfsim",
		Short:         "CAMEL gsmSSF/MSC simulator and SIGTRAN decoder for labs",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(decodeCommand(), callCommand())
	if err := root.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "ssfsim:", err)
		os.Exit(2)
	}
}
