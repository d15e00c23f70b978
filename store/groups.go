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
	return b.Put([]byte(g.ID), encodeGroup(&g))
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
