// Package dialogue is the TCAP dialogue layer (Q.774, transaction and
// component sub-layers) for the service above it: it allocates local
// transaction IDs, keeps each dialogue's state, negotiates the application
// context, runs invoke and idle timers, answers unknown transactions with
// P-Abort and malformed components with Reject, and delivers each
// dialogue's events in order — dialogues in parallel, with no goroutine
// held by an idle dialogue.
//
// The service sees Begin, Continue, End, Abort, Idle and InvokeTimeout
// events, and answers with Continue, End or Abort on the Dialogue.
package dialogue
