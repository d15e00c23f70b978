package m3ua

import (
	"encoding/binary"
)

// Service indicators of the MTP3 routing label (Q.704 §14.2.1).
const (
	SISCCP uint8 = 3
	SIISUP uint8 = 5
)

// Network indicators.
const (
	NIInternational uint8 = 0
	NINational      uint8 = 2
)

// Parameter tags of DATA (RFC 4666 §3.2, §3.3.1).
const (
	tagNetworkAppearance = 0x0200
	tagRoutingContext    = 0x0006
	tagProtocolData      = 0x0210
	tagCorrelationID     = 0x0013
)

// Data is a DATA message (RFC 4666 §3.3.1) with its Protocol Data
// parameter unpacked: the MTP3 routing label and the user part payload.
//
// DATA is the one message on the hot path, so it is encoded and decoded
// here without allocating; go-m3ua's codec, which allocates six to eight
// times per message, serves every other message and checks this one in
// the tests.
type Data struct {
	NetworkAppearance    uint32 `json:"networkAppearance,omitempty"`
	HasNetworkAppearance bool   `json:"-"`
	RoutingContext       uint32 `json:"routingContext,omitempty"`
	HasRoutingContext    bool   `json:"-"`
	OPC                  uint32 `json:"opc"`
	DPC                  uint32 `json:"dpc"`
	SI                   uint8  `json:"si"`
	NI                   uint8  `json:"ni"`
	MP                   uint8  `json:"mp"`
	SLS                  uint8  `json:"sls"`
	Payload              []byte `json:"payload"`
	CorrelationID        uint32 `json:"correlationId,omitempty"`
	HasCorrelationID     bool   `json:"-"`
}

// Append appends the DATA message to b. Parameters go in the order of
// RFC 4666 §3.3.1, each padded to four octets.
func (d *Data) Append(b []byte) ([]byte, error) {
	start := len(b)
	b = append(b, 1, 0, 1, 1, 0, 0, 0, 0) // version 1, class transfer, type DATA
	if d.HasNetworkAppearance {
		b = appendUint32Param(b, tagNetworkAppearance, d.NetworkAppearance)
	}
	if d.HasRoutingContext {
		b = appendUint32Param(b, tagRoutingContext, d.RoutingContext)
	}
	n := 16 + len(d.Payload)
	b = binary.BigEndian.AppendUint16(b, tagProtocolData)
	b = binary.BigEndian.AppendUint16(b, uint16(n))
	b = binary.BigEndian.AppendUint32(b, d.OPC)
	b = binary.BigEndian.AppendUint32(b, d.DPC)
	b = append(b, d.SI, d.NI, d.MP, d.SLS)
	b = append(b, d.Payload...)
	for ; n%4 != 0; n++ {
		b = append(b, 0)
	}
	if d.HasCorrelationID {
		b = appendUint32Param(b, tagCorrelationID, d.CorrelationID)
	}
	if len(d.Payload) > 0xffff-16 {
		return b[:start], &Error{Field: "DATA.protocolData", Code: ErrCodeParameterFieldError, Err: errParamLength}
	}
	binary.BigEndian.PutUint32(b[start+4:], uint32(len(b)-start))
	return b, nil
}

func appendUint32Param(b []byte, tag uint16, v uint32) []byte {
	b = binary.BigEndian.AppendUint16(b, tag)
	b = binary.BigEndian.AppendUint16(b, 8)
	return binary.BigEndian.AppendUint32(b, v)
}

// DecodeData reads a DATA message. Payload aliases b.
func DecodeData(b []byte) (Data, error) {
	var d Data
	if err := checkHeader(b); err != nil {
		return d, err
	}
	if b[2] != 1 || b[3] != 1 {
		return d, &Error{Field: "header", Code: ErrCodeUnsupportedMessageType, Err: errNotData}
	}
	havePD := false
	for p := b[HeaderLen:]; len(p) > 0; {
		if len(p) < 4 {
			return d, &Error{Field: "DATA", Code: ErrCodeParameterFieldError, Err: errShort}
		}
		tag, n := binary.BigEndian.Uint16(p), int(binary.BigEndian.Uint16(p[2:]))
		if n < 4 || n > len(p) {
			return d, &Error{Field: "DATA", Code: ErrCodeParameterFieldError, Err: errParamLength}
		}
		v := p[4:n]
		switch tag {
		case tagNetworkAppearance:
			if len(v) != 4 {
				return d, &Error{Field: "DATA.networkAppearance", Code: ErrCodeParameterFieldError, Err: errParamLength}
			}
			d.NetworkAppearance, d.HasNetworkAppearance = binary.BigEndian.Uint32(v), true
		case tagRoutingContext:
			// DATA carries exactly one routing context (§3.3.1).
			if len(v) != 4 {
				return d, &Error{Field: "DATA.routingContext", Code: ErrCodeInvalidRoutingContext, Err: errParamLength}
			}
			d.RoutingContext, d.HasRoutingContext = binary.BigEndian.Uint32(v), true
		case tagProtocolData:
			if len(v) < 12 {
				return d, &Error{Field: "DATA.protocolData", Code: ErrCodeParameterFieldError, Err: errShort}
			}
			d.OPC, d.DPC = binary.BigEndian.Uint32(v), binary.BigEndian.Uint32(v[4:])
			d.SI, d.NI, d.MP, d.SLS = v[8], v[9], v[10], v[11]
			d.Payload = v[12:]
			havePD = true
		case tagCorrelationID:
			if len(v) != 4 {
				return d, &Error{Field: "DATA.correlationId", Code: ErrCodeParameterFieldError, Err: errParamLength}
			}
			d.CorrelationID, d.HasCorrelationID = binary.BigEndian.Uint32(v), true
		default:
			return d, &Error{Field: "DATA", Code: ErrCodeUnexpectedParameter, Err: errUnexpectedParam}
		}
		if pad := (4 - n%4) % 4; n+pad <= len(p) {
			n += pad
		} else {
			n = len(p) // a missing final padding is tolerated
		}
		p = p[n:]
	}
	if !havePD {
		return d, &Error{Field: "DATA.protocolData", Code: ErrCodeMissingParameter, Err: errMissing}
	}
	return d, nil
}
