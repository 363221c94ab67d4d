package fullstory_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

// The one way to build a test server: newTestServer (httptest, any
// handler), newRawServer (a bare TCP listener, for faults below HTTP) and
// newRefusedServer (a port that refuses connections) all return a
// wireServer that records what it received; newCountingServer, for fuzzing
// and benchmarks, only counts.

// wireAPIKey is the key the wire tests authenticate with.
const wireAPIKey = "na1.wire-test-key"

// warmUpID is the profile that a warm-up call gets: every test server
// answers it with a success, without recording it, so that a test can leave
// an idle keep-alive connection in the client's pool before the call it
// looks at.
const warmUpID = "warm-up"

const warmUpPath = "/v2/visit_profile/" + warmUpID

const warmUpBody = `{"id":"` + warmUpID + `","name":"warm-up"}`

// wireRecorded is what a test server received of one request.
type wireRecorded struct {
	Method     string
	RequestURI string
	Header     http.Header
	Body       []byte
	Applied    bool // the server acted on it (a write applied, a summary generated)
}

// wireServer is a test server that records every request, body included,
// before its handler answers.
type wireServer struct {
	URL string

	conns  atomic.Int64 // connections accepted; for a refused port, dials
	served atomic.Int64 // requests a counting server answered
	warmed atomic.Int64 // warm-up requests answered
	// awaitWarmUp tells a raw server that the next connection brings a
	// warm-up request first.
	awaitWarmUp atomic.Bool
	mu          sync.Mutex
	reqs        []wireRecorded
}

// record notes a request that reached the server and returns its 1-based
// number.
func (ws *wireServer) record(r *http.Request, body []byte, applied bool) int64 {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	ws.reqs = append(ws.reqs, wireRecorded{Method: r.Method, RequestURI: r.RequestURI, Header: r.Header.Clone(), Body: body, Applied: applied})
	return int64(len(ws.reqs))
}

// apply marks request n as acted on.
func (ws *wireServer) apply(n int64) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	ws.reqs[n-1].Applied = true
}

// hits is how many requests the server has received.
func (ws *wireServer) hits() int {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	return len(ws.reqs)
}

// requests returns a copy of what the server has received, in order.
func (ws *wireServer) requests() []wireRecorded {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	return append([]wireRecorded(nil), ws.reqs...)
}

// only returns the one request the server received, failing the test if it
// received another number.
func (ws *wireServer) only(t *testing.T) wireRecorded {
	t.Helper()
	reqs := ws.requests()
	require.Len(t, reqs, 1, "requests seen by the server")
	return reqs[0]
}

// newTestServer starts a recording httptest server on 127.0.0.1 that
// answers with h, and closes it when the test ends. h gets the request with
// its body intact; a warm-up call is answered without reaching h.
func newTestServer(t *testing.T, h http.HandlerFunc) *wireServer {
	t.Helper()
	return newRecordingServer(t, false, func(w http.ResponseWriter, r *http.Request, _ int64) { h(w, r) })
}

// newRecordingServer is newTestServer for handlers that need the request's
// number; applies says whether every request counts as acted on.
func newRecordingServer(t *testing.T, applies bool, h func(w http.ResponseWriter, r *http.Request, n int64)) *wireServer {
	t.Helper()
	ws := &wireServer{}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "reading the body: "+err.Error(), http.StatusBadRequest)
			return
		}
		if r.URL.Path == warmUpPath {
			ws.warmed.Add(1)
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, warmUpBody)
			return
		}
		n := ws.record(r, body, applies)
		r.Body = io.NopCloser(bytes.NewReader(body))
		h(w, r, n)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			ws.conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	ws.URL = srv.URL
	return ws
}

// newCountingServer starts an httptest server that answers with h and only
// counts the requests: for fuzzing and benchmarks, which send more requests
// than a test should keep.
func newCountingServer(tb testing.TB, h http.Handler) *wireServer {
	tb.Helper()
	ws := &wireServer{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws.served.Add(1)
		h.ServeHTTP(w, r)
	}))
	tb.Cleanup(srv.Close)
	ws.URL = srv.URL
	return ws
}

// newRawServer starts a bare TCP listener that hands each connection to
// fault, which reads (and records) what it wants and closes the connection
// its own way. When a warm-up is awaited, the next connection answers it
// first and is handed to fault once the next request starts to arrive, so
// that the fault hits the reused connection.
func newRawServer(t *testing.T, fault func(ws *wireServer, c net.Conn, br *bufio.Reader)) *wireServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ws := &wireServer{URL: "http://" + ln.Addr().String()}
	serveConns(t, ln, ws, func(c net.Conn) { serveRaw(ws, c, fault) })
	return ws
}

// serveConns hands each connection ln accepts to serve on a goroutine of
// its own, counting them in ws.conns, until the test ends: then it closes
// the listener and every connection, and waits for serve to return.
func serveConns(t *testing.T, ln net.Listener, ws *wireServer, serve func(net.Conn)) {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		conns []net.Conn
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			ws.conns.Add(1)
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Add(1)
			go func() { defer wg.Done(); serve(c) }()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
}

// serveRaw serves one raw connection: the warm-up request if one is
// awaited, then the fault.
func serveRaw(ws *wireServer, c net.Conn, fault func(*wireServer, net.Conn, *bufio.Reader)) {
	br := bufio.NewReader(c)
	if ws.awaitWarmUp.CompareAndSwap(true, false) {
		r, err := http.ReadRequest(br)
		if err != nil || r.URL.Path != warmUpPath {
			c.Close()
			return
		}
		_, _ = io.Copy(io.Discard, r.Body)
		ws.warmed.Add(1)
		fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(warmUpBody), warmUpBody)
		if _, err := br.Peek(1); err != nil { // until the next request starts to arrive
			c.Close()
			return
		}
	}
	fault(ws, c, br)
}

// newRefusedServer returns a server whose port refuses connections, and an
// option that sends through a transport counting the dials as the server's
// conns.
func newRefusedServer(t *testing.T) (*wireServer, fullstory.Option) {
	t.Helper()
	ws := &wireServer{URL: closedListenerURL(t)}
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		ws.conns.Add(1)
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}
	t.Cleanup(tr.CloseIdleConnections)
	return ws, fullstory.WithHTTPClient(&http.Client{Transport: tr})
}

// closedListenerURL returns the URL of a port that was just closed, so
// connecting to it is refused. The port is on 127.0.0.2 where it can be,
// since every test server listens on 127.0.0.1: a parallel test that starts
// a server cannot be given the port meanwhile.
func closedListenerURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil { // no 127.0.0.2 here
		l, err = net.Listen("tcp", "127.0.0.1:0")
	}
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return "http://" + addr
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

// wireClient returns a client of ws with tiny retry waits, then opts.
func wireClient(t *testing.T, ws *wireServer, opts ...fullstory.Option) *fullstory.Client {
	t.Helper()
	return wireClientAt(t, ws.URL, opts...)
}

// wireClientAt returns a client of baseURL with tiny retry waits, then opts.
func wireClientAt(t *testing.T, baseURL string, opts ...fullstory.Option) *fullstory.Client {
	t.Helper()
	return newTestClient(t, wireAPIKey, baseURL, opts...)
}

// newTestClient returns a client with key of baseURL with tiny retry waits,
// then opts.
func newTestClient(t *testing.T, key, baseURL string, opts ...fullstory.Option) *fullstory.Client {
	t.Helper()
	all := append([]fullstory.Option{
		fullstory.WithBaseURL(baseURL),
		fullstory.WithRetryWait(time.Millisecond, 2*time.Millisecond),
	}, opts...)
	c, err := fullstory.NewClient(key, all...)
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

// wireStatusErrors are realistic {code, message} error bodies by status.
var wireStatusErrors = map[int][2]string{
	http.StatusBadRequest:          {"required_field", "the request is missing a required field"},
	http.StatusUnauthorized:        {"unauthorized", "the API key is not valid"},
	http.StatusForbidden:           {"forbidden", "the API key lacks the permission for this operation"},
	http.StatusNotFound:            {"resource_not_found", "the resource was not found"},
	http.StatusConflict:            {"conflict", "the resource changed meanwhile"},
	http.StatusUnprocessableEntity: {"invalid_argument", "the configuration is not valid"},
	http.StatusTooManyRequests:     {"too_many_requests", "rate limit exceeded"},
	http.StatusInternalServerError: {"server_error", "internal error"},
}

// wireStatusError is a reply with a realistic error body for status.
func wireStatusError(status int) wireReply {
	if e, ok := wireStatusErrors[status]; ok {
		return wireError(status, e[0], e[1])
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

// boundedContext returns a context that ends after d or with the test, so
// that a call which would hang makes the test fail instead.
func boundedContext(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
