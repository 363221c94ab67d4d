package fullstorytest_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest"
)

func TestRateLimit(t *testing.T) {
	// A token every 1000 seconds: the burst is all the test gets.
	srv := newServer(t, fullstorytest.WithThrottle(0.001, 2))
	c := srv.Client()
	ctx := t.Context()
	for range 2 {
		_, err := c.Profiles.List(ctx, nil)
		require.NoError(t, err)
	}
	_, err := c.Profiles.List(ctx, nil)
	ae := apiError(t, err)
	assert.Equal(t, http.StatusTooManyRequests, ae.StatusCode)
	assert.Equal(t, "too_many_requests", ae.Code)
	assert.Equal(t, "1000", ae.Header.Get("Retry-After"))
	assert.Equal(t, 1000*time.Second, ae.RetryAfter)
	assert.Equal(t, 1, ae.Attempts, "longer than the client's MaxRetryAfter: not waited for")
	assert.ErrorIs(t, err, fullstory.ErrRateLimited)

	// Every request counts, whatever its endpoint, and is recorded.
	resp := raw(t, srv, "GET", "/sessions/v2?uid=jane-doe", "")
	assert.Equal(t, http.StatusTooManyRequests, resp.Status)
	assert.Len(t, srv.Requests(), 4)
}

func TestRateLimitRetryAfterAtLeastOneSecond(t *testing.T) {
	srv := newServer(t, fullstorytest.WithThrottle(50, 1))
	c := srv.Client(fullstory.WithMaxRetryAfter(0))
	ctx := t.Context()
	_, err := c.Profiles.List(ctx, nil)
	require.NoError(t, err)
	// The next token is at most 20ms away, but Retry-After is whole seconds.
	var limited *fullstory.APIError
	for range 10 {
		if _, err := c.Profiles.List(ctx, nil); err != nil {
			limited = apiError(t, err)
			break
		}
	}
	require.NotNil(t, limited, "ten requests in a row exceed 50 per second")
	assert.Equal(t, "1", limited.Header.Get("Retry-After"))
}

func TestRateLimitOff(t *testing.T) {
	srv := newServer(t, fullstorytest.WithThrottle(0, 1))
	c := srv.Client()
	for range 20 {
		_, err := c.Profiles.List(t.Context(), nil)
		require.NoError(t, err)
	}
}

// SetThrottle changes the limit of a running server, and turns it off and
// on again.
func TestSetThrottle(t *testing.T) {
	srv := newServer(t, fullstorytest.WithThrottle(0.001, 1))
	c := srv.Client(fullstory.WithMaxRetries(0))
	ctx := t.Context()
	_, err := c.Profiles.List(ctx, nil)
	require.NoError(t, err)
	_, err = c.Profiles.List(ctx, nil)
	assert.ErrorIs(t, err, fullstory.ErrRateLimited)

	srv.SetThrottle(0, 0)
	for range 5 {
		_, err = c.Profiles.List(ctx, nil)
		require.NoError(t, err, "the limit is off")
	}
	srv.SetThrottle(0.001, 2)
	for range 2 {
		_, err = c.Profiles.List(ctx, nil)
		require.NoError(t, err, "on again with a full bucket")
	}
	_, err = c.Profiles.List(ctx, nil)
	ae := apiError(t, err)
	assert.Equal(t, "1000", ae.Header.Get("Retry-After"))

	srv.SetThrottle(0.01, 2) // keeps the empty bucket: a token in 100s
	_, err = c.Profiles.List(ctx, nil)
	assert.Equal(t, "100", apiError(t, err).Header.Get("Retry-After"))
}

// WithThrottleRetryAfterDate sends Retry-After as the HTTP date when a token
// is back, rounded up to the whole second.
func TestThrottleRetryAfterDate(t *testing.T) {
	srv := newServer(t, fullstorytest.WithThrottle(0.01, 1), fullstorytest.WithThrottleRetryAfterDate())
	c := srv.Client(fullstory.WithMaxRetries(0))
	_, err := c.Profiles.List(t.Context(), nil)
	require.NoError(t, err)
	before := time.Now()
	_, err = c.Profiles.List(t.Context(), nil)
	after := time.Now()
	ae := apiError(t, err)
	at, perr := http.ParseTime(ae.Header.Get("Retry-After"))
	require.NoError(t, perr, "an HTTP date: %q", ae.Header.Get("Retry-After"))
	assert.False(t, at.Before(before.Add(99*time.Second)), "a token is back about 100s later")
	assert.False(t, at.After(after.Add(101*time.Second)), "rounded up by less than a second")
	assert.Zero(t, at.Nanosecond())
	assert.InDelta(t, 100, ae.RetryAfter.Seconds(), 1.5, "the client reads the date")
}
