// Package tcap is the codec of ITU-T Q.773 Transaction Capabilities: the
// messages Begin, Continue, End, Abort and Unidirectional, their
// transaction IDs, the dialogue portion (AARQ, AARE, ABRT, AUDT) and the
// components (Invoke, ReturnResult, ReturnError, Reject).
//
// It is written on package ber rather than on go-tcap, which writes every
// length in one octet and cannot parse tag numbers above 30 (see the
// README's dependency table). Component parameters are carried as raw BER
// with any tag: the operation layer (package camel) encodes and decodes them.
//
// Decoded messages alias the input buffer. Errors carry the P-Abort cause
// (Q.773 §3.1) or the Reject problem (Q.773 §3.2) that answers them, so the
// dialogue layer can give the protocol's own reply to bad input.
package tcap
