package fullstory

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/summarykit/fullstory-go/internal/engine"
	"github.com/summarykit/fullstory-go/internal/pace"
)

// Limiter is a rate limiter of your own that every attempt of a Client
// waits for, such as a *rate.Limiter from golang.org/x/time/rate or one
// backed by Redis that a fleet of services shares. Wait blocks until one
// attempt may start, or returns an error: then nothing is sent and the call
// fails with that error (a *rate.Limiter's error for a wait past the
// context's deadline counts as rate limited, like ErrRateLimited's waits).
type Limiter interface {
	Wait(ctx context.Context) error
}

// WithLimiter makes every attempt of the Client, retries included, wait for
// l after the Client's own pacing, so a fleet can keep a hard shared
// ceiling. A *rate.Limiter satisfies Limiter as it is:
//
//	lim := rate.NewLimiter(100, 5) // 100 attempts a second, bursts of 5
//	c, err := fullstory.NewClient(key, fullstory.WithLimiter(lim))
//
// A limiter of another shape needs a small adapter, for example one that
// takes a token from a shared store:
//
//	type redisLimiter struct{ l *redis_rate.Limiter; key string }
//
//	func (r redisLimiter) Wait(ctx context.Context) error {
//		for {
//			res, err := r.l.Allow(ctx, r.key, redis_rate.PerSecond(100))
//			if err != nil || res.Allowed > 0 {
//				return err
//			}
//			select {
//			case <-ctx.Done():
//				return ctx.Err()
//			case <-time.After(res.RetryAfter):
//			}
//		}
//	}
//
// A limiter that also implements AdaptiveLimiter replaces the Client's own
// pacing while it paces. It is a Client option: a method refuses it. nil
// removes the limiter.
func WithLimiter(l Limiter) Option {
	return func(s *settings) error {
		if err := s.clientOnly("limiter"); err != nil {
			return err
		}
		if isNil(l) {
			l = nil
		}
		s.limiter = l
		return nil
	}
}

// AdaptiveLimiter is a Limiter that learns the account's rate from the
// answers of the Clients that use it, and paces them in place of their own
// pacing while it can: fullstoryredis.NewLimiter is one, shared by a fleet.
//
// The Client reports every answer an attempt got to Observe. Before each
// attempt it asks Pacing: while the limiter paces, the Client waits for it
// alone; while it does not (its store is unreachable, say), the Client
// paces itself, as without a limiter, and does not call Wait. A Wait that
// fails while the context lives does not fail the call either: the Client
// paces that attempt itself. The exceptions: an error that matches
// ErrRateLimited, by which the limiter says the wait would outlast the
// context's deadline, ends the call held, as described at ErrRateLimited's
// waits (an *APIError 429 with Attempts 0); one that matches
// ErrInvalidArgument (the limiter was given bad arguments) ends it unsent
// with that error.
type AdaptiveLimiter interface {
	Limiter
	// Observe is told of every answer an attempt got. It must return
	// quickly: it is called on the call's goroutine.
	Observe(a Answer)
	// Pacing reports whether the limiter paces the Client right now.
	Pacing() bool
}

// Answer is what one attempt was answered, for an AdaptiveLimiter.
type Answer struct {
	Status     int           // the HTTP status
	RetryAfter time.Duration // the Retry-After it carried; 0 when none
	Sent       time.Time     // when the attempt was sent
}

// RateStats are a Client's pacing figures, for metrics.
type RateStats struct {
	// Rate is the attempts per second the Client has learned to send at,
	// 0 while it is unpaced (no 429 for a while, or never).
	Rate float64
	// Throttled counts the attempts answered 429 since NewClient.
	Throttled int64
	// Retries counts the attempts that were retries since NewClient.
	Retries int64
}

// RateStats returns the Client's learned rate and its counts of 429s and
// retries. It is safe to call at any time, from any goroutine.
func (c *Client) RateStats() RateStats {
	st := c.pacer.Stats()
	return RateStats{Rate: st.Rate, Throttled: st.Throttled, Retries: c.engine.Retries()}
}

// sharedLimiter returns the engine's view of an AdaptiveLimiter given with
// WithLimiter, or nil.
func (c *Client) sharedLimiter() engine.Shared {
	if al, ok := c.settings.limiter.(AdaptiveLimiter); ok {
		return adaptive{al}
	}
	return nil
}

// adaptive is an AdaptiveLimiter as the engine sees it.
type adaptive struct{ l AdaptiveLimiter }

func (a adaptive) Pacing() bool { return a.l.Pacing() }

func (a adaptive) Observe(status int, retryAfter time.Duration, sent time.Time) {
	a.l.Observe(Answer{Status: status, RetryAfter: retryAfter, Sent: sent})
}

func (a adaptive) Wait(ctx context.Context) error {
	err := a.l.Wait(ctx)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrRateLimited):
		return &pace.HeldError{Cause: err}
	case errors.Is(err, ErrInvalidArgument):
		// A limiter given bad arguments is a mistake to fix, not an
		// outage to pace around.
		return &engine.Refusal{Err: err}
	}
	return err
}

// paceConfig returns the pacing of the Client's settings.
func (c *Client) paceConfig() pace.Config {
	s := &c.settings
	cfg := pace.Config{Ceiling: s.ratePerSecond, Burst: s.rateBurst, MaxPause: s.maxRetryAfter}
	if cfg.MaxPause == 0 {
		cfg.MaxPause = -1 // WithMaxRetryAfter(0): no Retry-After is waited for
	}
	if _, adaptive := s.limiter.(AdaptiveLimiter); s.limiter != nil && !adaptive {
		cfg.Limiter = s.limiter
	}
	// The Client's redactor, like every log line: the key is the only
	// secret a rate change could meet.
	l := (&redactor{apiKey: c.apiKey}).logger(s.logger)
	var hooks []func(old, new float64)
	for _, h := range s.hooks {
		if h.RateChange != nil {
			hooks = append(hooks, h.RateChange)
		}
	}
	if l != nil || len(hooks) > 0 {
		cfg.OnRateChange = func(old, new float64, reason string) {
			if l != nil {
				l.LogAttrs(context.Background(), slog.LevelDebug, "fullstory: pacing",
					slog.Float64("old_rate", old), slog.Float64("rate", new), slog.String("reason", reason))
			}
			for _, h := range hooks {
				h(old, new)
			}
		}
	}
	return cfg
}
