package camel

import "strconv"

// AddressNature is the nature of address of a MAP AddressString
// (TS 29.002 §17.7.8).
type AddressNature uint8

// Natures of address.
const (
	AddressUnknown         AddressNature = 0
	AddressInternational   AddressNature = 1
	AddressNational        AddressNature = 2
	AddressNetworkSpecific AddressNature = 3
	AddressSubscriber      AddressNature = 4
	AddressAbbreviated     AddressNature = 6
)

func (a AddressNature) String() string {
	switch a {
	case AddressUnknown:
		return "unknown"
	case AddressInternational:
		return "international"
	case AddressNational:
		return "national"
	case AddressNetworkSpecific:
		return "network-specific"
	case AddressSubscriber:
		return "subscriber"
	case AddressAbbreviated:
		return "abbreviated"
	}
	return "nature(" + strconv.Itoa(int(a)) + ")"
}

// MarshalText makes JSON show the name.
func (a AddressNature) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// AddressPlan is the numbering plan of a MAP AddressString.
type AddressPlan uint8

// Numbering plans of 29.002.
const (
	PlanUnknown    AddressPlan = 0
	PlanISDN       AddressPlan = 1 // E.164
	PlanData       AddressPlan = 3 // X.121
	PlanTelex      AddressPlan = 4 // F.69
	PlanLandMobile AddressPlan = 6 // E.212
	PlanNational   AddressPlan = 8
	PlanPrivate    AddressPlan = 9
)

func (p AddressPlan) String() string {
	switch p {
	case PlanUnknown:
		return "unknown"
	case PlanISDN:
		return "isdn"
	case PlanData:
		return "data"
	case PlanTelex:
		return "telex"
	case PlanLandMobile:
		return "land-mobile"
	case PlanNational:
		return "national"
	case PlanPrivate:
		return "private"
	}
	return "plan(" + strconv.Itoa(int(p)) + ")"
}

// MarshalText makes JSON show the name.
func (p AddressPlan) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// AddressString is the MAP AddressString / ISDN-AddressString: one octet of
// extension, nature of address and numbering plan, then TBCD digits. CAP
// uses it for mscAddress, gmscAddress, vlr-number and (with the same
// layout, 24.008 §10.5.4.7) calledPartyBCDNumber.
type AddressString struct {
	Nature AddressNature `json:"natureOfAddress"`
	Plan   AddressPlan   `json:"numberingPlan"`
	Digits string        `json:"digits"`
}

// AppendBinary appends the encoding; bit 8 of the first octet is the
// "no extension" bit and is always set.
func (a AddressString) AppendBinary(b []byte) ([]byte, error) {
	if a.Nature > 7 || a.Plan > 0x0f {
		return nil, ErrRange // would not fit its field: fail rather than mask
	}
	b = append(b, 0x80|byte(a.Nature)<<4|byte(a.Plan))
	return appendBCD(b, a.Digits, tbcdCodes, 0x0f)
}

// UnmarshalBinary decodes the encoding.
func (a *AddressString) UnmarshalBinary(b []byte) error {
	if len(b) < 1 {
		return ErrSize
	}
	d, err := tbcdString(b[1:])
	if err != nil {
		return err
	}
	*a = AddressString{Nature: AddressNature(b[0] >> 4 & 7), Plan: AddressPlan(b[0] & 0x0f), Digits: d}
	return nil
}

// IMSI is the subscriber's IMSI as a TBCD-STRING of 3..8 octets (29.002).
type IMSI string

// AppendBinary appends the TBCD encoding.
func (i IMSI) AppendBinary(b []byte) ([]byte, error) {
	if len(i) < 6 || len(i) > 15 {
		return nil, ErrSize
	}
	for j := 0; j < len(i); j++ {
		if i[j] < '0' || i[j] > '9' {
			return nil, ErrDigits
		}
	}
	return appendBCD(b, string(i), tbcdCodes, 0x0f)
}

// UnmarshalBinary decodes the TBCD encoding.
func (i *IMSI) UnmarshalBinary(b []byte) error {
	if len(b) < 3 || len(b) > 8 {
		return ErrSize
	}
	s, err := tbcdString(b)
	if err != nil {
		return err
	}
	// An IMSI is 6..15 decimal digits (TS 23.003 §2.2); TBCD's '*', '#'
	// and a-c, or a 16th digit, are malformed and would not re-encode.
	if len(s) < 6 || len(s) > 15 {
		return ErrSize
	}
	for j := 0; j < len(s); j++ {
		if s[j] < '0' || s[j] > '9' {
			return ErrDigits
		}
	}
	*i = IMSI(s)
	return nil
}
