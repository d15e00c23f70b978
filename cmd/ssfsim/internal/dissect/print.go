package dissect

import (
	"encoding"
	"encoding/hex"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
)

// Print writes results as indented text: one block per message, each
// layer on its own line, every CAP argument field under its ASN.1 name.
func Print(w io.Writer, results []Result) error {
	p := &printer{w: w}
	for i := range results {
		p.result(&results[i])
	}
	return p.err
}

type printer struct {
	w   io.Writer
	err error
}

func (p *printer) line(indent int, format string, args ...any) {
	if p.err != nil {
		return
	}
	_, p.err = fmt.Fprintf(p.w, "%s%s\n", strings.Repeat("  ", indent), fmt.Sprintf(format, args...))
}

func (p *printer) result(r *Result) {
	var head []string
	if r.Frame != 0 {
		head = append(head, "frame "+strconv.Itoa(r.Frame))
	}
	if r.Time != nil {
		head = append(head, r.Time.UTC().Format("15:04:05.000000"))
	}
	if r.Src != "" {
		head = append(head, r.Src+" -> "+r.Dst)
	}
	if r.Transport != "" {
		t := r.Transport
		if r.Stream != nil {
			t += " stream " + strconv.Itoa(int(*r.Stream))
		}
		if r.PPID != nil {
			t += " ppid " + strconv.Itoa(int(*r.PPID))
		}
		if r.ChecksumOK != nil {
			if *r.ChecksumOK {
				t += " checksum ok"
			} else {
				t += " CHECKSUM BAD"
			}
		}
		head = append(head, t)
	}
	if len(head) > 0 {
		p.line(0, "%s", strings.Join(head, "  "))
	}
	if t := r.Truncated; t != nil {
		p.line(1, "truncated: %d of %d octets captured", t.Captured, t.Length)
	}
	if m := r.M3UA; m != nil {
		if d := m.Data; d != nil {
			s := fmt.Sprintf("M3UA  DATA opc=%d dpc=%d si=%d ni=%d mp=%d sls=%d", d.OPC, d.DPC, d.SI, d.NI, d.MP, d.SLS)
			if d.HasRoutingContext {
				s += fmt.Sprintf(" rc=%d", d.RoutingContext)
			}
			if d.HasNetworkAppearance {
				s += fmt.Sprintf(" na=%d", d.NetworkAppearance)
			}
			p.line(1, "%s", s)
		} else {
			p.line(1, "M3UA  %s", m.Message)
		}
	}
	if s := r.SCCP; s != nil {
		opts := ""
		switch {
		case s.ReturnCause != 0 || s.Type.String() == "UDTS" || s.Type.String() == "XUDTS":
			opts = " return cause: " + s.ReturnCause.String()
		default:
			opts = " class " + strconv.Itoa(int(s.ProtocolClass))
			if s.ReturnOnError {
				opts += " return-on-error"
			}
		}
		p.line(1, "SCCP  %s%s", s.Type, opts)
		p.line(2, "called:  %s", s.Called)
		p.line(2, "calling: %s", s.Calling)
	}
	if t := r.TCAP; t != nil {
		ids := ""
		if t.OTID != "" {
			ids += " otid=" + t.OTID
		}
		if t.DTID != "" {
			ids += " dtid=" + t.DTID
		}
		p.line(1, "TCAP  %s%s", t.Type, ids)
		if t.PAbort != "" {
			p.line(2, "p-abortCause: %s", t.PAbort)
		}
		if d := t.Dialogue; d != nil {
			s := d.PDU.String()
			if d.ApplicationContext != nil {
				s += " application-context-name=" + d.ApplicationContext.String()
			}
			if d.PDU.String() == "AARE" {
				s += fmt.Sprintf(" result=%d diagnostic=%d/%d", d.Result, d.DiagnosticSource, d.Diagnostic)
			}
			if d.PDU.String() == "ABRT" {
				s += fmt.Sprintf(" abort-source=%d", d.AbortSource)
			}
			p.line(2, "dialogue %s", s)
		}
		if t.Phase != 0 {
			note := ""
			if t.PhaseNote != "" {
				note = " (" + t.PhaseNote + ")"
			}
			p.line(2, "%s%s", t.Phase, note)
		}
		for _, c := range t.Components {
			p.component(&c)
		}
	}
	for _, e := range r.Errors {
		p.line(1, "ERROR %s", e)
	}
}

func (p *printer) component(c *Component) {
	s := c.Type.String()
	if c.InvokeID != nil {
		s += " invokeId=" + strconv.Itoa(int(*c.InvokeID))
	}
	if c.LinkedID != nil {
		s += " linkedId=" + strconv.Itoa(int(*c.LinkedID))
	}
	if c.Operation != "" {
		s += " " + c.Operation
	}
	if c.Error != "" {
		s += " error=" + c.Error
	}
	if c.Problem != "" {
		s += " problem=" + c.Problem
	}
	p.line(2, "%s", s)
	if c.Argument != nil {
		v := reflect.ValueOf(c.Argument)
		p.line(3, "%s", reflect.Indirect(v).Type().Name())
		p.value(4, v)
	}
	if c.Parameter != "" {
		p.line(3, "parameter: %s", c.Parameter)
	}
}

var textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()

// value prints a struct's fields as "name: value" under their JSON (ASN.1)
// names, skipping empty optional ones, recursing into nested values.
func (p *printer) value(indent int, v reflect.Value) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		p.line(indent, "%s", scalar(v))
		return
	}
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		fv := v.Field(i)
		if f.Anonymous && name == "" {
			p.value(indent, fv) // embedded: its fields belong to this level
			continue
		}
		if name == "" {
			name = f.Name
		}
		if (strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero")) && isEmpty(fv) {
			continue
		}
		p.field(indent, name, fv)
	}
}

func (p *printer) field(indent int, name string, v reflect.Value) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			p.line(indent, "%s: (absent)", name)
			return
		}
		if v.Type().Implements(textMarshaler) {
			break
		}
		v = v.Elem()
	}
	switch {
	case isLeaf(v):
		p.line(indent, "%s: %s", name, scalar(v))
	case v.Kind() == reflect.Slice || v.Kind() == reflect.Array:
		p.line(indent, "%s: (%d)", name, v.Len())
		for i := 0; i < v.Len(); i++ {
			e := v.Index(i)
			if isLeaf(e) {
				p.line(indent+1, "- %s", scalar(e))
				continue
			}
			p.line(indent+1, "- [%d]", i)
			p.value(indent+2, e)
		}
	default:
		p.line(indent, "%s:", name)
		p.value(indent+1, v)
	}
}

func isLeaf(v reflect.Value) bool {
	if v.Type().Implements(textMarshaler) || (v.CanAddr() && v.Addr().Type().Implements(textMarshaler)) {
		return true
	}
	switch v.Kind() {
	case reflect.Struct, reflect.Map:
		return false
	case reflect.Slice, reflect.Array:
		return v.Type().Elem().Kind() == reflect.Uint8 // octets print as hex
	}
	return true
}

func scalar(v reflect.Value) string {
	if v.Type().Implements(textMarshaler) {
		if b, err := v.Interface().(encoding.TextMarshaler).MarshalText(); err == nil {
			return string(b)
		}
	}
	if v.CanAddr() && v.Addr().Type().Implements(textMarshaler) {
		if b, err := v.Addr().Interface().(encoding.TextMarshaler).MarshalText(); err == nil {
			return string(b)
		}
	}
	switch v.Kind() {
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			b := make([]byte, v.Len())
			reflect.Copy(reflect.ValueOf(b), v)
			return hex.EncodeToString(b)
		}
	case reflect.String:
		return strconv.Quote(v.String())
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	}
	return fmt.Sprint(v.Interface())
}

func isEmpty(v reflect.Value) bool {
	if v.Kind() == reflect.Slice || v.Kind() == reflect.Map {
		return v.Len() == 0
	}
	return v.IsZero()
}
