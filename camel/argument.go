package camel

import (
	"github.com/scpd/scpd/sigtran/ber"
)

// Argument is the typed argument of a CAP operation.
//
// Encode appends the component parameter — the argument's whole BER value,
// tag included — for the negotiated phase. Decode reads one such parameter;
// byte-slice fields of the result alias param. Both name the failing field
// in a *DecodeError.
type Argument interface {
	Opcode() Opcode
	Encode(e *ber.Encoder, ph Phase) error
	Decode(param []byte, ph Phase) error
}

// NewArgument returns an empty argument of the operation, ready for Decode,
// or nil when the operation takes no argument (continue, activityTest) or
// is not one scpd implements.
func NewArgument(op Opcode) Argument {
	switch op {
	case OpInitialDP:
		return new(InitialDPArg)
	case OpConnect:
		return new(ConnectArg)
	case OpContinueWithArgument:
		return new(ContinueWithArgumentArg)
	case OpCallInformationRequest:
		return new(CallInformationRequestArg)
	case OpCallInformationReport:
		return new(CallInformationReportArg)
	case OpFurnishChargingInformation:
		return new(FurnishChargingInformationArg)
	case OpReleaseCall:
		return new(ReleaseCallArg)
	case OpRequestReportBCSMEvent:
		return new(RequestReportBCSMEventArg)
	case OpEventReportBCSM:
		return new(EventReportBCSMArg)
	case OpApplyCharging:
		return new(ApplyChargingArg)
	case OpApplyChargingReport:
		return new(ApplyChargingReportArg)
	case OpResetTimer:
		return new(ResetTimerArg)
	case OpCancel:
		return new(CancelArg)
	}
	return nil
}

// DecodeArgument decodes the parameter of an Invoke of op. An operation
// without an argument must come without a parameter.
func DecodeArgument(op Opcode, ph Phase, param []byte) (Argument, error) {
	if !ph.Allows(op) {
		return nil, &DecodeError{Field: op.String(), Err: ErrNotInPhase}
	}
	a := NewArgument(op)
	if a == nil {
		if op == OpContinue || op == OpActivityTest {
			if len(param) != 0 {
				return nil, &DecodeError{Field: op.String(), Err: ErrNoArgument}
			}
			return nil, nil
		}
		return nil, &DecodeError{Field: op.String(), Err: ErrUnsupported}
	}
	if err := a.Decode(param, ph); err != nil {
		return nil, err
	}
	return a, nil
}

// AppendArgument appends the parameter encoding of a to b, for building
// components with a reused buffer.
func AppendArgument(b []byte, a Argument, ph Phase) ([]byte, error) {
	e := ber.NewEncoder(b)
	if err := a.Encode(e, ph); err != nil {
		return b, err
	}
	return e.Bytes(), nil
}

// openSequence checks that param is exactly one value with tag want and
// returns a reader over its members.
func openSequence(param []byte, want ber.Tag, typ string) (ber.Reader, error) {
	tlv, err := ber.ParseOnly(param)
	if err != nil {
		return ber.Reader{}, &DecodeError{Field: typ, Err: err}
	}
	if tlv.Tag != want {
		return ber.Reader{}, &DecodeError{Field: typ, Err: ber.ErrUnexpectedTag}
	}
	return ber.NewReader(tlv.Value), nil
}

// intIn decodes an INTEGER or ENUMERATED and checks its range.
func intIn(v []byte, min, max int64) (int64, error) {
	x, err := ber.ParseInt(v)
	if err != nil {
		return 0, err
	}
	if x < min || x > max {
		return 0, ErrRange
	}
	return x, nil
}

// sizeIn checks an OCTET STRING's size against its bound in CAP-classes.
func sizeIn(v []byte, min, max int) error {
	if len(v) < min || len(v) > max {
		return ErrSize
	}
	return nil
}

// appendValue writes a primitive value whose content a encodes, e.g. an
// ISUP number under its context tag, without an intermediate buffer.
func appendValue[T interface {
	AppendBinary([]byte) ([]byte, error)
}](e *ber.Encoder, t ber.Tag, a T) error {
	m := e.BeginPrimitive(t)
	if err := e.AppendFunc(a.AppendBinary); err != nil {
		return err
	}
	e.End(m)
	return nil
}
