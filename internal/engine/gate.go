package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/summarykit/fullstory-go/internal/pace"
)

// Pacer holds back the attempts of one Client (package pace): it learns the
// server's rate from the answers it observes, pauses the Client after a long
// Retry-After, and keeps to the WithRateLimit ceiling and a WithLimiter
// limiter. It is shared by all calls of a Client.
type Pacer interface {
	Wait(ctx context.Context) error
	Observe(status int, retryAfter time.Duration, ok bool)
}

// HeldError is an Outcome.Err for a call that the Pacer held back because the
// wait would outlast the context's deadline. Nothing was sent.
type HeldError struct {
	Wait  time.Duration // how long the call would have had to wait; 0: not known
	Cause error         // the caller's Limiter's error, if it was the Limiter
}

func (e *HeldError) Error() string {
	msg := "waiting for the Client's pacing would outlast the context deadline"
	if e.Wait > 0 {
		msg = fmt.Sprintf("waiting %s for the Client's pacing would outlast the context deadline", e.Wait.Round(time.Millisecond))
	}
	if e.Cause != nil {
		msg += ": " + e.Cause.Error()
	}
	return msg
}

func (e *HeldError) Unwrap() error { return e.Cause }

// wait waits until p lets an attempt start.
func wait(ctx context.Context, p Pacer) error {
	if p == nil {
		return nil
	}
	err := p.Wait(ctx)
	var tooLong *pace.TooLongError
	if errors.As(err, &tooLong) {
		return &HeldError{Wait: tooLong.Wait, Cause: tooLong.Cause}
	}
	return err
}
