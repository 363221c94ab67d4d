package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/summarykit/fullstory-go/internal/pace"
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
	pacer   *pace.Pacer // nil: no pacing
	shared  Shared      // nil: none
	retries atomic.Int64
}

// New returns an Engine whose attempts wait for shared while it paces, and
// for pacer otherwise. Either may be nil.
func New(pacer *pace.Pacer, shared Shared) *Engine {
	return &Engine{pacer: pacer, shared: shared}
}

// Retries returns how many attempts the Engine has re-sent so far.
func (e *Engine) Retries() int64 { return e.retries.Load() }

// Request is one call as a method described it.
type Request struct {
	Method string
	URL    string // the whole URL, query included: never logged
	Path   string // the escaped path, for logs: never the query
	Header http.Header
	Body   []byte       // sent byte for byte on every attempt; nil: none
	HTTP   *http.Client // from WrapHTTPClient
	// Traceable says that HTTP sends through net/http's own Transport, whose
	// trace events are then the proof that an attempt never got a
	// connection, and so sent nothing.
	Traceable bool
	Policy    Policy
	Log       *slog.Logger // nil: silent. It must redact: see package fullstory
	Observer  Observer     // nil: none
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

// Result is what one attempt got.
type Result struct {
	// Status is the response's status, 0 when the attempt got no usable
	// response (then Err says why).
	Status        int
	Header        http.Header
	Body          []byte
	RetryAfter    time.Duration // the response's Retry-After, if any
	HasRetryAfter bool
	// Err is why there is no usable response: a transport error, or
	// ErrBodyTooLarge or ErrBadEncoding (with Status and Header set).
	Err error
	// NeverSent says the request provably never reached the server: it
	// failed to connect or in the TLS handshake, or an HTTP/2 server
	// refused the stream unprocessed.
	NeverSent bool
	Sent      time.Time     // when the attempt was sent
	Duration  time.Duration // from sending to the end of the body
}

// Unprocessed reports whether the attempt provably spent nothing on the
// server: it never reached it, or the server refused it before doing the
// work (a 4xx, 429 included, or a 503 that says when to come back). A
// gateway's 502 or 504, a 503 without Retry-After, a timeout or a
// connection lost after sending may all come after the work was done.
func (r *Result) Unprocessed() bool {
	if r.Err != nil {
		return r.NeverSent
	}
	return r.Status >= 400 && r.Status <= 499 || r.Status == http.StatusServiceUnavailable && r.HasRetryAfter
}

// End is why a call ended.
type End int

// Why a call ended. Package fullstory switches on it once, to build the
// caller's value or error.
const (
	EndResponse     End = iota // the last attempt got a response: Status, Header and Body
	EndTransport               // the last attempt got no response: Err
	EndTimeout                 // the last attempt ran out of its Policy.Timeout: Err
	EndBodyTooLarge            // the last response's body was over Policy.MaxBody: Status, Header, Err
	EndBadEncoding             // the last response's body was not in its Content-Encoding (gzip): Status, Header, Err
	EndHeld                    // the pacing held the call back: Err is a *pace.HeldError; Status is set if a response came before
	EndContext                 // the context ended: Err is its error; Status is set if it ended while waiting after a response
	EndRefused                 // an attempt was refused before it was sent, by the Observer or the caller's Limiter: Err says why
	EndBuild                   // the request could not be built: Err
)

// Outcome is how a call ended: why, after how many attempts, and the last
// attempt's Result.
type Outcome struct {
	Result
	End      End
	Attempts int // attempts sent
	// Stopped is why a retryable failure was not retried, if so.
	Stopped string
}

// Execute sends r until it succeeds, fails for good, runs out of retries or
// the context ends, and reports how it ended.
func (e *Engine) Execute(ctx context.Context, r *Request) *Outcome {
	out := &Outcome{}
	req, err := http.NewRequestWithContext(ctx, r.Method, r.URL, nil)
	if err != nil {
		out.End, out.Err = EndBuild, fmt.Errorf("building the request: %w", err)
		return out
	}
	req.Header = r.Header
	for {
		n := out.Attempts + 1
		if err := e.gate(ctx, r, n, out); err != nil {
			var held *pace.HeldError
			switch {
			case ctx.Err() != nil:
				out.End = EndContext
			case errors.As(err, &held):
				out.End = EndHeld
			default:
				out.End = EndRefused // the caller's Limiter failed
			}
			out.Err = err
			return out
		}
		actx := ctx
		if r.Observer != nil {
			add := make(http.Header)
			if actx, err = r.Observer.Before(ctx, n, add); err != nil {
				out.End, out.Err = EndRefused, err
				return out
			}
			req.Header = withAdded(r.Header, add)
		}
		out.Attempts = n
		out.Result = send(actx, r, req)
		if out.Status != 0 {
			e.observe(&out.Result)
		}
		retry, reason := Retryable(ctx, r.Policy.Class, &out.Result)
		out.End = ending(ctx, &out.Result)
		var d time.Duration
		if retry {
			var stopped string
			if d, stopped = nextWait(ctx, r.Policy, out, reason); stopped != "" {
				out.Stopped, retry = stopped, false
			}
		}
		if r.Observer != nil {
			a := Attempt{Result: out.Result, N: n}
			if retry {
				a.RetryReason = reason
			}
			r.Observer.After(actx, &a)
		}
		logAttempt(r, out)
		if !retry {
			return out
		}
		e.retries.Add(1)
		if r.Observer != nil {
			r.Observer.Wait(ctx, &Wait{N: n + 1, Reason: reason, D: d, Last: *out})
		}
		logRetry(r, out, reason, d)
		if err := sleep(ctx, d); err != nil {
			out.End, out.Err = EndContext, err // the last response stays: the caller learns what it said
			return out
		}
	}
}

// ending says why the call ends if the attempt that got res is its last.
func ending(ctx context.Context, res *Result) End {
	switch {
	case res.Err == nil:
		return EndResponse
	case errors.Is(res.Err, ErrBadEncoding):
		return EndBadEncoding
	case res.Status != 0:
		return EndBodyTooLarge
	case ctx.Err() != nil:
		return EndContext
	case AttemptTimedOut(ctx, res.Err):
		return EndTimeout
	}
	return EndTransport
}

// withAdded returns h, or a copy of h with the headers in add that h does
// not set already: an Observer may add headers, never replace ours.
func withAdded(h, add http.Header) http.Header {
	if len(add) == 0 {
		return h
	}
	out := h.Clone()
	for k, v := range add {
		if _, ok := out[k]; !ok {
			out[k] = v
		}
	}
	return out
}

// nextWait returns how long to wait before the next attempt, or why there is
// no next attempt.
func nextWait(ctx context.Context, p Policy, out *Outcome, reason string) (time.Duration, string) {
	if out.Attempts > p.MaxRetries {
		return 0, fmt.Sprintf("%s; no retries left after %s", reason, shared.Attempts(out.Attempts))
	}
	wait := Backoff(p.WaitMin, p.WaitMax, out.Attempts-1)
	if out.HasRetryAfter && (out.Status == http.StatusTooManyRequests || out.Status == http.StatusServiceUnavailable) {
		if out.RetryAfter > p.MaxRetryAfter {
			return 0, fmt.Sprintf("%s; Retry-After %s is longer than the %s cap", reason, out.RetryAfter, p.MaxRetryAfter)
		}
		wait = out.RetryAfter
	}
	if deadline, ok := ctx.Deadline(); ok && time.Now().Add(wait).After(deadline) {
		return 0, OutlastsDeadline(reason, wait)
	}
	return wait, ""
}

// OutlastsDeadline is Outcome.Stopped for a retry whose wait would outlast
// the context's deadline.
func OutlastsDeadline(reason string, wait time.Duration) string {
	return fmt.Sprintf("%s; waiting %s more would outlast the context deadline", reason, wait.Round(time.Millisecond))
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
