package fullstory_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	fullstory "github.com/summarykit/fullstory-go"
)

// countingLimiter counts its waits and refuses with err when set.
type countingLimiter struct {
	n   atomic.Int64
	err error
}

func (l *countingLimiter) Wait(context.Context) error {
	l.n.Add(1)
	return l.err
}

// WithLimiter's limiter is waited for before every attempt, retries too.
func TestWithLimiterIsWaitedForEveryAttempt(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireStatusError(http.StatusServiceUnavailable), wireJSON(http.StatusOK, `{"sessions":[]}`)))
	lim := &countingLimiter{}
	c := wireClient(t, ws, fullstory.WithLimiter(lim))
	_, err := c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{UID: "u"})
	require.NoError(t, err)
	assert.EqualValues(t, 2, lim.n.Load())
	assert.Equal(t, 2, ws.hits())
}

// A *rate.Limiter is a Limiter as it is.
func TestWithLimiterTakesARateLimiter(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, `{"sessions":[]}`)))
	lim := rate.NewLimiter(rate.Every(time.Hour), 1) // one token, then one an hour
	c := wireClient(t, ws, fullstory.WithLimiter(lim))
	_, err := c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{UID: "u"})
	require.NoError(t, err)
	assert.Less(t, lim.Tokens(), 0.5, "the call did not take the limiter's token")

	// The next has no token before its deadline: held back, nothing sent.
	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	_, err = c.Sessions.List(ctx, &fullstory.ListSessionsOptions{UID: "u"})
	ae := requireAPIError(t, err)
	assert.Equal(t, http.StatusTooManyRequests, ae.StatusCode)
	assert.Zero(t, ae.Attempts)
	assert.Equal(t, 1, ws.hits())
}

// A limiter that fails sends nothing, and the call returns its error.
func TestWithLimiterErrorSendsNothing(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, `{"sessions":[]}`)))
	boom := errors.New("redis: connection refused")
	c := wireClient(t, ws, fullstory.WithLimiter(&countingLimiter{err: boom}))
	_, err := c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{UID: "u"})
	require.ErrorIs(t, err, boom)
	assert.Zero(t, ws.hits())
}

func TestWithLimiterIsAClientOption(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, `{"sessions":[]}`)))
	c := wireClient(t, ws)
	_, err := c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{UID: "u"}, fullstory.WithLimiter(&countingLimiter{}))
	requireInvalidArgument(t, err)
	assert.Zero(t, ws.hits())
}

// RateStats counts 429s and retries; the rate stays 0 while nothing was
// learned.
func TestRateStats(t *testing.T) {
	ws := newTestServer(t, wireReplies(
		wireReply{Status: http.StatusTooManyRequests, Body: `{"code":"too_many_requests","message":"slow down"}`, Header: map[string]string{"Retry-After": "0"}},
		wireStatusError(http.StatusBadGateway),
		wireJSON(http.StatusOK, `{"sessions":[]}`),
	))
	c := wireClient(t, ws)
	assert.Equal(t, fullstory.RateStats{}, c.RateStats())
	_, err := c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{UID: "u"})
	require.NoError(t, err)
	assert.Equal(t, fullstory.RateStats{Throttled: 1, Retries: 2}, c.RateStats(), "a 429 before any success teaches no rate")
}

// After successes, a 429 sets a learned rate, logged at Debug without
// anything of the request.
func TestALearnedRateIsLoggedAtDebug(t *testing.T) {
	var n atomic.Int64
	ws := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 6 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.Write([]byte(`{"sessions":[]}`))
	})
	logs := newLogRecorder()
	c := wireClient(t, ws, fullstory.WithLogger(logs.logger()))
	for range 6 {
		_, err := c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{Email: "jane@doe.com"})
		require.NoError(t, err)
	}
	st := c.RateStats()
	assert.Positive(t, st.Rate)
	assert.EqualValues(t, 1, st.Throttled)
	var found bool
	for _, r := range logs.at(slog.LevelDebug) {
		if r.Msg != "fullstory: pacing" {
			continue
		}
		found = true
		assert.Equal(t, "first 429", r.Attrs["reason"].String())
		assert.InDelta(t, st.Rate, r.Attrs["rate"].Float64(), 1e-9)
		assert.NotContains(t, r.String(), "jane")
		assert.NotContains(t, r.String(), wireAPIKey)
	}
	assert.True(t, found, "no Debug record of the learned rate")
}

// A short Retry-After (Fullstory's 1s) holds back only the call that got
// it: the rest of the Client goes on, and finishes first.
func TestAShortRetryAfterDoesNotFreezeTheClient(t *testing.T) {
	var n atomic.Int64
	ws := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.Write([]byte(`{"sessions":[]}`))
	})
	logs := newLogRecorder()
	c := wireClient(t, ws, fullstory.WithLogger(logs.logger()))
	ctx := boundedContext(t, 10*time.Second)
	var (
		mu    sync.Mutex
		order []string
		wg    sync.WaitGroup
	)
	call := func(name string) {
		defer wg.Done()
		_, err := c.Sessions.List(ctx, &fullstory.ListSessionsOptions{UID: "u"})
		assert.NoError(t, err)
		mu.Lock()
		order = append(order, name)
		mu.Unlock()
	}
	wg.Add(1)
	go call("throttled")
	<-logs.seen(isAttemptRecord(http.StatusTooManyRequests))
	for range 5 {
		wg.Add(1)
		go call("other")
	}
	wg.Wait()
	assert.Equal(t, []string{"other", "other", "other", "other", "other", "throttled"}, order)
}

// adaptiveLimiter is an AdaptiveLimiter that records what the Client tells
// it and says whether it paces.
type adaptiveLimiter struct {
	pacing  atomic.Bool
	err     error
	waits   atomic.Int64
	mu      sync.Mutex
	answers []fullstory.Answer
}

func (l *adaptiveLimiter) Wait(context.Context) error { l.waits.Add(1); return l.err }
func (l *adaptiveLimiter) Pacing() bool               { return l.pacing.Load() }
func (l *adaptiveLimiter) Observe(a fullstory.Answer) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.answers = append(l.answers, a)
}

func (l *adaptiveLimiter) statuses() []int {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []int
	for _, a := range l.answers {
		out = append(out, a.Status)
	}
	return out
}

// An AdaptiveLimiter that paces is waited for before every attempt and told
// every answer, with its Retry-After and when the attempt was sent.
func TestAdaptiveLimiterPacesAndLearns(t *testing.T) {
	ws := newTestServer(t, wireReplies(
		wireReply{Status: http.StatusTooManyRequests, Body: `{"code":"too_many_requests","message":"slow down"}`, Header: map[string]string{"Retry-After": "0"}},
		wireJSON(http.StatusOK, `{"sessions":[]}`),
	))
	lim := &adaptiveLimiter{}
	lim.pacing.Store(true)
	c := wireClient(t, ws, fullstory.WithLimiter(lim))
	before := time.Now()
	_, err := c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{UID: "u"})
	require.NoError(t, err)
	assert.EqualValues(t, 2, lim.waits.Load())
	assert.Equal(t, []int{429, 200}, lim.statuses())
	lim.mu.Lock()
	assert.False(t, lim.answers[0].Sent.Before(before))
	assert.Zero(t, lim.answers[0].RetryAfter)
	lim.mu.Unlock()
}

// While it does not pace (its store is down), the Client paces itself and
// does not wait for it; a Wait that fails does not fail the call; one that
// says the wait would outlast the deadline holds the call back as a 429.
func TestAdaptiveLimiterFallsBackToTheClientsOwnPacing(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, `{"sessions":[]}`)))
	lim := &adaptiveLimiter{}
	c := wireClient(t, ws, fullstory.WithLimiter(lim))
	_, err := c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{UID: "u"})
	require.NoError(t, err)
	assert.Zero(t, lim.waits.Load(), "waited for a limiter that does not pace")
	assert.Equal(t, []int{200}, lim.statuses(), "it is told the answers all the same")

	lim.pacing.Store(true)
	lim.err = errors.New("redis: i/o timeout")
	_, err = c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{UID: "u"})
	require.NoError(t, err, "a limiter that fails must not fail the call")

	lim.err = fmt.Errorf("%w: the shared pace has no slot before the deadline", fullstory.ErrRateLimited)
	_, err = c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{UID: "u"})
	ae := requireAPIError(t, err)
	assert.Equal(t, http.StatusTooManyRequests, ae.StatusCode)
	assert.Zero(t, ae.Attempts)
	assert.Equal(t, 2, ws.hits())
}

// A limiter given bad arguments says so at first use: the call fails with
// its ErrInvalidArgument, unsent, instead of quietly pacing itself.
func TestAdaptiveLimiterWithBadArgumentsFailsTheCall(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, `{"sessions":[]}`)))
	lim := &adaptiveLimiter{err: &fullstory.ValidationError{Field: "limiter key", Reason: "is empty"}}
	lim.pacing.Store(true)
	c := wireClient(t, ws, fullstory.WithLimiter(lim))
	_, err := c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{UID: "u"})
	requireInvalidArgument(t, err)
	assert.Zero(t, ws.hits())
}
