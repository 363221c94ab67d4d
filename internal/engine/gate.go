package engine

import (
	"context"
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

// HeldError is an Outcome.Err for a call that the Gate held back because the
// wait would outlast the context's deadline. Nothing was sent.
type HeldError struct {
	Wait   time.Duration // how long the call would have had to wait; 0: not known
	Reason string        // what held it: the server's pause or the client-side limit
}

func (e *HeldError) Error() string {
	if e.Wait > 0 {
		return fmt.Sprintf("waiting %s for %s would outlast the context deadline", e.Wait.Round(time.Millisecond), e.Reason)
	}
	return "waiting for " + e.Reason + " would outlast the context deadline"
}

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
			return &HeldError{Wait: pause, Reason: "the pause the server asked for"}
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
			return &HeldError{Reason: "the client-side rate limit"}
		}
	}
	return nil
}

// Observe pauses every attempt of the Client after a 429 with a Retry-After
// of ra, so that concurrent calls do not each find the limit. A pause longer
// than maxPause is not taken: such calls return the 429 at once instead.
func (g *Gate) Observe(status int, ra time.Duration, ok bool, maxPause time.Duration) {
	if g == nil || status != http.StatusTooManyRequests || !ok || ra <= 0 || ra > maxPause {
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
