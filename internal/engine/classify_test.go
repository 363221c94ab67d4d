package engine_test

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"

	"github.com/summarykit/fullstory-go/internal/engine"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestRetryableStatusByClass(t *testing.T) {
	ctx := context.Background()
	// want[status] = retried for Read, Summary, Write.
	want := map[int][3]bool{
		http.StatusOK:                  {false, false, false},
		http.StatusNoContent:           {false, false, false},
		http.StatusBadRequest:          {false, false, false},
		http.StatusUnauthorized:        {false, false, false},
		http.StatusForbidden:           {false, false, false},
		http.StatusNotFound:            {false, false, false},
		http.StatusConflict:            {false, false, false},
		http.StatusRequestTimeout:      {false, false, false},
		http.StatusUnprocessableEntity: {false, false, false},
		http.StatusTooManyRequests:     {true, true, true},
		http.StatusInternalServerError: {true, false, false},
		http.StatusNotImplemented:      {false, false, false},
		http.StatusBadGateway:          {true, false, false},
		http.StatusServiceUnavailable:  {true, false, false},
		http.StatusGatewayTimeout:      {true, false, false},
	}
	classes := []engine.Class{engine.Read, engine.Summary, engine.Write}
	for status, byClass := range want {
		for i, cl := range classes {
			t.Run(fmt.Sprintf("%s/%d", cl, status), func(t *testing.T) {
				got, reason := engine.Retryable(ctx, cl, &engine.Result{Status: status})
				assert.Equal(t, byClass[i], got)
				if got {
					assert.NotEmpty(t, reason)
				}
			})
		}
	}
}

// A 503 that says when to come back was refused by the server: a summary
// may be sent again. A gateway that cut a processed request does not say
// that, and a write stays as careful as without it.
func TestRetryable503WithRetryAfter(t *testing.T) {
	res := &engine.Result{Status: http.StatusServiceUnavailable, RetryAfter: time.Second, HasRetryAfter: true}
	for cl, want := range map[engine.Class]bool{engine.Read: true, engine.Summary: true, engine.Write: false} {
		got, reason := engine.Retryable(context.Background(), cl, res)
		assert.Equal(t, want, got, cl.String())
		assert.NotEmpty(t, reason)
	}
}

// What provably spent nothing on the server, so a Budget refunds it: it
// never reached the server, or was refused before the work (4xx, or 503
// with Retry-After). Everything else may have been billed.
func TestResultUnprocessed(t *testing.T) {
	reset := &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}
	for _, tc := range []struct {
		name string
		res  engine.Result
		want bool
	}{
		{"200", engine.Result{Status: 200}, false},
		{"400", engine.Result{Status: 400}, true},
		{"404", engine.Result{Status: 404}, true},
		{"429", engine.Result{Status: 429}, true},
		{"500", engine.Result{Status: 500}, false},
		{"502", engine.Result{Status: 502}, false},
		{"503", engine.Result{Status: 503}, false},
		{"503 with Retry-After", engine.Result{Status: 503, HasRetryAfter: true}, true},
		{"504", engine.Result{Status: 504}, false},
		{"302", engine.Result{Status: 302}, false},
		{"never sent", engine.Result{Err: reset, NeverSent: true}, true},
		{"lost after sending", engine.Result{Err: reset}, false},
		{"400 with a body too large", engine.Result{Status: 400, Err: engine.ErrBodyTooLarge}, false},
	} {
		assert.Equal(t, tc.want, tc.res.Unprocessed(), tc.name)
	}
}

func TestRetryableTransportErrorsByClass(t *testing.T) {
	dial := &url.Error{Op: "Post", URL: "https://api.fullstory.com/v2/visit_profile", Err: &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}}
	reset := &url.Error{Op: "Get", URL: "https://api.fullstory.com/v2/visit_profile", Err: &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}}
	timeout := &url.Error{Op: "Get", URL: "https://api.fullstory.com/v2/sessions/1%3A2/summary", Err: context.DeadlineExceeded}
	badCert := &url.Error{Op: "Get", URL: "https://api.fullstory.com/", Err: x509.UnknownAuthorityError{}}
	redirects := &url.Error{Op: "Get", URL: "https://api.fullstory.com/", Err: errors.New("stopped after 10 redirects")}
	proxy407 := &url.Error{Op: "Get", URL: "https://api.fullstory.com/", Err: &engine.ProxyError{Status: http.StatusProxyAuthRequired}}
	proxy502 := &url.Error{Op: "Get", URL: "https://api.fullstory.com/", Err: &engine.ProxyError{Status: http.StatusBadGateway}}
	plainProxy := &url.Error{Op: "Get", URL: "http://localhost:8080/", Err: engine.ErrPlainHTTPProxy}

	live := context.Background()
	done, cancel := context.WithCancel(context.Background())
	cancel()

	for _, tc := range []struct {
		name      string
		err       error
		neverSent bool
		ctx       context.Context
		want      [3]bool // Read, Summary, Write
	}{
		{"connection refused", dial, true, live, [3]bool{true, true, true}},
		{"connection reset", reset, false, live, [3]bool{true, false, false}},
		{"reset before sending", reset, true, live, [3]bool{true, true, true}},
		{"attempt timed out", timeout, false, live, [3]bool{true, false, false}},
		{"timed out before sending", timeout, true, live, [3]bool{true, true, true}},
		{"unknown certificate authority", badCert, true, live, [3]bool{false, false, false}},
		{"redirect loop", redirects, false, live, [3]bool{false, false, false}},
		{"proxy refused the tunnel: 407", proxy407, true, live, [3]bool{false, false, false}},
		{"proxy refused the tunnel: 502", proxy502, true, live, [3]bool{true, true, true}},
		{"plain http refused before a proxy", plainProxy, true, live, [3]bool{false, false, false}},
		{"connection refused, context done", dial, true, done, [3]bool{false, false, false}},
		{"timeout, context done", timeout, false, done, [3]bool{false, false, false}},
	} {
		for i, cl := range []engine.Class{engine.Read, engine.Summary, engine.Write} {
			t.Run(tc.name+"/"+cl.String(), func(t *testing.T) {
				got, reason := engine.Retryable(tc.ctx, cl, &engine.Result{Err: tc.err, NeverSent: tc.neverSent})
				assert.Equal(t, tc.want[i], got)
				assert.NotEmpty(t, reason)
			})
		}
	}
}

// A response whose body is not in its Content-Encoding fails the same way
// on every attempt, whatever its status.
func TestRetryableBadEncoding(t *testing.T) {
	err := fmt.Errorf("%w: gzip: invalid header", engine.ErrBadEncoding)
	for _, status := range []int{http.StatusOK, http.StatusServiceUnavailable} {
		for _, cl := range []engine.Class{engine.Read, engine.Summary, engine.Write} {
			got, reason := engine.Retryable(context.Background(), cl, &engine.Result{Status: status, Err: err})
			assert.False(t, got, "%d %s", status, cl)
			assert.Contains(t, reason, "Content-Encoding")
		}
	}
}

func TestAttemptTimedOut(t *testing.T) {
	live := context.Background()
	done, cancel := context.WithTimeout(context.Background(), -time.Second)
	defer cancel()
	assert.True(t, engine.AttemptTimedOut(live, context.DeadlineExceeded))
	assert.True(t, engine.AttemptTimedOut(live, &net.OpError{Op: "read", Err: timeoutError{}}))
	assert.False(t, engine.AttemptTimedOut(done, context.DeadlineExceeded), "the caller's deadline is not the attempt's")
	assert.False(t, engine.AttemptTimedOut(live, syscall.ECONNRESET))
}

// timeoutError is a net.Error that timed out.
type timeoutError struct{}

func (timeoutError) Error() string   { return "i/o timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

func TestClassString(t *testing.T) {
	assert.Equal(t, "read", engine.Read.String())
	assert.Equal(t, "summary", engine.Summary.String())
	assert.Equal(t, "write", engine.Write.String())
	assert.Equal(t, "class(7)", engine.Class(7).String())
}

// Each wait is drawn between half and all of its ceiling, which starts at
// the min wait, doubles per retry and stops at the max: the bounds written
// out as numbers, not with backoff.go's own expression.
func TestBackoffBounds(t *testing.T) {
	const ms, h = time.Millisecond, time.Hour
	for _, tc := range []struct {
		min, max time.Duration
		n        int
		lo, hi   time.Duration
	}{
		{500 * ms, 8 * time.Second, 0, 250 * ms, 500 * ms},
		{500 * ms, 8 * time.Second, 1, 500 * ms, time.Second},
		{500 * ms, 8 * time.Second, 2, time.Second, 2 * time.Second},
		{500 * ms, 8 * time.Second, 3, 2 * time.Second, 4 * time.Second},
		{500 * ms, 8 * time.Second, 4, 4 * time.Second, 8 * time.Second},
		{500 * ms, 8 * time.Second, 5, 4 * time.Second, 8 * time.Second},
		{500 * ms, 8 * time.Second, 70, 4 * time.Second, 8 * time.Second},
		{10 * ms, 80 * ms, 0, 5 * ms, 10 * ms},
		{10 * ms, 80 * ms, 3, 40 * ms, 80 * ms},
		{10 * ms, 80 * ms, 9, 40 * ms, 80 * ms},
		{ms, 2 * ms, 0, ms / 2, ms},
		{ms, 2 * ms, 63, ms, 2 * ms},
		{0, 50 * ms, 0, 0, 0},
		{0, 50 * ms, 10, 0, 0},
		{time.Second, time.Second, 0, 500 * ms, time.Second},
		{time.Second, time.Second, 40, 500 * ms, time.Second},
		{3 * h, 200 * h, 0, 90 * time.Minute, 3 * h},
		{3 * h, 200 * h, 6, 96 * h, 192 * h},
		{3 * h, 200 * h, 7, 100 * h, 200 * h},
		{3 * h, 200 * h, 70, 100 * h, 200 * h},
	} {
		for range 200 {
			if d := engine.Backoff(tc.min, tc.max, tc.n); d < tc.lo || d > tc.hi {
				t.Fatalf("Backoff(%s, %s, %d) = %s, want within [%s, %s]", tc.min, tc.max, tc.n, d, tc.lo, tc.hi)
			}
		}
	}
}

func TestBackoffIsJittered(t *testing.T) {
	seen := make(map[time.Duration]bool)
	for range 200 {
		seen[engine.Backoff(time.Millisecond, time.Second, 5)] = true
	}
	assert.Greater(t, len(seen), 1, "the wait never varied")
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 6, 26, 23, 1, 54, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"0", 0, true},
		{"1", time.Second, true},
		{" 30 ", 30 * time.Second, true},
		{"3600", time.Hour, true},
		{"99999999999999", 365 * 24 * time.Hour, true},
		{"99999999999999999999", 365 * 24 * time.Hour, true},
		{"+5", 0, false},
		{now.Add(45 * time.Second).Format(http.TimeFormat), 45 * time.Second, true},
		{now.Add(2 * time.Hour).Format(time.RFC850), 2 * time.Hour, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0, true},
		{"", 0, false},
		{"   ", 0, false},
		{"-1", 0, false},
		{"1.5", 0, false},
		{"soon", 0, false},
		{"Thursday", 0, false},
		{"2025-06-26T23:02:54Z", 0, false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := engine.ParseRetryAfter(tc.in, now)
			assert.Equal(t, tc.ok, ok)
			assert.Equal(t, tc.want, got)
		})
	}
}

// The first retry is jittered too, so that callers that failed together do
// not retry together.
func TestBackoffJittersTheFirstRetry(t *testing.T) {
	seen := make(map[time.Duration]bool)
	for range 200 {
		seen[engine.Backoff(500*time.Millisecond, 8*time.Second, 0)] = true
	}
	assert.Greater(t, len(seen), 50)
}

// An HTTP date names a whole second; the wait reaches it exactly, never
// rounded down to a second before it.
func TestParseRetryAfterDateIsNotRounded(t *testing.T) {
	now := time.Date(2025, 6, 26, 23, 1, 54, 600*int(time.Millisecond), time.UTC)
	named := time.Date(2025, 6, 26, 23, 1, 56, 0, time.UTC)
	got, ok := engine.ParseRetryAfter(named.Format(http.TimeFormat), now)
	assert.True(t, ok)
	assert.Equal(t, 1400*time.Millisecond, got)
	assert.False(t, now.Add(got).Before(named))
}
