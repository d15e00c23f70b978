package tcap

// NewEnd returns a TC-END closing the peer's transaction dtid. An End that
// answers a Begin directly carries the AARE (Q.774 §3.2.2.3).
func NewEnd(dtid TransactionID, d *DialoguePortion, components ...Component) *Message {
	return &Message{Type: End, DTID: dtid, Dialogue: d, Components: components}
}
