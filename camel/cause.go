package camel

import "strconv"

// CauseValue is a Q.850 cause value.
type CauseValue uint8

// Cause values scpd sends or meets (Q.850 Table 1).
const (
	CauseUnallocatedNumber       CauseValue = 1
	CauseNormalClearing          CauseValue = 16
	CauseUserBusy                CauseValue = 17
	CauseNoUserResponding        CauseValue = 18
	CauseNoAnswer                CauseValue = 19
	CauseCallRejected            CauseValue = 21
	CauseNumberChanged           CauseValue = 22
	CauseDestinationOutOfOrder   CauseValue = 27
	CauseInvalidNumberFormat     CauseValue = 28
	CauseNormalUnspecified       CauseValue = 31
	CauseNoCircuitAvailable      CauseValue = 34
	CauseNetworkOutOfOrder       CauseValue = 38
	CauseTemporaryFailure        CauseValue = 41
	CauseSwitchingCongestion     CauseValue = 42
	CauseResourceUnavailable     CauseValue = 47
	CauseFacilityNotSubscribed   CauseValue = 50
	CauseIncomingBarredInCUG     CauseValue = 55
	CauseBearerNotAuthorized     CauseValue = 57
	CauseServiceNotAvailable     CauseValue = 63
	CauseServiceNotImplemented   CauseValue = 79
	CauseRecoveryOnTimerExpiry   CauseValue = 102
	CauseInterworkingUnspecified CauseValue = 127
)

var causeNames = map[CauseValue]string{
	CauseUnallocatedNumber:       "unallocatedNumber",
	CauseNormalClearing:          "normalCallClearing",
	CauseUserBusy:                "userBusy",
	CauseNoUserResponding:        "noUserResponding",
	CauseNoAnswer:                "noAnswerFromUser",
	CauseCallRejected:            "callRejected",
	CauseNumberChanged:           "numberChanged",
	CauseDestinationOutOfOrder:   "destinationOutOfOrder",
	CauseInvalidNumberFormat:     "invalidNumberFormat",
	CauseNormalUnspecified:       "normalUnspecified",
	CauseNoCircuitAvailable:      "noCircuitAvailable",
	CauseNetworkOutOfOrder:       "networkOutOfOrder",
	CauseTemporaryFailure:        "temporaryFailure",
	CauseSwitchingCongestion:     "switchingEquipmentCongestion",
	CauseResourceUnavailable:     "resourceUnavailableUnspecified",
	CauseFacilityNotSubscribed:   "requestedFacilityNotSubscribed",
	CauseIncomingBarredInCUG:     "incomingCallsBarredWithinCUG",
	CauseBearerNotAuthorized:     "bearerCapabilityNotAuthorized",
	CauseServiceNotAvailable:     "serviceOrOptionNotAvailable",
	CauseServiceNotImplemented:   "serviceOrOptionNotImplemented",
	CauseRecoveryOnTimerExpiry:   "recoveryOnTimerExpiry",
	CauseInterworkingUnspecified: "interworkingUnspecified",
}

func (c CauseValue) String() string {
	if s, ok := causeNames[c]; ok {
		return s + " (" + strconv.Itoa(int(c)) + ")"
	}
	return "cause(" + strconv.Itoa(int(c)) + ")"
}

// MarshalText makes JSON show the name and number.
func (c CauseValue) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// CauseLocation is the Q.850 location field.
type CauseLocation uint8

// Locations of Q.850 §2.2.4.
const (
	LocationUser               CauseLocation = 0
	LocationPrivateLocal       CauseLocation = 1
	LocationPublicLocal        CauseLocation = 2
	LocationTransit            CauseLocation = 3
	LocationPublicRemote       CauseLocation = 4
	LocationPrivateRemote      CauseLocation = 5
	LocationInternational      CauseLocation = 7
	LocationBeyondInterworking CauseLocation = 10
)

// Cause is the ISUP Cause indicators (Q.763 §3.12, Q.850 §2.1) that CAP
// carries in ReleaseCall, EventReportBCSM and elsewhere.
type Cause struct {
	CodingStandard uint8         `json:"codingStandard"` // 0 = ITU-T
	Location       CauseLocation `json:"location"`
	// Recommendation is octet 3a, present when HasRecommendation.
	HasRecommendation bool       `json:"-"`
	Recommendation    uint8      `json:"recommendation,omitempty"`
	Value             CauseValue `json:"causeValue"`
	Diagnostics       []byte     `json:"diagnostics,omitempty"`
}

// AppendBinary appends the encoding: octet 3 (and 3a), octet 4 with the
// extension bit set, then diagnostics.
func (c Cause) AppendBinary(b []byte) ([]byte, error) {
	if c.CodingStandard > 3 || c.Location > 0x0f || c.Recommendation > 0x7f || c.Value > 0x7f {
		return nil, ErrRange // would not fit its field: fail rather than mask
	}
	o3 := c.CodingStandard<<5 | byte(c.Location)
	if c.HasRecommendation {
		b = append(b, o3, 0x80|c.Recommendation)
	} else {
		b = append(b, 0x80|o3)
	}
	b = append(b, 0x80|byte(c.Value))
	return append(b, c.Diagnostics...), nil
}

// UnmarshalBinary decodes the encoding.
func (c *Cause) UnmarshalBinary(b []byte) error {
	if len(b) < 2 {
		return ErrSize
	}
	*c = Cause{CodingStandard: b[0] >> 5 & 3, Location: CauseLocation(b[0] & 0x0f)}
	i := 1
	if b[0]&0x80 == 0 { // octet 3a follows
		if len(b) < 3 {
			return ErrSize
		}
		c.HasRecommendation = true
		c.Recommendation = b[1] & 0x7f
		i = 2
	}
	c.Value = CauseValue(b[i] & 0x7f)
	if len(b) > i+1 {
		c.Diagnostics = b[i+1:]
	}
	return nil
}
