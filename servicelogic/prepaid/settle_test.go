package prepaid

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/scpd/scpd/store"
)

func TestSettleDeductsAndReturnsAtOnce(t *testing.T) {
	l, st, _ := newLogic(t)
	ctx := context.Background()
	addAccount(t, st, store.Account{ID: "A-1", Opening: 1000})
	g, err := l.ApplyFee(ctx, ApplyRequest{CallID: "c1", Seq: 1, AccountID: "A-1", Amount: 300, Deadline: t0.Add(time.Hour), Tariff: perSecond, Seconds: 300})
	if err != nil || g.Granted != 300 {
		t.Fatalf("apply: %+v %v", g, err)
	}
	d, r, err := l.Settle(ctx, DeductRequest{CallID: "c1", Seq: 2, Amount: 120}, ReturnRequest{CallID: "c1", Seq: 3, CDR: &store.CDR{Outcome: "answered"}})
	if err != nil || d.Charged != 120 || r.Returned != 180 || r.TotalCharged != 120 {
		t.Fatalf("settle: %+v %+v %v", d, r, err)
	}
	// A retry is a replay: no money moves.
	d2, r2, err := l.Settle(ctx, DeductRequest{CallID: "c1", Seq: 2, Amount: 120}, ReturnRequest{CallID: "c1", Seq: 3})
	if err != nil || !d2.Replayed || !r2.Replayed || r2.Returned != 180 {
		t.Fatalf("retry: %+v %+v %v", d2, r2, err)
	}
	if a := account(t, st, "A-1"); a.Available != 880 || a.Frozen != 0 || a.Charged != 120 {
		t.Fatalf("account %+v", a)
	}
	if len(cdrsOf(t, st, "c1")) != 1 {
		t.Fatal("no single CDR")
	}
	mustAudit(t, st)
	if _, _, err := l.Settle(ctx, DeductRequest{CallID: "nope", Seq: 1}, ReturnRequest{CallID: "nope", Seq: 2}); !errors.Is(err, ErrUnknownCall) {
		t.Fatalf("unknown call: %v", err)
	}
}

// Settle reads and writes the reservation once for both steps; whichever of
// them is new (or both) must reach the reservation, and a refusal must leave
// everything as it was. Each case starts from a fresh 300 frozen on c1.
func TestSettleStepsOnOneReservation(t *testing.T) {
	ctx := context.Background()
	deduct := func(seq uint32, amount int64) DeductRequest {
		return DeductRequest{CallID: "c1", Seq: seq, Amount: amount}
	}
	ret := ReturnRequest{CallID: "c1", Seq: 9}
	for _, tc := range []struct {
		name   string
		before func(l *Logic) error // what happened to c1 before the Settle
		d      DeductRequest
		// want: the Settle's refusal (nil: answered), the reservation's
		// state and ops after it, and the account.
		refusal          error
		state            store.ReservationState
		ops              []store.OpKind
		avail, frozen    int64
		charged, cdrs    int64
		deductReplayed   bool
		returnReplayed   bool
		charge, returned int64
	}{
		{name: "both new", d: deduct(2, 120),
			state: store.ReservationSettled, ops: []store.OpKind{store.OpApply, store.OpDeduct, store.OpReturn},
			avail: 880, charged: 120, cdrs: 1, charge: 120, returned: 180},
		{name: "nothing to deduct", d: deduct(2, 0),
			state: store.ReservationSettled, ops: []store.OpKind{store.OpApply, store.OpReturn},
			avail: 1000, cdrs: 1, returned: 300},
		{name: "deduct replayed, return new",
			before: func(l *Logic) error { _, err := l.DeductFee(ctx, deduct(2, 120)); return err },
			d:      deduct(2, 120),
			state:  store.ReservationSettled, ops: []store.OpKind{store.OpApply, store.OpDeduct, store.OpReturn},
			avail: 880, charged: 120, cdrs: 1, deductReplayed: true, charge: 120, returned: 180},
		{name: "deduct over the frozen fee",
			d:     deduct(2, 500),
			state: store.ReservationSettled, ops: []store.OpKind{store.OpApply, store.OpDeduct, store.OpReturn},
			avail: 700, charged: 300, cdrs: 1, charge: 300},
		{name: "deduct seq reused with another amount",
			before:  func(l *Logic) error { _, err := l.DeductFee(ctx, deduct(2, 120)); return err },
			d:       deduct(2, 60),
			refusal: ErrSeqReused,
			state:   store.ReservationOpen, ops: []store.OpKind{store.OpApply, store.OpDeduct},
			avail: 700, frozen: 180, charged: 120},
		{name: "new deduct after the call was returned",
			before:  func(l *Logic) error { _, err := l.ReturnFee(ctx, ret); return err },
			d:       deduct(2, 120),
			refusal: store.ErrClosed,
			state:   store.ReservationSettled, ops: []store.OpKind{store.OpApply, store.OpReturn},
			avail: 1000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, st, _ := newLogic(t)
			addAccount(t, st, store.Account{ID: "A-1", Opening: 1000})
			if g, err := l.ApplyFee(ctx, ApplyRequest{CallID: "c1", Seq: 1, AccountID: "A-1", Amount: 300, Deadline: t0.Add(time.Hour), Tariff: perSecond, Seconds: 300}); err != nil || g.Granted != 300 {
				t.Fatalf("apply: %+v %v", g, err)
			}
			if tc.before != nil {
				if err := tc.before(l); err != nil {
					t.Fatal(err)
				}
			}
			r := ret
			r.CDR = &store.CDR{Outcome: "answered"}
			dr, rr, err := l.Settle(ctx, tc.d, r)
			switch {
			case tc.refusal != nil:
				if !errors.Is(err, tc.refusal) {
					t.Fatalf("settle: %v, want %v", err, tc.refusal)
				}
			case err != nil:
				t.Fatalf("settle: %v", err)
			case dr.Charged != tc.charge || rr.Returned != tc.returned || dr.Replayed != tc.deductReplayed || rr.Replayed != tc.returnReplayed:
				t.Fatalf("settle: %+v %+v, want charged %d returned %d (replayed %v/%v)", dr, rr, tc.charge, tc.returned, tc.deductReplayed, tc.returnReplayed)
			}
			var res store.Reservation
			if err := st.View(func(tx *store.Tx) error { var err error; res, err = tx.Reservation("c1"); return err }); err != nil {
				t.Fatal(err)
			}
			var kinds []store.OpKind
			for _, op := range res.Ops {
				kinds = append(kinds, op.Kind)
			}
			if res.State != tc.state || !slices.Equal(kinds, tc.ops) || res.Frozen != tc.frozen || res.Charged != tc.charged {
				t.Errorf("reservation %s ops %v frozen %d charged %d, want %s %v %d %d", res.State, kinds, res.Frozen, res.Charged, tc.state, tc.ops, tc.frozen, tc.charged)
			}
			if a := account(t, st, "A-1"); a.Available != tc.avail || a.Frozen != tc.frozen || a.Charged != tc.charged {
				t.Errorf("account %+v, want available %d frozen %d charged %d", a, tc.avail, tc.frozen, tc.charged)
			}
			if n := int64(len(cdrsOf(t, st, "c1"))); n != tc.cdrs {
				t.Errorf("%d CDRs, want %d", n, tc.cdrs)
			}
			mustAudit(t, st)
		})
	}
}
