package dialogue

import (
	"slices"
	"time"

	"github.com/scpd/scpd/sigtran/tcap"
)

// pendingInvoke is an Invoke this node sent and may hear back about.
type pendingInvoke struct {
	id       int8
	class    uint8
	deadline time.Time
	timer    *time.Timer // classes 1 and 3 only: their expiry is reported
}

// trackInvoke starts the invoke timer of an outgoing Invoke (Q.774
// §3.2.1.1.1). Class 2 and 4 expiries are silent (for class 2 silence is
// success), so they get no runtime timer: they expire lazily.
func (d *Dialogue) trackInvoke(c *tcap.Component, now time.Time) {
	if d.layer.cfg.InvokeTimer == nil {
		return
	}
	class, timeout := d.layer.cfg.InvokeTimer(c.Opcode.Local)
	if class == 4 || timeout <= 0 {
		return
	}
	d.expireInvokesLocked(now)
	p := pendingInvoke{id: c.InvokeID, class: class, deadline: now.Add(timeout)}
	if class == 1 || class == 3 {
		id := c.InvokeID
		p.timer = time.AfterFunc(timeout, func() { d.invokeExpired(id) })
	}
	d.invokes = append(d.invokes, p)
}

func (d *Dialogue) invokeExpired(id int8) {
	d.mu.Lock()
	if !d.dropInvokeLocked(id) || d.state == Closed {
		d.mu.Unlock()
		return
	}
	// Queued in the same critical section: not after a close (enqueueOpen).
	start := d.enqueueLocked(&Event{Kind: EventInvokeTimeout, InvokeID: id})
	d.mu.Unlock()
	d.layer.invokeTimeouts.Add(1)
	if start {
		d.layer.run(d)
	}
}

func (d *Dialogue) invokePending(id int8) bool {
	for _, p := range d.invokes {
		if p.id == id {
			return true
		}
	}
	return false
}

// dropInvokeLocked removes a pending invoke and reports whether it was there.
func (d *Dialogue) dropInvokeLocked(id int8) bool {
	for i, p := range d.invokes {
		if p.id == id {
			if p.timer != nil {
				p.timer.Stop()
			}
			d.invokes = append(d.invokes[:i], d.invokes[i+1:]...)
			return true
		}
	}
	return false
}

func (d *Dialogue) expireInvokesLocked(now time.Time) {
	kept := d.invokes[:0]
	for _, p := range d.invokes {
		if p.timer == nil && now.After(p.deadline) {
			continue
		}
		kept = append(kept, p)
	}
	d.invokes = kept
}

// answerComponentsLocked checks the replies in received components
// against the outstanding invokes (Q.774 §3.2.1.2): a result, error or
// reject for an invoke ID not outstanding is rejected and not delivered.
func (d *Dialogue) answerComponentsLocked(comps []tcap.Component, now time.Time) (deliver, rejects []tcap.Component) {
	d.expireInvokesLocked(now)
	var drop []int
	// The peer's invoke IDs in this message: one used twice is the
	// duplicateInvokeID problem (Q.773 §3.2.2.2, invoke problems).
	var seenBuf [4]int8
	seen := seenBuf[:0]
	for i, c := range comps {
		var problem tcap.Problem
		switch c.Type {
		case tcap.Invoke:
			if !slices.Contains(seen, c.InvokeID) {
				seen = append(seen, c.InvokeID)
				continue
			}
			problem = tcap.InvokeDuplicateInvokeID
		case tcap.ReturnResultLast:
			if d.dropInvokeLocked(c.InvokeID) {
				continue
			}
			problem = tcap.ReturnResultUnrecognizedInvokeID
		case tcap.ReturnError:
			if d.dropInvokeLocked(c.InvokeID) {
				continue
			}
			problem = tcap.ReturnErrorUnrecognizedInvokeID
		case tcap.ReturnResultNotLast:
			if d.invokePending(c.InvokeID) {
				continue
			}
			problem = tcap.ReturnResultUnrecognizedInvokeID
		case tcap.Reject:
			if c.HasInvokeID {
				d.dropInvokeLocked(c.InvokeID)
			}
			continue
		default:
			continue
		}
		rejects = append(rejects, tcap.NewReject(c.InvokeID, true, problem))
		drop = append(drop, i)
	}
	if len(drop) == 0 {
		return comps, nil
	}
	deliver = make([]tcap.Component, 0, len(comps)-len(drop))
	for i, c := range comps {
		if len(drop) > 0 && drop[0] == i {
			drop = drop[1:]
			continue
		}
		deliver = append(deliver, c)
	}
	return deliver, rejects
}
