package camel

import "github.com/scpd/scpd/sigtran/ber"

// NACarrierInformation is the North American carrier of CAP phase 2
// (CamelV2diff NACarrierInformation), carried in InitialDPArgExtensionV2
// and NA-Info. Octets alias the input.
type NACarrierInformation struct {
	// NACarrierID is NAEA-CIC: three octets, ANSI T1.113.3 Carrier Identification.
	NACarrierID Octets `json:"naCarrierId,omitempty"`
	// NACICSelectionType is one octet: 0 not indicated, 1 subscribed not
	// dialled, 2 subscribed and dialled, 3 undetermined, 4 dialled not subscribed.
	NACICSelectionType Octets `json:"naCICSelectionType,omitempty"`
}

func (n *NACarrierInformation) encode(e *ber.Encoder, t ber.Tag) error {
	m := e.Begin(t)
	if n.NACarrierID != nil {
		if err := encodeOctets(e, ber.Context(0), n.NACarrierID, 3, 3); err != nil {
			return &DecodeError{Field: "naCarrierId", Err: err}
		}
	}
	if n.NACICSelectionType != nil {
		if err := encodeOctets(e, ber.Context(1), n.NACICSelectionType, 1, 1); err != nil {
			return &DecodeError{Field: "naCICSelectionType", Err: err}
		}
	}
	e.End(m)
	return nil
}

func (n *NACarrierInformation) decode(r ber.Reader) error {
	var seen members
	for r.More() {
		m, err := r.Next()
		if err != nil {
			return err
		}
		if m.Tag.Class != ber.ClassContext {
			continue // not a member of this extensible SEQUENCE: skipped
		}
		switch m.Tag.Number {
		case 0:
			if err := seen.once(m.Tag, "naCarrierId"); err != nil {
				return err
			}
			if n.NACarrierID, err = decodeOctets(m, 3, 3); err != nil {
				return &DecodeError{Field: "naCarrierId", Err: err}
			}
		case 1:
			if err := seen.once(m.Tag, "naCICSelectionType"); err != nil {
				return err
			}
			if n.NACICSelectionType, err = decodeOctets(m, 1, 1); err != nil {
				return &DecodeError{Field: "naCICSelectionType", Err: err}
			}
		}
	}
	return nil
}

// NAInfo is the CAP phase 2 NA-Info (CamelV2diff), which ConnectArg carries
// at [57] in phase 2 where phases 3 and 4 carry naOliInfo.
type NAInfo struct {
	NACarrierInformation *NACarrierInformation `json:"naCarrierInformation,omitempty"`
	// NAOliInfo is the ANSI T1.113 originating line information, one octet.
	NAOliInfo Octets `json:"naOliInfo,omitempty"`
	// NAChargeNumber is the ANSI T1.113 Charge Number, 2..7 octets.
	NAChargeNumber Octets `json:"naChargeNumber,omitempty"`
}

func (n *NAInfo) encode(e *ber.Encoder, t ber.Tag) error {
	m := e.Begin(t)
	if n.NACarrierInformation != nil {
		if err := n.NACarrierInformation.encode(e, ber.ContextC(0)); err != nil {
			return fieldError("naCarrierInformation", err)
		}
	}
	if n.NAOliInfo != nil {
		if err := encodeOctets(e, ber.Context(1), n.NAOliInfo, 1, 1); err != nil {
			return &DecodeError{Field: "naOliInfo", Err: err}
		}
	}
	if n.NAChargeNumber != nil {
		if err := encodeOctets(e, ber.Context(2), n.NAChargeNumber, 2, 7); err != nil {
			return &DecodeError{Field: "naChargeNumber", Err: err}
		}
	}
	e.End(m)
	return nil
}

func (n *NAInfo) decode(r ber.Reader) error {
	var seen members
	for r.More() {
		m, err := r.Next()
		if err != nil {
			return err
		}
		if m.Tag.Class != ber.ClassContext {
			continue // not a member of this extensible SEQUENCE: skipped
		}
		switch m.Tag.Number {
		case 0:
			if err := seen.once(m.Tag, "naCarrierInformation"); err != nil {
				return err
			}
			cr, err := constructedValue(m)
			if err != nil {
				return &DecodeError{Field: "naCarrierInformation", Err: err}
			}
			n.NACarrierInformation = new(NACarrierInformation)
			if err := n.NACarrierInformation.decode(cr); err != nil {
				return fieldError("naCarrierInformation", err)
			}
		case 1:
			if err := seen.once(m.Tag, "naOliInfo"); err != nil {
				return err
			}
			if n.NAOliInfo, err = decodeOctets(m, 1, 1); err != nil {
				return &DecodeError{Field: "naOliInfo", Err: err}
			}
		case 2:
			if err := seen.once(m.Tag, "naChargeNumber"); err != nil {
				return err
			}
			if n.NAChargeNumber, err = decodeOctets(m, 2, 7); err != nil {
				return &DecodeError{Field: "naChargeNumber", Err: err}
			}
		}
	}
	return nil
}
