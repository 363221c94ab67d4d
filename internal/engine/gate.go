package engine

import (
	"context"
	"errors"
	"time"

	"github.com/summarykit/fullstory-go/internal/pace"
)

// Shared is a limiter that other Clients share, which paces the Client in
// place of its own Pacer while it can (fullstory.AdaptiveLimiter).
type Shared interface {
	// Pacing reports whether it paces the Client now.
	Pacing() bool
	// Wait blocks until an attempt may start. A *pace.HeldError says the
	// wait would outlast ctx's deadline, a *Refusal that the call must not
	// be sent (the limiter is misconfigured); any other error, that it
	// cannot pace this attempt.
	Wait(ctx context.Context) error
	// Observe is told of every answer.
	Observe(status int, retryAfter time.Duration, sent time.Time)
}

// Refusal is a Shared limiter's error that ends the call unsent, instead of
// letting the Client pace the attempt itself.
type Refusal struct{ Err error }

func (r *Refusal) Error() string { return r.Err.Error() }
func (r *Refusal) Unwrap() error { return r.Err }

// gate waits until attempt n of r may start: for the shared limiter while
// it paces, else for the Pacer. It returns a *pace.HeldError when the wait
// would outlast ctx's deadline, or ctx's error.
func (e *Engine) gate(ctx context.Context, r *Request, n int, out *Outcome) error {
	if s := e.shared; s != nil && s.Pacing() {
		if r.Observer != nil {
			r.Observer.Wait(ctx, &Wait{N: n, Reason: "pacing", Last: *out})
		}
		err := s.Wait(ctx)
		var (
			held    *pace.HeldError
			refusal *Refusal
		)
		switch {
		case err == nil:
			return nil
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.As(err, &held):
			return err
		case errors.As(err, &refusal):
			return refusal.Err
		}
		// It cannot pace this attempt: the Client paces it itself.
	}
	if e.pacer == nil {
		return nil
	}
	var notify func(time.Duration)
	if r.Observer != nil {
		notify = func(d time.Duration) { r.Observer.Wait(ctx, &Wait{N: n, Reason: "pacing", D: d, Last: *out}) }
	}
	return e.pacer.WaitNotify(ctx, notify)
}

// observe reports an answer to whoever paces.
func (e *Engine) observe(res *Result) {
	if e.pacer != nil {
		e.pacer.Observe(res.Status, res.RetryAfter, res.HasRetryAfter && res.Status == 429)
	}
	if e.shared != nil {
		e.shared.Observe(res.Status, res.RetryAfter, res.Sent)
	}
}
