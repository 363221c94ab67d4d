package retry

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Gate holds back every attempt of one Client: while the server has asked
// for a pause with a 429 and Retry-After, and, when set, to a client-side
// rate. A Gate is shared by all calls of a Client and safe for concurrent use.
type Gate struct {
	limiter *rate.Limiter // nil: no client-side limit

	until atomic.Int64 // unix nanoseconds; no attempt starts before this
}

// NewGate returns a Gate; perSecond > 0 adds a client-side limit of that many
// attempts per second with the given burst.
func NewGate(perSecond float64, burst int) *Gate {
	g := &Gate{}
	if perSecond > 0 {
		g.limiter = rate.NewLimiter(rate.Limit(perSecond), max(burst, 1))
	}
	return g
}

// ErrWaitTooLong is returned when an attempt would have to wait past the
// context's deadline for the Gate; nothing was sent.
var ErrWaitTooLong = errors.New("waiting for the rate limit would outlast the context deadline")

// Wait blocks until an attempt may start, or the context ends.
func (g *Gate) Wait(ctx context.Context) error {
	if g == nil {
		return nil
	}
	if until := g.until.Load(); until != 0 {
		pause := time.Until(time.Unix(0, until))
		if pause <= 0 {
			return g.limit(ctx)
		}
		if deadline, ok := ctx.Deadline(); ok && time.Now().Add(pause).After(deadline) {
			return fmt.Errorf("%w (the server asked for a %s pause)", ErrWaitTooLong, pause.Round(time.Millisecond))
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
	return g.limit(ctx)
}

// limit waits for the client-side rate limiter, if there is one.
func (g *Gate) limit(ctx context.Context) error {
	if g.limiter != nil {
		if err := g.limiter.Wait(ctx); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("%w (client-side rate limit)", ErrWaitTooLong)
		}
	}
	return nil
}

// observe pauses every attempt of the Client after a 429 with Retry-After,
// so that concurrent calls do not each find the limit. A pause longer than
// maxPause is not taken: such calls return the 429 at once instead.
func (g *Gate) observe(resp *http.Response, maxPause time.Duration) {
	if g == nil || resp.StatusCode != http.StatusTooManyRequests {
		return
	}
	ra, ok := ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	if !ok || ra <= 0 || ra > maxPause {
		return
	}
	until := time.Now().Add(ra).UnixNano()
	for {
		cur := g.until.Load()
		if until <= cur || g.until.CompareAndSwap(cur, until) {
			return
		}
	}
}
