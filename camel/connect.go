package camel

import "github.com/scpd/scpd/sigtran/ber"

// ConnectArg is the argument of Connect (opcode 20), gsmSCF → gsmSSF:
// route the call to DestinationRoutingAddress (TS 29.078 §6.1.1,
// CAP-gsmSSF-gsmSCF-ops-args ConnectArg).
//
// The one member whose shape depends on the phase is [57]: phase 2 has
// na-Info [57] NA-Info (the SEQUENCE of CamelV2diff), phases 3 and 4 have
// naOliInfo [57] NAOliInfo (one octet). NAInfo is encoded only in phase 2
// and NAOliInfo only in phases 3 and 4; the other fails with ErrNotInPhase.
// (No collected module gives the phase 2 ConnectArg; its na-Info is the
// reason ops-args still says "na-Info is included at the discretion of the
// gsmSCF operator" under ConnectArg.) Every other member is encoded in any
// phase. Octets and Extensions alias the decoded parameter.
//
// Wireshark 4.0 quirks (checked with tshark 4.0.17; the bytes are right):
// it decodes [57] as naOliInfo in every phase, so a phase 2 na-Info shows
// as an "unreassembled" constructed OCTET STRING, not field by field; and
// it shows ConnectArg's callingPartysCategory [28] wrongly (0x0a as
// "operator, language Spanish (5)", 0x0f as 4294967288), while the same
// octet in InitialDP and ContinueWithArgument shows as "ordinary calling
// subscriber (10)" and "payphone (15)".
type ConnectArg struct {
	// DestinationRoutingAddress is SEQUENCE SIZE(1) OF CalledPartyNumber:
	// exactly one number, held here as that number.
	DestinationRoutingAddress CalledPartyNumber `json:"destinationRoutingAddress"`
	// AlertingPattern is three octets; only the last is used (TS 29.002
	// AlertingPattern), the first two are zero.
	AlertingPattern                 Octets                           `json:"alertingPattern,omitempty"`
	OriginalCalledPartyID           RedirectingNumber                `json:"originalCalledPartyID,omitzero"`
	Extensions                      Extensions                       `json:"extensions,omitempty"`
	Carrier                         Octets                           `json:"carrier,omitempty"`
	CallingPartysCategory           *CallingPartysCategory           `json:"callingPartysCategory,omitempty"`
	RedirectingPartyID              RedirectingNumber                `json:"redirectingPartyID,omitzero"`
	RedirectionInformation          *RedirectionInformation          `json:"redirectionInformation,omitempty"`
	GenericNumbers                  GenericNumbers                   `json:"genericNumbers,omitempty"`
	ServiceInteractionIndicatorsTwo *ServiceInteractionIndicatorsTwo `json:"serviceInteractionIndicatorsTwo,omitempty"`
	// ChargeNumber has the ISUP Location Number format.
	ChargeNumber              LocationNumber `json:"chargeNumber,omitzero"`
	LegToBeConnected          LegID          `json:"legToBeConnected,omitzero"`
	CUGInterlock              Octets         `json:"cug-Interlock,omitempty"`
	CUGOutgoingAccess         bool           `json:"cug-OutgoingAccess,omitempty"`
	SuppressionOfAnnouncement bool           `json:"suppressionOfAnnouncement,omitempty"`
	OCSIApplicable            bool           `json:"oCSIApplicable,omitempty"`
	// NAOliInfo is phases 3 and 4 only.
	NAOliInfo Octets `json:"naOliInfo,omitempty"`
	// NAInfo is phase 2 only.
	NAInfo                    *NAInfo `json:"na-Info,omitempty"`
	BorInterrogationRequested bool    `json:"bor-InterrogationRequested,omitempty"`
	SuppressNCSI              bool    `json:"suppress-N-CSI,omitempty"`
}

// Opcode returns OpConnect.
func (a *ConnectArg) Opcode() Opcode { return OpConnect }

// Encode writes the argument.
func (a *ConnectArg) Encode(e *ber.Encoder, ph Phase) error {
	const typ = "ConnectArg"
	m := e.Begin(ber.TagSequence)
	dm := e.Begin(ber.ContextC(0))
	if err := encodeNumber(e, ber.TagOctetString, a.DestinationRoutingAddress, minCalledPartyNumber, maxCalledPartyNumber); err != nil {
		return encodeErr(typ, "destinationRoutingAddress", err)
	}
	e.End(dm)
	if a.AlertingPattern != nil {
		if err := encodeOctets(e, ber.Context(1), a.AlertingPattern, 3, 3); err != nil {
			return encodeErr(typ, "alertingPattern", err)
		}
	}
	if a.OriginalCalledPartyID != (RedirectingNumber{}) {
		if err := encodeNumber(e, ber.Context(6), a.OriginalCalledPartyID, minCallingNumber, maxCallingNumber); err != nil {
			return encodeErr(typ, "originalCalledPartyID", err)
		}
	}
	if a.Extensions != nil {
		if err := encodeExtensions(e, ber.ContextC(10), a.Extensions); err != nil {
			return encodeErr(typ, "extensions", err)
		}
	}
	if a.Carrier != nil {
		if err := encodeOctets(e, ber.Context(11), a.Carrier, 4, 4); err != nil {
			return encodeErr(typ, "carrier", err)
		}
	}
	if a.CallingPartysCategory != nil {
		e.Octets(ber.Context(28), []byte{byte(*a.CallingPartysCategory)})
	}
	if a.RedirectingPartyID != (RedirectingNumber{}) {
		if err := encodeNumber(e, ber.Context(29), a.RedirectingPartyID, minCallingNumber, maxCallingNumber); err != nil {
			return encodeErr(typ, "redirectingPartyID", err)
		}
	}
	if a.RedirectionInformation != nil {
		if err := encodeNumber(e, ber.Context(30), *a.RedirectionInformation, 2, 2); err != nil {
			return encodeErr(typ, "redirectionInformation", err)
		}
	}
	if a.GenericNumbers != nil {
		if err := a.GenericNumbers.encode(e, ber.ContextC(14)); err != nil {
			return encodeErr(typ, "genericNumbers", err)
		}
	}
	if a.ServiceInteractionIndicatorsTwo != nil {
		if err := a.ServiceInteractionIndicatorsTwo.encode(e, ber.ContextC(15)); err != nil {
			return encodeErr(typ, "serviceInteractionIndicatorsTwo", err)
		}
	}
	if a.ChargeNumber != (LocationNumber{}) {
		if err := encodeNumber(e, ber.Context(19), a.ChargeNumber, minCallingNumber, maxCallingNumber); err != nil {
			return encodeErr(typ, "chargeNumber", err)
		}
	}
	if !a.LegToBeConnected.IsZero() {
		if err := a.LegToBeConnected.encode(e, ber.ContextC(21)); err != nil {
			return encodeErr(typ, "legToBeConnected", err)
		}
	}
	if a.CUGInterlock != nil {
		if err := encodeOctets(e, ber.Context(31), a.CUGInterlock, 4, 4); err != nil {
			return encodeErr(typ, "cug-Interlock", err)
		}
	}
	if a.CUGOutgoingAccess {
		e.Null(ber.Context(32))
	}
	if a.SuppressionOfAnnouncement {
		e.Null(ber.Context(55))
	}
	if a.OCSIApplicable {
		e.Null(ber.Context(56))
	}
	if a.NAOliInfo != nil {
		if ph == Phase2 {
			return encodeErr(typ, "naOliInfo", ErrNotInPhase)
		}
		if err := encodeOctets(e, ber.Context(57), a.NAOliInfo, 1, 1); err != nil {
			return encodeErr(typ, "naOliInfo", err)
		}
	}
	if a.NAInfo != nil {
		if ph != Phase2 {
			return encodeErr(typ, "na-Info", ErrNotInPhase)
		}
		if err := a.NAInfo.encode(e, ber.ContextC(57)); err != nil {
			return encodeErr(typ, "na-Info", err)
		}
	}
	if a.BorInterrogationRequested {
		e.Null(ber.Context(58))
	}
	if a.SuppressNCSI {
		e.Null(ber.Context(59))
	}
	e.End(m)
	return nil
}

// Decode reads the argument; unknown members are skipped.
func (a *ConnectArg) Decode(param []byte, ph Phase) error {
	const typ = "ConnectArg"
	r, err := openSequence(param, ber.TagSequence, typ)
	if err != nil {
		return err
	}
	*a = ConnectArg{}
	haveDRA := false
	var seen members
	for r.More() {
		m, err := r.Next()
		if err != nil {
			return &DecodeError{Field: typ, Err: err}
		}
		if m.Tag.Class != ber.ClassContext {
			continue // not a member of this extensible SEQUENCE: skipped
		}
		var field string
		switch m.Tag.Number {
		case 0:
			field = "destinationRoutingAddress"
			err = decodeConstructed(m, a.decodeDRA)
			haveDRA = err == nil
		case 1:
			field = "alertingPattern"
			a.AlertingPattern, err = decodeOctets(m, 3, 3)
		case 6:
			field = "originalCalledPartyID"
			err = decodeNumber(&a.OriginalCalledPartyID, m, minCallingNumber, maxCallingNumber)
		case 10:
			field = "extensions"
			err = decodeConstructed(m, a.Extensions.decode)
		case 11:
			field = "carrier"
			a.Carrier, err = decodeOctets(m, 4, 4)
		case 28:
			field = "callingPartysCategory"
			var v []byte
			if v, err = primitiveValue(m); err == nil {
				a.CallingPartysCategory, err = decodeCallingPartysCategory(v)
			}
		case 29:
			field = "redirectingPartyID"
			err = decodeNumber(&a.RedirectingPartyID, m, minCallingNumber, maxCallingNumber)
		case 30:
			field = "redirectionInformation"
			a.RedirectionInformation = new(RedirectionInformation)
			err = decodeNumber(a.RedirectionInformation, m, 2, 2)
		case 14:
			field = "genericNumbers"
			err = a.GenericNumbers.decode(m)
		case 15:
			field = "serviceInteractionIndicatorsTwo"
			a.ServiceInteractionIndicatorsTwo = new(ServiceInteractionIndicatorsTwo)
			err = a.ServiceInteractionIndicatorsTwo.decode(m)
		case 19:
			field = "chargeNumber"
			err = decodeNumber(&a.ChargeNumber, m, minCallingNumber, maxCallingNumber)
		case 21:
			field = "legToBeConnected"
			err = decodeConstructed(m, a.LegToBeConnected.decode)
		case 31:
			field = "cug-Interlock"
			a.CUGInterlock, err = decodeOctets(m, 4, 4)
		case 32:
			field = "cug-OutgoingAccess"
			err = decodeNull(m)
			a.CUGOutgoingAccess = err == nil
		case 55:
			field = "suppressionOfAnnouncement"
			err = decodeNull(m)
			a.SuppressionOfAnnouncement = err == nil
		case 56:
			field = "oCSIApplicable"
			err = decodeNull(m)
			a.OCSIApplicable = err == nil
		case 57:
			if ph == Phase2 {
				field = "na-Info"
				var nr ber.Reader
				if nr, err = constructedValue(m); err == nil {
					a.NAInfo = new(NAInfo)
					err = a.NAInfo.decode(nr)
				}
			} else {
				field = "naOliInfo"
				a.NAOliInfo, err = decodeOctets(m, 1, 1)
			}
		case 58:
			field = "bor-InterrogationRequested"
			err = decodeNull(m)
			a.BorInterrogationRequested = err == nil
		case 59:
			field = "suppress-N-CSI"
			err = decodeNull(m)
			a.SuppressNCSI = err == nil
		}
		if err == nil && field != "" {
			err = seen.add(m.Tag)
		}
		if err != nil {
			return fieldError(typ+"."+field, err)
		}
	}
	if !haveDRA {
		return &DecodeError{Field: typ + ".destinationRoutingAddress", Err: ErrMissing}
	}
	return nil
}

// decodeDRA reads the SEQUENCE SIZE(1) OF CalledPartyNumber.
func (a *ConnectArg) decodeDRA(v []byte) error {
	if len(v) == 0 {
		return ErrSize
	}
	el, err := ber.ParseOnly(v) // exactly one element; a second is trailing data
	if err != nil {
		if err == ber.ErrTrailingData {
			return ErrSize
		}
		return err
	}
	if el.Tag != ber.TagOctetString {
		return ber.ErrUnexpectedTag
	}
	return decodeNumber(&a.DestinationRoutingAddress, el, minCalledPartyNumber, maxCalledPartyNumber)
}
