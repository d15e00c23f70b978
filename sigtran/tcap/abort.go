package tcap

// NewPAbort returns an Abort from the transaction sub-layer, e.g. for an
// unknown DTID (Q.774 §3.2.2.4: unrecognizedTransactionID).
func NewPAbort(dtid TransactionID, cause PAbortCause) *Message {
	return &Message{Type: Abort, DTID: dtid, PAbortCause: cause, HasPAbortCause: true}
}

// NewUAbort returns a user Abort; d is an ABRT (or, to refuse a dialogue,
// an AARE with result reject-permanent) or nil for none.
func NewUAbort(dtid TransactionID, d *DialoguePortion) *Message {
	return &Message{Type: Abort, DTID: dtid, Dialogue: d}
}

// NewABRT returns the dialogue abort APDU of the TC user, optionally
// carrying user information such as a CAP-U-ABORT-REASON.
func NewABRT(userInformation []byte) *DialoguePortion {
	return &DialoguePortion{PDU: ABRT, AbortSource: AbortByUser, UserInformation: userInformation}
}
