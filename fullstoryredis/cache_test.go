package fullstoryredis_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstoryredis"
)

// What one replica stores, another reads; Redis expires it after the ttl.
func TestCacheSharedAndExpiring(t *testing.T) {
	t.Parallel()
	s, rdb := startRedis(t)
	prefix := keyFor(t) + ":"
	a := fullstoryredis.NewCache(s.Client(t), prefix)
	b := fullstoryredis.NewCache(s.Client(t), prefix)
	ctx := context.Background()

	_, ok, err := b.Get(ctx, "k1")
	require.NoError(t, err)
	assert.False(t, ok)
	require.NoError(t, a.Set(ctx, "k1", []byte(`{"summary":"x"}`), time.Hour))
	v, ok, err := b.Get(ctx, "k1")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, `{"summary":"x"}`, string(v))

	ttl, err := rdb.PTTL(ctx, prefix+"k1").Result()
	require.NoError(t, err)
	assert.InDelta(t, time.Hour.Seconds(), ttl.Seconds(), 60)

	require.NoError(t, a.Set(ctx, "k2", []byte("v"), time.Millisecond))
	require.Eventually(t, func() bool {
		_, ok, err := b.Get(ctx, "k2")
		return err == nil && !ok
	}, 5*time.Second, 5*time.Millisecond)

	assert.ErrorIs(t, a.Set(ctx, "k3", []byte("v"), 0), fullstory.ErrInvalidArgument)
}

// With Redis down, the first Get waits at most its bound and the next ones
// do not call Redis at all, until the cool-down has passed; then one call
// tries again, and a Redis that is back closes the breaker.
func TestCacheRedisDownIsAFastMiss(t *testing.T) {
	t.Parallel()
	s, _ := startRedis(t)
	rdb := s.Client(t)
	counter := &commandCounter{}
	rdb.AddHook(counter)
	c := fullstoryredis.NewCache(rdb, keyFor(t)+":")
	var now atomic.Int64
	now.Store(time.Now().UnixNano())
	fullstoryredis.SetCacheClock(c, func() time.Time { return time.Unix(0, now.Load()) })
	ctx := context.Background()
	require.NoError(t, c.Set(ctx, "k", []byte("v"), time.Hour))

	s.Kill()
	_, ok, err := c.Get(ctx, "k")
	assert.False(t, ok)
	require.ErrorIs(t, err, fullstoryredis.ErrCacheUnavailable)
	counter.total.Store(0)
	for range 100 {
		_, ok, err := c.Get(ctx, "k")
		assert.False(t, ok)
		assert.ErrorIs(t, err, fullstoryredis.ErrCacheUnavailable)
		assert.ErrorIs(t, c.Set(ctx, "k", []byte("v"), time.Hour), fullstoryredis.ErrCacheUnavailable)
	}
	assert.Zero(t, counter.total.Load(), "Redis was skipped")

	require.NoError(t, s.Restart())
	now.Add(int64(1100 * time.Millisecond))
	require.NoError(t, c.Set(ctx, "k", []byte("back"), time.Hour), "after the cool-down one call tries")
	v, ok, err := c.Get(ctx, "k")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "back", string(v))
}

// A slow Redis holds a Get no longer than the caller's deadline, or the
// Cache's own bound.
func TestCacheSlowRedis(t *testing.T) {
	t.Parallel()
	s, rdb := startRedis(t)
	c := fullstoryredis.NewCache(rdb, keyFor(t)+":")
	ctx := context.Background()
	require.NoError(t, c.Set(ctx, "k", []byte("v"), time.Hour))

	slept := make(chan struct{})
	sleeper := s.Client(t)
	go func() { defer close(slept); sleeper.Do(ctx, "DEBUG", "SLEEP", "1") }()
	time.Sleep(50 * time.Millisecond)
	_, ok, err := c.Get(ctx, "k")
	select {
	case <-slept:
		t.Fatal("Get waited for Redis to wake up")
	default:
	}
	assert.False(t, ok)
	assert.ErrorIs(t, err, fullstoryredis.ErrCacheUnavailable)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	<-slept
}

func TestCacheBadArguments(t *testing.T) {
	t.Parallel()
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	t.Cleanup(func() { rdb.Close() })
	for name, c := range map[string]*fullstoryredis.Cache{
		"nil client":   fullstoryredis.NewCache(nil, "p:"),
		"typed nil":    fullstoryredis.NewCache((*redis.ClusterClient)(nil), "p:"),
		"empty prefix": fullstoryredis.NewCache(rdb, ""),
		"nil cache":    nil,
	} {
		_, _, err := c.Get(context.Background(), "k")
		assert.ErrorIs(t, err, fullstory.ErrInvalidArgument, name)
		assert.ErrorIs(t, c.Set(context.Background(), "k", nil, time.Hour), fullstory.ErrInvalidArgument, name)
	}
}
