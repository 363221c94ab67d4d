// Package retry decides, attempt by attempt, whether a call to the Fullstory
// API is tried again and how long to wait first. It configures
// go-retryablehttp by hand: no logger of its own, no "giving up" errors, a
// retry policy per operation class, a capped Retry-After and jittered backoff
// that never outlasts the caller's context.
package retry

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Class says which failures of an operation may be retried.
type Class int

const (
	// Read operations change nothing and are retried on connection errors,
	// timeouts, 429, 500, 502, 503 and 504.
	Read Class = iota
	// Summary operations spend an Activation each. They are retried on 429,
	// 502, 503, 504, and on connection errors where the request was never
	// sent; never on a timeout or a 500, which may have spent one already.
	Summary
	// Write operations are not idempotent. They are retried on 429 and on
	// connection errors where the request was never sent.
	Write
)

func (c Class) String() string {
	switch c {
	case Read:
		return "read"
	case Summary:
		return "summary"
	case Write:
		return "write"
	}
	return "class(" + strconv.Itoa(int(c)) + ")"
}

// ErrBodyTooLarge is returned when a response body exceeds Policy.MaxBody.
var ErrBodyTooLarge = errors.New("response body too large")

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

// NewClient returns the retryablehttp.Client of one fullstory.Client: it
// sends through hc and, at each step, asks the Call that WithCall put in the
// request's context. It has no logger of its own and never returns
// retryablehttp's "giving up" errors.
func NewClient(hc *http.Client) *retryablehttp.Client {
	return &retryablehttp.Client{
		HTTPClient: hc,
		// Each Call enforces its own MaxRetries; this is only a backstop.
		RetryMax:       math.MaxInt32,
		CheckRetry:     checkRetry,
		Backoff:        noBackoff,
		ErrorHandler:   passthrough,
		RequestLogHook: beforeAttempt,
	}
}

// passthrough returns the last response or error as they are, so that the
// caller builds its own error with the status and body instead of
// retryablehttp's "giving up after N attempt(s)".
func passthrough(resp *http.Response, err error, _ int) (*http.Response, error) {
	return resp, err
}

// noBackoff: checkRetry has waited already, where it can see the context
// and the Call.
func noBackoff(_, _ time.Duration, _ int, _ *http.Response) time.Duration { return 0 }

func beforeAttempt(_ retryablehttp.Logger, req *http.Request, _ int) {
	if c := callFrom(req.Context()); c != nil {
		c.start = time.Now()
	}
}

func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	c := callFrom(ctx)
	if c == nil {
		return false, err
	}
	retry, err := c.checkRetry(ctx, resp, err)
	if !retry {
		return false, err
	}
	t := time.NewTimer(c.wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false, ctx.Err()
	case <-t.C:
		return true, nil
	}
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
		c.Stopped = fmt.Sprintf("%s; no retries left after %d attempts", reason, c.Attempts)
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

// readBody reads at most limit bytes of resp's body and closes it.
func readBody(resp *http.Response, limit int64) ([]byte, error) {
	defer resp.Body.Close()
	if limit > 0 && resp.ContentLength > limit {
		resp.Body = http.NoBody
		return nil, fmt.Errorf("%w: Content-Length %d is over the %d MiB limit", ErrBodyTooLarge, resp.ContentLength, limit>>20)
	}
	size := 512
	if resp.ContentLength > 0 {
		size = int(resp.ContentLength) + 1 // +1 to see EOF without growing
	}
	b := make([]byte, 0, size)
	for {
		if limit > 0 && int64(len(b)) > limit {
			resp.Body = http.NoBody
			return nil, fmt.Errorf("%w: over the %d MiB limit", ErrBodyTooLarge, limit>>20)
		}
		if len(b) == cap(b) {
			// Double, so that reading n bytes copies about n bytes in all.
			grown := make([]byte, len(b), 2*cap(b))
			copy(grown, b)
			b = grown
		}
		n, err := resp.Body.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			resp.Body = http.NoBody
			if limit > 0 && int64(len(b)) > limit {
				return nil, fmt.Errorf("%w: over the %d MiB limit", ErrBodyTooLarge, limit>>20)
			}
			return b, nil
		}
		if err != nil {
			resp.Body = http.NoBody
			return nil, err
		}
	}
}

// Retryable reports whether a failure of an operation of class cl may be
// retried, and why. status is 0 when err is a transport error.
func Retryable(ctx context.Context, cl Class, status int, err error) (bool, string) {
	if err != nil {
		switch {
		case ctx.Err() != nil:
			return false, "the context is done"
		case errors.Is(err, ErrWaitTooLong):
			return false, "the rate-limit wait would outlast the context"
		case NeverSent(err):
			return true, "connection failed before the request was sent"
		case !transient(err):
			return false, "permanent transport error"
		case AttemptTimedOut(ctx, err):
			return cl == Read, "the attempt timed out"
		default:
			return cl == Read, "connection error"
		}
	}
	switch status {
	case http.StatusTooManyRequests:
		return true, "rate limited (429)"
	case http.StatusInternalServerError:
		return cl == Read, "server error (500)"
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return cl == Read || cl == Summary, "server unavailable (" + strconv.Itoa(status) + ")"
	}
	return false, ""
}

// NeverSent reports whether err happened while connecting, before any byte
// of the request could reach the server.
func NeverSent(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// AttemptTimedOut reports whether err is the per-attempt timeout rather than
// the caller's context.
func AttemptTimedOut(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// transient reports whether a transport error may go away on its own:
// certificate problems and redirect loops do not.
func transient(err error) bool {
	var (
		unknownCA x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		verify    *tls.CertificateVerificationError
		recordHdr tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &unknownCA), errors.As(err, &hostname), errors.As(err, &invalid),
		errors.As(err, &verify), errors.As(err, &recordHdr):
		return false
	case strings.Contains(err.Error(), "stopped after") && strings.Contains(err.Error(), "redirects"):
		return false
	}
	return true
}

// Describe returns a short description of a transport error for logs,
// without the URL that a *url.Error carries.
func Describe(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

// Backoff returns the wait before retry number n+1 (n from 0): a random
// duration between min and min·2ⁿ, capped at max.
func Backoff(min, max time.Duration, n int) time.Duration {
	ceiling := max
	if n < 32 {
		if c := min << n; c > 0 && c < max {
			ceiling = c
		}
	}
	if ceiling <= min {
		return ceiling
	}
	return min + rand.N(ceiling-min+1)
}

// ParseRetryAfter reads a Retry-After header: whole seconds or an HTTP date.
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second)*365 {
			secs = int64(24*time.Hour/time.Second) * 365
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d.Round(time.Second), true
	}
	return 0, false
}
