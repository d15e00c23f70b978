// Package pcap writes SIGTRAN traffic as captures Wireshark reads, and
// reads captures back into M3UA messages.
//
// Writing frames each M3UA message as Ethernet / IPv4 / SCTP with one DATA
// chunk (PPID 3, valid CRC32c), whatever transport carried it, because
// Wireshark 4.0 has no M3UA-over-TCP dissector: a trace of a TCP
// association therefore shows the real addresses and ports with SCTP
// framing. WriteM3UATCP frames M3UA over TCP instead (a handshake, then
// one segment a message with exact sequence numbers and checksums), for
// captures that must show TCP; Wireshark decodes those with the Lua
// dissector in scripts/m3ua-tcp.lua.
//
// Reading accepts pcap and pcapng (whose interfaces may differ in link
// type) with Ethernet, Linux cooked v1 or v2, raw IP, IPv4 or IPv6 link
// types, IPv4 and IPv6; every DATA chunk of an SCTP packet (the reader
// of the capture checks the PPID), and M3UA over TCP, framed by the M3UA
// length across segments, a retransmission read once; and frames that
// carry a SIGTRAN layer without IP: DLT_SCCP (142) and DLT_USER0-15
// (147-162), which tools use for bare TCAP (Transport Bare). SCTP
// fragments (a DATA chunk without both B and E bits) are not reassembled.
// A frame cut by the snap length gives what was captured of its messages,
// marked Truncated; a file cut inside a frame or block ends with
// io.ErrUnexpectedEOF after the packets before it.
//
// The file formats come from gopacket's pcapgo; the frames are built here,
// since gopacket does not compute the SCTP checksum.
package pcap
