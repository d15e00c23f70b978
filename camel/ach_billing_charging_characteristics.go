package camel

import (
	"errors"

	"github.com/scpd/scpd/sigtran/ber"
)

// ErrPhase reports a field that the negotiated CAMEL phase cannot carry.
var ErrPhase = errors.New("not available in this CAMEL phase")

// AChBillingChargingCharacteristics is the CAMEL-AChBillingChargingCharacteristics
// that ApplyChargingArg carries as the BER inside an OCTET STRING: how long
// the call may last before the gsmSSF reports (ApplyChargingReport) and
// what it does then. One Go value encodes to the shape of each phase:
//
// Phase 2 (CamelV2diff.asn, CAMEL-AChBillingChargingCharacteristicsV2):
//
//	timeDurationCharging [0] SEQUENCE {
//		maxCallPeriodDuration     [0] INTEGER (1..864000),
//		releaseIfdurationExceeded [1] ReleaseIfDurationExceeded OPTIONAL,
//		tariffSwitchInterval      [2] INTEGER (1..86400) OPTIONAL }
//	ReleaseIfDurationExceeded ::= SEQUENCE {
//		tone BOOLEAN DEFAULT FALSE, ..., extensions [10] ... OPTIONAL }
//
// The presence of [1] asks for the release; the warning tone and the
// extensions can only travel inside it. The SEQUENCE has no extension
// marker, so an unknown member is an error.
//
// Phase 3 (TS 29.078 V4.x/V5.x, Rel-4/Rel-5 CAP v3; not in the collected
// modules):
//
//	timeDurationCharging [0] SEQUENCE {
//		maxCallPeriodDuration     [0] INTEGER (1..864000),
//		releaseIfdurationExceeded [1] BOOLEAN DEFAULT FALSE,
//		tariffSwitchInterval      [2] INTEGER (1..86400) OPTIONAL,
//		tone                      [3] BOOLEAN DEFAULT FALSE,
//		extensions                [4] Extensions OPTIONAL,
//		... }
//
// Sources agreeing on the phase 3 [3] BOOLEAN tone: RestComm jSS7
// CAMELAChBillingChargingCharacteristicsImpl (_ID_tone_For_Phase3 = 3,
// primitive [3] decoded as the phase 3 tone); Wireshark camel.cnf, "V3
// and V4 incompatibility bug #1719" (a one-octet [3] dissected as BOOLEAN);
// Wireshark's old CAMEL3 asn1/camel/camel.asn @ 039a3278 and ulibcamel
// (actone [3] BOOLEAN DEFAULT FALSE, extensions [4]); the N-Squared
// ApplyCharging CAMEL3 codec guide (tone, CONTEXT 3, tag byte 83); MATRIXX
// CCF CAP PICS ("for CAP3, the tone parameter is separate from
// releaseIfdurationExceeded").
//
// Phase 4 (CAP-datatypes 11.0.0): as phase 3 with [3] replaced by
// audibleIndicator [3] AudibleIndicator DEFAULT tone: FALSE, where
// AudibleIndicator ::= CHOICE { tone BOOLEAN, burstList [1] BurstList }.
// A tag on a CHOICE is EXPLICIT, so the tone is a3 03 01 01 ff, not 83 01 ff.
//
// Decoding one phase's shape under another phase's application context
// fails with a DecodeError naming the member (releaseIfdurationExceeded,
// tone or audibleIndicator), never with a silently different value.
type AChBillingChargingCharacteristics struct {
	// MaxCallPeriodDuration is in 100 ms units, 1..864000.
	MaxCallPeriodDuration uint32 `json:"maxCallPeriodDuration"`
	// ReleaseIfDurationExceeded releases the call when the period ends.
	ReleaseIfDurationExceeded bool `json:"releaseIfdurationExceeded,omitempty"`
	// TariffSwitchInterval is in seconds, 1..86400; 0 means absent.
	TariffSwitchInterval uint32 `json:"tariffSwitchInterval,omitempty"`
	// Tone plays the warning tone 30 s before the period ends. In phase 2
	// it needs ReleaseIfDurationExceeded.
	Tone bool `json:"tone,omitempty"`
	// BurstList is the phase 4 audibleIndicator burstList alternative.
	BurstList *BurstList `json:"burstList,omitempty"`
	// Extensions travel in [4] (phases 3, 4) or inside
	// releaseIfdurationExceeded [10] (phase 2).
	Extensions Extensions `json:"extensions,omitempty"`
}

// Bounds of CAP-datatypes and cAPSpecificBoundSet.
const (
	maxCallPeriodDuration   = 864000
	maxTariffSwitchInterval = 86400
	minAChBillingCharging   = 5
	maxAChBillingCharging   = 177
)

// encode writes the CAMEL-AChBillingChargingCharacteristics value (the
// contents of the OCTET STRING) in the shape of phase ph.
func (c *AChBillingChargingCharacteristics) encode(e *ber.Encoder, ph Phase) error {
	const td = "timeDurationCharging."
	if c.MaxCallPeriodDuration < 1 || c.MaxCallPeriodDuration > maxCallPeriodDuration {
		return &DecodeError{Field: td + "maxCallPeriodDuration", Err: ErrRange}
	}
	if c.TariffSwitchInterval > maxTariffSwitchInterval {
		return &DecodeError{Field: td + "tariffSwitchInterval", Err: ErrRange}
	}
	if len(c.Extensions) > maxExtensions {
		return &DecodeError{Field: td + "extensions", Err: ErrSize}
	}
	if c.BurstList != nil && ph < Phase4 {
		return &DecodeError{Field: td + "audibleIndicator.burstList", Err: ErrPhase}
	}
	if ph == Phase2 && !c.ReleaseIfDurationExceeded {
		// 29.078 phase 2: tone and extensions live in ReleaseIfDurationExceeded.
		if c.Tone {
			return &DecodeError{Field: td + "releaseIfdurationExceeded.tone", Err: ErrPhase}
		}
		if len(c.Extensions) > 0 {
			return &DecodeError{Field: td + "releaseIfdurationExceeded.extensions", Err: ErrPhase}
		}
	}
	m := e.Begin(ber.ContextC(0))
	e.Int(ber.Context(0), int64(c.MaxCallPeriodDuration))
	switch {
	case ph == Phase2 && c.ReleaseIfDurationExceeded:
		rm := e.Begin(ber.ContextC(1))
		if c.Tone {
			e.Bool(ber.TagBoolean, true)
		}
		if len(c.Extensions) > 0 {
			c.Extensions.encode(e, ber.ContextC(10))
		}
		e.End(rm)
	case ph != Phase2 && c.ReleaseIfDurationExceeded:
		e.Bool(ber.Context(1), true)
	}
	if c.TariffSwitchInterval != 0 {
		e.Int(ber.Context(2), int64(c.TariffSwitchInterval))
	}
	if ph != Phase2 {
		switch {
		case ph == Phase3 && c.Tone:
			e.Bool(ber.Context(3), true)
		case c.BurstList != nil:
			if c.Tone {
				return &DecodeError{Field: td + "audibleIndicator", Err: ErrChoice}
			}
			am := e.Begin(ber.ContextC(3))
			if err := c.BurstList.encode(e, ber.ContextC(1)); err != nil {
				return fieldError(td+"audibleIndicator.burstList", err)
			}
			e.End(am)
		case c.Tone:
			am := e.Begin(ber.ContextC(3))
			e.Bool(ber.TagBoolean, true)
			e.End(am)
		}
		if len(c.Extensions) > 0 {
			c.Extensions.encode(e, ber.ContextC(4))
		}
	}
	e.End(m)
	return nil
}

// decode reads the CAMEL-AChBillingChargingCharacteristics value v (the
// contents of the OCTET STRING) in the shape of phase ph.
func (c *AChBillingChargingCharacteristics) decode(v []byte, ph Phase) error {
	*c = AChBillingChargingCharacteristics{}
	tlv, err := ber.ParseOnly(v)
	if err != nil {
		return err
	}
	if tlv.Tag != ber.ContextC(0) {
		return ber.ErrUnexpectedTag // the CHOICE has one alternative and no extension marker
	}
	haveDuration := false
	r := ber.NewReader(tlv.Value)
	var seen members
	for r.More() {
		m, err := r.Next()
		if err != nil {
			return fieldError("timeDurationCharging", err)
		}
		var name string
		switch {
		case m.Tag.Class != ber.ClassContext || m.Tag.Number > 4:
			if ph == Phase2 {
				return &DecodeError{Field: "timeDurationCharging", Err: ErrUnknownTag}
			}
			continue // an extension of a later release
		case m.Tag.Number == 0:
			name = "maxCallPeriodDuration"
			var x int64
			x, err = decodeInt(m, 1, maxCallPeriodDuration)
			c.MaxCallPeriodDuration, haveDuration = uint32(x), true
		case m.Tag.Number == 1 && ph == Phase2:
			name = "releaseIfdurationExceeded"
			c.ReleaseIfDurationExceeded = true
			err = decodeConstructed(m, c.decodeReleaseIfDurationExceeded)
		case m.Tag.Number == 1:
			name = "releaseIfdurationExceeded"
			c.ReleaseIfDurationExceeded, err = decodeBool(m)
		case m.Tag.Number == 2:
			name = "tariffSwitchInterval"
			var x int64
			x, err = decodeInt(m, 1, maxTariffSwitchInterval)
			c.TariffSwitchInterval = uint32(x)
		case ph == Phase2:
			// [3] and [4] do not exist in phase 2.
			return &DecodeError{Field: "timeDurationCharging", Err: ErrUnknownTag}
		case m.Tag.Number == 3 && ph == Phase3:
			name = "tone"
			c.Tone, err = decodeBool(m)
		case m.Tag.Number == 3:
			name = "audibleIndicator"
			err = decodeConstructed(m, c.decodeAudibleIndicator)
		default: // [4]
			name = "extensions"
			err = decodeConstructed(m, c.Extensions.decode)
		}
		if err == nil && name != "" {
			err = seen.add(m.Tag)
		}
		if err != nil {
			return fieldError("timeDurationCharging."+name, err)
		}
	}
	if !haveDuration {
		return &DecodeError{Field: "timeDurationCharging.maxCallPeriodDuration", Err: ErrMissing}
	}
	return nil
}

// decodeReleaseIfDurationExceeded reads the phase 2 SEQUENCE
// { tone BOOLEAN DEFAULT FALSE, ..., extensions [10] ... OPTIONAL }.
func (c *AChBillingChargingCharacteristics) decodeReleaseIfDurationExceeded(v []byte) error {
	var seen members
	r := ber.NewReader(v)
	for r.More() {
		m, err := r.Next()
		if err != nil {
			return err
		}
		switch m.Tag {
		case ber.TagBoolean:
			if err := seen.once(m.Tag, "tone"); err != nil {
				return err
			}
			if c.Tone, err = ber.ParseBool(m.Value); err != nil {
				return &DecodeError{Field: "tone", Err: err}
			}
		case ber.ContextC(10):
			if err := seen.once(m.Tag, "extensions"); err != nil {
				return err
			}
			if err := c.Extensions.decode(m.Value); err != nil {
				return fieldError("extensions", err)
			}
		}
	}
	return nil
}

// decodeAudibleIndicator reads the contents of the EXPLICIT [3]:
// tone BOOLEAN or burstList [1] BurstList.
func (c *AChBillingChargingCharacteristics) decodeAudibleIndicator(v []byte) error {
	m, err := ber.ParseOnly(v)
	if err != nil {
		return err
	}
	switch m.Tag {
	case ber.TagBoolean:
		if c.Tone, err = ber.ParseBool(m.Value); err != nil {
			return &DecodeError{Field: "tone", Err: err}
		}
	case ber.ContextC(1):
		c.BurstList = new(BurstList)
		if err := c.BurstList.decode(m.Value); err != nil {
			return fieldError("burstList", err)
		}
	default:
		return ber.ErrUnexpectedTag
	}
	return nil
}
