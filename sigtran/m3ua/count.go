package m3ua

import "sync/atomic"

type countVar struct{ v atomic.Uint64 }

func (c *countVar) add(n uint64) { c.v.Add(n) }
func (c *countVar) load() uint64 { return c.v.Load() }

// PeerTotals are the DATA counts of every association a peer has had.
type PeerTotals struct {
	DataIn, DataOut, DataDropped uint64
}

type peerCounters struct{ dataIn, dataOut, dropped atomic.Uint64 }
