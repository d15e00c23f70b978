package camel

import (
	"encoding/json"

	"github.com/scpd/scpd/sigtran/ber"
)

// CallResult is the CAMEL-CallResult that ApplyChargingReportArg carries
// as the BER inside an OCTET STRING (12..193 octets):
//
//	CAMEL-CallResult ::= CHOICE {
//		timeDurationChargingResult [0] SEQUENCE {
//			partyToCharge              [0] ReceivingSideID,
//			timeInformation            [1] TimeInformation,
//			legActive                  [2] BOOLEAN DEFAULT TRUE,
//			callLegReleasedAtTcpExpiry [3] NULL OPTIONAL,
//			extensions                 [4] Extensions OPTIONAL,
//			aChChargingAddress         [5] AChChargingAddress DEFAULT legID:receivingSideID:leg1,
//			... } }
//
// Phase 2 defines only [0]..[2] (CamelV2diff.asn has no variant; the
// phase 2 name of legActive is callActive, same tag and type), phase 3
// adds [3] and [4], phase 4 adds [5]. A member the negotiated phase does
// not define is skipped on decode and refused on encode.
type CallResult struct {
	TimeDurationChargingResult TimeDurationChargingResult `json:"timeDurationChargingResult"`
}

// TimeDurationChargingResult is the one alternative of CAMEL-CallResult.
type TimeDurationChargingResult struct {
	// PartyToCharge is the ReceivingSideID as sent in ApplyCharging.
	PartyToCharge   LegType         `json:"partyToCharge"`
	TimeInformation TimeInformation `json:"timeInformation"`
	// LegActive nil means the DEFAULT TRUE: the party is still in the
	// call. Use IsLegActive to read it.
	LegActive                  *bool      `json:"legActive,omitempty"`
	CallLegReleasedAtTcpExpiry bool       `json:"callLegReleasedAtTcpExpiry,omitempty"`
	Extensions                 Extensions `json:"extensions,omitempty"`
	// AChChargingAddress is phase 4; the zero value is the DEFAULT
	// legID:receivingSideID:leg1, which decoding in phase 4 fills in.
	AChChargingAddress AChChargingAddress `json:"aChChargingAddress,omitzero"`
}

// IsLegActive reports legActive with its DEFAULT applied.
func (r *TimeDurationChargingResult) IsLegActive() bool { return r.LegActive == nil || *r.LegActive }

// defaultReceivingLeg1 is the DEFAULT of CAMEL-CallResult aChChargingAddress.
var defaultReceivingLeg1 = AChChargingAddress{LegID: LegID{ReceivingSideID: Leg1}}

// TimeInformation ::= CHOICE {
//
//	timeIfNoTariffSwitch [0] TimeIfNoTariffSwitch,  -- INTEGER (0..864000), 100 ms units
//	timeIfTariffSwitch   [1] TimeIfTariffSwitch }
//
// TimeIfTariffSwitch nil selects timeIfNoTariffSwitch, so the common case
// decodes without allocating.
type TimeInformation struct {
	TimeIfNoTariffSwitch uint32              `json:"timeIfNoTariffSwitch"`
	TimeIfTariffSwitch   *TimeIfTariffSwitch `json:"timeIfTariffSwitch,omitempty"`
}

// MarshalJSON shows the chosen alternative only.
func (t TimeInformation) MarshalJSON() ([]byte, error) {
	if t.TimeIfTariffSwitch != nil {
		return json.Marshal(struct {
			T *TimeIfTariffSwitch `json:"timeIfTariffSwitch"`
		}{t.TimeIfTariffSwitch})
	}
	return json.Marshal(struct {
		T uint32 `json:"timeIfNoTariffSwitch"`
	}{t.TimeIfNoTariffSwitch})
}

// TimeIfTariffSwitch ::= SEQUENCE {
//
//	timeSinceTariffSwitch [0] INTEGER (0..864000),
//	tariffSwitchInterval  [1] INTEGER (1..864000) OPTIONAL }
//
// Both in 100 ms units; TariffSwitchInterval 0 means absent. The SEQUENCE
// has no extension marker.
type TimeIfTariffSwitch struct {
	TimeSinceTariffSwitch uint32 `json:"timeSinceTariffSwitch"`
	TariffSwitchInterval  uint32 `json:"tariffSwitchInterval,omitempty"`
}

const (
	maxTimeInformation = 864000
	minCallResult      = 12
	maxCallResult      = 193
)

// encode writes the CAMEL-CallResult value (the contents of the OCTET
// STRING) for phase ph.
func (c *CallResult) encode(e *ber.Encoder, ph Phase) error {
	const td = "timeDurationChargingResult"
	r := &c.TimeDurationChargingResult
	if r.CallLegReleasedAtTcpExpiry && ph < Phase3 {
		return &DecodeError{Field: td + ".callLegReleasedAtTcpExpiry", Err: ErrPhase}
	}
	if len(r.Extensions) > 0 && ph < Phase3 {
		return &DecodeError{Field: td + ".extensions", Err: ErrPhase}
	}
	address := !r.AChChargingAddress.IsZero() && r.AChChargingAddress != defaultReceivingLeg1
	if address && ph < Phase4 {
		return &DecodeError{Field: td + ".aChChargingAddress", Err: ErrPhase}
	}
	m := e.Begin(ber.ContextC(0))
	if err := encodeReceivingSideID(e, ber.ContextC(0), r.PartyToCharge); err != nil {
		return &DecodeError{Field: td + ".partyToCharge", Err: err}
	}
	if err := r.TimeInformation.encode(e, ber.ContextC(1)); err != nil {
		return fieldError(td+".timeInformation", err)
	}
	if r.LegActive != nil && !*r.LegActive {
		e.Bool(ber.Context(2), false)
	}
	if r.CallLegReleasedAtTcpExpiry {
		e.Null(ber.Context(3))
	}
	if len(r.Extensions) > 0 {
		if err := encodeExtensions(e, ber.ContextC(4), r.Extensions); err != nil {
			return fieldError(td+".extensions", err)
		}
	}
	if address {
		if err := r.AChChargingAddress.encode(e, ber.ContextC(5)); err != nil {
			return fieldError(td+".aChChargingAddress", err)
		}
	}
	e.End(m)
	return nil
}

// decode reads the CAMEL-CallResult value v for phase ph.
func (c *CallResult) decode(v []byte, ph Phase) error {
	const td = "timeDurationChargingResult"
	*c = CallResult{}
	tlv, err := ber.ParseOnly(v)
	if err != nil {
		return err
	}
	if tlv.Tag != ber.ContextC(0) {
		return ber.ErrUnexpectedTag // the CHOICE has one alternative and no extension marker
	}
	r := &c.TimeDurationChargingResult
	if ph >= Phase4 {
		r.AChChargingAddress = defaultReceivingLeg1
	}
	var haveParty, haveTime bool
	err = eachMember(tlv.Value, func(m ber.TLV) (string, error) {
		if ph == Phase2 && m.Tag.Number > 2 || ph == Phase3 && m.Tag.Number > 4 {
			return "", nil // defined in a later phase: an unknown extension here
		}
		switch m.Tag.Number {
		case 0:
			haveParty = true
			return "partyToCharge", decodeConstructed(m, func(v []byte) (err error) {
				r.PartyToCharge, err = decodeReceivingSideID(v)
				return err
			})
		case 1:
			haveTime = true
			return "timeInformation", decodeConstructed(m, r.TimeInformation.decode)
		case 2:
			active, err := decodeBool(m)
			r.LegActive = &active
			return "legActive", err
		case 3:
			r.CallLegReleasedAtTcpExpiry = true
			return "callLegReleasedAtTcpExpiry", decodeNull(m)
		case 4:
			return "extensions", decodeConstructed(m, r.Extensions.decode)
		case 5:
			return "aChChargingAddress", decodeConstructed(m, r.AChChargingAddress.decode)
		}
		return "", nil
	})
	switch {
	case err != nil:
		return fieldError(td, err)
	case !haveParty:
		return &DecodeError{Field: td + ".partyToCharge", Err: ErrMissing}
	case !haveTime:
		return &DecodeError{Field: td + ".timeInformation", Err: ErrMissing}
	}
	return nil
}

// encode writes the CHOICE under its EXPLICIT field tag t, e.g.
// timeInformation [1] timeIfNoTariffSwitch 1800 (3 minutes): a1 04 80 02 07 08.
func (t *TimeInformation) encode(e *ber.Encoder, tag ber.Tag) error {
	m := e.Begin(tag)
	if s := t.TimeIfTariffSwitch; s != nil {
		if s.TimeSinceTariffSwitch > maxTimeInformation {
			return &DecodeError{Field: "timeIfTariffSwitch.timeSinceTariffSwitch", Err: ErrRange}
		}
		if s.TariffSwitchInterval > maxTimeInformation {
			return &DecodeError{Field: "timeIfTariffSwitch.tariffSwitchInterval", Err: ErrRange}
		}
		sm := e.Begin(ber.ContextC(1))
		e.Int(ber.Context(0), int64(s.TimeSinceTariffSwitch))
		if s.TariffSwitchInterval != 0 {
			e.Int(ber.Context(1), int64(s.TariffSwitchInterval))
		}
		e.End(sm)
	} else {
		if t.TimeIfNoTariffSwitch > maxTimeInformation {
			return &DecodeError{Field: "timeIfNoTariffSwitch", Err: ErrRange}
		}
		e.Int(ber.Context(0), int64(t.TimeIfNoTariffSwitch))
	}
	e.End(m)
	return nil
}

// decode reads the contents of the EXPLICIT field tag.
func (t *TimeInformation) decode(v []byte) error {
	*t = TimeInformation{}
	m, err := ber.ParseOnly(v)
	if err != nil {
		return err
	}
	switch m.Tag {
	case ber.Context(0):
		x, err := decodeInt(m, 0, maxTimeInformation)
		if err != nil {
			return &DecodeError{Field: "timeIfNoTariffSwitch", Err: err}
		}
		t.TimeIfNoTariffSwitch = uint32(x)
		return nil
	case ber.ContextC(1):
		t.TimeIfTariffSwitch = new(TimeIfTariffSwitch)
		return fieldErrorOrNil("timeIfTariffSwitch", t.TimeIfTariffSwitch.decode(m.Value))
	}
	return ber.ErrUnexpectedTag
}

func (s *TimeIfTariffSwitch) decode(v []byte) error {
	r := ber.NewReader(v)
	haveSince := false
	var seen members
	for r.More() {
		m, err := r.Next()
		if err != nil {
			return err
		}
		switch m.Tag {
		case ber.Context(0):
			if err := seen.once(m.Tag, "timeSinceTariffSwitch"); err != nil {
				return err
			}
			x, err := decodeInt(m, 0, maxTimeInformation)
			if err != nil {
				return &DecodeError{Field: "timeSinceTariffSwitch", Err: err}
			}
			s.TimeSinceTariffSwitch, haveSince = uint32(x), true
		case ber.Context(1):
			if err := seen.once(m.Tag, "tariffSwitchInterval"); err != nil {
				return err
			}
			x, err := decodeInt(m, 1, maxTimeInformation)
			if err != nil {
				return &DecodeError{Field: "tariffSwitchInterval", Err: err}
			}
			s.TariffSwitchInterval = uint32(x)
		default:
			return ErrUnknownTag // no extension marker
		}
	}
	if !haveSince {
		return &DecodeError{Field: "timeSinceTariffSwitch", Err: ErrMissing}
	}
	return nil
}
