// Package sccp is the codec of the connectionless SCCP messages of ITU-T
// Q.713 that carry TCAP: UDT, XUDT and their service messages UDTS and
// XUDTS (the return path for undeliverable messages), with called and
// calling party addresses holding point code, subsystem number and global
// title.
//
// It is written here rather than taken from go-sccp v0.0.5, which writes
// the point code of an address big-endian (ITU puts the low octet first,
// Q.713 §3.4.2.1) and has no UDTS; go-sccp's global-title encoding is
// correct and serves as an independent check in the tests.
package sccp
