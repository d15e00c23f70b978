package tcap

import "strconv"

// ProblemType is the tag of the problem in a Reject.
type ProblemType uint8

// Problem types (Q.773 §3.2, Reject.problem).
const (
	ProblemGeneral      ProblemType = 0
	ProblemInvoke       ProblemType = 1
	ProblemReturnResult ProblemType = 2
	ProblemReturnError  ProblemType = 3
)

// Problem is the reason a component was rejected.
type Problem struct {
	Type ProblemType `json:"type"`
	Code uint8       `json:"code"`
}

// The problems of Q.773 Table 46 (general, invoke, return result, return error).
var (
	GeneralUnrecognizedComponent     = Problem{ProblemGeneral, 0}
	GeneralMistypedComponent         = Problem{ProblemGeneral, 1}
	GeneralBadlyStructuredComponent  = Problem{ProblemGeneral, 2}
	InvokeDuplicateInvokeID          = Problem{ProblemInvoke, 0}
	InvokeUnrecognizedOperation      = Problem{ProblemInvoke, 1}
	InvokeMistypedParameter          = Problem{ProblemInvoke, 2}
	InvokeResourceLimitation         = Problem{ProblemInvoke, 3}
	InvokeInitiatingRelease          = Problem{ProblemInvoke, 4}
	InvokeUnrecognizedLinkedID       = Problem{ProblemInvoke, 5}
	InvokeLinkedResponseUnexpected   = Problem{ProblemInvoke, 6}
	InvokeUnexpectedLinkedOperation  = Problem{ProblemInvoke, 7}
	ReturnResultUnrecognizedInvokeID = Problem{ProblemReturnResult, 0}
	ReturnResultUnexpected           = Problem{ProblemReturnResult, 1}
	ReturnResultMistypedResult       = Problem{ProblemReturnResult, 2}
	ReturnErrorUnrecognizedInvokeID  = Problem{ProblemReturnError, 0}
	ReturnErrorUnexpected            = Problem{ProblemReturnError, 1}
	ReturnErrorUnrecognizedError     = Problem{ProblemReturnError, 2}
	ReturnErrorUnexpectedError       = Problem{ProblemReturnError, 3}
	ReturnErrorMistypedParameter     = Problem{ProblemReturnError, 4}
)

var problemNames = map[Problem]string{
	GeneralUnrecognizedComponent:     "general: unrecognizedComponent",
	GeneralMistypedComponent:         "general: mistypedComponent",
	GeneralBadlyStructuredComponent:  "general: badlyStructuredComponent",
	InvokeDuplicateInvokeID:          "invoke: duplicateInvokeID",
	InvokeUnrecognizedOperation:      "invoke: unrecognizedOperation",
	InvokeMistypedParameter:          "invoke: mistypedParameter",
	InvokeResourceLimitation:         "invoke: resourceLimitation",
	InvokeInitiatingRelease:          "invoke: initiatingRelease",
	InvokeUnrecognizedLinkedID:       "invoke: unrecognizedLinkedID",
	InvokeLinkedResponseUnexpected:   "invoke: linkedResponseUnexpected",
	InvokeUnexpectedLinkedOperation:  "invoke: unexpectedLinkedOperation",
	ReturnResultUnrecognizedInvokeID: "returnResult: unrecognizedInvokeID",
	ReturnResultUnexpected:           "returnResult: returnResultUnexpected",
	ReturnResultMistypedResult:       "returnResult: mistypedParameter",
	ReturnErrorUnrecognizedInvokeID:  "returnError: unrecognizedInvokeID",
	ReturnErrorUnexpected:            "returnError: returnErrorUnexpected",
	ReturnErrorUnrecognizedError:     "returnError: unrecognizedError",
	ReturnErrorUnexpectedError:       "returnError: unexpectedError",
	ReturnErrorMistypedParameter:     "returnError: mistypedParameter",
}

func (p Problem) String() string {
	if s, ok := problemNames[p]; ok {
		return s
	}
	return "problem(" + strconv.Itoa(int(p.Type)) + "," + strconv.Itoa(int(p.Code)) + ")"
}

// MarshalText makes JSON show the name.
func (p Problem) MarshalText() ([]byte, error) { return []byte(p.String()), nil }
