package fullstory_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// logRecord is what a logRecorder kept of one record. Attrs are flattened:
// a group's attributes are keyed "group.key".
type logRecord struct {
	Level slog.Level
	Msg   string
	Attrs map[string]slog.Value
}

// String renders the whole record, for looking for text that must not be
// in a log.
func (r logRecord) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", r.Level, r.Msg)
	for k, v := range r.Attrs {
		fmt.Fprintf(&b, " %s=%v", k, v.Any())
	}
	return b.String()
}

// logSink holds the records of a logRecorder and of the handlers derived
// from it with WithAttrs and WithGroup.
type logSink struct {
	mu       sync.Mutex
	recs     []logRecord
	watchers []logWatcher
	onRetry  context.CancelFunc // called at each retry record
}

// logWatcher is a channel to close once a record matching match arrives.
type logWatcher struct {
	match func(logRecord) bool
	ch    chan struct{}
}

// logRecorder is a slog.Handler that keeps every record, at every level:
// the one recorder of the logging, retry, secrecy and fault tests.
type logRecorder struct {
	sink   *logSink
	attrs  []slog.Attr // from WithAttrs, already prefixed by their group
	prefix string      // from WithGroup: "a.b."
}

func newLogRecorder() *logRecorder { return &logRecorder{sink: &logSink{}} }

func (h *logRecorder) Enabled(context.Context, slog.Level) bool { return true }

func (h *logRecorder) Handle(_ context.Context, r slog.Record) error {
	rec := logRecord{Level: r.Level, Msg: r.Message, Attrs: make(map[string]slog.Value)}
	for _, a := range h.attrs {
		addLogAttr(rec.Attrs, "", a)
	}
	r.Attrs(func(a slog.Attr) bool {
		addLogAttr(rec.Attrs, h.prefix, a)
		return true
	})
	s := h.sink
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recs = append(s.recs, rec)
	kept := s.watchers[:0]
	for _, w := range s.watchers {
		if w.match(rec) {
			close(w.ch)
			continue
		}
		kept = append(kept, w)
	}
	s.watchers = kept
	if s.onRetry != nil && isRetryRecord(rec) {
		s.onRetry()
	}
	return nil
}

func addLogAttr(into map[string]slog.Value, prefix string, a slog.Attr) {
	v := a.Value.Resolve()
	if v.Kind() == slog.KindGroup {
		p := prefix
		if a.Key != "" {
			p += a.Key + "."
		}
		for _, ga := range v.Group() {
			addLogAttr(into, p, ga)
		}
		return
	}
	into[prefix+a.Key] = v
}

func (h *logRecorder) WithAttrs(as []slog.Attr) slog.Handler {
	out := *h
	out.attrs = append([]slog.Attr(nil), h.attrs...)
	for _, a := range as {
		if h.prefix != "" {
			a.Key = h.prefix + a.Key
		}
		out.attrs = append(out.attrs, a)
	}
	return &out
}

func (h *logRecorder) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	out := *h
	out.prefix += name + "."
	return &out
}

// cancelOnRetry makes h call cancel whenever the client logs that it will
// retry, which it does just before its backoff wait; it returns h.
func (h *logRecorder) cancelOnRetry(cancel context.CancelFunc) *logRecorder {
	h.sink.mu.Lock()
	defer h.sink.mu.Unlock()
	h.sink.onRetry = cancel
	return h
}

// isRetryRecord matches the Info record that announces a retry.
func isRetryRecord(r logRecord) bool {
	return r.Level == slog.LevelInfo && r.Msg == "fullstory: retrying"
}

// retries is how many retries the client announced.
func (h *logRecorder) retries() int {
	n := 0
	for _, r := range h.records() {
		if isRetryRecord(r) {
			n++
		}
	}
	return n
}

// text renders every record, one a line.
func (h *logRecorder) text() string {
	var b strings.Builder
	for _, r := range h.records() {
		b.WriteString(r.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// logger returns a logger that writes to h.
func (h *logRecorder) logger() *slog.Logger { return slog.New(h) }

// records returns a copy of every record so far, in order.
func (h *logRecorder) records() []logRecord {
	h.sink.mu.Lock()
	defer h.sink.mu.Unlock()
	return append([]logRecord(nil), h.sink.recs...)
}

// at returns the records of one level, in order.
func (h *logRecorder) at(level slog.Level) []logRecord {
	var out []logRecord
	for _, r := range h.records() {
		if r.Level == level {
			out = append(out, r)
		}
	}
	return out
}

// seen returns a channel that is closed once a record matching match has
// been handled, at once if one has been already.
func (h *logRecorder) seen(match func(logRecord) bool) <-chan struct{} {
	ch := make(chan struct{})
	s := h.sink
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.recs {
		if match(r) {
			close(ch)
			return ch
		}
	}
	s.watchers = append(s.watchers, logWatcher{match: match, ch: ch})
	return ch
}

// logInt returns the integer attribute key of r, failing the test if it is
// missing or not an integer.
func logInt(t *testing.T, r logRecord, key string) int64 {
	t.Helper()
	v, ok := r.Attrs[key]
	require.True(t, ok, "%q has no %q attribute: %s", r.Msg, key, r)
	require.Contains(t, []slog.Kind{slog.KindInt64, slog.KindUint64}, v.Kind(), "%q of %q is a %s", key, r.Msg, v.Kind())
	if v.Kind() == slog.KindUint64 {
		return int64(v.Uint64())
	}
	return v.Int64()
}

// logDuration returns the time.Duration attribute key of r, failing the
// test if it is missing or not a duration.
func logDuration(t *testing.T, r logRecord, key string) time.Duration {
	t.Helper()
	v, ok := r.Attrs[key]
	require.True(t, ok, "%q has no %q attribute: %s", r.Msg, key, r)
	require.Equal(t, slog.KindDuration, v.Kind(), "%q of %q", key, r.Msg)
	return v.Duration()
}

// logString returns the string attribute key of r, failing the test if it
// is missing.
func logString(t *testing.T, r logRecord, key string) string {
	t.Helper()
	v, ok := r.Attrs[key]
	require.True(t, ok, "%q has no %q attribute: %s", r.Msg, key, r)
	return v.String()
}

// isAttemptRecord matches the Debug record of an attempt answered status.
func isAttemptRecord(status int) func(logRecord) bool {
	return func(r logRecord) bool {
		v, ok := r.Attrs["status"]
		return r.Level == slog.LevelDebug && strings.Contains(r.Msg, "attempt") && ok && v.Kind() == slog.KindInt64 && v.Int64() == int64(status)
	}
}
