package pcap

import (
	"fmt"
	"io"
	"net/netip"
	"sync"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// Writer writes M3UA messages as SCTP frames (WriteM3UA) or TCP segments
// (WriteM3UATCP) to a pcap stream. It is safe for concurrent use, so every
// association of a daemon can share one trace.
type Writer struct {
	mu    sync.Mutex
	w     *pcapgo.Writer
	buf   []byte
	ipID  uint16
	flows map[flowKey]*flowState
	conns map[flowKey]*tcpConn // TCP connections by (client, server)
	// frames counts the frames written.
	frames int
}

type flowKey struct{ src, dst netip.AddrPort }

type flowState struct {
	tsn uint32
	ssn map[uint16]uint16
	tag uint32
}

// NewWriter writes the pcap file header to w and returns a Writer.
func NewWriter(w io.Writer) (*Writer, error) {
	pw := pcapgo.NewWriter(w)
	if err := pw.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		return nil, fmt.Errorf("pcap: file header: %w", err)
	}
	return &Writer{w: pw, flows: make(map[flowKey]*flowState), conns: make(map[flowKey]*tcpConn)}, nil
}

// WriteM3UA writes one M3UA message sent from src to dst on stream. Only
// IPv4 addresses are framed; others are mapped into 127.0.0.0/8 would
// mislead, so they are refused.
func (w *Writer) WriteM3UA(t time.Time, src, dst netip.AddrPort, stream uint16, msg []byte) error {
	if !src.Addr().Unmap().Is4() || !dst.Addr().Unmap().Is4() {
		return fmt.Errorf("pcap: %v -> %v: only IPv4 is framed", src, dst)
	}
	src = netip.AddrPortFrom(src.Addr().Unmap(), src.Port())
	dst = netip.AddrPortFrom(dst.Addr().Unmap(), dst.Port())
	w.mu.Lock()
	defer w.mu.Unlock()
	fs := w.flows[flowKey{src, dst}]
	if fs == nil {
		// The tag a receiver expects is the one it chose in its INIT; a
		// trace has no INIT, so derive a stable one from the receiver.
		fs = &flowState{tsn: 1, ssn: make(map[uint16]uint16), tag: tagFor(dst, src)}
		w.flows[flowKey{src, dst}] = fs
	}
	w.ipID++
	w.buf = sctpFrame(w.buf[:0], Flow{Src: src, Dst: dst, VerificationTag: fs.tag}, stream, fs.ssn[stream], fs.tsn, w.ipID, msg)
	fs.tsn++
	fs.ssn[stream]++
	ci := gopacket.CaptureInfo{Timestamp: t, CaptureLength: len(w.buf), Length: len(w.buf)}
	if err := w.w.WritePacket(ci, w.buf); err != nil {
		return fmt.Errorf("pcap: write %v -> %v: %w", src, dst, err)
	}
	w.frames++
	return nil
}

// Frames returns the number of frames written so far.
func (w *Writer) Frames() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.frames
}

func tagFor(a, b netip.AddrPort) uint32 {
	x := a.Addr().As4()
	y := b.Addr().As4()
	return (uint32(x[3])<<24 | uint32(a.Port())<<8 | uint32(y[3])) ^ uint32(b.Port())<<12 | 1
}
