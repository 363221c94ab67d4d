package fullstoryredis_test

import (
	"context"
	"errors"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstoryredis"
)

// Redis gone: Reserve fails closed, within its bound although go-redis
// dials again and again by default, and with the store's error inside when
// go-redis gives up first.
func TestBudgetRedisDownFailsClosed(t *testing.T) {
	t.Parallel()
	s, rdb := startRedis(t)
	impatient := redis.NewClient(&redis.Options{Network: "unix", Addr: s.Socket, MaxRetries: -1, DialerRetries: 1})
	t.Cleanup(func() { impatient.Close() })
	key := keyFor(t)
	b := fullstoryredis.NewBudget(rdb, key, 10, fullstory.BudgetMonthly)
	_, err := b.Reserve(context.Background())
	require.NoError(t, err)

	s.Kill()
	_, err = b.Reserve(context.Background())
	require.ErrorIs(t, err, fullstory.ErrBudgetUnavailable)
	require.ErrorIs(t, err, context.DeadlineExceeded, "go-redis was still dialling: %v", err)
	assert.False(t, errors.Is(err, fullstory.ErrBudgetExhausted))

	_, err = fullstoryredis.NewBudget(impatient, key, 10, fullstory.BudgetMonthly).Reserve(context.Background())
	require.ErrorIs(t, err, fullstory.ErrBudgetUnavailable)
	var opErr *net.OpError
	assert.ErrorAs(t, err, &opErr, "the store's error is wrapped: %v", err)
}

// A Redis that answers late (a script stuck behind DEBUG SLEEP) holds a
// Reserve no longer than the caller's deadline, or the Budget's own limit
// when the caller has none, though go-redis would wait 3s; the reservation
// that Redis makes after all is given back when its reply comes.
func TestBudgetSlowRedis(t *testing.T) {
	t.Parallel()
	s, rdb := startRedis(t)
	key := keyFor(t)
	b := fullstoryredis.NewBudget(rdb, key, 10, fullstory.BudgetMonthly)
	_, err := b.Reserve(context.Background()) // loads the script
	require.NoError(t, err)

	for _, tc := range []struct {
		name     string
		deadline time.Duration // 0: none
	}{{"caller's deadline", 50 * time.Millisecond}, {"own limit", 0}} {
		sleeper := s.Client(t)
		slept := make(chan struct{})
		go func() {
			defer close(slept)
			sleeper.Do(context.Background(), "DEBUG", "SLEEP", "1.5")
		}()
		time.Sleep(50 * time.Millisecond) // DEBUG SLEEP has begun

		ctx := context.Background()
		if tc.deadline > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, tc.deadline)
			defer cancel()
		}
		_, err := b.Reserve(ctx)
		select {
		case <-slept:
			t.Fatalf("%s: Reserve waited for Redis to wake up", tc.name)
		default:
		}
		require.ErrorIs(t, err, fullstory.ErrBudgetUnavailable, tc.name)
		require.ErrorIs(t, err, context.DeadlineExceeded, tc.name)
		<-slept
		// The script ran once Redis woke; its late reply refunded it.
		require.Eventually(t, func() bool { return used(t, rdb, key, monthLabel()) == 1 },
			5*time.Second, 10*time.Millisecond, tc.name)
	}
}

// A Redis restarted without persistence has forgotten the month: every
// Budget on the key refuses, a freshly started one too, until one
// acknowledges the loss.
func TestBudgetRestartedEmpty(t *testing.T) {
	t.Parallel()
	s, rdb := startRedis(t)
	key := keyFor(t)
	ctx := context.Background()
	b := fullstoryredis.NewBudget(rdb, key, 10, fullstory.BudgetMonthly)
	for range 3 {
		_, err := b.Reserve(ctx)
		require.NoError(t, err)
	}

	require.NoError(t, s.Restart())
	_, err := b.Reserve(ctx)
	require.ErrorIs(t, err, fullstoryredis.ErrBudgetLost)
	require.ErrorIs(t, err, fullstory.ErrBudgetUnavailable)

	fresh := fullstoryredis.NewBudget(s.Client(t), key, 10, fullstory.BudgetMonthly)
	_, err = fresh.Reserve(ctx)
	require.ErrorIs(t, err, fullstoryredis.ErrBudgetLost, "a process started after the loss refuses too")
	_, err = fresh.Remaining(ctx)
	require.ErrorIs(t, err, fullstoryredis.ErrBudgetLost)

	require.NoError(t, fresh.AcknowledgeReset(ctx, 3))
	_, err = b.Reserve(ctx)
	require.NoError(t, err)
	left, err := fresh.Remaining(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(6), left)
}

// An evicted (or deleted) counter while its period runs is a loss too,
// whichever process finds it.
func TestBudgetCounterEvicted(t *testing.T) {
	t.Parallel()
	s, rdb := startRedis(t)
	key := keyFor(t)
	ctx := context.Background()
	_, err := fullstoryredis.NewBudget(rdb, key, 10, fullstory.BudgetDaily).Reserve(ctx)
	require.NoError(t, err)
	require.NoError(t, rdb.Del(ctx, "{"+key+"}:"+time.Now().UTC().Format("2006-01-02")).Err())

	fresh := fullstoryredis.NewBudget(s.Client(t), key, 10, fullstory.BudgetDaily)
	_, err = fresh.Reserve(ctx)
	require.ErrorIs(t, err, fullstoryredis.ErrBudgetLost)
}

// A new key is a new budget, not a loss.
func TestBudgetNewKeyStartsAtZero(t *testing.T) {
	t.Parallel()
	_, rdb := startRedis(t)
	b := fullstoryredis.NewBudget(rdb, keyFor(t), 3, fullstory.BudgetMonthly)
	left, err := b.Remaining(context.Background())
	require.NoError(t, err)
	assert.Equal(t, int64(3), left)
	_, err = b.Reserve(context.Background())
	require.NoError(t, err)
}

func TestBudgetBadArguments(t *testing.T) {
	t.Parallel()
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"}) // never reached
	t.Cleanup(func() { rdb.Close() })
	for name, b := range map[string]*fullstoryredis.Budget{
		"nil client":     fullstoryredis.NewBudget(nil, "k", 1, fullstory.BudgetDaily),
		"typed nil":      fullstoryredis.NewBudget((*redis.Client)(nil), "k", 1, fullstory.BudgetDaily),
		"empty key":      fullstoryredis.NewBudget(rdb, "", 1, fullstory.BudgetDaily),
		"negative limit": fullstoryredis.NewBudget(rdb, "k", -1, fullstory.BudgetDaily),
		"unknown period": fullstoryredis.NewBudget(rdb, "k", 1, fullstory.BudgetPeriod(7)),
		"nil budget":     nil,
	} {
		_, err := b.Reserve(context.Background())
		assert.ErrorIs(t, err, fullstory.ErrInvalidArgument, name)
		_, err = b.Remaining(context.Background())
		assert.ErrorIs(t, err, fullstory.ErrInvalidArgument, name)
		assert.ErrorIs(t, b.AcknowledgeReset(context.Background(), 0), fullstory.ErrInvalidArgument, name)
	}
	b := fullstoryredis.NewBudget(rdb, "k", 1, fullstory.BudgetDaily)
	assert.ErrorIs(t, b.AcknowledgeReset(context.Background(), -1), fullstory.ErrInvalidArgument)
}

// Reserve and Refund are one command each (EVALSHA) once Redis has the
// scripts.
func TestBudgetOneRoundTripEach(t *testing.T) {
	t.Parallel()
	s, _ := startRedis(t)
	rdb := s.Client(t)
	counter := &commandCounter{}
	rdb.AddHook(counter)
	b := fullstoryredis.NewBudget(rdb, keyFor(t), 1000, fullstory.BudgetMonthly)
	ctx := context.Background()
	r, err := b.Reserve(ctx) // EVALSHA, NOSCRIPT, EVAL: Redis learns the script
	require.NoError(t, err)
	require.NoError(t, r.Refund(ctx))

	counter.total.Store(0)
	counter.evalsha.Store(0)
	const n = 20
	for range n {
		r, err := b.Reserve(ctx)
		require.NoError(t, err)
		require.NoError(t, r.Refund(ctx))
	}
	assert.Equal(t, int64(2*n), counter.total.Load())
	assert.Equal(t, int64(2*n), counter.evalsha.Load())
}

// BenchmarkBudget reserves and refunds one Activation per iteration
// against a local redis-server on a unix socket: two round trips.
func BenchmarkBudget(b *testing.B) {
	s, _ := startRedis(b)
	rdb := s.Client(b)
	counter := &commandCounter{}
	rdb.AddHook(counter)
	budget := fullstoryredis.NewBudget(rdb, keyFor(b), 1<<40, fullstory.BudgetMonthly)
	ctx := context.Background()
	r, err := budget.Reserve(ctx)
	require.NoError(b, err)
	require.NoError(b, r.Refund(ctx))
	counter.total.Store(0)
	b.Run("Reserve", func(b *testing.B) {
		for b.Loop() {
			if _, err := budget.Reserve(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ReserveRefund", func(b *testing.B) {
		counter.total.Store(0)
		for b.Loop() {
			r, err := budget.Reserve(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if err := r.Refund(ctx); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(counter.total.Load())/float64(b.N), "cmds/op")
	})
}

// After Redis failed, Reserve fails at once for a second (a Redis down
// would otherwise cost every summary the whole bound), then asks again.
func TestBudgetFailsFastAfterAFailure(t *testing.T) {
	t.Parallel()
	s, _ := startRedis(t)
	rdb := s.Client(t)
	counter := &commandCounter{}
	rdb.AddHook(counter)
	b := fullstoryredis.NewBudget(rdb, keyFor(t), 10, fullstory.BudgetMonthly)
	var now atomic.Int64
	now.Store(time.Now().UnixNano())
	fullstoryredis.SetBudgetBreakerClock(b, func() time.Time { return time.Unix(0, now.Load()) })
	ctx := context.Background()
	_, err := b.Reserve(ctx)
	require.NoError(t, err)

	s.Kill()
	_, err = b.Reserve(ctx)
	require.ErrorIs(t, err, fullstory.ErrBudgetUnavailable)
	counter.total.Store(0)
	for range 50 {
		_, err := b.Reserve(ctx)
		require.ErrorIs(t, err, fullstory.ErrBudgetUnavailable)
		require.ErrorIs(t, err, context.DeadlineExceeded, "the last failure is wrapped")
	}
	assert.Zero(t, counter.total.Load())

	require.NoError(t, s.Restart())
	now.Add(int64(1100 * time.Millisecond))
	_, err = b.Reserve(ctx)
	require.ErrorIs(t, err, fullstoryredis.ErrBudgetLost, "asked again: and Redis came back empty")
}
