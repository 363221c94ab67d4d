package fullstory_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// How the servers of the fault matrix misbehave: they echo the key, email
// and uid that a request carried in their error bodies, proxy pages and
// redirect Locations, cut connections, and stream oversized bodies.

// taint is what an echoing server puts in its error bodies: the key and the
// personal data the request carried, as a careless server or proxy would.
func taint(auth string, query url.Values, rawQuery string) string {
	return fmt.Sprintf(" [auth=%s query=%s email=%s uid=%s]", auth, rawQuery, query.Get("email"), query.Get("uid"))
}

func (run *faultRun) taint(r *http.Request) string {
	return taint(r.Header.Get("Authorization"), r.URL.Query(), r.URL.RawQuery)
}

// redactedTaint is the taint of the last request the server received, as
// the caller must read it: with every secret it carried redacted.
func (run *faultRun) redactedTaint(t *testing.T) string {
	reqs := run.srv.requests()
	require.NotEmpty(t, reqs)
	last := reqs[len(reqs)-1]
	u, err := url.Parse(last.RequestURI)
	require.NoError(t, err)
	return strings.NewReplacer(secretKey, "[redacted]", url.QueryEscape(secretEmail), "[redacted]",
		secretEmail, "[redacted]", secretUID, "[redacted]").Replace(taint(last.Header.Get("Authorization"), u.Query(), u.RawQuery))
}

// taintPath is a path segment that carries the same in a redirect's Location.
func (run *faultRun) taintPath(r *http.Request) string {
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

// serveError starts run.srv, answering every request status with the API's
// JSON error, whose message echoes the secrets, and with the Retry-After
// that retryAfter returns, if any. applies says whether the server acted on
// each request.
func (run *faultRun) serveError(applies bool, status int, code, message string, retryAfter func() string) {
	run.srv = newRecordingServer(run.t, applies, func(w http.ResponseWriter, r *http.Request, _ int64) {
		if retryAfter != nil {
			w.Header().Set("Retry-After", retryAfter())
		}
		run.jsonError(w, r, status, code, message)
	})
}

// fixed returns a func that returns s.
func fixed(s string) func() string { return func() string { return s } }

// serveProxyPage starts run.srv, answering every request status with a
// proxy's HTML page, whose title echoes the secrets. A proxy's 5xx means the
// request never reached the API.
func (run *faultRun) serveProxyPage(status int) {
	run.srv = newRecordingServer(run.t, false, func(w http.ResponseWriter, r *http.Request, _ int64) { run.proxyPage(w, r, status) })
}

// serveCut starts run.srv, which acts on each request, then writes raw (the
// start of a response, or nothing) on the connection and ends it with end.
func (run *faultRun) serveCut(raw string, end func(net.Conn) error) {
	run.srv = newRecordingServer(run.t, true, func(w http.ResponseWriter, r *http.Request, _ int64) {
		c, rw := faultHijack(run.t, w)
		if c == nil {
			return
		}
		io.WriteString(rw, raw)
		rw.Flush()
		end(c)
	})
}

// faultOK answers r with a success body the operation can decode.
func faultOK(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if strings.HasSuffix(r.URL.Path, "/events") {
		io.WriteString(w, okEventsBody)
		return
	}
	io.WriteString(w, okBody)
}

// faultReadRequest reads a whole request on a raw connection and records it
// as acted on.
func faultReadRequest(ws *wireServer, br *bufio.Reader) {
	r, err := http.ReadRequest(br)
	if err != nil {
		return
	}
	body, _ := io.ReadAll(r.Body)
	ws.record(r, body, true)
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
func faultReset(c net.Conn) error {
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	return c.Close()
}

// faultCancelAfterHeaders cancels the call once an attempt (other than a
// warm-up) has its response headers, so that the cancellation hits while
// the body is read.
type faultCancelAfterHeaders struct {
	base   http.RoundTripper
	cancel context.CancelFunc
}

func (f faultCancelAfterHeaders) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := f.base.RoundTrip(r)
	if err == nil && r.URL.Path != warmUpPath {
		f.cancel()
	}
	return resp, err
}

// faultPartialJSON is the first half of a success body.
var faultPartialJSON = okBody[:len(okBody)/2]

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
