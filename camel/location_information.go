package camel

import "github.com/scpd/scpd/sigtran/ber"

// LocationInformation is the MAP LocationInformation (TS 29.002
// MAP-MS-DataTypes) that the MSC/VLR puts in InitialDP and in some
// EventReportBCSM event-specific information: where the subscriber is.
// Octets alias the input.
type LocationInformation struct {
	// AgeOfLocationInformation is in minutes since the last radio contact
	// (0..32767); 0 is legal, so it is a pointer.
	AgeOfLocationInformation *uint16 `json:"ageOfLocationInformation,omitempty"`
	// GeographicalInformation is the 8-octet TS 23.032 shape, kept raw.
	GeographicalInformation          Octets                           `json:"geographicalInformation,omitempty"`
	VLRNumber                        AddressString                    `json:"vlr-number,omitzero"`
	LocationNumber                   LocationNumber                   `json:"locationNumber,omitzero"`
	CellGlobalIdOrServiceAreaIdOrLAI CellGlobalIdOrServiceAreaIdOrLAI `json:"cellGlobalIdOrServiceAreaIdOrLAI,omitzero"`
	// ExtensionContainer is the content of the MAP ExtensionContainer, kept raw.
	ExtensionContainer Octets        `json:"extensionContainer,omitempty"`
	SelectedLSAId      Octets        `json:"selectedLSA-Id,omitempty"` // LSAIdentity, 3 octets
	MSCNumber          AddressString `json:"msc-Number,omitzero"`
	// GeodeticInformation is the 10-octet Q.763 Calling Geodetic Location, kept raw.
	GeodeticInformation      Octets `json:"geodeticInformation,omitempty"`
	CurrentLocationRetrieved bool   `json:"currentLocationRetrieved,omitempty"`
	SAIPresent               bool   `json:"sai-Present,omitempty"`
	// LocationInformationEPS and UserCSGInformation are the contents of
	// those MAP SEQUENCEs, kept raw.
	LocationInformationEPS Octets `json:"locationInformationEPS,omitempty"`
	UserCSGInformation     Octets `json:"userCSGInformation,omitempty"`
}

// Bounds of the MAP types inside LocationInformation (TS 29.002).
const (
	maxISDNAddressLength = 9 // maxISDN-AddressLength
	maxAgeOfLocation     = 32767
)

func (l *LocationInformation) encode(e *ber.Encoder, t ber.Tag) error {
	m := e.Begin(t)
	if l.AgeOfLocationInformation != nil {
		if *l.AgeOfLocationInformation > maxAgeOfLocation {
			return &DecodeError{Field: "ageOfLocationInformation", Err: ErrRange}
		}
		e.Int(ber.TagInteger, int64(*l.AgeOfLocationInformation))
	}
	if l.GeographicalInformation != nil {
		if err := encodeOctets(e, ber.Context(0), l.GeographicalInformation, 8, 8); err != nil {
			return &DecodeError{Field: "geographicalInformation", Err: err}
		}
	}
	if l.VLRNumber != (AddressString{}) {
		if err := encodeNumber(e, ber.Context(1), l.VLRNumber, 1, maxISDNAddressLength); err != nil {
			return &DecodeError{Field: "vlr-number", Err: err}
		}
	}
	if l.LocationNumber != (LocationNumber{}) {
		if err := encodeNumber(e, ber.Context(2), l.LocationNumber, 2, 10); err != nil {
			return &DecodeError{Field: "locationNumber", Err: err}
		}
	}
	if l.CellGlobalIdOrServiceAreaIdOrLAI != (CellGlobalIdOrServiceAreaIdOrLAI{}) {
		if err := l.CellGlobalIdOrServiceAreaIdOrLAI.encode(e, ber.ContextC(3)); err != nil {
			return fieldError("cellGlobalIdOrServiceAreaIdOrLAI", err)
		}
	}
	if l.ExtensionContainer != nil {
		e.Octets(ber.ContextC(4), l.ExtensionContainer)
	}
	if l.SelectedLSAId != nil {
		if err := encodeOctets(e, ber.Context(5), l.SelectedLSAId, 3, 3); err != nil {
			return &DecodeError{Field: "selectedLSA-Id", Err: err}
		}
	}
	if l.MSCNumber != (AddressString{}) {
		if err := encodeNumber(e, ber.Context(6), l.MSCNumber, 1, maxISDNAddressLength); err != nil {
			return &DecodeError{Field: "msc-Number", Err: err}
		}
	}
	if l.GeodeticInformation != nil {
		if err := encodeOctets(e, ber.Context(7), l.GeodeticInformation, 10, 10); err != nil {
			return &DecodeError{Field: "geodeticInformation", Err: err}
		}
	}
	if l.CurrentLocationRetrieved {
		e.Null(ber.Context(8))
	}
	if l.SAIPresent {
		e.Null(ber.Context(9))
	}
	if l.LocationInformationEPS != nil {
		e.Octets(ber.ContextC(10), l.LocationInformationEPS)
	}
	if l.UserCSGInformation != nil {
		e.Octets(ber.ContextC(11), l.UserCSGInformation)
	}
	e.End(m)
	return nil
}

func (l *LocationInformation) decode(m ber.TLV) error {
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
		var field string
		switch {
		case m.Tag == ber.TagInteger:
			field = "ageOfLocationInformation"
			var v int64
			if v, err = decodeInt(m, 0, maxAgeOfLocation); err == nil {
				age := uint16(v)
				l.AgeOfLocationInformation = &age
			}
		case m.Tag.Class != ber.ClassContext:
			continue // not a member of this extensible SEQUENCE: skipped
		case m.Tag.Number == 0:
			field = "geographicalInformation"
			l.GeographicalInformation, err = decodeOctets(m, 8, 8)
		case m.Tag.Number == 1:
			field = "vlr-number"
			err = decodeNumber(&l.VLRNumber, m, 1, maxISDNAddressLength)
		case m.Tag.Number == 2:
			field = "locationNumber"
			err = decodeNumber(&l.LocationNumber, m, 2, 10)
		case m.Tag.Number == 3:
			field = "cellGlobalIdOrServiceAreaIdOrLAI"
			err = l.CellGlobalIdOrServiceAreaIdOrLAI.decode(m)
		case m.Tag.Number == 4:
			field = "extensionContainer"
			l.ExtensionContainer = decodeRaw(m)
		case m.Tag.Number == 5:
			field = "selectedLSA-Id"
			l.SelectedLSAId, err = decodeOctets(m, 3, 3)
		case m.Tag.Number == 6:
			field = "msc-Number"
			err = decodeNumber(&l.MSCNumber, m, 1, maxISDNAddressLength)
		case m.Tag.Number == 7:
			field = "geodeticInformation"
			l.GeodeticInformation, err = decodeOctets(m, 10, 10)
		case m.Tag.Number == 8:
			field = "currentLocationRetrieved"
			err = decodeNull(m)
			l.CurrentLocationRetrieved = err == nil
		case m.Tag.Number == 9:
			field = "sai-Present"
			err = decodeNull(m)
			l.SAIPresent = err == nil
		case m.Tag.Number == 10:
			field = "locationInformationEPS"
			l.LocationInformationEPS = decodeRaw(m)
		case m.Tag.Number == 11:
			field = "userCSGInformation"
			l.UserCSGInformation = decodeRaw(m)
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

// CellGlobalIdOrServiceAreaIdOrLAI is the MAP CHOICE of that name:
// cellGlobalIdOrServiceAreaIdFixedLength [0] (7 octets: PLMN, LAC, cell
// identity or service area code) or laiFixedLength [1] (5 octets: PLMN,
// LAC). The zero value means absent.
type CellGlobalIdOrServiceAreaIdOrLAI struct {
	// LAIFixedLength selects the laiFixedLength alternative, which has no CellID.
	LAIFixedLength bool   `json:"laiFixedLength,omitempty"`
	PLMN           PLMNID `json:"plmn"`
	LAC            uint16 `json:"lac"`
	// CellID is the cell identity (CI) or, when sai-Present, the service
	// area code (SAC).
	CellID uint16 `json:"cellIdOrSAC"`
}

// AppendBinary appends the fixed-length octets of the alternative.
func (c CellGlobalIdOrServiceAreaIdOrLAI) AppendBinary(b []byte) ([]byte, error) {
	if !c.PLMN.valid() {
		return nil, ErrDigits
	}
	b = append(b, c.PLMN[:]...)
	b = append(b, byte(c.LAC>>8), byte(c.LAC))
	if c.LAIFixedLength {
		if c.CellID != 0 {
			return nil, ErrRange
		}
		return b, nil
	}
	return append(b, byte(c.CellID>>8), byte(c.CellID)), nil
}

func (c CellGlobalIdOrServiceAreaIdOrLAI) encode(e *ber.Encoder, t ber.Tag) error {
	m := e.Begin(t) // a tag on a CHOICE is EXPLICIT
	alt := ber.Context(0)
	if c.LAIFixedLength {
		alt = ber.Context(1)
	}
	if err := encodeNumber(e, alt, c, 5, 7); err != nil {
		return err
	}
	e.End(m)
	return nil
}

func (c *CellGlobalIdOrServiceAreaIdOrLAI) decode(m ber.TLV) error {
	if !m.Tag.Constructed {
		return ber.ErrUnexpectedTag
	}
	alt, err := ber.ParseOnly(m.Value)
	if err != nil {
		return err
	}
	var v []byte
	switch alt.Tag {
	case ber.Context(0):
		if v, err = decodeOctets(alt, 7, 7); err != nil {
			return &DecodeError{Field: "cellGlobalIdOrServiceAreaIdFixedLength", Err: err}
		}
		*c = CellGlobalIdOrServiceAreaIdOrLAI{CellID: uint16(v[5])<<8 | uint16(v[6])}
	case ber.Context(1):
		if v, err = decodeOctets(alt, 5, 5); err != nil {
			return &DecodeError{Field: "laiFixedLength", Err: err}
		}
		*c = CellGlobalIdOrServiceAreaIdOrLAI{LAIFixedLength: true}
	default:
		return ber.ErrUnexpectedTag
	}
	copy(c.PLMN[:], v)
	if !c.PLMN.valid() {
		return ErrDigits
	}
	c.LAC = uint16(v[3])<<8 | uint16(v[4])
	return nil
}

// PLMNID is the MCC and MNC as TS 24.008 §10.5.1.3 packs them in three
// octets: MCC digit 2|1, MNC digit 3|MCC digit 3, MNC digit 2|1, with
// 1111 as MNC digit 3 of a two-digit MNC.
type PLMNID [3]byte

// MakePLMNID packs a three-digit MCC and a two- or three-digit MNC.
func MakePLMNID(mcc, mnc string) (PLMNID, error) {
	if len(mcc) != 3 || len(mnc) < 2 || len(mnc) > 3 {
		return PLMNID{}, ErrSize
	}
	for _, s := range []string{mcc, mnc} {
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return PLMNID{}, ErrDigits
			}
		}
	}
	mnc3 := byte(0x0f)
	if len(mnc) == 3 {
		mnc3 = mnc[2] - '0'
	}
	return PLMNID{
		(mcc[1]-'0')<<4 | (mcc[0] - '0'),
		mnc3<<4 | (mcc[2] - '0'),
		(mnc[1]-'0')<<4 | (mnc[0] - '0'),
	}, nil
}

func (p PLMNID) valid() bool {
	for i, c := range p {
		lo, hi := c&0x0f, c>>4
		if lo > 9 || (hi > 9 && !(i == 1 && hi == 0x0f)) {
			return false
		}
	}
	return true
}

// MCC returns the mobile country code.
func (p PLMNID) MCC() string {
	return string([]byte{hexDigits[p[0]&0x0f], hexDigits[p[0]>>4], hexDigits[p[1]&0x0f]})
}

// MNC returns the mobile network code, two or three digits.
func (p PLMNID) MNC() string {
	if p[1]>>4 == 0x0f {
		return string([]byte{hexDigits[p[2]&0x0f], hexDigits[p[2]>>4]})
	}
	return string([]byte{hexDigits[p[2]&0x0f], hexDigits[p[2]>>4], hexDigits[p[1]>>4]})
}

// String gives "MCC-MNC", e.g. "262-01".
func (p PLMNID) String() string { return p.MCC() + "-" + p.MNC() }

// MarshalText makes JSON show "MCC-MNC".
func (p PLMNID) MarshalText() ([]byte, error) { return []byte(p.String()), nil }
