package camel

// RedirectionInformation is the ISUP Redirection Information (Q.763
// §3.45), CS1 RedirectionInformation ::= OCTET STRING (SIZE (2)). All
// zero ("no redirection") is legal, so optional fields of this type are
// pointers.
type RedirectionInformation struct {
	// RedirectingIndicator: 0 no redirection, 1 call rerouted, 3 call
	// diverted, 2/4/5/6 the same with presentation restricted.
	RedirectingIndicator uint8 `json:"redirectingIndicator"`
	// OriginalRedirectionReason and RedirectingReason: 0 unknown, 1 user
	// busy, 2 no reply, 3 unconditional, 4 deflection during alerting,
	// 5 deflection immediate response, 6 mobile subscriber not reachable.
	OriginalRedirectionReason uint8 `json:"originalRedirectionReason"`
	RedirectionCounter        uint8 `json:"redirectionCounter"` // 1..5
	RedirectingReason         uint8 `json:"redirectingReason"`
}

// AppendBinary appends the two octets (spare bits D and L zero).
func (r RedirectionInformation) AppendBinary(b []byte) ([]byte, error) {
	if r.RedirectingIndicator > 7 || r.OriginalRedirectionReason > 15 || r.RedirectionCounter > 7 || r.RedirectingReason > 15 {
		return nil, ErrRange
	}
	return append(b, r.OriginalRedirectionReason<<4|r.RedirectingIndicator, r.RedirectingReason<<4|r.RedirectionCounter), nil
}

// UnmarshalBinary decodes the two octets.
func (r *RedirectionInformation) UnmarshalBinary(b []byte) error {
	if len(b) != 2 {
		return ErrSize
	}
	*r = RedirectionInformation{
		RedirectingIndicator:      b[0] & 7,
		OriginalRedirectionReason: b[0] >> 4,
		RedirectionCounter:        b[1] & 7,
		RedirectingReason:         b[1] >> 4,
	}
	return nil
}
