package fullstory_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

// wireAPIKey is the key the wire tests authenticate with.
const wireAPIKey = "na1.wire-test-key"

// The quick-start guide's user and session ids, as the tests' session.
const (
	quickStartUser    = "6973903723107198876"
	quickStartSession = "5156932900183134039"
	quickStartEscaped = quickStartUser + "%3A" + quickStartSession
)

// quickStartSessionID is the session of the quick-start guide's examples.
var quickStartSessionID = fullstory.NewSessionID(quickStartUser, quickStartSession)

// wireRecorded is what a test server saw of one request.
type wireRecorded struct {
	Method     string
	RequestURI string
	Header     http.Header
	Body       []byte
}

// wireServer is an httptest server that records every request, body
// included, before its handler answers.
type wireServer struct {
	*httptest.Server

	mu   sync.Mutex
	reqs []wireRecorded
}

// newTestServer starts a recording server on 127.0.0.1 that answers with h,
// and closes it when the test ends.
func newTestServer(t *testing.T, h http.HandlerFunc) *wireServer {
	t.Helper()
	ws := &wireServer{}
	ws.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "reading the body: "+err.Error(), http.StatusBadRequest)
			return
		}
		ws.mu.Lock()
		ws.reqs = append(ws.reqs, wireRecorded{Method: r.Method, RequestURI: r.RequestURI, Header: r.Header.Clone(), Body: body})
		ws.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		h(w, r)
	}))
	t.Cleanup(ws.Close)
	return ws
}

// hits is how many requests the server has seen.
func (ws *wireServer) hits() int {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	return len(ws.reqs)
}

// requests returns a copy of what the server has seen, in order.
func (ws *wireServer) requests() []wireRecorded {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	return append([]wireRecorded(nil), ws.reqs...)
}

// only returns the one request the server saw, failing the test if it saw
// another number.
func (ws *wireServer) only(t *testing.T) wireRecorded {
	t.Helper()
	reqs := ws.requests()
	require.Len(t, reqs, 1, "requests seen by the server")
	return reqs[0]
}

// wireClient returns a client of ws with tiny retry waits, then opts.
func wireClient(t *testing.T, ws *wireServer, opts ...fullstory.Option) *fullstory.Client {
	t.Helper()
	return wireClientAt(t, ws.URL, opts...)
}

// wireClientAt returns a client of baseURL with tiny retry waits, then opts.
func wireClientAt(t *testing.T, baseURL string, opts ...fullstory.Option) *fullstory.Client {
	t.Helper()
	all := append([]fullstory.Option{
		fullstory.WithBaseURL(baseURL),
		fullstory.WithRetryWait(time.Millisecond, 2*time.Millisecond),
	}, opts...)
	c, err := fullstory.NewClient(wireAPIKey, all...)
	require.NoError(t, err)
	return c
}

// wireReply is one canned response.
type wireReply struct {
	Status int
	Body   string
	Header map[string]string
}

// wireJSON is a reply with a JSON body.
func wireJSON(status int, body string) wireReply {
	return wireReply{Status: status, Body: body, Header: map[string]string{"Content-Type": "application/json"}}
}

// wireFixture returns the contents of testdata/name.
func wireFixture(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return string(data)
}

// wireFixtureReply is a 200 reply with the fixture testdata/name.
func wireFixtureReply(t *testing.T, name string) wireReply {
	t.Helper()
	return wireJSON(http.StatusOK, wireFixture(t, name))
}

// wireError is a reply with the API's {code, message} error body.
func wireError(status int, code, message string) wireReply {
	return wireJSON(status, `{"code":"`+code+`","message":"`+message+`"}`)
}

// wireStatusError is a reply with a realistic error body for status.
func wireStatusError(status int) wireReply {
	switch status {
	case http.StatusBadRequest:
		return wireError(status, "required_field", "the request is missing a required field")
	case http.StatusUnauthorized:
		return wireError(status, "unauthorized", "the API key is not valid")
	case http.StatusForbidden:
		return wireError(status, "forbidden", "the API key lacks the permission for this operation")
	case http.StatusNotFound:
		return wireError(status, "resource_not_found", "the resource was not found")
	case http.StatusConflict:
		return wireError(status, "conflict", "the resource changed meanwhile")
	case http.StatusUnprocessableEntity:
		return wireError(status, "invalid_argument", "the configuration is not valid")
	case http.StatusTooManyRequests:
		return wireError(status, "too_many_requests", "rate limit exceeded")
	case http.StatusInternalServerError:
		return wireError(status, "server_error", "internal error")
	}
	return wireError(status, "unavailable", "the service is temporarily unavailable")
}

// wireReplies answers the n-th request with replies[n], and every request
// after the last with the last reply.
func wireReplies(replies ...wireReply) http.HandlerFunc {
	var n atomic.Int64
	return func(w http.ResponseWriter, _ *http.Request) {
		i := int(n.Add(1)) - 1
		if i >= len(replies) {
			i = len(replies) - 1
		}
		r := replies[i]
		for k, v := range r.Header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(r.Status)
		_, _ = io.WriteString(w, r.Body)
	}
}

// newBlockingServer starts a recording server whose handler answers nothing
// until the request's context is done: every attempt times out.
func newBlockingServer(t *testing.T) *wireServer {
	t.Helper()
	stop := make(chan struct{})
	ws := newTestServer(t, func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	})
	t.Cleanup(func() { close(stop) }) // runs before the server's Close
	return ws
}

// boundedContext returns a context that ends after d or with the test, so
// that a call which would hang makes the test fail instead.
func boundedContext(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// closedListenerURL returns the URL of a port on 127.0.0.1 that was just
// closed, so connecting to it is refused.
func closedListenerURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return "http://" + addr
}

// wireAttemptCounter counts the attempts that pass through it to a
// transport of its own.
type wireAttemptCounter struct {
	base *http.Transport
	n    atomic.Int64
}

func newAttemptCounter(t *testing.T) *wireAttemptCounter {
	ac := &wireAttemptCounter{base: &http.Transport{}}
	t.Cleanup(ac.base.CloseIdleConnections)
	return ac
}

func (ac *wireAttemptCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	ac.n.Add(1)
	return ac.base.RoundTrip(req)
}

// client returns an http.Client that sends through ac.
func (ac *wireAttemptCounter) client() *http.Client { return &http.Client{Transport: ac} }

// attempts is how many attempts went through ac.
func (ac *wireAttemptCounter) attempts() int { return int(ac.n.Load()) }

// wireHostRecorder answers every request itself, without any network, and
// records the URL each one was sent to.
type wireHostRecorder struct {
	body string

	mu   sync.Mutex
	urls []*url.URL
}

func (hr *wireHostRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	u := *req.URL
	hr.mu.Lock()
	hr.urls = append(hr.urls, &u)
	hr.mu.Unlock()
	return &http.Response{
		StatusCode:    http.StatusOK,
		Status:        "200 OK",
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{"Content-Type": {"application/json"}},
		Body:          io.NopCloser(strings.NewReader(hr.body)),
		ContentLength: int64(len(hr.body)),
		Request:       req,
	}, nil
}

// lastURL is the URL of the last request.
func (hr *wireHostRecorder) lastURL(t *testing.T) *url.URL {
	t.Helper()
	hr.mu.Lock()
	defer hr.mu.Unlock()
	require.NotEmpty(t, hr.urls, "no request was sent")
	return hr.urls[len(hr.urls)-1]
}

// assertWireHeaders checks the headers every request carries, and
// Content-Type exactly when the request has a body.
func assertWireHeaders(t *testing.T, r wireRecorded, withBody bool) {
	t.Helper()
	assert.Equal(t, "Basic "+wireAPIKey, r.Header.Get("Authorization"))
	assert.Equal(t, "application/json", r.Header.Get("Accept"))
	assert.True(t, strings.HasPrefix(r.Header.Get("User-Agent"), "fullstory-go/"+fullstory.Version+" ("), "User-Agent %q", r.Header.Get("User-Agent"))
	if withBody {
		assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
		assert.NotEmpty(t, r.Body)
	} else {
		assert.Empty(t, r.Header.Values("Content-Type"))
		assert.Empty(t, r.Body)
	}
	assert.Empty(t, r.Header.Values("Idempotency-Key"))
	assert.Empty(t, r.Header.Values("Integration-Source"))
}

// requireInvalidArgument checks that err is a *ValidationError matching
// ErrInvalidArgument.
func requireInvalidArgument(t *testing.T, err error) *fullstory.ValidationError {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, fullstory.ErrInvalidArgument)
	var ve *fullstory.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.NotEmpty(t, ve.Field)
	assert.NotEmpty(t, ve.Reason)
	return ve
}

// requireAPIError checks that err holds an *APIError and returns it.
func requireAPIError(t *testing.T, err error) *fullstory.APIError {
	t.Helper()
	require.Error(t, err)
	var ae *fullstory.APIError
	require.ErrorAs(t, err, &ae, "error %v", err)
	return ae
}

// wireOp is one API method, called in a way any server reply suits.
type wireOp struct {
	name   string
	class  string // "read", "summary" or "write": what the method may retry
	okBody string // a success body the method accepts
	call   func(ctx context.Context, c *fullstory.Client, opts ...fullstory.Option) error
}

// wireOps returns every API method, as the retry and secrets tests drive them.
func wireOps() []wireOp {
	profile := &fullstory.ProfileRequest{
		Name:          "support assistant",
		ProfileConfig: fullstory.ProfileConfig{LLM: &fullstory.LLMConfig{PrePrompt: "You are a support assistant.", Temperature: fullstory.Ptr(0.2)}},
	}
	overrides := &fullstory.ProfileConfig{Events: &fullstory.EventsConfig{IncludeTypes: []fullstory.EventType{"Added to Cart"}}}
	return []wireOp{
		{"Profiles.Get", "read", `{"id":"p1","name":"n"}`, func(ctx context.Context, c *fullstory.Client, opts ...fullstory.Option) error {
			_, err := c.Profiles.Get(ctx, "p1", opts...)
			return err
		}},
		{"Profiles.List", "read", `{"profiles":[]}`, func(ctx context.Context, c *fullstory.Client, opts ...fullstory.Option) error {
			_, err := c.Profiles.List(ctx, &fullstory.ListProfilesOptions{Limit: 5}, opts...)
			return err
		}},
		{"Profiles.Delete", "read", `{}`, func(ctx context.Context, c *fullstory.Client, opts ...fullstory.Option) error {
			return c.Profiles.Delete(ctx, "p1", opts...)
		}},
		{"Sessions.List", "read", `{"sessions":[]}`, func(ctx context.Context, c *fullstory.Client, opts ...fullstory.Option) error {
			_, err := c.Sessions.List(ctx, &fullstory.ListSessionsOptions{Email: "jane@doe.com", Limit: 10}, opts...)
			return err
		}},
		{"Sessions.Events", "read", `{"events":[]}`, func(ctx context.Context, c *fullstory.Client, opts ...fullstory.Option) error {
			_, err := c.Sessions.Events(ctx, quickStartSessionID, opts...)
			return err
		}},
		{"Sessions.Context", "read", `{"context_data":{"context":{},"pages":[]}}`, func(ctx context.Context, c *fullstory.Client, opts ...fullstory.Option) error {
			_, err := c.Sessions.Context(ctx, quickStartSessionID, &fullstory.ProfileConfig{Slice: &fullstory.SliceConfig{Mode: fullstory.SliceLast, EventLimit: 50}}, opts...)
			return err
		}},
		{"Sessions.Summarize GET", "summary", `{"summary":"s"}`, func(ctx context.Context, c *fullstory.Client, opts ...fullstory.Option) error {
			_, err := c.Sessions.Summarize(ctx, quickStartSessionID, &fullstory.SummarizeRequest{Profile: "p1"}, opts...)
			return err
		}},
		{"Sessions.Summarize POST", "summary", `{"summary":"s"}`, func(ctx context.Context, c *fullstory.Client, opts ...fullstory.Option) error {
			_, err := c.Sessions.Summarize(ctx, quickStartSessionID, &fullstory.SummarizeRequest{Profile: "p1", Overrides: overrides}, opts...)
			return err
		}},
		{"Profiles.Create", "write", `{"id":"p1"}`, func(ctx context.Context, c *fullstory.Client, opts ...fullstory.Option) error {
			_, err := c.Profiles.Create(ctx, profile, opts...)
			return err
		}},
		{"Profiles.Update", "write", `{"id":"p1"}`, func(ctx context.Context, c *fullstory.Client, opts ...fullstory.Option) error {
			return c.Profiles.Update(ctx, "p1", profile, opts...)
		}},
	}
}

// wireRetried says whether a method of class is retried after status: the
// retry classes of the API contract, written out independently of the
// library.
func wireRetried(class string, status int) bool {
	switch status {
	case http.StatusTooManyRequests:
		return true
	case http.StatusInternalServerError:
		return class == "read"
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return class == "read" || class == "summary"
	}
	return false
}

// wireCancelOnRetry is a slog.Handler that cancels a context at the first
// Info record, which the client logs when it is about to wait and retry.
type wireCancelOnRetry struct {
	cancel context.CancelFunc
	seen   *atomic.Int64
}

func (h wireCancelOnRetry) Enabled(context.Context, slog.Level) bool { return true }

func (h wireCancelOnRetry) Handle(_ context.Context, r slog.Record) error {
	if r.Level == slog.LevelInfo {
		h.seen.Add(1)
		h.cancel()
	}
	return nil
}

func (h wireCancelOnRetry) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h wireCancelOnRetry) WithGroup(string) slog.Handler      { return h }

// wireNoGivingUp checks that err is not go-retryablehttp's bare error.
func wireNoGivingUp(t *testing.T, err error) {
	t.Helper()
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "giving up")
}

// errorsAsAPI reports whether err holds an *APIError, for assertions that
// must not stop the test.
func errorsAsAPI(err error) (*fullstory.APIError, bool) {
	var ae *fullstory.APIError
	ok := errors.As(err, &ae)
	return ae, ok
}
