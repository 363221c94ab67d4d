package engine

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
	"time"
)

// send makes one attempt of req under the policy's per-attempt timeout, which
// bounds it from sending the request to reading the whole body. The body is
// read here, so that a body cut off halfway is a failure of the attempt, as a
// broken connection is.
func send(ctx context.Context, r *Request, req *http.Request) (res Result) {
	actx := ctx
	if r.Policy.Timeout > 0 {
		var cancel context.CancelFunc
		actx, cancel = context.WithTimeout(ctx, r.Policy.Timeout)
		defer cancel()
	}
	var tr connTrace
	req = req.WithContext(httptrace.WithClientTrace(actx, tr.trace()))
	if r.Body != nil {
		// A fresh reader per attempt replays the body byte for byte;
		// GetBody lets a same-host 307/308 re-send it too.
		req.Body = io.NopCloser(bytes.NewReader(r.Body))
		req.ContentLength = int64(len(r.Body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(r.Body)), nil }
	}
	res.Sent = time.Now()
	defer func() { res.Duration = time.Since(res.Sent) }()
	resp, err := r.HTTP.Do(req)
	if err != nil {
		res.Err, res.NeverSent = err, tr.neverSent(err, r.Traceable)
		return res
	}
	res.Status, res.Header = resp.StatusCode, resp.Header
	res.RetryAfter, res.HasRetryAfter = ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	body, err := readBody(resp, r.Policy.MaxBody)
	switch {
	case errors.Is(err, ErrBodyTooLarge):
		res.Err = err
	case err != nil && badEncoding(resp, err):
		// A response, unusable: the status stays, and nothing is retried.
		res.Err = fmt.Errorf("%w: %w", ErrBadEncoding, err)
	case err != nil:
		// No usable response: the attempt failed like a broken connection.
		res.Status, res.Header, res.RetryAfter, res.HasRetryAfter = 0, nil, 0, false
		res.Err = fmt.Errorf("reading the response body: %w", err)
	default:
		res.Body = body
	}
	return res
}

// connTrace records what net/http's Transport says of an attempt's
// connection. Its events may come from the Transport's dialing goroutine.
type connTrace struct {
	gotConn         atomic.Bool // a connection was handed to the request: it may have been written
	handshakeFailed atomic.Bool // the TLS handshake of a new connection failed
}

func (t *connTrace) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) { t.gotConn.Store(true) },
		TLSHandshakeDone: func(_ tls.ConnectionState, err error) {
			if err != nil {
				t.handshakeFailed.Store(true)
			}
		},
	}
}

// neverSent reports whether a failed attempt provably sent nothing to the
// server. The proof is positive evidence: a dial error, a failed TLS
// handshake with no connection handed over after it, an HTTP/2 stream the
// Transport found unprocessed (ErrUnprocessed), a proxy that refused the
// tunnel (ProxyError), a request refused before it was handed to a proxy
// (ErrPlainHTTPProxy); or, when the Transport is
// net/http's own (traceable), that no connection was ever handed to the
// request. A RoundTripper of the caller's that does not report connections
// proves nothing by staying silent.
func (t *connTrace) neverSent(err error, traceable bool) bool {
	var proxy *ProxyError
	switch {
	case errors.Is(err, ErrUnprocessed), errors.Is(err, ErrPlainHTTPProxy), errors.As(err, &proxy), dialFailed(err):
		return true
	case t.gotConn.Load():
		return false
	}
	return t.handshakeFailed.Load() || traceable
}
