package dialogue

import (
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/scpd/scpd/sigtran/sccp"
	"github.com/scpd/scpd/sigtran/sccp/routing"
	"github.com/scpd/scpd/sigtran/tcap"
)

// TestMaxDialoguesUnderConcurrentBegins: Begins arrive concurrently (one
// reader goroutine per M3UA association) with the layer one short of
// MaxDialogues apart from them. The bound must hold: exactly MaxDialogues
// are open afterwards, every other Begin is refused, none is taken in past
// the bound because the count was checked before another Begin's
// dialogue was counted.
func TestMaxDialoguesUnderConcurrentBegins(t *testing.T) {
	begin, err := tcap.NewBegin(tcap.NewTransactionID(1), tcap.NewAARQ(fuzzAC),
		tcap.NewInvoke(1, 0, []byte{0x30, 0x03, 0x80, 0x01, 0x64})).Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	const rounds, begins, max = 3000, 16, 4
	for round := 0; round < rounds; round++ {
		r := routing.New(noNetwork{}, routing.Config{}, quiet)
		l := New(Config{SSN: sccp.SSNCAP, IdleTimeout: time.Hour, MaxDialogues: max}, r, newEventLog(), quiet)
		// max-1 open already, so the racing Begins contend for the last slot.
		for i := 0; i < max-1; i++ {
			l.HandleUnitdata(fuzzPath, &sccp.Message{Type: sccp.UDT, Called: scp, Calling: msc, Data: begin})
		}
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
		close(start)
		wg.Wait()
		open, held := l.Open(), len(l.Dialogues())
		l.Close()
		if open != max || held != max {
			t.Fatalf("round %d: %d Begins against MaxDialogues %d left %d open (%d held); want %d",
				round, max-1+begins, max, open, held, max)
		}
	}
}
