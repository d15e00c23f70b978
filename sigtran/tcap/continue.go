package tcap

// NewContinue returns a TC-CONTINUE from transaction otid to the peer's
// dtid. The first Continue of a dialogue that was opened with an AARQ
// carries the AARE (Q.774 §3.2.2.2).
func NewContinue(otid, dtid TransactionID, d *DialoguePortion, components ...Component) *Message {
	return &Message{Type: Continue, OTID: otid, DTID: dtid, Dialogue: d, Components: components}
}

// NewAARE returns a dialogue response for the proposed ac: accepted, or
// rejected with a service-user diagnostic such as
// application-context-name-not-supported (DiagACNameNotSupported).
func NewAARE(ac []byte, result AssociateResult, diagnostic uint8) *DialoguePortion {
	return &DialoguePortion{PDU: AARE, ProtocolVersion: true, ApplicationContext: ac,
		Result: result, DiagnosticSource: ServiceUser, Diagnostic: diagnostic}
}
