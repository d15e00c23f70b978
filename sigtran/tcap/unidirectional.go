package tcap

import "github.com/scpd/scpd/sigtran/ber"

// NewUnidirectional returns a Unidirectional message: components with no
// transaction, optionally with an AUDT naming ac (Q.773 §3.1).
func NewUnidirectional(ac ber.OID, components ...Component) *Message {
	m := &Message{Type: Unidirectional, Components: components}
	if ac != nil {
		m.Dialogue = &DialoguePortion{PDU: AUDT, ProtocolVersion: true, ApplicationContext: ac}
	}
	return m
}
