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
	// Summary operations spend an Activation each. They are retried on 429,
	// 502, 503, 504, and on connection errors where the request was never
	// sent; never on a timeout or a 500, which may have spent one already.
	Summary
	// Write operations are not idempotent. They are retried on 429 and on
	// connection errors where the request was never sent.
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

// Retryable reports whether a failure of an operation of class cl may be
// retried, and why. status is 0 when err is a transport error.
func Retryable(ctx context.Context, cl Class, status int, err error) (bool, string) {
	if err != nil {
		switch {
		case ctx.Err() != nil:
			return false, "the context is done"
		case NeverSent(err):
			return true, "connection failed before the request was sent"
		case !transient(err):
			return false, "permanent transport error"
		case AttemptTimedOut(ctx, err):
			return cl == Read, "the attempt timed out"
		default:
			return cl == Read, "connection error"
		}
	}
	switch status {
	case http.StatusTooManyRequests:
		return true, "rate limited (429)"
	case http.StatusInternalServerError:
		return cl == Read, "server error (500)"
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return cl == Read || cl == Summary, "server unavailable (" + strconv.Itoa(status) + ")"
	}
	return false, ""
}

// NeverSent reports whether err happened while connecting, before any byte
// of the request could reach the server.
func NeverSent(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
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
// certificate problems and redirect loops do not.
func transient(err error) bool {
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
