package engine

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
)

// Class says which failures of an operation may be retried.
type Class int

const (
	// Read operations change nothing and are retried on connection errors,
	// timeouts, 429, 500, 502, 503 and 504.
	Read Class = iota
	// Summary operations spend an Activation each. They are retried only
	// when the attempt provably reached no generator: on 429, on a 503
	// that carries Retry-After (the server refused it and said when to
	// come back), and when the request never reached the server. Never on
	// another 5xx (a gateway's 502 or 504, or a 503 without Retry-After,
	// may come after the API took it), a timeout or a connection lost after
	// sending.
	Summary
	// Write operations are not idempotent. They are retried on 429 and when
	// the request never reached the server.
	Write
)

func (c Class) String() string {
	switch c {
	case Read:
		return "read"
	case Summary:
		return "summary"
	case Write:
		return "write"
	}
	return "class(" + strconv.Itoa(int(c)) + ")"
}

// Retryable reports whether an attempt of an operation of class cl that got
// res may be retried, and why (or why not, for a transport error).
func Retryable(ctx context.Context, cl Class, res *Result) (bool, string) {
	if res.Err != nil {
		switch {
		case ctx.Err() != nil:
			return false, "the context is done"
		case errors.Is(res.Err, ErrBodyTooLarge):
			return false, "the response body is too large"
		case errors.Is(res.Err, ErrBadEncoding):
			return false, "the response body is not in its Content-Encoding"
		case !transient(res.Err):
			return false, "permanent transport error"
		case res.NeverSent:
			return true, "the request never reached the server"
		case AttemptTimedOut(ctx, res.Err):
			return cl == Read, "the attempt timed out"
		default:
			return cl == Read, "connection error"
		}
	}
	switch status := res.Status; status {
	case http.StatusTooManyRequests:
		return true, "rate limited (429)"
	case http.StatusServiceUnavailable:
		if res.HasRetryAfter && cl == Summary {
			return true, "server unavailable (503) with Retry-After"
		}
		return cl == Read, "server unavailable (503)"
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		return cl == Read, "server error (" + strconv.Itoa(status) + ")"
	}
	return false, ""
}

// dialFailed reports whether err happened while connecting to the server or
// to a proxy on the way, before any byte of the request could reach the
// server.
func dialFailed(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && (op.Op == "dial" || op.Op == "proxyconnect")
}

// AttemptTimedOut reports whether err is the per-attempt timeout rather than
// the caller's context.
func AttemptTimedOut(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// transient reports whether a transport error may go away on its own:
// certificate problems, redirect loops, a proxy that refuses the tunnel
// with a 4xx (407: wrong credentials) and a plain-http request refused
// before a proxy do not.
func transient(err error) bool {
	var proxy *ProxyError
	if errors.Is(err, ErrPlainHTTPProxy) || errors.As(err, &proxy) && proxy.permanent() {
		return false
	}
	var (
		unknownCA x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		verify    *tls.CertificateVerificationError
		recordHdr tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &unknownCA), errors.As(err, &hostname), errors.As(err, &invalid),
		errors.As(err, &verify), errors.As(err, &recordHdr):
		return false
	case strings.Contains(err.Error(), "stopped after") && strings.Contains(err.Error(), "redirects"):
		return false
	}
	return true
}
