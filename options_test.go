package fullstory_test

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

// The options (options.go): which values NewClient and a call refuse, and
// WithHTTPClient leaving the caller's client alone.

func TestNewClientOptionValidation(t *testing.T) {
	for name, opt := range map[string]fullstory.Option{
		"http to a remote host":            fullstory.WithBaseURL("http://api.fullstory.com"),
		"http to a private address":        fullstory.WithBaseURL("http://10.0.0.1:8080"),
		"no scheme":                        fullstory.WithBaseURL("api.fullstory.com"),
		"ftp":                              fullstory.WithBaseURL("ftp://api.fullstory.com"),
		"empty base URL":                   fullstory.WithBaseURL(""),
		"user info":                        fullstory.WithBaseURL("https://user:pw@api.fullstory.com"),
		"query":                            fullstory.WithBaseURL("https://api.fullstory.com/?x=1"),
		"fragment":                         fullstory.WithBaseURL("https://api.fullstory.com/#top"),
		"empty query":                      fullstory.WithBaseURL("https://api.fullstory.com/?"),
		"empty query without a path":       fullstory.WithBaseURL("https://api.fullstory.com?"),
		"empty fragment":                   fullstory.WithBaseURL("https://api.fullstory.com/#"),
		"empty query and fragment":         fullstory.WithBaseURL("http://127.0.0.1:8080/v1?#"),
		"unknown region":                   fullstory.WithRegion("us2"),
		"empty region":                     fullstory.WithRegion(""),
		"upper-case region":                fullstory.WithRegion("EU1"),
		"nil HTTP client":                  fullstory.WithHTTPClient(nil),
		"negative retries":                 fullstory.WithMaxRetries(-1),
		"negative wait":                    fullstory.WithRetryWait(-time.Millisecond, time.Second),
		"min above max":                    fullstory.WithRetryWait(2*time.Second, time.Second),
		"zero max wait":                    fullstory.WithRetryWait(0, 0),
		"negative max Retry-After":         fullstory.WithMaxRetryAfter(-time.Second),
		"zero timeout":                     fullstory.WithTimeout(0),
		"negative timeout":                 fullstory.WithTimeout(-time.Second),
		"user agent with a newline":        fullstory.WithUserAgent("app/1\r\nX-Evil: 1"),
		"integration source with newline":  fullstory.WithIntegrationSource("zendesk\n"),
		"idempotency key on the client":    fullstory.WithIdempotencyKey("6f1c2a9e-3b7d-4e0a-9c4f-1d2e3f405162"),
		"empty idempotency key on client":  fullstory.WithIdempotencyKey(""),
		"bad option among good ones first": fullstory.WithRegion("mars"),
	} {
		t.Run("option "+name, func(t *testing.T) {
			c, err := fullstory.NewClient(wireAPIKey, fullstory.WithMaxRetries(1), opt)
			requireInvalidArgument(t, err)
			assert.Nil(t, c)
		})
	}

	for name, opt := range map[string]fullstory.Option{
		"nil option":          nil,
		"http to localhost":   fullstory.WithBaseURL("http://localhost:8080"),
		"http to 127.0.0.2":   fullstory.WithBaseURL("http://127.0.0.2"),
		"http to ::1":         fullstory.WithBaseURL("http://[::1]:9000/"),
		"zero retries":        fullstory.WithMaxRetries(0),
		"zero min wait":       fullstory.WithRetryWait(0, time.Millisecond),
		"zero max RetryAfter": fullstory.WithMaxRetryAfter(0),
		"nil logger":          fullstory.WithLogger(nil),
	} {
		t.Run("option "+name, func(t *testing.T) {
			c, err := fullstory.NewClient(wireAPIKey, opt)
			require.NoError(t, err)
			require.NotNil(t, c)
		})
	}
}

func TestPerCallOptionValidationSendsNothing(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, `{"id":"p1"}`)))
	c := wireClient(t, ws)
	ctx := context.Background()

	for name, opt := range map[string]fullstory.Option{
		"http base URL to a remote host": fullstory.WithBaseURL("http://example.com"),
		"bad region":                     fullstory.WithRegion("ap9"),
		"empty idempotency key":          fullstory.WithIdempotencyKey(""),
		"idempotency key too long":       fullstory.WithIdempotencyKey(strings.Repeat("k", 256)),
		"idempotency key with a newline": fullstory.WithIdempotencyKey("abc\r\nX-Evil: 1"),
		"zero timeout":                   fullstory.WithTimeout(0),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := c.Profiles.Create(ctx, supportAssistant(), opt)
			requireInvalidArgument(t, err)
			_, err = c.Profiles.Get(ctx, "p1", opt)
			requireInvalidArgument(t, err)
		})
	}

	var nilCtx context.Context
	_, err := c.Profiles.Get(nilCtx, "p1")
	requireInvalidArgument(t, err)

	assert.Equal(t, 0, ws.hits(), "a request was sent for invalid input")

	_, err = c.Profiles.Create(ctx, supportAssistant(), fullstory.WithIdempotencyKey(strings.Repeat("k", 255)))
	require.NoError(t, err, "255 characters is the longest key")
}

// WithHTTPClient sends through the caller's client but never changes it,
// and the caller's CheckRedirect still has its say on same-host redirects.
func TestWithHTTPClientLeavesTheCallersClientAlone(t *testing.T) {
	ws := redirectServer(t, http.StatusTemporaryRedirect)
	ac := newAttemptCounter(t)
	var checked atomic.Int64
	checkRedirect := func(*http.Request, []*http.Request) error {
		checked.Add(1)
		return nil
	}
	hc := &http.Client{Transport: ac, Timeout: 7 * time.Second, CheckRedirect: checkRedirect}
	plain := &http.Client{Transport: ac, Timeout: 9 * time.Second}
	ctx := boundedContext(t, 5*time.Second)

	c := wireClient(t, ws, fullstory.WithHTTPClient(hc))
	_, err := c.Profiles.Create(ctx, supportAssistant())
	require.NoError(t, err, "a 307 through the caller's client")
	_, err = c.Profiles.Create(ctx, supportAssistant(), fullstory.WithHTTPClient(plain))
	require.NoError(t, err, "a 307 through a per-call client")

	see := redirectServer(t, http.StatusSeeOther)
	c2 := wireClient(t, see, fullstory.WithHTTPClient(plain))
	_, err = c2.Profiles.Create(ctx, supportAssistant())
	assert.Equal(t, http.StatusSeeOther, requireAPIError(t, err).StatusCode, "a 303 through the caller's client")

	assert.Equal(t, 5, ac.attempts(), "the requests did not go through the caller's transport")
	assert.Equal(t, 4, ws.hits())
	assert.EqualValues(t, 1, checked.Load(), "the caller's CheckRedirect was not asked about the same-host redirect")

	assert.Same(t, ac, hc.Transport, "the caller's Transport was replaced")
	assert.Equal(t, 7*time.Second, hc.Timeout)
	require.NotNil(t, hc.CheckRedirect)
	assert.Equal(t, reflect.ValueOf(checkRedirect).Pointer(), reflect.ValueOf(hc.CheckRedirect).Pointer(), "the caller's CheckRedirect was replaced")
	assert.Nil(t, hc.Jar)

	assert.Same(t, ac, plain.Transport, "the caller's Transport was replaced")
	assert.Equal(t, 9*time.Second, plain.Timeout)
	assert.Nil(t, plain.CheckRedirect, "the caller's client got a CheckRedirect")
	assert.Nil(t, plain.Jar)
}

// An option passed where it does not apply is refused, before anything is
// sent: an idempotency key anywhere but Create and Update (on a batch it
// would send one key with every summary), a concurrency anywhere but the
// Client and SummarizeEach, a fresh summary anywhere but a summary, the
// Client's own options on a call, and an Accept-Encoding header, which would
// stop net/http from decompressing what it asked for.
func TestOptionsAreRefusedWhereTheyDoNotApply(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, okBody)))
	c := wireClient(t, ws)
	ctx := t.Context()
	key := fullstory.WithIdempotencyKey("k-1")
	for name, call := range map[string]func() error{
		"idempotency key on Profiles.Get": func() error { _, err := c.Profiles.Get(ctx, "p1", key); return err },
		"idempotency key on Summarize":    func() error { _, err := c.Sessions.Summarize(ctx, testSession, nil, key); return err },
		"idempotency key on SummarizeEach": func() error {
			for _, res := range c.Sessions.SummarizeEach(ctx, []fullstory.SessionID{testSession}, nil, key) {
				return res.Err
			}
			return nil
		},
		"idempotency key on Delete": func() error { return c.Profiles.Delete(ctx, "p1", key) },
		"concurrency on Summarize": func() error {
			_, err := c.Sessions.Summarize(ctx, testSession, nil, fullstory.WithConcurrency(8))
			return err
		},
		"concurrency on List": func() error {
			_, err := c.Sessions.List(ctx, &fullstory.ListSessionsOptions{UID: "u"}, fullstory.WithConcurrency(8))
			return err
		},
		"fresh summary on List": func() error {
			_, err := c.Sessions.List(ctx, &fullstory.ListSessionsOptions{UID: "u"}, fullstory.WithFreshSummary())
			return err
		},
		"summary cache on a call": func() error {
			_, err := c.Sessions.Summarize(ctx, testSession, nil, fullstory.WithSummaryCache(fullstory.NewMemoryCache(1<<20), time.Hour))
			return err
		},
		"hooks on a call": func() error { _, err := c.Profiles.Get(ctx, "p1", fullstory.WithHooks(fullstory.Hooks{})); return err },
		"Accept-Encoding on a call": func() error {
			_, err := c.Sessions.Summarize(ctx, testSession, nil, fullstory.WithHeader("Accept-Encoding", "gzip"))
			return err
		},
		"response into a whole batch": func() error {
			var resp fullstory.Response
			for _, res := range c.Sessions.SummarizeEach(ctx, []fullstory.SessionID{testSession}, nil, fullstory.WithResponseInto(&resp)) {
				return res.Err
			}
			return nil
		},
	} {
		t.Run(name, func(t *testing.T) {
			requireInvalidArgument(t, call())
		})
	}
	assert.Zero(t, ws.hits(), "a refused option sent something")

	for name, opt := range map[string]fullstory.Option{
		"idempotency key": key,
		"fresh summary":   fullstory.WithFreshSummary(),
		"Accept-Encoding": fullstory.WithHeader("accept-encoding", "gzip"),
		"response into":   fullstory.WithResponseInto(new(fullstory.Response)),
	} {
		t.Run("NewClient takes no "+name, func(t *testing.T) {
			_, err := fullstory.NewClient("k", opt)
			requireInvalidArgument(t, err)
		})
	}

	// Where they apply, they are taken.
	_, err := c.Profiles.Create(ctx, &fullstory.ProfileRequest{Name: "n"}, key)
	require.NoError(t, err)
	for _, res := range c.Sessions.SummarizeEach(ctx, []fullstory.SessionID{testSession}, nil, fullstory.WithConcurrency(2), fullstory.WithFreshSummary()) {
		require.NoError(t, res.Err)
	}
	_, err = fullstory.NewClient("k", fullstory.WithConcurrency(8))
	require.NoError(t, err)
}
