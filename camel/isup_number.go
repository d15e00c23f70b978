package camel

import "strconv"

// NatureOfAddress is the ISUP nature of address indicator (Q.763 §3.9 b).
type NatureOfAddress uint8

// Nature of address values of Q.763.
const (
	NAISubscriber      NatureOfAddress = 1
	NAIUnknown         NatureOfAddress = 2
	NAINational        NatureOfAddress = 3
	NAIInternational   NatureOfAddress = 4
	NAINetworkSpecific NatureOfAddress = 5
)

func (n NatureOfAddress) String() string {
	switch n {
	case NAISubscriber:
		return "subscriber"
	case NAIUnknown:
		return "unknown"
	case NAINational:
		return "national"
	case NAIInternational:
		return "international"
	case NAINetworkSpecific:
		return "network-specific"
	}
	return "nai(" + strconv.Itoa(int(n)) + ")"
}

// MarshalText makes JSON show the name.
func (n NatureOfAddress) MarshalText() ([]byte, error) { return []byte(n.String()), nil }

// NumberingPlan is the ISUP numbering plan indicator (Q.763 §3.9 d).
type NumberingPlan uint8

// Numbering plans of Q.763.
const (
	NPIISDN    NumberingPlan = 1 // E.164
	NPIData    NumberingPlan = 3 // X.121
	NPITelex   NumberingPlan = 4 // F.69
	NPIPrivate NumberingPlan = 5
)

func (n NumberingPlan) String() string {
	switch n {
	case NPIISDN:
		return "isdn"
	case NPIData:
		return "data"
	case NPITelex:
		return "telex"
	case NPIPrivate:
		return "private"
	}
	return "npi(" + strconv.Itoa(int(n)) + ")"
}

// MarshalText makes JSON show the name.
func (n NumberingPlan) MarshalText() ([]byte, error) { return []byte(n.String()), nil }

// Presentation is the address presentation restricted indicator (Q.763 §3.10 e).
type Presentation uint8

// Presentation values.
const (
	PresentationAllowed      Presentation = 0
	PresentationRestricted   Presentation = 1
	PresentationNotAvailable Presentation = 2
)

func (p Presentation) String() string {
	switch p {
	case PresentationAllowed:
		return "allowed"
	case PresentationRestricted:
		return "restricted"
	case PresentationNotAvailable:
		return "address-not-available"
	}
	return "apri(" + strconv.Itoa(int(p)) + ")"
}

// MarshalText makes JSON show the name.
func (p Presentation) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// Screening is the screening indicator (Q.763 §3.10 f).
type Screening uint8

// Screening values.
const (
	ScreeningUserNotVerified Screening = 0
	ScreeningUserPassed      Screening = 1
	ScreeningUserFailed      Screening = 2
	ScreeningNetwork         Screening = 3
)

func (s Screening) String() string {
	switch s {
	case ScreeningUserNotVerified:
		return "user-provided-not-verified"
	case ScreeningUserPassed:
		return "user-provided-verified-passed"
	case ScreeningUserFailed:
		return "user-provided-verified-failed"
	}
	return "network-provided"
}

// MarshalText makes JSON show the name.
func (s Screening) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// CalledPartyNumber is the ISUP Called Party Number (Q.763 §3.9), used by
// CAP for calledPartyNumber, destinationRoutingAddress, destinationAddress.
// The odd/even indicator follows from len(Digits).
type CalledPartyNumber struct {
	NatureOfAddress NatureOfAddress `json:"natureOfAddress"`
	// INN is the internal network number indicator: true means routing to
	// an internal network number is not allowed (Q.763 §3.9 c).
	INN           bool          `json:"innIndicator"`
	NumberingPlan NumberingPlan `json:"numberingPlan"`
	Digits        string        `json:"digits"`
}

// AppendBinary appends the ISUP encoding.
func (n CalledPartyNumber) AppendBinary(b []byte) ([]byte, error) {
	if n.NatureOfAddress > 0x7f || n.NumberingPlan > 7 {
		return nil, ErrRange // would not fit its field: fail rather than mask
	}
	b = append(b, oddBit(n.Digits)|byte(n.NatureOfAddress), b2(n.INN)<<7|byte(n.NumberingPlan)<<4)
	return appendBCD(b, n.Digits, isupCodes, 0)
}

// UnmarshalBinary decodes the ISUP encoding.
func (n *CalledPartyNumber) UnmarshalBinary(b []byte) error {
	if len(b) < 2 {
		return ErrSize
	}
	*n = CalledPartyNumber{
		NatureOfAddress: NatureOfAddress(b[0] & 0x7f),
		INN:             b[1]&0x80 != 0,
		NumberingPlan:   NumberingPlan(b[1] >> 4 & 7),
		Digits:          isupDigits(b[2:], b[0]&0x80 != 0),
	}
	return checkOdd(b)
}

// CallingPartyNumber is the ISUP Calling Party Number (Q.763 §3.10).
type CallingPartyNumber struct {
	NatureOfAddress NatureOfAddress `json:"natureOfAddress"`
	// Incomplete is the number incomplete indicator (NI).
	Incomplete    bool          `json:"numberIncomplete,omitempty"`
	NumberingPlan NumberingPlan `json:"numberingPlan"`
	Presentation  Presentation  `json:"presentation"`
	Screening     Screening     `json:"screening"`
	Digits        string        `json:"digits"`
}

// AppendBinary appends the ISUP encoding.
func (n CallingPartyNumber) AppendBinary(b []byte) ([]byte, error) {
	if n.NatureOfAddress > 0x7f || n.NumberingPlan > 7 || n.Presentation > 3 || n.Screening > 3 {
		return nil, ErrRange // would not fit its field: fail rather than mask
	}
	b = append(b, oddBit(n.Digits)|byte(n.NatureOfAddress),
		b2(n.Incomplete)<<7|byte(n.NumberingPlan)<<4|byte(n.Presentation)<<2|byte(n.Screening))
	return appendBCD(b, n.Digits, isupCodes, 0)
}

// UnmarshalBinary decodes the ISUP encoding.
func (n *CallingPartyNumber) UnmarshalBinary(b []byte) error {
	if len(b) < 2 {
		return ErrSize
	}
	*n = CallingPartyNumber{
		NatureOfAddress: NatureOfAddress(b[0] & 0x7f),
		Incomplete:      b[1]&0x80 != 0,
		NumberingPlan:   NumberingPlan(b[1] >> 4 & 7),
		Presentation:    Presentation(b[1] >> 2 & 3),
		Screening:       Screening(b[1] & 3),
		Digits:          isupDigits(b[2:], b[0]&0x80 != 0),
	}
	return checkOdd(b)
}

// checkOdd rejects an odd indicator with no address signal octet: an odd
// count of no digits is malformed (Q.763 §3.9 a).
func checkOdd(b []byte) error {
	if b[0]&0x80 != 0 && len(b) == 2 {
		return ErrDigits
	}
	return nil
}

// LocationNumber is the ISUP Location Number (Q.763 §3.30), also the format
// of CAP ChargeNumber. Octet 2 carries INN where Calling Party Number
// carries NI.
type LocationNumber struct {
	NatureOfAddress NatureOfAddress `json:"natureOfAddress"`
	INN             bool            `json:"innIndicator"`
	NumberingPlan   NumberingPlan   `json:"numberingPlan"`
	Presentation    Presentation    `json:"presentation"`
	Screening       Screening       `json:"screening"`
	Digits          string          `json:"digits"`
}

// AppendBinary appends the ISUP encoding.
func (n LocationNumber) AppendBinary(b []byte) ([]byte, error) {
	return CallingPartyNumber{n.NatureOfAddress, n.INN, n.NumberingPlan, n.Presentation, n.Screening, n.Digits}.AppendBinary(b)
}

// UnmarshalBinary decodes the ISUP encoding.
func (n *LocationNumber) UnmarshalBinary(b []byte) error {
	var c CallingPartyNumber
	if err := c.UnmarshalBinary(b); err != nil {
		return err
	}
	*n = LocationNumber{c.NatureOfAddress, c.Incomplete, c.NumberingPlan, c.Presentation, c.Screening, c.Digits}
	return nil
}

// RedirectingNumber is the format of ISUP Original Called Number (§3.39)
// and Redirecting Number (§3.44), which CAP carries as
// originalCalledPartyID and redirectingPartyID.
type RedirectingNumber struct {
	NatureOfAddress NatureOfAddress `json:"natureOfAddress"`
	NumberingPlan   NumberingPlan   `json:"numberingPlan"`
	Presentation    Presentation    `json:"presentation"`
	Digits          string          `json:"digits"`
}

// AppendBinary appends the ISUP encoding (octet 2 bits 8 and 2-1 spare).
func (n RedirectingNumber) AppendBinary(b []byte) ([]byte, error) {
	return CallingPartyNumber{NatureOfAddress: n.NatureOfAddress, NumberingPlan: n.NumberingPlan, Presentation: n.Presentation, Digits: n.Digits}.AppendBinary(b)
}

// UnmarshalBinary decodes the ISUP encoding.
func (n *RedirectingNumber) UnmarshalBinary(b []byte) error {
	var c CallingPartyNumber
	if err := c.UnmarshalBinary(b); err != nil {
		return err
	}
	*n = RedirectingNumber{c.NatureOfAddress, c.NumberingPlan, c.Presentation, c.Digits}
	return nil
}

// GenericNumber is the ISUP Generic Number (Q.763 §3.26): a number
// qualifier octet, then the Calling Party Number layout. CAP uses it for
// additionalCallingPartyNumber and the generic numbers of Connect.
type GenericNumber struct {
	NumberQualifier uint8 `json:"numberQualifier"`
	CallingPartyNumber
}

// AppendBinary appends the ISUP encoding.
func (n GenericNumber) AppendBinary(b []byte) ([]byte, error) {
	return n.CallingPartyNumber.AppendBinary(append(b, n.NumberQualifier))
}

// UnmarshalBinary decodes the ISUP encoding.
func (n *GenericNumber) UnmarshalBinary(b []byte) error {
	if len(b) < 3 {
		return ErrSize
	}
	n.NumberQualifier = b[0]
	return n.CallingPartyNumber.UnmarshalBinary(b[1:])
}

func oddBit(digits string) byte {
	if len(digits)%2 == 1 {
		return 0x80
	}
	return 0
}

func b2(v bool) byte {
	if v {
		return 1
	}
	return 0
}
