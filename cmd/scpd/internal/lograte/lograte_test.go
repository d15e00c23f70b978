package lograte

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func newTest(t *testing.T) (*slog.Logger, *bytes.Buffer, *time.Time) {
	t.Helper()
	var buf bytes.Buffer
	h := New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}), slog.LevelWarn)
	now := time.Date(2026, 11, 27, 3, 0, 0, 0, time.UTC)
	h.s.now = func() time.Time { return now }
	return slog.New(h), &buf, &now
}

func lines(buf *bytes.Buffer, substr string) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if strings.Contains(l, substr) {
			out = append(out, l)
		}
	}
	return out
}

// A flood of one warning writes Burst lines an interval; the next line
// written says how many were dropped; other texts and Info are not held up.
func TestFloodIsBounded(t *testing.T) {
	log, buf, now := newTest(t)
	for i := 0; i < 1000; i++ {
		log.Warn("SCCP message dropped", "i", i)
	}
	log.Warn("m3ua ERR sent", "code", "invalid-version")
	for i := 0; i < 50; i++ {
		log.Info("m3ua association closed")
	}
	if n := len(lines(buf, "SCCP message dropped")); n != Burst {
		t.Fatalf("%d lines of the flood in one interval, want %d", n, Burst)
	}
	if n := len(lines(buf, "m3ua ERR sent")); n != 1 {
		t.Fatalf("another text: %d lines, want 1", n)
	}
	if n := len(lines(buf, "association closed")); n != 50 {
		t.Fatalf("Info: %d lines, want all 50", n)
	}

	*now = now.Add(Interval)
	buf.Reset()
	log.Warn("SCCP message dropped", "i", 1000)
	got := lines(buf, "SCCP message dropped")
	if len(got) != 1 || !strings.Contains(got[0], "suppressed=990") || !strings.Contains(got[0], "i=1000") {
		t.Fatalf("first line of the next interval: %q, want i=1000 with suppressed=990", got)
	}
	log.Warn("SCCP message dropped", "i", 1001)
	if got := lines(buf, "i=1001"); len(got) != 1 || strings.Contains(got[0], "suppressed") {
		t.Fatalf("the line after: %q, want no suppressed count", got)
	}
}

// Loggers derived with With share the limit: the flood is one text however
// many components log it.
func TestWithSharesTheLimit(t *testing.T) {
	log, buf, _ := newTest(t)
	a, b := log.With("peer", "msc-a"), log.With("peer", "msc-b")
	for i := 0; i < Burst; i++ {
		a.Warn("TCAP message refused")
		b.Warn("TCAP message refused")
	}
	if n := len(lines(buf, "TCAP message refused")); n != Burst {
		t.Fatalf("%d lines from two derived loggers, want %d", n, Burst)
	}
}
