package camel

import "strconv"

// CallingPartysCategory is the ISUP Calling Party's Category (Q.763 §3.11),
// CS1 CallingPartysCategory ::= OCTET STRING (SIZE (1)). 0 ("unknown at
// this time") is a legal value, so optional fields of this type are pointers.
type CallingPartysCategory uint8

// Categories of Q.763 Table 5.
const (
	CategoryUnknown                CallingPartysCategory = 0x00
	CategoryOperatorFrench         CallingPartysCategory = 0x01
	CategoryOperatorEnglish        CallingPartysCategory = 0x02
	CategoryOperatorGerman         CallingPartysCategory = 0x03
	CategoryOperatorRussian        CallingPartysCategory = 0x04
	CategoryOperatorSpanish        CallingPartysCategory = 0x05
	CategoryOrdinarySubscriber     CallingPartysCategory = 0x0a
	CategorySubscriberWithPriority CallingPartysCategory = 0x0b
	CategoryDataCall               CallingPartysCategory = 0x0c
	CategoryTestCall               CallingPartysCategory = 0x0d
	CategoryPayphone               CallingPartysCategory = 0x0f
)

func (c CallingPartysCategory) String() string {
	switch c {
	case CategoryUnknown:
		return "unknown"
	case CategoryOperatorFrench:
		return "operator-French"
	case CategoryOperatorEnglish:
		return "operator-English"
	case CategoryOperatorGerman:
		return "operator-German"
	case CategoryOperatorRussian:
		return "operator-Russian"
	case CategoryOperatorSpanish:
		return "operator-Spanish"
	case CategoryOrdinarySubscriber:
		return "ordinary-subscriber"
	case CategorySubscriberWithPriority:
		return "subscriber-with-priority"
	case CategoryDataCall:
		return "data-call"
	case CategoryTestCall:
		return "test-call"
	case CategoryPayphone:
		return "payphone"
	}
	return "category(" + strconv.Itoa(int(c)) + ")"
}

// MarshalText makes JSON show the name.
func (c CallingPartysCategory) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// decodeCallingPartysCategory reads the one-octet value into a new pointer.
func decodeCallingPartysCategory(v []byte) (*CallingPartysCategory, error) {
	if len(v) != 1 {
		return nil, ErrSize
	}
	c := CallingPartysCategory(v[0])
	return &c, nil
}
