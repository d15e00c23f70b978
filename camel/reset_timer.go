package camel

import (
	"strconv"

	"github.com/scpd/scpd/sigtran/ber"
)

// TimerID names the gsmSSF timer to reset: TimerID ::= ENUMERATED { tssf (0) }.
type TimerID uint8

// TimerTssf is the gsmSSF's Tssf, the only timer there is.
const TimerTssf TimerID = 0

func (t TimerID) String() string {
	if t == TimerTssf {
		return "tssf"
	}
	return "timerID(" + strconv.Itoa(int(t)) + ")"
}

// MarshalText makes JSON show the name.
func (t TimerID) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// ResetTimerArg is the argument of ResetTimer (opcode 33), gsmSCF →
// gsmSSF: restart Tssf with a new value while the service waits (e.g. on
// a slow account lookup).
//
//	ResetTimerArg ::= SEQUENCE {
//		timerID       [0] TimerID DEFAULT tssf,
//		timervalue    [1] TimerValue,            -- Integer4, seconds
//		extensions    [2] Extensions OPTIONAL,
//		callSegmentID [3] CallSegmentID OPTIONAL, -- phase 4
//		... }
//
// callSegmentID is skipped on decode before phase 4 and refused on encode.
// Byte slices of a decoded value alias the parameter.
type ResetTimerArg struct {
	TimerID    TimerID    `json:"timerID"`
	TimerValue uint32     `json:"timervalue"`
	Extensions Extensions `json:"extensions,omitempty"`
	// CallSegmentID is phase 4, 1..127; 0 means absent.
	CallSegmentID uint8 `json:"callSegmentID,omitempty"`
}

const maxInteger4 = 2147483647 // CS1 Integer4

// Opcode returns OpResetTimer.
func (a *ResetTimerArg) Opcode() Opcode { return OpResetTimer }

// Encode writes the argument.
func (a *ResetTimerArg) Encode(e *ber.Encoder, ph Phase) error {
	const typ = "ResetTimerArg"
	switch {
	case a.TimerID != TimerTssf:
		return &DecodeError{Field: typ + ".timerID", Err: ErrRange}
	case a.TimerValue > maxInteger4:
		return &DecodeError{Field: typ + ".timervalue", Err: ErrRange}
	case a.CallSegmentID > maxCallSegmentID:
		return &DecodeError{Field: typ + ".callSegmentID", Err: ErrRange}
	case a.CallSegmentID != 0 && ph < Phase4:
		return &DecodeError{Field: typ + ".callSegmentID", Err: ErrPhase}
	case len(a.Extensions) > maxExtensions:
		return &DecodeError{Field: typ + ".extensions", Err: ErrSize}
	}
	m := e.Begin(ber.TagSequence)
	e.Int(ber.Context(1), int64(a.TimerValue)) // timerID tssf is the DEFAULT
	if len(a.Extensions) > 0 {
		a.Extensions.encode(e, ber.ContextC(2))
	}
	if a.CallSegmentID != 0 {
		e.Int(ber.Context(3), int64(a.CallSegmentID))
	}
	e.End(m)
	return nil
}

// Decode reads the argument.
func (a *ResetTimerArg) Decode(param []byte, ph Phase) error {
	const typ = "ResetTimerArg"
	r, err := openSequence(param, ber.TagSequence, typ)
	if err != nil {
		return err
	}
	*a = ResetTimerArg{}
	haveValue := false
	err = eachMember(r.Rest(), func(m ber.TLV) (string, error) {
		switch m.Tag.Number {
		case 0:
			_, err := decodeInt(m, 0, 0)
			return "timerID", err
		case 1:
			x, err := decodeInt(m, 0, maxInteger4)
			a.TimerValue, haveValue = uint32(x), true
			return "timervalue", err
		case 2:
			return "extensions", decodeConstructed(m, a.Extensions.decode)
		case 3:
			if ph < Phase4 {
				return "", nil // not defined before phase 4: an unknown extension
			}
			x, err := decodeInt(m, 1, maxCallSegmentID)
			a.CallSegmentID = uint8(x)
			return "callSegmentID", err
		}
		return "", nil
	})
	switch {
	case err != nil:
		return fieldError(typ, err)
	case !haveValue:
		return &DecodeError{Field: typ + ".timervalue", Err: ErrMissing}
	}
	return nil
}
