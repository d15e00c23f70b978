package m3ua

import (
	"encoding/binary"

	"github.com/wmnsk/go-m3ua/messages"
	"github.com/wmnsk/go-m3ua/messages/params"
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

// Data is a DATA message (RFC 4666 §3.3.1) with its Protocol Data
// parameter unpacked: the MTP3 routing label and the user part payload.
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

// Append appends the DATA message to b.
func (d *Data) Append(b []byte) ([]byte, error) {
	var na, rc, corr *params.Param
	if d.HasNetworkAppearance {
		na = params.NewNetworkAppearance(d.NetworkAppearance)
	}
	if d.HasRoutingContext {
		rc = params.NewRoutingContext(d.RoutingContext)
	}
	if d.HasCorrelationID {
		corr = params.NewCorrelationID(d.CorrelationID)
	}
	pd := params.NewProtocolData(d.OPC, d.DPC, d.SI, d.NI, d.MP, d.SLS, d.Payload)
	m := messages.NewData(na, rc, pd, corr)
	n := len(b)
	b = append(b, make([]byte, m.MarshalLen())...)
	if err := m.MarshalTo(b[n:]); err != nil {
		return b[:n], &Error{Field: "DATA", Code: ErrCodeUnexpectedMessage, Err: err}
	}
	return b, nil
}

// DecodeData reads a DATA message. Payload aliases b.
func DecodeData(b []byte) (Data, error) {
	var d Data
	if err := checkHeader(b); err != nil {
		return d, err
	}
	if b[2] != messages.MsgClassTransfer || b[3] != messages.MsgTypePayloadData {
		return d, &Error{Field: "header", Code: ErrCodeUnsupportedMessageType, Err: errNotData}
	}
	m, err := messages.ParseData(b)
	if err != nil {
		return d, &Error{Field: "DATA", Code: ErrCodeParameterFieldError, Err: err}
	}
	if m.ProtocolData == nil {
		return d, &Error{Field: "DATA.protocolData", Code: ErrCodeMissingParameter, Err: errMissing}
	}
	p, err := m.ProtocolData.ProtocolData()
	if err != nil {
		return d, &Error{Field: "DATA.protocolData", Code: ErrCodeParameterFieldError, Err: err}
	}
	d.OPC, d.DPC, d.SI, d.NI, d.MP, d.SLS, d.Payload = p.OriginatingPointCode, p.DestinationPointCode,
		p.ServiceIndicator, p.NetworkIndicator, p.MessagePriority, p.SignalingLinkSelection, p.Data
	// The values are read here rather than through go-m3ua's accessors:
	// RoutingContext() indexes an empty list and panics on a parameter
	// with no value.
	if m.NetworkAppearance != nil {
		if d.NetworkAppearance, err = uint32Param(m.NetworkAppearance); err != nil {
			return d, &Error{Field: "DATA.networkAppearance", Code: ErrCodeParameterFieldError, Err: err}
		}
		d.HasNetworkAppearance = true
	}
	if m.RoutingContext != nil {
		// DATA carries exactly one routing context (RFC 4666 §3.3.1).
		if d.RoutingContext, err = uint32Param(m.RoutingContext); err != nil {
			return d, &Error{Field: "DATA.routingContext", Code: ErrCodeInvalidRoutingContext, Err: err}
		}
		d.HasRoutingContext = true
	}
	if m.CorrelationID != nil {
		if d.CorrelationID, err = uint32Param(m.CorrelationID); err != nil {
			return d, &Error{Field: "DATA.correlationId", Code: ErrCodeParameterFieldError, Err: err}
		}
		d.HasCorrelationID = true
	}
	return d, nil
}

func uint32Param(p *params.Param) (uint32, error) {
	if len(p.Data) != 4 {
		return 0, errParamLength
	}
	return binary.BigEndian.Uint32(p.Data), nil
}
