package store

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

// DeleteTariff removes the default tariff of a class.
func (t *Tx) DeleteTariff(class string) error {
	if t.bucket(bTariffs).Get([]byte(class)) == nil {
		return keyErr("tariff", class, ErrNotFound)
	}
	return t.bucket(bTariffs).Delete([]byte(class))
}
