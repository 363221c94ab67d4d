package fullstory_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

// Hooks (hooks.go): what a tracing or metrics wrapper is told of each call,
// attempt, wait and Activation.

// hookLog records the hooks' calls as lines.
type hookLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *hookLog) add(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *hookLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

type hookCtxKey struct{}

func (l *hookLog) hooks() fullstory.Hooks {
	return fullstory.Hooks{
		CallStart: func(ctx context.Context, call *fullstory.CallInfo) context.Context {
			l.add("call start %s %s %s", call.Operation, call.Method, call.Route)
			return context.WithValue(ctx, hookCtxKey{}, "span")
		},
		CallEnd: func(ctx context.Context, call *fullstory.CallInfo, err error) {
			l.add("call end %s attempts=%d status=%d source=%s err=%v ctx=%v", call.Operation, call.Attempts, call.Status, call.Source, err != nil, ctx.Value(hookCtxKey{}))
		},
		AttemptStart: func(ctx context.Context, a *fullstory.AttemptInfo) context.Context {
			l.add("attempt %d start ctx=%v", a.Attempt, ctx.Value(hookCtxKey{}))
			a.Header.Set("Traceparent", fmt.Sprintf("00-trace-%d-01", a.Attempt))
			a.Header.Set("Authorization", "Basic stolen") // refused: the client's own header
			return ctx
		},
		AttemptEnd: func(_ context.Context, a *fullstory.AttemptInfo) {
			l.add("attempt %d end status=%d retry=%q", a.Attempt, a.Status, a.RetryReason)
		},
		Wait: func(_ context.Context, w *fullstory.WaitInfo) {
			l.add("wait before %d: %s", w.Attempt, w.Reason)
		},
		Activation: func(_ context.Context, call *fullstory.CallInfo, ev fullstory.ActivationEvent) {
			l.add("activation %s %s", call.Operation, ev)
		},
	}
}

func TestHooksSeeEveryCallAttemptWaitAndActivation(t *testing.T) {
	ws := newTestServer(t, wireReplies(
		wireReply{Status: http.StatusTooManyRequests, Body: `{"code":"too_many_requests","message":"slow down"}`, Header: map[string]string{"Retry-After": "0"}},
		wireJSON(http.StatusOK, summaryOK),
	))
	var log hookLog
	c := wireClient(t, ws, fullstory.WithHooks(log.hooks()), fullstory.WithSummaryCache(fullstory.NewMemoryCache(1<<20), time.Hour))
	_, err := summarize(t, c)
	require.NoError(t, err)
	_, err = summarize(t, c) // from the cache
	require.NoError(t, err)
	assert.Equal(t, []string{
		"call start Sessions.Summarize GET /v2/sessions/{session_id}/summary",
		"activation Sessions.Summarize reserved",
		"attempt 1 start ctx=span",
		"activation Sessions.Summarize refunded",
		`attempt 1 end status=429 retry="rate limited (429)"`,
		"wait before 2: rate limited (429)",
		"activation Sessions.Summarize reserved",
		"attempt 2 start ctx=span",
		"activation Sessions.Summarize spent",
		`attempt 2 end status=200 retry=""`,
		"call end Sessions.Summarize attempts=2 status=200 source=api err=false ctx=span",
		"call start Sessions.Summarize GET /v2/sessions/{session_id}/summary",
		"activation Sessions.Summarize cached",
		"call end Sessions.Summarize attempts=0 status=0 source=cache err=false ctx=span",
	}, log.all())

	reqs := ws.requests()
	require.Len(t, reqs, 2)
	for i, r := range reqs {
		assert.Equal(t, fmt.Sprintf("00-trace-%d-01", i+1), r.Header.Get("Traceparent"), "attempt %d", i+1)
		assert.Equal(t, "Basic "+wireAPIKey, r.Header.Get("Authorization"), "a hook replaced the client's own header")
	}
}

// What hooks are given holds no secret: no key, no query (email, uid), and
// errors already redacted.
func TestHooksSeeNoSecrets(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireError(http.StatusNotFound, "user_not_found", "no user "+secretEmail+" for key "+secretKey)))
	var mu sync.Mutex
	var seen []string
	note := func(v ...any) { mu.Lock(); seen = append(seen, fmt.Sprint(v...)); mu.Unlock() }
	c := newTestClient(t, secretKey, ws.URL, fullstory.WithHooks(fullstory.Hooks{
		CallStart:    func(ctx context.Context, call *fullstory.CallInfo) context.Context { note(*call); return ctx },
		CallEnd:      func(_ context.Context, call *fullstory.CallInfo, err error) { note(*call, err) },
		AttemptStart: func(ctx context.Context, a *fullstory.AttemptInfo) context.Context { note(a.Header); return ctx },
		AttemptEnd:   func(_ context.Context, a *fullstory.AttemptInfo) { note(a.Status, a.Err, a.RetryReason) },
	}))
	_, err := c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{Email: secretEmail, UID: secretUID})
	require.ErrorIs(t, err, fullstory.ErrNotFound)
	mu.Lock()
	defer mu.Unlock()
	require.NotEmpty(t, seen)
	for _, s := range seen {
		for _, secret := range []string{secretKey, secretEmail, secretUID, "pii%40example.com"} {
			assert.NotContains(t, s, secret)
		}
	}
	assert.True(t, strings.Contains(strings.Join(seen, "\n"), "/sessions/v2"), "the hooks saw the call")
}

// RateChange is told when the Client starts to pace itself after a 429.
func TestHooksSeeRateChanges(t *testing.T) {
	ws := newTestServer(t, wireReplies(
		wireJSON(http.StatusOK, `{"sessions":[]}`),
		wireReply{Status: http.StatusTooManyRequests, Body: `{"code":"too_many_requests","message":"slow down"}`, Header: map[string]string{"Retry-After": "0"}},
		wireJSON(http.StatusOK, `{"sessions":[]}`),
	))
	var mu sync.Mutex
	var changes [][2]float64
	c := wireClient(t, ws, fullstory.WithHooks(fullstory.Hooks{RateChange: func(old, new float64) {
		mu.Lock()
		changes = append(changes, [2]float64{old, new})
		mu.Unlock()
	}}))
	for range 2 {
		_, err := c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{UID: "u"})
		require.NoError(t, err)
	}
	mu.Lock()
	defer mu.Unlock()
	require.NotEmpty(t, changes, "the first 429 sets a rate")
	assert.Zero(t, changes[0][0], "from unpaced")
	assert.Positive(t, changes[0][1])
	assert.Positive(t, c.RateStats().Rate)
}

// Every WithHooks' RateChange hears the learned rate, in order.
func TestEveryHooksRateChangeIsTold(t *testing.T) {
	ws := newTestServer(t, wireReplies(
		wireJSON(http.StatusOK, `{"sessions":[]}`),
		wireReply{Status: http.StatusTooManyRequests, Body: `{"code":"too_many_requests","message":"slow down"}`, Header: map[string]string{"Retry-After": "0"}},
		wireJSON(http.StatusOK, `{"sessions":[]}`),
	))
	type change struct {
		hook     string
		old, new float64
	}
	var (
		mu      sync.Mutex
		changes []change
	)
	hook := func(name string) fullstory.Option {
		return fullstory.WithHooks(fullstory.Hooks{RateChange: func(old, new float64) {
			mu.Lock()
			changes = append(changes, change{name, old, new})
			mu.Unlock()
		}})
	}
	c := wireClient(t, ws, hook("first"), hook("second"))
	for range 2 {
		_, err := c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{UID: "u"})
		require.NoError(t, err)
	}
	rate := c.RateStats().Rate
	require.Positive(t, rate)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []change{{"first", 0, rate}, {"second", 0, rate}}, changes)
}

// An attempt has a RetryReason only when a retry follows it: not when no
// retries are left.
func TestHooksRetryReasonOnlyWhenARetryFollows(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireReply{Status: http.StatusTooManyRequests, Body: `{"code":"too_many_requests","message":"slow down"}`, Header: map[string]string{"Retry-After": "0"}}))
	var log hookLog
	c := wireClient(t, ws, fullstory.WithHooks(log.hooks()), fullstory.WithMaxRetries(1))
	_, err := c.Profiles.Get(t.Context(), "p1")
	require.ErrorIs(t, err, fullstory.ErrRateLimited)
	var ends []string
	for _, l := range log.all() {
		if strings.Contains(l, " end status=") {
			ends = append(ends, l)
		}
	}
	assert.Equal(t, []string{`attempt 1 end status=429 retry="rate limited (429)"`, `attempt 2 end status=429 retry=""`}, ends)
}

// A call that shared another's request sent nothing itself: its CallEnd
// says 0 attempts and SummaryFromShared, whatever the shared request got.
func TestHooksOfASharedCall(t *testing.T) {
	hs := newHeldServer(t, wireStatusError(http.StatusNotFound))
	var log hookLog
	c := wireClient(t, hs.wireServer, fullstory.WithHooks(log.hooks()))
	ctx := boundedContext(t, 10*time.Second)
	a, b := goSummarize(ctx, c), goSummarize(ctx, c)
	awaitWaiters(t, c, 2)
	hs.open()
	require.Error(t, (<-a).err)
	require.Error(t, (<-b).err)
	var ends []string
	for _, l := range log.all() {
		if strings.HasPrefix(l, "call end") {
			ends = append(ends, l)
		}
	}
	assert.ElementsMatch(t, []string{
		"call end Sessions.Summarize attempts=1 status=404 source=api err=true ctx=span",
		"call end Sessions.Summarize attempts=0 status=404 source=shared err=true ctx=span",
	}, ends)
}
