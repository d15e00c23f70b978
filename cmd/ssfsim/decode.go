package main

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/scpd/scpd/camel"
	"github.com/scpd/scpd/cmd/ssfsim/internal/dissect"
)

func decodeCommand() *cobra.Command {
	var (
		hexIn  string
		layer  string
		phase  int
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "decode [FILE.pcap]",
		Short: "Decode a capture or hex bytes layer by layer, with every CAP field by its ASN.1 name",
		Long: `decode reads a pcap or pcapng capture (SCTP with PPID 3, or M3UA over TCP), or
bytes given with --hex (SCTP packet, M3UA, SCCP or TCAP: the layer is guessed
unless --layer names it), and prints each layer: M3UA routing label, SCCP
addresses, TCAP transaction and dialogue, and each CAP operation's argument.

The CAP phase comes from the application context in the dialogue portion;
Continue and End messages take the phase of their transaction's Begin. For
bytes without a Begin, --phase says which phase to assume.`,
		Example: `  ssfsim decode capture.pcap
  ssfsim decode --hex 62354804000000016b1e281c06070011860501010 1a011600f... --json
  ssfsim decode --layer tcap --phase 2 --hex '65 1a ...'`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if phase < 2 || phase > 4 {
				return fmt.Errorf("--phase %d: CAMEL phase must be 2, 3 or 4", phase)
			}
			if (hexIn == "") == (len(args) == 0) {
				return errors.New("give either a capture file or --hex BYTES (not both)")
			}
			d := dissect.NewDecoder(camel.Phase(phase))
			var results []dissect.Result
			if hexIn != "" {
				b, err := hex.DecodeString(strings.Map(func(r rune) rune {
					if strings.ContainsRune(" \t\n:-", r) {
						return -1
					}
					return r
				}, strings.TrimPrefix(hexIn, "0x")))
				if err != nil {
					return fmt.Errorf("--hex: %w (give hex digits; spaces, colons and dashes are ignored)", err)
				}
				if results, err = d.Bytes(b, dissect.Layer(layer)); err != nil {
					return err
				}
				// Bytes that do not decode are a failure (exit 1): a
				// script must not take them for a message. With no layer
				// decoded there is nothing to show but the error.
				if errs := undecoded(results); errs != nil {
					return failed{errs}
				}
			} else {
				f, err := os.Open(args[0])
				if err != nil {
					return err
				}
				defer f.Close()
				if results, err = d.Capture(f); errors.Is(err, dissect.ErrCutShort) {
					fmt.Fprintf(cmd.ErrOrStderr(), "ssfsim: warning: %s: %v\n", args[0], err)
				} else if errors.Is(err, dissect.ErrNoM3UA) {
					return failed{fmt.Errorf("%s: %w", args[0], err)}
				} else if err != nil {
					return fmt.Errorf("%s: %w", args[0], err)
				}
			}
			var err error
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				err = enc.Encode(results)
			} else {
				err = dissect.Print(cmd.OutOrStdout(), results)
			}
			if err == nil && hexIn != "" && slices.ContainsFunc(results, func(r dissect.Result) bool { return len(r.Errors) > 0 }) {
				return failed{} // the ERROR lines above say what
			}
			return err
		},
	}
	cmd.Flags().StringVar(&hexIn, "hex", "", "bytes to decode, in hex")
	cmd.Flags().StringVar(&layer, "layer", "auto", "layer the --hex bytes start at: auto, sctp, m3ua, sccp, tcap")
	cmd.Flags().IntVar(&phase, "phase", 4, "CAMEL phase to assume where no dialogue portion says it")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON instead of text")
	return cmd
}

// undecoded returns the errors of pasted bytes none of whose layers
// decoded, as one error; nil if a layer decoded.
func undecoded(results []dissect.Result) error {
	var errs []string
	for _, r := range results {
		if r.M3UA != nil || r.SCCP != nil || r.TCAP != nil {
			return nil
		}
		errs = append(errs, r.Errors...)
	}
	if len(errs) == 0 {
		return nil
	}
	return errors.New(strings.Join(errs, "; "))
}
