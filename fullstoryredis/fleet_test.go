package fullstoryredis_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstoryredis"
	"github.com/summarykit/fullstory-go/fullstoryredis/internal/redistest"
	"github.com/summarykit/fullstory-go/fullstorytest"
)

// Tests of Clients, each with its own go-redis client as a replica in its
// own process has, sharing one account of the fake through one Redis.

// replicaRedis is a go-redis client of one replica.
func replicaRedis(t *testing.T, s *redistest.Server) *redis.Client { return s.Client(t) }

// results summarizes ids on c and returns how each ended.
func results(c *fullstory.Client, ids []fullstory.SessionID, concurrency int) []fullstory.SummaryResult {
	var out []fullstory.SummaryResult
	for _, res := range c.Sessions.SummarizeEach(context.Background(), ids, nil, fullstory.WithConcurrency(concurrency)) {
		out = append(out, res)
	}
	return out
}

// Three replicas at a shared ceiling of 40/s never go over an account that
// takes 60/s in bursts of 10: they pace as one (three alone would send
// 120/s). The margins let the machine stall for a quarter of a second.
func TestFleetSharedCeiling(t *testing.T) {
	t.Parallel()
	s, _ := startRedis(t)
	fs := newFleetServer(t, fullstorytest.WithThrottle(60, 10))
	key := keyFor(t)
	var wg sync.WaitGroup
	var failed atomic.Int64
	for range 3 {
		c := fs.client(t, fullstory.WithLimiter(fullstoryredis.NewLimiter(replicaRedis(t, s), key, fullstoryredis.WithCeiling(40))))
		ids := fs.sessions(30)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, res := range results(c, ids, 4) {
				if res.Err != nil {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	assert.Zero(t, failed.Load())
	assert.Equal(t, int64(90), fs.requests.Load())
	assert.Zero(t, fs.n429.Load(), "no replica went past the shared pace")
	assert.Equal(t, int64(90), fs.fake.Activations())
}

// Redis killed while two replicas run a batch: no call fails, each Client
// paces itself; with Redis back, they share again.
func TestFleetLimiterRedisKilledMidBatch(t *testing.T) {
	t.Parallel()
	s, _ := startRedis(t)
	fs := newFleetServer(t, fullstorytest.WithThrottle(300, 10))
	key := keyFor(t)
	limiters := []*fullstoryredis.Limiter{
		fullstoryredis.NewLimiter(replicaRedis(t, s), key),
		fullstoryredis.NewLimiter(replicaRedis(t, s), key),
	}
	var wg sync.WaitGroup
	var ok, failed atomic.Int64
	for _, l := range limiters {
		c := fs.client(t, fullstory.WithLimiter(l))
		ids := fs.sessions(200)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, res := range results(c, ids, 8) {
				if res.Err != nil {
					failed.Add(1)
					t.Log(res.Err)
				} else {
					ok.Add(1)
				}
			}
		}()
	}
	require.Eventually(t, func() bool { return fs.requests.Load() >= 100 }, 10*time.Second, time.Millisecond)
	s.Kill()
	wg.Wait()
	assert.Zero(t, failed.Load())
	assert.Equal(t, int64(400), ok.Load())
	for _, l := range limiters {
		assert.False(t, l.Pacing(), "the Clients paced themselves")
	}

	require.NoError(t, s.Restart())
	time.Sleep(1100 * time.Millisecond) // the cool-down
	for _, l := range limiters {
		require.True(t, l.Pacing())
		require.NoError(t, l.Wait(context.Background()))
		assert.True(t, l.Pacing(), "shared again")
	}
}

// Three replicas on one budget of 25 spend exactly 25 Activations between
// them; the other summaries are refused before sending.
func TestFleetBudgetExact(t *testing.T) {
	t.Parallel()
	s, rdb := startRedis(t)
	fs := newFleetServer(t)
	key := keyFor(t)
	var wg sync.WaitGroup
	var ok, exhausted, other atomic.Int64
	for range 3 {
		c := fs.client(t, fullstory.WithBudget(fullstoryredis.NewBudget(replicaRedis(t, s), key, 25, fullstory.BudgetMonthly)))
		ids := fs.sessions(20)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, res := range results(c, ids, 4) {
				switch {
				case res.Err == nil:
					ok.Add(1)
				case errors.Is(res.Err, fullstory.ErrBudgetExhausted):
					exhausted.Add(1)
				default:
					other.Add(1)
					t.Log(res.Err)
				}
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, int64(25), ok.Load())
	assert.Equal(t, int64(35), exhausted.Load())
	assert.Zero(t, other.Load())
	assert.Equal(t, int64(25), fs.fake.Activations())
	assert.Equal(t, int64(25), fs.requests.Load(), "nothing refused was sent")
	assert.Equal(t, int64(25), used(t, rdb, key, monthLabel()))
}

// Redis killed in the middle of a batch on a budget: the summaries after it
// fail closed, and every Activation the fake spent was reserved first.
func TestFleetBudgetRedisKilledMidBatch(t *testing.T) {
	t.Parallel()
	s, _ := startRedis(t)
	fs := newFleetServer(t)
	key := keyFor(t)
	budget := fullstoryredis.NewBudget(replicaRedis(t, s), key, 1000, fullstory.BudgetMonthly)
	c := fs.client(t, fullstory.WithBudget(budget))
	ids := fs.sessions(300)
	var ok, unavailable int64
	n := 0
	for i, res := range c.Sessions.SummarizeEach(context.Background(), ids, nil, fullstory.WithConcurrency(4)) {
		if n++; n == 100 {
			s.Kill()
		}
		switch {
		case res.Err == nil:
			ok++
		case errors.Is(res.Err, fullstory.ErrBudgetUnavailable):
			unavailable++
		default:
			t.Errorf("summary %d: %v", i, res.Err)
		}
	}
	assert.GreaterOrEqual(t, ok, int64(100))
	assert.Greater(t, unavailable, int64(100), "failed closed after the kill")
	assert.Equal(t, int64(300), ok+unavailable)
	assert.Equal(t, ok, fs.fake.Activations(), "no Activation spent unaccounted")
}

// A Redis restarted empty under a running fleet: the budget refuses until
// the loss is acknowledged, and spends nothing meanwhile.
func TestFleetBudgetRedisRestartedEmpty(t *testing.T) {
	t.Parallel()
	s, _ := startRedis(t)
	fs := newFleetServer(t)
	key := keyFor(t)
	budget := fullstoryredis.NewBudget(replicaRedis(t, s), key, 10, fullstory.BudgetMonthly)
	c := fs.client(t, fullstory.WithBudget(budget))
	ids := fs.sessions(3)
	ctx := context.Background()
	_, err := c.Sessions.Summarize(ctx, ids[0], nil)
	require.NoError(t, err)

	require.NoError(t, s.Restart())
	_, err = c.Sessions.Summarize(ctx, ids[1], nil)
	require.ErrorIs(t, err, fullstoryredis.ErrBudgetLost)
	require.ErrorIs(t, err, fullstory.ErrBudgetUnavailable)
	assert.Equal(t, int64(1), fs.fake.Activations())

	require.NoError(t, budget.AcknowledgeReset(ctx, 1))
	_, err = c.Sessions.Summarize(ctx, ids[2], nil)
	require.NoError(t, err)
	left, err := budget.Remaining(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(8), left)
}

// A summary one replica made is free for another; with Redis down, the
// cache is a miss and the call is made.
func TestFleetCacheShared(t *testing.T) {
	t.Parallel()
	s, _ := startRedis(t)
	fs := newFleetServer(t)
	prefix := keyFor(t) + ":"
	a := fs.client(t, fullstory.WithSummaryCache(fullstoryredis.NewCache(replicaRedis(t, s), prefix), time.Hour))
	b := fs.client(t, fullstory.WithSummaryCache(fullstoryredis.NewCache(replicaRedis(t, s), prefix), time.Hour))
	ids := fs.sessions(2)
	ctx := context.Background()

	first, err := a.Sessions.Summarize(ctx, ids[0], nil)
	require.NoError(t, err)
	again, err := b.Sessions.Summarize(ctx, ids[0], nil)
	require.NoError(t, err)
	assert.Equal(t, fullstory.SummaryFromCache, again.Source)
	assert.Equal(t, first.Text, again.Text)
	assert.Equal(t, int64(1), fs.fake.Activations())

	s.Kill()
	other, err := b.Sessions.Summarize(ctx, ids[1], nil)
	require.NoError(t, err)
	assert.Equal(t, fullstory.SummaryFromAPI, other.Source)
	assert.Equal(t, int64(2), fs.fake.Activations())
}
