// Package lograte bounds how often one kind of log record is written.
//
// scpd logs a malformed or refused message from the network at WARN (with
// its cause) and counts it in the metrics. A peer that sends thousands of
// them a second would otherwise write thousands of lines a second, burying
// everything else and filling the disk: per message text, the first Burst
// records of each Interval are written, the rest counted, and the count is
// written with the next record of that text that gets through.
package lograte

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Limits: per message text, Burst records each Interval.
const (
	Burst    = 10
	Interval = 10 * time.Second
)

// maxKinds bounds the table of message texts; texts are constants in the
// code, so it is never reached in practice, and when it is the table starts
// afresh rather than grow.
const maxKinds = 1024

// Handler wraps a slog.Handler, limiting records at Min and above. Records
// below Min (Info, Debug) pass unlimited: they are not per message.
type Handler struct {
	next slog.Handler
	min  slog.Level
	s    *state
}

type state struct {
	mu    sync.Mutex
	now   func() time.Time
	kinds map[string]*kind
}

type kind struct {
	start      time.Time // of the current interval
	written    int       // in the current interval
	suppressed int       // since the last record written
}

// New limits next's records at level min and above.
func New(next slog.Handler, min slog.Level) *Handler {
	return &Handler{next: next, min: min, s: &state{now: time.Now, kinds: map[string]*kind{}}}
}

func (h *Handler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level < h.min {
		return h.next.Handle(ctx, r)
	}
	suppressed, ok := h.s.admit(r.Message)
	if !ok {
		return nil
	}
	if suppressed > 0 {
		r = r.Clone()
		r.AddAttrs(slog.Int("suppressed", suppressed))
	}
	return h.next.Handle(ctx, r)
}

// admit reports whether a record of message msg may be written now, and how
// many of its kind were dropped since the last one written.
func (s *state) admit(msg string) (suppressed int, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	k := s.kinds[msg]
	if k == nil {
		if len(s.kinds) >= maxKinds {
			s.kinds = map[string]*kind{}
		}
		k = &kind{start: now}
		s.kinds[msg] = k
	}
	if now.Sub(k.start) >= Interval {
		k.start, k.written = now, 0
	}
	if k.written >= Burst {
		k.suppressed++
		return 0, false
	}
	k.written++
	suppressed, k.suppressed = k.suppressed, 0
	return suppressed, true
}

// The limits are shared by the loggers derived with With and WithGroup, as
// records of one text from any of them are the same flood.
func (h *Handler) WithAttrs(as []slog.Attr) slog.Handler {
	return &Handler{next: h.next.WithAttrs(as), min: h.min, s: h.s}
}

func (h *Handler) WithGroup(name string) slog.Handler {
	return &Handler{next: h.next.WithGroup(name), min: h.min, s: h.s}
}
