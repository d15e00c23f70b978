package sccp

// DefaultHopCounter is the hop counter an originating node puts in an XUDT
// (Q.714 §2.3.5.1 leaves it to the network; 15 is the usual maximum).
const DefaultHopCounter = 15

// NewXUDT returns a class 0 extended unitdata message, used when an
// operator's STP requires XUDT or the data needs the optional part.
func NewXUDT(called, calling Address, data []byte, returnOnError bool) *Message {
	return &Message{Type: XUDT, HopCounter: DefaultHopCounter, Called: called, Calling: calling, Data: data, ReturnOnError: returnOnError}
}
