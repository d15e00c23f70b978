package camel

import "github.com/scpd/scpd/sigtran/ber"

// Criticality says what a receiver that does not know an extension does
// with it (CS1 CriticalityType).
type Criticality uint8

// Criticality values.
const (
	CriticalityIgnore Criticality = 0
	CriticalityAbort  Criticality = 1
)

// ExtensionField is one element of Extensions (CAP-datatypes): an
// operator-specific value identified by a local or global code. scpd knows
// no extension, so the value is kept as its raw BER.
type ExtensionField struct {
	// Type is the local code, used when Global is empty.
	Type        int64       `json:"type"`
	Global      ber.OID     `json:"global,omitempty"`
	Criticality Criticality `json:"criticality,omitempty"`
	Value       []byte      `json:"value"` // the BER inside [1], as received
}

// Extensions is SEQUENCE SIZE (1..numOfExtensions) OF ExtensionField.
type Extensions []ExtensionField

const maxExtensions = 10 // numOfExtensions in cAPSpecificBoundSet

func (x Extensions) encode(e *ber.Encoder, t ber.Tag) {
	m := e.Begin(t)
	for _, f := range x {
		fm := e.Begin(ber.TagSequence)
		if len(f.Global) > 0 {
			e.OID(ber.TagOID, f.Global)
		} else {
			e.Int(ber.TagInteger, f.Type)
		}
		if f.Criticality != CriticalityIgnore { // DEFAULT ignore
			e.Int(ber.TagEnumerated, int64(f.Criticality))
		}
		vm := e.Begin(ber.ContextC(1))
		e.Raw(f.Value)
		e.End(vm)
		e.End(fm)
	}
	e.End(m)
}

func (x *Extensions) decode(v []byte) error {
	r := ber.NewReader(v)
	var out Extensions
	for r.More() {
		if len(out) == maxExtensions {
			return ErrSize
		}
		el, err := r.Next()
		if err != nil {
			return err
		}
		if el.Tag != ber.TagSequence {
			return ber.ErrUnexpectedTag
		}
		var f ExtensionField
		var haveType, haveValue bool
		var seen members
		fr := ber.NewReader(el.Value)
		for fr.More() {
			m, err := fr.Next()
			if err != nil {
				return err
			}
			switch m.Tag {
			case ber.TagInteger, ber.TagOID:
				// type is one member, a CHOICE of local INTEGER or global
				// OBJECT IDENTIFIER (CAP-classes Code): a second one, of
				// either alternative, is that member twice (X.690 8.9.2).
				if haveType {
					return &DecodeError{Field: "type", Err: ErrDuplicate}
				}
				if m.Tag == ber.TagInteger {
					f.Type, err = ber.ParseInt(m.Value)
				} else {
					f.Global, err = ber.ParseOID(m.Value)
				}
				if err != nil {
					return err
				}
				haveType = true
			case ber.TagEnumerated:
				if err := seen.once(m.Tag, "criticality"); err != nil {
					return err
				}
				c, err := intIn(m.Value, 0, 1)
				if err != nil {
					return err
				}
				f.Criticality = Criticality(c)
			case ber.ContextC(1):
				if err := seen.once(m.Tag, "value"); err != nil {
					return err
				}
				f.Value, haveValue = m.Value, true
			}
		}
		// type and value [1] are mandatory (CAP-datatypes ExtensionField).
		if !haveType || !haveValue {
			return ErrMissing
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		return ErrSize
	}
	*x = out
	return nil
}
