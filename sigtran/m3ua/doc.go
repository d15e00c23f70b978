// Package m3ua carries SS7 user parts over IP as RFC 4666 says: the DATA
// message that holds SCCP, and the management messages (ASPUP, ASPAC,
// BEAT, NTFY, ERR, DAUD, DAVA, DUNA, …).
//
// The codec of every message is go-m3ua's `messages` package, which is
// correct; this package adds a flat view of DATA for the hot path, the
// framing of M3UA over a byte stream (TCP), and typed errors that name the
// layer and field and carry the M3UA error code (RFC 4666 §3.8.1) that
// answers them.
package m3ua
