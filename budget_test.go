package fullstory_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

// The Activation budget (budget.go): a MemoryBudget on its own, and a
// Budget in the request path, one reservation per summary attempt.

const summaryOK = `{"summary":"The user added a blue mug to the cart and paid."}`

// summarize summarizes the test session.
func summarize(t *testing.T, c *fullstory.Client, opts ...fullstory.Option) (*fullstory.Summary, error) {
	t.Helper()
	return c.Sessions.Summarize(boundedContext(t, 10*time.Second), testSession, &fullstory.SummarizeRequest{Profile: "p1"}, opts...)
}

func TestMemoryBudgetReservesUpToItsLimit(t *testing.T) {
	b := fullstory.NewMemoryBudget(2, fullstory.BudgetMonthly)
	for range 2 {
		_, err := b.Reserve(t.Context())
		require.NoError(t, err)
	}
	assert.EqualValues(t, 0, b.Remaining())
	_, err := b.Reserve(t.Context())
	require.ErrorIs(t, err, fullstory.ErrBudgetExhausted)
	var ex *fullstory.BudgetExhaustedError
	require.ErrorAs(t, err, &ex)
	assert.EqualValues(t, 2, ex.Limit)
	assert.Equal(t, fullstory.BudgetMonthly, ex.Period)
	now := time.Now().UTC()
	assert.Equal(t, time.Date(now.Year(), now.Month()+1, 1, 0, 0, 0, 0, time.UTC), ex.ResetsAt)
	assert.Contains(t, err.Error(), "resets at "+ex.ResetsAt.Format(time.RFC3339))
}

// A refund gives the Activation back once, however often it is called.
func TestMemoryBudgetRefundsOnce(t *testing.T) {
	b := fullstory.NewMemoryBudget(1, fullstory.BudgetTotal)
	res, err := b.Reserve(t.Context())
	require.NoError(t, err)
	require.NoError(t, res.Refund(t.Context()))
	require.NoError(t, res.Refund(t.Context()))
	assert.EqualValues(t, 1, b.Remaining())
	_, err = b.Reserve(t.Context())
	require.NoError(t, err)
	_, err = b.Reserve(t.Context())
	assert.ErrorIs(t, err, fullstory.ErrBudgetExhausted, "two refunds of one reservation made room for two")
}

// Many goroutines take from one budget: exactly the limit succeed.
func TestMemoryBudgetIsExactUnderConcurrency(t *testing.T) {
	b := fullstory.NewMemoryBudget(50, fullstory.BudgetDaily)
	var ok, refused atomic.Int64
	var wg sync.WaitGroup
	for range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := b.Reserve(context.Background()); err == nil {
				ok.Add(1)
			} else if errors.Is(err, fullstory.ErrBudgetExhausted) {
				refused.Add(1)
			}
		}()
	}
	wg.Wait()
	assert.EqualValues(t, 50, ok.Load())
	assert.EqualValues(t, 150, refused.Load())
}

func TestBudgetPeriodBounds(t *testing.T) {
	at := time.Date(2026, 12, 31, 23, 59, 59, 0, time.FixedZone("UTC-5", -5*3600)) // 2027-01-01 04:59:59 UTC
	for _, tc := range []struct {
		p          fullstory.BudgetPeriod
		start, end time.Time
		name       string
	}{
		{fullstory.BudgetDaily, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC), "daily"},
		{fullstory.BudgetMonthly, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC), "monthly"},
		{fullstory.BudgetTotal, time.Time{}, time.Time{}, "total"},
	} {
		assert.Equal(t, tc.start, tc.p.Start(at), tc.name)
		assert.Equal(t, tc.end, tc.p.End(at), tc.name)
		assert.Equal(t, tc.name, tc.p.String())
	}
	assert.Equal(t, "BudgetPeriod(9)", fullstory.BudgetPeriod(9).String())
}

// Bad arguments are refused with ErrInvalidArgument, never a panic.
func TestBudgetBadArgumentsAreRefused(t *testing.T) {
	var nilBudget *fullstory.MemoryBudget
	for name, b := range map[string]fullstory.Budget{
		"negative limit": fullstory.NewMemoryBudget(-1, fullstory.BudgetTotal),
		"unknown period": fullstory.NewMemoryBudget(5, fullstory.BudgetPeriod(7)),
		"nil":            nil,
		"typed nil":      nilBudget,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := fullstory.NewClient("k", fullstory.WithBudget(b))
			requireInvalidArgument(t, err)
		})
	}
	// And at first use, for a budget used without WithBudget.
	_, err := fullstory.NewMemoryBudget(-1, fullstory.BudgetTotal).Reserve(t.Context())
	requireInvalidArgument(t, err)
	_, err = nilBudget.Reserve(t.Context())
	requireInvalidArgument(t, err)
	assert.Zero(t, nilBudget.Remaining())
}

// WithBudget is a Client option.
func TestWithBudgetIsAClientOption(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, summaryOK)))
	c := wireClient(t, ws)
	_, err := summarize(t, c, fullstory.WithBudget(fullstory.NewMemoryBudget(5, fullstory.BudgetTotal)))
	requireInvalidArgument(t, err)
	assert.Zero(t, ws.hits())
}

// One reservation per attempt, taken before it is sent; the attempts that
// provably spent nothing (a 429, a 503 with Retry-After, a 4xx) are
// refunded, the one that succeeded is kept.
func TestBudgetRefundsWhatSpentNothing(t *testing.T) {
	ws := newTestServer(t, wireReplies(
		wireReply{Status: http.StatusTooManyRequests, Body: `{"code":"too_many_requests","message":"slow down"}`, Header: map[string]string{"Retry-After": "0"}},
		wireReply{Status: http.StatusServiceUnavailable, Body: `{"code":"unavailable","message":"busy"}`, Header: map[string]string{"Retry-After": "0"}},
		wireJSON(http.StatusOK, summaryOK),
	))
	b := fullstory.NewMemoryBudget(10, fullstory.BudgetMonthly)
	c := wireClient(t, ws, fullstory.WithBudget(b))
	_, err := summarize(t, c)
	require.NoError(t, err)
	assert.Equal(t, 3, ws.hits())
	assert.EqualValues(t, 9, b.Remaining(), "only the summary that was made is spent")
	assert.Equal(t, fullstory.ActivationStats{Spent: 1, Refunded: 2}, c.ActivationStats())

	ws404 := newTestServer(t, wireReplies(wireStatusError(http.StatusNotFound)))
	c404 := wireClient(t, ws404, fullstory.WithBudget(b))
	_, err = summarize(t, c404)
	require.ErrorIs(t, err, fullstory.ErrNotFound)
	assert.EqualValues(t, 9, b.Remaining(), "a 404 spent nothing")
}

// What may have been made is kept: a 500, a gateway's 502 or 504, a 503
// without Retry-After, a per-attempt timeout.
func TestBudgetKeepsWhatMayHaveBeenSpent(t *testing.T) {
	for _, status := range []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout} {
		ws := newTestServer(t, wireReplies(wireStatusError(status)))
		b := fullstory.NewMemoryBudget(10, fullstory.BudgetTotal)
		c := wireClient(t, ws, fullstory.WithBudget(b))
		_, err := summarize(t, c)
		require.Error(t, err)
		assert.Equal(t, 1, ws.hits(), "%d is not retried", status)
		assert.EqualValues(t, 9, b.Remaining(), "%d keeps its Activation", status)
		assert.Equal(t, fullstory.ActivationStats{Spent: 1}, c.ActivationStats())
	}

	ws := newBlockingServer(t)
	b := fullstory.NewMemoryBudget(10, fullstory.BudgetTotal)
	c := wireClient(t, ws, fullstory.WithBudget(b), fullstory.WithTimeout(30*time.Millisecond))
	_, err := summarize(t, c)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.EqualValues(t, 9, b.Remaining(), "a timed-out summary may have been made")
}

// A connection that was refused sent nothing: every attempt is refunded,
// on a context that is not the caller's.
func TestBudgetRefundsAttemptsThatNeverLeft(t *testing.T) {
	rb := &recordingBudget{inner: fullstory.NewMemoryBudget(10, fullstory.BudgetTotal)}
	c := wireClientAt(t, closedListenerURL(t), fullstory.WithBudget(rb), fullstory.WithMaxRetries(2))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := c.Sessions.Summarize(ctx, testSession, nil)
	require.Error(t, err)
	assert.EqualValues(t, 3, rb.reserved.Load())
	assert.EqualValues(t, 3, rb.refunded.Load())
	assert.EqualValues(t, 10, rb.inner.Remaining())
	assert.Zero(t, rb.refundCtxDone.Load(), "a refund ran on a context that had ended")
	assert.Equal(t, fullstory.ActivationStats{Refunded: 3}, c.ActivationStats())
}

// An exhausted budget fails the summary before anything is sent.
func TestBudgetExhaustedSendsNothing(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, summaryOK)))
	c := wireClient(t, ws, fullstory.WithBudget(fullstory.NewMemoryBudget(1, fullstory.BudgetDaily)))
	_, err := summarize(t, c)
	require.NoError(t, err)
	_, err = summarize(t, c, fullstory.WithFreshSummary())
	require.ErrorIs(t, err, fullstory.ErrBudgetExhausted)
	assert.Contains(t, err.Error(), "/summary: not sent: Activation budget exhausted")
	assert.Contains(t, err.Error(), "resets at")
	_, isAPI := errorsAsAPI(err)
	assert.False(t, isAPI)
	assert.Equal(t, 1, ws.hits())
}

// A store that fails fails the summary before sending (fail closed), and
// the error wraps the store's; reads never touch the budget.
func TestBudgetStoreFailureFailsClosed(t *testing.T) {
	boom := errors.New("redis: connection refused")
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, okBody)))
	c := wireClient(t, ws, fullstory.WithBudget(failingBudget{boom}))
	_, err := summarize(t, c)
	require.ErrorIs(t, err, fullstory.ErrBudgetUnavailable)
	require.ErrorIs(t, err, boom)
	assert.Zero(t, ws.hits())

	_, err = c.Profiles.Get(t.Context(), "p1")
	require.NoError(t, err, "a read does not touch the budget")
	_, err = c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{UID: "u1"})
	require.NoError(t, err)
	assert.Equal(t, 2, ws.hits())
}

// One budget shared by two Clients: together they spend its limit, no more.
func TestBudgetSharedByClients(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, summaryOK)))
	b := fullstory.NewMemoryBudget(3, fullstory.BudgetTotal)
	c1 := wireClient(t, ws, fullstory.WithBudget(b))
	c2 := wireClient(t, ws, fullstory.WithBudget(b))
	var ok, exhausted int
	for i := range 6 {
		c := c1
		if i%2 == 1 {
			c = c2
		}
		_, err := c.Sessions.Summarize(t.Context(), fullstory.NewSessionID("u", string(rune('a'+i))), nil)
		switch {
		case err == nil:
			ok++
		case errors.Is(err, fullstory.ErrBudgetExhausted):
			exhausted++
		}
	}
	assert.Equal(t, 3, ok)
	assert.Equal(t, 3, exhausted)
	assert.Equal(t, 3, ws.hits())
}

// recordingBudget counts what the Client does with it.
type recordingBudget struct {
	inner                             *fullstory.MemoryBudget
	reserved, refunded, refundCtxDone atomic.Int64
}

func (b *recordingBudget) Reserve(ctx context.Context) (fullstory.Reservation, error) {
	res, err := b.inner.Reserve(ctx)
	if err != nil {
		return nil, err
	}
	b.reserved.Add(1)
	return recordingReservation{b, res}, nil
}

type recordingReservation struct {
	b   *recordingBudget
	res fullstory.Reservation
}

func (r recordingReservation) Refund(ctx context.Context) error {
	if ctx.Err() != nil {
		r.b.refundCtxDone.Add(1)
	}
	r.b.refunded.Add(1)
	return r.res.Refund(ctx)
}

// failingBudget is a store that is down.
type failingBudget struct{ err error }

func (b failingBudget) Reserve(context.Context) (fullstory.Reservation, error) { return nil, b.err }
