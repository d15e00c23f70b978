package camel

import (
	"strconv"

	"github.com/scpd/scpd/sigtran/ber"
)

// ServiceInteractionIndicatorsTwo (CAP-datatypes) tells the gsmSSF how the
// CAMEL service interacts with supplementary services: conference, call
// diversion, hold, call waiting, ECT, CUG. InitialDP, Connect and
// ContinueWithArgument carry it.
//
// The one-octet treatment indicators use only their two low bits
// ('xxxx xx01'B accept / allowed / noINImpact, 'xxxx xx10'B reject / not
// allowed / presentationRestricted); 0 is no defined value and means absent.
type ServiceInteractionIndicatorsTwo struct {
	ForwardServiceInteractionInd  *ForwardServiceInteractionInd  `json:"forwardServiceInteractionInd,omitempty"`
	BackwardServiceInteractionInd *BackwardServiceInteractionInd `json:"backwardServiceInteractionInd,omitempty"`
	BothwayThroughConnectionInd   *BothwayThroughConnectionInd   `json:"bothwayThroughConnectionInd,omitempty"`
	ConnectedNumberTreatmentInd   *ConnectedNumberTreatmentInd   `json:"connectedNumberTreatmentInd,omitempty"`
	NonCUGCall                    bool                           `json:"nonCUGCall,omitempty"`
	HoldTreatmentIndicator        uint8                          `json:"holdTreatmentIndicator,omitempty"`
	CWTreatmentIndicator          uint8                          `json:"cwTreatmentIndicator,omitempty"`
	ECTTreatmentIndicator         uint8                          `json:"ectTreatmentIndicator,omitempty"`
}

// ForwardServiceInteractionInd (CAP-datatypes); zero fields are absent.
type ForwardServiceInteractionInd struct {
	ConferenceTreatmentIndicator     uint8 `json:"conferenceTreatmentIndicator,omitempty"`
	CallDiversionTreatmentIndicator  uint8 `json:"callDiversionTreatmentIndicator,omitempty"`
	CallingPartyRestrictionIndicator uint8 `json:"callingPartyRestrictionIndicator,omitempty"`
}

// BackwardServiceInteractionInd (CAP-datatypes); zero fields are absent.
type BackwardServiceInteractionInd struct {
	ConferenceTreatmentIndicator     uint8 `json:"conferenceTreatmentIndicator,omitempty"`
	CallCompletionTreatmentIndicator uint8 `json:"callCompletionTreatmentIndicator,omitempty"`
}

// BothwayThroughConnectionInd is the CS2 ENUMERATED of that name.
type BothwayThroughConnectionInd uint8

// BothwayThroughConnectionInd values.
const (
	BothwayPathRequired    BothwayThroughConnectionInd = 0
	BothwayPathNotRequired BothwayThroughConnectionInd = 1
)

func (b BothwayThroughConnectionInd) String() string {
	switch b {
	case BothwayPathRequired:
		return "bothwayPathRequired"
	case BothwayPathNotRequired:
		return "bothwayPathNotRequired"
	}
	return "bothwayThroughConnectionInd(" + strconv.Itoa(int(b)) + ")"
}

// MarshalText makes JSON show the name.
func (b BothwayThroughConnectionInd) MarshalText() ([]byte, error) { return []byte(b.String()), nil }

// ConnectedNumberTreatmentInd (CAP-datatypes) suppresses or shows the
// connected number.
type ConnectedNumberTreatmentInd uint8

// ConnectedNumberTreatmentInd values.
const (
	ConnectedNumberNoINImpact                    ConnectedNumberTreatmentInd = 0
	ConnectedNumberPresentationRestricted        ConnectedNumberTreatmentInd = 1
	ConnectedNumberPresentCalledINNumber         ConnectedNumberTreatmentInd = 2
	ConnectedNumberPresentCallINNumberRestricted ConnectedNumberTreatmentInd = 3
)

func (c ConnectedNumberTreatmentInd) String() string {
	switch c {
	case ConnectedNumberNoINImpact:
		return "noINImpact"
	case ConnectedNumberPresentationRestricted:
		return "presentationRestricted"
	case ConnectedNumberPresentCalledINNumber:
		return "presentCalledINNumber"
	case ConnectedNumberPresentCallINNumberRestricted:
		return "presentCallINNumberRestricted"
	}
	return "connectedNumberTreatmentInd(" + strconv.Itoa(int(c)) + ")"
}

// MarshalText makes JSON show the name.
func (c ConnectedNumberTreatmentInd) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// encodeIndicator writes a one-octet treatment indicator unless it is 0.
func encodeIndicator(e *ber.Encoder, t ber.Tag, v uint8) {
	if v != 0 {
		e.Octets(t, []byte{v})
	}
}

func decodeIndicator(m ber.TLV) (uint8, error) {
	v, err := decodeOctets(m, 1, 1)
	if err != nil {
		return 0, err
	}
	return v[0], nil
}

func (s *ServiceInteractionIndicatorsTwo) encode(e *ber.Encoder, t ber.Tag) error {
	m := e.Begin(t)
	if f := s.ForwardServiceInteractionInd; f != nil {
		fm := e.Begin(ber.ContextC(0))
		encodeIndicator(e, ber.Context(1), f.ConferenceTreatmentIndicator)
		encodeIndicator(e, ber.Context(2), f.CallDiversionTreatmentIndicator)
		encodeIndicator(e, ber.Context(4), f.CallingPartyRestrictionIndicator)
		e.End(fm)
	}
	if b := s.BackwardServiceInteractionInd; b != nil {
		bm := e.Begin(ber.ContextC(1))
		encodeIndicator(e, ber.Context(1), b.ConferenceTreatmentIndicator)
		encodeIndicator(e, ber.Context(2), b.CallCompletionTreatmentIndicator)
		e.End(bm)
	}
	if b := s.BothwayThroughConnectionInd; b != nil {
		if *b > BothwayPathNotRequired {
			return &DecodeError{Field: "bothwayThroughConnectionInd", Err: ErrRange}
		}
		e.Int(ber.Context(2), int64(*b))
	}
	if c := s.ConnectedNumberTreatmentInd; c != nil {
		if *c > ConnectedNumberPresentCallINNumberRestricted {
			return &DecodeError{Field: "connectedNumberTreatmentInd", Err: ErrRange}
		}
		e.Int(ber.Context(4), int64(*c))
	}
	if s.NonCUGCall {
		e.Null(ber.Context(13))
	}
	encodeIndicator(e, ber.Context(50), s.HoldTreatmentIndicator)
	encodeIndicator(e, ber.Context(51), s.CWTreatmentIndicator)
	encodeIndicator(e, ber.Context(52), s.ECTTreatmentIndicator)
	e.End(m)
	return nil
}

func (s *ServiceInteractionIndicatorsTwo) decode(m ber.TLV) error {
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
		switch m.Tag.Number {
		case 0:
			field = "forwardServiceInteractionInd"
			s.ForwardServiceInteractionInd = new(ForwardServiceInteractionInd)
			err = s.ForwardServiceInteractionInd.decode(m)
		case 1:
			field = "backwardServiceInteractionInd"
			s.BackwardServiceInteractionInd = new(BackwardServiceInteractionInd)
			err = s.BackwardServiceInteractionInd.decode(m)
		case 2:
			field = "bothwayThroughConnectionInd"
			var v int64
			if v, err = decodeInt(m, 0, 1); err == nil {
				b := BothwayThroughConnectionInd(v)
				s.BothwayThroughConnectionInd = &b
			}
		case 4:
			field = "connectedNumberTreatmentInd"
			var v int64
			if v, err = decodeInt(m, 0, 3); err == nil {
				c := ConnectedNumberTreatmentInd(v)
				s.ConnectedNumberTreatmentInd = &c
			}
		case 13:
			field = "nonCUGCall"
			err = decodeNull(m)
			s.NonCUGCall = err == nil
		case 50:
			field = "holdTreatmentIndicator"
			s.HoldTreatmentIndicator, err = decodeIndicator(m)
		case 51:
			field = "cwTreatmentIndicator"
			s.CWTreatmentIndicator, err = decodeIndicator(m)
		case 52:
			field = "ectTreatmentIndicator"
			s.ECTTreatmentIndicator, err = decodeIndicator(m)
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

func (f *ForwardServiceInteractionInd) decode(m ber.TLV) error {
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
		case 1:
			field = "conferenceTreatmentIndicator"
			f.ConferenceTreatmentIndicator, err = decodeIndicator(m)
		case 2:
			field = "callDiversionTreatmentIndicator"
			f.CallDiversionTreatmentIndicator, err = decodeIndicator(m)
		case 4:
			field = "callingPartyRestrictionIndicator"
			f.CallingPartyRestrictionIndicator, err = decodeIndicator(m)
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

func (b *BackwardServiceInteractionInd) decode(m ber.TLV) error {
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
		case 1:
			field = "conferenceTreatmentIndicator"
			b.ConferenceTreatmentIndicator, err = decodeIndicator(m)
		case 2:
			field = "callCompletionTreatmentIndicator"
			b.CallCompletionTreatmentIndicator, err = decodeIndicator(m)
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
