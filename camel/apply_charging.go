package camel

import "github.com/scpd/scpd/sigtran/ber"

// ApplyChargingArg is the argument of ApplyCharging (opcode 35), gsmSCF →
// gsmSSF: grant call time and ask for an ApplyChargingReport.
//
//	ApplyChargingArg ::= SEQUENCE {
//		aChBillingChargingCharacteristics [0] AChBillingChargingCharacteristics,
//		partyToCharge                     [2] SendingSideID DEFAULT sendingSideID : leg1,
//		extensions                        [3] Extensions OPTIONAL,
//		aChChargingAddress                [50] AChChargingAddress DEFAULT legID:sendingSideID:leg1,
//		... }
//
// aChBillingChargingCharacteristics is an OCTET STRING (5..177 octets)
// holding the BER of CAMEL-AChBillingChargingCharacteristics, whose shape
// depends on the phase (see AChBillingChargingCharacteristics).
// aChChargingAddress exists from phase 4; in earlier phases a [50] is an
// unknown extension and skipped. Wireshark's module adds iTXcharging [64]
// (a French national extension, not 3GPP); it is skipped like any other.
// Byte slices of a decoded value alias the parameter.
type ApplyChargingArg struct {
	AChBillingChargingCharacteristics AChBillingChargingCharacteristics `json:"aChBillingChargingCharacteristics"`
	// PartyToCharge is the SendingSideID; 0 means the DEFAULT leg1, and
	// decoding fills leg1 in.
	PartyToCharge LegType    `json:"partyToCharge"`
	Extensions    Extensions `json:"extensions,omitempty"`
	// AChChargingAddress is phase 4; the zero value is the DEFAULT
	// legID:sendingSideID:leg1, which decoding in phase 4 fills in.
	AChChargingAddress AChChargingAddress `json:"aChChargingAddress,omitzero"`
}

// defaultSendingLeg1 is the DEFAULT of ApplyChargingArg aChChargingAddress.
var defaultSendingLeg1 = AChChargingAddress{LegID: LegID{SendingSideID: Leg1}}

// Opcode returns OpApplyCharging.
func (a *ApplyChargingArg) Opcode() Opcode { return OpApplyCharging }

// Encode writes the argument in the shape of phase ph.
func (a *ApplyChargingArg) Encode(e *ber.Encoder, ph Phase) error {
	const typ = "ApplyChargingArg"
	m := e.Begin(ber.TagSequence)
	om := e.BeginPrimitive(ber.Context(0))
	start := e.Len()
	if err := a.AChBillingChargingCharacteristics.encode(e, ph); err != nil {
		return fieldError(typ+".aChBillingChargingCharacteristics", err)
	}
	if n := e.Len() - start; n < minAChBillingCharging || n > maxAChBillingCharging {
		return &DecodeError{Field: typ + ".aChBillingChargingCharacteristics", Err: ErrSize}
	}
	e.End(om)
	if a.PartyToCharge != 0 && a.PartyToCharge != Leg1 {
		_ = encodeSendingSideID(e, ber.ContextC(2), a.PartyToCharge) // leg is non-zero
	}
	if len(a.Extensions) > 0 {
		if err := encodeExtensions(e, ber.ContextC(3), a.Extensions); err != nil {
			return fieldError(typ+".extensions", err)
		}
	}
	if !a.AChChargingAddress.IsZero() && a.AChChargingAddress != defaultSendingLeg1 {
		if ph < Phase4 {
			return &DecodeError{Field: typ + ".aChChargingAddress", Err: ErrPhase}
		}
		if err := a.AChChargingAddress.encode(e, ber.ContextC(50)); err != nil {
			return fieldError(typ+".aChChargingAddress", err)
		}
	}
	e.End(m)
	return nil
}

// Decode reads the argument in the shape of phase ph.
func (a *ApplyChargingArg) Decode(param []byte, ph Phase) error {
	const typ = "ApplyChargingArg"
	r, err := openSequence(param, ber.TagSequence, typ)
	if err != nil {
		return err
	}
	*a = ApplyChargingArg{PartyToCharge: Leg1}
	if ph >= Phase4 {
		a.AChChargingAddress = defaultSendingLeg1
	}
	haveACh := false
	var seen members
	for r.More() {
		m, err := r.Next()
		if err != nil {
			return fieldError(typ, err)
		}
		if m.Tag.Class != ber.ClassContext {
			continue
		}
		var name string
		switch m.Tag.Number {
		case 0:
			name = "aChBillingChargingCharacteristics"
			var v Octets
			if v, err = decodeOctets(m, minAChBillingCharging, maxAChBillingCharging); err == nil {
				err = a.AChBillingChargingCharacteristics.decode(v, ph)
			}
			haveACh = true
		case 2:
			name = "partyToCharge"
			err = decodeConstructed(m, func(v []byte) (err error) {
				a.PartyToCharge, err = decodeSendingSideID(v)
				return err
			})
		case 3:
			name = "extensions"
			err = decodeConstructed(m, a.Extensions.decode)
		case 50:
			if ph < Phase4 {
				continue // not defined before phase 4: an unknown extension
			}
			name = "aChChargingAddress"
			err = decodeConstructed(m, a.AChChargingAddress.decode)
		}
		if err == nil && name != "" {
			err = seen.add(m.Tag)
		}
		if err != nil {
			return fieldError(typ+"."+name, err)
		}
	}
	if !haveACh {
		return &DecodeError{Field: typ + ".aChBillingChargingCharacteristics", Err: ErrMissing}
	}
	return nil
}
