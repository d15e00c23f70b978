// Package dissect turns captured or pasted bytes into the layers a lab
// engineer reads: SCTP or TCP framing, M3UA, SCCP, TCAP and the CAP
// operation with every argument field under its ASN.1 name — the
// simulator's `decode` command and the input side of `replay`.
package dissect

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"slices"
	"time"

	"github.com/wmnsk/go-m3ua/messages"

	"github.com/scpd/scpd/camel"
	"github.com/scpd/scpd/sigtran/ber"
	"github.com/scpd/scpd/sigtran/m3ua"
	"github.com/scpd/scpd/sigtran/pcap"
	"github.com/scpd/scpd/sigtran/sccp"
	"github.com/scpd/scpd/sigtran/tcap"
)

// Layer names a protocol layer where decoding of pasted bytes starts.
type Layer string

// Layers of a SIGTRAN stack, outermost first.
const (
	Auto      Layer = "auto"
	LayerSCTP Layer = "sctp"
	LayerM3UA Layer = "m3ua"
	LayerSCCP Layer = "sccp"
	LayerTCAP Layer = "tcap"
)

// Result is one decoded message. Layers absent from the input are nil.
type Result struct {
	Frame      int        `json:"frame,omitempty"`
	Time       *time.Time `json:"time,omitempty"`
	Transport  string     `json:"transport,omitempty"`
	Src        string     `json:"src,omitempty"`
	Dst        string     `json:"dst,omitempty"`
	Stream     *uint16    `json:"stream,omitempty"`
	PPID       *uint32    `json:"ppid,omitempty"`
	ChecksumOK *bool      `json:"checksumOk,omitempty"`
	// Truncated is set for a frame cut by the capture's snap length; its
	// SCTP checksum is not checked and its message decoded only as far
	// as it was captured.
	Truncated *Truncation `json:"truncated,omitempty"`
	M3UA      *M3UA       `json:"m3ua,omitempty"`
	SCCP      *SCCP       `json:"sccp,omitempty"`
	TCAP      *TCAP       `json:"tcap,omitempty"`
	// Errors name the layer and field that could not be decoded.
	Errors []string `json:"errors,omitempty"`
}

// Truncation is how much of a frame the capture kept (tshark: "Packet
// size limited during capture").
type Truncation struct {
	Captured int `json:"captured"`
	Length   int `json:"length"`
}

// M3UA is the M3UA layer: the message class and type, and for DATA the
// routing label.
type M3UA struct {
	Message string     `json:"message"`
	Data    *m3ua.Data `json:"data,omitempty"`
}

// SCCP is the SCCP layer with its payload shown by the next layer.
type SCCP struct {
	sccp.Message
	Data []byte `json:"-"`
}

// TCAP is the TCAP layer and the CAP operations in its components.
type TCAP struct {
	Type       tcap.MessageType      `json:"type"`
	OTID       string                `json:"otid,omitempty"`
	DTID       string                `json:"dtid,omitempty"`
	Dialogue   *tcap.DialoguePortion `json:"dialoguePortion,omitempty"`
	PAbort     string                `json:"pAbortCause,omitempty"`
	Phase      camel.Phase           `json:"capPhase,omitempty"`
	PhaseNote  string                `json:"capPhaseNote,omitempty"`
	Components []Component           `json:"components,omitempty"`
}

// Component is a TCAP component with its CAP meaning.
type Component struct {
	Type      tcap.ComponentType `json:"type"`
	InvokeID  *int8              `json:"invokeId,omitempty"`
	LinkedID  *int8              `json:"linkedId,omitempty"`
	Operation string             `json:"operation,omitempty"`
	Error     string             `json:"error,omitempty"`
	Problem   string             `json:"problem,omitempty"`
	// Argument is the typed CAP argument of an Invoke, printed field by
	// field; Parameter is the raw parameter when it has no typed form.
	Argument  camel.Argument `json:"argument,omitempty"`
	Parameter string         `json:"parameter,omitempty"`
}

// Decoder decodes messages one after the other, remembering the CAP phase
// each transaction negotiated, as Wireshark does, so that Continue and End
// messages without a dialogue portion decode in the right phase.
type Decoder struct {
	// DefaultPhase is used for a transaction whose Begin was not seen.
	DefaultPhase camel.Phase
	phases       map[string]camel.Phase
}

// NewDecoder returns a Decoder that assumes def for unknown transactions.
func NewDecoder(def camel.Phase) *Decoder {
	return &Decoder{DefaultPhase: def, phases: make(map[string]camel.Phase)}
}

// ErrCutShort wraps the error of a capture that ends inside a frame (a
// tcpdump killed while writing): Capture decodes the frames before it and
// returns them with this error, which callers report as a warning.
var ErrCutShort = errors.New("capture cut short; the frames before are decoded")

// ErrNoM3UA is the error of a capture in which no frame carried M3UA
// (nor, in a capture without IP, SCCP or TCAP): a capture of other
// traffic, or of the wrong interface.
var ErrNoM3UA = errors.New("none carried M3UA")

// Capture decodes every M3UA message in a pcap or pcapng capture.
func (d *Decoder) Capture(r io.Reader) ([]Result, error) {
	pkts, frames, err := pcap.ReadFrames(r)
	var cut error
	if err != nil {
		if !errors.Is(err, io.ErrUnexpectedEOF) || len(pkts) == 0 {
			return nil, err
		}
		cut = fmt.Errorf("%w: %v", ErrCutShort, err)
	}
	if err == nil && !slices.ContainsFunc(pkts, func(p pcap.Packet) bool { return p.Transport != pcap.SCTP || p.PPID == pcap.PPIDM3UA }) {
		return nil, fmt.Errorf("%d frames read, %w (SCTP with PPID 3, or TCP framed as M3UA): capture the SIGTRAN link", frames, ErrNoM3UA)
	}
	out := make([]Result, 0, len(pkts))
	for _, p := range pkts {
		res := Result{Frame: p.Frame, Transport: string(p.Transport)}
		t := p.Time
		res.Time = &t
		if p.CaptureLength < p.Length {
			res.Truncated = &Truncation{Captured: p.CaptureLength, Length: p.Length}
		}
		if p.Transport == pcap.Bare {
			d.bare(&res, p)
			out = append(out, res)
			continue
		}
		res.Src, res.Dst = p.Src.String(), p.Dst.String()
		if p.Transport == pcap.SCTP {
			s, ppid := p.Stream, p.PPID
			res.Stream, res.PPID = &s, &ppid
			if res.Truncated == nil {
				ok := p.ChecksumOK
				res.ChecksumOK = &ok
			}
			if ppid != pcap.PPIDM3UA {
				res.Errors = append(res.Errors, fmt.Sprintf("sctp: payload protocol %d is not M3UA (3)", ppid))
				out = append(out, res)
				continue
			}
		}
		if p.Truncated {
			d.cutM3UA(&res, p.Payload)
		} else {
			d.m3ua(&res, p.Payload)
		}
		out = append(out, res)
	}
	return out, cut
}

// cutM3UA decodes an M3UA message the snap length cut short as far as it
// was captured. What fails past the cut is the capture's doing, not the
// message's, and is not reported as an error.
func (d *Decoder) cutM3UA(res *Result, b []byte) {
	n := len(res.Errors)
	d.m3ua(res, fitM3UA(b))
	res.Errors = res.Errors[:n]
	if res.M3UA == nil && len(b) >= 4 {
		res.M3UA = &M3UA{Message: fmt.Sprintf("class %d type %d (not captured in full)", b[2], b[3])}
	}
}

// fitM3UA returns a copy of a cut M3UA message with the lengths of its
// header and of its last parameter made to end where the bytes end, so
// that the parameters captured (the routing label of a DATA) decode.
func fitM3UA(b []byte) []byte {
	if len(b) < m3ua.HeaderLen {
		return b
	}
	b = append([]byte(nil), b...)
	end := m3ua.HeaderLen
	for p := b[end:]; len(p) >= 4; {
		n := int(binary.BigEndian.Uint16(p[2:4]))
		if n < 4 {
			break
		}
		if n > len(p) {
			binary.BigEndian.PutUint16(p[2:4], uint16(len(p)))
			end += len(p)
			break
		}
		n = min(n+(4-n%4)%4, len(p))
		end += n
		p = p[n:]
	}
	b = b[:end]
	binary.BigEndian.PutUint32(b[4:8], uint32(end))
	return b
}

// bare decodes a frame of a capture without IP: SCCP for DLT_SCCP; for
// DLT_USERn, whichever of M3UA, SCCP or TCAP the bytes are.
func (d *Decoder) bare(res *Result, p pcap.Packet) {
	if p.Truncated {
		// The frame's end was not captured: only the layers that fit are shown.
		defer func(n int) { res.Errors = res.Errors[:n] }(len(res.Errors))
	}
	layer := LayerSCCP
	if p.LinkType != pcap.LinkTypeSCCP {
		layer = Guess(p.Payload)
	}
	switch layer {
	case LayerM3UA:
		d.m3ua(res, p.Payload)
	case LayerSCCP:
		d.sccp(res, p.Payload)
	case LayerTCAP:
		d.tcap(res, p.Payload)
	default:
		res.Errors = append(res.Errors, fmt.Sprintf("link type %d: the frame is not M3UA, SCCP or TCAP", p.LinkType))
	}
}

// Bytes decodes pasted bytes starting at layer (Auto guesses it). Bytes
// that do not decode at that layer give a Result with only Errors; the
// error is for a layer that cannot be named or guessed.
func (d *Decoder) Bytes(b []byte, layer Layer) ([]Result, error) {
	if layer == Auto {
		layer = Guess(b)
		if layer == Auto {
			return nil, errors.New("cannot tell the layer of these bytes (not SCTP, M3UA, SCCP or TCAP); name it with --layer")
		}
	}
	var res Result
	switch layer {
	case LayerSCTP:
		chunks, ok, err := sctpData(b)
		if err != nil {
			return []Result{{Transport: "sctp", Errors: []string{err.Error()}}}, nil
		}
		var out []Result
		for _, c := range chunks {
			r := Result{Transport: "sctp", ChecksumOK: &ok}
			s, ppid := c.stream, c.ppid
			r.Stream, r.PPID = &s, &ppid
			d.m3ua(&r, c.payload)
			out = append(out, r)
		}
		return out, nil
	case LayerM3UA:
		d.m3ua(&res, b)
	case LayerSCCP:
		d.sccp(&res, b)
	case LayerTCAP:
		d.tcap(&res, b)
	default:
		return nil, fmt.Errorf("unknown layer %q: use auto, sctp, m3ua, sccp or tcap", layer)
	}
	return []Result{res}, nil
}

// Guess tells the outermost layer of b from its first octets.
func Guess(b []byte) Layer {
	switch {
	case len(b) >= 8 && b[0] == 1 && b[1] == 0 && int(binary.BigEndian.Uint32(b[4:8])) == len(b):
		return LayerM3UA
	case len(b) >= 2 && (b[0] == 0x61 || b[0] == 0x62 || b[0] == 0x64 || b[0] == 0x65 || b[0] == 0x67):
		if _, err := ber.ParseOnly(b); err == nil {
			return LayerTCAP
		}
	}
	if len(b) >= 5 && (b[0] == 0x09 || b[0] == 0x0a || b[0] == 0x11 || b[0] == 0x12) {
		var m sccp.Message
		if m.Decode(b) == nil {
			return LayerSCCP
		}
	}
	if _, _, err := sctpData(b); err == nil {
		return LayerSCTP
	}
	return Auto
}

func (d *Decoder) m3ua(res *Result, b []byte) {
	if !m3ua.IsData(b) {
		m, err := m3ua.Decode(b)
		if err != nil {
			res.Errors = append(res.Errors, err.Error())
			return
		}
		res.M3UA = &M3UA{Message: m.MessageClassName() + " " + m.MessageTypeName()}
		if g, ok := m.(*messages.Generic); ok {
			res.M3UA.Message = fmt.Sprintf("class %d type %d (unknown)", g.Header.Class, g.Header.Type)
		}
		return
	}
	data, err := m3ua.DecodeData(b)
	if err != nil {
		res.Errors = append(res.Errors, err.Error())
		return
	}
	res.M3UA = &M3UA{Message: "Transfer DATA", Data: &data}
	if data.SI != m3ua.SISCCP {
		res.Errors = append(res.Errors, fmt.Sprintf("m3ua: DATA.si: service indicator %d is not SCCP (3)", data.SI))
		return
	}
	d.sccp(res, data.Payload)
}

func (d *Decoder) sccp(res *Result, b []byte) {
	var m sccp.Message
	if err := m.Decode(b); err != nil {
		res.Errors = append(res.Errors, err.Error())
		return
	}
	res.SCCP = &SCCP{Message: m, Data: m.Data}
	res.SCCP.Message.Data = nil
	d.tcap(res, m.Data)
}

func (d *Decoder) tcap(res *Result, b []byte) {
	var m tcap.Message
	err := m.Decode(b)
	var ce *tcap.ComponentError
	if err != nil && !errors.As(err, &ce) {
		res.Errors = append(res.Errors, err.Error())
		return
	}
	if ce != nil {
		res.Errors = append(res.Errors, ce.Error())
	}
	t := &TCAP{Type: m.Type, Dialogue: m.Dialogue}
	if m.OTID.Valid() {
		t.OTID = m.OTID.String()
	}
	if m.DTID.Valid() {
		t.DTID = m.DTID.String()
	}
	if m.HasPAbortCause {
		t.PAbort = m.PAbortCause.String()
	}
	t.Phase = d.phaseOf(&m, t)
	for _, c := range m.Components {
		t.Components = append(t.Components, d.component(c, t.Phase, res))
	}
	res.TCAP = t
}

// phaseOf finds the CAP phase from the dialogue portion, or from the Begin
// of the same transaction seen earlier.
func (d *Decoder) phaseOf(m *tcap.Message, t *TCAP) camel.Phase {
	if m.Dialogue != nil && m.Dialogue.ApplicationContext != nil {
		if ph, ok := camel.PhaseOf(m.Dialogue.ApplicationContext); ok {
			for _, id := range []tcap.TransactionID{m.OTID, m.DTID} {
				if id.Valid() {
					d.phases[id.String()] = ph
				}
			}
			return ph
		}
		t.PhaseNote = "application context " + m.Dialogue.ApplicationContext.String() + " is not a CAP phase 2-4 gsmSSF-scfGeneric AC"
	}
	for _, id := range []tcap.TransactionID{m.DTID, m.OTID} {
		if ph, ok := d.phases[id.String()]; ok && id.Valid() {
			if m.OTID.Valid() {
				d.phases[m.OTID.String()] = ph
			}
			return ph
		}
	}
	if t.PhaseNote == "" {
		t.PhaseNote = "phase assumed (no dialogue portion and no Begin seen); set it with --phase"
	}
	return d.DefaultPhase
}

func (d *Decoder) component(c tcap.Component, ph camel.Phase, res *Result) Component {
	out := Component{Type: c.Type}
	if c.HasInvokeID {
		id := c.InvokeID
		out.InvokeID = &id
	}
	if c.HasLinkedID {
		id := c.LinkedID
		out.LinkedID = &id
	}
	switch c.Type {
	case tcap.Invoke:
		op := camel.Opcode(c.Opcode.Local)
		out.Operation = op.String()
		if c.Opcode.IsGlobal() {
			out.Operation = "global " + c.Opcode.Global.String()
			break
		}
		arg, err := camel.DecodeArgument(op, ph, c.Parameter)
		switch {
		case err != nil:
			res.Errors = append(res.Errors, err.Error())
			out.Parameter = hex.EncodeToString(c.Parameter)
		case arg != nil:
			out.Argument = arg
		}
	case tcap.ReturnResultLast, tcap.ReturnResultNotLast:
		if c.Parameter != nil {
			out.Operation = camel.Opcode(c.Opcode.Local).String()
			out.Parameter = hex.EncodeToString(c.Parameter)
		}
	case tcap.ReturnError:
		out.Error = camel.ErrorCode(c.ErrorCode.Local).String()
		if len(c.Parameter) > 0 {
			out.Parameter = hex.EncodeToString(c.Parameter)
		}
	case tcap.Reject:
		out.Problem = c.Problem.String()
	}
	return out
}

type sctpChunk struct {
	stream  uint16
	ppid    uint32
	payload []byte
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// sctpData reads the DATA chunks of an SCTP packet (common header
// first) and checks its CRC32c.
func sctpData(b []byte) ([]sctpChunk, bool, error) {
	if len(b) < 12+4 {
		return nil, false, errors.New("sctp: shorter than a common header and a chunk")
	}
	sum := binary.LittleEndian.Uint32(b[8:12])
	tmp := append([]byte(nil), b...)
	tmp[8], tmp[9], tmp[10], tmp[11] = 0, 0, 0, 0
	ok := crc32.Checksum(tmp, castagnoli) == sum
	var out []sctpChunk
	for c := b[12:]; len(c) > 0; {
		if len(c) < 4 {
			return nil, ok, errors.New("sctp: truncated chunk header")
		}
		n := int(binary.BigEndian.Uint16(c[2:4]))
		if n < 4 || n > len(c) {
			return nil, ok, fmt.Errorf("sctp: chunk length %d beyond the packet", n)
		}
		if c[0] == 0 { // DATA
			if n < 16 {
				return nil, ok, errors.New("sctp: DATA chunk shorter than its header")
			}
			out = append(out, sctpChunk{stream: binary.BigEndian.Uint16(c[8:10]), ppid: binary.BigEndian.Uint32(c[12:16]), payload: c[16:n]})
		}
		pad := (4 - n%4) % 4
		if n+pad > len(c) {
			pad = len(c) - n
		}
		c = c[n+pad:]
	}
	if len(out) == 0 {
		return nil, ok, errors.New("sctp: no DATA chunk")
	}
	return out, ok, nil
}
