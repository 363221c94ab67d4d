package fullstoryredis_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstoryredis"
)

// rate reads the fleet's pace through l.
func rate(t *testing.T, l *fullstoryredis.Limiter) float64 {
	t.Helper()
	r, err := l.Rate(context.Background())
	require.NoError(t, err)
	return r
}

func answer429(sent time.Time) fullstory.Answer {
	return fullstory.Answer{Status: http.StatusTooManyRequests, RetryAfter: time.Second, Sent: sent}
}

// What one process learns, the others pace by: a 429 that Limiter a meets
// cuts the pace of b, in another process; a 429 answering an attempt sent
// before that cut is not counted again, and after the first it takes two
// 429s, from any processes, to cut again.
func TestLimiterLearnsTogether(t *testing.T) {
	t.Parallel()
	s, _ := startRedis(t)
	key := keyFor(t)
	a := fullstoryredis.NewLimiter(s.Client(t), key)
	b := fullstoryredis.NewLimiter(s.Client(t), key)
	ctx := context.Background()

	require.True(t, a.Pacing())
	require.NoError(t, a.Wait(ctx))
	start := rate(t, b)
	assert.Equal(t, 50.0, start, "nothing learned: the starting pace")

	sent := time.Now()
	a.Observe(fullstory.Answer{Status: http.StatusOK, Sent: sent}) // successes teach nothing alone
	assert.Equal(t, start, rate(t, a))
	a.Observe(answer429(sent))
	cut := rate(t, a) // reports the 429
	assert.InDelta(t, 25, cut, 0.5, "the first 429 halves the pace")
	assert.InDelta(t, cut, rate(t, b), 0.5, "for every process on the key")

	a.Observe(answer429(sent)) // sent before the cut: the same news
	assert.InDelta(t, cut, rate(t, a), 0.5)

	time.Sleep(50 * time.Millisecond)
	b.Observe(answer429(time.Now())) // sent after the cut: news, but one alone
	rate(t, b)                       // reports it
	assert.InDelta(t, cut, rate(t, a), 0.5, "one may be an attempt held up past the cut")
	a.Observe(answer429(time.Now())) // a second, from another process
	rate(t, a)
	assert.InDelta(t, 22.5, rate(t, b), 0.5, "too soon to measure: cut by a tenth")
}

// The ceiling holds whatever is learned, and Forget starts afresh.
func TestLimiterCeilingAndForget(t *testing.T) {
	t.Parallel()
	_, rdb := startRedis(t)
	key := keyFor(t)
	l := fullstoryredis.NewLimiter(rdb, key, fullstoryredis.WithCeiling(20), fullstoryredis.WithRetention(time.Hour))
	require.NoError(t, l.Wait(context.Background()))
	assert.Equal(t, 20.0, rate(t, l))
	ttl, err := rdb.PTTL(context.Background(), key).Result()
	require.NoError(t, err)
	assert.InDelta(t, time.Hour.Seconds(), ttl.Seconds(), 5, "what the fleet learned lives as long as WithRetention says")

	l.Observe(answer429(time.Now()))
	assert.Equal(t, 10.0, rate(t, l), "the first 429 halves it")
	require.NoError(t, l.Forget(context.Background()))
	n, err := rdb.Exists(context.Background(), key).Result()
	require.NoError(t, err)
	assert.Zero(t, n)
	assert.Equal(t, 20.0, rate(t, l), "afresh, under the ceiling")
}

// A wait that would outlast the deadline is refused at once, with an error
// the Client reads as held (ErrRateLimited), and takes nothing from the
// fleet.
func TestLimiterHeldPastDeadline(t *testing.T) {
	t.Parallel()
	_, rdb := startRedis(t)
	key := keyFor(t)
	l := fullstoryredis.NewLimiter(rdb, key, fullstoryredis.WithCeiling(1))
	for range 5 { // the starting burst
		require.NoError(t, l.Wait(context.Background()))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	err := l.Wait(ctx)
	require.ErrorIs(t, err, fullstory.ErrRateLimited)
	var held *fullstoryredis.HeldError
	require.ErrorAs(t, err, &held)
	assert.NoError(t, ctx.Err(), "refused at once, not after waiting")
	q, err := rdb.HGet(context.Background(), key, "q").Int64()
	require.NoError(t, err)
	assert.Equal(t, int64(5), q, "no ticket taken")
}

// A 429 with a long Retry-After pauses every process on the key.
func TestLimiterLongRetryAfterPausesTheFleet(t *testing.T) {
	t.Parallel()
	s, _ := startRedis(t)
	key := keyFor(t)
	a := fullstoryredis.NewLimiter(s.Client(t), key)
	b := fullstoryredis.NewLimiter(s.Client(t), key)
	require.NoError(t, a.Wait(context.Background()))
	a.Observe(fullstory.Answer{Status: http.StatusTooManyRequests, RetryAfter: 30 * time.Second, Sent: time.Now()})
	rate(t, a)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	assert.ErrorIs(t, b.Wait(ctx), fullstory.ErrRateLimited)
}

// With Redis down, Wait fails at once (the Client paces that attempt
// itself) and Pacing says false, so the Clients stop asking; after the
// cool-down one attempt asks again, and with Redis back they share again.
func TestLimiterRedisDownAndBack(t *testing.T) {
	t.Parallel()
	s, _ := startRedis(t)
	rdb := s.Client(t)
	counter := &commandCounter{}
	rdb.AddHook(counter)
	l := fullstoryredis.NewLimiter(rdb, keyFor(t))
	var now atomic.Int64
	now.Store(time.Now().UnixNano())
	fullstoryredis.SetLimiterClock(l, func() time.Time { return time.Unix(0, now.Load()) })
	ctx := context.Background()
	require.NoError(t, l.Wait(ctx))

	s.Kill()
	require.True(t, l.Pacing(), "nothing known to be wrong yet")
	err := l.Wait(ctx)
	require.ErrorIs(t, err, fullstoryredis.ErrLimiterUnavailable)
	assert.NotErrorIs(t, err, fullstory.ErrRateLimited, "a Redis down does not hold calls")
	l.Observe(answer429(time.Now())) // kept for when Redis is back

	counter.total.Store(0)
	for range 100 {
		assert.False(t, l.Pacing())
	}
	assert.Zero(t, counter.total.Load(), "Redis is left alone meanwhile")

	now.Add(int64(1100 * time.Millisecond))
	assert.True(t, l.Pacing(), "one attempt asks again")
	assert.False(t, l.Pacing(), "only one")
	assert.ErrorIs(t, l.Wait(ctx), fullstoryredis.ErrLimiterUnavailable)

	require.NoError(t, s.Restart())
	now.Add(int64(1100 * time.Millisecond))
	require.True(t, l.Pacing())
	require.NoError(t, l.Wait(ctx))
	assert.True(t, l.Pacing(), "shared again")
	assert.Equal(t, 25.0, rate(t, l), "the 429 met while Redis was down reached it")
}

// A Redis that answers late holds a Wait no longer than the limiter's own
// bound, and the Clients pace themselves meanwhile.
func TestLimiterSlowRedis(t *testing.T) {
	t.Parallel()
	s, rdb := startRedis(t)
	l := fullstoryredis.NewLimiter(rdb, keyFor(t))
	require.NoError(t, l.Wait(context.Background()))
	slept := make(chan struct{})
	sleeper := s.Client(t)
	go func() { defer close(slept); sleeper.Do(context.Background(), "DEBUG", "SLEEP", "1") }()
	time.Sleep(50 * time.Millisecond)
	err := l.Wait(context.Background())
	select {
	case <-slept:
		t.Fatal("Wait waited for Redis to wake up")
	default:
	}
	require.ErrorIs(t, err, fullstoryredis.ErrLimiterUnavailable)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.False(t, l.Pacing())
	<-slept
}

// WithFallback keeps pacing when Redis is down, at its own rate.
func TestLimiterFallback(t *testing.T) {
	t.Parallel()
	s, rdb := startRedis(t)
	l := fullstoryredis.NewLimiter(rdb, keyFor(t), fullstoryredis.WithFallback(1, 2))
	s.Kill()
	require.True(t, l.Pacing())
	require.NoError(t, l.Wait(context.Background()))
	require.NoError(t, l.Wait(context.Background()))
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	assert.ErrorIs(t, l.Wait(ctx), fullstory.ErrRateLimited, "the fallback's burst is spent")
	assert.True(t, l.Pacing())
}

func TestLimiterBadArguments(t *testing.T) {
	t.Parallel()
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	t.Cleanup(func() { rdb.Close() })
	for name, l := range map[string]*fullstoryredis.Limiter{
		"nil client":        fullstoryredis.NewLimiter(nil, "k"),
		"typed nil":         fullstoryredis.NewLimiter((*redis.Ring)(nil), "k"),
		"empty key":         fullstoryredis.NewLimiter(rdb, ""),
		"zero ceiling":      fullstoryredis.NewLimiter(rdb, "k", fullstoryredis.WithCeiling(0)),
		"negative fallback": fullstoryredis.NewLimiter(rdb, "k", fullstoryredis.WithFallback(-1, 1)),
		"short retention":   fullstoryredis.NewLimiter(rdb, "k", fullstoryredis.WithRetention(time.Millisecond)),
		"nil option":        fullstoryredis.NewLimiter(rdb, "k", nil),
		"nil limiter":       nil,
	} {
		assert.True(t, l.Pacing(), "%s: Pacing lets Wait report it", name)
		assert.ErrorIs(t, l.Wait(context.Background()), fullstory.ErrInvalidArgument, name)
		_, err := l.Rate(context.Background())
		assert.ErrorIs(t, err, fullstory.ErrInvalidArgument, name)
		assert.ErrorIs(t, l.Forget(context.Background()), fullstory.ErrInvalidArgument, name)
		l.Observe(answer429(time.Now())) // no panic
	}
}
