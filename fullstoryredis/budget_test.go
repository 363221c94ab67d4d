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
)

// used reads what the current period of a budget counts, straight from
// Redis, as an operator would.
func used(t *testing.T, rdb *redis.Client, key, label string) int64 {
	t.Helper()
	n, err := rdb.HGet(context.Background(), "{"+key+"}:"+label, "used").Int64()
	if errors.Is(err, redis.Nil) {
		return 0
	}
	require.NoError(t, err)
	return n
}

func monthLabel() string { return time.Now().UTC().Format("2006-01") }

// Many goroutines of many Clients (each its own connection pool, as
// separate processes are) take from one budget: exactly the limit is
// granted, the rest refused as exhausted.
func TestBudgetExactUnderManyClients(t *testing.T) {
	t.Parallel()
	s, rdb := startRedis(t)
	key := keyFor(t)
	const limit, clients, perClient = 150, 6, 60
	var granted, exhausted atomic.Int64
	var reservations sync.Map
	var wg sync.WaitGroup
	for c := range clients {
		client := s.Client(t)
		b := fullstoryredis.NewBudget(client, key, limit, fullstory.BudgetMonthly)
		for g := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range perClient / 4 {
					r, err := b.Reserve(context.Background())
					switch {
					case err == nil:
						granted.Add(1)
						reservations.Store([3]int{c, g, i}, r)
					case errors.Is(err, fullstory.ErrBudgetExhausted):
						exhausted.Add(1)
					default:
						t.Error(err)
					}
				}
			}()
		}
	}
	wg.Wait()
	assert.Equal(t, int64(limit), granted.Load())
	assert.Equal(t, int64(clients*perClient-limit), exhausted.Load())
	assert.Equal(t, int64(limit), used(t, rdb, key, monthLabel()))

	// Refunds from every goroutine at once give back exactly what they took.
	refunded := 0
	reservations.Range(func(_, v any) bool {
		if refunded == 40 {
			return false
		}
		refunded++
		wg.Add(1)
		go func() {
			defer wg.Done()
			assert.NoError(t, v.(fullstory.Reservation).Refund(context.Background()))
		}()
		return true
	})
	wg.Wait()
	b := fullstoryredis.NewBudget(rdb, key, limit, fullstory.BudgetMonthly)
	left, err := b.Remaining(context.Background())
	require.NoError(t, err)
	assert.Equal(t, int64(40), left)
}

func TestBudgetRefundOnce(t *testing.T) {
	t.Parallel()
	_, rdb := startRedis(t)
	key := keyFor(t)
	b := fullstoryredis.NewBudget(rdb, key, 2, fullstory.BudgetMonthly)
	ctx := context.Background()
	r1, err := b.Reserve(ctx)
	require.NoError(t, err)
	_, err = b.Reserve(ctx)
	require.NoError(t, err)
	_, err = b.Reserve(ctx)
	require.ErrorIs(t, err, fullstory.ErrBudgetExhausted)

	require.NoError(t, r1.Refund(ctx))
	require.NoError(t, r1.Refund(ctx)) // a second refund gives nothing back
	assert.Equal(t, int64(1), used(t, rdb, key, monthLabel()))
	_, err = b.Reserve(ctx)
	require.NoError(t, err)
	_, err = b.Reserve(ctx)
	require.ErrorIs(t, err, fullstory.ErrBudgetExhausted)
}

// The periods' counters are named by period, expire a week after it ends,
// and an exhausted budget says when its period ends.
func TestBudgetPeriods(t *testing.T) {
	t.Parallel()
	_, rdb := startRedis(t)
	ctx := context.Background()
	now := time.Now().UTC()
	for _, tc := range []struct {
		per   fullstory.BudgetPeriod
		label string
		ends  time.Time
	}{
		{fullstory.BudgetDaily, now.Format("2006-01-02"), time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, time.UTC)},
		{fullstory.BudgetMonthly, now.Format("2006-01"), time.Date(now.Year(), now.Month()+1, 1, 0, 0, 0, 0, time.UTC)},
		{fullstory.BudgetTotal, "total", time.Time{}},
	} {
		t.Run(tc.per.String(), func(t *testing.T) {
			key := keyFor(t)
			b := fullstoryredis.NewBudget(rdb, key, 1, tc.per)
			_, err := b.Reserve(ctx)
			require.NoError(t, err)
			assert.Equal(t, int64(1), used(t, rdb, key, tc.label))
			expires, err := rdb.ExpireTime(ctx, "{"+key+"}:"+tc.label).Result()
			require.NoError(t, err)
			if tc.ends.IsZero() {
				assert.Equal(t, time.Duration(-1), expires, "a total budget never expires")
			} else {
				assert.Equal(t, tc.ends.Add(7*24*time.Hour).Unix(), int64(expires/time.Second))
			}
			_, err = b.Reserve(ctx)
			var ex *fullstory.BudgetExhaustedError
			require.ErrorAs(t, err, &ex)
			assert.Equal(t, &fullstory.BudgetExhaustedError{Limit: 1, Period: tc.per, ResetsAt: tc.ends}, ex)
		})
	}
}

// Redis's clock picks the period, not the process's: a process whose
// clock is a day ahead still counts today.
func TestBudgetRedisClock(t *testing.T) {
	t.Parallel()
	_, rdb := startRedis(t)
	key := keyFor(t)
	b := fullstoryredis.NewBudget(rdb, key, 5, fullstory.BudgetDaily)
	fullstoryredis.SetBudgetClock(b, func() time.Time { return time.Now().Add(24 * time.Hour) })
	_, err := b.Reserve(context.Background())
	require.NoError(t, err)
	assert.Equal(t, int64(1), used(t, rdb, key, time.Now().UTC().Format("2006-01-02")))

	fullstoryredis.SetBudgetClock(b, func() time.Time { return time.Now().Add(-72 * time.Hour) })
	_, err = b.Reserve(context.Background())
	require.ErrorIs(t, err, fullstory.ErrBudgetUnavailable, "clocks days apart are refused, not guessed")
}

// go-redis sends a command again when the connection drops before the
// reply: a reserve or a refund run twice counts once.
func TestBudgetReplayedScriptsCountOnce(t *testing.T) {
	t.Parallel()
	s, rdb := startRedis(t)
	proxy := redistest.NewProxy(t, s)
	via := redis.NewClient(proxy.Options())
	t.Cleanup(func() { via.Close() })
	key := keyFor(t)
	ctx := context.Background()
	b := fullstoryredis.NewBudget(via, key, 10, fullstory.BudgetMonthly)
	r0, err := b.Reserve(ctx) // loads the script, warms the connection
	require.NoError(t, err)
	require.NoError(t, r0.Refund(ctx))

	before := scriptCalls(t, rdb)
	proxy.DropReplies(1)
	r, err := b.Reserve(ctx)
	require.NoError(t, err)
	assert.Equal(t, before+2, scriptCalls(t, rdb), "run twice by Redis")
	assert.Equal(t, int64(1), used(t, rdb, key, monthLabel()), "and counted once")

	proxy.DropReplies(1)
	require.NoError(t, r.Refund(ctx))
	assert.Equal(t, before+4, scriptCalls(t, rdb), "the refund ran twice too")
	assert.Equal(t, int64(0), used(t, rdb, key, monthLabel()), "and gave back one")
	r2, err := b.Reserve(ctx)
	require.NoError(t, err)
	require.NoError(t, r2.Refund(ctx))
	assert.Equal(t, int64(0), used(t, rdb, key, monthLabel()))
}

// A refund goes to the counter of the period the reservation was taken
// from, not to the period of the clock: yesterday's refund does not make
// room today, and one whose counter has expired changes nothing.
func TestBudgetRefundToItsPeriod(t *testing.T) {
	t.Parallel()
	_, rdb := startRedis(t)
	key := keyFor(t)
	ctx := context.Background()
	b := fullstoryredis.NewBudget(rdb, key, 5, fullstory.BudgetDaily)
	today := time.Now().UTC().Format("2006-01-02")
	yesterday := time.Now().UTC().AddDate(0, 0, -1).Format("2006-01-02")
	r, err := b.Reserve(ctx)
	require.NoError(t, err)
	assert.Equal(t, "{"+key+"}:"+today, fullstoryredis.ReservationKey(r))

	require.NoError(t, rdb.HSet(ctx, "{"+key+"}:"+yesterday, "used", 5, "old-id", "1").Err())
	old := fullstoryredis.NewReservation(b, "old-id", "{"+key+"}:"+yesterday).(fullstory.Reservation)
	require.NoError(t, old.Refund(ctx))
	assert.Equal(t, int64(4), used(t, rdb, key, yesterday))
	assert.Equal(t, int64(1), used(t, rdb, key, today))

	gone := fullstoryredis.NewReservation(b, "gone-id", "{"+key+"}:2001-01-01").(fullstory.Reservation)
	require.NoError(t, gone.Refund(ctx))
	n, err := rdb.Exists(ctx, "{"+key+"}:2001-01-01").Result()
	require.NoError(t, err)
	assert.Zero(t, n, "a refund creates no counter")
}
