package fullstory_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

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

// gatewayUpstreamTimeout is how long a gateway of the matrix waits for the
// API before it answers 504 (its API waits until then, whatever the load).
const gatewayUpstreamTimeout = 100 * time.Millisecond

// newGateway starts a reverse proxy in front of apiURL that gives up on the
// API after gatewayUpstreamTimeout and answers with onTimeout, over HTTP/2
// with TLS when h2 (then client is an HTTP client that trusts it), and
// returns its URL. A warm-up passes without the timeout, so that a loaded
// machine cannot turn it into a 504.
func newGateway(t *testing.T, apiURL string, h2 bool, onTimeout http.HandlerFunc) (gwURL string, client *http.Client) {
	t.Helper()
	target, err := url.Parse(apiURL)
	require.NoError(t, err)
	upstream := &http.Transport{ResponseHeaderTimeout: gatewayUpstreamTimeout}
	warm := &http.Transport{}
	t.Cleanup(upstream.CloseIdleConnections)
	t.Cleanup(warm.CloseIdleConnections)
	gw := httptest.NewUnstartedServer(&httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) { pr.SetURL(target) },
		Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if r.URL.Path == warmUpPath {
				return warm.RoundTrip(r)
			}
			return upstream.RoundTrip(r)
		}),
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, _ error) { onTimeout(w, r) },
	})
	if h2 {
		gw.EnableHTTP2 = true
		gw.StartTLS()
		client = gw.Client()
	} else {
		gw.Start()
	}
	t.Cleanup(gw.Close)
	return gw.URL, client
}

// newHandshakeResetServer starts a TLS port that reads each ClientHello
// and resets the connection: no request ever reaches it. Its conns count
// the handshakes begun.
func newHandshakeResetServer(t *testing.T) *wireServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ws := &wireServer{URL: "https://" + ln.Addr().String()}
	serveConns(t, ln, ws, func(c net.Conn) {
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, _ = c.Read(make([]byte, 512)) // the start of the ClientHello
		faultReset(c)
	})
	return ws
}

// newRefusingH2Server starts an HTTP/2 server, speaking the frames itself,
// that answers the warm-up and refuses every other stream unprocessed
// (RST_STREAM with REFUSED_STREAM), counting them in served; no request is
// recorded, since none was processed. client trusts its certificate.
func newRefusingH2Server(t *testing.T) (ws *wireServer, client *http.Client) {
	t.Helper()
	certs := httptest.NewUnstartedServer(http.NotFoundHandler()) // for its certificate and a client that trusts it
	certs.EnableHTTP2 = true
	certs.StartTLS()
	t.Cleanup(certs.Close)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: certs.TLS.Certificates, NextProtos: []string{"h2"}})
	require.NoError(t, err)
	ws = &wireServer{URL: "https://" + ln.Addr().String()}
	serveConns(t, ln, ws, func(c net.Conn) { serveRefusingH2(ws, c) })
	return ws, certs.Client()
}

// HTTP/2 frame types and flags used by serveRefusingH2 (RFC 9113).
const (
	h2Data, h2Headers, h2RSTStream, h2Settings, h2Ping, h2GoAway = 0x0, 0x1, 0x3, 0x4, 0x6, 0x7
	h2EndStream, h2Ack, h2EndHeaders                             = 0x1, 0x1, 0x4
	h2RefusedStream                                              = 0x7
)

func serveRefusingH2(ws *wireServer, c net.Conn) {
	defer c.Close()
	br := bufio.NewReader(c)
	if _, err := io.ReadFull(br, make([]byte, len("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"))); err != nil {
		return
	}
	frame := func(typ, flags byte, stream uint32, payload []byte) {
		n := len(payload)
		hdr := []byte{byte(n >> 16), byte(n >> 8), byte(n), typ, flags, byte(stream >> 24 & 0x7f), byte(stream >> 16), byte(stream >> 8), byte(stream)}
		_, _ = c.Write(append(hdr, payload...))
	}
	frame(h2Settings, 0, 0, nil)
	warmUp := ws.awaitWarmUp.CompareAndSwap(true, false)
	hdr := make([]byte, 9)
	for {
		if _, err := io.ReadFull(br, hdr); err != nil {
			return
		}
		n := int(hdr[0])<<16 | int(hdr[1])<<8 | int(hdr[2])
		typ, flags := hdr[3], hdr[4]
		stream := uint32(hdr[5]&0x7f)<<24 | uint32(hdr[6])<<16 | uint32(hdr[7])<<8 | uint32(hdr[8])
		payload := make([]byte, n)
		if _, err := io.ReadFull(br, payload); err != nil {
			return
		}
		switch typ {
		case h2Settings:
			if flags&h2Ack == 0 {
				frame(h2Settings, h2Ack, 0, nil)
			}
		case h2Ping:
			if flags&h2Ack == 0 {
				frame(h2Ping, h2Ack, 0, payload)
			}
		case h2Headers:
			if warmUp {
				// The warm-up, the first stream: ":status: 200" (static
				// table index 8), then the body.
				warmUp = false
				ws.warmed.Add(1)
				frame(h2Headers, h2EndHeaders, stream, []byte{0x88})
				frame(h2Data, h2EndStream, stream, []byte(warmUpBody))
				continue
			}
			ws.served.Add(1)
			frame(h2RSTStream, 0, stream, []byte{0, 0, 0, h2RefusedStream})
		case h2GoAway:
			return
		}
	}
}

// roundTripFunc is a function that is an http.RoundTripper.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
