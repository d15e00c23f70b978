package camel

import (
	"strconv"

	"github.com/scpd/scpd/sigtran/ber"
)

// UAbortReason is CAP-U-ABORT-REASON (CAP-U-ABORT-Data, TS 29.078 §5.7):
// why a CAP user aborted the dialogue. It travels as the user information
// of a TC-U-ABORT (an EXTERNAL whose direct-reference is
// IDCAPUAbortReason), encoded as a universal ENUMERATED.
type UAbortReason uint8

// IDCAPUAbortReason is id-CAP-U-ABORT-Reason, the abstract syntax
// 0.4.0.0.1.1.2.2 {itu-t(0) identified-organization(4) etsi(0)
// mobileDomain(0) umts-Network(1) as(1) cap-u-abort-reason(2) version3(2)}.
var IDCAPUAbortReason = ber.MakeOID(0, 4, 0, 0, 1, 1, 2, 2)

// The abort reasons.
const (
	UAbortNoReasonGiven           UAbortReason = 1
	UAbortApplicationTimerExpired UAbortReason = 2 // e.g. Tssf expired
	UAbortNotAllowedProcedures    UAbortReason = 3
	UAbortAbnormalProcessing      UAbortReason = 4
	UAbortCongestion              UAbortReason = 5
	UAbortInvalidReference        UAbortReason = 6 // GPRS reference numbers
	UAbortMissingReference        UAbortReason = 7 // GPRS reference numbers
	UAbortOverlappingDialogue     UAbortReason = 8 // gprsSSF
)

var uAbortReasonNames = [...]string{
	UAbortNoReasonGiven:           "no-reason-given",
	UAbortApplicationTimerExpired: "application-timer-expired",
	UAbortNotAllowedProcedures:    "not-allowed-procedures",
	UAbortAbnormalProcessing:      "abnormal-processing",
	UAbortCongestion:              "congestion",
	UAbortInvalidReference:        "invalid-reference",
	UAbortMissingReference:        "missing-reference",
	UAbortOverlappingDialogue:     "overlapping-dialogue",
}

// String gives the ASN.1 name, e.g. "application-timer-expired".
func (r UAbortReason) String() string {
	if int(r) < len(uAbortReasonNames) && uAbortReasonNames[r] != "" {
		return uAbortReasonNames[r]
	}
	return "cap-u-abort-reason(" + strconv.Itoa(int(r)) + ")"
}

// MarshalText makes JSON show the name.
func (r UAbortReason) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// Encode writes the value, e.g. congestion: 0a 01 05.
func (r UAbortReason) Encode(e *ber.Encoder) error {
	return encodeEnumParameter(e, "CAP-U-ABORT-REASON", int64(r), 1, 8)
}

// Decode reads the value from the single-ASN1-type of the EXTERNAL.
func (r *UAbortReason) Decode(b []byte) error {
	x, err := decodeEnumParameter(b, "CAP-U-ABORT-REASON", 1, 8)
	*r = UAbortReason(x)
	return err
}
