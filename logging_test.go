package fullstory_test

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

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
			assertNoSecrets(t, r.String(), "a log record", secrets...)
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
