package camel

import "github.com/scpd/scpd/sigtran/ber"

// ReleaseCallArg is the argument of ReleaseCall (opcode 22), gsmSCF →
// gsmSSF: release every party of the call with a cause.
//
//	ReleaseCallArg ::= CHOICE {
//		allCallSegments              AllCallSegments,  -- ::= Cause, untagged OCTET STRING
//		allCallSegmentsWithExtension [2] AllCallSegmentsWithExtension }
//
// With no Extensions the plain Cause alternative is sent, as phase 2 only
// knows that one.
type ReleaseCallArg struct {
	Cause      Cause      `json:"allCallSegments"`
	Extensions Extensions `json:"extensions,omitempty"`
}

// Opcode returns OpReleaseCall.
func (a *ReleaseCallArg) Opcode() Opcode { return OpReleaseCall }

// Encode writes the argument.
func (a *ReleaseCallArg) Encode(e *ber.Encoder, ph Phase) error {
	// AllCallSegments ::= Cause, OCTET STRING (SIZE (2..32)) (CAP-classes
	// cAPSpecificBoundSet), as decodeCause checks on the way in.
	if len(a.Extensions) > 0 && ph == Phase2 {
		// Phase 2's ReleaseCallArg is the Cause alone: extensions would
		// be lost without a word, as no other encoder here lets happen.
		return &DecodeError{Field: "ReleaseCallArg.extensions", Err: ErrPhase}
	}
	if len(a.Extensions) == 0 {
		return fieldErrorOrNil("ReleaseCallArg.allCallSegments", encodeNumber(e, ber.TagOctetString, a.Cause, minCause, maxCause))
	}
	m := e.Begin(ber.ContextC(2))
	if err := encodeNumber(e, ber.Context(0), a.Cause, minCause, maxCause); err != nil {
		return fieldError("ReleaseCallArg.allCallSegmentsWithExtension.allCallSegments", err)
	}
	if err := encodeExtensions(e, ber.ContextC(1), a.Extensions); err != nil {
		return fieldError("ReleaseCallArg.allCallSegmentsWithExtension.extensions", err)
	}
	e.End(m)
	return nil
}

// Decode reads either alternative.
func (a *ReleaseCallArg) Decode(param []byte, ph Phase) error {
	const typ = "ReleaseCallArg"
	tlv, err := ber.ParseOnly(param)
	if err != nil {
		return &DecodeError{Field: typ, Err: err}
	}
	*a = ReleaseCallArg{}
	switch tlv.Tag {
	case ber.TagOctetString:
		if err := decodeCause(&a.Cause, tlv.Value); err != nil {
			return fieldError(typ+".allCallSegments", err)
		}
		return nil
	case ber.ContextC(2):
		const seq = typ + ".allCallSegmentsWithExtension"
		r := ber.NewReader(tlv.Value)
		var seen members
		haveCause := false
		for r.More() {
			m, err := r.Next()
			if err != nil {
				return fieldError(seq, err)
			}
			switch m.Tag {
			case ber.Context(0):
				if err := seen.once(m.Tag, "allCallSegments"); err != nil {
					return fieldError(seq, err)
				}
				if err := decodeCause(&a.Cause, m.Value); err != nil {
					return fieldError(seq+".allCallSegments", err)
				}
				haveCause = true
			case ber.ContextC(1):
				if err := seen.once(m.Tag, "extensions"); err != nil {
					return fieldError(seq, err)
				}
				if err := a.Extensions.decode(m.Value); err != nil {
					return fieldError(seq+".extensions", err)
				}
			default:
				// The SEQUENCE has no extension marker (ops-args
				// AllCallSegmentsWithExtension): any other tag is an error.
				return &DecodeError{Field: seq, Err: ErrUnknownTag}
			}
		}
		if !haveCause {
			return fieldError(typ+".allCallSegmentsWithExtension.allCallSegments", ErrMissing)
		}
		return nil
	}
	return &DecodeError{Field: typ, Err: ber.ErrUnexpectedTag}
}

// decodeCause checks the Cause bound (2..32 octets, CAP-classes) and decodes it.
func decodeCause(c *Cause, v []byte) error {
	if err := sizeIn(v, 2, 32); err != nil {
		return err
	}
	return c.UnmarshalBinary(v)
}

func fieldErrorOrNil(field string, err error) error {
	if err == nil {
		return nil
	}
	return fieldError(field, err)
}
