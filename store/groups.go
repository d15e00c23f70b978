package store

import (
	"errors"
	"fmt"
	"sort"
)

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

func sortedClasses(m map[string]Tariff) []string {
	cs := make([]string, 0, len(m))
	for c := range m {
		cs = append(cs, c)
	}
	sort.Strings(cs)
	return cs
}

// Group reads a VPN group.
func (t *Tx) Group(id string) (Group, error) {
	v := t.bucket(bGroups).Get([]byte(id))
	if v == nil {
		return Group{}, keyErr("group", id, ErrNotFound)
	}
	return decodeGroup(id, v)
}

// Groups lists all groups by id.
func (t *Tx) Groups() ([]Group, error) {
	var out []Group
	err := t.bucket(bGroups).ForEach(func(k, v []byte) error {
		g, err := decodeGroup(string(k), v)
		out = append(out, g)
		return err
	})
	return out, err
}

// PutGroup creates (create=true) or replaces a group.
func (t *Tx) PutGroup(g Group, create bool) error {
	if err := validateGroup(&g); err != nil {
		return err
	}
	b := t.bucket(bGroups)
	exists := b.Get([]byte(g.ID)) != nil
	if create && exists {
		return keyErr("group", g.ID, ErrExists)
	}
	if !create && !exists {
		return keyErr("group", g.ID, ErrNotFound)
	}
	if exists {
		if err := t.checkOverridesKept(g); err != nil {
			return err
		}
	}
	return b.Put([]byte(g.ID), encodeGroup(&g))
}

// checkOverridesKept refuses to drop a group's override of a VPN call class
// that has no default tariff while the group has prepaid members: their
// calls of that class would be refused (no-tariff), as DeleteTariff refuses
// for the default.
func (t *Tx) checkOverridesKept(g Group) error {
	old, err := t.Group(g.ID)
	if err != nil {
		return err
	}
	var members []Subscriber
	for _, class := range []string{ClassOnNet, ClassOffNet} {
		if _, had := old.Tariffs[class]; !had {
			continue
		}
		if _, has := g.Tariffs[class]; has {
			continue
		}
		if _, err := t.Tariff(class); err == nil {
			continue // the default applies again
		} else if !isNotFound(err) {
			return err
		}
		if members == nil {
			if members, err = t.GroupMembers(g.ID); err != nil {
				return err
			}
		}
		prepaid := 0
		for _, s := range members {
			if s.Prepaid {
				prepaid++
			}
		}
		if prepaid > 0 {
			return keyErr("group", g.ID, fmt.Errorf("%w: its %s tariff prices the calls of %d prepaid members and there is no default %s tariff (set one with scpd tariff set %s first)", ErrInUse, class, prepaid, class, class))
		}
	}
	return nil
}

// DeleteGroup removes a group that has no members.
func (t *Tx) DeleteGroup(id string) error {
	if _, err := t.Group(id); err != nil {
		return err
	}
	members, err := t.GroupMembers(id)
	if err != nil {
		return err
	}
	if len(members) > 0 {
		return keyErr("group", id, fmt.Errorf("%w: %d members (move or delete them first)", ErrInUse, len(members)))
	}
	return t.bucket(bGroups).Delete([]byte(id))
}
