package fullstory_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

// batchServer answers summaries with the session id in the text and fails
// the sessions whose id holds "bad" at once. When it blocks, the others wait
// for release (or for the request to end). It tracks how many summaries run
// at once.
type batchServer struct {
	*wireServer
	requests   atomic.Int64
	inFlight   atomic.Int64
	maxFlight  atomic.Int64
	cancelSeen atomic.Int64

	unblock     chan struct{}
	releaseOnce sync.Once
}

// newBatchServer starts a batchServer. When the test ends it releases the
// blocked requests before the server closes (its Close waits for every
// handler): a client that fails to cancel makes the test fail, not hang.
func newBatchServer(t *testing.T, blocking bool) *batchServer {
	t.Helper()
	bs := &batchServer{unblock: make(chan struct{})}
	var release chan struct{}
	if blocking {
		release = bs.unblock
	}
	bs.wireServer = newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
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
	})
	t.Cleanup(bs.release) // runs first: cleanups run last in, first out
	return bs
}

// release lets the blocked requests answer; it may be called more than once.
func (bs *batchServer) release() { bs.releaseOnce.Do(func() { close(bs.unblock) }) }

// summarizeEachGoroutines returns the stacks of the goroutines that are
// still at work in SessionsService.SummarizeEach: blocked in it, or
// runnable somewhere below its own functions. A goroutine that is runnable
// in one of its functions, or in the sync.WaitGroup call that announced its
// end, is only returning: a WaitGroup wakes its waiter before the goroutine
// is gone, so such a goroutine may outlive SummarizeEach by a few
// instructions.
func summarizeEachGoroutines() []string {
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	const ours = "(*SessionsService).SummarizeEach"
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		lines := strings.Split(g, "\n")
		var funcs []string // the frames' functions, innermost first
		for _, l := range lines[1:] {
			if l != "" && !strings.HasPrefix(l, "\t") && !strings.HasPrefix(l, "created by ") {
				funcs = append(funcs, l)
			}
		}
		if !slices.ContainsFunc(funcs, func(f string) bool { return strings.Contains(f, ours) }) {
			continue // not in SummarizeEach, at most started by it
		}
		runnable := strings.Contains(lines[0], "[runnable") || strings.Contains(lines[0], "[running")
		if runnable && (strings.Contains(funcs[0], ours) || strings.HasPrefix(funcs[0], "sync.")) {
			continue
		}
		out = append(out, g)
	}
	return out
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
	bs := newBatchServer(t, false)
	c, err := fullstory.NewClient("KEY", fullstory.WithBaseURL(bs.URL), fullstory.WithRetryWait(time.Millisecond, time.Millisecond))
	require.NoError(t, err)

	ids := batchIDs(25, 3, 17)
	seen := make(map[int]bool)
	for i, res := range c.Sessions.SummarizeEach(boundedContext(t, 5*time.Second), ids, &fullstory.SummarizeRequest{Profile: "p"}, fullstory.WithConcurrency(5)) {
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
	bs := newBatchServer(t, true)
	c, err := fullstory.NewClient("KEY", fullstory.WithBaseURL(bs.URL))
	require.NoError(t, err)
	ctx := boundedContext(t, 5*time.Second)

	done := make(chan int, 1)
	go func() {
		n := 0
		for range c.Sessions.SummarizeEach(ctx, batchIDs(12), nil) {
			n++
		}
		done <- n
	}()
	require.Eventually(t, func() bool { return bs.inFlight.Load() == 4 }, 5*time.Second, time.Millisecond)
	bs.release()
	select {
	case n := <-done:
		assert.Equal(t, 12, n)
	case <-ctx.Done():
		t.Fatal("SummarizeEach did not finish")
	}
	assert.EqualValues(t, 4, bs.maxFlight.Load())
}

func TestSummarizeEachBreakCancelsTheRest(t *testing.T) {
	bs := newBatchServer(t, true) // released only when the test ends
	c, err := fullstory.NewClient("KEY", fullstory.WithBaseURL(bs.URL))
	require.NoError(t, err)
	ctx := boundedContext(t, 5*time.Second)

	ids := batchIDs(100, 0) // index 0 fails at once, the others block
	got := 0
	for _, res := range c.Sessions.SummarizeEach(ctx, ids, nil, fullstory.WithConcurrency(8)) {
		got++
		require.ErrorIs(t, res.Err, fullstory.ErrNotFound)
		// Break once the other workers' summaries have reached the server.
		require.Eventually(t, func() bool { return bs.inFlight.Load() >= 7 }, 5*time.Second, time.Millisecond)
		break
	}
	// The loop returned, so every worker has ended and the blocked summaries
	// were cancelled, not left to finish.
	assert.Empty(t, summarizeEachGoroutines(), "SummarizeEach returned before its goroutines ended")
	assert.NoError(t, ctx.Err(), "the break waited for the context's deadline instead of cancelling")
	assert.Equal(t, 1, got)
	assert.LessOrEqual(t, bs.requests.Load(), int64(9), "no new summaries may start after the break")
	require.Eventually(t, func() bool { return bs.inFlight.Load() == 0 }, 5*time.Second, time.Millisecond)
	assert.GreaterOrEqual(t, bs.cancelSeen.Load(), int64(1))
}

func TestSummarizeEachCallerCancelYieldsContextErrors(t *testing.T) {
	bs := newBatchServer(t, true)
	c, err := fullstory.NewClient("KEY", fullstory.WithBaseURL(bs.URL))
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(boundedContext(t, 5*time.Second))
	defer cancel()
	go func() {
		// Until two summaries run at once, or the test's deadline.
		for bs.inFlight.Load() < 2 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Millisecond):
			}
		}
		cancel()
	}()
	n := 0
	for _, res := range c.Sessions.SummarizeEach(ctx, batchIDs(10), nil, fullstory.WithConcurrency(2)) {
		n++
		assert.ErrorIs(t, res.Err, context.Canceled)
	}
	assert.Equal(t, 10, n, "every id gets a result when the caller cancels")
	assert.Empty(t, summarizeEachGoroutines(), "SummarizeEach returned before its goroutines ended")
}

func TestSummarizeEachBadOption(t *testing.T) {
	c, err := fullstory.NewClient("KEY", fullstory.WithBaseURL("http://127.0.0.1:1"))
	require.NoError(t, err)
	n := 0
	ctx := boundedContext(t, 5*time.Second)
	for _, res := range c.Sessions.SummarizeEach(ctx, batchIDs(3), nil, fullstory.WithConcurrency(0)) {
		n++
		var ve *fullstory.ValidationError
		assert.True(t, errors.As(res.Err, &ve))
	}
	assert.Equal(t, 3, n)
	for range c.Sessions.SummarizeEach(ctx, nil, nil) {
		t.Fatal("no ids, no results")
	}
}

// Breaking out while every worker is waiting to hand over a result (all
// the summaries fail at once and none is taken) still ends every worker
// before SummarizeEach returns.
func TestSummarizeEachBreakWhileWorkersWaitToSend(t *testing.T) {
	bs := newBatchServer(t, false)
	c, err := fullstory.NewClient("KEY", fullstory.WithBaseURL(bs.URL))
	require.NoError(t, err)
	ctx := boundedContext(t, 5*time.Second)

	bad := make([]int, 64)
	for i := range bad {
		bad[i] = i
	}
	ids := batchIDs(64, bad...)
	first := true
	for _, res := range c.Sessions.SummarizeEach(ctx, ids, nil, fullstory.WithConcurrency(4)) {
		require.ErrorIs(t, res.Err, fullstory.ErrNotFound)
		if first {
			// Let the four workers finish their next summary and block
			// handing it over: one consumed plus four.
			require.Eventually(t, func() bool { return bs.requests.Load() >= 5 }, 5*time.Second, time.Millisecond)
			first = false
			continue
		}
		break
	}
	assert.Empty(t, summarizeEachGoroutines(), "SummarizeEach returned before its goroutines ended")
	assert.Less(t, bs.requests.Load(), int64(64), "the break did not stop the batch")
}

// Each summary may spend an Activation: a batch the caller stops starts
// nothing new, and never more than the results consumed plus the
// concurrency.
func TestStoppedBatchStartsNothingNew(t *testing.T) {
	var started atomic.Int64
	ws := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		started.Add(1)
		io.WriteString(w, `{"summary":"s"}`)
	})
	c := wireClient(t, ws)
	ids := make([]fullstory.SessionID, 200)
	for i := range ids {
		ids[i] = fullstory.NewSessionID("1", "s"+string(rune('a'+i%26))+string(rune('a'+i/26)))
	}

	const concurrency, consume = 16, 3
	consumed := 0
	for _, res := range c.Sessions.SummarizeEach(boundedContext(t, 5*time.Second), ids, nil, fullstory.WithConcurrency(concurrency)) {
		require.NoError(t, res.Err)
		consumed++
		if consumed == consume {
			break
		}
		// A slow consumer: the workers have every chance to run ahead.
		time.Sleep(20 * time.Millisecond)
	}
	// SummarizeEach has returned: every worker has ended, and what the
	// server counted is all there will be.
	assert.LessOrEqual(t, started.Load(), int64(consume+concurrency), "summaries started beyond those consumed plus the concurrency")
}
