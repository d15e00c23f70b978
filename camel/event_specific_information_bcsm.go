package camel

import (
	"strconv"

	"github.com/scpd/scpd/sigtran/ber"
)

// EventSpecificInformationBCSM is the CHOICE of CAP-datatypes that says
// what happened at the reported detection point. Exactly one alternative
// is set; the zero value means absent. Each alternative is an extensible
// SEQUENCE: members of later releases are skipped on decode.
//
// MetDPCriteriaList is kept as its raw contents (a SEQUENCE OF CHOICE of
// cell, service area and location area identities of the
// change-of-position DPs, phase 4 only), and so are the DTMF digits of the
// mid-call events (ISUP Generic Digits, Q.763 §3.24).
type EventSpecificInformationBCSM struct {
	RouteSelectFailureSpecificInfo *RouteSelectFailureSpecificInfo `json:"routeSelectFailureSpecificInfo,omitempty"` // [2]
	OCalledPartyBusySpecificInfo   *OCalledPartyBusySpecificInfo   `json:"oCalledPartyBusySpecificInfo,omitempty"`   // [3]
	ONoAnswerSpecificInfo          *ONoAnswerSpecificInfo          `json:"oNoAnswerSpecificInfo,omitempty"`          // [4]
	OAnswerSpecificInfo            *AnswerSpecificInfo             `json:"oAnswerSpecificInfo,omitempty"`            // [5]
	OMidCallSpecificInfo           *MidCallSpecificInfo            `json:"oMidCallSpecificInfo,omitempty"`           // [6]
	ODisconnectSpecificInfo        *DisconnectSpecificInfo         `json:"oDisconnectSpecificInfo,omitempty"`        // [7]
	TBusySpecificInfo              *TBusySpecificInfo              `json:"tBusySpecificInfo,omitempty"`              // [8]
	TNoAnswerSpecificInfo          *TNoAnswerSpecificInfo          `json:"tNoAnswerSpecificInfo,omitempty"`          // [9]
	TAnswerSpecificInfo            *AnswerSpecificInfo             `json:"tAnswerSpecificInfo,omitempty"`            // [10]
	TMidCallSpecificInfo           *MidCallSpecificInfo            `json:"tMidCallSpecificInfo,omitempty"`           // [11]
	TDisconnectSpecificInfo        *DisconnectSpecificInfo         `json:"tDisconnectSpecificInfo,omitempty"`        // [12]
	OTermSeizedSpecificInfo        *LocationSpecificInfo           `json:"oTermSeizedSpecificInfo,omitempty"`        // [13]
	CallAcceptedSpecificInfo       *LocationSpecificInfo           `json:"callAcceptedSpecificInfo,omitempty"`       // [20]
	OAbandonSpecificInfo           *OAbandonSpecificInfo           `json:"oAbandonSpecificInfo,omitempty"`           // [21]
	OChangeOfPositionSpecificInfo  *ChangeOfPositionSpecificInfo   `json:"oChangeOfPositionSpecificInfo,omitempty"`  // [50]
	TChangeOfPositionSpecificInfo  *ChangeOfPositionSpecificInfo   `json:"tChangeOfPositionSpecificInfo,omitempty"`  // [51]
	DpSpecificInfoAlt              *DpSpecificInfoAlt              `json:"dpSpecificInfoAlt,omitempty"`              // [52]
}

// RouteSelectFailureSpecificInfo ::= SEQUENCE { failureCause [0] Cause OPTIONAL, ... }
type RouteSelectFailureSpecificInfo struct {
	FailureCause *Cause `json:"failureCause,omitempty"`
}

// OCalledPartyBusySpecificInfo ::= SEQUENCE { busyCause [0] Cause OPTIONAL, ... }
type OCalledPartyBusySpecificInfo struct {
	BusyCause *Cause `json:"busyCause,omitempty"`
}

// ONoAnswerSpecificInfo ::= SEQUENCE { ... } — no specific information.
type ONoAnswerSpecificInfo struct{}

// AnswerSpecificInfo is the shape of oAnswerSpecificInfo [5] and
// tAnswerSpecificInfo [10]:
//
//	SEQUENCE {
//		destinationAddress    [50] CalledPartyNumber OPTIONAL,
//		or-Call               [51] NULL OPTIONAL,
//		forwardedCall         [52] NULL OPTIONAL,
//		chargeIndicator       [53] ChargeIndicator OPTIONAL,  -- OCTET STRING (SIZE (1)), Q.763
//		ext-basicServiceCode  [54] Ext-BasicServiceCode OPTIONAL,
//		ext-basicServiceCode2 [55] Ext-BasicServiceCode OPTIONAL,
//		... }
type AnswerSpecificInfo struct {
	DestinationAddress   *CalledPartyNumber  `json:"destinationAddress,omitempty"`
	OrCall               bool                `json:"or-Call,omitempty"`
	ForwardedCall        bool                `json:"forwardedCall,omitempty"`
	ChargeIndicator      Octets              `json:"chargeIndicator,omitempty"`
	ExtBasicServiceCode  ExtBasicServiceCode `json:"ext-basicServiceCode,omitzero"`
	ExtBasicServiceCode2 ExtBasicServiceCode `json:"ext-basicServiceCode2,omitzero"`
}

// MidCallSpecificInfo is the shape of oMidCallSpecificInfo [6] and
// tMidCallSpecificInfo [11] (phase 4 DTMF mid-call):
//
//	SEQUENCE {
//		midCallEvents [1] CHOICE {
//			dTMFDigitsCompleted [3] Digits,
//			dTMFDigitsTimeOut   [4] Digits } OPTIONAL,
//		... }
//
// At most one of the two is set; each holds the raw Generic Digits octets
// (2..16, Q.763 §3.24) and aliases the input.
type MidCallSpecificInfo struct {
	DTMFDigitsCompleted Octets `json:"dTMFDigitsCompleted,omitempty"`
	DTMFDigitsTimeOut   Octets `json:"dTMFDigitsTimeOut,omitempty"`
}

// DisconnectSpecificInfo is the shape of oDisconnectSpecificInfo [7] and
// tDisconnectSpecificInfo [12]: SEQUENCE { releaseCause [0] Cause OPTIONAL, ... }.
type DisconnectSpecificInfo struct {
	ReleaseCause *Cause `json:"releaseCause,omitempty"`
}

// TBusySpecificInfo ::= SEQUENCE {
//
//	busyCause                   [0] Cause OPTIONAL,
//	callForwarded               [50] NULL OPTIONAL,
//	routeNotPermitted           [51] NULL OPTIONAL,
//	forwardingDestinationNumber [52] CalledPartyNumber OPTIONAL,
//	... }
type TBusySpecificInfo struct {
	BusyCause                   *Cause             `json:"busyCause,omitempty"`
	CallForwarded               bool               `json:"callForwarded,omitempty"`
	RouteNotPermitted           bool               `json:"routeNotPermitted,omitempty"`
	ForwardingDestinationNumber *CalledPartyNumber `json:"forwardingDestinationNumber,omitempty"`
}

// TNoAnswerSpecificInfo ::= SEQUENCE {
//
//	callForwarded               [50] NULL OPTIONAL,
//	forwardingDestinationNumber [52] CalledPartyNumber OPTIONAL,
//	... }
type TNoAnswerSpecificInfo struct {
	CallForwarded               bool               `json:"callForwarded,omitempty"`
	ForwardingDestinationNumber *CalledPartyNumber `json:"forwardingDestinationNumber,omitempty"`
}

// LocationSpecificInfo is the shape of oTermSeizedSpecificInfo [13] and
// callAcceptedSpecificInfo [20]:
// SEQUENCE { locationInformation [50] LocationInformation OPTIONAL, ... }.
type LocationSpecificInfo struct {
	LocationInformation *LocationInformation `json:"locationInformation,omitempty"`
}

// OAbandonSpecificInfo ::= SEQUENCE { routeNotPermitted [50] NULL OPTIONAL, ... }
type OAbandonSpecificInfo struct {
	RouteNotPermitted bool `json:"routeNotPermitted,omitempty"`
}

// ChangeOfPositionSpecificInfo is the shape of oChangeOfPositionSpecificInfo
// [50] and tChangeOfPositionSpecificInfo [51]:
//
//	SEQUENCE {
//		locationInformation [50] LocationInformation OPTIONAL,
//		...,
//		metDPCriteriaList   [51] MetDPCriteriaList OPTIONAL }
//
// MetDPCriteriaList holds the raw contents of the list.
type ChangeOfPositionSpecificInfo struct {
	LocationInformation *LocationInformation `json:"locationInformation,omitempty"`
	MetDPCriteriaList   Octets               `json:"metDPCriteriaList,omitempty"`
}

// DpSpecificInfoAlt ::= SEQUENCE {
//
//	...,
//	oServiceChangeSpecificInfo [0] SEQUENCE {...},
//	tServiceChangeSpecificInfo [1] SEQUENCE {...},
//	collectedInfoSpecificInfo  [2] SEQUENCE { calledPartyNumber [0] CalledPartyNumber OPTIONAL, ... } }
type DpSpecificInfoAlt struct {
	OServiceChangeSpecificInfo *ServiceChangeSpecificInfo `json:"oServiceChangeSpecificInfo,omitempty"`
	TServiceChangeSpecificInfo *ServiceChangeSpecificInfo `json:"tServiceChangeSpecificInfo,omitempty"`
	CollectedInfoSpecificInfo  *CollectedInfoSpecificInfo `json:"collectedInfoSpecificInfo,omitempty"`
}

// ServiceChangeSpecificInfo is the shape of o/tServiceChangeSpecificInfo:
//
//	SEQUENCE {
//		ext-basicServiceCode     [0] Ext-BasicServiceCode OPTIONAL,
//		...,
//		initiatorOfServiceChange [1] InitiatorOfServiceChange OPTIONAL,
//		natureOfServiceChange    [2] NatureOfServiceChange OPTIONAL }
type ServiceChangeSpecificInfo struct {
	ExtBasicServiceCode      ExtBasicServiceCode       `json:"ext-basicServiceCode,omitzero"`
	InitiatorOfServiceChange *InitiatorOfServiceChange `json:"initiatorOfServiceChange,omitempty"`
	NatureOfServiceChange    *NatureOfServiceChange    `json:"natureOfServiceChange,omitempty"`
}

// CollectedInfoSpecificInfo is SEQUENCE { calledPartyNumber [0] CalledPartyNumber OPTIONAL, ... }.
type CollectedInfoSpecificInfo struct {
	CalledPartyNumber *CalledPartyNumber `json:"calledPartyNumber,omitempty"`
}

// InitiatorOfServiceChange ::= ENUMERATED { a-side (0), b-side (1) }
type InitiatorOfServiceChange uint8

// Initiators of a service change.
const (
	InitiatorASide InitiatorOfServiceChange = 0
	InitiatorBSide InitiatorOfServiceChange = 1
)

func (i InitiatorOfServiceChange) String() string {
	switch i {
	case InitiatorASide:
		return "a-side"
	case InitiatorBSide:
		return "b-side"
	}
	return "initiatorOfServiceChange(" + strconv.Itoa(int(i)) + ")"
}

// MarshalText makes JSON show the name.
func (i InitiatorOfServiceChange) MarshalText() ([]byte, error) { return []byte(i.String()), nil }

// NatureOfServiceChange ::= ENUMERATED { userInitiated (0), networkInitiated (1) }
type NatureOfServiceChange uint8

// Natures of a service change.
const (
	NatureUserInitiated    NatureOfServiceChange = 0
	NatureNetworkInitiated NatureOfServiceChange = 1
)

func (n NatureOfServiceChange) String() string {
	switch n {
	case NatureUserInitiated:
		return "userInitiated"
	case NatureNetworkInitiated:
		return "networkInitiated"
	}
	return "natureOfServiceChange(" + strconv.Itoa(int(n)) + ")"
}

// MarshalText makes JSON show the name.
func (n NatureOfServiceChange) MarshalText() ([]byte, error) { return []byte(n.String()), nil }

// Bounds of the number formats inside (cAPSpecificBoundSet).
const (
	minCalledPartyNumber, maxCalledPartyNumber = 2, 18
	minCause, maxCause                         = 2, 32
	minDigits, maxDigits                       = 2, 16
)

// IsZero reports an absent value (for omitzero).
func (s EventSpecificInformationBCSM) IsZero() bool { return s.alternatives() == 0 }

func (s *EventSpecificInformationBCSM) alternatives() int {
	n := 0
	for _, set := range [...]bool{
		s.RouteSelectFailureSpecificInfo != nil, s.OCalledPartyBusySpecificInfo != nil,
		s.ONoAnswerSpecificInfo != nil, s.OAnswerSpecificInfo != nil, s.OMidCallSpecificInfo != nil,
		s.ODisconnectSpecificInfo != nil, s.TBusySpecificInfo != nil, s.TNoAnswerSpecificInfo != nil,
		s.TAnswerSpecificInfo != nil, s.TMidCallSpecificInfo != nil, s.TDisconnectSpecificInfo != nil,
		s.OTermSeizedSpecificInfo != nil, s.CallAcceptedSpecificInfo != nil, s.OAbandonSpecificInfo != nil,
		s.OChangeOfPositionSpecificInfo != nil, s.TChangeOfPositionSpecificInfo != nil, s.DpSpecificInfoAlt != nil,
	} {
		if set {
			n++
		}
	}
	return n
}

// encode writes the CHOICE under its EXPLICIT field tag t, e.g.
// eventSpecificInformationBCSM [2] oDisconnectSpecificInfo releaseCause
// 'normal clearing': a2 06 a7 04 80 02 80 90.
func (s *EventSpecificInformationBCSM) encode(e *ber.Encoder, t ber.Tag) error {
	if s.alternatives() != 1 {
		return ErrChoice
	}
	m := e.Begin(t)
	var name string
	var err error
	switch {
	case s.RouteSelectFailureSpecificInfo != nil:
		name = "routeSelectFailureSpecificInfo"
		err = encodeCauseInfo(e, 2, "failureCause", s.RouteSelectFailureSpecificInfo.FailureCause)
	case s.OCalledPartyBusySpecificInfo != nil:
		name = "oCalledPartyBusySpecificInfo"
		err = encodeCauseInfo(e, 3, "busyCause", s.OCalledPartyBusySpecificInfo.BusyCause)
	case s.ONoAnswerSpecificInfo != nil:
		e.Octets(ber.ContextC(4), nil)
	case s.OAnswerSpecificInfo != nil:
		name = "oAnswerSpecificInfo"
		err = s.OAnswerSpecificInfo.encode(e, ber.ContextC(5))
	case s.OMidCallSpecificInfo != nil:
		name = "oMidCallSpecificInfo"
		err = s.OMidCallSpecificInfo.encode(e, ber.ContextC(6))
	case s.ODisconnectSpecificInfo != nil:
		name = "oDisconnectSpecificInfo"
		err = encodeCauseInfo(e, 7, "releaseCause", s.ODisconnectSpecificInfo.ReleaseCause)
	case s.TBusySpecificInfo != nil:
		name = "tBusySpecificInfo"
		err = s.TBusySpecificInfo.encode(e, ber.ContextC(8))
	case s.TNoAnswerSpecificInfo != nil:
		name = "tNoAnswerSpecificInfo"
		err = s.TNoAnswerSpecificInfo.encode(e, ber.ContextC(9))
	case s.TAnswerSpecificInfo != nil:
		name = "tAnswerSpecificInfo"
		err = s.TAnswerSpecificInfo.encode(e, ber.ContextC(10))
	case s.TMidCallSpecificInfo != nil:
		name = "tMidCallSpecificInfo"
		err = s.TMidCallSpecificInfo.encode(e, ber.ContextC(11))
	case s.TDisconnectSpecificInfo != nil:
		name = "tDisconnectSpecificInfo"
		err = encodeCauseInfo(e, 12, "releaseCause", s.TDisconnectSpecificInfo.ReleaseCause)
	case s.OTermSeizedSpecificInfo != nil:
		name = "oTermSeizedSpecificInfo"
		err = s.OTermSeizedSpecificInfo.encode(e, ber.ContextC(13))
	case s.CallAcceptedSpecificInfo != nil:
		name = "callAcceptedSpecificInfo"
		err = s.CallAcceptedSpecificInfo.encode(e, ber.ContextC(20))
	case s.OAbandonSpecificInfo != nil:
		im := e.Begin(ber.ContextC(21))
		if s.OAbandonSpecificInfo.RouteNotPermitted {
			e.Null(ber.Context(50))
		}
		e.End(im)
	case s.OChangeOfPositionSpecificInfo != nil:
		name = "oChangeOfPositionSpecificInfo"
		err = s.OChangeOfPositionSpecificInfo.encode(e, ber.ContextC(50))
	case s.TChangeOfPositionSpecificInfo != nil:
		name = "tChangeOfPositionSpecificInfo"
		err = s.TChangeOfPositionSpecificInfo.encode(e, ber.ContextC(51))
	default:
		name = "dpSpecificInfoAlt"
		err = s.DpSpecificInfoAlt.encode(e, ber.ContextC(52))
	}
	if err != nil {
		return fieldError(name, err)
	}
	e.End(m)
	return nil
}

// decode reads the contents of the EXPLICIT field tag: one alternative.
// Any error names the alternative.
func (s *EventSpecificInformationBCSM) decode(v []byte) error {
	*s = EventSpecificInformationBCSM{}
	m, err := ber.ParseOnly(v)
	if err != nil {
		return err
	}
	if m.Tag.Class != ber.ClassContext || !m.Tag.Constructed {
		return ber.ErrUnexpectedTag // every alternative is a SEQUENCE
	}
	var name string
	switch m.Tag.Number {
	case 2:
		name = "routeSelectFailureSpecificInfo"
		s.RouteSelectFailureSpecificInfo = new(RouteSelectFailureSpecificInfo)
		s.RouteSelectFailureSpecificInfo.FailureCause, err = decodeCauseInfo(m.Value, "failureCause")
	case 3:
		name = "oCalledPartyBusySpecificInfo"
		s.OCalledPartyBusySpecificInfo = new(OCalledPartyBusySpecificInfo)
		s.OCalledPartyBusySpecificInfo.BusyCause, err = decodeCauseInfo(m.Value, "busyCause")
	case 4:
		s.ONoAnswerSpecificInfo = new(ONoAnswerSpecificInfo) // contents: extensions only
	case 5:
		name = "oAnswerSpecificInfo"
		s.OAnswerSpecificInfo = new(AnswerSpecificInfo)
		err = s.OAnswerSpecificInfo.decode(m.Value)
	case 6:
		name = "oMidCallSpecificInfo"
		s.OMidCallSpecificInfo = new(MidCallSpecificInfo)
		err = s.OMidCallSpecificInfo.decode(m.Value)
	case 7:
		name = "oDisconnectSpecificInfo"
		s.ODisconnectSpecificInfo = new(DisconnectSpecificInfo)
		s.ODisconnectSpecificInfo.ReleaseCause, err = decodeCauseInfo(m.Value, "releaseCause")
	case 8:
		name = "tBusySpecificInfo"
		s.TBusySpecificInfo = new(TBusySpecificInfo)
		err = s.TBusySpecificInfo.decode(m.Value)
	case 9:
		name = "tNoAnswerSpecificInfo"
		s.TNoAnswerSpecificInfo = new(TNoAnswerSpecificInfo)
		err = s.TNoAnswerSpecificInfo.decode(m.Value)
	case 10:
		name = "tAnswerSpecificInfo"
		s.TAnswerSpecificInfo = new(AnswerSpecificInfo)
		err = s.TAnswerSpecificInfo.decode(m.Value)
	case 11:
		name = "tMidCallSpecificInfo"
		s.TMidCallSpecificInfo = new(MidCallSpecificInfo)
		err = s.TMidCallSpecificInfo.decode(m.Value)
	case 12:
		name = "tDisconnectSpecificInfo"
		s.TDisconnectSpecificInfo = new(DisconnectSpecificInfo)
		s.TDisconnectSpecificInfo.ReleaseCause, err = decodeCauseInfo(m.Value, "releaseCause")
	case 13:
		name = "oTermSeizedSpecificInfo"
		s.OTermSeizedSpecificInfo = new(LocationSpecificInfo)
		err = s.OTermSeizedSpecificInfo.decode(m.Value)
	case 20:
		name = "callAcceptedSpecificInfo"
		s.CallAcceptedSpecificInfo = new(LocationSpecificInfo)
		err = s.CallAcceptedSpecificInfo.decode(m.Value)
	case 21:
		name = "oAbandonSpecificInfo"
		s.OAbandonSpecificInfo = new(OAbandonSpecificInfo)
		err = eachMember(m.Value, func(m ber.TLV) (string, error) {
			if m.Tag.Number != 50 {
				return "", nil
			}
			s.OAbandonSpecificInfo.RouteNotPermitted = true
			return "routeNotPermitted", decodeNull(m)
		})
	case 50:
		name = "oChangeOfPositionSpecificInfo"
		s.OChangeOfPositionSpecificInfo = new(ChangeOfPositionSpecificInfo)
		err = s.OChangeOfPositionSpecificInfo.decode(m.Value)
	case 51:
		name = "tChangeOfPositionSpecificInfo"
		s.TChangeOfPositionSpecificInfo = new(ChangeOfPositionSpecificInfo)
		err = s.TChangeOfPositionSpecificInfo.decode(m.Value)
	case 52:
		name = "dpSpecificInfoAlt"
		s.DpSpecificInfoAlt = new(DpSpecificInfoAlt)
		err = s.DpSpecificInfoAlt.decode(m.Value)
	default:
		return ber.ErrUnexpectedTag // the CHOICE has no extension marker
	}
	if err != nil {
		return fieldError(name, err)
	}
	return nil
}

// eachMember walks the members of an extensible SEQUENCE and hands the
// context-specific ones to f, which returns the ASN.1 name of the member
// it decoded (for the error path) or "" to skip it. Members of other
// classes are extension additions of later releases and are skipped. A
// member f decoded that comes again is refused with ErrDuplicate (X.690
// 8.9.2); a skipped one may repeat.
func eachMember(v []byte, f func(ber.TLV) (string, error)) error {
	var seen members
	r := ber.NewReader(v)
	for r.More() {
		m, err := r.Next()
		if err != nil {
			return err
		}
		if m.Tag.Class != ber.ClassContext {
			continue
		}
		name, err := f(m)
		if err == nil && name != "" {
			err = seen.add(m.Tag)
		}
		if err != nil {
			return fieldError(name, err)
		}
	}
	return nil
}

// encodeCauseInfo writes SEQUENCE { <name> [0] Cause OPTIONAL } under [n].
func encodeCauseInfo(e *ber.Encoder, n uint32, name string, c *Cause) error {
	m := e.Begin(ber.ContextC(n))
	if c != nil {
		if err := encodeNumber(e, ber.Context(0), *c, minCause, maxCause); err != nil {
			return &DecodeError{Field: name, Err: err}
		}
	}
	e.End(m)
	return nil
}

func decodeCauseInfo(v []byte, name string) (c *Cause, err error) {
	err = eachMember(v, func(m ber.TLV) (string, error) {
		if m.Tag.Number != 0 {
			return "", nil
		}
		c = new(Cause)
		return name, decodeNumber(c, m, minCause, maxCause)
	})
	return c, err
}

func (a *AnswerSpecificInfo) encode(e *ber.Encoder, t ber.Tag) error {
	m := e.Begin(t)
	if a.DestinationAddress != nil {
		if err := encodeNumber(e, ber.Context(50), *a.DestinationAddress, minCalledPartyNumber, maxCalledPartyNumber); err != nil {
			return &DecodeError{Field: "destinationAddress", Err: err}
		}
	}
	if a.OrCall {
		e.Null(ber.Context(51))
	}
	if a.ForwardedCall {
		e.Null(ber.Context(52))
	}
	if a.ChargeIndicator != nil {
		if err := encodeOctets(e, ber.Context(53), a.ChargeIndicator, 1, 1); err != nil {
			return &DecodeError{Field: "chargeIndicator", Err: err}
		}
	}
	if !a.ExtBasicServiceCode.IsZero() {
		if err := a.ExtBasicServiceCode.encode(e, ber.ContextC(54)); err != nil {
			return fieldError("ext-basicServiceCode", err)
		}
	}
	if !a.ExtBasicServiceCode2.IsZero() {
		if err := a.ExtBasicServiceCode2.encode(e, ber.ContextC(55)); err != nil {
			return fieldError("ext-basicServiceCode2", err)
		}
	}
	e.End(m)
	return nil
}

func (a *AnswerSpecificInfo) decode(v []byte) error {
	return eachMember(v, func(m ber.TLV) (string, error) {
		switch m.Tag.Number {
		case 50:
			a.DestinationAddress = new(CalledPartyNumber)
			return "destinationAddress", decodeNumber(a.DestinationAddress, m, minCalledPartyNumber, maxCalledPartyNumber)
		case 51:
			a.OrCall = true
			return "or-Call", decodeNull(m)
		case 52:
			a.ForwardedCall = true
			return "forwardedCall", decodeNull(m)
		case 53:
			var err error
			a.ChargeIndicator, err = decodeOctets(m, 1, 1)
			return "chargeIndicator", err
		case 54:
			return "ext-basicServiceCode", decodeConstructed(m, a.ExtBasicServiceCode.decode)
		case 55:
			return "ext-basicServiceCode2", decodeConstructed(m, a.ExtBasicServiceCode2.decode)
		}
		return "", nil
	})
}

func (a *MidCallSpecificInfo) encode(e *ber.Encoder, t ber.Tag) error {
	m := e.Begin(t)
	if a.DTMFDigitsCompleted != nil || a.DTMFDigitsTimeOut != nil {
		if a.DTMFDigitsCompleted != nil && a.DTMFDigitsTimeOut != nil {
			return &DecodeError{Field: "midCallEvents", Err: ErrChoice}
		}
		cm := e.Begin(ber.ContextC(1)) // a tag on a CHOICE is EXPLICIT
		alt, d, name := ber.Context(3), a.DTMFDigitsCompleted, "midCallEvents.dTMFDigitsCompleted"
		if d == nil {
			alt, d, name = ber.Context(4), a.DTMFDigitsTimeOut, "midCallEvents.dTMFDigitsTimeOut"
		}
		if err := encodeOctets(e, alt, d, minDigits, maxDigits); err != nil {
			return &DecodeError{Field: name, Err: err}
		}
		e.End(cm)
	}
	e.End(m)
	return nil
}

func (a *MidCallSpecificInfo) decode(v []byte) error {
	return eachMember(v, func(m ber.TLV) (string, error) {
		if m.Tag.Number != 1 {
			return "", nil
		}
		return "midCallEvents", decodeConstructed(m, func(v []byte) error {
			alt, err := ber.ParseOnly(v)
			if err != nil {
				return err
			}
			switch alt.Tag {
			case ber.Context(3):
				a.DTMFDigitsCompleted, err = decodeOctets(alt, minDigits, maxDigits)
				return fieldErrorOrNil("dTMFDigitsCompleted", err)
			case ber.Context(4):
				a.DTMFDigitsTimeOut, err = decodeOctets(alt, minDigits, maxDigits)
				return fieldErrorOrNil("dTMFDigitsTimeOut", err)
			}
			return ber.ErrUnexpectedTag
		})
	})
}

func (a *TBusySpecificInfo) encode(e *ber.Encoder, t ber.Tag) error {
	m := e.Begin(t)
	if a.BusyCause != nil {
		if err := encodeNumber(e, ber.Context(0), *a.BusyCause, minCause, maxCause); err != nil {
			return &DecodeError{Field: "busyCause", Err: err}
		}
	}
	if a.CallForwarded {
		e.Null(ber.Context(50))
	}
	if a.RouteNotPermitted {
		e.Null(ber.Context(51))
	}
	if a.ForwardingDestinationNumber != nil {
		if err := encodeNumber(e, ber.Context(52), *a.ForwardingDestinationNumber, minCalledPartyNumber, maxCalledPartyNumber); err != nil {
			return &DecodeError{Field: "forwardingDestinationNumber", Err: err}
		}
	}
	e.End(m)
	return nil
}

func (a *TBusySpecificInfo) decode(v []byte) error {
	return eachMember(v, func(m ber.TLV) (string, error) {
		switch m.Tag.Number {
		case 0:
			a.BusyCause = new(Cause)
			return "busyCause", decodeNumber(a.BusyCause, m, minCause, maxCause)
		case 50:
			a.CallForwarded = true
			return "callForwarded", decodeNull(m)
		case 51:
			a.RouteNotPermitted = true
			return "routeNotPermitted", decodeNull(m)
		case 52:
			a.ForwardingDestinationNumber = new(CalledPartyNumber)
			return "forwardingDestinationNumber", decodeNumber(a.ForwardingDestinationNumber, m, minCalledPartyNumber, maxCalledPartyNumber)
		}
		return "", nil
	})
}

func (a *TNoAnswerSpecificInfo) encode(e *ber.Encoder, t ber.Tag) error {
	m := e.Begin(t)
	if a.CallForwarded {
		e.Null(ber.Context(50))
	}
	if a.ForwardingDestinationNumber != nil {
		if err := encodeNumber(e, ber.Context(52), *a.ForwardingDestinationNumber, minCalledPartyNumber, maxCalledPartyNumber); err != nil {
			return &DecodeError{Field: "forwardingDestinationNumber", Err: err}
		}
	}
	e.End(m)
	return nil
}

func (a *TNoAnswerSpecificInfo) decode(v []byte) error {
	return eachMember(v, func(m ber.TLV) (string, error) {
		switch m.Tag.Number {
		case 50:
			a.CallForwarded = true
			return "callForwarded", decodeNull(m)
		case 52:
			a.ForwardingDestinationNumber = new(CalledPartyNumber)
			return "forwardingDestinationNumber", decodeNumber(a.ForwardingDestinationNumber, m, minCalledPartyNumber, maxCalledPartyNumber)
		}
		return "", nil
	})
}

func (a *LocationSpecificInfo) encode(e *ber.Encoder, t ber.Tag) error {
	m := e.Begin(t)
	if a.LocationInformation != nil {
		if err := a.LocationInformation.encode(e, ber.ContextC(50)); err != nil {
			return fieldError("locationInformation", err)
		}
	}
	e.End(m)
	return nil
}

func (a *LocationSpecificInfo) decode(v []byte) error {
	return eachMember(v, func(m ber.TLV) (string, error) {
		if m.Tag.Number != 50 {
			return "", nil
		}
		a.LocationInformation = new(LocationInformation)
		return "locationInformation", a.LocationInformation.decode(m)
	})
}

func (a *ChangeOfPositionSpecificInfo) encode(e *ber.Encoder, t ber.Tag) error {
	m := e.Begin(t)
	if a.LocationInformation != nil {
		if err := a.LocationInformation.encode(e, ber.ContextC(50)); err != nil {
			return fieldError("locationInformation", err)
		}
	}
	if a.MetDPCriteriaList != nil {
		e.Octets(ber.ContextC(51), a.MetDPCriteriaList)
	}
	e.End(m)
	return nil
}

func (a *ChangeOfPositionSpecificInfo) decode(v []byte) error {
	return eachMember(v, func(m ber.TLV) (string, error) {
		switch m.Tag.Number {
		case 50:
			a.LocationInformation = new(LocationInformation)
			return "locationInformation", a.LocationInformation.decode(m)
		case 51:
			_, err := constructedValue(m)
			a.MetDPCriteriaList = decodeRaw(m)
			return "metDPCriteriaList", err
		}
		return "", nil
	})
}

func (a *DpSpecificInfoAlt) encode(e *ber.Encoder, t ber.Tag) error {
	m := e.Begin(t)
	if a.OServiceChangeSpecificInfo != nil {
		if err := a.OServiceChangeSpecificInfo.encode(e, ber.ContextC(0)); err != nil {
			return fieldError("oServiceChangeSpecificInfo", err)
		}
	}
	if a.TServiceChangeSpecificInfo != nil {
		if err := a.TServiceChangeSpecificInfo.encode(e, ber.ContextC(1)); err != nil {
			return fieldError("tServiceChangeSpecificInfo", err)
		}
	}
	if c := a.CollectedInfoSpecificInfo; c != nil {
		im := e.Begin(ber.ContextC(2))
		if c.CalledPartyNumber != nil {
			if err := encodeNumber(e, ber.Context(0), *c.CalledPartyNumber, minCalledPartyNumber, maxCalledPartyNumber); err != nil {
				return &DecodeError{Field: "collectedInfoSpecificInfo.calledPartyNumber", Err: err}
			}
		}
		e.End(im)
	}
	e.End(m)
	return nil
}

func (a *DpSpecificInfoAlt) decode(v []byte) error {
	return eachMember(v, func(m ber.TLV) (string, error) {
		switch m.Tag.Number {
		case 0:
			a.OServiceChangeSpecificInfo = new(ServiceChangeSpecificInfo)
			return "oServiceChangeSpecificInfo", decodeConstructed(m, a.OServiceChangeSpecificInfo.decode)
		case 1:
			a.TServiceChangeSpecificInfo = new(ServiceChangeSpecificInfo)
			return "tServiceChangeSpecificInfo", decodeConstructed(m, a.TServiceChangeSpecificInfo.decode)
		case 2:
			c := new(CollectedInfoSpecificInfo)
			a.CollectedInfoSpecificInfo = c
			return "collectedInfoSpecificInfo", decodeConstructed(m, func(v []byte) error {
				return eachMember(v, func(m ber.TLV) (string, error) {
					if m.Tag.Number != 0 {
						return "", nil
					}
					c.CalledPartyNumber = new(CalledPartyNumber)
					return "calledPartyNumber", decodeNumber(c.CalledPartyNumber, m, minCalledPartyNumber, maxCalledPartyNumber)
				})
			})
		}
		return "", nil
	})
}

func (a *ServiceChangeSpecificInfo) encode(e *ber.Encoder, t ber.Tag) error {
	m := e.Begin(t)
	if !a.ExtBasicServiceCode.IsZero() {
		if err := a.ExtBasicServiceCode.encode(e, ber.ContextC(0)); err != nil {
			return fieldError("ext-basicServiceCode", err)
		}
	}
	if a.InitiatorOfServiceChange != nil {
		if *a.InitiatorOfServiceChange > InitiatorBSide {
			return &DecodeError{Field: "initiatorOfServiceChange", Err: ErrRange}
		}
		e.Int(ber.Context(1), int64(*a.InitiatorOfServiceChange))
	}
	if a.NatureOfServiceChange != nil {
		if *a.NatureOfServiceChange > NatureNetworkInitiated {
			return &DecodeError{Field: "natureOfServiceChange", Err: ErrRange}
		}
		e.Int(ber.Context(2), int64(*a.NatureOfServiceChange))
	}
	e.End(m)
	return nil
}

func (a *ServiceChangeSpecificInfo) decode(v []byte) error {
	return eachMember(v, func(m ber.TLV) (string, error) {
		switch m.Tag.Number {
		case 0:
			return "ext-basicServiceCode", decodeConstructed(m, a.ExtBasicServiceCode.decode)
		case 1:
			x, err := decodeInt(m, 0, 1)
			i := InitiatorOfServiceChange(x)
			a.InitiatorOfServiceChange = &i
			return "initiatorOfServiceChange", err
		case 2:
			x, err := decodeInt(m, 0, 1)
			n := NatureOfServiceChange(x)
			a.NatureOfServiceChange = &n
			return "natureOfServiceChange", err
		}
		return "", nil
	})
}
