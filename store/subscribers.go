package store

import (
	"bytes"
	"fmt"
)

func shortKey(groupID, short string) []byte {
	k := make([]byte, 0, len(groupID)+1+len(short))
	k = append(k, groupID...)
	k = append(k, 0)
	return append(k, short...)
}

// Subscriber reads a subscriber by MSISDN.
func (t *Tx) Subscriber(msisdn string) (Subscriber, error) {
	v := t.bucket(bSubscribers).Get([]byte(msisdn))
	if v == nil {
		return Subscriber{}, keyErr("subscriber", msisdn, ErrNotFound)
	}
	return decodeSubscriber(msisdn, v)
}

// SubscriberByIMSI reads a subscriber through the IMSI index.
func (t *Tx) SubscriberByIMSI(imsi string) (Subscriber, error) {
	m := t.bucket(bIMSI).Get([]byte(imsi))
	if m == nil {
		return Subscriber{}, keyErr("imsi", imsi, ErrNotFound)
	}
	return t.Subscriber(string(m))
}

// GroupMember finds the member of a VPN group with a short number.
func (t *Tx) GroupMember(groupID, short string) (Subscriber, error) {
	m := t.bucket(bShortNum).Get(shortKey(groupID, short))
	if m == nil {
		return Subscriber{}, keyErr("short number", groupID+"/"+short, ErrNotFound)
	}
	return t.Subscriber(string(m))
}

// IsMember reports whether msisdn is a member of the VPN group.
func (t *Tx) IsMember(groupID, msisdn string) (bool, error) {
	s, err := t.Subscriber(msisdn)
	if err != nil {
		if isNotFound(err) {
			return false, nil
		}
		return false, err
	}
	return s.VPN && s.GroupID == groupID, nil
}

// GroupMembers lists the members of a group, ordered by short number.
func (t *Tx) GroupMembers(groupID string) ([]Subscriber, error) {
	prefix := shortKey(groupID, "")
	var out []Subscriber
	c := t.bucket(bShortNum).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		s, err := t.Subscriber(string(v))
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// Subscribers lists all subscribers in MSISDN order.
func (t *Tx) Subscribers() ([]Subscriber, error) {
	var out []Subscriber
	err := t.bucket(bSubscribers).ForEach(func(k, v []byte) error {
		s, err := decodeSubscriber(string(k), v)
		out = append(out, s)
		return err
	})
	return out, err
}

// PutSubscriber creates (create=true) or replaces a subscriber, checking its
// fields and references and keeping the IMSI and short-number indexes.
func (t *Tx) PutSubscriber(s Subscriber, create bool) error {
	if err := validateSubscriberFields(&s); err != nil {
		return err
	}
	b := t.bucket(bSubscribers)
	key := []byte(s.MSISDN)
	var old *Subscriber
	if v := b.Get(key); v != nil {
		if create {
			return keyErr("subscriber", s.MSISDN, ErrExists)
		}
		o, err := decodeSubscriber(s.MSISDN, v)
		if err != nil {
			return err
		}
		old = &o
	} else if !create {
		return keyErr("subscriber", s.MSISDN, ErrNotFound)
	}
	if s.VPN {
		if _, err := t.Group(s.GroupID); err != nil {
			if isNotFound(err) {
				return invalid("group_id", fmt.Sprintf("group %q does not exist", s.GroupID))
			}
			return err
		}
		if m := t.bucket(bShortNum).Get(shortKey(s.GroupID, s.ShortNumber)); m != nil && string(m) != s.MSISDN {
			return invalid("short_number", fmt.Sprintf("%s is already used in group %s by %s", s.ShortNumber, s.GroupID, m))
		}
	}
	if s.Prepaid {
		if _, err := t.Account(s.AccountID); err != nil {
			if isNotFound(err) {
				return invalid("account_id", fmt.Sprintf("account %q does not exist", s.AccountID))
			}
			return err
		}
	}
	if err := t.checkPrepaidTariffs(&s, old); err != nil {
		return err
	}
	if s.IMSI != "" {
		if m := t.bucket(bIMSI).Get([]byte(s.IMSI)); m != nil && string(m) != s.MSISDN {
			return invalid("imsi", fmt.Sprintf("already used by %s", m))
		}
	}
	if old != nil {
		if err := t.unindexSubscriber(old); err != nil {
			return err
		}
	}
	if s.IMSI != "" {
		if err := t.bucket(bIMSI).Put([]byte(s.IMSI), key); err != nil {
			return err
		}
	}
	if s.VPN {
		if err := t.bucket(bShortNum).Put(shortKey(s.GroupID, s.ShortNumber), key); err != nil {
			return err
		}
	}
	return b.Put(key, encodeSubscriber(&s))
}

// checkPrepaidTariffs refuses a prepaid subscriber whose calls no tariff
// would price — they would all be released as no-tariff (cause 41) — when
// it becomes prepaid, joins a group or moves to another: for a VPN member
// the on-net and off-net classes as its group sees them (override or
// default), for a plain prepaid subscriber the prepaid class. DeleteTariff
// and a group's unset-tariff keep it so afterwards.
func (t *Tx) checkPrepaidTariffs(s, old *Subscriber) error {
	if !s.Prepaid {
		return nil
	}
	if old != nil && old.Prepaid && old.VPN == s.VPN && old.GroupID == s.GroupID {
		return nil // what prices its calls was checked when it came
	}
	classes := []string{ClassPrepaid}
	if s.VPN {
		classes = []string{ClassOnNet, ClassOffNet}
	}
	for _, class := range classes {
		if _, err := t.TariffFor(s.GroupID, class); err == nil {
			continue
		} else if !isNotFound(err) {
			return err
		}
		if class != ClassPrepaid {
			return invalid("tariff", fmt.Sprintf("no %s tariff would price this prepaid member's calls in group %s (set one with scpd tariff set %s, or scpd group set-tariff %s %s, first)", class, s.GroupID, class, s.GroupID, class))
		}
		return invalid("tariff", fmt.Sprintf("no %s tariff would price this subscriber's calls (set one with scpd tariff set %s first)", class, class))
	}
	return nil
}

func (t *Tx) unindexSubscriber(s *Subscriber) error {
	if s.IMSI != "" {
		if err := t.bucket(bIMSI).Delete([]byte(s.IMSI)); err != nil {
			return err
		}
	}
	if s.VPN {
		if err := t.bucket(bShortNum).Delete(shortKey(s.GroupID, s.ShortNumber)); err != nil {
			return err
		}
	}
	return nil
}

// DeleteSubscriber removes a subscriber and its index entries.
func (t *Tx) DeleteSubscriber(msisdn string) error {
	s, err := t.Subscriber(msisdn)
	if err != nil {
		return err
	}
	if err := t.unindexSubscriber(&s); err != nil {
		return err
	}
	return t.bucket(bSubscribers).Delete([]byte(msisdn))
}
