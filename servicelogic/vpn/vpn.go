// Package vpn is the VPN service logic of steps 101–102 of the method: the
// VPN contract check from the subscriber data, the group lookup, the
// translation of a short number into a member's full number, and the call
// class (on-net inside the group, off-net outside it). It decides; it does
// not charge — charging is the prepaid logic's, which the caller invokes.
package vpn

import (
	"errors"
	"fmt"
	"strings"

	"github.com/scpd/scpd/store"
)

// Numbering is the national numbering plan the MSCs send dialled numbers
// in, used to bring numbers to international form (E.164 without '+').
type Numbering struct {
	CountryCode         string // e.g. "31"
	NationalPrefix      string // trunk prefix, e.g. "0"
	InternationalPrefix string // e.g. "00"
	// MaxShortNumber is the longest digit string taken as a short number.
	MaxShortNumber int
}

// Nature says how the MSC qualified a number.
type Nature int

// Natures of a dialled number.
const (
	NatureUnknown Nature = iota
	NatureInternational
	NatureNational
	NatureSubscriber
)

// maxE164 is the longest international number (E.164 §6.1: 15 digits,
// country code included).
const maxE164 = 15

// International returns digits in international form, or false when they
// cannot be (a short number, or digits too short to be one). A result that
// is empty (an international prefix alone) or longer than E.164 allows is
// no number.
func (n Numbering) International(digits string, nature Nature) (string, bool) {
	full, ok := n.international(digits, nature)
	if !ok || full == "" || len(full) > maxE164 {
		return "", false
	}
	return full, true
}

func (n Numbering) international(digits string, nature Nature) (string, bool) {
	switch nature {
	case NatureInternational:
		return digits, digits != ""
	case NatureNational:
		return n.CountryCode + strings.TrimPrefix(digits, n.NationalPrefix), digits != ""
	}
	switch {
	case n.InternationalPrefix != "" && strings.HasPrefix(digits, n.InternationalPrefix):
		return strings.TrimPrefix(digits, n.InternationalPrefix), true
	case n.NationalPrefix != "" && strings.HasPrefix(digits, n.NationalPrefix) && len(digits) > n.MaxShortNumber:
		return n.CountryCode + strings.TrimPrefix(digits, n.NationalPrefix), true
	case n.NationalPrefix == "" && len(digits) > n.MaxShortNumber:
		// No trunk prefix (a closed numbering plan: +45, +34, +47): what
		// is dialled without the international prefix is national, even
		// when it starts like the country code ("45 12 34 56" in +45).
		return n.CountryCode + digits, true
	case len(digits) > n.MaxShortNumber && strings.HasPrefix(digits, n.CountryCode):
		return digits, true // already international, sent as unknown
	}
	return "", false
}

// prefixed tells digits that start with the international or the national
// prefix.
func (n Numbering) prefixed(digits string) bool {
	return n.InternationalPrefix != "" && strings.HasPrefix(digits, n.InternationalPrefix) ||
		n.NationalPrefix != "" && strings.HasPrefix(digits, n.NationalPrefix)
}

// Refusal says why the VPN service fails for a caller (step 102: "if the
// user terminal has no contract for VPN service, the VPN service is failed
// and current call is ended").
type Refusal int

// Refusals.
const (
	Accepted Refusal = iota
	UnknownSubscriber
	NoVPNContract
	NoGroup
)

func (r Refusal) String() string {
	switch r {
	case Accepted:
		return "accepted"
	case UnknownSubscriber:
		return "unknown-subscriber"
	case NoVPNContract:
		return "no-vpn-contract"
	case NoGroup:
		return "no-vpn-group"
	}
	return fmt.Sprintf("refusal(%d)", int(r))
}

// Decision is the VPN logic's verdict on a call.
type Decision struct {
	Caller store.Subscriber
	Group  store.Group
	// Dialled is what the caller dialled; Destination the full
	// international number the call goes to.
	Dialled     string
	Destination string
	// Translated is true when a short number was replaced by a member's
	// full number (the call needs a Connect).
	Translated bool
	// Class is store.ClassOnNet for a member of the caller's group,
	// store.ClassOffNet otherwise.
	Class string
}

// ErrNoDestination is returned for a dialled number that is neither a
// group short number nor a number in international form.
var ErrNoDestination = errors.New("vpn: dialled number is no member's short number and not a full number")

// Authenticate is the VPN service authentication of step 101: the caller
// must be a subscriber with a VPN contract in an existing group.
func Authenticate(tx *store.Tx, msisdn, imsi string) (store.Subscriber, store.Group, Refusal, error) {
	sub, err := tx.Subscriber(msisdn)
	if errors.Is(err, store.ErrNotFound) && imsi != "" {
		sub, err = tx.SubscriberByIMSI(imsi)
	}
	if errors.Is(err, store.ErrNotFound) {
		return sub, store.Group{}, UnknownSubscriber, nil
	}
	if err != nil {
		return sub, store.Group{}, Accepted, err
	}
	if !sub.VPN {
		return sub, store.Group{}, NoVPNContract, nil
	}
	g, err := tx.Group(sub.GroupID)
	if errors.Is(err, store.ErrNotFound) || sub.GroupID == "" {
		return sub, store.Group{}, NoGroup, nil
	}
	if err != nil {
		return sub, store.Group{}, Accepted, err
	}
	return sub, g, Accepted, nil
}

// Route translates the dialled number for a caller of group g: a member's
// short number becomes the member's MSISDN (on-net); the full number of a
// member is on-net too; anything else is off-net, and goes on as dialled
// (Continue): a public short code (voicemail, 116xxx) that is no member's
// short number, and a string with '*' or '#', which scpd cannot translate.
func Route(tx *store.Tx, n Numbering, caller store.Subscriber, g store.Group, dialled string, nature Nature) (Decision, error) {
	d := Decision{Caller: caller, Group: g, Dialled: dialled, Class: store.ClassOffNet}
	if dialled == "" {
		return d, ErrNoDestination // no called party digits at all
	}
	if strings.ContainsAny(dialled, "*#") {
		d.Destination = dialled
		return d, nil
	}
	// Short whatever the nature but international: an MSC may mark the
	// digits a member dialled as national.
	short := nature != NatureInternational && len(dialled) <= n.MaxShortNumber
	if short {
		m, err := tx.GroupMember(g.ID, dialled)
		switch {
		case err == nil:
			d.Destination, d.Translated, d.Class = m.MSISDN, true, store.ClassOnNet
			return d, nil
		case !errors.Is(err, store.ErrNotFound):
			return d, err
		}
		// Digits that start with a prefix are a number cut short ("00",
		// "0612"); others are a public short code, routed by the MSC.
		if !n.prefixed(dialled) {
			d.Destination = dialled
			return d, nil
		}
		return d, ErrNoDestination
	}
	full, ok := n.International(dialled, nature)
	if !ok {
		return d, ErrNoDestination
	}
	d.Destination = full
	member, err := tx.IsMember(g.ID, full)
	if err != nil {
		return d, err
	}
	if member {
		d.Class = store.ClassOnNet
	}
	return d, nil
}
