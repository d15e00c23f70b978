package pcap

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/scpd/scpd/sigtran/pcap/pcaptest"
)

// A capture cut inside its last frame (tcpdump killed while writing) is
// read up to the cut and fails with io.ErrUnexpectedEOF, pcapng as
// classic pcap: the pcapng one was refused whole as a malformed block.
func TestCutCaptureEndsWithUnexpectedEOF(t *testing.T) {
	for _, file := range pcaptest.Files(t, "flow-*.pcap") {
		ng, _ := pcaptest.Rewrite(t, file.Data, 65535)
		whole, err := ReadAll(bytes.NewReader(file.Data))
		if err != nil {
			t.Fatal(err)
		}
		last := whole[len(whole)-1].Frame
		for name, b := range map[string][]byte{"pcap": file.Data, "pcapng": ng} {
			got, err := ReadAll(bytes.NewReader(b[:len(b)-30]))
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("%s as %s, cut: error %v, want io.ErrUnexpectedEOF", file.Name, name, err)
			}
			if len(got) == 0 || got[len(got)-1].Frame != last-1 {
				t.Errorf("%s as %s, cut in frame %d: read %d packets, want those up to frame %d", file.Name, name, last, len(got), last-1)
			}
		}
	}
}

// A frame cut by the snap length is marked, not taken for a corrupt one:
// its SCTP checksum is not checked, the message it cuts is Truncated, and
// over TCP what was captured of it is still returned.
func TestSnapLengthMarksTruncated(t *testing.T) {
	for _, file := range pcaptest.Files(t, "flow-*.pcap") {
		_, snapped := pcaptest.Rewrite(t, file.Data, 120)
		got, err := ReadAll(bytes.NewReader(snapped))
		if err != nil {
			t.Fatalf("%s: %v", file.Name, err)
		}
		whole, _ := ReadAll(bytes.NewReader(file.Data))
		if len(got) != len(whole) {
			t.Errorf("%s cut to 120 octets: %d packets, want %d as uncut", file.Name, len(got), len(whole))
		}
		for i, p := range got {
			cut := p.CaptureLength < p.Length
			if p.CaptureLength > 120 || cut != (p.Length > 120) || (p.Transport == SCTP && cut && p.ChecksumOK) {
				t.Errorf("%s packet %d: captured %d of %d, checksum ok %v", file.Name, i, p.CaptureLength, p.Length, p.ChecksumOK)
			}
			if i < len(whole) && p.Truncated != (len(p.Payload) < len(whole[i].Payload)) {
				t.Errorf("%s packet %d: truncated %v, %d of %d octets of payload", file.Name, i, p.Truncated, len(p.Payload), len(whole[i].Payload))
			}
		}
	}
}
