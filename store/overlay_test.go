package store

import "testing"

// The call path reads through the overlay several times a call: a lookup
// must not allocate.
func TestOverlayGetDoesNotAllocate(t *testing.T) {
	o := newOverlay(0, nil)
	rec := &redo{}
	rec.put(bAccounts, []byte("A-1001"), []byte("v"))
	o.add(rec.b)
	key := []byte("A-1001")
	if allocs := testing.AllocsPerRun(100, func() {
		if v, ok := o.get(bAccounts, key); !ok || string(v) != "v" {
			t.Fatalf("get: %q %v", v, ok)
		}
	}); allocs != 0 {
		t.Errorf("overlay get allocates %.0f times", allocs)
	}
}

// The same key in two buckets is two entries; the latest record wins; a
// delete is known as deleted; an empty value is not a delete; the next
// overlay starts empty whatever size it was given.
func TestOverlayKeepsLatestPerBucket(t *testing.T) {
	o := newOverlay(0, nil)
	r1 := &redo{}
	r1.put(bAccounts, []byte("K"), []byte("acct-1"))
	r1.put(bReservations, []byte("K"), []byte("res-1"))
	r1.put(bCDRs, []byte("E"), nil)
	o.add(r1.b)
	r2 := &redo{}
	r2.put(bAccounts, []byte("K"), []byte("acct-2"))
	r2.del(bReservations, []byte("K"))
	o.add(r2.b)
	for _, tc := range []struct {
		id    bucketID
		key   string
		value string
		known bool
		nilV  bool
	}{
		{bAccounts, "K", "acct-2", true, false},
		{bReservations, "K", "", true, true},
		{bCDRs, "E", "", true, false},
		{bAccounts, "E", "", false, true},
		{bLedger, "K", "", false, true},
	} {
		v, ok := o.get(tc.id, []byte(tc.key))
		if ok != tc.known || string(v) != tc.value || (v == nil) != tc.nilV {
			t.Errorf("bucket %d key %q: %q (nil %v) known %v, want %q (nil %v) known %v", tc.id, tc.key, v, v == nil, ok, tc.value, tc.nilV, tc.known)
		}
	}
	next := newOverlay(1, o)
	if _, ok := next.get(bAccounts, []byte("K")); ok {
		t.Error("a new overlay knows the previous one's key")
	}
}
