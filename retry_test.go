package fullstory_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

// wireRetryStatuses are the statuses the retry matrix answers with.
var wireRetryStatuses = []int{
	http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound,
	http.StatusConflict, http.StatusUnprocessableEntity, http.StatusTooManyRequests,
	http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout,
}

func TestRetryMatrixWhenEveryAttemptFails(t *testing.T) {
	const maxRetries = 2
	for _, op := range testOps() {
		for _, status := range wireRetryStatuses {
			t.Run(fmt.Sprintf("%s/%d", op.name, status), func(t *testing.T) {
				t.Parallel()
				ws := newTestServer(t, wireReplies(wireStatusError(status)))
				c := wireClient(t, ws, fullstory.WithMaxRetries(maxRetries))

				err := op.call(boundedContext(t, 5*time.Second), c)
				want := op.attempts(maxRetries, retried(op.class, status))
				ae := requireAPIError(t, err)
				assert.Equal(t, status, ae.StatusCode)
				assert.Equal(t, want, ae.Attempts)
				assert.Equal(t, want, ws.hits())
				assert.NotEmpty(t, ae.Code)
				wireNoGivingUp(t, err)
			})
		}
	}
}

func TestRetryMatrixRecovers(t *testing.T) {
	for _, op := range testOps() {
		for _, status := range wireRetryStatuses {
			if !retried(op.class, status) || op.zeroRetries {
				continue // recovering takes two retries
			}
			t.Run(fmt.Sprintf("%s/%d", op.name, status), func(t *testing.T) {
				t.Parallel()
				ws := newTestServer(t, wireReplies(wireStatusError(status), wireStatusError(status), wireJSON(http.StatusOK, op.okBody)))
				c := wireClient(t, ws)

				require.NoError(t, op.call(boundedContext(t, 5*time.Second), c))
				reqs := ws.requests()
				require.Len(t, reqs, 3)
				for i, r := range reqs[1:] {
					assert.Equal(t, reqs[0].Method, r.Method, "attempt %d", i+2)
					assert.Equal(t, reqs[0].RequestURI, r.RequestURI, "attempt %d", i+2)
					assert.Equal(t, reqs[0].Body, r.Body, "attempt %d sent other body bytes", i+2)
					assert.Equal(t, reqs[0].Header.Get("Idempotency-Key"), r.Header.Get("Idempotency-Key"), "attempt %d", i+2)
					assert.Equal(t, reqs[0].Header.Get("Content-Type"), r.Header.Get("Content-Type"), "attempt %d", i+2)
				}
			})
		}
	}
}

func TestRetryOnConnectionRefused(t *testing.T) {
	for _, op := range testOps() {
		t.Run(op.name, func(t *testing.T) {
			t.Parallel()
			ac := newAttemptCounter(t)
			c := wireClientAt(t, closedListenerURL(t), fullstory.WithHTTPClient(ac.client()), fullstory.WithMaxRetries(2))

			err := op.call(boundedContext(t, 5*time.Second), c)
			require.Error(t, err)
			_, isAPI := errorsAsAPI(err)
			assert.False(t, isAPI)
			assert.Equal(t, op.attempts(2, retried(op.class, failRefused)), ac.attempts(), "a refused connection sent nothing, so every class retries it")
			wireNoGivingUp(t, err)
		})
	}
}

func TestRetryOnPerAttemptTimeout(t *testing.T) {
	for _, op := range testOps() {
		t.Run(op.name, func(t *testing.T) {
			t.Parallel()
			ws := newBlockingServer(t)
			ac := newAttemptCounter(t)
			c := wireClient(t, ws, fullstory.WithHTTPClient(ac.client()), fullstory.WithMaxRetries(2), fullstory.WithTimeout(50*time.Millisecond))

			err := op.call(boundedContext(t, 5*time.Second), c)
			require.Error(t, err)
			// A summary may have spent an Activation; a write may have happened.
			want := op.attempts(2, retried(op.class, failTimeout))
			assert.Equal(t, want, ac.attempts())
			assert.LessOrEqual(t, ws.hits(), want)
			assert.ErrorIs(t, err, context.DeadlineExceeded)
			_, isAPI := errorsAsAPI(err)
			assert.False(t, isAPI)
			wireNoGivingUp(t, err)
		})
	}
}

func TestRetryAfterSecondsIsHonoured(t *testing.T) {
	t.Parallel()
	ws := newTestServer(t, wireReplies(
		wireReply{Status: http.StatusTooManyRequests, Body: `{"code":"too_many_requests","message":"rate limit exceeded"}`, Header: map[string]string{"Retry-After": "1"}},
		wireJSON(http.StatusOK, `{"summary":"done"}`),
	))
	logs := newLogRecorder()
	c := wireClient(t, ws, fullstory.WithLogger(logs.logger())) // backoff alone would wait at most 2ms

	sum, err := c.Sessions.Summarize(boundedContext(t, 5*time.Second), quickStartSessionID, nil)
	require.NoError(t, err)
	assert.Equal(t, "done", sum.Text)
	assert.Equal(t, 2, ws.hits())
	retries := logs.at(slog.LevelInfo)
	require.Len(t, retries, 1, "%v", logs.records())
	assert.Equal(t, time.Second, logDuration(t, retries[0], "wait"), "Retry-After: 1 was not what the client waited for")
	assert.Len(t, logs.at(slog.LevelDebug), 2)
}

func TestRetryAfterOn503IsHonoured(t *testing.T) {
	ws := newTestServer(t, wireReplies(
		wireReply{Status: http.StatusServiceUnavailable, Body: `{"code":"unavailable","message":"warming up"}`, Header: map[string]string{"Retry-After": "0"}},
		wireJSON(http.StatusOK, `{"events":[]}`),
	))
	c := wireClient(t, ws)

	_, err := c.Sessions.Events(boundedContext(t, 5*time.Second), quickStartSessionID)
	require.NoError(t, err)
	assert.Equal(t, 2, ws.hits())
}

func TestRetryAfterAsAnHTTPDate(t *testing.T) {
	t.Run("in the past: retry now", func(t *testing.T) {
		ws := newTestServer(t, wireReplies(
			wireReply{Status: http.StatusTooManyRequests, Body: `{"code":"too_many_requests","message":"rate limit exceeded"}`, Header: map[string]string{"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}},
			wireJSON(http.StatusOK, `{"id":"p1"}`),
		))
		c := wireClient(t, ws)

		id, err := c.Profiles.Create(boundedContext(t, 5*time.Second), supportAssistant())
		require.NoError(t, err)
		assert.Equal(t, fullstory.ProfileID("p1"), id)
		assert.Equal(t, 2, ws.hits())
	})

	t.Run("beyond the cap: return at once", func(t *testing.T) {
		later := time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)
		ws := newTestServer(t, wireReplies(
			wireReply{Status: http.StatusTooManyRequests, Body: `{"code":"too_many_requests","message":"rate limit exceeded"}`, Header: map[string]string{"Retry-After": later}},
			wireJSON(http.StatusOK, `{"profiles":[]}`),
		))
		c := wireClient(t, ws) // the default cap is 60s

		_, err := c.Profiles.List(boundedContext(t, 5*time.Second), nil)
		ae := requireAPIError(t, err)
		assert.Equal(t, 1, ae.Attempts)
		assert.Equal(t, 1, ws.hits())
		assert.Greater(t, ae.RetryAfter, 58*time.Minute)
		assert.LessOrEqual(t, ae.RetryAfter, time.Hour+time.Second)
	})
}

func TestRetryAfterAboveTheCapReturnsAtOnce(t *testing.T) {
	for _, op := range testOps() {
		t.Run(op.name, func(t *testing.T) {
			t.Parallel()
			ws := newTestServer(t, wireReplies(
				wireReply{Status: http.StatusTooManyRequests, Body: `{"code":"too_many_requests","message":"rate limit exceeded"}`, Header: map[string]string{"Retry-After": "2"}},
				wireJSON(http.StatusOK, op.okBody),
			))
			c := wireClient(t, ws, fullstory.WithMaxRetryAfter(time.Second))

			err := op.call(boundedContext(t, 5*time.Second), c)
			ae := requireAPIError(t, err)
			assert.Equal(t, http.StatusTooManyRequests, ae.StatusCode)
			assert.Equal(t, 2*time.Second, ae.RetryAfter)
			assert.Equal(t, 1, ae.Attempts)
			assert.Equal(t, 1, ws.hits())
			assert.ErrorIs(t, err, fullstory.ErrRateLimited)
			wireNoGivingUp(t, err)
		})
	}
}

func TestCancelDuringBackoffReturnsTheLastResponse(t *testing.T) {
	// The deadline is after the Retry-After, so the client starts to wait.
	ws := newTestServer(t, wireReplies(
		wireReply{Status: http.StatusServiceUnavailable, Body: `{"code":"unavailable","message":"try later"}`, Header: map[string]string{"Retry-After": "5"}},
		wireJSON(http.StatusOK, `{"summary":"too late"}`),
	))
	ctx, cancel := context.WithCancel(boundedContext(t, 10*time.Second))
	defer cancel()
	logs := newLogRecorder().cancelOnRetry(cancel)
	c := wireClient(t, ws, fullstory.WithLogger(logs.logger()))

	sum, err := c.Sessions.Summarize(ctx, quickStartSessionID, &fullstory.SummarizeRequest{Profile: "p1"})
	require.Error(t, err)
	assert.Nil(t, sum)
	assert.Equal(t, 1, logs.retries(), "the client did not announce a retry")
	assert.ErrorIs(t, err, context.Canceled)
	ae := requireAPIError(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, ae.StatusCode)
	assert.Equal(t, "try later", ae.Message)
	assert.Equal(t, 1, ae.Attempts)
	assert.Equal(t, 1, ws.hits())
	wireNoGivingUp(t, err)
}

func TestDeadlineShorterThanTheNextWait(t *testing.T) {
	for name, tc := range map[string]struct {
		reply wireReply
		opts  []fullstory.Option
	}{
		"Retry-After": {
			reply: wireReply{Status: http.StatusServiceUnavailable, Body: `{"code":"unavailable","message":"try later"}`, Header: map[string]string{"Retry-After": "30"}},
		},
		"backoff": {
			reply: wireStatusError(http.StatusBadGateway),
			opts:  []fullstory.Option{fullstory.WithRetryWait(time.Minute, time.Minute)},
		},
	} {
		t.Run(name, func(t *testing.T) {
			ws := newTestServer(t, wireReplies(tc.reply, wireJSON(http.StatusOK, `{"events":[]}`)))
			c := wireClient(t, ws, tc.opts...)
			ctx := boundedContext(t, 10*time.Second)

			_, err := c.Sessions.Events(ctx, quickStartSessionID)
			ae := requireAPIError(t, err)
			assert.Equal(t, tc.reply.Status, ae.StatusCode)
			assert.Equal(t, 1, ae.Attempts)
			assert.Equal(t, 1, ws.hits())
			assert.NoError(t, ctx.Err(), "the call waited for the deadline")
			assert.NotErrorIs(t, err, context.DeadlineExceeded)
		})
	}
}

func TestMaxRetriesZeroMeansOneAttempt(t *testing.T) {
	for _, op := range testOps() {
		t.Run(op.name, func(t *testing.T) {
			t.Parallel()
			ws := newTestServer(t, wireReplies(wireStatusError(http.StatusTooManyRequests), wireJSON(http.StatusOK, op.okBody)))
			c := wireClient(t, ws, fullstory.WithMaxRetries(0))

			ae := requireAPIError(t, op.call(boundedContext(t, 5*time.Second), c))
			assert.Equal(t, 1, ae.Attempts)
			assert.Equal(t, 1, ws.hits())
		})
	}

	t.Run("per call", func(t *testing.T) {
		ws := newTestServer(t, wireReplies(wireStatusError(http.StatusInternalServerError)))
		c := wireClient(t, ws, fullstory.WithMaxRetries(5))

		_, err := c.Profiles.Get(boundedContext(t, 5*time.Second), "p1", fullstory.WithMaxRetries(0))
		ae := requireAPIError(t, err)
		assert.Equal(t, 1, ae.Attempts)
		assert.Equal(t, 1, ws.hits())
	})
}

func TestFinalFailureAfterTheDefaultRetries(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireStatusError(http.StatusServiceUnavailable)))
	c := wireClient(t, ws) // default: 3 retries

	_, err := c.Profiles.List(boundedContext(t, 5*time.Second), nil)
	ae := requireAPIError(t, err)
	assert.Equal(t, 4, ae.Attempts)
	assert.Equal(t, 4, ws.hits())
	assert.ErrorIs(t, err, fullstory.ErrServer)
	assert.Contains(t, err.Error(), "4 attempts")
	wireNoGivingUp(t, err)
}

// An HTTP-date Retry-After names a whole second. The retry must not go out
// before it, which rounding the wait to the nearest second would do up to
// half a second early.
func TestRetryAfterDateIsNeverAnticipated(t *testing.T) {
	t.Parallel()
	var (
		mu     sync.Mutex
		named  time.Time
		second time.Time
		n      atomic.Int64
	)
	ws := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			mu.Lock()
			// The next whole second after now+0.5s: at least half a second
			// away, often one and a half.
			named = time.Now().Add(500 * time.Millisecond).Truncate(time.Second).Add(time.Second)
			w.Header().Set("Retry-After", named.UTC().Format(http.TimeFormat))
			mu.Unlock()
			w.WriteHeader(http.StatusTooManyRequests)
			io.WriteString(w, `{"code":"too_many_requests","message":"slow down"}`)
			return
		}
		mu.Lock()
		second = time.Now()
		mu.Unlock()
		io.WriteString(w, `{"sessions":[]}`)
	})
	c := wireClient(t, ws)

	_, err := c.Sessions.List(boundedContext(t, 10*time.Second), &fullstory.ListSessionsOptions{UID: "u-1"})
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	require.Equal(t, int64(2), n.Load())
	assert.False(t, second.Before(named), "the retry came %s before the named time", named.Sub(second))
}

// A Retry-After too large for any integer is not "no header": it is beyond
// WithMaxRetryAfter, so the 429 returns at once with RetryAfter set.
func TestRetryAfterTooLargeForAnIntegerReturnsAtOnce(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	ws := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Retry-After", "99999999999999999999")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	c := wireClient(t, ws)

	_, err := c.Sessions.List(boundedContext(t, 5*time.Second), &fullstory.ListSessionsOptions{UID: "u-1"})
	var apiErr *fullstory.APIError
	require.True(t, errors.As(err, &apiErr), "%v", err)
	assert.Equal(t, http.StatusTooManyRequests, apiErr.StatusCode)
	assert.Equal(t, 1, apiErr.Attempts)
	assert.Greater(t, apiErr.RetryAfter, 24*time.Hour)
	assert.Equal(t, int64(1), n.Load(), "retried as if there were no Retry-After")
}

// A call held back by the Client's pause after another call's 429, whose
// deadline comes before the pause ends, gets the same typed answer as a 429
// from the server: an *APIError that says when to retry. Nothing is sent.
func TestCallHeldBackByThePauseGetsATyped429(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	ws := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, `{"code":"too_many_requests","message":"slow down"}`)
	})
	c := wireClient(t, ws)

	_, err := c.Sessions.List(boundedContext(t, 5*time.Second), &fullstory.ListSessionsOptions{UID: "u-1"}, fullstory.WithMaxRetries(0))
	require.ErrorIs(t, err, fullstory.ErrRateLimited)

	_, err = c.Sessions.Summarize(boundedContext(t, 200*time.Millisecond), fullstory.NewSessionID("1", "2"), nil)
	require.ErrorIs(t, err, fullstory.ErrRateLimited)
	var apiErr *fullstory.APIError
	require.True(t, errors.As(err, &apiErr), "held back: %v", err)
	assert.Equal(t, http.StatusTooManyRequests, apiErr.StatusCode)
	assert.Equal(t, 0, apiErr.Attempts, "nothing was sent")
	assert.Greater(t, apiErr.RetryAfter, 20*time.Second)
	assert.LessOrEqual(t, apiErr.RetryAfter, 30*time.Second)
	assert.Contains(t, apiErr.Error(), "not sent")
	assert.Equal(t, int64(1), n.Load(), "the held call reached the server")
}
