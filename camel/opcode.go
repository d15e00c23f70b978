package camel

import "strconv"

// Opcode is a CAP local operation code (CAP-operationcodes, TS 29.078 §5.3).
type Opcode int32

// Circuit-switched call-control operation codes.
const (
	OpInitialDP                    Opcode = 0
	OpAssistRequestInstructions    Opcode = 16
	OpEstablishTemporaryConnection Opcode = 17
	OpDisconnectForwardConnection  Opcode = 18
	OpConnectToResource            Opcode = 19
	OpConnect                      Opcode = 20
	OpReleaseCall                  Opcode = 22
	OpRequestReportBCSMEvent       Opcode = 23
	OpEventReportBCSM              Opcode = 24
	OpCollectInformation           Opcode = 27
	OpContinue                     Opcode = 31
	OpInitiateCallAttempt          Opcode = 32
	OpResetTimer                   Opcode = 33
	OpFurnishChargingInformation   Opcode = 34
	OpApplyCharging                Opcode = 35
	OpApplyChargingReport          Opcode = 36
	OpCallGap                      Opcode = 41
	OpCallInformationReport        Opcode = 44
	OpCallInformationRequest       Opcode = 45
	OpSendChargingInformation      Opcode = 46
	OpPlayAnnouncement             Opcode = 47
	OpPromptAndCollectUserInfo     Opcode = 48
	OpSpecializedResourceReport    Opcode = 49
	OpCancel                       Opcode = 53
	OpActivityTest                 Opcode = 55
	OpDFCWithArgument              Opcode = 86
	OpContinueWithArgument         Opcode = 88
	OpDisconnectLeg                Opcode = 90
	OpMoveLeg                      Opcode = 93
	OpSplitLeg                     Opcode = 95
	OpEntityReleased               Opcode = 96
	OpPlayTone                     Opcode = 97
)

var opcodeNames = map[Opcode]string{
	OpInitialDP:                    "initialDP",
	OpAssistRequestInstructions:    "assistRequestInstructions",
	OpEstablishTemporaryConnection: "establishTemporaryConnection",
	OpDisconnectForwardConnection:  "disconnectForwardConnection",
	OpConnectToResource:            "connectToResource",
	OpConnect:                      "connect",
	OpReleaseCall:                  "releaseCall",
	OpRequestReportBCSMEvent:       "requestReportBCSMEvent",
	OpEventReportBCSM:              "eventReportBCSM",
	OpCollectInformation:           "collectInformation",
	OpContinue:                     "continue",
	OpInitiateCallAttempt:          "initiateCallAttempt",
	OpResetTimer:                   "resetTimer",
	OpFurnishChargingInformation:   "furnishChargingInformation",
	OpApplyCharging:                "applyCharging",
	OpApplyChargingReport:          "applyChargingReport",
	OpCallGap:                      "callGap",
	OpCallInformationReport:        "callInformationReport",
	OpCallInformationRequest:       "callInformationRequest",
	OpSendChargingInformation:      "sendChargingInformation",
	OpPlayAnnouncement:             "playAnnouncement",
	OpPromptAndCollectUserInfo:     "promptAndCollectUserInformation",
	OpSpecializedResourceReport:    "specializedResourceReport",
	OpCancel:                       "cancel",
	OpActivityTest:                 "activityTest",
	OpDFCWithArgument:              "disconnectForwardConnectionWithArgument",
	OpContinueWithArgument:         "continueWithArgument",
	OpDisconnectLeg:                "disconnectLeg",
	OpMoveLeg:                      "moveLeg",
	OpSplitLeg:                     "splitLeg",
	OpEntityReleased:               "entityReleased",
	OpPlayTone:                     "playTone",
}

// String gives the operation's ASN.1 name, e.g. "initialDP".
func (o Opcode) String() string {
	if s, ok := opcodeNames[o]; ok {
		return s
	}
	return "opcode(" + strconv.Itoa(int(o)) + ")"
}

// Known reports whether o is an operation of the CAP modules (it has a name).
func (o Opcode) Known() bool {
	_, ok := opcodeNames[o]
	return ok
}

// MarshalText makes JSON show the name.
func (o Opcode) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

// Class is the operation class of X.880 / Q.774 §3.2.2.1, which says which
// replies an invoker waits for and so how its invoke timer ends.
type Class uint8

// Operation classes.
const (
	Class1 Class = 1 // success and failure reported
	Class2 Class = 2 // only failure reported
	Class3 Class = 3 // only success reported
	Class4 Class = 4 // nothing reported
)

// ClassOf returns the class of an operation, from its OPERATION definition
// in CAP-gsmSSF-gsmSCF-ops-args (CAP-gsmSCF-gsmSRF-ops-args for
// playAnnouncement, promptAndCollectUserInformation and
// specializedResourceReport): RETURN RESULT TRUE or a RESULT, and ERRORS,
// give class 1; ERRORS alone class 2; a result alone class 3; neither
// (RETURN RESULT FALSE, ALWAYS RESPONDS FALSE) class 4.
func ClassOf(o Opcode) Class {
	switch o {
	case OpActivityTest:
		return Class3 // RETURN RESULT TRUE, no errors
	case OpReleaseCall, OpCallInformationReport, OpEntityReleased, OpContinue,
		OpEventReportBCSM, OpCallGap, OpSpecializedResourceReport:
		return Class4 // RETURN RESULT FALSE, ALWAYS RESPONDS FALSE: no result, no errors
	case OpInitiateCallAttempt, OpSplitLeg, OpMoveLeg, OpDisconnectLeg, OpPromptAndCollectUserInfo:
		return Class1
	default:
		return Class2
	}
}
