package fullstory_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

// An HTTP-date Retry-After names a whole second. The retry must not go out
// before it, which rounding the wait to the nearest second would do up to
// half a second early.
func TestRetryAfterDateIsNeverAnticipated(t *testing.T) {
	var (
		mu     sync.Mutex
		named  time.Time
		second time.Time
		n      atomic.Int64
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
	}))
	defer srv.Close()
	c, err := fullstory.NewClient("KEY", fullstory.WithBaseURL(srv.URL))
	require.NoError(t, err)

	_, err = c.Sessions.List(boundedContext(t, 10*time.Second), &fullstory.ListSessionsOptions{UID: "u-1"})
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	require.Equal(t, int64(2), n.Load())
	assert.False(t, second.Before(named), "the retry came %s before the named time", named.Sub(second))
}

// A Retry-After too large for any integer is not "no header": it is beyond
// WithMaxRetryAfter, so the 429 returns at once with RetryAfter set.
func TestRetryAfterTooLargeForAnIntegerReturnsAtOnce(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Retry-After", "99999999999999999999")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	c, err := fullstory.NewClient("KEY", fullstory.WithBaseURL(srv.URL), fullstory.WithRetryWait(time.Millisecond, 2*time.Millisecond))
	require.NoError(t, err)

	_, err = c.Sessions.List(boundedContext(t, 5*time.Second), &fullstory.ListSessionsOptions{UID: "u-1"})
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
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, `{"code":"too_many_requests","message":"slow down"}`)
	}))
	defer srv.Close()
	c, err := fullstory.NewClient("KEY", fullstory.WithBaseURL(srv.URL))
	require.NoError(t, err)

	_, err = c.Sessions.List(boundedContext(t, 5*time.Second), &fullstory.ListSessionsOptions{UID: "u-1"}, fullstory.WithMaxRetries(0))
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
