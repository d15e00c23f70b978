package store

import "fmt"

// Record versions. Decoders accept every version up to the current one.
const (
	subscriberV1  = 1
	groupV1       = 1
	accountV1     = 1
	tariffV1      = 1
	reservationV1 = 1
	ledgerV1      = 1
	cdrV1         = 1
	ledgerBaseV1  = 1
)

func badVersion(kind, key string, v uint8) error {
	return keyErr(kind, key, fmt.Errorf("%w: record version %d unknown", ErrCorruptRecord, v))
}

func encodeSubscriber(s *Subscriber) []byte {
	e := encoder{b: make([]byte, 0, 64)}
	e.u8(subscriberV1)
	e.str(s.MSISDN)
	e.str(s.IMSI)
	e.str(s.Name)
	e.boolean(s.VPN)
	e.boolean(s.Prepaid)
	e.str(s.GroupID)
	e.str(s.ShortNumber)
	e.str(s.AccountID)
	return e.b
}

func decodeSubscriber(key string, b []byte) (Subscriber, error) {
	d := decoder{b: b}
	var s Subscriber
	if v := d.u8(); v != subscriberV1 {
		return s, badVersion("subscriber", key, v)
	}
	s.MSISDN = d.str()
	s.IMSI = d.str()
	s.Name = d.str()
	s.VPN = d.boolean()
	s.Prepaid = d.boolean()
	s.GroupID = d.str()
	s.ShortNumber = d.str()
	s.AccountID = d.str()
	return s, d.err("subscriber", key)
}

func encodeTariffTo(e *encoder, t *Tariff) {
	e.str(t.Class)
	e.varint(t.PricePerMinute)
	e.varint(t.Initial)
	e.varint(t.Subsequent)
	e.varint(t.SetupCharge)
}

func decodeTariffFrom(d *decoder) Tariff {
	return Tariff{Class: d.str(), PricePerMinute: d.varint(), Initial: d.varint(), Subsequent: d.varint(), SetupCharge: d.varint()}
}

func encodeTariff(t *Tariff) []byte {
	e := encoder{b: make([]byte, 0, 32)}
	e.u8(tariffV1)
	encodeTariffTo(&e, t)
	return e.b
}

func decodeTariff(key string, b []byte) (Tariff, error) {
	d := decoder{b: b}
	if v := d.u8(); v != tariffV1 {
		return Tariff{}, badVersion("tariff", key, v)
	}
	t := decodeTariffFrom(&d)
	return t, d.err("tariff", key)
}

func encodeGroup(g *Group) []byte {
	e := encoder{b: make([]byte, 0, 64)}
	e.u8(groupV1)
	e.str(g.ID)
	e.str(g.Name)
	e.uvarint(uint64(len(g.Tariffs)))
	for _, c := range sortedClasses(g.Tariffs) {
		t := g.Tariffs[c]
		encodeTariffTo(&e, &t)
	}
	return e.b
}

func decodeGroup(key string, b []byte) (Group, error) {
	d := decoder{b: b}
	var g Group
	if v := d.u8(); v != groupV1 {
		return g, badVersion("group", key, v)
	}
	g.ID = d.str()
	g.Name = d.str()
	n := d.uvarint()
	if n > 1024 {
		d.fail()
	}
	for i := uint64(0); i < n && !d.bad; i++ {
		t := decodeTariffFrom(&d)
		if g.Tariffs == nil {
			g.Tariffs = make(map[string]Tariff, n)
		}
		g.Tariffs[t.Class] = t
	}
	return g, d.err("group", key)
}

func encodeAccount(a *Account) []byte {
	e := encoder{b: make([]byte, 0, 96)}
	e.u8(accountV1)
	e.str(a.ID)
	e.str(a.Currency)
	e.u8(uint8(a.Status))
	e.varint(a.Available)
	e.varint(a.Frozen)
	e.varint(a.Charged)
	e.varint(a.Opening)
	e.varint(a.Recharged)
	e.varint(a.MinThreshold)
	e.time(a.ValidUntil)
	e.time(a.Created)
	e.time(a.Updated)
	return e.b
}

func decodeAccount(key string, b []byte) (Account, error) {
	d := decoder{b: b}
	var a Account
	if v := d.u8(); v != accountV1 {
		return a, badVersion("account", key, v)
	}
	a.ID = d.str()
	a.Currency = d.str()
	a.Status = AccountStatus(d.u8())
	a.Available = d.varint()
	a.Frozen = d.varint()
	a.Charged = d.varint()
	a.Opening = d.varint()
	a.Recharged = d.varint()
	a.MinThreshold = d.varint()
	a.ValidUntil = d.time()
	a.Created = d.time()
	a.Updated = d.time()
	return a, d.err("account", key)
}

func encodeReservation(r *Reservation) []byte {
	e := encoder{b: make([]byte, 0, 128+len(r.Ops)*12)}
	e.u8(reservationV1)
	e.str(r.CallID)
	e.str(r.AccountID)
	e.u8(uint8(r.State))
	e.varint(r.Frozen)
	e.varint(r.Charged)
	e.varint(r.Granted)
	e.varint(r.Seconds)
	encodeTariffTo(&e, &r.Tariff)
	e.str(r.Service)
	e.str(r.Calling)
	e.str(r.Called)
	e.time(r.Deadline)
	e.time(r.AnsweredAt)
	e.time(r.Created)
	e.time(r.Closed)
	e.uvarint(uint64(len(r.Ops)))
	for _, o := range r.Ops {
		e.u8(uint8(o.Kind))
		e.uvarint(uint64(o.Seq))
		e.varint(o.Amount)
		e.varint(o.Seconds)
		e.varint(o.Balance)
		e.str(o.Reason)
	}
	return e.b
}

func decodeReservation(key string, b []byte) (Reservation, error) {
	d := decoder{b: b}
	var r Reservation
	if v := d.u8(); v != reservationV1 {
		return r, badVersion("call", key, v)
	}
	r.CallID = d.str()
	r.AccountID = d.str()
	r.State = ReservationState(d.u8())
	r.Frozen = d.varint()
	r.Charged = d.varint()
	r.Granted = d.varint()
	r.Seconds = d.varint()
	r.Tariff = decodeTariffFrom(&d)
	r.Service = d.str()
	r.Calling = d.str()
	r.Called = d.str()
	r.Deadline = d.time()
	r.AnsweredAt = d.time()
	r.Created = d.time()
	r.Closed = d.time()
	n := d.uvarint()
	if n > uint64(len(d.b)) { // each op takes at least one byte
		d.fail()
	}
	if n > 0 && !d.bad {
		r.Ops = make([]Op, 0, n)
	}
	for i := uint64(0); i < n && !d.bad; i++ {
		r.Ops = append(r.Ops, Op{Kind: OpKind(d.u8()), Seq: uint32(d.uvarint()), Amount: d.varint(), Seconds: d.varint(), Balance: d.varint(), Reason: d.str()})
	}
	return r, d.err("call", key)
}

func encodeLedger(l *LedgerEntry) []byte {
	e := encoder{b: make([]byte, 0, 64)}
	e.u8(ledgerV1)
	e.uvarint(l.Seq)
	e.time(l.At)
	e.str(l.AccountID)
	e.u8(uint8(l.Kind))
	e.varint(l.Amount)
	e.str(l.CallID)
	e.str(l.Ref)
	e.varint(l.Available)
	e.varint(l.Frozen)
	e.varint(l.Charged)
	return e.b
}

func decodeLedger(key string, b []byte) (LedgerEntry, error) {
	d := decoder{b: b}
	var l LedgerEntry
	if v := d.u8(); v != ledgerV1 {
		return l, badVersion("ledger entry", key, v)
	}
	l.Seq = d.uvarint()
	l.At = d.time()
	l.AccountID = d.str()
	l.Kind = LedgerKind(d.u8())
	l.Amount = d.varint()
	l.CallID = d.str()
	l.Ref = d.str()
	l.Available = d.varint()
	l.Frozen = d.varint()
	l.Charged = d.varint()
	return l, d.err("ledger entry", key)
}

func encodeCDR(c *CDR) []byte {
	e := encoder{b: make([]byte, 0, 128)}
	e.u8(cdrV1)
	e.uvarint(c.Seq)
	e.str(c.CallID)
	e.str(c.Service)
	e.str(c.AccountID)
	e.str(c.Calling)
	e.str(c.Called)
	e.str(c.Translated)
	e.str(c.CallClass)
	e.time(c.Start)
	e.time(c.Answer)
	e.time(c.End)
	e.varint(c.Duration)
	e.varint(c.Charged)
	e.str(c.Currency)
	e.str(c.Outcome)
	e.boolean(c.Recovered)
	return e.b
}

func decodeCDR(key string, b []byte) (CDR, error) {
	d := decoder{b: b}
	var c CDR
	if v := d.u8(); v != cdrV1 {
		return c, badVersion("cdr", key, v)
	}
	c.Seq = d.uvarint()
	c.CallID = d.str()
	c.Service = d.str()
	c.AccountID = d.str()
	c.Calling = d.str()
	c.Called = d.str()
	c.Translated = d.str()
	c.CallClass = d.str()
	c.Start = d.time()
	c.Answer = d.time()
	c.End = d.time()
	c.Duration = d.varint()
	c.Charged = d.varint()
	c.Currency = d.str()
	c.Outcome = d.str()
	c.Recovered = d.boolean()
	return c, d.err("cdr", key)
}

func encodeLedgerBase(b *LedgerBase) []byte {
	e := encoder{b: make([]byte, 0, 48)}
	e.u8(ledgerBaseV1)
	e.varint(b.Opening)
	e.varint(b.Recharged)
	e.varint(b.Available)
	e.varint(b.Frozen)
	e.varint(b.Charged)
	e.uvarint(b.Entries)
	e.uvarint(b.LastSeq)
	return e.b
}

func decodeLedgerBase(key string, raw []byte) (LedgerBase, error) {
	d := decoder{b: raw}
	b := LedgerBase{AccountID: key}
	if v := d.u8(); v != ledgerBaseV1 {
		return b, badVersion("ledger base", key, v)
	}
	b.Opening = d.varint()
	b.Recharged = d.varint()
	b.Available = d.varint()
	b.Frozen = d.varint()
	b.Charged = d.varint()
	b.Entries = d.uvarint()
	b.LastSeq = d.uvarint()
	return b, d.err("ledger base", key)
}
