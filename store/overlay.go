package store

import "sync"

// overlay holds the latest value of every key that journaled batches
// changed since the last checkpoint: what the file does not have yet. A
// ViewRecent looks here first, so that a point read sees every batch that
// has been answered without waiting for the checkpoint (Authenticate after
// the ApplyFee that took the last of the money must see it gone).
//
// Each checkpoint starts a new overlay, based on the journal record number
// the file then holds. A reader takes the overlay before it opens its read
// transaction, and uses it only if the file it reads is still at the
// overlay's base: if a checkpoint fell in between, the file has everything
// the overlay had (and maybe more), so nothing answered is missed and the
// reader does not mix older overlay values with a newer file.
type overlay struct {
	base uint64 // the file's journal record number when the overlay began
	mu   sync.RWMutex
	m    map[string][]byte // bucket id byte + key -> value; nil value: deleted
}

// newOverlay starts an overlay for about hint keys: the previous one's count,
// so that under steady load the map is not rehashed while it fills (growing
// from empty was ~40 % of the syncer's overlay time, on every answer's path).
func newOverlay(base uint64, hint int) *overlay {
	return &overlay{base: base, m: make(map[string][]byte, hint)}
}

// size is the number of keys the overlay holds.
func (o *overlay) size() int {
	o.mu.RLock()
	defer o.mu.RUnlock()
	return len(o.m)
}

func overlayKey(id bucketID, key []byte) string {
	b := make([]byte, 0, 1+len(key))
	return string(append(append(b, byte(id)), key...))
}

// get returns the value of key and whether the overlay knows the key at
// all; a known key with a nil value was deleted.
func (o *overlay) get(id bucketID, key []byte) ([]byte, bool) {
	o.mu.RLock()
	v, ok := o.m[overlayKey(id, key)]
	o.mu.RUnlock()
	return v, ok
}

// add records a durable batch's changes. rec is kept, never modified.
func (o *overlay) add(rec []byte) {
	o.mu.Lock()
	defer o.mu.Unlock()
	// rec was written by this process: it decodes.
	_ = eachRedoOp(rec, func(op redoOp) error {
		switch op.kind {
		case opPut:
			if op.value == nil {
				op.value = []byte{}
			}
			o.m[overlayKey(op.id, op.key)] = op.value
		case opDelete:
			o.m[overlayKey(op.id, op.key)] = nil
		}
		return nil
	})
}
