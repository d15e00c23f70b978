package dialogue

import (
	"time"

	"github.com/scpd/scpd/sigtran/ber"
	"github.com/scpd/scpd/sigtran/sccp"
)

// Config of the layer. Timers are configuration, not constants: operators
// tune them to their MSCs.
type Config struct {
	// SSN is the subsystem the layer serves (146 for CAP).
	SSN uint8
	// LocalAddress is the calling address of dialogues this node opens.
	LocalAddress sccp.Address
	// AcceptAC decides application-context negotiation for a Begin: false
	// refuses the dialogue with an AARE application-context-name-not-
	// supported (Q.774 §3.2.2.1). A nil ac means a Begin without a
	// dialogue portion. Nil AcceptAC accepts everything.
	AcceptAC func(ac ber.OID) bool
	// IdleTimeout is how long a dialogue may see no message before
	// EventIdle. Zero disables it.
	IdleTimeout time.Duration
	// InvokeTimer gives the operation class (1-4, X.880) and the invoke
	// timer of an operation this node invokes; class 4 or a zero timeout
	// is not timed.
	InvokeTimer func(opcode int64) (class uint8, timeout time.Duration)
	// MaxDialogues bounds open dialogues; a Begin beyond it gets a P-Abort
	// resourceLimitation. Zero is unbounded.
	MaxDialogues int
}

// DefaultConfig is a CAP configuration: SSN 146, 10 minutes idle, 10 s
// invoke timers.
func DefaultConfig() Config {
	return Config{
		SSN:         sccp.SSNCAP,
		IdleTimeout: 10 * time.Minute,
		InvokeTimer: func(op int64) (uint8, time.Duration) {
			// The class decides which answers are accepted: ActivityTest
			// returns a result and no error (class 3, TS 29.078); the
			// other CAP operations a gsmSCF invokes report errors only.
			if op == opActivityTest {
				return 3, 10 * time.Second
			}
			return 2, 10 * time.Second
		},
	}
}

// opActivityTest is CAP's activityTest operation code (TS 29.078).
const opActivityTest = 55
