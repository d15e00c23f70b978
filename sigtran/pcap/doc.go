// Package pcap writes SIGTRAN traffic as captures Wireshark reads, and
// reads captures back into M3UA messages.
//
// Writing frames each M3UA message as Ethernet / IPv4 / SCTP with one DATA
// chunk (PPID 3, valid CRC32c), whatever transport carried it, because
// Wireshark 4.0 has no M3UA-over-TCP dissector: a trace of a TCP
// association therefore shows the real addresses and ports with SCTP
// framing. Reading accepts pcap and pcapng with Ethernet, Linux cooked or
// raw IP link types, SCTP DATA chunks of PPID 3, and M3UA over TCP.
//
// The file formats come from gopacket's pcapgo; the frames are built here,
// since gopacket does not compute the SCTP checksum.
package pcap
