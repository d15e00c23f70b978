package m3ua

import "sync/atomic"

type countVar struct{ v atomic.Uint64 }

func (c *countVar) add(n uint64) { c.v.Add(n) }
func (c *countVar) load() uint64 { return c.v.Load() }
