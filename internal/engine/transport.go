package engine

import (
	"bytes"
	"errors"
	"io"
	"net/http"
)

// NewTransport returns a transport like http.DefaultTransport that keeps as
// many idle connections to the API host as callers use at once, instead of
// the default two, which churns connections under concurrency.
func NewTransport() *http.Transport {
	var t *http.Transport
	if dt, ok := http.DefaultTransport.(*http.Transport); ok {
		t = dt.Clone()
	} else {
		t = &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true}
	}
	t.MaxIdleConns = 256
	t.MaxIdleConnsPerHost = 256
	return t
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
	out.Transport = noReplay{base}
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
// transport one: the real body without GetBody, or an empty body that is
// written as none at all (no Content-Length, no chunking: the same bytes on
// the wire as a bodiless request). The Engine alone decides what is sent
// again. Connections are still reused.
type noReplay struct{ base http.RoundTripper }

func (t noReplay) RoundTrip(req *http.Request) (*http.Response, error) {
	r := *req // a RoundTripper must not change the caller's request
	r.GetBody = nil
	if r.Body == nil || r.Body == http.NoBody {
		r.Body = emptyBody()
		r.ContentLength = 0
		r.TransferEncoding = identity // so that no goroutine probes the body for data
	}
	return t.base.RoundTrip(&r)
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

// CloseIdleConnections closes the base transport's idle connections, so that
// http.Client.CloseIdleConnections reaches it.
func (t noReplay) CloseIdleConnections() {
	if c, ok := t.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
