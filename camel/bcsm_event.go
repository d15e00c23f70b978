package camel

import (
	"strconv"

	"github.com/scpd/scpd/sigtran/ber"
)

// EventTypeBCSM is a detection point of the basic call state model
// (CAP-datatypes EventTypeBCSM, TS 29.078 §5.1). The enumeration is
// extensible: a value this list does not name decodes as itself, and
// 29.078 says to treat it "like reception of no detection point".
type EventTypeBCSM uint8

// Detection points, with the values of CAP-datatypes.
const (
	EventCollectedInfo         EventTypeBCSM = 2
	EventAnalyzedInformation   EventTypeBCSM = 3
	EventRouteSelectFailure    EventTypeBCSM = 4
	EventOCalledPartyBusy      EventTypeBCSM = 5
	EventONoAnswer             EventTypeBCSM = 6
	EventOAnswer               EventTypeBCSM = 7
	EventOMidCall              EventTypeBCSM = 8
	EventODisconnect           EventTypeBCSM = 9
	EventOAbandon              EventTypeBCSM = 10
	EventTermAttemptAuthorized EventTypeBCSM = 12
	EventTBusy                 EventTypeBCSM = 13
	EventTNoAnswer             EventTypeBCSM = 14
	EventTAnswer               EventTypeBCSM = 15
	EventTMidCall              EventTypeBCSM = 16
	EventTDisconnect           EventTypeBCSM = 17
	EventTAbandon              EventTypeBCSM = 18
	EventOTermSeized           EventTypeBCSM = 19
	EventCallAccepted          EventTypeBCSM = 27
	EventOChangeOfPosition     EventTypeBCSM = 50
	EventTChangeOfPosition     EventTypeBCSM = 51
	EventOServiceChange        EventTypeBCSM = 52 // after the extension marker
	EventTServiceChange        EventTypeBCSM = 53 // after the extension marker
)

var eventTypeBCSMNames = [...]string{
	EventCollectedInfo:         "collectedInfo",
	EventAnalyzedInformation:   "analyzedInformation",
	EventRouteSelectFailure:    "routeSelectFailure",
	EventOCalledPartyBusy:      "oCalledPartyBusy",
	EventONoAnswer:             "oNoAnswer",
	EventOAnswer:               "oAnswer",
	EventOMidCall:              "oMidCall",
	EventODisconnect:           "oDisconnect",
	EventOAbandon:              "oAbandon",
	EventTermAttemptAuthorized: "termAttemptAuthorized",
	EventTBusy:                 "tBusy",
	EventTNoAnswer:             "tNoAnswer",
	EventTAnswer:               "tAnswer",
	EventTMidCall:              "tMidCall",
	EventTDisconnect:           "tDisconnect",
	EventTAbandon:              "tAbandon",
	EventOTermSeized:           "oTermSeized",
	EventCallAccepted:          "callAccepted",
	EventOChangeOfPosition:     "oChangeOfPosition",
	EventTChangeOfPosition:     "tChangeOfPosition",
	EventOServiceChange:        "oServiceChange",
	EventTServiceChange:        "tServiceChange",
}

// String gives the ASN.1 name, e.g. "oDisconnect".
func (t EventTypeBCSM) String() string {
	if int(t) < len(eventTypeBCSMNames) && eventTypeBCSMNames[t] != "" {
		return eventTypeBCSMNames[t]
	}
	return "eventTypeBCSM(" + strconv.Itoa(int(t)) + ")"
}

// MarshalText makes JSON show the name.
func (t EventTypeBCSM) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// decodeEventTypeBCSM reads the ENUMERATED. Being extensible ("..."), a
// value of a later release must be accepted; 0..255 covers every value
// 29.078 has assigned and leaves room for later ones, which users treat
// as a DP they do not know. Any other value is read as 0, no detection
// point, not refused: CAP-datatypes EventTypeBCSM says "reception of an
// unrecognized value shall be treated like reception of no detection
// point" (InitialDP: eventTypeBCSM absent; EventReportBCSM: a report of
// no armed DP; RequestReportBCSMEvent: an event that arms none).
func decodeEventTypeBCSM(m ber.TLV) (EventTypeBCSM, error) {
	v, err := primitiveValue(m)
	if err != nil {
		return 0, err
	}
	x, err := ber.ParseInt(v)
	if err != nil || x < 0 || x > 255 {
		return 0, err
	}
	return EventTypeBCSM(x), nil
}

// MonitorMode says how the gsmSSF handles an armed event
// (CAP-datatypes MonitorMode).
type MonitorMode uint8

// Monitor modes.
const (
	MonitorInterrupted       MonitorMode = 0
	MonitorNotifyAndContinue MonitorMode = 1
	MonitorTransparent       MonitorMode = 2
)

func (m MonitorMode) String() string {
	switch m {
	case MonitorInterrupted:
		return "interrupted"
	case MonitorNotifyAndContinue:
		return "notifyAndContinue"
	case MonitorTransparent:
		return "transparent"
	}
	return "monitorMode(" + strconv.Itoa(int(m)) + ")"
}

// MarshalText makes JSON show the name.
func (m MonitorMode) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// BCSMEvent is one event armed by RequestReportBCSMEvent:
//
//	BCSMEvent ::= SEQUENCE {
//		eventTypeBCSM      [0] EventTypeBCSM,
//		monitorMode        [1] MonitorMode,
//		legID              [2] LegID OPTIONAL,
//		dpSpecificCriteria [30] DpSpecificCriteria OPTIONAL,
//		automaticRearm     [50] NULL OPTIONAL,
//		... }
type BCSMEvent struct {
	EventTypeBCSM      EventTypeBCSM      `json:"eventTypeBCSM"`
	MonitorMode        MonitorMode        `json:"monitorMode"`
	LegID              LegID              `json:"legID,omitzero"`
	DpSpecificCriteria DpSpecificCriteria `json:"dpSpecificCriteria,omitzero"`
	AutomaticRearm     bool               `json:"automaticRearm,omitempty"`
}

func (ev *BCSMEvent) encode(e *ber.Encoder) error {
	m := e.Begin(ber.TagSequence)
	e.Int(ber.Context(0), int64(ev.EventTypeBCSM))
	if ev.MonitorMode > MonitorTransparent {
		return &DecodeError{Field: "monitorMode", Err: ErrRange}
	}
	e.Int(ber.Context(1), int64(ev.MonitorMode))
	if !ev.LegID.IsZero() {
		if err := ev.LegID.encode(e, ber.ContextC(2)); err != nil {
			return fieldError("legID", err)
		}
	}
	if !ev.DpSpecificCriteria.IsZero() {
		if err := ev.DpSpecificCriteria.encode(e, ber.ContextC(30)); err != nil {
			return fieldError("dpSpecificCriteria", err)
		}
	}
	if ev.AutomaticRearm {
		e.Null(ber.Context(50))
	}
	e.End(m)
	return nil
}

func (ev *BCSMEvent) decode(v []byte) error {
	*ev = BCSMEvent{}
	var haveType, haveMode bool
	var seen members
	r := ber.NewReader(v)
	for r.More() {
		m, err := r.Next()
		if err != nil {
			return err
		}
		if m.Tag.Class != ber.ClassContext {
			continue // extension addition of a later release
		}
		switch m.Tag.Number {
		case 0:
			if err := seen.once(m.Tag, "eventTypeBCSM"); err != nil {
				return err
			}
			if ev.EventTypeBCSM, err = decodeEventTypeBCSM(m); err != nil {
				return &DecodeError{Field: "eventTypeBCSM", Err: err}
			}
			haveType = true
		case 1:
			if err := seen.once(m.Tag, "monitorMode"); err != nil {
				return err
			}
			mode, err := decodeInt(m, 0, 2)
			if err != nil {
				return &DecodeError{Field: "monitorMode", Err: err}
			}
			ev.MonitorMode, haveMode = MonitorMode(mode), true
		case 2:
			if err := seen.once(m.Tag, "legID"); err != nil {
				return err
			}
			if err := decodeConstructed(m, ev.LegID.decode); err != nil {
				return fieldError("legID", err)
			}
		case 30:
			if err := seen.once(m.Tag, "dpSpecificCriteria"); err != nil {
				return err
			}
			if err := decodeConstructed(m, ev.DpSpecificCriteria.decode); err != nil {
				return fieldError("dpSpecificCriteria", err)
			}
		case 50:
			if err := seen.once(m.Tag, "automaticRearm"); err != nil {
				return err
			}
			if err := decodeNull(m); err != nil {
				return &DecodeError{Field: "automaticRearm", Err: err}
			}
			ev.AutomaticRearm = true
		}
	}
	switch {
	case !haveType:
		return &DecodeError{Field: "eventTypeBCSM", Err: ErrMissing}
	case !haveMode:
		return &DecodeError{Field: "monitorMode", Err: ErrMissing}
	}
	return nil
}

// DpSpecificCriteria ::= CHOICE {
//
//	applicationTimer      [1] ApplicationTimer,   -- INTEGER (0..2047), seconds
//	midCallControlInfo    [2] MidCallControlInfo,
//	dpSpecificCriteriaAlt [3] DpSpecificCriteriaAlt }
//
// Exactly one field is set; the zero value means absent. applicationTimer
// is the timer "the gsmSCF may set in the gsmSSF for the No_Answer event"
// (CAP-datatypes).
type DpSpecificCriteria struct {
	ApplicationTimer      *uint16                `json:"applicationTimer,omitempty"`
	MidCallControlInfo    *MidCallControlInfo    `json:"midCallControlInfo,omitempty"`
	DpSpecificCriteriaAlt *DpSpecificCriteriaAlt `json:"dpSpecificCriteriaAlt,omitempty"`
}

// IsZero reports an absent value (for omitzero).
func (c DpSpecificCriteria) IsZero() bool {
	return c.ApplicationTimer == nil && c.MidCallControlInfo == nil && c.DpSpecificCriteriaAlt == nil
}

// encode writes the CHOICE under its EXPLICIT field tag t.
func (c DpSpecificCriteria) encode(e *ber.Encoder, t ber.Tag) error {
	n := 0
	for _, set := range [...]bool{c.ApplicationTimer != nil, c.MidCallControlInfo != nil, c.DpSpecificCriteriaAlt != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return ErrChoice
	}
	m := e.Begin(t)
	switch {
	case c.ApplicationTimer != nil:
		if *c.ApplicationTimer > 2047 {
			return &DecodeError{Field: "applicationTimer", Err: ErrRange}
		}
		e.Int(ber.Context(1), int64(*c.ApplicationTimer))
	case c.MidCallControlInfo != nil:
		if err := c.MidCallControlInfo.encode(e, ber.ContextC(2)); err != nil {
			return fieldError("midCallControlInfo", err)
		}
	default:
		if err := c.DpSpecificCriteriaAlt.encode(e, ber.ContextC(3)); err != nil {
			return fieldError("dpSpecificCriteriaAlt", err)
		}
	}
	e.End(m)
	return nil
}

func (c *DpSpecificCriteria) decode(v []byte) error {
	tlv, err := ber.ParseOnly(v)
	if err != nil {
		return err
	}
	*c = DpSpecificCriteria{}
	switch tlv.Tag {
	case ber.Context(1):
		x, err := intIn(tlv.Value, 0, 2047)
		if err != nil {
			return &DecodeError{Field: "applicationTimer", Err: err}
		}
		t := uint16(x)
		c.ApplicationTimer = &t
	case ber.ContextC(2):
		c.MidCallControlInfo = new(MidCallControlInfo)
		if err := c.MidCallControlInfo.decode(tlv.Value); err != nil {
			return fieldError("midCallControlInfo", err)
		}
	case ber.ContextC(3):
		c.DpSpecificCriteriaAlt = new(DpSpecificCriteriaAlt)
		if err := c.DpSpecificCriteriaAlt.decode(tlv.Value); err != nil {
			return fieldError("dpSpecificCriteriaAlt", err)
		}
	default:
		return ber.ErrUnexpectedTag
	}
	return nil
}

// MidCallControlInfo sets the DTMF collection of the oMidCall/tMidCall
// events (phase 4):
//
//	MidCallControlInfo ::= SEQUENCE {
//		minimumNumberOfDigits [0] INTEGER (1..30) DEFAULT 1,
//		maximumNumberOfDigits [1] INTEGER (1..30) DEFAULT 30,
//		endOfReplyDigit       [2] OCTET STRING (SIZE (1..2)) OPTIONAL,
//		cancelDigit           [3] OCTET STRING (SIZE (1..2)) OPTIONAL,
//		startDigit            [4] OCTET STRING (SIZE (1..2)) OPTIONAL,
//		interDigitTimeout     [6] INTEGER (1..127) DEFAULT 10,
//		... }
//
// Zero numbers mean the DEFAULT; decoding fills the DEFAULT in. The digit
// strings hold "0"-"9", "*" and "#", one BCD digit per octet on the wire.
type MidCallControlInfo struct {
	MinimumNumberOfDigits uint8  `json:"minimumNumberOfDigits"`
	MaximumNumberOfDigits uint8  `json:"maximumNumberOfDigits"`
	EndOfReplyDigit       string `json:"endOfReplyDigit,omitempty"`
	CancelDigit           string `json:"cancelDigit,omitempty"`
	StartDigit            string `json:"startDigit,omitempty"`
	InterDigitTimeout     uint8  `json:"interDigitTimeout"`
}

func (c *MidCallControlInfo) encode(e *ber.Encoder, t ber.Tag) error {
	m := e.Begin(t)
	if err := encodeIntDefault(e, 0, int64(c.MinimumNumberOfDigits), 1, 1, 30); err != nil {
		return &DecodeError{Field: "minimumNumberOfDigits", Err: err}
	}
	if err := encodeIntDefault(e, 1, int64(c.MaximumNumberOfDigits), 30, 1, 30); err != nil {
		return &DecodeError{Field: "maximumNumberOfDigits", Err: err}
	}
	for i, d := range [...]struct {
		name, digits string
	}{{"endOfReplyDigit", c.EndOfReplyDigit}, {"cancelDigit", c.CancelDigit}, {"startDigit", c.StartDigit}} {
		if d.digits == "" {
			continue
		}
		if err := encodeDigitOctets(e, ber.Context(uint32(2+i)), d.digits); err != nil {
			return &DecodeError{Field: d.name, Err: err}
		}
	}
	if err := encodeIntDefault(e, 6, int64(c.InterDigitTimeout), 10, 1, 127); err != nil {
		return &DecodeError{Field: "interDigitTimeout", Err: err}
	}
	e.End(m)
	return nil
}

func (c *MidCallControlInfo) decode(v []byte) error {
	*c = MidCallControlInfo{MinimumNumberOfDigits: 1, MaximumNumberOfDigits: 30, InterDigitTimeout: 10}
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
		var name string
		switch n := m.Tag.Number; n {
		case 0, 1, 6:
			max := int64(30)
			name = "minimumNumberOfDigits"
			if n == 1 {
				name = "maximumNumberOfDigits"
			} else if n == 6 {
				name, max = "interDigitTimeout", 127
			}
			if err := seen.once(m.Tag, name); err != nil {
				return err
			}
			x, err := decodeInt(m, 1, max)
			if err != nil {
				return &DecodeError{Field: name, Err: err}
			}
			switch n {
			case 0:
				c.MinimumNumberOfDigits = uint8(x)
			case 1:
				c.MaximumNumberOfDigits = uint8(x)
			default:
				c.InterDigitTimeout = uint8(x)
			}
		case 2, 3, 4:
			name = [...]string{"endOfReplyDigit", "cancelDigit", "startDigit"}[n-2]
			if err := seen.once(m.Tag, name); err != nil {
				return err
			}
			s, err := decodeDigitOctets(m)
			if err != nil {
				return &DecodeError{Field: name, Err: err}
			}
			switch n {
			case 2:
				c.EndOfReplyDigit = s
			case 3:
				c.CancelDigit = s
			default:
				c.StartDigit = s
			}
		}
	}
	return nil
}

// encodeDigitOctets writes 1..2 digits one per octet, low nibble, with
// 1011 for '*' and 1100 for '#' (CAP-datatypes, MidCallControlInfo).
func encodeDigitOctets(e *ber.Encoder, t ber.Tag, s string) error {
	if len(s) < 1 || len(s) > 2 {
		return ErrSize
	}
	var b [2]byte
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			b[i] = c - '0'
		case c == '*':
			b[i] = 0x0b
		case c == '#':
			b[i] = 0x0c
		default:
			return ErrDigits
		}
	}
	e.Octets(t, b[:len(s)])
	return nil
}

// decodeDigitOctets reads what encodeDigitOctets writes; the high nibbles
// are spare and ignored.
func decodeDigitOctets(m ber.TLV) (string, error) {
	v, err := decodeOctets(m, 1, 2)
	if err != nil {
		return "", err
	}
	var b [2]byte
	for i, c := range v {
		switch c &= 0x0f; {
		case c <= 9:
			b[i] = '0' + c
		case c == 0x0b:
			b[i] = '*'
		case c == 0x0c:
			b[i] = '#'
		default:
			return "", ErrDigits
		}
	}
	return string(b[:len(v)]), nil
}

// DpSpecificCriteriaAlt holds the criteria added after phase 3:
//
//	DpSpecificCriteriaAlt ::= SEQUENCE {
//		...,
//		changeOfPositionControlInfo [0] ChangeOfPositionControlInfo,
//		numberOfDigits              [1] NumberOfDigits OPTIONAL,    -- 1..255
//		interDigitTimeout           [2] INTEGER (1..127) OPTIONAL } -- seconds
//
// All three follow the extension marker, so each may be absent; zero
// means absent.
type DpSpecificCriteriaAlt struct {
	ChangeOfPositionControlInfo []ChangeOfLocation `json:"changeOfPositionControlInfo,omitempty"`
	NumberOfDigits              uint8              `json:"numberOfDigits,omitempty"`
	InterDigitTimeout           uint8              `json:"interDigitTimeout,omitempty"`
}

const maxChangeOfPositionControlInfo = 10 // numOfChangeOfPositionControlInfo

func (c *DpSpecificCriteriaAlt) encode(e *ber.Encoder, t ber.Tag) error {
	m := e.Begin(t)
	if len(c.ChangeOfPositionControlInfo) > 0 {
		if len(c.ChangeOfPositionControlInfo) > maxChangeOfPositionControlInfo {
			return &DecodeError{Field: "changeOfPositionControlInfo", Err: ErrSize}
		}
		lm := e.Begin(ber.ContextC(0))
		for i := range c.ChangeOfPositionControlInfo {
			if err := c.ChangeOfPositionControlInfo[i].encode(e); err != nil {
				return fieldError("changeOfPositionControlInfo", err)
			}
		}
		e.End(lm)
	}
	if c.NumberOfDigits != 0 {
		e.Int(ber.Context(1), int64(c.NumberOfDigits))
	}
	if c.InterDigitTimeout != 0 {
		if c.InterDigitTimeout > 127 {
			return &DecodeError{Field: "interDigitTimeout", Err: ErrRange}
		}
		e.Int(ber.Context(2), int64(c.InterDigitTimeout))
	}
	e.End(m)
	return nil
}

func (c *DpSpecificCriteriaAlt) decode(v []byte) error {
	*c = DpSpecificCriteriaAlt{}
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
		switch m.Tag.Number {
		case 0:
			if err := seen.once(m.Tag, "changeOfPositionControlInfo"); err != nil {
				return err
			}
			if err := decodeConstructed(m, c.decodeChangeOfPosition); err != nil {
				return fieldError("changeOfPositionControlInfo", err)
			}
		case 1:
			if err := seen.once(m.Tag, "numberOfDigits"); err != nil {
				return err
			}
			x, err := decodeInt(m, 1, 255)
			if err != nil {
				return &DecodeError{Field: "numberOfDigits", Err: err}
			}
			c.NumberOfDigits = uint8(x)
		case 2:
			if err := seen.once(m.Tag, "interDigitTimeout"); err != nil {
				return err
			}
			x, err := decodeInt(m, 1, 127)
			if err != nil {
				return &DecodeError{Field: "interDigitTimeout", Err: err}
			}
			c.InterDigitTimeout = uint8(x)
		}
	}
	return nil
}

func (c *DpSpecificCriteriaAlt) decodeChangeOfPosition(v []byte) error {
	n, err := countElements(v, maxChangeOfPositionControlInfo)
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrSize
	}
	c.ChangeOfPositionControlInfo = make([]ChangeOfLocation, n)
	r := ber.NewReader(v)
	for i := range c.ChangeOfPositionControlInfo {
		m, _ := r.Next() // countElements has parsed them all
		if err := c.ChangeOfPositionControlInfo[i].decode(m); err != nil {
			return err
		}
	}
	return nil
}

// ChangeOfLocation is one criterion of the change-of-position events
// (phase 4):
//
//	ChangeOfLocation ::= CHOICE {
//		cellGlobalId         [0] CellGlobalIdOrServiceAreaIdFixedLength, -- 7 octets
//		serviceAreaId        [1] CellGlobalIdOrServiceAreaIdFixedLength, -- 7 octets
//		locationAreaId       [2] LAIFixedLength,                         -- 5 octets
//		inter-SystemHandOver [3] NULL,
//		inter-PLMNHandOver   [4] NULL,
//		inter-MSCHandOver    [5] NULL,
//		changeOfLocationAlt  [6] ChangeOfLocationAlt }                   -- SEQUENCE {...}
//
// Exactly one field is set. The identities are kept as their MAP octets
// (TS 29.002 §17.7.8: MCC/MNC in TBCD, LAC, CI/SAC) and alias the input.
type ChangeOfLocation struct {
	CellGlobalID        []byte `json:"cellGlobalId,omitempty"`
	ServiceAreaID       []byte `json:"serviceAreaId,omitempty"`
	LocationAreaID      []byte `json:"locationAreaId,omitempty"`
	InterSystemHandOver bool   `json:"inter-SystemHandOver,omitempty"`
	InterPLMNHandOver   bool   `json:"inter-PLMNHandOver,omitempty"`
	InterMSCHandOver    bool   `json:"inter-MSCHandOver,omitempty"`
	ChangeOfLocationAlt bool   `json:"changeOfLocationAlt,omitempty"`
}

func (c *ChangeOfLocation) encode(e *ber.Encoder) error {
	n := 0
	for _, set := range [...]bool{c.CellGlobalID != nil, c.ServiceAreaID != nil, c.LocationAreaID != nil,
		c.InterSystemHandOver, c.InterPLMNHandOver, c.InterMSCHandOver, c.ChangeOfLocationAlt} {
		if set {
			n++
		}
	}
	if n != 1 {
		return ErrChoice
	}
	switch {
	case c.CellGlobalID != nil:
		if len(c.CellGlobalID) != 7 {
			return &DecodeError{Field: "cellGlobalId", Err: ErrSize}
		}
		e.Octets(ber.Context(0), c.CellGlobalID)
	case c.ServiceAreaID != nil:
		if len(c.ServiceAreaID) != 7 {
			return &DecodeError{Field: "serviceAreaId", Err: ErrSize}
		}
		e.Octets(ber.Context(1), c.ServiceAreaID)
	case c.LocationAreaID != nil:
		if len(c.LocationAreaID) != 5 {
			return &DecodeError{Field: "locationAreaId", Err: ErrSize}
		}
		e.Octets(ber.Context(2), c.LocationAreaID)
	case c.InterSystemHandOver:
		e.Null(ber.Context(3))
	case c.InterPLMNHandOver:
		e.Null(ber.Context(4))
	case c.InterMSCHandOver:
		e.Null(ber.Context(5))
	default:
		e.Octets(ber.ContextC(6), nil)
	}
	return nil
}

func (c *ChangeOfLocation) decode(m ber.TLV) error {
	*c = ChangeOfLocation{}
	if m.Tag.Class != ber.ClassContext {
		return ber.ErrUnexpectedTag
	}
	var err error
	switch m.Tag.Number {
	case 0:
		c.CellGlobalID, err = decodeOctets(m, 7, 7)
	case 1:
		c.ServiceAreaID, err = decodeOctets(m, 7, 7)
	case 2:
		c.LocationAreaID, err = decodeOctets(m, 5, 5)
	case 3, 4, 5:
		err = decodeNull(m)
		c.InterSystemHandOver = m.Tag.Number == 3
		c.InterPLMNHandOver = m.Tag.Number == 4
		c.InterMSCHandOver = m.Tag.Number == 5
	case 6:
		_, err = constructedValue(m) // contents: extensions of later releases
		c.ChangeOfLocationAlt = true
	default:
		return ber.ErrUnexpectedTag
	}
	if err != nil {
		return &DecodeError{Field: changeOfLocationNames[m.Tag.Number], Err: err}
	}
	return nil
}

var changeOfLocationNames = [...]string{"cellGlobalId", "serviceAreaId", "locationAreaId",
	"inter-SystemHandOver", "inter-PLMNHandOver", "inter-MSCHandOver", "changeOfLocationAlt"}

// decodeConstructed checks that a member known by its tag number came in
// constructed form (a SEQUENCE, or the EXPLICIT tag of a CHOICE) and
// decodes its contents with f. A primitive encoding of such a field is
// malformed, not an unknown extension.
func decodeConstructed(m ber.TLV, f func([]byte) error) error {
	if _, err := constructedValue(m); err != nil {
		return err
	}
	return f(m.Value)
}

// encodeIntDefault writes the INTEGER [n] v unless v is 0 (not set) or the
// DEFAULT def, after checking min..max.
func encodeIntDefault(e *ber.Encoder, n uint32, v, def, min, max int64) error {
	if v == 0 || v == def {
		return nil
	}
	if v < min || v > max {
		return ErrRange
	}
	e.Int(ber.Context(n), v)
	return nil
}

// countElements parses the elements of a SEQUENCE OF and returns their
// count, failing once it passes max, so a slice can be made with its
// final size and input cannot make it larger than the bound.
func countElements(v []byte, max int) (int, error) {
	r := ber.NewReader(v)
	n := 0
	for r.More() {
		if _, err := r.Next(); err != nil {
			return 0, err
		}
		if n++; n > max {
			return 0, ErrSize
		}
	}
	return n, nil
}
