// Command ssfsim is the lab's gsmSSF/MSC simulator: it plays the MSC side
// of CAMEL against an SCP (call, load, replay), writes InitialDP captures
// (pcap), and decodes SIGTRAN bytes from the field (decode).
package main

import (
	"errors"
	"fmt"
	"os"
	"runtime/pprof"

	"github.com/spf13/cobra"
)

func main() {
	root := &cobra.Command{
		Use:           "ssfsim",
		Short:         "CAMEL gsmSSF/MSC simulator and SIGTRAN decoder for labs",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	var cpuProfile string
	root.PersistentFlags().StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of this run to the file (for the performance run)")
	root.PersistentPreRunE = func(*cobra.Command, []string) error {
		if cpuProfile == "" {
			return nil
		}
		f, err := os.Create(cpuProfile)
		if err != nil {
			return err
		}
		return pprof.StartCPUProfile(f)
	}
	root.PersistentPostRun = func(*cobra.Command, []string) {
		if cpuProfile != "" {
			pprof.StopCPUProfile()
		}
	}
	root.AddCommand(decodeCommand(), callCommand(), loadCommand(), pcapCommand(), replayCommand(), stormCommand())
	if err := root.Execute(); err != nil {
		var f failed
		if errors.As(err, &f) {
			if f.err != nil {
				fmt.Fprintln(os.Stderr, "ssfsim:", f.err)
			}
			os.Exit(1)
		}
		fmt.Fprintln(os.Stderr, "ssfsim:", err)
		os.Exit(2)
	}
}

// failed is an error of the input (bytes that do not decode), not of the
// command line: exit status 1, not 2. A nil err means the output said
// what failed already.
type failed struct{ err error }

func (f failed) Error() string {
	if f.err == nil {
		return "failed"
	}
	return f.err.Error()
}

func (f failed) Unwrap() error { return f.err }
