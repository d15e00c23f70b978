package sccp

// ServiceFor returns the UDTS (or XUDTS, for an XUDT) that reports m as
// undeliverable with cause, or nil when none may be sent: only messages
// that asked for return on error get one, and a service message never
// answers a service message (Q.714 §4.2).
func ServiceFor(m *Message, cause ReturnCause) *Message {
	if !m.ReturnOnError || m.Type.service() {
		return nil
	}
	s := &Message{Type: UDTS, ReturnCause: cause, Called: m.Calling, Calling: m.Called, Data: m.Data}
	if m.Type == XUDT {
		s.Type, s.HopCounter = XUDTS, DefaultHopCounter
	}
	return s
}
