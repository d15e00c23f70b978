package camel

import (
	"strconv"

	"github.com/scpd/scpd/sigtran/ber"
)

// InitialDPArg is the argument of InitialDP (opcode 0), gsmSSF → gsmSCF:
// the MSC met a trigger detection point and asks the SCP for instructions
// (TS 29.078 §6.1.1, CAP-gsmSSF-gsmSCF-ops-args InitialDPArg).
//
// Every field of phases 2 to 4 is here; only initialDPArgExtension [59]
// changes shape with the phase (InitialDPArgExtensionV2 in phase 2, see
// InitialDPArgExtension). Members a phase does not define are skipped on
// decode, as unknown extensions are. Number, Octets and Extensions fields
// alias the decoded parameter.
type InitialDPArg struct {
	ServiceKey            uint32                 `json:"serviceKey"` // Integer4
	CalledPartyNumber     CalledPartyNumber      `json:"calledPartyNumber,omitzero"`
	CallingPartyNumber    CallingPartyNumber     `json:"callingPartyNumber,omitzero"`
	CallingPartysCategory *CallingPartysCategory `json:"callingPartysCategory,omitempty"`
	CGEncountered         *CGEncountered         `json:"cGEncountered,omitempty"`
	// IPSSPCapabilities is 1..4 octets: a standard part (bit 0 IPRoutingAddress,
	// bit 1 VoiceBack, …) then a bilateral part.
	IPSSPCapabilities     Octets            `json:"iPSSPCapabilities,omitempty"`
	LocationNumber        LocationNumber    `json:"locationNumber,omitzero"`
	OriginalCalledPartyID RedirectingNumber `json:"originalCalledPartyID,omitzero"`
	Extensions            Extensions        `json:"extensions,omitempty"`
	// HighLayerCompatibility is the two-octet Q.931 high layer compatibility.
	HighLayerCompatibility          Octets                           `json:"highLayerCompatibility,omitempty"`
	AdditionalCallingPartyNumber    GenericNumber                    `json:"additionalCallingPartyNumber,omitzero"`
	BearerCapability                BearerCapability                 `json:"bearerCapability,omitzero"`
	EventTypeBCSM                   EventTypeBCSM                    `json:"eventTypeBCSM,omitzero"`
	RedirectingPartyID              RedirectingNumber                `json:"redirectingPartyID,omitzero"`
	RedirectionInformation          *RedirectionInformation          `json:"redirectionInformation,omitempty"`
	Cause                           *Cause                           `json:"cause,omitempty"`
	ServiceInteractionIndicatorsTwo *ServiceInteractionIndicatorsTwo `json:"serviceInteractionIndicatorsTwo,omitempty"`
	// Carrier is the North American carrier: selection octet, then the
	// three-octet carrier ID (ANSI T1.113).
	Carrier             Octets               `json:"carrier,omitempty"`
	CUGIndex            *uint16              `json:"cug-Index,omitempty"`     // 0..32767
	CUGInterlock        Octets               `json:"cug-Interlock,omitempty"` // 4 octets
	CUGOutgoingAccess   bool                 `json:"cug-OutgoingAccess,omitempty"`
	IMSI                IMSI                 `json:"iMSI,omitempty"`
	SubscriberState     SubscriberState      `json:"subscriberState,omitzero"`
	LocationInformation *LocationInformation `json:"locationInformation,omitempty"`
	ExtBasicServiceCode ExtBasicServiceCode  `json:"ext-basicServiceCode,omitzero"`
	// CallReferenceNumber is the MSC's 1..8-octet call reference (MAP-CH-DataTypes).
	CallReferenceNumber Octets        `json:"callReferenceNumber,omitempty"`
	MSCAddress          AddressString `json:"mscAddress,omitzero"`
	// CalledPartyBCDNumber is the number the mobile dialled (TS 24.008
	// §10.5.4.7), which has the layout of AddressString.
	CalledPartyBCDNumber    AddressString          `json:"calledPartyBCDNumber,omitzero"`
	TimeAndTimezone         TimeAndTimezone        `json:"timeAndTimezone,omitzero"`
	CallForwardingSSPending bool                   `json:"callForwardingSS-Pending,omitempty"`
	InitialDPArgExtension   *InitialDPArgExtension `json:"initialDPArgExtension,omitempty"`
}

// Bounds of cAPSpecificBoundSet (CAP-classes) and of the MAP types, beside
// minCalledPartyNumber, minDigits, minCause, maxInteger4 and the
// maxima defined with them.
const (
	minCallingNumber  = 2 // also LocationNumber, OriginalCalledPartyID, RedirectingPartyID
	maxCallingNumber  = 10
	maxCalledPartyBCD = 41
	maxCUGIndex       = 32767 // MAP CUG-Index
)

// Opcode returns OpInitialDP.
func (a *InitialDPArg) Opcode() Opcode { return OpInitialDP }

// Encode writes the argument.
func (a *InitialDPArg) Encode(e *ber.Encoder, ph Phase) error {
	const typ = "InitialDPArg"
	m := e.Begin(ber.TagSequence)
	if a.ServiceKey > maxInteger4 {
		return encodeErr(typ, "serviceKey", ErrRange)
	}
	e.Int(ber.Context(0), int64(a.ServiceKey))
	if a.CalledPartyNumber != (CalledPartyNumber{}) {
		if err := encodeNumber(e, ber.Context(2), a.CalledPartyNumber, minCalledPartyNumber, maxCalledPartyNumber); err != nil {
			return encodeErr(typ, "calledPartyNumber", err)
		}
	}
	if a.CallingPartyNumber != (CallingPartyNumber{}) {
		if err := encodeNumber(e, ber.Context(3), a.CallingPartyNumber, minCallingNumber, maxCallingNumber); err != nil {
			return encodeErr(typ, "callingPartyNumber", err)
		}
	}
	if a.CallingPartysCategory != nil {
		e.Octets(ber.Context(5), []byte{byte(*a.CallingPartysCategory)})
	}
	if a.CGEncountered != nil {
		if *a.CGEncountered > SCPOverload {
			return encodeErr(typ, "cGEncountered", ErrRange)
		}
		e.Int(ber.Context(7), int64(*a.CGEncountered))
	}
	if a.IPSSPCapabilities != nil {
		if err := encodeOctets(e, ber.Context(8), a.IPSSPCapabilities, 1, 4); err != nil {
			return encodeErr(typ, "iPSSPCapabilities", err)
		}
	}
	if a.LocationNumber != (LocationNumber{}) {
		if err := encodeNumber(e, ber.Context(10), a.LocationNumber, minCallingNumber, maxCallingNumber); err != nil {
			return encodeErr(typ, "locationNumber", err)
		}
	}
	if a.OriginalCalledPartyID != (RedirectingNumber{}) {
		if err := encodeNumber(e, ber.Context(12), a.OriginalCalledPartyID, minCallingNumber, maxCallingNumber); err != nil {
			return encodeErr(typ, "originalCalledPartyID", err)
		}
	}
	if a.Extensions != nil {
		if err := encodeExtensions(e, ber.ContextC(15), a.Extensions); err != nil {
			return encodeErr(typ, "extensions", err)
		}
	}
	if a.HighLayerCompatibility != nil {
		if err := encodeOctets(e, ber.Context(23), a.HighLayerCompatibility, 2, 2); err != nil {
			return encodeErr(typ, "highLayerCompatibility", err)
		}
	}
	if a.AdditionalCallingPartyNumber != (GenericNumber{}) {
		if err := encodeNumber(e, ber.Context(25), a.AdditionalCallingPartyNumber, minDigits, maxDigits); err != nil {
			return encodeErr(typ, "additionalCallingPartyNumber", err)
		}
	}
	if !a.BearerCapability.IsZero() {
		if err := a.BearerCapability.encode(e, ber.ContextC(27)); err != nil {
			return encodeErr(typ, "bearerCapability", err)
		}
	}
	if a.EventTypeBCSM != 0 {
		e.Int(ber.Context(28), int64(a.EventTypeBCSM))
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
	if a.Cause != nil {
		if err := encodeNumber(e, ber.Context(17), *a.Cause, minCause, maxCause); err != nil {
			return encodeErr(typ, "cause", err)
		}
	}
	if a.ServiceInteractionIndicatorsTwo != nil {
		if err := a.ServiceInteractionIndicatorsTwo.encode(e, ber.ContextC(32)); err != nil {
			return encodeErr(typ, "serviceInteractionIndicatorsTwo", err)
		}
	}
	if a.Carrier != nil {
		if err := encodeOctets(e, ber.Context(37), a.Carrier, 4, 4); err != nil {
			return encodeErr(typ, "carrier", err)
		}
	}
	if a.CUGIndex != nil {
		if *a.CUGIndex > maxCUGIndex {
			return encodeErr(typ, "cug-Index", ErrRange)
		}
		e.Int(ber.Context(45), int64(*a.CUGIndex))
	}
	if a.CUGInterlock != nil {
		if err := encodeOctets(e, ber.Context(46), a.CUGInterlock, 4, 4); err != nil {
			return encodeErr(typ, "cug-Interlock", err)
		}
	}
	if a.CUGOutgoingAccess {
		e.Null(ber.Context(47))
	}
	if a.IMSI != "" {
		if err := appendValue(e, ber.Context(50), a.IMSI); err != nil {
			return encodeErr(typ, "iMSI", err)
		}
	}
	if a.SubscriberState != (SubscriberState{}) {
		if err := a.SubscriberState.encode(e, ber.ContextC(51)); err != nil {
			return encodeErr(typ, "subscriberState", err)
		}
	}
	if a.LocationInformation != nil {
		if err := a.LocationInformation.encode(e, ber.ContextC(52)); err != nil {
			return encodeErr(typ, "locationInformation", err)
		}
	}
	if !a.ExtBasicServiceCode.IsZero() {
		if err := a.ExtBasicServiceCode.encode(e, ber.ContextC(53)); err != nil {
			return encodeErr(typ, "ext-basicServiceCode", err)
		}
	}
	if a.CallReferenceNumber != nil {
		if err := encodeOctets(e, ber.Context(54), a.CallReferenceNumber, 1, 8); err != nil {
			return encodeErr(typ, "callReferenceNumber", err)
		}
	}
	if a.MSCAddress != (AddressString{}) {
		if err := encodeNumber(e, ber.Context(55), a.MSCAddress, 1, maxISDNAddressLength); err != nil {
			return encodeErr(typ, "mscAddress", err)
		}
	}
	if a.CalledPartyBCDNumber != (AddressString{}) {
		if err := encodeNumber(e, ber.Context(56), a.CalledPartyBCDNumber, 1, maxCalledPartyBCD); err != nil {
			return encodeErr(typ, "calledPartyBCDNumber", err)
		}
	}
	if a.TimeAndTimezone != (TimeAndTimezone{}) {
		if err := encodeNumber(e, ber.Context(57), a.TimeAndTimezone, 8, 8); err != nil {
			return encodeErr(typ, "timeAndTimezone", err)
		}
	}
	if a.CallForwardingSSPending {
		e.Null(ber.Context(58))
	}
	if a.InitialDPArgExtension != nil {
		if err := a.InitialDPArgExtension.encode(e, ber.ContextC(59), ph); err != nil {
			return encodeErr(typ, "initialDPArgExtension", err)
		}
	}
	e.End(m)
	return nil
}

// Decode reads the argument. Members with tags the module does not define
// for the phase are skipped (InitialDPArg is extensible). Wireshark 4.0
// instead flags such a member as "BER Error: This field lies beyond the end
// of the known sequence definition" (Warning/Malformed) and stops showing
// the members after it, so a capture with a later release's additions
// looks broken in Wireshark while scpd reads it.
func (a *InitialDPArg) Decode(param []byte, ph Phase) error {
	const typ = "InitialDPArg"
	r, err := openSequence(param, ber.TagSequence, typ)
	if err != nil {
		return err
	}
	*a = InitialDPArg{}
	haveKey := false
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
			field = "serviceKey"
			var v int64
			v, err = decodeInt(m, 0, maxInteger4)
			a.ServiceKey, haveKey = uint32(v), err == nil
		case 2:
			field = "calledPartyNumber"
			err = decodeNumber(&a.CalledPartyNumber, m, minCalledPartyNumber, maxCalledPartyNumber)
		case 3:
			field = "callingPartyNumber"
			err = decodeNumber(&a.CallingPartyNumber, m, minCallingNumber, maxCallingNumber)
		case 5:
			field = "callingPartysCategory"
			var v []byte
			if v, err = primitiveValue(m); err == nil {
				a.CallingPartysCategory, err = decodeCallingPartysCategory(v)
			}
		case 7:
			field = "cGEncountered"
			var v int64
			if v, err = decodeInt(m, 0, int64(SCPOverload)); err == nil {
				cg := CGEncountered(v)
				a.CGEncountered = &cg
			}
		case 8:
			field = "iPSSPCapabilities"
			a.IPSSPCapabilities, err = decodeOctets(m, 1, 4)
		case 10:
			field = "locationNumber"
			err = decodeNumber(&a.LocationNumber, m, minCallingNumber, maxCallingNumber)
		case 12:
			field = "originalCalledPartyID"
			err = decodeNumber(&a.OriginalCalledPartyID, m, minCallingNumber, maxCallingNumber)
		case 15:
			field = "extensions"
			err = decodeConstructed(m, a.Extensions.decode)
		case 23:
			field = "highLayerCompatibility"
			a.HighLayerCompatibility, err = decodeOctets(m, 2, 2)
		case 25:
			field = "additionalCallingPartyNumber"
			err = decodeNumber(&a.AdditionalCallingPartyNumber, m, minDigits, maxDigits)
		case 27:
			field = "bearerCapability"
			err = a.BearerCapability.decode(m)
		case 28:
			field = "eventTypeBCSM"
			a.EventTypeBCSM, err = decodeEventTypeBCSM(m)
		case 29:
			field = "redirectingPartyID"
			err = decodeNumber(&a.RedirectingPartyID, m, minCallingNumber, maxCallingNumber)
		case 30:
			field = "redirectionInformation"
			a.RedirectionInformation = new(RedirectionInformation)
			err = decodeNumber(a.RedirectionInformation, m, 2, 2)
		case 17:
			field = "cause"
			a.Cause = new(Cause)
			err = decodeNumber(a.Cause, m, minCause, maxCause)
		case 32:
			field = "serviceInteractionIndicatorsTwo"
			a.ServiceInteractionIndicatorsTwo = new(ServiceInteractionIndicatorsTwo)
			err = a.ServiceInteractionIndicatorsTwo.decode(m)
		case 37:
			field = "carrier"
			a.Carrier, err = decodeOctets(m, 4, 4)
		case 45:
			field = "cug-Index"
			var v int64
			if v, err = decodeInt(m, 0, maxCUGIndex); err == nil {
				i := uint16(v)
				a.CUGIndex = &i
			}
		case 46:
			field = "cug-Interlock"
			a.CUGInterlock, err = decodeOctets(m, 4, 4)
		case 47:
			field = "cug-OutgoingAccess"
			err = decodeNull(m)
			a.CUGOutgoingAccess = err == nil
		case 50:
			field = "iMSI"
			err = decodeNumber(&a.IMSI, m, 3, 8)
		case 51:
			field = "subscriberState"
			err = a.SubscriberState.decode(m)
		case 52:
			field = "locationInformation"
			a.LocationInformation = new(LocationInformation)
			err = a.LocationInformation.decode(m)
		case 53:
			field = "ext-basicServiceCode"
			err = decodeConstructed(m, a.ExtBasicServiceCode.decode)
		case 54:
			field = "callReferenceNumber"
			a.CallReferenceNumber, err = decodeOctets(m, 1, 8)
		case 55:
			field = "mscAddress"
			err = decodeNumber(&a.MSCAddress, m, 1, maxISDNAddressLength)
		case 56:
			field = "calledPartyBCDNumber"
			err = decodeNumber(&a.CalledPartyBCDNumber, m, 1, maxCalledPartyBCD)
		case 57:
			field = "timeAndTimezone"
			err = decodeNumber(&a.TimeAndTimezone, m, 8, 8)
		case 58:
			field = "callForwardingSS-Pending"
			err = decodeNull(m)
			a.CallForwardingSSPending = err == nil
		case 59:
			field = "initialDPArgExtension"
			a.InitialDPArgExtension = new(InitialDPArgExtension)
			err = a.InitialDPArgExtension.decode(m, ph)
		}
		if err == nil && field != "" {
			err = seen.add(m.Tag)
		}
		if err != nil {
			return fieldError(typ+"."+field, err)
		}
	}
	if !haveKey {
		return &DecodeError{Field: typ + ".serviceKey", Err: ErrMissing}
	}
	return nil
}

// CGEncountered is the type of automatic call gapping met (CAP-datatypes).
// noCGencountered (0) is legal, so the field is a pointer.
type CGEncountered uint8

// CGEncountered values.
const (
	NoCGEncountered     CGEncountered = 0
	ManualCGEncountered CGEncountered = 1
	SCPOverload         CGEncountered = 2
)

func (c CGEncountered) String() string {
	switch c {
	case NoCGEncountered:
		return "noCGencountered"
	case ManualCGEncountered:
		return "manualCGencountered"
	case SCPOverload:
		return "scpOverload"
	}
	return "cGEncountered(" + strconv.Itoa(int(c)) + ")"
}

// MarshalText makes JSON show the name.
func (c CGEncountered) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// BearerCapability is the CAP CHOICE of that name, whose only alternative
// bearerCap [0] holds 2..11 octets of ISUP User Service Information
// (Q.763 §3.57, the Q.931 bearer capability layout).
type BearerCapability struct {
	BearerCap Octets `json:"bearerCap,omitempty"`
}

const maxBearerCapability = 11 // MAXIMUM-FOR-BEARER-CAPABILITY

// IsZero reports an absent value (for omitzero).
func (b BearerCapability) IsZero() bool { return b.BearerCap == nil }

func (b BearerCapability) encode(e *ber.Encoder, t ber.Tag) error {
	m := e.Begin(t) // a tag on a CHOICE is EXPLICIT
	if err := encodeOctets(e, ber.Context(0), b.BearerCap, 2, maxBearerCapability); err != nil {
		return &DecodeError{Field: "bearerCap", Err: err}
	}
	e.End(m)
	return nil
}

func (b *BearerCapability) decode(m ber.TLV) error {
	if !m.Tag.Constructed {
		return ber.ErrUnexpectedTag
	}
	alt, err := ber.ParseOnly(m.Value)
	if err != nil {
		return err
	}
	if alt.Tag != ber.Context(0) {
		return ber.ErrUnexpectedTag
	}
	if b.BearerCap, err = decodeOctets(alt, 2, maxBearerCapability); err != nil {
		return &DecodeError{Field: "bearerCap", Err: err}
	}
	return nil
}

// SubscriberState is the MAP SubscriberState CHOICE (TS 29.002
// MAP-MS-DataTypes) as the VLR reports it in InitialDP. The zero value
// means absent.
type SubscriberState struct {
	Alternative SubscriberStateAlternative
	// NotReachableReason goes with NetDetNotReachable.
	NotReachableReason NotReachableReason
}

// SubscriberStateAlternative names the CHOICE alternative.
type SubscriberStateAlternative uint8

// Alternatives of SubscriberState used in CAP (the PS alternatives that
// MAP ATI adds are not sent in InitialDP).
const (
	AssumedIdle        SubscriberStateAlternative = 1 // [0] NULL
	CamelBusy          SubscriberStateAlternative = 2 // [1] NULL
	NetDetNotReachable SubscriberStateAlternative = 3 // NotReachableReason, untagged
	NotProvidedFromVLR SubscriberStateAlternative = 4 // [2] NULL
)

// NotReachableReason is the MAP ENUMERATED of that name.
type NotReachableReason uint8

// NotReachableReason values.
const (
	MSPurged       NotReachableReason = 0
	IMSIDetached   NotReachableReason = 1
	RestrictedArea NotReachableReason = 2
	NotRegistered  NotReachableReason = 3
)

var notReachableReasonNames = [...]string{"msPurged", "imsiDetached", "restrictedArea", "notRegistered"}

func (r NotReachableReason) String() string {
	if int(r) < len(notReachableReasonNames) {
		return notReachableReasonNames[r]
	}
	return "notReachableReason(" + strconv.Itoa(int(r)) + ")"
}

// String gives the alternative's name, with the reason for netDetNotReachable.
func (s SubscriberState) String() string {
	switch s.Alternative {
	case AssumedIdle:
		return "assumedIdle"
	case CamelBusy:
		return "camelBusy"
	case NetDetNotReachable:
		return "netDetNotReachable: " + s.NotReachableReason.String()
	case NotProvidedFromVLR:
		return "notProvidedFromVLR"
	}
	return "subscriberState(" + strconv.Itoa(int(s.Alternative)) + ")"
}

// MarshalText makes JSON show the String form.
func (s SubscriberState) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

func (s SubscriberState) encode(e *ber.Encoder, t ber.Tag) error {
	m := e.Begin(t) // a tag on a CHOICE is EXPLICIT
	switch s.Alternative {
	case AssumedIdle:
		e.Null(ber.Context(0))
	case CamelBusy:
		e.Null(ber.Context(1))
	case NetDetNotReachable:
		if s.NotReachableReason > NotRegistered {
			return &DecodeError{Field: "netDetNotReachable", Err: ErrRange}
		}
		e.Int(ber.TagEnumerated, int64(s.NotReachableReason))
	case NotProvidedFromVLR:
		e.Null(ber.Context(2))
	default:
		return ErrChoice
	}
	e.End(m)
	return nil
}

func (s *SubscriberState) decode(m ber.TLV) error {
	if !m.Tag.Constructed {
		return ber.ErrUnexpectedTag
	}
	alt, err := ber.ParseOnly(m.Value)
	if err != nil {
		return err
	}
	switch alt.Tag {
	case ber.Context(0):
		*s, err = SubscriberState{Alternative: AssumedIdle}, decodeNull(alt)
	case ber.Context(1):
		*s, err = SubscriberState{Alternative: CamelBusy}, decodeNull(alt)
	case ber.Context(2):
		*s, err = SubscriberState{Alternative: NotProvidedFromVLR}, decodeNull(alt)
	case ber.TagEnumerated:
		var v int64
		if v, err = intIn(alt.Value, 0, int64(NotRegistered)); err != nil {
			return &DecodeError{Field: "netDetNotReachable", Err: err}
		}
		*s = SubscriberState{Alternative: NetDetNotReachable, NotReachableReason: NotReachableReason(v)}
	default:
		return ber.ErrUnexpectedTag
	}
	return err
}
