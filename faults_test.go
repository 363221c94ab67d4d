package fullstory_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

// The fault matrix: every way Fullstory, a proxy or the network can
// misbehave, tried on every operation through the real request path, with
// the number of requests the server must see per retry class and the error
// the caller must get. writesafety_test.go and secrecy_test.go run the same
// matrix for their own invariants.

const (
	faultKey     = "SECRET-KEY-123"
	faultEmail   = "pii@example.com"
	faultUID     = "uid-4242"
	faultIdemKey = "idem-7f3c"
	faultRetries = 2 // so a retried fault is seen 3 times
)

var faultSession = fullstory.NewSessionID("4242", "777")

// faultOKBody is a success body that every operation but Sessions.Events can
// decode: each reads only its own fields. (A profile reads a top-level
// "events" as its events settings, so the events list has its own body.)
const faultOKBody = `{"id":"p1","name":"support","profiles":[{"id":"p1","name":"support"}],` +
	`"sessions":[{"userId":"4242","sessionId":"777","createdTime":"1700000000"}],` +
	`"context_data":{"context":{"session_id":"4242:777"},"pages":[]},` +
	`"summary":"The user tried to pay twice and gave up."}`

// faultEventsBody is the success body of Sessions.Events.
const faultEventsBody = `{"events":[{"device_id":"4242","session_id":"777","event_type":"click","event_time":"2024-05-01T10:00:00Z"}]}`

// faultClass is a retry class as the caller sees it.
type faultClass int

const (
	faultRead    faultClass = iota // Profiles.Get/List/Delete, Sessions.List/Events/Context
	faultSummary                   // Sessions.Summarize, GET and POST
	faultWrite                     // Profiles.Create/Update
	faultKeyed                     // Profiles.Create/Update with WithIdempotencyKey
)

func (c faultClass) String() string {
	return [...]string{"read", "summary", "write", "write+key"}[c]
}

// faultOp is one operation of the matrix.
type faultOp struct {
	name   string
	class  faultClass
	method string
	noBody bool // reads no success body (Delete, Update)
	call   func(ctx context.Context, c *fullstory.Client) error
}

func faultOps() []faultOp {
	req := &fullstory.ProfileRequest{Name: "support", ProfileConfig: fullstory.ProfileConfig{
		LLM: &fullstory.LLMConfig{PrePrompt: "You are a support assistant.", Temperature: fullstory.Ptr(0.2)},
	}}
	overrides := &fullstory.SummarizeRequest{Profile: "p1", Overrides: &fullstory.ProfileConfig{
		Slice: &fullstory.SliceConfig{Mode: fullstory.SliceLast, EventLimit: 50},
	}}
	key := fullstory.WithIdempotencyKey(faultIdemKey)
	return []faultOp{
		{"Profiles.Get", faultRead, "GET", false, func(ctx context.Context, c *fullstory.Client) error {
			_, err := c.Profiles.Get(ctx, "p1")
			return err
		}},
		{"Profiles.List", faultRead, "GET", false, func(ctx context.Context, c *fullstory.Client) error {
			_, err := c.Profiles.List(ctx, &fullstory.ListProfilesOptions{Limit: 10})
			return err
		}},
		{"Profiles.Delete", faultRead, "DELETE", true, func(ctx context.Context, c *fullstory.Client) error {
			return c.Profiles.Delete(ctx, "p1")
		}},
		{"Sessions.List", faultRead, "GET", false, func(ctx context.Context, c *fullstory.Client) error {
			_, err := c.Sessions.List(ctx, &fullstory.ListSessionsOptions{UID: faultUID, Email: faultEmail})
			return err
		}},
		{"Sessions.Events", faultRead, "GET", false, func(ctx context.Context, c *fullstory.Client) error {
			_, err := c.Sessions.Events(ctx, faultSession)
			return err
		}},
		{"Sessions.Context", faultRead, "POST", false, func(ctx context.Context, c *fullstory.Client) error {
			_, err := c.Sessions.Context(ctx, faultSession, &fullstory.ProfileConfig{Slice: &fullstory.SliceConfig{EventLimit: 10}})
			return err
		}},
		{"Sessions.Summarize GET", faultSummary, "GET", false, func(ctx context.Context, c *fullstory.Client) error {
			_, err := c.Sessions.Summarize(ctx, faultSession, &fullstory.SummarizeRequest{Profile: "p1"})
			return err
		}},
		{"Sessions.Summarize POST", faultSummary, "POST", false, func(ctx context.Context, c *fullstory.Client) error {
			_, err := c.Sessions.Summarize(ctx, faultSession, overrides)
			return err
		}},
		{"Profiles.Create", faultWrite, "POST", false, func(ctx context.Context, c *fullstory.Client) error {
			_, err := c.Profiles.Create(ctx, req)
			return err
		}},
		{"Profiles.Update", faultWrite, "POST", true, func(ctx context.Context, c *fullstory.Client) error {
			return c.Profiles.Update(ctx, "p1", req)
		}},
		{"Profiles.Create+key", faultKeyed, "POST", false, func(ctx context.Context, c *fullstory.Client) error {
			_, err := c.Profiles.Create(ctx, req, key)
			return err
		}},
		{"Profiles.Update+key", faultKeyed, "POST", true, func(ctx context.Context, c *fullstory.Client) error {
			return c.Profiles.Update(ctx, "p1", req, key)
		}},
	}
}

// faultRequest is what the server received in one request.
type faultRequest struct {
	method, uri, auth, idemKey string
	body                       string
	applied                    bool // the server acted on it before the fault hit
}

// faultServer counts what reached it.
type faultServer struct {
	url     string
	seen    atomic.Int64 // requests; for a raw listener, connections; when refused, dials
	applied atomic.Int64 // requests the server acted on before the fault hit
	mu      sync.Mutex
	reqs    []faultRequest
}

// record notes a request that reached the server and returns its number.
func (s *faultServer) record(r *http.Request, body []byte, applied bool) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqs = append(s.reqs, faultRequest{r.Method, r.RequestURI, r.Header.Get("Authorization"), r.Header.Get("Idempotency-Key"), string(body), applied})
	if applied {
		s.applied.Add(1)
	}
	return s.seen.Add(1)
}

// apply marks request n as acted on.
func (s *faultServer) apply(n int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqs[n-1].applied = true
	s.applied.Add(1)
}

func (s *faultServer) requests() []faultRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]faultRequest(nil), s.reqs...)
}

// faultRun is one fault tried on one operation.
type faultRun struct {
	t      *testing.T
	op     faultOp
	echo   bool // error bodies and redirects echo the key, email and uid the request carried
	ctx    context.Context
	cancel context.CancelFunc
	opts   []fullstory.Option
	log    slog.Handler // where the client logs; nil: nowhere
	srv    *faultServer
	other  *faultServer // a second host, for redirects
}

// serveHTTP starts an httptest server that reads each request whole, records
// it and hands it to h with its 1-based number. applies says whether each
// request is acted on (a write applied, a summary generated) before h fails it.
func (run *faultRun) serveHTTP(applies bool, h func(w http.ResponseWriter, r *http.Request, n int64)) *faultServer {
	s := &faultServer{}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h(w, r, s.record(r, body, applies))
	}))
	run.t.Cleanup(ts.Close)
	s.url = ts.URL
	return s
}

// serveRaw starts a bare TCP listener that hands each connection to handle,
// which counts the requests it reads.
func (run *faultRun) serveRaw(handle func(s *faultServer, c net.Conn)) *faultServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(run.t, err)
	s := &faultServer{url: "http://" + ln.Addr().String()}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			handle(s, c)
		}
	}()
	run.t.Cleanup(func() { ln.Close(); wg.Wait() })
	return s
}

// serveRefused returns a server whose port refuses connections, counting
// the dials through the client's transport.
func (run *faultRun) serveRefused() *faultServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(run.t, err)
	s := &faultServer{url: "http://" + ln.Addr().String()}
	require.NoError(run.t, ln.Close())
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		s.seen.Add(1)
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}
	run.t.Cleanup(tr.CloseIdleConnections)
	run.opts = append(run.opts, fullstory.WithHTTPClient(&http.Client{Transport: tr}))
	return s
}

// taint is what an echoing server puts in its error bodies: the key and the
// personal data the request carried, as a careless server or proxy would.
func (run *faultRun) taint(r *http.Request) string {
	if !run.echo {
		return ""
	}
	q := r.URL.Query()
	return fmt.Sprintf(" [auth=%s query=%s email=%s uid=%s]", r.Header.Get("Authorization"), r.URL.RawQuery, q.Get("email"), q.Get("uid"))
}

// taintPath is a path segment that carries the same in a redirect's Location.
func (run *faultRun) taintPath(r *http.Request) string {
	if !run.echo {
		return ""
	}
	p := "/" + url.PathEscape(strings.TrimPrefix(r.Header.Get("Authorization"), "Basic "))
	if e := r.URL.Query().Get("email"); e != "" {
		p += "/" + url.PathEscape(e)
	}
	if u := r.URL.Query().Get("uid"); u != "" {
		p += "/" + url.PathEscape(u)
	}
	return p
}

func (run *faultRun) jsonError(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"code":%q,"message":%q}`, code, message+run.taint(r))
}

func (run *faultRun) proxyPage(w http.ResponseWriter, r *http.Request, status int) {
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(status)
	title := fmt.Sprintf("%d %s", status, http.StatusText(status))
	fmt.Fprintf(w, "<html>\r\n<head><title>%s%s</title></head>\r\n<body>\r\n<center><h1>%s</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n", title, run.taint(r), title)
}

// faultOK answers r with a success body the operation can decode.
func faultOK(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if strings.HasSuffix(r.URL.Path, "/events") {
		io.WriteString(w, faultEventsBody)
		return
	}
	io.WriteString(w, faultOKBody)
}

// faultHijack takes over the connection of an HTTP handler.
func faultHijack(t *testing.T, w http.ResponseWriter) (net.Conn, *bufio.ReadWriter) {
	c, rw, err := http.NewResponseController(w).Hijack()
	if !assert.NoError(t, err) {
		return nil, nil
	}
	return c, rw
}

// faultReset closes c so that the peer sees a reset, not an orderly close.
func faultReset(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	c.Close()
}

// faultCancelAfterHeaders cancels the call once an attempt has its
// response headers, so that the cancellation hits while the body is read.
type faultCancelAfterHeaders struct {
	base   http.RoundTripper
	cancel context.CancelFunc
}

func (f faultCancelAfterHeaders) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := f.base.RoundTrip(r)
	if err == nil {
		f.cancel()
	}
	return resp, err
}

// faultCancelOnRetry cancels the call when the client logs that it will
// retry, just before it starts its backoff wait.
type faultCancelOnRetry struct {
	slog.Handler
	cancel context.CancelFunc
	fired  *atomic.Bool
}

func (h faultCancelOnRetry) Enabled(context.Context, slog.Level) bool { return true }

func (h faultCancelOnRetry) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == "fullstory: retrying" {
		h.fired.Store(true)
		h.cancel()
	}
	if !h.Handler.Enabled(ctx, r.Level) {
		return nil
	}
	return h.Handler.Handle(ctx, r)
}

func (h faultCancelOnRetry) WithAttrs(as []slog.Attr) slog.Handler {
	return faultCancelOnRetry{h.Handler.WithAttrs(as), h.cancel, h.fired}
}

func (h faultCancelOnRetry) WithGroup(name string) slog.Handler {
	return faultCancelOnRetry{h.Handler.WithGroup(name), h.cancel, h.fired}
}

// faultSeen is the number of requests the server sees, per class:
// read, summary, write, write with an idempotency key.
type faultSeen [4]int

var (
	faultAll      = faultSeen{3, 3, 3, 3} // retried for every class
	faultReadOnly = faultSeen{3, 1, 1, 3} // retried for reads and keyed writes
	faultNoWrite  = faultSeen{3, 3, 1, 3} // retried for all but unkeyed writes
	faultOnce     = faultSeen{1, 1, 1, 1} // never retried
	faultNone     = faultSeen{}           // never sent
)

// faultCase is one row of the matrix.
type faultCase struct {
	name  string
	setup func(run *faultRun) // starts run.srv; may add options or change the context
	seen  faultSeen
	// ok lists the classes for which the call ends well (a later attempt
	// succeeded); noBodyOK says that Delete and Update, which read no
	// body, succeed where the others fail.
	ok       []faultClass
	noBodyOK bool
	// check asserts the error of a failed call, given the requests seen.
	check func(t *testing.T, run *faultRun, err error, seen int)
	// after asserts anything else, whatever the outcome.
	after func(t *testing.T, run *faultRun)
	// heavy rows (32 MiB bodies) are slow under -race: the tests that
	// re-run the matrix for another invariant try them on one operation
	// per class only.
	heavy bool
}

// faultLight reports whether the tests that re-run the matrix try fc on op.
func faultLight(fc faultCase, op faultOp) bool {
	if !fc.heavy {
		return true
	}
	for _, o := range faultOps() {
		if o.class == op.class {
			return o.name == op.name
		}
	}
	return false
}

// faultAPI checks an *APIError with the status, sentinel and Attempts.
func faultAPI(status int, sentinel error, more ...func(t *testing.T, e *fullstory.APIError)) func(*testing.T, *faultRun, error, int) {
	return func(t *testing.T, _ *faultRun, err error, seen int) {
		var e *fullstory.APIError
		require.ErrorAs(t, err, &e)
		assert.Equal(t, status, e.StatusCode)
		assert.Equal(t, seen, e.Attempts, "APIError.Attempts")
		if sentinel != nil {
			assert.ErrorIs(t, err, sentinel)
		}
		assert.NotErrorIs(t, err, fullstory.ErrInvalidResponse)
		for _, m := range more {
			m(t, e)
		}
	}
}

func faultMessage(msg string) func(*testing.T, *fullstory.APIError) {
	return func(t *testing.T, e *fullstory.APIError) { assert.Equal(t, msg, e.Message) }
}

func faultRetryAfter(d time.Duration) func(*testing.T, *fullstory.APIError) {
	return func(t *testing.T, e *fullstory.APIError) { assert.Equal(t, d, e.RetryAfter) }
}

// faultTransport checks an error with no response: not an *APIError, and
// matching every target.
func faultTransport(targets ...error) func(*testing.T, *faultRun, error, int) {
	return func(t *testing.T, _ *faultRun, err error, _ int) {
		var e *fullstory.APIError
		assert.False(t, errors.As(err, &e), "a transport error must not be an *APIError: %v", err)
		assert.NotErrorIs(t, err, fullstory.ErrInvalidResponse)
		for _, target := range targets {
			assert.ErrorIs(t, err, target)
		}
	}
}

// faultBroken checks a connection that broke before or during the response.
func faultBroken(t *testing.T, run *faultRun, err error, seen int) {
	faultTransport()(t, run, err, seen)
	assert.True(t, errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE),
		"want EOF, unexpected EOF, a reset or a broken pipe: %v", err)
}

func faultInvalid(t *testing.T, _ *faultRun, err error, _ int) {
	assert.ErrorIs(t, err, fullstory.ErrInvalidResponse)
	var e *fullstory.APIError
	assert.False(t, errors.As(err, &e), "an unusable 200 must not be an *APIError: %v", err)
}

// faultPartialJSON is the first half of a success body.
var faultPartialJSON = faultOKBody[:len(faultOKBody)/2]

func faultCases() []faultCase {
	return []faultCase{
		{
			name:  "connection refused",
			setup: func(run *faultRun) { run.srv = run.serveRefused() },
			seen:  faultAll,
			check: faultTransport(syscall.ECONNREFUSED),
		},
		{
			// The connection may fail while the client still dials, or
			// once it has written: either way no request reaches the
			// server, so the retries the client makes are not counted.
			name: "reset at once (accept, then close)",
			setup: func(run *faultRun) {
				run.srv = run.serveRaw(func(_ *faultServer, c net.Conn) { faultReset(c) })
			},
			seen:  faultNone,
			check: faultBroken,
		},
		{
			name: "reset before the response (read the request, then close)",
			setup: func(run *faultRun) {
				run.srv = run.serveRaw(func(s *faultServer, c net.Conn) {
					defer faultReset(c)
					r, err := http.ReadRequest(bufio.NewReader(c))
					if err != nil {
						return
					}
					body, _ := io.ReadAll(r.Body)
					s.record(r, body, true)
				})
			},
			seen:  faultReadOnly,
			check: faultBroken,
		},
		{
			name: "reset before the response (hijack, then close)",
			setup: func(run *faultRun) {
				run.srv = run.serveHTTP(true, func(w http.ResponseWriter, r *http.Request, _ int64) {
					if c, _ := faultHijack(run.t, w); c != nil {
						faultReset(c)
					}
				})
			},
			seen:  faultReadOnly,
			check: faultBroken,
		},
		{
			name: "reset once, then 200",
			setup: func(run *faultRun) {
				run.srv = run.serveHTTP(true, func(w http.ResponseWriter, r *http.Request, n int64) {
					if n == 1 {
						if c, _ := faultHijack(run.t, w); c != nil {
							faultReset(c)
						}
						return
					}
					faultOK(w, r)
				})
			},
			seen:  faultSeen{2, 1, 1, 2},
			ok:    []faultClass{faultRead, faultKeyed},
			check: faultBroken,
		},
		{
			name: "reset mid-body (chunked, connection cut)",
			setup: func(run *faultRun) {
				run.srv = run.serveHTTP(true, func(w http.ResponseWriter, r *http.Request, _ int64) {
					c, rw := faultHijack(run.t, w)
					if c == nil {
						return
					}
					fmt.Fprintf(rw, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n", len(faultPartialJSON), faultPartialJSON)
					rw.Flush()
					faultReset(c)
				})
			},
			seen:  faultReadOnly,
			check: faultBroken,
		},
		{
			name: "body truncated mid-JSON (Content-Length larger than sent)",
			setup: func(run *faultRun) {
				run.srv = run.serveHTTP(true, func(w http.ResponseWriter, r *http.Request, _ int64) {
					c, rw := faultHijack(run.t, w)
					if c == nil {
						return
					}
					fmt.Fprintf(rw, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(faultOKBody), faultPartialJSON)
					rw.Flush()
					c.Close()
				})
			},
			seen:  faultReadOnly,
			check: faultTransport(io.ErrUnexpectedEOF),
		},
		{
			name: "200 with a non-JSON body",
			setup: func(run *faultRun) {
				run.srv = run.serveHTTP(true, func(w http.ResponseWriter, r *http.Request, _ int64) {
					w.Header().Set("Content-Type", "text/html")
					io.WriteString(w, "<html><body><h1>Welcome to nginx!</h1>"+run.taint(r)+"</body></html>")
				})
			},
			seen:     faultOnce,
			noBodyOK: true,
			check:    faultInvalid,
		},
		{
			name: "200 with JSON of the wrong types",
			setup: func(run *faultRun) {
				run.srv = run.serveHTTP(true, func(w http.ResponseWriter, r *http.Request, _ int64) {
					w.Header().Set("Content-Type", "application/json")
					fmt.Fprintf(w, `{"id":4242,"name":[%q],"profiles":"none","sessions":42,"events":{},"context_data":[],"summary":7,"response_schema":%q}`, run.taint(r), run.taint(r))
				})
			},
			seen:     faultOnce,
			noBodyOK: true,
			check:    faultInvalid,
		},
		{
			name: "200 with an empty body",
			setup: func(run *faultRun) {
				run.srv = run.serveHTTP(true, func(w http.ResponseWriter, r *http.Request, _ int64) {
					w.Header().Set("Content-Type", "application/json")
				})
			},
			seen:     faultOnce,
			noBodyOK: true,
			check:    faultInvalid,
		},
		{
			name: "200 with a JSON null",
			setup: func(run *faultRun) {
				run.srv = run.serveHTTP(true, func(w http.ResponseWriter, r *http.Request, _ int64) {
					w.Header().Set("Content-Type", "application/json")
					io.WriteString(w, "null\n")
				})
			},
			seen:     faultOnce,
			noBodyOK: true,
			check:    faultInvalid,
		},
		{
			name: "502 HTML page from a proxy",
			setup: func(run *faultRun) {
				// A proxy's 5xx means the request never reached the API.
				run.srv = run.serveHTTP(false, func(w http.ResponseWriter, r *http.Request, _ int64) { run.proxyPage(w, r, 502) })
			},
			seen:  faultNoWrite,
			check: faultAPI(502, fullstory.ErrServer, faultMessage("502 Bad Gateway")),
		},
		{
			name: "503 HTML page from a proxy",
			setup: func(run *faultRun) {
				run.srv = run.serveHTTP(false, func(w http.ResponseWriter, r *http.Request, _ int64) { run.proxyPage(w, r, 503) })
			},
			seen:  faultNoWrite,
			check: faultAPI(503, fullstory.ErrServer, faultMessage("503 Service Unavailable")),
		},
		{
			name: "504 HTML page from a proxy",
			setup: func(run *faultRun) {
				run.srv = run.serveHTTP(false, func(w http.ResponseWriter, r *http.Request, _ int64) { run.proxyPage(w, r, 504) })
			},
			seen:  faultNoWrite,
			check: faultAPI(504, fullstory.ErrServer, faultMessage("504 Gateway Timeout")),
		},
		{
			name: "500 with {code, message}",
			setup: func(run *faultRun) {
				run.srv = run.serveHTTP(true, func(w http.ResponseWriter, r *http.Request, _ int64) {
					run.jsonError(w, r, 500, "internal", "the summarizer crashed")
				})
			},
			seen: faultReadOnly,
			check: faultAPI(500, fullstory.ErrServer, func(t *testing.T, e *fullstory.APIError) {
				assert.Equal(t, "internal", e.Code)
				if !strings.HasPrefix(e.Message, "the summarizer crashed") {
					t.Errorf("Message = %q", e.Message)
				}
			}),
		},
		{
			name: "500 once, then 200",
			setup: func(run *faultRun) {
				run.srv = run.serveHTTP(true, func(w http.ResponseWriter, r *http.Request, n int64) {
					if n == 1 {
						run.jsonError(w, r, 500, "internal", "try again")
						return
					}
					faultOK(w, r)
				})
			},
			seen:  faultSeen{2, 1, 1, 2},
			ok:    []faultClass{faultRead, faultKeyed},
			check: faultAPI(500, fullstory.ErrServer),
		},
		{
			name: "400 with {code, message}",
			setup: func(run *faultRun) {
				run.srv = run.serveHTTP(false, func(w http.ResponseWriter, r *http.Request, _ int64) {
					run.jsonError(w, r, 400, "invalid_argument", "bad slice")
				})
			},
			seen:  faultOnce,
			check: faultAPI(400, fullstory.ErrBadRequest),
		},
		{
			name: "401 HTML page",
			setup: func(run *faultRun) {
				run.srv = run.serveHTTP(false, func(w http.ResponseWriter, r *http.Request, _ int64) { run.proxyPage(w, r, 401) })
			},
			seen:  faultOnce,
			check: faultAPI(401, fullstory.ErrUnauthorized, faultMessage("401 Unauthorized")),
		},
		{
			name: "200 body over 32 MiB (chunked)",
			setup: func(run *faultRun) {
				run.srv = run.serveHTTP(true, func(w http.ResponseWriter, r *http.Request, _ int64) {
					faultStream(w, 40<<20, false)
				})
			},
			seen:  faultOnce,
			check: faultTooLarge,
			heavy: true,
		},
		{
			name: "200 Content-Length over 32 MiB",
			setup: func(run *faultRun) {
				run.srv = run.serveHTTP(true, func(w http.ResponseWriter, r *http.Request, _ int64) {
					faultStream(w, 40<<20, true)
				})
			},
			seen:  faultOnce,
			check: faultTooLarge,
			heavy: true,
		},
		{
			name: "headers never arrive (per-attempt timeout)",
			setup: func(run *faultRun) {
				run.opts = append(run.opts, fullstory.WithTimeout(30*time.Millisecond))
				run.srv = run.serveHTTP(true, func(w http.ResponseWriter, r *http.Request, _ int64) { <-r.Context().Done() })
			},
			seen: faultReadOnly,
			check: func(t *testing.T, run *faultRun, err error, seen int) {
				faultTransport(context.DeadlineExceeded)(t, run, err, seen)
				assert.NoError(t, run.ctx.Err(), "the caller's context is not done")
				assert.Contains(t, err.Error(), "timed out")
			},
		},
		{
			name: "context cancelled before sending",
			setup: func(run *faultRun) {
				run.cancel()
				run.srv = run.serveHTTP(true, func(w http.ResponseWriter, r *http.Request, _ int64) { faultOK(w, r) })
			},
			seen:  faultNone,
			check: faultTransport(context.Canceled),
		},
		{
			name: "context cancelled while waiting for headers",
			setup: func(run *faultRun) {
				run.srv = run.serveHTTP(true, func(w http.ResponseWriter, r *http.Request, _ int64) {
					run.cancel()
					<-r.Context().Done()
				})
			},
			seen:  faultOnce,
			check: faultTransport(context.Canceled),
		},
		{
			name: "context cancelled while reading the body",
			setup: func(run *faultRun) {
				tr := &http.Transport{}
				run.t.Cleanup(tr.CloseIdleConnections)
				run.opts = append(run.opts, fullstory.WithHTTPClient(&http.Client{Transport: faultCancelAfterHeaders{tr, run.cancel}}))
				run.srv = run.serveHTTP(true, func(w http.ResponseWriter, r *http.Request, _ int64) {
					w.Header().Set("Content-Type", "application/json")
					io.WriteString(w, faultPartialJSON)
					http.NewResponseController(w).Flush()
					<-r.Context().Done()
				})
			},
			seen:  faultOnce,
			check: faultTransport(context.Canceled),
		},
		{
			name: "context cancelled during a backoff wait",
			setup: func(run *faultRun) {
				fired := new(atomic.Bool)
				base := run.log
				if base == nil {
					base = slog.DiscardHandler
				}
				run.log = faultCancelOnRetry{base, run.cancel, fired}
				run.opts = append(run.opts, fullstory.WithRetryWait(time.Hour, time.Hour))
				run.t.Cleanup(func() { assert.True(run.t, fired.Load(), "the client never logged a retry") })
				run.srv = run.serveHTTP(false, func(w http.ResponseWriter, r *http.Request, _ int64) {
					run.jsonError(w, r, 429, "rate_limited", "slow down")
				})
			},
			seen: faultOnce,
			check: func(t *testing.T, run *faultRun, err error, seen int) {
				assert.ErrorIs(t, err, context.Canceled)
				faultAPI(429, fullstory.ErrRateLimited)(t, run, err, seen)
			},
		},
		{
			name: "context deadline while waiting for headers",
			setup: func(run *faultRun) {
				run.ctx, run.cancel = context.WithTimeout(run.ctx, 100*time.Millisecond)
				run.srv = run.serveHTTP(true, func(w http.ResponseWriter, r *http.Request, _ int64) { <-r.Context().Done() })
			},
			seen:  faultOnce,
			check: faultTransport(context.DeadlineExceeded),
		},
		{
			name: "302 to another host",
			setup: func(run *faultRun) {
				run.other = run.serveHTTP(true, func(w http.ResponseWriter, r *http.Request, _ int64) { faultOK(w, r) })
				run.srv = run.serveHTTP(false, func(w http.ResponseWriter, r *http.Request, _ int64) {
					loc := run.other.url + "/elsewhere" + run.taintPath(r)
					if r.URL.RawQuery != "" {
						loc += "?" + r.URL.RawQuery
					}
					w.Header().Set("Location", loc)
					w.WriteHeader(http.StatusFound)
				})
			},
			seen:  faultOnce,
			check: faultAPI(302, nil),
			after: func(t *testing.T, run *faultRun) {
				assert.Zero(t, run.other.seen.Load(), "the other host must never see a request, nor the key")
			},
		},
		{
			name: "307 to the same host",
			setup: func(run *faultRun) {
				run.srv = run.serveHTTP(false, func(w http.ResponseWriter, r *http.Request, n int64) {
					if !strings.HasPrefix(r.URL.Path, "/moved/") {
						w.Header().Set("Location", "/moved"+r.URL.RequestURI())
						w.WriteHeader(http.StatusTemporaryRedirect)
						return
					}
					run.srv.apply(n)
					faultOK(w, r)
				})
			},
			seen: faultSeen{2, 2, 2, 2},
			ok:   []faultClass{faultRead, faultSummary, faultWrite, faultKeyed},
			after: func(t *testing.T, run *faultRun) {
				reqs := run.srv.requests()
				if !assert.Len(t, reqs, 2) {
					return
				}
				assert.Equal(t, "/moved"+reqs[0].uri, reqs[1].uri)
				assert.Equal(t, reqs[0].method, reqs[1].method, "a 307 keeps the method")
				assert.Equal(t, reqs[0].body, reqs[1].body, "a 307 keeps the body")
				for _, r := range reqs {
					assert.Equal(t, "Basic "+faultKey, r.auth, "Authorization stays on the same host")
				}
			},
		},
		{
			name: "redirect loop on the same host",
			setup: func(run *faultRun) {
				run.srv = run.serveHTTP(false, func(w http.ResponseWriter, r *http.Request, n int64) {
					w.Header().Set("Location", fmt.Sprintf("/loop/%d%s", n, run.taintPath(r)))
					w.WriteHeader(http.StatusTemporaryRedirect)
				})
			},
			// The first request and 9 redirects, all in one attempt: a
			// loop is permanent and never retried.
			seen: faultSeen{10, 10, 10, 10},
			check: func(t *testing.T, run *faultRun, err error, seen int) {
				faultTransport()(t, run, err, seen)
				assert.Contains(t, err.Error(), "redirects")
			},
		},
		{
			name: "429 storm without Retry-After",
			setup: func(run *faultRun) {
				run.srv = run.serveHTTP(false, func(w http.ResponseWriter, r *http.Request, _ int64) {
					run.jsonError(w, r, 429, "rate_limited", "too many requests")
				})
			},
			seen:  faultAll,
			check: faultAPI(429, fullstory.ErrRateLimited, faultRetryAfter(0)),
		},
		{
			name: "429 storm with Retry-After: 0",
			setup: func(run *faultRun) {
				run.srv = run.serveHTTP(false, func(w http.ResponseWriter, r *http.Request, _ int64) {
					w.Header().Set("Retry-After", "0")
					run.jsonError(w, r, 429, "rate_limited", "too many requests")
				})
			},
			seen:  faultAll,
			check: faultAPI(429, fullstory.ErrRateLimited, faultRetryAfter(0)),
		},
		{
			name: "429 with Retry-After: 120 over the default 60s cap",
			setup: func(run *faultRun) {
				run.srv = run.serveHTTP(false, func(w http.ResponseWriter, r *http.Request, _ int64) {
					w.Header().Set("Retry-After", "120")
					run.jsonError(w, r, 429, "rate_limited", "too many requests")
				})
			},
			seen:  faultOnce,
			check: faultAPI(429, fullstory.ErrRateLimited, faultRetryAfter(120*time.Second)),
		},
		{
			name: "429 with Retry-After: 2 over WithMaxRetryAfter(1s)",
			setup: func(run *faultRun) {
				run.opts = append(run.opts, fullstory.WithMaxRetryAfter(time.Second))
				run.srv = run.serveHTTP(false, func(w http.ResponseWriter, r *http.Request, _ int64) {
					w.Header().Set("Retry-After", "2")
					run.jsonError(w, r, 429, "rate_limited", "too many requests")
				})
			},
			seen:  faultOnce,
			check: faultAPI(429, fullstory.ErrRateLimited, faultRetryAfter(2*time.Second)),
		},
		{
			name: "429 with Retry-After as an HTTP date an hour ahead",
			setup: func(run *faultRun) {
				run.srv = run.serveHTTP(false, func(w http.ResponseWriter, r *http.Request, _ int64) {
					w.Header().Set("Retry-After", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat))
					run.jsonError(w, r, 429, "rate_limited", "too many requests")
				})
			},
			seen: faultOnce,
			check: faultAPI(429, fullstory.ErrRateLimited, func(t *testing.T, e *fullstory.APIError) {
				assert.Greater(t, e.RetryAfter, 58*time.Minute)
				assert.LessOrEqual(t, e.RetryAfter, time.Hour)
			}),
		},
		{
			name: "429 with Retry-After: 30 beyond the context deadline",
			setup: func(run *faultRun) {
				run.ctx, run.cancel = context.WithTimeout(run.ctx, 5*time.Second)
				run.srv = run.serveHTTP(false, func(w http.ResponseWriter, r *http.Request, _ int64) {
					w.Header().Set("Retry-After", "30")
					run.jsonError(w, r, 429, "rate_limited", "too many requests")
				})
			},
			seen: faultOnce,
			check: func(t *testing.T, run *faultRun, err error, seen int) {
				faultAPI(429, fullstory.ErrRateLimited, faultRetryAfter(30*time.Second))(t, run, err, seen)
				assert.NoError(t, run.ctx.Err(), "the call returned before the deadline, without waiting")
			},
		},
		{
			name: "503 with Retry-After: 120 over the cap",
			setup: func(run *faultRun) {
				run.srv = run.serveHTTP(false, func(w http.ResponseWriter, r *http.Request, _ int64) {
					w.Header().Set("Retry-After", "120")
					run.jsonError(w, r, 503, "unavailable", "maintenance")
				})
			},
			seen:  faultOnce,
			check: faultAPI(503, fullstory.ErrServer, faultRetryAfter(120*time.Second)),
		},
	}
}

// faultStream writes a 200 body of size bytes in 64 KiB pieces without
// holding it, announcing its length when withLength, and returns how many
// bytes were written before the client hung up.
func faultStream(w http.ResponseWriter, size int64, withLength bool) int64 {
	w.Header().Set("Content-Type", "application/json")
	if withLength {
		w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	}
	chunk := []byte(strings.Repeat("a", 64<<10))
	var written int64
	n, err := io.WriteString(w, `{"summary":"`)
	written += int64(n)
	for err == nil && written+int64(len(chunk)) <= size-2 {
		n, err = w.Write(chunk)
		written += int64(n)
	}
	if err == nil {
		n, _ = io.WriteString(w, strings.Repeat("a", int(size-2-written))+`"}`)
		written += int64(n)
	}
	http.NewResponseController(w).Flush()
	return written
}

func faultTooLarge(t *testing.T, run *faultRun, err error, seen int) {
	faultInvalid(t, run, err, seen)
	assert.Contains(t, err.Error(), "too large")
}

// faultClient returns the client of a run.
func faultClient(t *testing.T, run *faultRun) *fullstory.Client {
	opts := []fullstory.Option{
		fullstory.WithBaseURL(run.srv.url),
		fullstory.WithRetryWait(time.Millisecond, 2*time.Millisecond),
		fullstory.WithMaxRetries(faultRetries),
	}
	if run.log != nil {
		opts = append(opts, fullstory.WithLogger(slog.New(run.log)))
	}
	c, err := fullstory.NewClient(faultKey, append(opts, run.opts...)...)
	require.NoError(t, err)
	return c
}

// faultTotals counts what a run of the matrix did.
type faultTotals struct {
	mu            sync.Mutex
	faults, calls int
	attempts      int64
	failed        int
}

func (f *faultTotals) add(seen int64, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	f.attempts += seen
	if err != nil {
		f.failed++
	}
}

// faultTry runs one fault on one operation and returns the run, with what
// the server saw, the client and the error.
func faultTry(t *testing.T, fc faultCase, op faultOp, echo bool, log slog.Handler) (*faultRun, *fullstory.Client, error) {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	run := &faultRun{t: t, op: op, echo: echo, ctx: ctx, cancel: cancel, log: log}
	fc.setup(run)
	t.Cleanup(run.cancel) // setup may have replaced it
	c := faultClient(t, run)
	err := op.call(run.ctx, c)
	return run, c, err
}

func TestFaultMatrix(t *testing.T) {
	var totals faultTotals
	cases := faultCases()
	for _, fc := range cases {
		t.Run(fc.name, func(t *testing.T) {
			for _, op := range faultOps() {
				t.Run(op.name, func(t *testing.T) {
					run, _, err := faultTry(t, fc, op, false, nil)
					seen := int(run.srv.seen.Load())
					totals.add(int64(seen), err)

					assert.Equal(t, fc.seen[op.class], seen, "requests the server saw (%s class)", op.class)
					wantOK := (op.noBody && fc.noBodyOK) || faultHasClass(fc.ok, op.class)
					if wantOK {
						assert.NoError(t, err)
					} else if assert.Error(t, err) {
						assert.True(t, strings.HasPrefix(err.Error(), "fullstory: "+op.method+" /"), "error names the call: %q", err)
						assert.NotContains(t, err.Error(), "giving up", "never retryablehttp's bare error")
						fc.check(t, run, err, seen)
					}
					if fc.after != nil {
						fc.after(t, run)
					}
				})
			}
		})
	}
	totals.faults = len(cases)
	t.Logf("fault matrix: %d faults x %d operations = %d calls, %d failed as expected, %d attempts seen by the servers",
		totals.faults, len(faultOps()), totals.calls, totals.failed, totals.attempts)
}

func faultHasClass(list []faultClass, c faultClass) bool {
	for _, x := range list {
		if x == c {
			return true
		}
	}
	return false
}

// TestFaultOversizedBodyIsBounded streams 64 MiB to a client that reads at
// most 32 MiB: the handler must be cut off, and nothing of the body may stay
// in memory once the error is returned.
func TestFaultOversizedBodyIsBounded(t *testing.T) {
	const size = 64 << 20
	for _, withLength := range []bool{false, true} {
		t.Run(fmt.Sprintf("Content-Length=%v", withLength), func(t *testing.T) {
			written := make(chan int64, 1)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				written <- faultStream(w, size, withLength)
			}))
			defer srv.Close()
			c, err := fullstory.NewClient(faultKey, fullstory.WithBaseURL(srv.URL), fullstory.WithRetryWait(time.Millisecond, 2*time.Millisecond))
			require.NoError(t, err)

			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err = c.Sessions.Summarize(context.Background(), faultSession, nil)
			n := <-written
			runtime.GC()
			runtime.ReadMemStats(&after)

			require.ErrorIs(t, err, fullstory.ErrInvalidResponse)
			assert.Contains(t, err.Error(), "too large")
			assert.Less(t, n, int64(size), "the client hung up before the handler wrote everything")
			if withLength {
				assert.Less(t, n, int64(32<<20), "a Content-Length over the limit is refused before the body is read")
			} else {
				assert.GreaterOrEqual(t, n, int64(32<<20), "a chunked body is read up to the limit")
			}
			retained := int64(after.HeapAlloc) - int64(before.HeapAlloc)
			assert.Less(t, retained, int64(8<<20), "the error must not hold the body")
			runtime.KeepAlive(err)
			t.Logf("handler wrote %d MiB of %d MiB before the client hung up; heap retained %+d KiB; allocated %d MiB during the call",
				n>>20, size>>20, retained>>10, (after.TotalAlloc-before.TotalAlloc)>>20)
		})
	}
}
