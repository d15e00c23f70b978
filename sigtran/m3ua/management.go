package m3ua

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/wmnsk/go-m3ua/messages"
	"github.com/wmnsk/go-m3ua/messages/params"
)

// handle processes one message from the peer.
func (a *Association) handle(b []byte) {
	if IsData(b) {
		a.handleData(b)
		return
	}
	m, err := Decode(b)
	if err != nil {
		a.refuse(b, err)
		return
	}
	switch msg := m.(type) {
	// ASPSM (RFC 4666 §3.5)
	case *messages.AspUp:
		a.onAspUp()
	case *messages.AspUpAck:
		a.ack(messages.MsgTypeAspUpAck, StateInactive)
	case *messages.AspDown:
		a.sendManagement(messages.NewAspDownAck(nil))
		a.setState(StateDown)
	case *messages.AspDownAck:
		a.setState(StateDown)
	case *messages.Heartbeat:
		// BEAT ACK echoes the heartbeat data unchanged (§3.5.6).
		a.sendManagement(messages.NewHeartbeatAck(msg.HeartbeatData))
	case *messages.HeartbeatAck:
		a.beatAcks.Add(1)
	// ASPTM (§3.7)
	case *messages.AspActive:
		a.onAspActive(msg)
	case *messages.AspActiveAck:
		a.ack(messages.MsgTypeAspActiveAck, StateActive)
	case *messages.AspInactive:
		if a.State() == StateDown {
			a.sendError(ErrCodeUnexpectedMessage, nil)
			return
		}
		a.sendManagement(messages.NewAspInactiveAck(msg.RoutingContext, nil))
		a.setState(StateInactive)
	case *messages.AspInactiveAck:
		a.setState(StateInactive)
	// SSNM (§3.4)
	case *messages.DestinationStateAudit:
		a.onDAUD(msg)
	case *messages.DestinationAvailable, *messages.DestinationUnavailable,
		*messages.DestinationRestricted, *messages.DestinationUserPartUnavailable, *messages.SignallingCongestion:
		a.log.Info("m3ua network management", "message", m.MessageTypeName())
	// MGMT (§3.8)
	case *messages.Error:
		a.errRecv.Add(1)
		code := uint32(0)
		if msg.ErrorCode != nil && len(msg.ErrorCode.Data) == 4 {
			code = binary.BigEndian.Uint32(msg.ErrorCode.Data)
		}
		a.log.Warn("m3ua ERR received", "code", ErrorCode(code).String())
	case *messages.Notify:
		status := uint32(0)
		if msg.Status != nil && len(msg.Status.Data) == 4 {
			status = binary.BigEndian.Uint32(msg.Status.Data)
		}
		a.log.Info("m3ua NTFY received", "type", status>>16, "info", status&0xffff)
	default:
		a.refuse(b, &Error{Field: "header", Code: unsupportedCode(b), Err: errors.New(m.MessageClassName() + " " + m.MessageTypeName() + " not supported")})
	}
}

// unsupportedCode says whether the class or only the type is unknown.
// Routing key management is a class this node does not have: a REG REQ
// gets Unsupported Message Class (RFC 4666 §4.4.1, registration not
// supported).
func unsupportedCode(b []byte) ErrorCode {
	switch b[2] {
	case messages.MsgClassManagement, messages.MsgClassTransfer, messages.MsgClassSSNM,
		messages.MsgClassASPSM, messages.MsgClassASPTM:
		return ErrCodeUnsupportedMessageType
	}
	return ErrCodeUnsupportedMessageClass
}

// refuse answers an undecodable message b with ERR carrying its first 40
// octets as Diagnostic Information, to show the peer what was refused; the
// association stays up (§3.8.1: the receiver reports, it does not tear
// down).
func (a *Association) refuse(b []byte, err error) {
	a.drop()
	code := ErrCodeProtocolError
	var me *Error
	if errors.As(err, &me) {
		code = me.Code
	}
	a.log.Warn("m3ua message refused", "error", err.Error())
	a.sendError(code, b[:min(len(b), 40)])
}

// ack passes an ASPUP ACK or ASPAC ACK to the dialling side.
func (a *Association) ack(t uint8, s State) {
	if !a.dialled {
		a.sendError(ErrCodeUnexpectedMessage, nil)
		return
	}
	a.setState(s)
	select {
	case a.acks <- t:
	default:
	}
}

// onAspUp is the SGP/IPSP side of ASP Up (§4.3.4.1).
func (a *Association) onAspUp() {
	if a.dialled {
		a.sendError(ErrCodeUnexpectedMessage, nil)
		return
	}
	a.sendManagement(messages.NewAspUpAck(nil, nil))
	if a.State() == StateActive {
		// An ASPUP while active means the ASP restarted: acknowledged, and
		// reported as unexpected, and back to inactive (§4.3.4.1).
		a.sendError(ErrCodeUnexpectedMessage, nil)
	}
	a.setState(StateInactive)
}

// onAspActive is the SGP/IPSP side of ASP Active (§4.3.4.3).
func (a *Association) onAspActive(m *messages.AspActive) {
	if a.dialled {
		a.sendError(ErrCodeUnexpectedMessage, nil)
		return
	}
	if a.State() == StateDown {
		a.sendError(ErrCodeUnexpectedMessage, nil)
		return
	}
	mode := TrafficMode(a.peer.TrafficMode)
	if m.TrafficModeType != nil {
		v, err := uint32Param(m.TrafficModeType)
		if err != nil || (TrafficMode(v) != Override && TrafficMode(v) != Loadshare) {
			a.sendError(ErrCodeUnsupportedTrafficMode, nil)
			return
		}
		mode = TrafficMode(v)
	}
	if want := a.peer.RoutingContext; want != 0 || m.RoutingContext != nil {
		rcs, err := uint32List(m.RoutingContext)
		if err != nil || len(rcs) != 1 || rcs[0] != want {
			switch {
			case want == 0:
				a.sendError(ErrCodeNoConfiguredASForASP, nil)
			case err == nil && len(rcs) > 0:
				a.sendErrorRC(ErrCodeInvalidRoutingContext, params.NewRoutingContext(rcs[0]), nil)
			default:
				a.sendError(ErrCodeInvalidRoutingContext, nil)
			}
			return
		}
		a.rc.Store(want)
	}
	a.trafficMode.Store(uint32(mode))
	var rc *params.Param
	if a.peer.RoutingContext != 0 {
		rc = params.NewRoutingContext(a.peer.RoutingContext)
	}
	a.sendManagement(messages.NewAspActiveAck(params.NewTrafficModeType(uint32(mode)), rc, nil))
	a.setState(StateActive)
	// Tell the ASP its AS is active (§4.3.4.3, NTFY AS-ACTIVE).
	a.sendManagement(messages.NewNotify(params.NewStatus(params.AsStateActive), nil, rc, nil))
	if mode == Override {
		a.node.overrideTakeover(a)
	}
}

// onDAUD answers a destination state audit (§4.5.3): DAVA for the point
// codes this node reaches, DUNA for the others.
func (a *Association) onDAUD(m *messages.DestinationStateAudit) {
	pcs, err := uint32List(m.AffectedPointCode)
	if err != nil || len(pcs) == 0 {
		a.sendError(ErrCodeMissingParameter, nil)
		return
	}
	var up, down []uint32
	for _, apc := range pcs {
		pc := apc & 0xffffff // the high octet is a mask (§3.4.1)
		if a.node.reachable(pc, a) {
			up = append(up, apc)
		} else {
			down = append(down, apc)
		}
	}
	rc := a.rcParam()
	if len(up) > 0 {
		a.sendManagement(messages.NewDestinationAvailable(nil, rc, params.NewAffectedPointCode(up...), nil))
	}
	if len(down) > 0 {
		a.sendManagement(messages.NewDestinationUnavailable(nil, rc, params.NewAffectedPointCode(down...), nil))
	}
}

// handleData checks a DATA message against the state and the peer's
// configuration and hands it to the user part.
func (a *Association) handleData(b []byte) {
	if a.State() != StateActive {
		a.drop()
		a.sendError(ErrCodeUnexpectedMessage, nil) // DATA before ASPAC (§4.3.4.3)
		return
	}
	d, err := DecodeData(b)
	if err != nil {
		a.refuse(b, err)
		return
	}
	if rc := a.rc.Load(); d.HasRoutingContext && d.RoutingContext != rc {
		// The ERR names the Routing Context refused (§3.8.1: it MUST).
		a.drop()
		a.sendErrorRC(ErrCodeInvalidRoutingContext, params.NewRoutingContext(d.RoutingContext), nil)
		return
	}
	if !a.peer.allowsOPC(d.OPC) {
		// Only configured point codes are served: report and close.
		a.drop()
		a.sendError(ErrCodeRefusedManagementBlocking, []byte(fmt.Sprintf("OPC %d not configured for peer %s", d.OPC, a.peer.Name)))
		a.close(fmt.Errorf("DATA from OPC %d, which peer %s is not configured for", d.OPC, a.peer.Name))
		return
	}
	if d.DPC != a.node.cfg.PointCode {
		// This node relays nothing: the destination is unavailable through
		// it, which DUNA says (RFC 4666 §3.4.1). ERR Destination Status
		// Unknown is the answer to a DAUD, not to DATA (§3.8.1).
		a.drop()
		a.log.Warn("m3ua DATA for another point code dropped", "dpc", d.DPC, "point_code", a.node.cfg.PointCode)
		a.sendManagement(messages.NewDestinationUnavailable(nil, a.rcParam(), params.NewAffectedPointCode(d.DPC), nil))
		return
	}
	a.countIn()
	a.node.handler.HandleData(a, d)
}

// uint32List reads a list of 32-bit values (routing contexts, point
// codes) without go-m3ua's accessors, which panic on an empty list.
func uint32List(p *params.Param) ([]uint32, error) {
	if p == nil {
		return nil, errMissing
	}
	if len(p.Data) == 0 || len(p.Data)%4 != 0 {
		return nil, errParamLength
	}
	out := make([]uint32, len(p.Data)/4)
	for i := range out {
		out[i] = binary.BigEndian.Uint32(p.Data[4*i:])
	}
	return out, nil
}

func uint32Param(p *params.Param) (uint32, error) {
	if len(p.Data) != 4 {
		return 0, errParamLength
	}
	return binary.BigEndian.Uint32(p.Data), nil
}
