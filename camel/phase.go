package camel

import (
	"bytes"
	"strconv"

	"github.com/scpd/scpd/sigtran/ber"
)

// Phase is a CAMEL phase, as negotiated by the TCAP application context.
type Phase uint8

// The phases scpd speaks. Phase 1 (CAP v1) has no ApplyCharging and is not
// supported.
const (
	Phase2 Phase = 2
	Phase3 Phase = 3
	Phase4 Phase = 4
)

func (p Phase) String() string { return "CAP phase " + strconv.Itoa(int(p)) }

// Application contexts a gsmSSF offers in its TC-BEGIN (FACTS.md; TS 29.078
// CAP-object-identifiers, id-ac-CAP-gsmSSF-scfGenericAC for phase 4).
var (
	ACPhase2 = ber.MakeOID(0, 4, 0, 0, 1, 0, 50, 1)
	ACPhase3 = ber.MakeOID(0, 4, 0, 0, 1, 21, 3, 4)
	ACPhase4 = ber.MakeOID(0, 4, 0, 0, 1, 23, 3, 4)
)

// PhaseOf returns the phase of a gsmSSF-to-gsmSCF application context, or
// false when scpd does not support it.
func PhaseOf(ac ber.OID) (Phase, bool) {
	switch {
	case bytes.Equal(ac, ACPhase2):
		return Phase2, true
	case bytes.Equal(ac, ACPhase3):
		return Phase3, true
	case bytes.Equal(ac, ACPhase4):
		return Phase4, true
	}
	return 0, false
}

// ApplicationContext returns the gsmSSF-scfGeneric AC of the phase.
func (p Phase) ApplicationContext() ber.OID {
	switch p {
	case Phase2:
		return ACPhase2
	case Phase3:
		return ACPhase3
	case Phase4:
		return ACPhase4
	}
	return nil
}

// Allows reports whether the phase's gsmSSF-scfGeneric application context
// carries the operation (TS 29.078 §6.1 operation packages: phase 3 adds
// callGap and continueWithArgument to phase 2; phase 4 adds call-party
// handling, playTone, collectInformation and disconnectForwardConnection
// WithArgument).
func (p Phase) Allows(op Opcode) bool {
	switch op {
	case OpInitialDP, OpAssistRequestInstructions, OpEstablishTemporaryConnection,
		OpDisconnectForwardConnection, OpConnectToResource, OpConnect, OpReleaseCall,
		OpRequestReportBCSMEvent, OpEventReportBCSM, OpContinue, OpResetTimer,
		OpFurnishChargingInformation, OpApplyCharging, OpApplyChargingReport,
		OpCallInformationReport, OpCallInformationRequest, OpSendChargingInformation,
		OpPlayAnnouncement, OpPromptAndCollectUserInfo, OpSpecializedResourceReport,
		OpCancel, OpActivityTest:
		return p >= Phase2 && p <= Phase4
	case OpCallGap, OpContinueWithArgument:
		return p == Phase3 || p == Phase4
	case OpDFCWithArgument, OpDisconnectLeg, OpMoveLeg, OpSplitLeg, OpEntityReleased,
		OpPlayTone, OpInitiateCallAttempt, OpCollectInformation:
		return p == Phase4
	}
	return false
}
