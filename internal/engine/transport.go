package engine

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sync"
	"sync/atomic"
)

// NewTransport returns a transport like http.DefaultTransport that keeps as
// many idle connections to the API host as callers use at once, instead of
// the default two, which churns connections under concurrency.
//
// It never sends a plain-http request through a proxy: plain http goes only
// to a loopback host (WithBaseURL), with the API key in clear text, and Go's
// proxy rule exempts only the exact "localhost" and loopback IP addresses,
// not "LOCALHOST" or "Localhost". And a proxy that refuses the tunnel to
// the API fails the attempt with a ProxyError, which holds the status but
// not the proxy's status text: that may echo the proxy's credentials.
func NewTransport() *http.Transport {
	var t *http.Transport
	if dt, ok := http.DefaultTransport.(*http.Transport); ok {
		t = dt.Clone()
	} else {
		t = &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true}
	}
	t.MaxIdleConns = 256
	t.MaxIdleConnsPerHost = 256
	proxy := t.Proxy
	t.Proxy = func(req *http.Request) (*url.URL, error) {
		if req.URL.Scheme == "http" || proxy == nil {
			return nil, nil
		}
		return proxy(req)
	}
	t.OnProxyConnectResponse = func(_ context.Context, _ *url.URL, _ *http.Request, resp *http.Response) error {
		if resp.StatusCode != http.StatusOK { // what net/http takes for a refusal
			return &ProxyError{Status: resp.StatusCode}
		}
		return nil
	}
	return t
}

// ProxyError is the error of an attempt whose proxy refused the tunnel to
// the API: its answer to CONNECT was not 200. The request never reached the
// API.
type ProxyError struct {
	Status int // the proxy's status code; its status text is left out
}

func (e *ProxyError) Error() string {
	msg := fmt.Sprintf("the proxy refused the tunnel to the API: %d %s", e.Status, http.StatusText(e.Status))
	if e.Status == http.StatusProxyAuthRequired {
		msg += " (check the credentials of the proxy URL)"
	}
	return msg
}

// permanent reports whether the refusal will not go away on its own: a 4xx,
// such as 407 for missing or wrong credentials, but not a 429.
func (e *ProxyError) permanent() bool {
	return e.Status >= 400 && e.Status <= 499 && e.Status != http.StatusTooManyRequests
}

// ErrPlainHTTPProxy is the error of a plain-http request that the HTTP
// client's transport would send through a proxy: it is not sent.
var ErrPlainHTTPProxy = errors.New("not sent: the HTTP client's transport would send it, with the API key in clear text, through a proxy; plain http goes to a loopback host directly, never through a proxy")

// ProxyCredentials returns the credentials in the URL of the proxy that hc
// (from WrapHTTPClient) would send a request for rawURL through, when it
// sends through net/http's Transport: the user name, the password, and the
// forms net/http sends them in. They are secrets like the API key.
func ProxyCredentials(hc *http.Client, rawURL string) []string {
	nr, ok := hc.Transport.(noReplay)
	if !ok {
		return nil
	}
	tr, ok := nr.base.(*http.Transport)
	if !ok || tr.Proxy == nil {
		return nil
	}
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		return nil
	}
	p, err := tr.Proxy(req)
	if err != nil || p == nil || p.User == nil {
		return nil
	}
	user := p.User.Username()
	pass, _ := p.User.Password()
	return []string{p.User.String(), user + ":" + pass, base64.StdEncoding.EncodeToString([]byte(user + ":" + pass)), user, pass}
}

// WrapHTTPClient returns a copy of hc (or of a default client over
// defaultTransport) whose transport never re-sends a request by itself and
// whose redirects never leave the host or change the method. The caller's
// client is not changed.
func WrapHTTPClient(hc *http.Client, defaultTransport http.RoundTripper) *http.Client {
	var out http.Client
	if hc != nil {
		out = *hc
	}
	base := out.Transport
	if base == nil {
		base = defaultTransport
	}
	out.Transport = noReplay{base: base, h2: new(sync.Map)}
	next := out.CheckRedirect
	out.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		first := via[0]
		if req.URL.Host != first.URL.Host || req.URL.Scheme != first.URL.Scheme {
			return http.ErrUseLastResponse // the key must not leave the API host
		}
		if req.Method != first.Method {
			// A 301/302/303 turns a POST into a bodiless GET, which could
			// "succeed" without anything being created: return the redirect.
			return http.ErrUseLastResponse
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &out
}

// noReplay keeps net/http's Transport from sending a request again by
// itself. It does so, behind the retry policy's back, when a request fails
// on a reused keep-alive connection after it was written, if the request
// counts as replayable: a GET, or any request with an Idempotency-Key header
// whose body it can rewind (GetBody). The server may have acted on the first
// copy, and a summary costs an Activation each time. A request is not
// replayable when it has a body that cannot be rewound, so noReplay hands the
// transport one: the real body without GetBody, or an empty body. On
// HTTP/1.1 the empty body is written as none at all (no Content-Length, no
// chunking: the same bytes as a bodiless request); on HTTP/2 it ends the
// request with an empty DATA frame instead of a HEADERS frame that ends the
// stream. The Engine alone decides what is sent again. Connections are still
// reused.
//
// On HTTP/2 the Transport would also retry, by itself, a stream the server
// refused unprocessed (REFUSED_STREAM, or above a GOAWAY's last stream id),
// if it could rewind the body; without GetBody it returns an error that
// only its text tells apart. To a host that spoke HTTP/2 before, noReplay
// therefore gives requests a GetBody that never rewinds: on an HTTP/2
// connection it fails with ErrUnprocessed, which the HTTP/2 Transport calls
// only for a stream it holds unprocessed, so the Engine knows the request
// never reached the server; on an HTTP/1.1 connection (the host changed its
// mind) it fails with errNoReplay, so that a replay is refused there too.
// (Requests to a host not yet seen speak HTTP/2 have no GetBody: a refused
// stream then counts as possibly processed, the safe way round.)
type noReplay struct {
	base http.RoundTripper
	h2   *sync.Map // host → true, for the hosts that spoke HTTP/2
}

func (t noReplay) RoundTrip(req *http.Request) (*http.Response, error) {
	r := *req // a RoundTripper must not change the caller's request
	if r.URL.Scheme == "http" {
		// The caller's transport may proxy what NewTransport's never does.
		if tr, ok := t.base.(*http.Transport); ok && tr.Proxy != nil {
			if p, err := tr.Proxy(req); err == nil && p != nil {
				return nil, ErrPlainHTTPProxy
			}
		}
	}
	r.GetBody = nil
	if r.Body == nil || r.Body == http.NoBody {
		r.Body = emptyBody()
		r.ContentLength = 0
		r.TransferEncoding = identity // so that no goroutine probes the body for data
	}
	var onH2 atomic.Bool
	host := r.URL.Host
	if _, ok := t.h2.Load(host); ok {
		r.GetBody = func() (io.ReadCloser, error) {
			if onH2.Load() {
				return nil, ErrUnprocessed
			}
			return nil, errNoReplay
		}
	}
	trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		if isHTTP2(info.Conn) {
			onH2.Store(true)
			t.h2.Store(host, true)
		}
	}}
	return t.base.RoundTrip(r.WithContext(httptrace.WithClientTrace(r.Context(), trace)))
}

// ErrUnprocessed is the error of an attempt whose HTTP/2 stream the server
// refused before processing it: it never reached the API.
var ErrUnprocessed = errors.New("the server refused the HTTP/2 stream before processing it")

// errNoReplay is the error of an attempt whose connection failed after it
// was sent, which net/http's Transport wanted to send again by itself.
var errNoReplay = errors.New("the connection failed after the request was sent")

// isHTTP2 reports whether conn speaks HTTP/2, as negotiated in its TLS
// handshake. (Unencrypted HTTP/2 cannot be told apart here: its refused
// streams count as possibly processed, the safe way round.)
func isHTTP2(conn net.Conn) bool {
	tc, ok := conn.(*tls.Conn)
	return ok && tc.ConnectionState().NegotiatedProtocol == "h2"
}

// identity is the TransferEncoding of a bodiless request: no chunking. net/http
// only reads it.
var identity = []string{"identity"}

// emptyBody returns a body with nothing in it that is not http.NoBody, which
// net/http would take for no body at all, and so for a replayable request.
// It is an in-memory reader, which net/http writes without flushing the
// headers first (a type of our own cost GETs under concurrency about half
// their speed). Each request needs its own: copying even an empty
// bytes.Reader writes to it.
func emptyBody() io.ReadCloser { return io.NopCloser(bytes.NewReader(nil)) }

// Traceable reports whether hc, from WrapHTTPClient, sends through
// net/http's own Transport, whose trace events prove an attempt that never
// got a connection sent nothing.
func Traceable(hc *http.Client) bool {
	nr, ok := hc.Transport.(noReplay)
	if !ok {
		return false
	}
	_, ok = nr.base.(*http.Transport)
	return ok
}

// CloseIdleConnections closes the base transport's idle connections, so that
// http.Client.CloseIdleConnections reaches it.
func (t noReplay) CloseIdleConnections() {
	if c, ok := t.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
