package store

import "fmt"

// Tariff reads the default tariff of a call class.
func (t *Tx) Tariff(class string) (Tariff, error) {
	v := t.bucket(bTariffs).Get([]byte(class))
	if v == nil {
		return Tariff{}, keyErr("tariff", class, ErrNotFound)
	}
	return decodeTariff(class, v)
}

// TariffFor returns the tariff of a call class for a member of groupID: the
// group's override if it has one, else the default. groupID may be empty.
func (t *Tx) TariffFor(groupID, class string) (Tariff, error) {
	if groupID != "" {
		g, err := t.Group(groupID)
		if err != nil && !isNotFound(err) {
			return Tariff{}, err
		}
		if tr, ok := g.Tariffs[class]; ok {
			return tr, nil
		}
	}
	return t.Tariff(class)
}

// Tariffs lists the default tariffs by class.
func (t *Tx) Tariffs() ([]Tariff, error) {
	var out []Tariff
	err := t.bucket(bTariffs).ForEach(func(k, v []byte) error {
		tr, err := decodeTariff(string(k), v)
		out = append(out, tr)
		return err
	})
	return out, err
}

// PutTariff creates or replaces the default tariff of its class.
func (t *Tx) PutTariff(tr Tariff) error {
	if err := ValidateTariff(&tr); err != nil {
		return err
	}
	return t.bucket(bTariffs).Put([]byte(tr.Class), encodeTariff(&tr))
}

// DeleteTariff removes the default tariff of a class, unless calls of
// prepaid subscribers need it: without it they are refused (no-tariff).
// The prepaid class prices every prepaid subscriber's plain prepaid calls;
// on-net and off-net, the calls of prepaid VPN members whose group does not
// override them. No call is of another class: such a tariff prices nothing.
func (t *Tx) DeleteTariff(class string) error {
	if t.bucket(bTariffs).Get([]byte(class)) == nil {
		return keyErr("tariff", class, ErrNotFound)
	}
	if class != ClassPrepaid && class != ClassOnNet && class != ClassOffNet {
		return t.bucket(bTariffs).Delete([]byte(class))
	}
	subs, err := t.Subscribers()
	if err != nil {
		return err
	}
	overrides := map[string]bool{} // group id → overrides class
	inUse := 0
	for _, s := range subs {
		switch {
		case !s.Prepaid:
		case class == ClassPrepaid:
			inUse++
		case s.VPN:
			o, seen := overrides[s.GroupID]
			if !seen {
				g, err := t.Group(s.GroupID)
				if err != nil && !isNotFound(err) {
					return err
				}
				_, o = g.Tariffs[class]
				overrides[s.GroupID] = o
			}
			if !o {
				inUse++
			}
		}
	}
	if inUse > 0 {
		return keyErr("tariff", class, fmt.Errorf("%w: it prices the calls of %d prepaid subscribers (change it with scpd tariff set instead)", ErrInUse, inUse))
	}
	return t.bucket(bTariffs).Delete([]byte(class))
}
