// Package camel holds the CAMEL Application Part (3GPP TS 29.078) as typed
// Go values: the circuit-switched operations a gsmSCF sends and receives,
// their BER codec for each CAMEL phase, the application contexts, the CAP
// error codes, and the number formats carried inside (ISUP numbers, TBCD
// address strings, IMSI, Q.850 cause).
//
// Each operation's argument lives in its own file, named after the
// operation, with Encode and Decode written from the ASN.1 modules in
// 29.078 (CAP-gsmSSF-gsmSCF-ops-args, CAP-datatypes). Struct fields carry
// the ASN.1 names as JSON tags, so a decoded argument prints field by field
// under the names a telecom engineer reads in the specification.
//
// camel knows nothing of TCAP transactions: an argument encodes to, and
// decodes from, the parameter octets of one TCAP component.
package camel
