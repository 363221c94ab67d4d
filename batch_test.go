package fullstory_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

// batchServer answers summaries with the session id in the text and fails
// the sessions whose id holds "bad" at once. With a release channel, the
// others wait for it (or for the request to end). It tracks how many
// summaries run at once.
type batchServer struct {
	*httptest.Server
	requests   atomic.Int64
	inFlight   atomic.Int64
	maxFlight  atomic.Int64
	cancelSeen atomic.Int64
}

func newBatchServer(t *testing.T, release chan struct{}) *batchServer {
	t.Helper()
	bs := &batchServer{}
	bs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		bs.requests.Add(1)
		n := bs.inFlight.Add(1)
		defer bs.inFlight.Add(-1)
		for {
			m := bs.maxFlight.Load()
			if n <= m || bs.maxFlight.CompareAndSwap(m, n) {
				break
			}
		}
		id := strings.TrimSuffix(strings.TrimPrefix(r.URL.EscapedPath(), "/v2/sessions/"), "/summary")
		if strings.Contains(id, "bad") {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"code":"resource_not_found","message":"session not found"}`)
			return
		}
		if release != nil {
			select {
			case <-release:
			case <-r.Context().Done():
				bs.cancelSeen.Add(1)
				return
			}
		}
		fmt.Fprintf(w, `{"summary":"summary of %s"}`, id)
	}))
	t.Cleanup(bs.Close)
	return bs
}

func batchIDs(n int, bad ...int) []fullstory.SessionID {
	ids := make([]fullstory.SessionID, n)
	for i := range ids {
		ids[i] = fullstory.NewSessionID("u", fmt.Sprintf("s%d", i))
	}
	for _, b := range bad {
		ids[b] = fullstory.NewSessionID("u", fmt.Sprintf("bad%d", b))
	}
	return ids
}

func TestSummarizeEachYieldsEveryResultWithItsIndex(t *testing.T) {
	bs := newBatchServer(t, nil)
	c, err := fullstory.NewClient("KEY", fullstory.WithBaseURL(bs.URL), fullstory.WithRetryWait(time.Millisecond, time.Millisecond))
	require.NoError(t, err)

	ids := batchIDs(25, 3, 17)
	seen := make(map[int]bool)
	for i, res := range c.Sessions.SummarizeEach(context.Background(), ids, &fullstory.SummarizeRequest{Profile: "p"}, fullstory.WithConcurrency(5)) {
		require.False(t, seen[i], "index %d yielded twice", i)
		seen[i] = true
		assert.Equal(t, ids[i], res.ID)
		if i == 3 || i == 17 {
			assert.ErrorIs(t, res.Err, fullstory.ErrNotFound)
			assert.Nil(t, res.Summary)
			continue
		}
		require.NoError(t, res.Err)
		assert.Equal(t, "summary of u%3As"+fmt.Sprint(i), res.Summary.Text)
	}
	assert.Len(t, seen, 25)
	assert.EqualValues(t, 25, bs.requests.Load())
	assert.LessOrEqual(t, bs.maxFlight.Load(), int64(5), "more summaries at once than WithConcurrency allows")
}

func TestSummarizeEachDefaultConcurrencyIsFour(t *testing.T) {
	release := make(chan struct{})
	bs := newBatchServer(t, release)
	c, err := fullstory.NewClient("KEY", fullstory.WithBaseURL(bs.URL))
	require.NoError(t, err)

	done := make(chan int)
	go func() {
		n := 0
		for range c.Sessions.SummarizeEach(context.Background(), batchIDs(12), nil) {
			n++
		}
		done <- n
	}()
	require.Eventually(t, func() bool { return bs.inFlight.Load() == 4 }, 5*time.Second, time.Millisecond)
	close(release)
	assert.Equal(t, 12, <-done)
	assert.EqualValues(t, 4, bs.maxFlight.Load())
}

func TestSummarizeEachBreakCancelsTheRest(t *testing.T) {
	bs := newBatchServer(t, make(chan struct{})) // never released
	c, err := fullstory.NewClient("KEY", fullstory.WithBaseURL(bs.URL))
	require.NoError(t, err)

	ids := batchIDs(100, 0) // index 0 fails at once, the others block
	got := 0
	for _, res := range c.Sessions.SummarizeEach(context.Background(), ids, nil, fullstory.WithConcurrency(8)) {
		got++
		require.ErrorIs(t, res.Err, fullstory.ErrNotFound)
		break
	}
	// The loop returned, so every worker has ended (goleak checks it at
	// exit) and the blocked summaries were cancelled, not left to finish.
	assert.Equal(t, 1, got)
	assert.LessOrEqual(t, bs.requests.Load(), int64(9), "no new summaries may start after the break")
	require.Eventually(t, func() bool { return bs.inFlight.Load() == 0 }, 5*time.Second, time.Millisecond)
	assert.GreaterOrEqual(t, bs.cancelSeen.Load(), int64(1))
}

func TestSummarizeEachCallerCancelYieldsContextErrors(t *testing.T) {
	bs := newBatchServer(t, make(chan struct{}))
	c, err := fullstory.NewClient("KEY", fullstory.WithBaseURL(bs.URL))
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for bs.inFlight.Load() < 2 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	n := 0
	for _, res := range c.Sessions.SummarizeEach(ctx, batchIDs(10), nil, fullstory.WithConcurrency(2)) {
		n++
		assert.ErrorIs(t, res.Err, context.Canceled)
	}
	assert.Equal(t, 10, n, "every id gets a result when the caller cancels")
}

func TestSummarizeEachBadOption(t *testing.T) {
	c, err := fullstory.NewClient("KEY", fullstory.WithBaseURL("http://127.0.0.1:1"))
	require.NoError(t, err)
	n := 0
	for _, res := range c.Sessions.SummarizeEach(context.Background(), batchIDs(3), nil, fullstory.WithConcurrency(0)) {
		n++
		var ve *fullstory.ValidationError
		assert.True(t, errors.As(res.Err, &ve))
	}
	assert.Equal(t, 3, n)
	for range c.Sessions.SummarizeEach(context.Background(), nil, nil) {
		t.Fatal("no ids, no results")
	}
}
