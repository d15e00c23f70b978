package store

import (
	"encoding/binary"
	"time"
)

// Reservation reads the reservation of a call.
func (t *Tx) Reservation(callID string) (Reservation, error) {
	v := t.bucket(bReservations).Get([]byte(callID))
	if v == nil {
		return Reservation{}, keyErr("call", callID, ErrNotFound)
	}
	return decodeReservation(callID, v)
}

// PutReservation writes a reservation. A new open reservation, or one whose
// deadline changed, must also be indexed with IndexOpen; Release unindexes.
func (t *Tx) PutReservation(r *Reservation) error {
	if r.CallID == "" || len(r.CallID) > 128 {
		return invalid("call_id", "must be 1-128 bytes")
	}
	return t.bucket(bReservations).Put([]byte(r.CallID), encodeReservation(r))
}

// IndexOpen records an open reservation and its deadline in the open index,
// so the sweeper finds it without scanning settled ones.
func (t *Tx) IndexOpen(r *Reservation) error {
	if r.State != ReservationOpen {
		return nil
	}
	return t.bucket(bOpen).Put([]byte(r.CallID), timeKey(r.Deadline))
}

// OpenReservation is a call id with an open reservation and its deadline.
type OpenReservation struct {
	CallID   string
	Deadline time.Time
}

// OpenReservations lists the open reservations from the index.
func (t *Tx) OpenReservations() ([]OpenReservation, error) {
	var out []OpenReservation
	err := t.bucket(bOpen).ForEach(func(k, v []byte) error {
		if len(v) != 8 {
			return keyErr("open call", string(k), ErrCorruptRecord)
		}
		out = append(out, OpenReservation{CallID: string(k), Deadline: intToTime(int64(binary.BigEndian.Uint64(v)))})
		return nil
	})
	return out, err
}

// ReservationFilter selects reservations for listing.
type ReservationFilter struct {
	State     *ReservationState
	AccountID string
	Limit     int // 0: no limit
}

// Reservations lists reservations in call id order. Listing only open ones
// walks the open index, not the whole bucket.
func (t *Tx) Reservations(f ReservationFilter) ([]Reservation, error) {
	var out []Reservation
	keep := func(r Reservation) bool {
		return (f.State == nil || r.State == *f.State) && (f.AccountID == "" || r.AccountID == f.AccountID)
	}
	full := func() bool { return f.Limit > 0 && len(out) >= f.Limit }
	if f.State != nil && *f.State == ReservationOpen {
		c := t.bucket(bOpen).Cursor()
		for k, _ := c.First(); k != nil && !full(); k, _ = c.Next() {
			r, err := t.Reservation(string(k))
			if err != nil {
				return nil, err
			}
			if keep(r) {
				out = append(out, r)
			}
		}
		return out, nil
	}
	c := t.bucket(bReservations).Cursor()
	for k, v := c.First(); k != nil && !full(); k, v = c.Next() {
		r, err := decodeReservation(string(k), v)
		if err != nil {
			return nil, err
		}
		if keep(r) {
			out = append(out, r)
		}
	}
	return out, nil
}
