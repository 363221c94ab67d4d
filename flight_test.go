package fullstory_test

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

// Shared calls (flight.go): identical summaries in flight at once share one
// request; each caller keeps its own context and gets its own answer.

// heldServer answers every request with reply once release is closed, and
// tells on cancelled when a request's context ended while it was held.
type heldServer struct {
	*wireServer
	release   chan struct{}
	cancelled chan struct{}
	once      sync.Once
}

func newHeldServer(t *testing.T, reply wireReply) *heldServer {
	hs := &heldServer{release: make(chan struct{}), cancelled: make(chan struct{}, 16)}
	hs.wireServer = newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hs.release:
			wireReplies(reply)(w, r)
		case <-r.Context().Done():
			hs.cancelled <- struct{}{}
		}
	})
	t.Cleanup(hs.open)
	return hs
}

func (hs *heldServer) open() { hs.once.Do(func() { close(hs.release) }) }

// awaitWaiters waits until n callers wait for c's shared calls.
func awaitWaiters(t *testing.T, c *fullstory.Client, n int) {
	t.Helper()
	require.Eventually(t, func() bool { return fullstory.FlightWaiters(c) == n }, 5*time.Second, time.Millisecond, "callers waiting for the shared call")
}

type summaryCall struct {
	sum *fullstory.Summary
	err error
}

// goSummarize starts a summary of the test session on ctx.
func goSummarize(ctx context.Context, c *fullstory.Client, opts ...fullstory.Option) <-chan summaryCall {
	done := make(chan summaryCall, 1)
	go func() {
		sum, err := c.Sessions.Summarize(ctx, testSession, &fullstory.SummarizeRequest{Profile: "p1"}, opts...)
		done <- summaryCall{sum, err}
	}()
	return done
}

func TestIdenticalSummariesShareOneRequest(t *testing.T) {
	hs := newHeldServer(t, wireJSON(http.StatusOK, summaryOK))
	c := wireClient(t, hs.wireServer)
	ctx := boundedContext(t, 10*time.Second)
	var calls []<-chan summaryCall
	for range 5 {
		calls = append(calls, goSummarize(ctx, c))
	}
	awaitWaiters(t, c, 5)
	hs.open()

	sources := map[fullstory.SummarySource]int{}
	seen := map[*fullstory.Summary]bool{}
	for _, call := range calls {
		got := <-call
		require.NoError(t, got.err)
		assert.Equal(t, "The user added a blue mug to the cart and paid.", got.sum.Text)
		assert.False(t, seen[got.sum], "two callers got the same *Summary")
		seen[got.sum] = true
		sources[got.sum.Source]++
	}
	assert.Equal(t, map[fullstory.SummarySource]int{fullstory.SummaryFromAPI: 1, fullstory.SummaryFromShared: 4}, sources)
	assert.Equal(t, 1, hs.hits(), "requests the server received")
	assert.Equal(t, fullstory.ActivationStats{Spent: 1, Shared: 4}, c.ActivationStats())
}

// Calls share only when they would send the same bytes with the same
// settings: a call with retries, a timeout, a logger, an HTTP client, a
// header, a user agent or a profile of its own sends its own request, and
// WithFreshSummary joins nothing. An option that changes nothing shares.
func TestSharedCallsNeedTheSameRequestAndSettings(t *testing.T) {
	hs := newHeldServer(t, wireJSON(http.StatusOK, summaryOK))
	c := wireClient(t, hs.wireServer)
	ctx := boundedContext(t, 10*time.Second)
	variants := [][]fullstory.Option{
		nil,
		{fullstory.WithMaxRetries(1)},
		{fullstory.WithTimeout(7 * time.Second)},
		{fullstory.WithLogger(slog.New(slog.DiscardHandler))},
		{fullstory.WithHTTPClient(&http.Client{})},
		{fullstory.WithHeader("X-Tenant", "acme")},
		{fullstory.WithUserAgent("console/2")},
		{fullstory.WithRetryWait(time.Millisecond, 3*time.Millisecond)},
		{fullstory.WithFreshSummary()},
	}
	var calls []<-chan summaryCall
	for _, opts := range variants {
		calls = append(calls, goSummarize(ctx, c, opts...))
	}
	other := make(chan summaryCall, 1)
	go func() {
		sum, err := c.Sessions.Summarize(ctx, testSession, &fullstory.SummarizeRequest{Profile: "p2"})
		other <- summaryCall{sum, err}
	}()
	calls = append(calls, other)
	require.Eventually(t, func() bool { return hs.hits() == len(calls) }, 5*time.Second, time.Millisecond)
	same := goSummarize(ctx, c, fullstory.WithMaxRetries(3)) // the Client's own setting
	awaitWaiters(t, c, len(calls))                           // every call but the fresh one, and same
	hs.open()
	for _, call := range calls {
		got := <-call
		require.NoError(t, got.err)
		assert.Equal(t, fullstory.SummaryFromAPI, got.sum.Source)
	}
	got := <-same
	require.NoError(t, got.err)
	assert.Equal(t, fullstory.SummaryFromShared, got.sum.Source)
	assert.Equal(t, len(calls), hs.hits())
}

// The first caller's leaving does not cancel the request for the others.
func TestACallerThatLeavesDoesNotCancelTheOthers(t *testing.T) {
	hs := newHeldServer(t, wireJSON(http.StatusOK, summaryOK))
	c := wireClient(t, hs.wireServer)
	first, cancel := context.WithCancel(context.Background())
	defer cancel()
	leader := goSummarize(first, c)
	awaitWaiters(t, c, 1)
	joiner := goSummarize(boundedContext(t, 10*time.Second), c)
	awaitWaiters(t, c, 2)

	cancel()
	got := <-leader
	require.ErrorIs(t, got.err, context.Canceled)
	hs.open()
	got = <-joiner
	require.NoError(t, got.err)
	assert.Equal(t, fullstory.SummaryFromShared, got.sum.Source)
	assert.Empty(t, hs.cancelled, "the shared request was cancelled")
	assert.Equal(t, 1, hs.hits())
}

// When every caller has left, the shared request is cancelled.
func TestSharedRequestEndsWhenEveryCallerHasLeft(t *testing.T) {
	hs := newHeldServer(t, wireJSON(http.StatusOK, summaryOK))
	c := wireClient(t, hs.wireServer)
	ctx, cancel := context.WithCancel(context.Background())
	a, b := goSummarize(ctx, c), goSummarize(ctx, c)
	awaitWaiters(t, c, 2)
	require.Eventually(t, func() bool { return hs.hits() == 1 }, 5*time.Second, time.Millisecond, "the request reached the server")
	cancel()
	require.ErrorIs(t, (<-a).err, context.Canceled)
	require.ErrorIs(t, (<-b).err, context.Canceled)
	select {
	case <-hs.cancelled:
	case <-time.After(5 * time.Second):
		t.Fatal("the server's request was not cancelled once every caller had left")
	}
	assert.Zero(t, fullstory.FlightWaiters(c))
}

// A caller whose deadline comes before the end of the shared request's
// wait leaves at once with what it would have got alone: held back by the
// pacing (an *APIError 429, Attempts 0), or a 429 not retried.
func TestACallerThatCannotWaitGetsItsOwnAnswer(t *testing.T) {
	t.Run("held by the pacing", func(t *testing.T) {
		t.Parallel()
		ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, summaryOK)))
		c := wireClient(t, ws, fullstory.WithRateLimit(1, 1))
		_, err := c.Profiles.Get(t.Context(), "p1") // takes the one token
		require.NoError(t, err)
		leader := goSummarize(boundedContext(t, 10*time.Second), c)
		awaitWaiters(t, c, 1)

		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		_, err = c.Sessions.Summarize(ctx, testSession, &fullstory.SummarizeRequest{Profile: "p1"})
		ae := requireAPIError(t, err)
		assert.Equal(t, http.StatusTooManyRequests, ae.StatusCode)
		assert.Zero(t, ae.Attempts)
		assert.Positive(t, ae.RetryAfter)
		assert.NoError(t, ctx.Err(), "it waited for its deadline instead of leaving at once")

		require.NoError(t, (<-leader).err)
		assert.Equal(t, 2, ws.hits())
	})
	t.Run("a 429 whose Retry-After outlasts it", func(t *testing.T) {
		t.Parallel()
		ws := newTestServer(t, wireReplies(
			wireReply{Status: http.StatusTooManyRequests, Body: `{"code":"too_many_requests","message":"slow down"}`, Header: map[string]string{"Retry-After": "1"}},
			wireJSON(http.StatusOK, summaryOK),
		))
		c := wireClient(t, ws)
		leader := goSummarize(boundedContext(t, 10*time.Second), c)
		require.Eventually(t, func() bool { return ws.hits() == 1 }, 5*time.Second, time.Millisecond)

		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		_, err := c.Sessions.Summarize(ctx, testSession, &fullstory.SummarizeRequest{Profile: "p1"})
		ae := requireAPIError(t, err)
		assert.Equal(t, http.StatusTooManyRequests, ae.StatusCode)
		assert.Equal(t, time.Second, ae.RetryAfter)
		assert.NoError(t, ctx.Err(), "it waited for its deadline instead of leaving at once")

		got := <-leader
		require.NoError(t, got.err)
		assert.Equal(t, 2, ws.hits())
	})
}

// Every caller of a shared call gets an error value of its own.
func TestSharedCallersGetErrorsOfTheirOwn(t *testing.T) {
	hs := newHeldServer(t, wireStatusError(http.StatusNotFound))
	c := wireClient(t, hs.wireServer)
	ctx := boundedContext(t, 10*time.Second)
	a, b := goSummarize(ctx, c), goSummarize(ctx, c)
	awaitWaiters(t, c, 2)
	hs.open()
	ea, eb := requireAPIError(t, (<-a).err), requireAPIError(t, (<-b).err)
	assert.NotSame(t, ea, eb)
	ea.Message = "changed"
	assert.NotEqual(t, "changed", eb.Message)
	assert.Equal(t, 1, hs.hits())
	assert.Zero(t, c.ActivationStats().Shared, "a failure saves nothing")
}

// A batch that names a session twice summarizes it once and still yields a
// result for every index.
func TestSummarizeEachSummarizesRepeatsOnce(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, summaryOK)))
	c := wireClient(t, ws)
	a, b, d := fullstory.NewSessionID("u", "a"), fullstory.NewSessionID("u", "b"), fullstory.NewSessionID("u", "d")
	ids := []fullstory.SessionID{a, b, a, d, a}
	got := map[int]fullstory.SummaryResult{}
	for i, res := range c.Sessions.SummarizeEach(t.Context(), ids, nil, fullstory.WithConcurrency(2)) {
		got[i] = res
	}
	require.Len(t, got, len(ids))
	sources := map[fullstory.SessionID][]fullstory.SummarySource{}
	for i, res := range got {
		require.NoError(t, res.Err)
		assert.Equal(t, ids[i], res.ID)
		sources[res.ID] = append(sources[res.ID], res.Summary.Source)
	}
	assert.ElementsMatch(t, []fullstory.SummarySource{fullstory.SummaryFromAPI, fullstory.SummaryFromShared, fullstory.SummaryFromShared}, sources[a])
	assert.Equal(t, 3, ws.hits(), "one request per distinct session")
	assert.NotSame(t, got[0].Summary, got[2].Summary)
	assert.EqualValues(t, 2, c.ActivationStats().Shared)
	assert.EqualValues(t, 3, c.ActivationStats().Spent)
}
