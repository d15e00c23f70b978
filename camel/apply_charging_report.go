package camel

import "github.com/scpd/scpd/sigtran/ber"

// ApplyChargingReportArg is the argument of ApplyChargingReport (opcode
// 36), gsmSSF → gsmSCF: the call time used since the ApplyCharging.
//
//	ApplyChargingReportArg ::= CallResult
//	CallResult ::= OCTET STRING (SIZE (12..193))  -- the BER of CAMEL-CallResult
//
// So the component parameter is a universal OCTET STRING (tag 04), not a
// SEQUENCE (FACTS.md: go-tcap gets this wrong). Real MSCs send it before
// or after the oDisconnect EventReportBCSM; do not rely on the order.
// Byte slices of a decoded value alias the parameter.
type ApplyChargingReportArg struct {
	CallResult
}

// Opcode returns OpApplyChargingReport.
func (a *ApplyChargingReportArg) Opcode() Opcode { return OpApplyChargingReport }

// Encode writes the argument for phase ph.
func (a *ApplyChargingReportArg) Encode(e *ber.Encoder, ph Phase) error {
	const typ = "ApplyChargingReportArg"
	m := e.BeginPrimitive(ber.TagOctetString)
	start := e.Len()
	if err := a.CallResult.encode(e, ph); err != nil {
		return fieldError(typ, err)
	}
	if n := e.Len() - start; n < minCallResult || n > maxCallResult {
		return &DecodeError{Field: typ, Err: ErrSize}
	}
	e.End(m)
	return nil
}

// Decode reads the argument for phase ph.
func (a *ApplyChargingReportArg) Decode(param []byte, ph Phase) error {
	const typ = "ApplyChargingReportArg"
	tlv, err := ber.ParseOnly(param)
	if err != nil {
		return &DecodeError{Field: typ, Err: err}
	}
	if tlv.Tag != ber.TagOctetString {
		return &DecodeError{Field: typ, Err: ber.ErrUnexpectedTag}
	}
	if err := sizeIn(tlv.Value, minCallResult, maxCallResult); err != nil {
		return &DecodeError{Field: typ, Err: err}
	}
	return fieldErrorOrNil(typ, a.CallResult.decode(tlv.Value, ph))
}
