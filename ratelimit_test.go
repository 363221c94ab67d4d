package fullstory_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

// A 429 with a long Retry-After (over 2s: the account is over its limit for
// a while) pauses every request of the Client, so concurrent callers wait
// instead of each finding the limit: the server, which answers 429 to
// anything that arrives during its pause, sees exactly one 429. A short one
// holds back only its own call (TestAShortRetryAfterDoesNotFreezeTheClient).
func TestALongRetryAfterPausesTheWholeClient(t *testing.T) {
	t.Parallel()
	var (
		mu        sync.Mutex
		limitedTo time.Time
		n429, n   atomic.Int64
	)
	srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		mu.Lock()
		defer mu.Unlock()
		now := time.Now()
		if n429.Load() == 0 || now.Before(limitedTo) {
			n429.Add(1)
			limitedTo = now.Add(3 * time.Second)
			w.Header().Set("Retry-After", "3")
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprint(w, `{"code":"too_many_requests","message":"slow down"}`)
			return
		}
		fmt.Fprint(w, `{"sessions":[]}`)
	})
	logs := newLogRecorder()
	c, err := fullstory.NewClient("KEY", fullstory.WithBaseURL(srv.URL), fullstory.WithRetryWait(time.Millisecond, 2*time.Millisecond),
		fullstory.WithLogger(logs.logger()))
	require.NoError(t, err)
	ctx := boundedContext(t, 10*time.Second)

	list := func() error {
		_, err := c.Sessions.List(ctx, &fullstory.ListSessionsOptions{UID: "u"})
		return err
	}
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	wg.Add(1)
	go func() { defer wg.Done(); errs <- list() }()
	// The attempt's Debug record is written after the Gate has taken the
	// pause, so from here on every attempt of the Client waits.
	select {
	case <-logs.seen(isAttemptRecord(http.StatusTooManyRequests)):
	case <-ctx.Done():
		t.Fatal("the first call never logged its 429")
	}
	for range 5 {
		wg.Add(1)
		go func() { defer wg.Done(); errs <- list() }()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.EqualValues(t, 1, n429.Load(), "requests of the same Client ran into the limit again")
	assert.EqualValues(t, 7, n.Load())
}

// WithRateLimit keeps a burst of concurrent calls under a server's token
// bucket that would otherwise answer many of them 429.
func TestWithRateLimitPacesEveryCall(t *testing.T) {
	const serverRate, burst = 25.0, 5
	var (
		mu       sync.Mutex
		tokens   = float64(burst)
		last     = time.Now()
		n429, ok atomic.Int64
	)
	srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		now := time.Now()
		tokens = min(burst, tokens+now.Sub(last).Seconds()*serverRate)
		last = now
		allowed := tokens >= 1
		if allowed {
			tokens--
		}
		mu.Unlock()
		if !allowed {
			n429.Add(1)
			w.WriteHeader(http.StatusTooManyRequests) // no Retry-After: backoff only
			fmt.Fprint(w, `{"code":"too_many_requests","message":"slow down"}`)
			return
		}
		ok.Add(1)
		fmt.Fprint(w, `{"summary":"ok"}`)
	})

	c, err := fullstory.NewClient("KEY", fullstory.WithBaseURL(srv.URL), fullstory.WithRateLimit(20, 1),
		fullstory.WithRetryWait(time.Millisecond, 2*time.Millisecond))
	require.NoError(t, err)
	ids := make([]fullstory.SessionID, 30)
	for i := range ids {
		ids[i] = fullstory.NewSessionID("u", fmt.Sprint(i))
	}
	ctx := boundedContext(t, 10*time.Second)
	for _, res := range c.Sessions.SummarizeEach(ctx, ids, nil, fullstory.WithConcurrency(30)) {
		require.NoError(t, res.Err)
	}
	assert.EqualValues(t, 30, ok.Load())
	assert.Zero(t, n429.Load(), "the client-side limit let requests through faster than it should")

	_, err = c.Sessions.List(ctx, &fullstory.ListSessionsOptions{UID: "u"}, fullstory.WithRateLimit(1, 1))
	assert.ErrorIs(t, err, fullstory.ErrInvalidArgument, "WithRateLimit is a Client option")
}

// N concurrent callers reuse about N connections, however many calls they
// make. (The default transport keeps two idle connections per host, so it
// closes and opens connections all the time.) The bound is 2N, not N:
// net/http hands a connection freed during a dial to the request waiting for
// that dial, and keeps the dialled one idle, so a few more than N may open
// while the pool fills; plain net/http with cancellable contexts does the
// same. Once the pool holds N, none opens again.
func TestConcurrentCallersReuseConnections(t *testing.T) {
	const callers, calls = 16, 40
	srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"sessions":[]}`)
	})
	newConns := &srv.conns
	c, err := fullstory.NewClient("KEY", fullstory.WithBaseURL(srv.URL))
	require.NoError(t, err)

	ctx := boundedContext(t, 10*time.Second)
	var wg sync.WaitGroup
	wg.Add(callers)
	for range callers {
		go func() {
			defer wg.Done()
			for range calls {
				_, err := c.Sessions.List(ctx, &fullstory.ListSessionsOptions{Email: "a@b.c"})
				assert.NoError(t, err)
			}
		}()
	}
	wg.Wait()
	t.Logf("%d callers x %d calls opened %d connections", callers, calls, newConns.Load())
	assert.LessOrEqual(t, newConns.Load(), int64(2*callers), "connections were opened and dropped instead of reused")
}

// A 429 whose Retry-After outlasts the caller's deadline is returned at
// once; the pause it starts is still taken by the Client, so the next call
// under a deadline that ends during the pause sends nothing and returns at
// once, as rate limited, instead of waiting out its context.
func TestPauseBeyondTheDeadlineReturnsAtOnce(t *testing.T) {
	ws := newTestServer(t, wireReplies(
		wireReply{Status: http.StatusTooManyRequests, Body: `{"code":"too_many_requests","message":"slow down"}`, Header: map[string]string{"Retry-After": "30"}},
		wireJSON(http.StatusOK, `{"sessions":[]}`),
	))
	c := wireClient(t, ws, fullstory.WithMaxRetryAfter(time.Minute)) // the 30s pause is taken, not refused

	// The deadlines are far longer than a prompt return and far shorter
	// than the pause: a call that waits for its context fails the test.
	ctx := boundedContext(t, 3*time.Second)
	_, err := c.Sessions.List(ctx, &fullstory.ListSessionsOptions{UID: "u"})
	ae := requireAPIError(t, err)
	assert.Equal(t, http.StatusTooManyRequests, ae.StatusCode)
	assert.Equal(t, 30*time.Second, ae.RetryAfter)
	assert.Equal(t, 1, ae.Attempts)
	assert.NoError(t, ctx.Err(), "the first call waited for its deadline")
	require.Equal(t, 1, ws.hits())

	ctx2 := boundedContext(t, 3*time.Second)
	_, err = c.Sessions.List(ctx2, &fullstory.ListSessionsOptions{UID: "u"})
	require.Error(t, err, "the second call went through the Client's pause")
	assert.NoError(t, ctx2.Err(), "the second call waited for its deadline instead of returning at once")
	assert.Equal(t, 1, ws.hits(), "the second call sent a request during the pause")
	assert.ErrorIs(t, err, fullstory.ErrRateLimited)
	assert.NotErrorIs(t, err, context.DeadlineExceeded)
}
