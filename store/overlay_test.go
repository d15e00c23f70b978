package store

import "testing"

// The call path reads through the overlay several times a call: a lookup
// must not allocate.
func TestOverlayGetDoesNotAllocate(t *testing.T) {
	o := newOverlay(0, 0)
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
