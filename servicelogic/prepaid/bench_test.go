package prepaid

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scpd/scpd/store"
)

// BenchmarkPairs measures durable reserve+settle pairs, 64 concurrent
// callers, on distinct accounts and on one shared account. ns/op is per pair.
// settle=one is what a call does in scpd: ApplyFee, then Settle (DeductFee
// and ReturnFee with the CDR in one transaction). settle=two is the same money
// moved with DeductFee and ReturnFee as separate operations (three commits a
// call), for comparison. Batch settings can be overridden with
// SCPD_BENCH_BATCH_SIZE and SCPD_BENCH_BATCH_DELAY to tune;
// SCPD_BENCH_STATS=1 prints bbolt's page-write counters.
func BenchmarkPairs(b *testing.B) {
	for _, oneSettle := range []bool{true, false} {
		for _, shared := range []bool{false, true} {
			name := "distinct"
			if shared {
				name = "shared"
			}
			form := "settle=one"
			if !oneSettle {
				form = "settle=two"
			}
			b.Run(name+"/"+form+"/callers=64", func(b *testing.B) { benchPairs(b, 64, shared, oneSettle) })
		}
	}
}

func benchOptions(b *testing.B) store.Options {
	opts := store.Options{Logger: quiet}
	if v := os.Getenv("SCPD_BENCH_BATCH_SIZE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			b.Fatal(err)
		}
		opts.MaxBatchSize = n
	}
	if v := os.Getenv("SCPD_BENCH_BATCH_DELAY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			b.Fatal(err)
		}
		opts.MaxBatchDelay = d
	}
	if v := os.Getenv("SCPD_BENCH_CHECKPOINT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			b.Fatal(err)
		}
		opts.CheckpointInterval = d
	}
	return opts
}

func benchPairs(b *testing.B, callers int, shared, oneSettle bool) {
	st := openStore(b, benchOptions(b))
	l := New(st, Options{Log: quiet})
	acct := func(w int) string {
		if shared {
			return "SHARED"
		}
		return fmt.Sprintf("A%03d", w)
	}
	for w := 0; w < callers; w++ {
		if w == 0 || !shared {
			addAccount(b, st, store.Account{ID: acct(w), Opening: 1 << 50})
		}
	}
	ctx := context.Background()
	perPair := 3
	if oneSettle {
		perPair = 2
	}
	ops := make([]time.Duration, perPair*b.N)
	pairs := make([]time.Duration, b.N)
	var next atomic.Int64
	var wg sync.WaitGroup
	deadline := time.Now().Add(time.Hour)
	b.ResetTimer()
	start := time.Now()
	for w := 0; w < callers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= b.N {
					return
				}
				id := fmt.Sprintf("bench-%012d", i) // grows with time, like a real call id should
				t0 := time.Now()
				g, err := l.ApplyFee(ctx, ApplyRequest{CallID: id, Seq: 1, AccountID: acct(w), Amount: 60, Deadline: deadline,
					Tariff: perSecond, Seconds: 60, Service: "prepaid", Calling: "31612345001", Called: "31612345002"})
				t1 := time.Now()
				if err != nil || g.Granted != 60 {
					b.Errorf("apply: %+v %v", g, err)
					return
				}
				deduct := DeductRequest{CallID: id, Seq: 2, Amount: 30}
				ret := ReturnRequest{CallID: id, Seq: 3, CDR: &store.CDR{Service: "prepaid", Calling: "31612345001",
					Called: "31612345002", CallClass: "on-net", Start: t0, Answer: t1, End: t1, Duration: 30, Outcome: "normal"}}
				if oneSettle {
					if _, _, err := l.Settle(ctx, deduct, ret); err != nil {
						b.Error(err)
						return
					}
					t2 := time.Now()
					ops[2*i], ops[2*i+1] = t1.Sub(t0), t2.Sub(t1)
					pairs[i] = t2.Sub(t0)
					continue
				}
				if _, err := l.DeductFee(ctx, deduct); err != nil {
					b.Error(err)
					return
				}
				t2 := time.Now()
				if _, err := l.ReturnFee(ctx, ret); err != nil {
					b.Error(err)
					return
				}
				t3 := time.Now()
				ops[3*i], ops[3*i+1], ops[3*i+2] = t1.Sub(t0), t2.Sub(t1), t3.Sub(t2)
				pairs[i] = t3.Sub(t0)
			}
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "pairs/s")
	calls, commits := st.BatchStats()
	b.ReportMetric(float64(calls)/float64(max(commits, 1)), "ops/commit")
	b.ReportMetric(quantile(ops, 99, 100).Seconds()*1000, "p99-op-ms")
	b.ReportMetric(quantile(pairs, 99, 100).Seconds()*1000, "p99-pair-ms")
	// The checkpoint's pause is in the far tail: p99.9 shows it whatever
	// share of the pairs it meets.
	b.ReportMetric(quantile(pairs, 999, 1000).Seconds()*1000, "p999-pair-ms")
	if js := st.JournalStats(); js.Checkpoints > 0 && js.Writes > 0 {
		b.ReportMetric(js.CheckpointTime.Seconds()*1000/float64(js.Checkpoints), "checkpoint-ms")
		b.ReportMetric(float64(calls)/float64(js.Writes), "ops/fsync")
	}
	if os.Getenv("SCPD_BENCH_STATS") != "" && b.N > 1 {
		ts := st.Stats().TxStats
		js := st.JournalStats()
		fmt.Fprintf(os.Stderr, "pages written %d in %v, spill %v; %d checkpoints in %v; %d batches\n",
			ts.GetWrite(), ts.GetWriteTime(), ts.GetSpillTime(), js.Checkpoints, js.CheckpointTime, commits)
	}
	rep := mustAudit(b, st)
	if rep.Totals.Frozen != 0 || rep.Totals.Charged != int64(30*b.N) {
		b.Fatalf("after the benchmark: %+v", rep.Totals)
	}
}

// quantile returns the num/den quantile of d (99/100: the 99th percentile).
func quantile(d []time.Duration, num, den int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[(len(s)*num)/den]
}
