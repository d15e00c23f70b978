package dialogue

import (
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/scpd/scpd/sigtran/sccp"
	"github.com/scpd/scpd/sigtran/sccp/routing"
	"github.com/scpd/scpd/sigtran/tcap"
)

// eventLog records the kinds of events each dialogue received, in order.
type eventLog struct {
	mu     sync.Mutex
	kinds  map[*Dialogue][]EventKind
	change chan struct{} // signalled (non-blocking) on each event
}

func newEventLog() *eventLog {
	return &eventLog{kinds: map[*Dialogue][]EventKind{}, change: make(chan struct{}, 1)}
}

func (e *eventLog) HandleEvent(ev *Event) {
	e.mu.Lock()
	e.kinds[ev.Dialogue] = append(e.kinds[ev.Dialogue], ev.Kind)
	e.mu.Unlock()
	select {
	case e.change <- struct{}{}:
	default:
	}
}

// waitClosedPairs waits until every dialogue that got an event got two
// (its Begin and its Abort), or fails after a generous timeout.
func (e *eventLog) waitClosedPairs(t *testing.T, want int) map[*Dialogue][]EventKind {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		e.mu.Lock()
		n, done := 0, true
		for _, k := range e.kinds {
			n++
			if len(k) < 2 {
				done = false
			}
		}
		if n == want && done {
			out := e.kinds
			e.mu.Unlock()
			return out
		}
		got := make(map[*Dialogue][]EventKind, len(e.kinds))
		for d, k := range e.kinds {
			got[d] = append([]EventKind(nil), k...)
		}
		e.mu.Unlock()
		select {
		case <-e.change:
		case <-time.After(10 * time.Millisecond):
		case <-deadline:
			t.Fatalf("events after Close: %v; want %d dialogues each with a Begin then an Abort", got, want)
		}
	}
}

// TestCloseRacingBegin closes the layer while Begins are being taken in.
// Every dialogue the layer opened must be aborted by Close (none may stay
// open after Close and the Begins returned), and its service must see the
// Begin before the Abort: a Begin delivered after the Abort makes the
// service start a call on a dead dialogue that no further event ends.
func TestCloseRacingBegin(t *testing.T) {
	begin, err := tcap.NewBegin(tcap.NewTransactionID(1), tcap.NewAARQ(fuzzAC),
		tcap.NewInvoke(1, 0, []byte{0x30, 0x03, 0x80, 0x01, 0x64})).Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	const rounds, begins = 3000, 8
	for round := 0; round < rounds; round++ {
		r := routing.New(noNetwork{}, routing.Config{}, quiet)
		ev := newEventLog()
		l := New(Config{SSN: sccp.SSNCAP, IdleTimeout: time.Hour}, r, ev, quiet)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := 0; i < begins; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				l.HandleUnitdata(fuzzPath, &sccp.Message{Type: sccp.UDT, Called: scp, Calling: msc, Data: begin})
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			l.Close()
		}()
		close(start)
		wg.Wait()
		if n := l.Open(); n != 0 {
			t.Fatalf("round %d: %d dialogues still open after Close", round, n)
		}
		got := ev.waitClosedPairs(t, int(l.Stats().Opened))
		for d, kinds := range got {
			if len(kinds) != 2 || kinds[0] != EventBegin || kinds[1] != EventAbort {
				t.Fatalf("round %d: dialogue %s got %v; want [begin abort]", round, d, kinds)
			}
		}
	}
}

// drained waits until d has no event left to deliver.
func drained(t *testing.T, d *Dialogue) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(100 * time.Microsecond) {
		d.mu.Lock()
		running := d.running
		d.mu.Unlock()
		if !running {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("dialogue events not delivered within 5s")
		}
	}
}

// TestNoEventAfterEnd: the idle timer and a service timer (AfterFunc) that
// fire while the peer's TC-END is being taken in must not reach the
// service after the EventEnd: a handler frees its session at the end, and
// AfterFunc promises no timer once the dialogue has closed.
func TestNoEventAfterEnd(t *testing.T) {
	begin, err := tcap.NewBegin(tcap.NewTransactionID(1), tcap.NewAARQ(fuzzAC)).Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	for round := 0; round < 3000; round++ {
		r := routing.New(noNetwork{}, routing.Config{}, quiet)
		ev := newEventLog()
		l := New(Config{SSN: sccp.SSNCAP, IdleTimeout: time.Hour}, r, ev, quiet)
		l.HandleUnitdata(fuzzPath, &sccp.Message{Type: sccp.UDT, Called: scp, Calling: msc, Data: begin})
		all := l.Dialogues()
		if len(all) != 1 {
			t.Fatalf("%d dialogues after a Begin", len(all))
		}
		d := all[0]
		end, err := tcap.NewEnd(tcap.NewTransactionID(d.ID()), nil).Append(nil)
		if err != nil {
			t.Fatal(err)
		}
		start := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(2)
		go func() {
			defer wg.Done()
			<-start
			l.HandleUnitdata(fuzzPath, &sccp.Message{Type: sccp.UDT, Called: scp, Calling: msc, Data: end})
		}()
		go func() {
			defer wg.Done()
			<-start
			d.idleExpired() // as its timer would
		}()
		close(start)
		d.AfterFunc(0, 7)
		wg.Wait()
		drained(t, d)
		ev.mu.Lock()
		kinds := append([]EventKind(nil), ev.kinds[d]...)
		ev.mu.Unlock()
		for i, k := range kinds {
			if k == EventEnd && i != len(kinds)-1 {
				t.Fatalf("round %d: events %v: delivered after the end", round, kinds)
			}
		}
		l.Close()
	}
}

// TestBeginAfterClose: a dialogue this side would begin once the layer is
// closing is refused at once, before anything is sent, and leaves nothing
// open (a Close racing BeginWith either sees the dialogue or is seen by it).
func TestBeginAfterClose(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	r := routing.New(noNetwork{}, routing.Config{}, quiet)
	l := New(Config{SSN: sccp.SSNCAP, IdleTimeout: time.Hour}, r, newEventLog(), quiet)
	l.Close()
	d, err := l.BeginWith(nil, 1, msc, fuzzAC)
	if !errors.Is(err, ErrClosed) || d != nil {
		t.Fatalf("BeginWith after Close: %v, %v; want ErrClosed", d, err)
	}
	if n := l.Open(); n != 0 {
		t.Fatalf("%d dialogues open after a refused Begin", n)
	}
}
