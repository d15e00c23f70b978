package camel

import (
	"strconv"

	"github.com/scpd/scpd/sigtran/ber"
)

// FurnishChargingInformationArg is the argument of
// FurnishChargingInformation (opcode 34), gsmSCF → gsmSSF: put operator
// data in the MSC's call record (TS 29.078 §6.1.1).
//
// On the wire it is FCIBillingChargingCharacteristics, an OCTET STRING
// (SIZE (5..225)) holding the BER of
//
//	CAMEL-FCIBillingChargingCharacteristics ::= CHOICE {
//		fCIBCCCAMELsequence1 [0] SEQUENCE {
//			freeFormatData       [0] OCTET STRING (SIZE (1..160)),
//			partyToCharge        [1] SendingSideID DEFAULT sendingSideID: leg1,
//			appendFreeFormatData [2] AppendFreeFormatData DEFAULT overwrite,
//			... } }
//
// appendFreeFormatData came with phase 3; in phase 2 Append fails to
// encode with ErrNotInPhase (a phase 2 gsmSSF would ignore it and
// overwrite), and a received [2] is skipped as an unknown member.
type FurnishChargingInformationArg struct {
	FCIBCCCAMELSequence1 FCIBCCCAMELSequence1 `json:"fCIBCCCAMELsequence1"`
}

// FCIBCCCAMELSequence1 is the only alternative of
// CAMEL-FCIBillingChargingCharacteristics. FreeFormatData aliases the
// decoded parameter.
type FCIBCCCAMELSequence1 struct {
	FreeFormatData Octets `json:"freeFormatData"`
	// PartyToCharge is the SendingSideID, DEFAULT leg1: a missing one
	// decodes as Leg1, and Leg1 (or 0) is not encoded.
	PartyToCharge        LegType              `json:"partyToCharge"`
	AppendFreeFormatData AppendFreeFormatData `json:"appendFreeFormatData"`
}

// AppendFreeFormatData says whether freeFormatData replaces or extends
// what an earlier FurnishChargingInformation put in the record
// (CAP-datatypes; DEFAULT overwrite).
type AppendFreeFormatData uint8

// AppendFreeFormatData values.
const (
	Overwrite AppendFreeFormatData = 0
	Append    AppendFreeFormatData = 1
)

func (a AppendFreeFormatData) String() string {
	switch a {
	case Overwrite:
		return "overwrite"
	case Append:
		return "append"
	}
	return "appendFreeFormatData(" + strconv.Itoa(int(a)) + ")"
}

// MarshalText makes JSON show the name.
func (a AppendFreeFormatData) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// Bounds of cAPSpecificBoundSet.
const (
	minFCIBillingCharging, maxFCIBillingCharging         = 5, 225
	minFCIBillingChargingData, maxFCIBillingChargingData = 1, 160
)

// Opcode returns OpFurnishChargingInformation.
func (a *FurnishChargingInformationArg) Opcode() Opcode { return OpFurnishChargingInformation }

// Encode writes the OCTET STRING and the BER value inside it.
func (a *FurnishChargingInformationArg) Encode(e *ber.Encoder, ph Phase) error {
	const typ = "FurnishChargingInformationArg"
	s := &a.FCIBCCCAMELSequence1
	const seq = "fCIBCCCAMELsequence1"
	outer := e.BeginPrimitive(ber.TagOctetString)
	start := e.Len()
	m := e.Begin(ber.ContextC(0))
	if err := encodeOctets(e, ber.Context(0), s.FreeFormatData, minFCIBillingChargingData, maxFCIBillingChargingData); err != nil {
		return encodeErr(typ, seq+".freeFormatData", err)
	}
	if s.PartyToCharge != 0 && s.PartyToCharge != Leg1 { // DEFAULT sendingSideID: leg1
		if err := encodeSendingSideID(e, ber.ContextC(1), s.PartyToCharge); err != nil {
			return encodeErr(typ, seq+".partyToCharge", err)
		}
	}
	switch {
	case s.AppendFreeFormatData == Overwrite: // DEFAULT overwrite
	case s.AppendFreeFormatData != Append:
		return encodeErr(typ, seq+".appendFreeFormatData", ErrRange)
	case ph == Phase2:
		return encodeErr(typ, seq+".appendFreeFormatData", ErrNotInPhase)
	default:
		e.Int(ber.Context(2), int64(s.AppendFreeFormatData))
	}
	e.End(m)
	if n := e.Len() - start; n < minFCIBillingCharging || n > maxFCIBillingCharging {
		return &DecodeError{Field: typ, Err: ErrSize}
	}
	e.End(outer)
	return nil
}

// Decode reads the OCTET STRING and the BER value inside it.
func (a *FurnishChargingInformationArg) Decode(param []byte, ph Phase) error {
	const typ = "FurnishChargingInformationArg"
	const seq = typ + ".fCIBCCCAMELsequence1"
	tlv, err := ber.ParseOnly(param)
	if err != nil {
		return &DecodeError{Field: typ, Err: err}
	}
	if tlv.Tag != ber.TagOctetString {
		return &DecodeError{Field: typ, Err: ber.ErrUnexpectedTag}
	}
	if err := sizeIn(tlv.Value, minFCIBillingCharging, maxFCIBillingCharging); err != nil {
		return &DecodeError{Field: typ, Err: err}
	}
	// The CHOICE has one alternative and no extension marker.
	r, err := openSequence(tlv.Value, ber.ContextC(0), seq)
	if err != nil {
		return err
	}
	*a = FurnishChargingInformationArg{}
	s := &a.FCIBCCCAMELSequence1
	s.PartyToCharge = Leg1
	haveData := false
	var seen members
	for r.More() {
		m, err := r.Next()
		if err != nil {
			return &DecodeError{Field: seq, Err: err}
		}
		if m.Tag.Class != ber.ClassContext {
			continue // not a member of this extensible SEQUENCE: skipped
		}
		var field string
		switch m.Tag.Number {
		case 0:
			field = "freeFormatData"
			s.FreeFormatData, err = decodeOctets(m, minFCIBillingChargingData, maxFCIBillingChargingData)
			haveData = err == nil
		case 1:
			field = "partyToCharge"
			err = decodeConstructed(m, func(v []byte) (err error) {
				s.PartyToCharge, err = decodeSendingSideID(v)
				return err
			})
		case 2:
			if ph == Phase2 {
				continue // not in phase 2: an unknown member
			}
			field = "appendFreeFormatData"
			var v int64
			v, err = decodeInt(m, 0, int64(Append))
			s.AppendFreeFormatData = AppendFreeFormatData(v)
		}
		if err == nil && field != "" {
			err = seen.add(m.Tag)
		}
		if err != nil {
			return fieldError(seq+"."+field, err)
		}
	}
	if !haveData {
		return &DecodeError{Field: seq + ".freeFormatData", Err: ErrMissing}
	}
	return nil
}
