package stack

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scpd/scpd/sigtran/tcap"
	"github.com/scpd/scpd/sigtran/tcap/dialogue"
)

// BenchmarkBeginEnd measures one TCP association carrying Begin→End
// dialogues through M3UA, SCCP and TCAP on loopback, both ends in this
// process: each dialogue is one TCAP message each way. msgs/s is per
// direction.
func BenchmarkBeginEnd(b *testing.B) { benchBeginEnd(b, nil, nil) }

func benchBeginEnd(b *testing.B, scpCfg, mscCfg func(*Config)) {
	var scpMutate, mscMutate []func(*Config)
	if scpCfg != nil {
		scpMutate, mscMutate = append(scpMutate, scpCfg), append(mscMutate, mscCfg)
	}
	scp := startSCP(b, nil, scpMutate...)
	scp.answer = func(ev *dialogue.Event) {
		if ev.Kind == dialogue.EventBegin {
			ev.Dialogue.End(tcap.NewReturnResultLast(1, 0, nil))
		}
	}
	msc := startMSC(b, scp.Stack, false, mscMutate...)
	const window = 512 // dialogues in flight
	sem := make(chan struct{}, window)
	var done sync.WaitGroup
	msc.answer = func(ev *dialogue.Event) {
		if ev.Kind == dialogue.EventEnd || ev.Kind == dialogue.EventAbort {
			<-sem
			done.Done()
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		sem <- struct{}{}
		done.Add(1)
		if _, err := msc.TCAP.Begin(scpPC, scpAddress, capV2, tcap.NewInvoke(1, 0, idpSK100)); err != nil {
			b.Fatal(err)
		}
	}
	done.Wait()
	el := time.Since(start)
	b.ReportMetric(float64(b.N)/el.Seconds(), "msgs/s")
}

// BenchmarkIdleDialogueMemory opens dialogues.N (100,000 by default
// through -benchtime=100000x) at the SCP and leaves them idle, then
// reports the heap they hold per dialogue. The MSC side sends raw Begins
// and keeps no state, so only the SCP's dialogues are counted.
func BenchmarkIdleDialogueMemory(b *testing.B) {
	// The raw Begins name SSN 8 as their calling party, where the MSC has
	// no TCAP: the SCP's Continues are dropped there (no UDTS asked for)
	// instead of meeting a dialogue layer that would P-Abort them.
	scp := startSCP(b, nil, func(c *Config) { c.SCCP.ReturnOnError = false })
	var answered atomic.Int64
	scp.answer = func(ev *dialogue.Event) {
		if ev.Kind == dialogue.EventBegin {
			ev.Dialogue.Continue(tcap.NewInvoke(ev.Dialogue.NewInvokeID(), 31, nil))
			answered.Add(1)
		}
	}
	msc := startMSC(b, scp.Stack, false)
	msc.answer = func(*dialogue.Event) {}
	rawCaller := mscAddress
	rawCaller.SSN = 8
	raw := func(otid uint32) []byte {
		m := tcap.NewBegin(tcap.NewTransactionID(otid), tcap.NewAARQ(capV2), tcap.NewInvoke(1, 0, idpSK100))
		out, _ := m.Append(nil)
		return out
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := msc.Router.SendTo(scpPC, uint8(i), scpAddress, rawCaller, raw(uint32(i+1))); err != nil {
			b.Fatal(err)
		}
		if i%1000 == 999 {
			for answered.Load() < int64(i-2000) {
				time.Sleep(time.Millisecond)
			}
		}
	}
	for answered.Load() < int64(b.N) || scp.TCAP.Open() < b.N {
		time.Sleep(5 * time.Millisecond)
	}
	b.StopTimer()
	time.Sleep(100 * time.Millisecond) // let the drain goroutines exit
	runtime.GC()
	runtime.ReadMemStats(&after)
	per := float64(after.HeapAlloc-before.HeapAlloc) / float64(b.N)
	b.ReportMetric(per, "B/dialogue")
	b.ReportMetric(float64(runtime.NumGoroutine()), "goroutines")
	if scp.TCAP.Open() != b.N {
		b.Fatalf("%d open, want %d", scp.TCAP.Open(), b.N)
	}
}
