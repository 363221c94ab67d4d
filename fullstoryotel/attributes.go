package fullstoryotel

import (
	"context"
	"errors"
	"net"
	"net/url"
	"strconv"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"

	fullstory "github.com/summarykit/fullstory-go"
)

// The attributes of our own, beside the semantic conventions'.
const (
	keyOperation       = attribute.Key("fullstory.operation")
	keyAttempt         = attribute.Key("fullstory.attempt")
	keyAttempts        = attribute.Key("fullstory.attempts")
	keyOutcome         = attribute.Key("fullstory.outcome")
	keySource          = attribute.Key("fullstory.summary.source")
	keyActivationEvent = attribute.Key("fullstory.activation.event")
	keyWaitReason      = attribute.Key("fullstory.wait.reason")
	keyWaitDuration    = attribute.Key("fullstory.wait.duration")
	keyRetryReason     = attribute.Key("fullstory.retry.reason")
	keySessionID       = attribute.Key("fullstory.session.id")
)

// summarize is the operation whose calls have a SummarySource.
const summarize = "Sessions.Summarize"

// httpAttrs are the attributes of the HTTP semantic conventions that every
// call and attempt has: none holds an id or a query.
func httpAttrs(call *fullstory.CallInfo) []attribute.KeyValue {
	attrs := make([]attribute.KeyValue, 0, 8)
	attrs = append(attrs, keyOperation.String(call.Operation), semconv.HTTPRequestMethodKey.String(call.Method))
	if host, port, ok := hostPort(call.BaseURL); ok {
		attrs = append(attrs, semconv.ServerAddress(host), semconv.ServerPort(port))
	}
	return append(attrs, semconv.URLTemplate(call.Route))
}

// hostPort returns the host and port of a base URL, the port from its
// scheme when the URL has none.
func hostPort(base string) (string, int, bool) {
	u, err := url.Parse(base)
	if err != nil || u.Hostname() == "" {
		return "", 0, false
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		return u.Hostname(), n, err == nil
	}
	switch u.Scheme {
	case "https":
		return u.Hostname(), 443, true
	case "http":
		return u.Hostname(), 80, true
	}
	return u.Hostname(), 0, false
}

// maxURLFull is the longest url.full recorded; a longer one is cut.
const maxURLFull = 2048

// sessionAttrs are the attributes WithSessionIDs adds to spans: the URL
// without its query (which CallInfo never holds) and the session id.
func sessionAttrs(call *fullstory.CallInfo) []attribute.KeyValue {
	full := call.BaseURL + call.Path
	if len(full) > maxURLFull {
		// An id of megabytes would make a span attribute of megabytes.
		full = strings.ToValidUTF8(full[:maxURLFull], "") + "…"
	}
	attrs := []attribute.KeyValue{semconv.URLFull(full)}
	if id, ok := sessionID(call); ok {
		attrs = append(attrs, keySessionID.String(id))
	}
	return attrs
}

// outcome names how a call or an attempt ended, for metrics.
func outcome(failed bool) attribute.KeyValue {
	if failed {
		return keyOutcome.String("error")
	}
	return keyOutcome.String("success")
}

// callErrorType is error.type for a call that failed with err: a short
// name of why, never its text.
func callErrorType(err error) string {
	var apiErr *fullstory.APIError
	switch {
	case errors.Is(err, fullstory.ErrBudgetExhausted):
		return "budget_exhausted"
	case errors.Is(err, fullstory.ErrBudgetUnavailable):
		return "budget_unavailable"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.As(err, &apiErr):
		if apiErr.Attempts == 0 && apiErr.Code == "client_held" {
			return "client_held" // a 429 of the Client's own pacing: nothing was sent
		}
		return strconv.Itoa(apiErr.StatusCode)
	case errors.Is(err, fullstory.ErrInvalidResponse):
		return "invalid_response"
	case errors.Is(err, fullstory.ErrInvalidArgument):
		return "invalid_argument"
	}
	return transportErrorType(err)
}

// attemptErrorType is error.type for an attempt that failed: its status
// from 400 on, or why no usable response came. "" when it did not fail.
func attemptErrorType(a *fullstory.AttemptInfo) string {
	switch {
	case a.Err == nil && a.Status >= 400:
		return strconv.Itoa(a.Status)
	case a.Err == nil:
		return ""
	case a.Status != 0:
		return "invalid_response" // a response whose body was too large
	case errors.Is(a.Err, context.Canceled):
		return "canceled"
	case errors.Is(a.Err, context.DeadlineExceeded):
		return "timeout"
	}
	return transportErrorType(a.Err)
}

// transportErrorType names an error that is none of the library's own.
func transportErrorType(err error) string {
	var (
		ne net.Error
		ue *url.Error
	)
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.As(err, &ne), errors.As(err, &ue):
		return "transport_error"
	}
	return semconv.ErrorTypeOther.Value.AsString()
}
