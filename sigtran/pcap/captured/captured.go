// Package captured reads the repository's captures down to M3UA DATA, for
// the tests and fuzz seeds of the layers above M3UA. (pcaptest cannot do it:
// it may not import sigtran/pcap, whose own tests use pcaptest.)
package captured

import (
	"bytes"
	"testing"

	"github.com/scpd/scpd/sigtran/m3ua"
	"github.com/scpd/scpd/sigtran/pcap"
	"github.com/scpd/scpd/sigtran/pcap/pcaptest"
)

// DATA returns, for each capture in testdata/ matching pattern (in name
// order), its M3UA DATA messages in capture order; other packets are left
// out. Payloads are SCCP messages.
func DATA(tb testing.TB, pattern string) [][]m3ua.Data {
	tb.Helper()
	var out [][]m3ua.Data
	for _, file := range pcaptest.Files(tb, pattern) {
		pkts, err := pcap.ReadAll(bytes.NewReader(file.Data))
		if err != nil {
			tb.Fatalf("%s: %v", file.Name, err)
		}
		var data []m3ua.Data
		for _, p := range pkts {
			if d, err := m3ua.DecodeData(p.Payload); err == nil {
				data = append(data, d)
			}
		}
		out = append(out, data)
	}
	return out
}
