package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/summarykit/fullstory-go/internal/shared"
)

// Why the loop is ours, and not go-retryablehttp's: to use its Client.Do we
// would have to disable most of what it does. It closes every idle
// connection of the Client after a failed call; it returns a bare ctx.Err()
// and loses the last response when the context ends during a wait; its
// Backoff sees neither the context nor the error; and its requests carry
// GetBody, which lets net/http re-send a keyed write on a reused connection
// behind the retry policy's back. The loop below is the policy, whole.

// Engine sends the calls of one fullstory.Client. It is safe for concurrent
// use.
type Engine struct {
	pacer   Pacer
	retries atomic.Int64
}

// New returns an Engine whose attempts all wait for pacer (nil: none).
func New(pacer Pacer) *Engine { return &Engine{pacer: pacer} }

// Retries returns how many attempts the Engine has re-sent so far.
func (e *Engine) Retries() int64 { return e.retries.Load() }

// Request is one call as a method described it.
type Request struct {
	Method string
	URL    string // the whole URL, query included: never logged
	Path   string // the escaped path, for logs: never the query
	Header http.Header
	Body   []byte // sent byte for byte on every attempt; nil: none

	HTTP   *http.Client // from WrapHTTPClient
	Policy Policy
	Log    *slog.Logger // nil: silent. It must redact: see package fullstory
}

// Policy is one call's retry and size settings.
type Policy struct {
	Class         Class
	MaxRetries    int           // retries after the first attempt
	WaitMin       time.Duration // first backoff
	WaitMax       time.Duration // backoff ceiling
	MaxRetryAfter time.Duration // longest Retry-After waited for
	Timeout       time.Duration // per attempt, headers and body; 0: none
	MaxBody       int64         // largest body read; 0: unlimited
}

// Outcome is how a call ended.
type Outcome struct {
	Attempts int // attempts sent

	// The last response, when the last attempt got one: Status is 0 when
	// it did not (then Err says why).
	Status        int
	Header        http.Header
	Body          []byte
	RetryAfter    time.Duration // the last response's Retry-After, if any
	hasRetryAfter bool

	// Err is why the call ended without a usable last response: the
	// request could not be built (*BuildError), the Pacer held it back
	// (*HeldError), a transport error, a body over the limit
	// (ErrBodyTooLarge), or the context, which may end during a wait after
	// a response (then Status is still set).
	Err error
	// Stopped is why a retryable failure was not retried, if so.
	Stopped string
	// Timeout is the per-attempt timeout that applied.
	Timeout time.Duration
}

// BuildError is an Outcome.Err for a request that could not be built: nothing
// was sent.
type BuildError struct{ Err error }

func (e *BuildError) Error() string { return "building the request: " + e.Err.Error() }
func (e *BuildError) Unwrap() error { return e.Err }

// Execute sends r until it succeeds, fails for good, runs out of retries or
// the context ends, and reports how it ended.
func (e *Engine) Execute(ctx context.Context, r *Request) *Outcome {
	out := &Outcome{Timeout: r.Policy.Timeout}
	req, err := http.NewRequestWithContext(ctx, r.Method, r.URL, nil)
	if err != nil {
		out.Err = &BuildError{err}
		return out
	}
	req.Header = r.Header
	for {
		if err := wait(ctx, e.pacer); err != nil {
			out.Err = err
			return out
		}
		out.Attempts++
		start := time.Now()
		res := send(ctx, r, req)
		out.Status, out.Header, out.Body, out.Err = res.status, res.header, res.body, res.err
		out.RetryAfter, out.hasRetryAfter = 0, false
		if res.header != nil {
			out.RetryAfter, out.hasRetryAfter = ParseRetryAfter(res.header.Get("Retry-After"), time.Now())
			if e.pacer != nil {
				e.pacer.Observe(res.status, out.RetryAfter, out.hasRetryAfter && res.status == http.StatusTooManyRequests)
			}
		}
		logAttempt(r, out, time.Since(start))
		if errors.Is(out.Err, ErrBodyTooLarge) || ctx.Err() != nil {
			return out
		}

		retry, reason := Retryable(ctx, r.Policy.Class, out.Status, out.Err)
		if !retry {
			return out
		}
		d, stopped := nextWait(ctx, r.Policy, out, reason)
		if stopped != "" {
			out.Stopped = stopped
			return out
		}
		e.retries.Add(1)
		logRetry(r, out, reason, d)
		if err := sleep(ctx, d); err != nil {
			out.Err = err // the last response stays: the caller learns what it said
			return out
		}
	}
}

// nextWait returns how long to wait before the next attempt, or why there is
// no next attempt.
func nextWait(ctx context.Context, p Policy, out *Outcome, reason string) (time.Duration, string) {
	if out.Attempts > p.MaxRetries {
		return 0, fmt.Sprintf("%s; no retries left after %s", reason, shared.Attempts(out.Attempts))
	}
	wait := Backoff(p.WaitMin, p.WaitMax, out.Attempts-1)
	if out.hasRetryAfter && (out.Status == http.StatusTooManyRequests || out.Status == http.StatusServiceUnavailable) {
		if out.RetryAfter > p.MaxRetryAfter {
			return 0, fmt.Sprintf("%s; Retry-After %s is longer than the %s cap", reason, out.RetryAfter, p.MaxRetryAfter)
		}
		wait = out.RetryAfter
	}
	if deadline, ok := ctx.Deadline(); ok && time.Now().Add(wait).After(deadline) {
		return 0, fmt.Sprintf("%s; waiting %s more would outlast the context deadline", reason, wait.Round(time.Millisecond))
	}
	return wait, ""
}

// sleep waits for d, or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
