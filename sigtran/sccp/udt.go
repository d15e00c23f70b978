package sccp

// NewUDT returns a class 0 unitdata message. Set returnOnError to have the
// network send a UDTS back when it cannot deliver (Q.714 §4.2).
func NewUDT(called, calling Address, data []byte, returnOnError bool) *Message {
	return &Message{Type: UDT, Called: called, Calling: calling, Data: data, ReturnOnError: returnOnError}
}
