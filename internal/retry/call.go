package retry

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/summarykit/fullstory-go/internal/shared"
)

// Policy is one call's retry settings.
type Policy struct {
	Class         Class
	MaxRetries    int           // retries after the first attempt
	WaitMin       time.Duration // first backoff
	WaitMax       time.Duration // backoff ceiling
	MaxRetryAfter time.Duration // longest Retry-After waited for
	Timeout       time.Duration // per attempt, headers and body; 0: none
	MaxBody       int64         // largest body read; 0: unlimited
	Logger        *slog.Logger  // nil: silent
	Method, Path  string        // for log lines; the path never has a query
}

// Call is the state of one logical call across its attempts. The hooks of
// NewClient find it in the request's context (WithCall); they all run on the
// goroutine that called Do, so it needs no lock.
type Call struct {
	Policy

	Attempts   int           // attempts made so far
	Status     int           // status of the last response, 0 if none
	Header     http.Header   // headers of the last response
	Body       []byte        // body of the last response
	RetryAfter time.Duration // Retry-After of the last response, if any
	Stopped    string        // why a retryable failure was not retried, if so

	start time.Time
	wait  time.Duration
}

// NewCall returns the state of a call that follows p.
func NewCall(p Policy) *Call { return &Call{Policy: p} }

type callKey struct{}

// WithCall returns a context that carries c to Transport.
func WithCall(ctx context.Context, c *Call) context.Context {
	return context.WithValue(ctx, callKey{}, c)
}

func callFrom(ctx context.Context) *Call {
	c, _ := ctx.Value(callKey{}).(*Call)
	return c
}

// checkRetry reads the whole response body (so that a body cut off mid-way is
// a failure of the attempt, retried like a connection error where that is
// safe), then decides whether to try again and how long to wait.
func (c *Call) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	c.Attempts++
	c.Status, c.Header, c.Body, c.RetryAfter = 0, nil, nil, 0
	if err == nil && resp != nil {
		c.Status, c.Header = resp.StatusCode, resp.Header
		c.Body, err = readBody(resp, c.MaxBody)
		if errors.Is(err, ErrBodyTooLarge) {
			c.log(slog.LevelDebug, "fullstory: attempt", "attempt", c.Attempts, "status", c.Status, "duration", time.Since(c.start), "error", "body too large")
			return false, err
		}
		if err != nil {
			// No usable response: the attempt failed like a broken connection.
			c.Status, c.Header = 0, nil
			err = fmt.Errorf("reading the response body: %w", err)
		}
	}
	c.logAttempt(err)

	if ctx.Err() != nil {
		return false, err
	}
	retry, reason := Retryable(ctx, c.Class, c.Status, err)
	if !retry {
		return false, err
	}
	if c.Attempts > c.MaxRetries {
		c.Stopped = fmt.Sprintf("%s; no retries left after %s", reason, shared.Attempts(c.Attempts))
		return false, err
	}
	wait := Backoff(c.WaitMin, c.WaitMax, c.Attempts-1)
	if c.Status == http.StatusTooManyRequests || c.Status == http.StatusServiceUnavailable {
		if ra, ok := ParseRetryAfter(c.Header.Get("Retry-After"), time.Now()); ok {
			c.RetryAfter = ra
			if ra > c.MaxRetryAfter {
				c.Stopped = fmt.Sprintf("%s; Retry-After %s is longer than the %s cap", reason, ra, c.MaxRetryAfter)
				return false, err
			}
			wait = ra
		}
	}
	if deadline, ok := ctx.Deadline(); ok && time.Now().Add(wait).After(deadline) {
		c.Stopped = fmt.Sprintf("%s; waiting %s more would outlast the context deadline", reason, wait.Round(time.Millisecond))
		return false, err
	}
	c.wait = wait
	c.log(slog.LevelInfo, "fullstory: retrying", "attempt", c.Attempts, "status", c.Status, "reason", reason, "wait", wait)
	return true, nil
}

func (c *Call) logAttempt(err error) {
	if c.Logger == nil {
		return
	}
	attrs := []any{"attempt", c.Attempts, "status", c.Status, "duration", time.Since(c.start)}
	if err != nil {
		attrs = append(attrs, "error", Describe(err))
	}
	c.log(slog.LevelDebug, "fullstory: attempt", attrs...)
}

func (c *Call) log(level slog.Level, msg string, attrs ...any) {
	if c.Logger == nil {
		return
	}
	c.Logger.Log(context.Background(), level, msg, append([]any{"method", c.Method, "path", c.Path}, attrs...)...)
}
