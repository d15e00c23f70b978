package tcap

import (
	"bytes"
	"strconv"

	"github.com/scpd/scpd/sigtran/ber"
)

// Abstract syntaxes that name the dialogue PDUs inside the EXTERNAL of a
// dialogue portion (Q.773 §4.2.2 DialoguePDUs, UnidialoguePDUs).
var (
	DialogueAS    = ber.MakeOID(0, 0, 17, 773, 1, 1, 1)
	UniDialogueAS = ber.MakeOID(0, 0, 17, 773, 1, 2, 1)
)

// DialoguePDUType says which dialogue APDU a portion carries.
type DialoguePDUType uint8

// Dialogue APDUs, by their APPLICATION tag numbers; AUDT shares tag 0 with
// AARQ and is told apart by the abstract syntax.
const (
	AARQ DialoguePDUType = iota + 1
	AARE
	ABRT
	AUDT
)

func (t DialoguePDUType) String() string {
	switch t {
	case AARQ:
		return "AARQ"
	case AARE:
		return "AARE"
	case ABRT:
		return "ABRT"
	case AUDT:
		return "AUDT"
	}
	return "dialoguePDU(" + strconv.Itoa(int(t)) + ")"
}

// MarshalText makes JSON show the name.
func (t DialoguePDUType) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// AssociateResult is the result of an AARE.
type AssociateResult uint8

// Associate results.
const (
	Accepted        AssociateResult = 0
	RejectPermanent AssociateResult = 1
)

// DiagnosticSource says who gave the AARE diagnostic.
type DiagnosticSource uint8

// Diagnostic sources (Associate-source-diagnostic alternatives).
const (
	ServiceUser     DiagnosticSource = 1
	ServiceProvider DiagnosticSource = 2
)

// Diagnostic values; the meaning of 2 depends on the source.
const (
	DiagNull                    = 0
	DiagNoReasonGiven           = 1
	DiagACNameNotSupported      = 2 // dialogue-service-user
	DiagNoCommonDialoguePortion = 2 // dialogue-service-provider
)

// AbortSource is the abort-source of an ABRT.
type AbortSource uint8

// Abort sources.
const (
	AbortByUser     AbortSource = 0
	AbortByProvider AbortSource = 1
)

// DialoguePortion is the structured or unstructured dialogue portion of a
// message (Q.773 §4.2): an EXTERNAL naming the dialogue abstract syntax and
// holding one dialogue APDU.
type DialoguePortion struct {
	PDU DialoguePDUType `json:"pdu"`
	// ProtocolVersion is true when protocol-version {version1} is sent
	// (it is DEFAULT version1, so many stacks leave it out).
	ProtocolVersion bool `json:"protocolVersion"`
	// VersionUnsupported is true when protocol-version was sent without
	// version1, the only version: no common dialogue portion (Q.773).
	VersionUnsupported bool    `json:"versionUnsupported,omitempty"`
	ApplicationContext ber.OID `json:"applicationContextName,omitempty"`
	// AARE only.
	Result           AssociateResult  `json:"result,omitempty"`
	DiagnosticSource DiagnosticSource `json:"diagnosticSource,omitempty"`
	Diagnostic       uint8            `json:"diagnostic,omitempty"`
	// ABRT only.
	AbortSource AbortSource `json:"abortSource,omitempty"`
	// UserInformation is the content of user-information [30] (a SEQUENCE
	// OF EXTERNAL), passed through unchanged.
	UserInformation []byte `json:"userInformation,omitempty"`
}

// protocol-version BIT STRING {version1(0)}: one octet, 7 unused bits, bit 0 set.
var version1 = []byte{0x80}

func (d *DialoguePortion) append(e *ber.Encoder) {
	m := e.Begin(ber.ApplicationC(11)) // DialoguePortion ::= [APPLICATION 11] EXPLICIT EXTERNAL
	x := e.Begin(ber.TagExternal)
	if d.PDU == AUDT {
		e.OID(ber.TagOID, UniDialogueAS)
	} else {
		e.OID(ber.TagOID, DialogueAS)
	}
	single := e.Begin(ber.ContextC(0)) // single-ASN1-type
	switch d.PDU {
	case AARQ, AUDT:
		p := e.Begin(ber.ApplicationC(0))
		d.appendVersionAndAC(e)
		d.appendUserInformation(e)
		e.End(p)
	case AARE:
		p := e.Begin(ber.ApplicationC(1))
		d.appendVersionAndAC(e)
		r := e.Begin(ber.ContextC(2))
		e.Int(ber.TagInteger, int64(d.Result))
		e.End(r)
		diag := e.Begin(ber.ContextC(3))
		src := e.Begin(ber.ContextC(uint32(d.DiagnosticSource)))
		e.Int(ber.TagInteger, int64(d.Diagnostic))
		e.End(src)
		e.End(diag)
		d.appendUserInformation(e)
		e.End(p)
	case ABRT:
		p := e.Begin(ber.ApplicationC(4))
		e.Int(ber.Context(0), int64(d.AbortSource))
		d.appendUserInformation(e)
		e.End(p)
	}
	e.End(single)
	e.End(x)
	e.End(m)
}

func (d *DialoguePortion) appendVersionAndAC(e *ber.Encoder) {
	switch {
	case d.ProtocolVersion:
		e.BitString(ber.Context(0), version1, 7)
	case d.VersionUnsupported:
		e.BitString(ber.Context(0), []byte{0}, 7) // a version, not version1
	}
	ac := e.Begin(ber.ContextC(1))
	e.OID(ber.TagOID, d.ApplicationContext)
	e.End(ac)
}

func (d *DialoguePortion) appendUserInformation(e *ber.Encoder) {
	if d.UserInformation != nil {
		e.Octets(ber.ContextC(30), d.UserInformation)
	}
}

// decodeDialoguePortion reads the content of [APPLICATION 11].
func decodeDialoguePortion(v []byte, d *DialoguePortion) error {
	ext, err := ber.ParseOnly(v)
	if err != nil {
		return err
	}
	if ext.Tag != ber.TagExternal {
		return ber.ErrUnexpectedTag
	}
	r := ber.NewReader(ext.Value)
	ref, err := r.Next()
	if err != nil {
		return err
	}
	if ref.Tag != ber.TagOID {
		return ErrMissing
	}
	uni := bytes.Equal(ref.Value, UniDialogueAS)
	if !uni && !bytes.Equal(ref.Value, DialogueAS) {
		return ErrUnknownDialogue
	}
	single, err := r.Next()
	if err != nil {
		return err
	}
	if single.Tag != ber.ContextC(0) {
		return ber.ErrUnexpectedTag
	}
	pdu, err := ber.ParseOnly(single.Value)
	if err != nil {
		return err
	}
	switch {
	case pdu.Tag == ber.ApplicationC(0) && uni:
		d.PDU = AUDT
	case pdu.Tag == ber.ApplicationC(0):
		d.PDU = AARQ
	case pdu.Tag == ber.ApplicationC(1) && !uni:
		d.PDU = AARE
	case pdu.Tag == ber.ApplicationC(4) && !uni:
		d.PDU = ABRT
	default:
		return ErrUnknownDialogue
	}
	pr := ber.NewReader(pdu.Value)
	var haveAC, haveResult, haveDiag, haveSource bool
	for pr.More() {
		el, err := pr.Next()
		if err != nil {
			return err
		}
		switch el.Tag {
		case ber.Context(0):
			if d.PDU == ABRT {
				v, err := ber.ParseInt(el.Value)
				if err != nil {
					return err
				}
				d.AbortSource, haveSource = AbortSource(v), true
				continue
			}
			bits, _, err := ber.ParseBitString(el.Value)
			if err != nil {
				return err
			}
			d.ProtocolVersion = len(bits) > 0 && bits[0]&0x80 != 0
			d.VersionUnsupported = !d.ProtocolVersion
		case ber.ContextC(1):
			oid, err := ber.ParseOnly(el.Value)
			if err != nil {
				return err
			}
			if oid.Tag != ber.TagOID {
				return ber.ErrUnexpectedTag
			}
			if d.ApplicationContext, err = ber.ParseOID(oid.Value); err != nil {
				return err
			}
			haveAC = true
		case ber.ContextC(2):
			v, err := explicitInt(el.Value)
			if err != nil {
				return err
			}
			d.Result, haveResult = AssociateResult(v), true
		case ber.ContextC(3):
			src, err := ber.ParseOnly(el.Value)
			if err != nil {
				return err
			}
			if src.Tag != ber.ContextC(1) && src.Tag != ber.ContextC(2) {
				return ber.ErrUnexpectedTag
			}
			v, err := explicitInt(src.Value)
			if err != nil {
				return err
			}
			d.DiagnosticSource, d.Diagnostic, haveDiag = DiagnosticSource(src.Tag.Number), uint8(v), true
		case ber.ContextC(30):
			d.UserInformation = el.Value
		default:
			return ber.ErrUnexpectedTag
		}
	}
	switch {
	case d.PDU == ABRT && !haveSource,
		d.PDU != ABRT && !haveAC,
		d.PDU == AARE && (!haveResult || !haveDiag):
		return ErrMissing
	}
	return nil
}

// userDefinedExternal reports whether v (the content of [APPLICATION 11])
// is one EXTERNAL whose direct-reference is not the (uni)dialogue abstract
// syntax of Q.773 §4.2, i.e. user data in an abstract syntax of its own.
func userDefinedExternal(v []byte) bool {
	ext, err := ber.ParseOnly(v)
	if err != nil || ext.Tag != ber.TagExternal {
		return false
	}
	r := ber.NewReader(ext.Value)
	ref, err := r.Next()
	if err != nil {
		return false
	}
	return ref.Tag != ber.TagOID || !bytes.Equal(ref.Value, DialogueAS) && !bytes.Equal(ref.Value, UniDialogueAS)
}

// explicitInt reads an INTEGER inside an EXPLICIT tag.
func explicitInt(v []byte) (int64, error) {
	t, err := ber.ParseOnly(v)
	if err != nil {
		return 0, err
	}
	if t.Tag != ber.TagInteger {
		return 0, ber.ErrUnexpectedTag
	}
	x, err := ber.ParseInt(t.Value)
	if err != nil {
		return 0, err
	}
	if x < 0 || x > 255 {
		return 0, ber.ErrIntegerLength
	}
	return x, nil
}
