package pace

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

type rateChange struct {
	old, new float64
	reason   string
}

func newTestPacer(cfg Config) (*Pacer, *fakeClock, *[]rateChange) {
	clock := newFakeClock()
	var changes []rateChange
	cfg.Now, cfg.NewTimer = clock.Now, clock.NewTimer
	cfg.OnRateChange = func(old, new float64, reason string) { changes = append(changes, rateChange{old, new, reason}) }
	return New(cfg), clock, &changes
}

// succeed records n successes spread over d.
func succeed(p *Pacer, clock *fakeClock, n int, d time.Duration) {
	for range n {
		clock.Advance(d / time.Duration(n))
		p.Observe(http.StatusOK, 0, false)
	}
}

// engage paces p at about perSecond: perSecond successes in a second, then
// a 429.
func engage(t *testing.T, p *Pacer, clock *fakeClock, perSecond int) {
	t.Helper()
	succeed(p, clock, perSecond, time.Second)
	p.Observe(http.StatusTooManyRequests, time.Second, true)
	require.InDelta(t, float64(perSecond), p.Stats().Rate, 1e-9)
}

func TestUnpacedUntilTheFirst429(t *testing.T) {
	p, clock, changes := newTestPacer(Config{})
	for range 100 {
		require.NoError(t, p.Wait(t.Context()))
		p.Observe(http.StatusOK, 0, false)
		p.Observe(http.StatusInternalServerError, 0, false) // not a 429: a success for pacing
	}
	assert.False(t, p.active.Load(), "Wait takes the fast path")
	assert.Empty(t, clock.pending(), "nobody waited")
	assert.Equal(t, Stats{}, p.Stats())
	assert.Empty(t, *changes)
}

// A 429 storm from the start has nothing to pace to: each request waits out
// its own Retry-After, and the rest of the Client is not slowed.
func TestA429StormWithoutSuccessesPacesNothing(t *testing.T) {
	p, clock, _ := newTestPacer(Config{})
	for range 50 {
		p.Observe(http.StatusTooManyRequests, 0, true)
		clock.Advance(time.Millisecond)
		require.NoError(t, p.Wait(t.Context()))
	}
	assert.Equal(t, Stats{Throttled: 50}, p.Stats())
	assert.Empty(t, clock.pending())
}

func TestTheFirst429PacesAtTheRateOfTheSuccessesBefore(t *testing.T) {
	p, clock, changes := newTestPacer(Config{})
	engage(t, p, clock, 40)
	assert.Equal(t, []rateChange{{0, 40, "first 429"}}, *changes)
	assert.Equal(t, Stats{Rate: 40, Throttled: 1}, p.Stats())

	// A first burst does not read as a rate: 10 successes at once count
	// as 10 in 100ms.
	p, clock, _ = newTestPacer(Config{})
	succeed(p, clock, 10, time.Millisecond)
	p.Observe(http.StatusTooManyRequests, time.Second, true)
	assert.InDelta(t, 100, p.Stats().Rate, 1e-9)
}

// Callers that wait are released one at a time, 1/rate apart, never
// together; the first goes at once.
func TestWaitingCallersGoOneAtATime(t *testing.T) {
	p, clock, _ := newTestPacer(Config{})
	engage(t, p, clock, 10) // 100ms apart
	start := clock.Now()
	require.NoError(t, p.Wait(t.Context()))
	const callers = 4
	released := make(chan time.Time, callers)
	var wg sync.WaitGroup
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			assert.NoError(t, p.Wait(t.Context()))
			released <- clock.Now()
		}()
	}
	clock.awaitTimers(callers)
	for range callers {
		clock.Advance(50 * time.Millisecond)
		assert.Empty(t, released, "released between slots")
		clock.Advance(50 * time.Millisecond)
		got := <-released
		assert.Empty(t, released, "two callers released together")
		assert.Zero(t, got.Sub(start)%(100*time.Millisecond), "released off the 100ms grid")
	}
	wg.Wait()
}

func TestAWaitPastTheDeadlineReturnsAtOnce(t *testing.T) {
	p, clock, _ := newTestPacer(Config{})
	engage(t, p, clock, 10)
	require.NoError(t, p.Wait(t.Context())) // the next slot is 100ms away

	ctx, cancel := context.WithDeadline(t.Context(), clock.Now().Add(50*time.Millisecond))
	defer cancel()
	err := p.Wait(ctx)
	var tooLong *HeldError
	require.ErrorAs(t, err, &tooLong)
	assert.Equal(t, 100*time.Millisecond, tooLong.Wait)
	assert.Nil(t, errors.Unwrap(err))
	assert.Contains(t, err.Error(), "100ms")
	assert.Empty(t, clock.pending(), "it waited")

	// It took no slot: the next caller gets the one it was refused.
	done := make(chan struct{})
	go func() {
		defer close(done)
		assert.NoError(t, p.Wait(t.Context()))
	}()
	clock.awaitTimers(1)
	assert.Equal(t, []time.Time{clock.Now().Add(100 * time.Millisecond)}, clock.pending())
	clock.Advance(100 * time.Millisecond)
	<-done
}

// A caller whose context ends while it waits returns the context's error,
// and its slot goes to the next caller when nobody took a later one.
func TestACancelledWaitGivesItsSlotBack(t *testing.T) {
	p, clock, _ := newTestPacer(Config{})
	engage(t, p, clock, 10)
	require.NoError(t, p.Wait(t.Context()))
	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error)
	go func() { errc <- p.Wait(ctx) }()
	clock.awaitTimers(1)
	cancel()
	assert.ErrorIs(t, <-errc, context.Canceled)

	go func() { errc <- p.Wait(t.Context()) }()
	clock.awaitTimers(1)
	assert.Equal(t, []time.Time{clock.Now().Add(100 * time.Millisecond)}, clock.pending())
	clock.Advance(100 * time.Millisecond)
	assert.NoError(t, <-errc)

	cancelled, cancel2 := context.WithCancel(t.Context())
	cancel2()
	assert.ErrorIs(t, p.Wait(cancelled), context.Canceled)
}

// A short Retry-After (Fullstory's usual 1s) does not pause the rest of the
// Client; a long one pauses every attempt until then, released paced.
func TestRetryAfter(t *testing.T) {
	t.Run("short", func(t *testing.T) {
		p, clock, _ := newTestPacer(Config{})
		p.Observe(http.StatusTooManyRequests, ShortRetryAfter, true)
		assert.NoError(t, p.Wait(t.Context()))
		assert.Empty(t, clock.pending())
	})
	t.Run("long", func(t *testing.T) {
		p, clock, _ := newTestPacer(Config{})
		p.Observe(http.StatusTooManyRequests, 30*time.Second, true)
		assert.Equal(t, startRate, p.Stats().Rate, "nothing learned: released at the start rate")

		ctx, cancel := context.WithDeadline(t.Context(), clock.Now().Add(3*time.Second))
		defer cancel()
		var tooLong *HeldError
		require.ErrorAs(t, p.Wait(ctx), &tooLong)
		assert.Equal(t, 30*time.Second, tooLong.Wait)

		var wg sync.WaitGroup
		for range 3 {
			wg.Add(1)
			go func() { defer wg.Done(); assert.NoError(t, p.Wait(t.Context())) }()
		}
		clock.awaitTimers(3)
		end := clock.Now().Add(30 * time.Second)
		assert.ElementsMatch(t, []time.Time{end, end.Add(100 * time.Millisecond), end.Add(200 * time.Millisecond)}, clock.pending())
		clock.Advance(31 * time.Second)
		wg.Wait()
	})
	t.Run("beyond MaxPause", func(t *testing.T) {
		p, clock, _ := newTestPacer(Config{MaxPause: 10 * time.Second})
		p.Observe(http.StatusTooManyRequests, 11*time.Second, true)
		assert.NoError(t, p.Wait(t.Context()))
		assert.Empty(t, clock.pending())
	})
}

// drive runs attempts at the pace of p for d: each caller's attempt is
// answered by accept, at the time it starts.
func drive(t *testing.T, p *Pacer, clock *fakeClock, d time.Duration, accept func() bool) {
	t.Helper()
	end := clock.Now().Add(d)
	for clock.Now().Before(end) {
		done := make(chan struct{})
		go func() {
			defer close(done)
			assert.NoError(t, p.Wait(t.Context()))
		}()
		select {
		case <-done:
		case <-clock.added:
			clock.Advance(nextTimer(clock))
			<-done
		}
		if accept() {
			p.Observe(http.StatusOK, 0, false)
		} else {
			p.Observe(http.StatusTooManyRequests, time.Second, true)
		}
	}
}

func nextTimer(clock *fakeClock) time.Duration {
	at := clock.pending()
	if len(at) == 0 {
		return 0
	}
	return at[0].Sub(clock.Now())
}

// bucket is the server's token bucket, on the fake clock.
func bucket(clock *fakeClock, perSecond, burst float64) func() bool {
	tokens, last := burst, clock.Now()
	return func() bool {
		now := clock.Now()
		tokens = min(burst, tokens+now.Sub(last).Seconds()*perSecond)
		last = now
		if tokens >= 1 {
			tokens--
			return true
		}
		return false
	}
}

// Against a server that accepts 50/s, a Client that learned 100/s cuts to
// just under 50/s once the bucket is empty, and holds about there.
func TestACutPacesJustUnderWhatTheServerAccepted(t *testing.T) {
	p, clock, changes := newTestPacer(Config{})
	engage(t, p, clock, 100)
	server := bucket(clock, 50, 1)
	drive(t, p, clock, 3*time.Second, server)
	r := p.Stats().Rate
	assert.Greater(t, r, 40.0)
	assert.Less(t, r, 55.0)
	var cuts int
	for _, c := range *changes {
		if strings.HasPrefix(c.reason, "429: ") {
			cuts++
			assert.Less(t, c.new, c.old)
		}
	}
	assert.Positive(t, cuts)
}

// A limit that rises is followed: the probe grows while callers wait.
func TestTheProbeFollowsARisingLimit(t *testing.T) {
	p, clock, _ := newTestPacer(Config{})
	engage(t, p, clock, 20)
	drive(t, p, clock, 6*time.Second, bucket(clock, 200, 5))
	assert.Greater(t, p.Stats().Rate, 150.0)
}

func TestNoProbeWhileNobodyWaits(t *testing.T) {
	p, clock, _ := newTestPacer(Config{})
	engage(t, p, clock, 20)
	for range 30 { // one attempt every 100ms: under the pace, nobody waits
		clock.Advance(100 * time.Millisecond)
		require.NoError(t, p.Wait(t.Context()))
		p.Observe(http.StatusOK, 0, false)
	}
	assert.Equal(t, 0.0, p.Stats().Rate, "unpaced after the quiet spell")
	p, clock, _ = newTestPacer(Config{})
	engage(t, p, clock, 20)
	for range 15 {
		clock.Advance(100 * time.Millisecond)
		require.NoError(t, p.Wait(t.Context()))
	}
	assert.Equal(t, 20.0, p.Stats().Rate)
}

// After a storm of 429s with no successes drove the rate to its floor, a
// quiet spell returns the Client to unpaced, and callers still waiting are
// released paced, not together.
func TestAQuietSpellReturnsToUnpaced(t *testing.T) {
	p, clock, changes := newTestPacer(Config{})
	engage(t, p, clock, 100)
	for range 20 {
		clock.Advance(time.Second)
		p.Observe(http.StatusTooManyRequests, time.Second, true)
	}
	stormRate := p.Stats().Rate
	assert.Less(t, stormRate, 2.0, "each 429 with no success cut the rate")
	require.NoError(t, p.Wait(t.Context()))
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() { defer wg.Done(); assert.NoError(t, p.Wait(t.Context())) }()
	}
	clock.awaitTimers(3) // about 1s apart
	clock.Advance(quietReset)
	// The first due is released and the tick on its way unpaces: the
	// others are rescheduled releaseSpacing apart.
	require.NoError(t, p.Wait(t.Context()))
	assert.Equal(t, 0.0, p.Stats().Rate)
	assert.Equal(t, rateChange{stormRate, 0, "no 429 for 2s"}, (*changes)[len(*changes)-1])
	for len(clock.pending()) > 0 {
		clock.Advance(releaseSpacing)
	}
	wg.Wait()
	assert.False(t, p.active.Load(), "back on the fast path")
}

func TestTheCeilingIsNeverExceeded(t *testing.T) {
	p, clock, _ := newTestPacer(Config{Ceiling: 10, Burst: 2})
	require.NoError(t, p.Wait(t.Context()))
	require.NoError(t, p.Wait(t.Context()))
	ctx, cancel := context.WithDeadline(t.Context(), clock.Now().Add(99*time.Millisecond))
	defer cancel()
	var tooLong *HeldError
	require.ErrorAs(t, p.Wait(ctx), &tooLong, "the burst is spent")
	assert.Equal(t, 100*time.Millisecond, tooLong.Wait)

	// Learning never raises the pace above the ceiling.
	p, clock, _ = newTestPacer(Config{Ceiling: 10, Burst: 2})
	engage2 := func() {
		succeed(p, clock, 500, time.Second)
		p.Observe(http.StatusTooManyRequests, time.Second, true)
	}
	engage2()
	assert.Equal(t, 10.0, p.Stats().Rate)
	drive(t, p, clock, 3*time.Second, func() bool { return true })
	assert.LessOrEqual(t, p.Stats().Rate, 10.0)
}

type countingLimiter struct {
	mu  sync.Mutex
	n   int
	err error
}

func (l *countingLimiter) Wait(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n++
	return l.err
}

func TestTheLimiterIsWaitedForEveryAttempt(t *testing.T) {
	lim := &countingLimiter{}
	p, _, _ := newTestPacer(Config{Limiter: lim})
	for range 3 {
		require.NoError(t, p.Wait(t.Context()))
	}
	assert.Equal(t, 3, lim.n)

	boom := errors.New("redis: connection refused")
	lim.err = boom
	assert.ErrorIs(t, p.Wait(t.Context()), boom)
	var tooLong *HeldError
	assert.False(t, errors.As(p.Wait(t.Context()), &tooLong), "no deadline: the limiter's error as it is")

	ctx, cancel := context.WithTimeout(t.Context(), time.Hour)
	defer cancel()
	err := p.Wait(ctx)
	require.ErrorAs(t, err, &tooLong, "under a deadline, a limiter's refusal is a wait too long")
	assert.ErrorIs(t, err, boom)
}
