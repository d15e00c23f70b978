package tcap

import "github.com/scpd/scpd/sigtran/ber"

// NewBegin returns a TC-BEGIN opening transaction otid. A structured
// dialogue's first message proposes its application context in an AARQ
// (Q.774 §3.2.2.1).
func NewBegin(otid TransactionID, d *DialoguePortion, components ...Component) *Message {
	return &Message{Type: Begin, OTID: otid, Dialogue: d, Components: components}
}

// NewAARQ returns the dialogue request that proposes ac, with
// protocol-version {version1} written out as gsmSSFs do.
func NewAARQ(ac ber.OID) *DialoguePortion {
	return &DialoguePortion{PDU: AARQ, ProtocolVersion: true, ApplicationContext: ac}
}
