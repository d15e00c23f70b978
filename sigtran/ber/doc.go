// Package ber reads and writes the Basic Encoding Rules of ITU-T X.690 as
// TCAP (Q.773) and CAP (3GPP TS 29.078) use them: tag-length-value with
// short and long definite lengths, tag numbers of any size (CAP uses [50]
// and beyond), and indefinite lengths on decode only.
//
// The decoder works on a byte slice and never copies: values are sub-slices
// of the input, so a decoded message is valid as long as its buffer is. It
// never panics on any input, never allocates on the success path, and never
// reads more than the input holds.
//
// The encoder appends to a growing buffer and back-patches lengths, so a
// caller writes a constructed value by Begin, its members, then End.
package ber
