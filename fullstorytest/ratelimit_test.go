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
