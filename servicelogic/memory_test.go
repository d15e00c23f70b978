package servicelogic_test

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"time"
	"weak"

	"github.com/scpd/scpd/cmd/ssfsim/msc"
	"github.com/scpd/scpd/servicelogic"
	"github.com/scpd/scpd/sigtran/tcap/dialogue"
)

// weakDialogues passes events on and keeps a weak pointer to every
// dialogue begun, to tell whether finished calls are still in memory.
type weakDialogues struct {
	dialogue.Handler
	mu    sync.Mutex
	begun []weak.Pointer[dialogue.Dialogue]
}

func (w *weakDialogues) HandleEvent(ev *dialogue.Event) {
	if ev.Kind == dialogue.EventBegin {
		w.mu.Lock()
		w.begun = append(w.begun, weak.Make(ev.Dialogue))
		w.mu.Unlock()
	}
	w.Handler.HandleEvent(ev)
}

// TestFinishedCallsAreNotKept: once a prepaid call has ended and settled,
// nothing holds its dialogue (and the call hanging from it) — not the
// timer that would make its answer time durable, set here for an hour. At
// 5,000 calls/s every second a finished call stays costs ~5,000 calls of
// live heap that each garbage collection marks again (BENCHMARKS.md).
func TestFinishedCallsAreNotKept(t *testing.T) {
	w := &weakDialogues{}
	svc, _, addr := scpFull(t, nil, func(h dialogue.Handler) dialogue.Handler { w.Handler = h; return w },
		func(c *servicelogic.Config) { c.AnswerRecordDelay = time.Hour })
	sim, _ := startMSC(t, addr, 10*time.Second)

	const calls = 20
	var wg sync.WaitGroup
	for range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := sim.Call(context.Background(), msc.Call{ServiceKey: 100, Calling: "31600000001", Called: "12",
				HoldTime: 50 * time.Millisecond, Outcome: msc.Answer})
			if err != nil {
				t.Error(err)
			} else if res.Connected == "" {
				t.Errorf("call not answered and connected: %+v", res)
			}
		}()
	}
	wg.Wait()
	waitCallsEnded(t, svc)
	w.mu.Lock()
	begun := w.begun
	w.mu.Unlock()
	if len(begun) != calls {
		t.Fatalf("%d dialogues begun for %d calls", len(begun), calls)
	}
	kept := 0
	for range 3 {
		runtime.GC()
		kept = 0
		for _, p := range begun {
			if p.Value() != nil {
				kept++
			}
		}
		if kept == 0 {
			return
		}
		time.Sleep(50 * time.Millisecond) // a worker may still hold the last event
	}
	t.Fatalf("%d of %d finished calls' dialogues still in memory after their calls ended", kept, calls)
}
