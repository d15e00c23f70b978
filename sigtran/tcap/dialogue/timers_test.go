package dialogue

import (
	"io"
	"log/slog"
	"runtime"
	"testing"
	"time"
	"weak"

	"github.com/scpd/scpd/sigtran/sccp"
	"github.com/scpd/scpd/sigtran/sccp/routing"
	"github.com/scpd/scpd/sigtran/tcap"
)

// dropEvents is a service that keeps nothing of the events it gets.
type dropEvents struct{}

func (dropEvents) HandleEvent(*Event) {}

// TestCloseStopsServiceTimers: a timer the service set for longer than the
// dialogue lives is stopped when the dialogue closes, and the closed
// dialogue is then garbage: a running timer would hold it (and the call
// hanging from User) until it fired.
func TestCloseStopsServiceTimers(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	r := routing.New(noNetwork{}, routing.Config{}, quiet)
	l := New(Config{SSN: sccp.SSNCAP, IdleTimeout: time.Hour}, r, dropEvents{}, quiet)
	defer l.Close()

	const dialogues = 20
	var gone []weak.Pointer[Dialogue]
	for i := range dialogues {
		begin, err := tcap.NewBegin(tcap.NewTransactionID(uint32(i+1)), tcap.NewAARQ(fuzzAC)).Append(nil)
		if err != nil {
			t.Fatal(err)
		}
		l.HandleUnitdata(fuzzPath, &sccp.Message{Type: sccp.UDT, Called: scp, Calling: msc, Data: begin})
	}
	all := l.Dialogues()
	if len(all) != dialogues {
		t.Fatalf("%d dialogues after %d Begins", len(all), dialogues)
	}
	var stops []func() bool
	for _, d := range all {
		stops = append(stops, d.AfterFunc(time.Hour, 1))
		gone = append(gone, weak.Make(d))
		end, err := tcap.NewEnd(tcap.NewTransactionID(d.ID()), nil).Append(nil)
		if err != nil {
			t.Fatal(err)
		}
		l.HandleUnitdata(fuzzPath, &sccp.Message{Type: sccp.UDT, Called: scp, Calling: msc, Data: end})
		drained(t, d)
	}
	if n := l.Open(); n != 0 {
		t.Fatalf("%d dialogues open after their TC-ENDs", n)
	}
	for i, stop := range stops {
		if stop() {
			t.Fatalf("dialogue %d: its hour-long timer was still running after the dialogue closed", i)
		}
	}
	if stop := all[0].AfterFunc(time.Hour, 2); stop() {
		t.Fatal("AfterFunc on a closed dialogue started a timer")
	}
	all, stops = nil, nil
	runtime.GC()
	runtime.GC()
	kept := 0
	for _, w := range gone {
		if w.Value() != nil {
			kept++
		}
	}
	if kept > 0 {
		t.Fatalf("%d of %d closed dialogues still in memory after two collections", kept, dialogues)
	}
}

// An invoke timer that fired while its answer was being taken in (Stop
// too late, the callback waiting for d.mu) must not end a later invoke
// that reuses the ID, nor report it timed out.
func TestStaleInvokeTimerSparesReusedID(t *testing.T) {
	d, got := oneDialogue(t, Config{SSN: sccp.SSNCAP, InvokeTimer: func(op int64) (uint8, time.Duration) {
		if op == 1 {
			return 1, 10 * time.Millisecond
		}
		return 1, time.Hour
	}})
	d.mu.Lock()
	old := tcap.NewInvoke(5, 1, nil)
	d.trackInvoke(&old, time.Now())
	time.Sleep(200 * time.Millisecond) // its timer (10 ms) fires and waits for d.mu
	d.answerComponentsLocked([]tcap.Component{tcap.NewReturnResultLast(5, 1, nil)}, time.Now())
	fresh := tcap.NewInvoke(5, 2, nil) // an hour-long timer
	d.trackInvoke(&fresh, time.Now())
	d.mu.Unlock()
	select {
	case ev := <-got:
		t.Fatalf("%s for invoke %d: the new invoke's timer runs for an hour", ev.Kind, ev.InvokeID)
	case <-time.After(200 * time.Millisecond):
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.invokePending(5) {
		t.Fatal("the new invoke 5 was dropped by the old one's timer")
	}
}

// A message taken in while the idle timer's callback waited for the
// dialogue's lock (too late for Reset to stop it) means the dialogue is
// not idle: no EventIdle (the service sent a needless ActivityTest). Quiet
// for the whole timeout afterwards, it is idle again.
func TestIdleTimerSparesADialogueJustHeardFrom(t *testing.T) {
	const idle = 300 * time.Millisecond
	d, got := oneDialogue(t, Config{SSN: sccp.SSNCAP, IdleTimeout: idle})
	d.mu.Lock()
	time.Sleep(idle + 50*time.Millisecond) // the timer fires and waits for d.mu
	d.touchLocked(time.Now())              // a message came in meanwhile
	d.mu.Unlock()
	select {
	case ev := <-got:
		t.Fatalf("%s right after a message", ev.Kind)
	case <-time.After(idle / 2):
	}
	select {
	case ev := <-got:
		if ev.Kind != EventIdle {
			t.Fatalf("%s, want EventIdle after the quiet", ev.Kind)
		}
	case <-time.After(5 * idle):
		t.Fatal("no EventIdle after a whole quiet timeout")
	}
}

// oneDialogue is a layer of cfg with one dialogue, opened by a Begin from
// the MSC; got has the service's events after the Begin's.
func oneDialogue(t *testing.T, cfg Config) (*Dialogue, chan *Event) {
	t.Helper()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	got := make(chan *Event, 8)
	l := New(cfg, routing.New(noNetwork{}, routing.Config{}, quiet), HandlerFunc(func(ev *Event) { got <- ev }), quiet)
	t.Cleanup(l.Close)
	begin, err := tcap.NewBegin(tcap.NewTransactionID(7), tcap.NewAARQ(fuzzAC)).Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	l.HandleUnitdata(fuzzPath, &sccp.Message{Type: sccp.UDT, Called: scp, Calling: msc, Data: begin})
	<-got
	return l.Dialogues()[0], got
}
