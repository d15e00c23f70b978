package camel

import (
	"math/bits"
	"strings"

	"github.com/scpd/scpd/sigtran/ber"
)

// InitialDPArgExtension is InitialDPArg's initialDPArgExtension [59]. Its
// shape depends on the phase:
//
//	phase 2 (CamelV2diff InitialDPArgExtensionV2):
//		naCarrierInformation [0], gmscAddress [1], ...
//	phases 3 and 4 (ops-args InitialDPArgExtension):
//		gmscAddress [0], forwardingDestinationNumber [1], ms-Classmark2 [2],
//		iMEI [3], supportedCamelPhases [4], offeredCamel4Functionalities [5],
//		bearerCapability2 [6], ext-basicServiceCode2 [7],
//		highLayerCompatibility2 [8], lowLayerCompatibility [9],
//		lowLayerCompatibility2 [10], ..., enhancedDialledServicesAllowed [11],
//		uu-Data [12], collectInformationAllowed [13],
//		releaseCallArgExtensionAllowed [14]
//
// One Go type holds both: GMSCAddress is in every phase, NACarrierInformation
// only in phase 2, the rest only in phases 3 and 4. Encoding a member the
// phase lacks fails with ErrNotInPhase rather than dropping it; decoding
// skips it like any unknown member. No collected module gives a separate
// phase 3 shape, so phases 3 and 4 share the 29.078 11.0.0 one (as
// Wireshark does).
type InitialDPArgExtension struct {
	NACarrierInformation         *NACarrierInformation        `json:"naCarrierInformation,omitempty"`
	GMSCAddress                  AddressString                `json:"gmscAddress,omitzero"`
	ForwardingDestinationNumber  CalledPartyNumber            `json:"forwardingDestinationNumber,omitzero"`
	MSClassmark2                 Octets                       `json:"ms-Classmark2,omitempty"` // 3 octets, TS 24.008 §10.5.1.6
	IMEI                         IMEI                         `json:"iMEI,omitempty"`
	SupportedCamelPhases         SupportedCamelPhases         `json:"supportedCamelPhases,omitzero"`
	OfferedCamel4Functionalities OfferedCamel4Functionalities `json:"offeredCamel4Functionalities,omitzero"`
	BearerCapability2            BearerCapability             `json:"bearerCapability2,omitzero"`
	ExtBasicServiceCode2         ExtBasicServiceCode          `json:"ext-basicServiceCode2,omitzero"`
	HighLayerCompatibility2      Octets                       `json:"highLayerCompatibility2,omitempty"`
	// LowLayerCompatibility and LowLayerCompatibility2 are 1..16 octets of
	// the TS 24.008 low layer compatibility value part.
	LowLayerCompatibility          Octets  `json:"lowLayerCompatibility,omitempty"`
	LowLayerCompatibility2         Octets  `json:"lowLayerCompatibility2,omitempty"`
	EnhancedDialledServicesAllowed bool    `json:"enhancedDialledServicesAllowed,omitempty"`
	UUData                         *UUData `json:"uu-Data,omitempty"`
	CollectInformationAllowed      bool    `json:"collectInformationAllowed,omitempty"`
	ReleaseCallArgExtensionAllowed bool    `json:"releaseCallArgExtensionAllowed,omitempty"`
}

const maxLowLayerCompatibility = 16 // MAXIMUM-FOR-LOW-LAYER-COMPATIBILITY

// onlyV34 names a phase 3/4 member that is set, if any.
func (x *InitialDPArgExtension) onlyV34() string {
	switch {
	case x.ForwardingDestinationNumber != (CalledPartyNumber{}):
		return "forwardingDestinationNumber"
	case x.MSClassmark2 != nil:
		return "ms-Classmark2"
	case x.IMEI != "":
		return "iMEI"
	case x.SupportedCamelPhases != 0:
		return "supportedCamelPhases"
	case x.OfferedCamel4Functionalities != 0:
		return "offeredCamel4Functionalities"
	case !x.BearerCapability2.IsZero():
		return "bearerCapability2"
	case !x.ExtBasicServiceCode2.IsZero():
		return "ext-basicServiceCode2"
	case x.HighLayerCompatibility2 != nil:
		return "highLayerCompatibility2"
	case x.LowLayerCompatibility != nil:
		return "lowLayerCompatibility"
	case x.LowLayerCompatibility2 != nil:
		return "lowLayerCompatibility2"
	case x.EnhancedDialledServicesAllowed:
		return "enhancedDialledServicesAllowed"
	case x.UUData != nil:
		return "uu-Data"
	case x.CollectInformationAllowed:
		return "collectInformationAllowed"
	case x.ReleaseCallArgExtensionAllowed:
		return "releaseCallArgExtensionAllowed"
	}
	return ""
}

func (x *InitialDPArgExtension) encode(e *ber.Encoder, t ber.Tag, ph Phase) error {
	m := e.Begin(t)
	if ph == Phase2 {
		if f := x.onlyV34(); f != "" {
			return &DecodeError{Field: f, Err: ErrNotInPhase}
		}
		if x.NACarrierInformation != nil {
			if err := x.NACarrierInformation.encode(e, ber.ContextC(0)); err != nil {
				return fieldError("naCarrierInformation", err)
			}
		}
		if x.GMSCAddress != (AddressString{}) {
			if err := encodeNumber(e, ber.Context(1), x.GMSCAddress, 1, maxISDNAddressLength); err != nil {
				return &DecodeError{Field: "gmscAddress", Err: err}
			}
		}
		e.End(m)
		return nil
	}
	if x.NACarrierInformation != nil {
		return &DecodeError{Field: "naCarrierInformation", Err: ErrNotInPhase}
	}
	if x.GMSCAddress != (AddressString{}) {
		if err := encodeNumber(e, ber.Context(0), x.GMSCAddress, 1, maxISDNAddressLength); err != nil {
			return &DecodeError{Field: "gmscAddress", Err: err}
		}
	}
	if x.ForwardingDestinationNumber != (CalledPartyNumber{}) {
		if err := encodeNumber(e, ber.Context(1), x.ForwardingDestinationNumber, minCalledPartyNumber, maxCalledPartyNumber); err != nil {
			return &DecodeError{Field: "forwardingDestinationNumber", Err: err}
		}
	}
	if x.MSClassmark2 != nil {
		if err := encodeOctets(e, ber.Context(2), x.MSClassmark2, 3, 3); err != nil {
			return &DecodeError{Field: "ms-Classmark2", Err: err}
		}
	}
	if x.IMEI != "" {
		if err := appendValue(e, ber.Context(3), x.IMEI); err != nil {
			return &DecodeError{Field: "iMEI", Err: err}
		}
	}
	if x.SupportedCamelPhases != 0 {
		encodeNamedBits(e, ber.Context(4), uint64(x.SupportedCamelPhases), 1)
	}
	if x.OfferedCamel4Functionalities != 0 {
		encodeNamedBits(e, ber.Context(5), uint64(x.OfferedCamel4Functionalities), minOfferedCamel4Bits)
	}
	if !x.BearerCapability2.IsZero() {
		if err := x.BearerCapability2.encode(e, ber.ContextC(6)); err != nil {
			return fieldError("bearerCapability2", err)
		}
	}
	if !x.ExtBasicServiceCode2.IsZero() {
		if err := x.ExtBasicServiceCode2.encode(e, ber.ContextC(7)); err != nil {
			return fieldError("ext-basicServiceCode2", err)
		}
	}
	if x.HighLayerCompatibility2 != nil {
		if err := encodeOctets(e, ber.Context(8), x.HighLayerCompatibility2, 2, 2); err != nil {
			return &DecodeError{Field: "highLayerCompatibility2", Err: err}
		}
	}
	if x.LowLayerCompatibility != nil {
		if err := encodeOctets(e, ber.Context(9), x.LowLayerCompatibility, 1, maxLowLayerCompatibility); err != nil {
			return &DecodeError{Field: "lowLayerCompatibility", Err: err}
		}
	}
	if x.LowLayerCompatibility2 != nil {
		if err := encodeOctets(e, ber.Context(10), x.LowLayerCompatibility2, 1, maxLowLayerCompatibility); err != nil {
			return &DecodeError{Field: "lowLayerCompatibility2", Err: err}
		}
	}
	if x.EnhancedDialledServicesAllowed {
		e.Null(ber.Context(11))
	}
	if x.UUData != nil {
		if err := x.UUData.encode(e, ber.ContextC(12)); err != nil {
			return fieldError("uu-Data", err)
		}
	}
	if x.CollectInformationAllowed {
		e.Null(ber.Context(13))
	}
	if x.ReleaseCallArgExtensionAllowed {
		e.Null(ber.Context(14))
	}
	e.End(m)
	return nil
}

func (x *InitialDPArgExtension) decode(m ber.TLV, ph Phase) error {
	r, err := constructedValue(m)
	if err != nil {
		return err
	}
	var seen members
	for r.More() {
		m, err := r.Next()
		if err != nil {
			return err
		}
		if m.Tag.Class != ber.ClassContext {
			continue // not a member of this extensible SEQUENCE: skipped
		}
		var field string
		if ph == Phase2 {
			switch m.Tag.Number {
			case 0:
				field = "naCarrierInformation"
				var cr ber.Reader
				if cr, err = constructedValue(m); err == nil {
					x.NACarrierInformation = new(NACarrierInformation)
					err = x.NACarrierInformation.decode(cr)
				}
			case 1:
				field = "gmscAddress"
				err = decodeNumber(&x.GMSCAddress, m, 1, maxISDNAddressLength)
			}
			if err == nil && field != "" {
				err = seen.add(m.Tag)
			}
			if err != nil {
				return fieldError(field, err)
			}
			continue
		}
		switch m.Tag.Number {
		case 0:
			field = "gmscAddress"
			err = decodeNumber(&x.GMSCAddress, m, 1, maxISDNAddressLength)
		case 1:
			field = "forwardingDestinationNumber"
			err = decodeNumber(&x.ForwardingDestinationNumber, m, minCalledPartyNumber, maxCalledPartyNumber)
		case 2:
			field = "ms-Classmark2"
			x.MSClassmark2, err = decodeOctets(m, 3, 3)
		case 3:
			field = "iMEI"
			err = decodeNumber(&x.IMEI, m, 8, 8)
		case 4:
			field = "supportedCamelPhases"
			var v uint64
			v, err = decodeNamedBits(m, 16)
			x.SupportedCamelPhases = SupportedCamelPhases(v)
		case 5:
			field = "offeredCamel4Functionalities"
			var v uint64
			v, err = decodeNamedBits(m, 64)
			x.OfferedCamel4Functionalities = OfferedCamel4Functionalities(v)
		case 6:
			field = "bearerCapability2"
			err = x.BearerCapability2.decode(m)
		case 7:
			field = "ext-basicServiceCode2"
			err = decodeConstructed(m, x.ExtBasicServiceCode2.decode)
		case 8:
			field = "highLayerCompatibility2"
			x.HighLayerCompatibility2, err = decodeOctets(m, 2, 2)
		case 9:
			field = "lowLayerCompatibility"
			x.LowLayerCompatibility, err = decodeOctets(m, 1, maxLowLayerCompatibility)
		case 10:
			field = "lowLayerCompatibility2"
			x.LowLayerCompatibility2, err = decodeOctets(m, 1, maxLowLayerCompatibility)
		case 11:
			field = "enhancedDialledServicesAllowed"
			err = decodeNull(m)
			x.EnhancedDialledServicesAllowed = err == nil
		case 12:
			field = "uu-Data"
			x.UUData = new(UUData)
			err = x.UUData.decode(m)
		case 13:
			field = "collectInformationAllowed"
			err = decodeNull(m)
			x.CollectInformationAllowed = err == nil
		case 14:
			field = "releaseCallArgExtensionAllowed"
			err = decodeNull(m)
			x.ReleaseCallArgExtensionAllowed = err == nil
		}
		if err == nil && field != "" {
			err = seen.add(m.Tag)
		}
		if err != nil {
			return fieldError(field, err)
		}
	}
	return nil
}

// IMEI is the MAP IMEI, a TBCD-STRING of 8 octets (TS 29.002, TS 23.003
// §6.2): the 15 digits of an IMEI whose check digit is sent as 0, or the
// 16 digits of an IMEISV.
type IMEI string

// AppendBinary appends the TBCD encoding.
func (i IMEI) AppendBinary(b []byte) ([]byte, error) {
	if len(i) != 15 && len(i) != 16 {
		return nil, ErrSize
	}
	if !decimal(string(i)) {
		return nil, ErrDigits
	}
	return appendBCD(b, string(i), tbcdCodes, 0x0f)
}

// UnmarshalBinary decodes the TBCD encoding.
func (i *IMEI) UnmarshalBinary(b []byte) error {
	if len(b) != 8 {
		return ErrSize
	}
	s, err := tbcdString(b)
	if err != nil {
		return err
	}
	if len(s) < 15 || !decimal(s) {
		return ErrDigits
	}
	*i = IMEI(s)
	return nil
}

func decimal(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// SupportedCamelPhases is the MAP BIT STRING { phase1 (0), phase2 (1),
// phase3 (2), phase4 (3) } (SIZE (1..16)): named bit n is 1<<n.
type SupportedCamelPhases uint16

// Named bits of SupportedCamelPhases.
const (
	CamelPhase1 SupportedCamelPhases = 1 << iota
	CamelPhase2
	CamelPhase3
	CamelPhase4
)

// String lists the phases, e.g. "phase1 phase2 phase3".
func (s SupportedCamelPhases) String() string {
	return namedBitsString(uint64(s), []string{"phase1", "phase2", "phase3", "phase4"})
}

// MarshalText makes JSON show the String form.
func (s SupportedCamelPhases) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// OfferedCamel4Functionalities is the MAP BIT STRING of that name
// (SIZE (15..64)): named bit n is 1<<n.
type OfferedCamel4Functionalities uint64

const minOfferedCamel4Bits = 15

var offeredCamel4Names = []string{"initiateCallAttempt", "splitLeg", "moveLeg", "disconnectLeg",
	"entityReleased", "dfc-WithArgument", "playTone", "dtmf-MidCall", "chargingIndicator",
	"alertingDP", "locationAtAlerting", "changeOfPositionDP", "or-Interactions",
	"warningToneEnhancements", "cf-Enhancements", "subscribedEnhancedDialledServices",
	"servingNetworkEnhancedDialledServices", "criteriaForChangeOfPositionDP", "serviceChangeDP",
	"collectInformation"}

// String lists the named bits that are set.
func (o OfferedCamel4Functionalities) String() string {
	return namedBitsString(uint64(o), offeredCamel4Names)
}

// MarshalText makes JSON show the String form.
func (o OfferedCamel4Functionalities) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

func namedBitsString(v uint64, names []string) string {
	var parts []string
	for n := 0; v != 0; n++ {
		if v&1 != 0 {
			if n < len(names) {
				parts = append(parts, names[n])
			} else {
				parts = append(parts, "bit"+string(rune('0'+n/10))+string(rune('0'+n%10)))
			}
		}
		v >>= 1
	}
	return strings.Join(parts, " ")
}

// encodeNamedBits writes a BIT STRING whose named bit n is 1<<n of v.
// Trailing zero bits are dropped down to the lower SIZE bound min
// (X.690 §11.2.2), so phases 1 to 4 give 04 f0.
func encodeNamedBits(e *ber.Encoder, t ber.Tag, v uint64, min int) {
	n := 64 - bits.LeadingZeros64(v) // bits needed
	if n < min {
		n = min
	}
	var buf [8]byte
	for i := 0; i < n; i++ {
		if v&(1<<i) != 0 {
			buf[i/8] |= 0x80 >> (i % 8)
		}
	}
	octets := (n + 7) / 8
	e.BitString(t, buf[:octets], octets*8-n)
}

// decodeNamedBits reads a primitive BIT STRING of at most max bits into a
// value whose bit n is named bit n. Shorter strings than the lower SIZE
// bound are accepted (the missing bits are zero).
func decodeNamedBits(m ber.TLV, max int) (uint64, error) {
	v, err := primitiveValue(m)
	if err != nil {
		return 0, err
	}
	b, unused, err := ber.ParseBitString(v)
	if err != nil {
		return 0, err
	}
	if len(b)*8-unused > max {
		return 0, ErrSize
	}
	var x uint64
	for i := 0; i < len(b)*8-unused; i++ {
		if b[i/8]&(0x80>>(i%8)) != 0 {
			x |= 1 << i
		}
	}
	return x, nil
}

// UUData is the MAP-CH-DataTypes UU-Data: user-to-user information the
// MSC received in the call set-up. Octets alias the input.
type UUData struct {
	UUIndicator        Octets `json:"uuIndicator,omitempty"` // 1 octet
	UUI                Octets `json:"uui,omitempty"`         // 1..131 octets
	UUSCFInteraction   bool   `json:"uusCFInteraction,omitempty"`
	ExtensionContainer Octets `json:"extensionContainer,omitempty"` // content, kept raw
}

func (u *UUData) encode(e *ber.Encoder, t ber.Tag) error {
	m := e.Begin(t)
	if u.UUIndicator != nil {
		if err := encodeOctets(e, ber.Context(0), u.UUIndicator, 1, 1); err != nil {
			return &DecodeError{Field: "uuIndicator", Err: err}
		}
	}
	if u.UUI != nil {
		if err := encodeOctets(e, ber.Context(1), u.UUI, 1, 131); err != nil {
			return &DecodeError{Field: "uui", Err: err}
		}
	}
	if u.UUSCFInteraction {
		e.Null(ber.Context(2))
	}
	if u.ExtensionContainer != nil {
		e.Octets(ber.ContextC(3), u.ExtensionContainer)
	}
	e.End(m)
	return nil
}

func (u *UUData) decode(m ber.TLV) error {
	r, err := constructedValue(m)
	if err != nil {
		return err
	}
	var seen members
	for r.More() {
		m, err := r.Next()
		if err != nil {
			return err
		}
		if m.Tag.Class != ber.ClassContext {
			continue
		}
		var field string
		switch m.Tag.Number {
		case 0:
			field = "uuIndicator"
			u.UUIndicator, err = decodeOctets(m, 1, 1)
		case 1:
			field = "uui"
			u.UUI, err = decodeOctets(m, 1, 131)
		case 2:
			field = "uusCFInteraction"
			err = decodeNull(m)
			u.UUSCFInteraction = err == nil
		case 3:
			field = "extensionContainer"
			u.ExtensionContainer = decodeRaw(m)
		}
		if err == nil && field != "" {
			err = seen.add(m.Tag)
		}
		if err != nil {
			return fieldError(field, err)
		}
	}
	return nil
}
