package retry

import (
	"context"
	"math"
	"net/http"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// NewClient returns the retryablehttp.Client of one fullstory.Client: it
// sends through hc and, at each step, asks the Call that WithCall put in the
// request's context. It has no logger of its own and never returns
// retryablehttp's "giving up" errors.
func NewClient(hc *http.Client) *retryablehttp.Client {
	return &retryablehttp.Client{
		HTTPClient: hc,
		// Each Call enforces its own MaxRetries; this is only a backstop.
		RetryMax:       math.MaxInt32,
		CheckRetry:     decideAndWait,
		Backoff:        noWait,
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

// noWait: decideAndWait has waited already, where it can see the context
// and the Call.
func noWait(_, _ time.Duration, _ int, _ *http.Response) time.Duration { return 0 }

func beforeAttempt(_ retryablehttp.Logger, req *http.Request, _ int) {
	if c := callFrom(req.Context()); c != nil {
		c.start = time.Now()
	}
}

// decideAndWait is retryablehttp's CheckRetry: it asks the request's Call
// whether to retry and, if so, waits here, where the context and the Call's
// wait are at hand (retryablehttp's Backoff sees neither when the attempt
// failed without a response).
func decideAndWait(ctx context.Context, resp *http.Response, err error) (bool, error) {
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
