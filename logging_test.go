package fullstory_test

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
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
}

// logWatcher is a channel to close once a record matching match arrives.
type logWatcher struct {
	match func(logRecord) bool
	ch    chan struct{}
}

// logRecorder is a slog.Handler that keeps every record, at every level.
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

func TestLoggingEachAttemptAndRetry(t *testing.T) {
	ws := newTestServer(t, wireReplies(
		wireStatusError(http.StatusServiceUnavailable),
		wireStatusError(http.StatusServiceUnavailable),
		wireJSON(http.StatusOK, `{"sessions":[]}`),
	))
	logs := newLogRecorder()
	c := wireClient(t, ws, fullstory.WithLogger(logs.logger()), fullstory.WithRetryWait(time.Millisecond, 2*time.Millisecond))

	_, err := c.Sessions.List(boundedContext(t, 5*time.Second), &fullstory.ListSessionsOptions{Email: "jane@doe.com", Limit: 10})
	require.NoError(t, err)
	require.Equal(t, 3, ws.hits())

	attempts := logs.at(slog.LevelDebug)
	require.Len(t, attempts, 3, "one Debug record per attempt: %v", logs.records())
	for i, r := range attempts {
		assert.Contains(t, r.Msg, "attempt")
		assert.Equal(t, "GET", logString(t, r, "method"))
		assert.Equal(t, "/sessions/v2", logString(t, r, "path"))
		assert.Equal(t, int64(i+1), logInt(t, r, "attempt"))
		assert.Equal(t, []int64{503, 503, 200}[i], logInt(t, r, "status"), "attempt %d", i+1)
		assert.GreaterOrEqual(t, logDuration(t, r, "duration"), time.Duration(0))
	}

	retries := logs.at(slog.LevelInfo)
	require.Len(t, retries, 2, "one Info record per retry: %v", logs.records())
	for i, r := range retries {
		assert.Contains(t, r.Msg, "retrying")
		assert.Equal(t, "GET", logString(t, r, "method"))
		assert.Equal(t, "/sessions/v2", logString(t, r, "path"))
		wait := logDuration(t, r, "wait")
		assert.Greater(t, wait, time.Duration(0), "retry %d", i+1)
		assert.LessOrEqual(t, wait, 2*time.Millisecond, "retry %d: more than WithRetryWait's max", i+1)
		assert.Contains(t, logString(t, r, "reason"), "503")
	}

	assert.Empty(t, logs.at(slog.LevelWarn), "the call succeeded")
	assert.Empty(t, logs.at(slog.LevelError))
	assert.Len(t, logs.records(), 5)
}

func TestLoggingTheFinalFailureAtWarn(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireStatusError(http.StatusNotFound)))
	logs := newLogRecorder()
	c := wireClient(t, ws, fullstory.WithLogger(logs.logger()))

	_, err := c.Sessions.List(boundedContext(t, 5*time.Second), &fullstory.ListSessionsOptions{Email: "jane@doe.com"})
	require.ErrorIs(t, err, fullstory.ErrNotFound)

	warns := logs.at(slog.LevelWarn)
	require.Len(t, warns, 1, "%v", logs.records())
	w := warns[0]
	assert.Equal(t, "GET", logString(t, w, "method"))
	assert.Equal(t, "/sessions/v2", logString(t, w, "path"))
	assert.Equal(t, int64(http.StatusNotFound), logInt(t, w, "status"))
	assert.Equal(t, int64(1), logInt(t, w, "attempts"))
	assert.Equal(t, "resource_not_found", logString(t, w, "code"))
	assert.NotContains(t, w.String(), "the resource was not found", "the Warn record quotes the server's message")

	assert.Len(t, logs.at(slog.LevelDebug), 1)
	assert.Empty(t, logs.at(slog.LevelInfo), "a 404 is not retried")
	assert.Empty(t, logs.at(slog.LevelError))
}

func TestLoggingNeverShowsTheQueryKeyOrEmail(t *testing.T) {
	const email = "Jane.Doe+vip@example.com"
	secrets := []string{wireAPIKey, email, strings.ToLower(email), url.QueryEscape(email), "email=", "limit=", "?"}
	check := func(t *testing.T, logs *logRecorder) {
		t.Helper()
		recs := logs.records()
		require.NotEmpty(t, recs)
		for _, r := range recs {
			for _, s := range secrets {
				assert.NotContains(t, r.String(), s, "a log record holds %q", s)
			}
			if p, ok := r.Attrs["path"]; ok {
				assert.Equal(t, "/sessions/v2", p.String())
			}
		}
	}
	list := func(ctx context.Context, c *fullstory.Client) error {
		_, err := c.Sessions.List(ctx, &fullstory.ListSessionsOptions{Email: email, Limit: 10})
		return err
	}

	t.Run("responses", func(t *testing.T) {
		// The error bodies quote the request's URL, as some proxies do.
		ws := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintf(w, `{"code":"unavailable","message":"no %s for %s"}`, r.URL.RequestURI(), r.Header.Get("Authorization"))
		})
		logs := newLogRecorder()
		c := wireClient(t, ws, fullstory.WithLogger(logs.logger()), fullstory.WithMaxRetries(2))

		require.Error(t, list(boundedContext(t, 5*time.Second), c))
		assert.Equal(t, 3, ws.hits())
		assert.Len(t, logs.at(slog.LevelWarn), 1)
		check(t, logs)
	})

	t.Run("connection refused", func(t *testing.T) {
		logs := newLogRecorder()
		c := wireClientAt(t, closedListenerURL(t), fullstory.WithLogger(logs.logger()), fullstory.WithMaxRetries(1))

		require.Error(t, list(boundedContext(t, 5*time.Second), c))
		assert.Len(t, logs.at(slog.LevelDebug), 2)
		assert.Len(t, logs.at(slog.LevelWarn), 1)
		check(t, logs)
	})
}

// TestLoggingIsOffWithoutWithLogger swaps the process-wide default logger
// (which the log package writes to as well), so it must not run in parallel.
func TestLoggingIsOffWithoutWithLogger(t *testing.T) {
	logs := newLogRecorder()
	prev, prevOut, prevFlags := slog.Default(), log.Writer(), log.Flags()
	slog.SetDefault(logs.logger())
	t.Cleanup(func() {
		slog.SetDefault(prev)
		log.SetOutput(prevOut)
		log.SetFlags(prevFlags)
	})
	ctx := boundedContext(t, 5*time.Second)

	ws := newTestServer(t, wireReplies(
		wireStatusError(http.StatusServiceUnavailable),
		wireJSON(http.StatusOK, `{"sessions":[]}`),
		wireStatusError(http.StatusNotFound),
	))
	c := wireClient(t, ws)
	_, err := c.Sessions.List(ctx, &fullstory.ListSessionsOptions{Email: "jane@doe.com"})
	require.NoError(t, err, "a retried call")
	_, err = c.Sessions.List(ctx, &fullstory.ListSessionsOptions{Email: "jane@doe.com"})
	require.ErrorIs(t, err, fullstory.ErrNotFound, "a failed call")
	_, err = c.Sessions.List(ctx, &fullstory.ListSessionsOptions{Email: "jane@doe.com"}, fullstory.WithLogger(nil))
	require.ErrorIs(t, err, fullstory.ErrNotFound, "a failed call with a nil logger")

	refused := wireClientAt(t, closedListenerURL(t), fullstory.WithMaxRetries(1))
	_, err = refused.Sessions.List(ctx, &fullstory.ListSessionsOptions{Email: "jane@doe.com"})
	require.Error(t, err, "a transport failure")

	assert.Empty(t, logs.records(), "the client logged without WithLogger")
}
