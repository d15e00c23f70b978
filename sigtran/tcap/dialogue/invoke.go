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
	// seq tells this invoke from a later one reusing its ID: a timer that
	// fired while its answer was taken in (Stop too late) is stale.
	seq uint64
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
	d.invokeSeq++
	p := pendingInvoke{id: c.InvokeID, class: class, deadline: now.Add(timeout), seq: d.invokeSeq}
	if class == 1 || class == 3 {
		id, seq := c.InvokeID, p.seq
		p.timer = time.AfterFunc(timeout, func() { d.invokeExpired(id, seq) })
	}
	d.invokes = append(d.invokes, p)
}

func (d *Dialogue) invokeExpired(id int8, seq uint64) {
	d.mu.Lock()
	// The timer may have fired while d.mu was held to take in the answer,
	// and the ID been reused since: only this invoke's own timer ends it.
	if i := slices.IndexFunc(d.invokes, func(p pendingInvoke) bool { return p.id == id }); i < 0 || d.invokes[i].seq != seq {
		d.mu.Unlock()
		return
	}
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
	_, ok := d.pendingInvoke(id)
	return ok
}

// pendingInvoke returns the class of our outstanding invoke id.
func (d *Dialogue) pendingInvoke(id int8) (class uint8, ok bool) {
	for _, p := range d.invokes {
		if p.id == id {
			return p.class, true
		}
	}
	return 0, false
}

// answerProblem checks a received result or error against our invoke it
// answers (Q.774 §3.2.1.2, X.880 ROS): none outstanding is
// unrecognizedInvocation; a result to an operation of class 2 or 4, or an
// error to one of class 3 or 4, is resultResponseUnexpected or
// errorResponseUnexpected (X.880 operation classes: 2 reports errors only,
// 3 results only, 4 neither). ok means no problem.
func (d *Dialogue) answerProblem(c *tcap.Component) (problem tcap.Problem, ok bool) {
	class, pending := d.pendingInvoke(c.InvokeID)
	if c.Type == tcap.ReturnError {
		switch {
		case !pending:
			return tcap.ReturnErrorUnrecognizedInvokeID, false
		case class == 3 || class == 4:
			return tcap.ReturnErrorUnexpected, false
		}
		return tcap.Problem{}, true
	}
	switch {
	case !pending:
		return tcap.ReturnResultUnrecognizedInvokeID, false
	case class == 2 || class == 4:
		return tcap.ReturnResultUnexpected, false
	}
	return tcap.Problem{}, true
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
			switch {
			case slices.Contains(seen, c.InvokeID):
				problem = tcap.InvokeDuplicateInvokeID
			case c.HasLinkedID && !d.invokePending(c.LinkedID):
				// A linked invoke must name an operation of ours still
				// outstanding (X.880 ROS Invoke linkedId,
				// invoke-unrecognizedLinkedId).
				problem = tcap.InvokeUnrecognizedLinkedID
			default:
				seen = append(seen, c.InvokeID)
				continue
			}
		case tcap.ReturnResultLast, tcap.ReturnError:
			var ok bool
			problem, ok = d.answerProblem(&c)
			// The last answer, even an unexpected one, ends our invoke:
			// the peer has replied and its timer has no more to wait for.
			d.dropInvokeLocked(c.InvokeID)
			if ok {
				continue
			}
		case tcap.ReturnResultNotLast:
			var ok bool
			if problem, ok = d.answerProblem(&c); ok {
				continue
			}
		case tcap.Reject:
			// Invoke IDs are per direction: a returnResult or returnError
			// problem rejects a result or error this node sent, so its ID
			// is the peer's invoke's, not ours (X.880 ROS Reject; Q.774
			// §3.2.1.2). Only an invoke problem, or a general one naming
			// an invoke of ours, ends our invoke.
			if c.HasInvokeID && (c.Problem.Type == tcap.ProblemInvoke || c.Problem.Type == tcap.ProblemGeneral) {
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
