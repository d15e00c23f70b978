// Package pcaptest hands tests and fuzz targets the captures in the
// repository's testdata/ (written by scripts/gen-testdata): real
// InitialDPs and whole calls of every CAP phase, as seeds.
package pcaptest

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/gopacket/pcapgo"
)

// File is one capture: its base name and its bytes.
type File struct {
	Name string
	Data []byte
}

// Files returns the captures in the repository's testdata/ whose names
// match pattern (filepath.Match syntax), in name order. It fails the test
// when none does: a fuzz target without its seeds would pass on nothing.
// A test binary run outside the module (scripts/vm-sctp-test copies the
// transport tests into a VM alone) has no repository: it gets no seeds.
func Files(tb testing.TB, pattern string) []File {
	tb.Helper()
	dir, err := testdata()
	if errors.Is(err, errNoModule) {
		tb.Logf("no captures: %v", err)
		return nil
	}
	if err != nil {
		tb.Fatal(err)
	}
	names, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil {
		tb.Fatalf("testdata pattern %q: %v", pattern, err)
	}
	var out []File
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, File{Name: filepath.Base(name), Data: data})
	}
	if len(out) == 0 {
		tb.Fatalf("no capture matches %s in %s", pattern, dir)
	}
	return out
}

// errNoModule: the test runs outside the repository.
var errNoModule = errors.New("not inside the scpd module (no go.mod above the working directory)")

// testdata finds <module root>/testdata from the test's working
// directory (its package directory), walking up to go.mod.
func testdata() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "testdata"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errNoModule
		}
		dir = parent
	}
}

// Rewrite returns a classic pcap re-written as pcapng, and as classic pcap
// with every frame cut to snap octets (editcap -s): the capture forms
// tcpdump and Wireshark leave that scpd's readers must take.
func Rewrite(tb testing.TB, raw []byte, snap int) (ng, snapped []byte) {
	tb.Helper()
	r, err := pcapgo.NewReader(bytes.NewReader(raw))
	if err != nil {
		tb.Fatal(err)
	}
	var nb, sb bytes.Buffer
	nw, err := pcapgo.NewNgWriter(&nb, r.LinkType())
	if err != nil {
		tb.Fatal(err)
	}
	sw := pcapgo.NewWriter(&sb)
	if err := sw.WriteFileHeader(uint32(snap), r.LinkType()); err != nil {
		tb.Fatal(err)
	}
	for {
		data, ci, err := r.ReadPacketData()
		if err != nil {
			break
		}
		if err := nw.WritePacket(ci, data); err != nil {
			tb.Fatal(err)
		}
		if len(data) > snap {
			data, ci.CaptureLength = data[:snap], snap
		}
		if err := sw.WritePacket(ci, data); err != nil {
			tb.Fatal(err)
		}
	}
	if err := nw.Flush(); err != nil {
		tb.Fatal(err)
	}
	return nb.Bytes(), sb.Bytes()
}
