package fullstory

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/summarykit/fullstory-go/internal/retry"
	"github.com/summarykit/fullstory-go/internal/shared"
)

// Sentinel errors that an *APIError matches through errors.Is, by status code.
var (
	ErrBadRequest   = errors.New("fullstory: bad request")  // 400
	ErrUnauthorized = errors.New("fullstory: unauthorized") // 401
	ErrForbidden    = errors.New("fullstory: forbidden")    // 403
	ErrNotFound     = errors.New("fullstory: not found")    // 404
	ErrRateLimited  = errors.New("fullstory: rate limited") // 429
	ErrServer       = errors.New("fullstory: server error") // 5xx
)

// ErrInvalidArgument is what a *ValidationError matches through errors.Is: bad
// input caught before anything was sent.
var ErrInvalidArgument = errors.New("fullstory: invalid argument")

// maxErrorBody is how much of an error response body APIError keeps.
const maxErrorBody = 64 << 10

// APIError is the error for a response the API answered with a status other
// than 2xx, after any retries. Match it with errors.As, or its status with
// errors.Is and the sentinels above.
type APIError struct {
	StatusCode int
	Code       string        // the body's "code", e.g. "resource_not_found"
	Message    string        // the body's "message"; a short sample of the body when it is not JSON
	RetryAfter time.Duration // from Retry-After, when the server sent one
	Attempts   int           // how many attempts were made
	Method     string
	Path       string      // path only: never the query string
	Header     http.Header // response headers
	Body       []byte      // at most 64 KiB of the raw body
}

// Error returns a one-line description: method, path, status, code and message.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "fullstory: %s %s: %d %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Code != "" {
		fmt.Fprintf(&b, " (%s)", e.Code)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden {
		b.WriteString("; the API key needs the Admin or Architect role, and the account needs Anywhere: Activation")
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, "; retry after %s", e.RetryAfter)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	return b.String()
}

// Is maps the status code to ErrBadRequest, ErrUnauthorized, ErrForbidden,
// ErrNotFound, ErrRateLimited or ErrServer.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrBadRequest:
		return e.StatusCode == http.StatusBadRequest
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrServer:
		return e.StatusCode >= 500 && e.StatusCode <= 599
	}
	return false
}

// ValidationError reports input that the client refused before sending
// anything. It matches ErrInvalidArgument through errors.Is. Reason never
// holds the API key or a user's email or uid.
type ValidationError struct {
	Field  string
	Reason string
}

// Error returns "fullstory: invalid <field>: <reason>".
func (e *ValidationError) Error() string {
	return "fullstory: invalid " + e.Field + ": " + e.Reason
}

// Is reports whether target is ErrInvalidArgument.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalidArgument }

// apiError builds the *APIError for the last response of a call.
func (c *Client) apiError(r *request, call *retry.Call) *APIError {
	e := &APIError{
		StatusCode: call.Status,
		Attempts:   call.Attempts,
		Method:     r.method,
		Path:       r.path,
		Header:     call.Header,
		RetryAfter: call.RetryAfter,
	}
	if e.RetryAfter == 0 && e.Header != nil {
		e.RetryAfter, _ = retry.ParseRetryAfter(e.Header.Get("Retry-After"), time.Now())
	}
	body := call.Body
	if len(body) > maxErrorBody {
		body = body[:maxErrorBody]
	}
	e.Body = bytes.Clone(body)
	// Redact before the message is cut to a sample too, so that no part of
	// a secret is left where the cut falls.
	e.Code, e.Message = decodeErrorBody([]byte(c.redact(string(body), r.private)))
	if e.StatusCode >= 300 && e.StatusCode < 400 && e.Message == "" {
		e.Message = "redirect not followed: it leads to another host or would change the method"
	}
	e.Code = c.redact(e.Code, r.private)
	e.Message = c.redact(e.Message, r.private)
	return e
}

// decodeErrorBody reads the API's {"code", "message"} body. A body that is
// not such JSON (a proxy's HTML page, plain text) gives a short readable
// sample as the message.
func decodeErrorBody(body []byte) (code, message string) {
	var wire struct {
		Code    json.RawMessage `json:"code"`
		Message string          `json:"message"`
		Error   string          `json:"error"`
	}
	if err := json.Unmarshal(body, &wire); err == nil {
		code = shared.OneLine(rawString(wire.Code), 100)
		message = wire.Message
		if message == "" {
			message = wire.Error
		}
		if code != "" || message != "" {
			return code, shared.OneLine(message, 500)
		}
	}
	return "", bodySample(body, 200)
}

// rawString returns a JSON string's value, or a number's text.
func rawString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

var (
	htmlTitle = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)
	htmlTag   = regexp.MustCompile(`(?s)<[^>]*>`)
)

// bodySample returns at most n characters of a body as one readable line:
// an HTML page's title, or its text without tags.
func bodySample(body []byte, n int) string {
	s := string(body)
	if m := htmlTitle.FindStringSubmatch(s); m != nil {
		s = m[1]
	} else if strings.Contains(s, "<") {
		s = htmlTag.ReplaceAllString(s, " ")
	}
	return shared.OneLine(s, n)
}

// ErrInvalidResponse is what an error for a success response that cannot be
// used matches through errors.Is: a body that is not JSON, has the wrong
// types, is empty where data was expected, or is larger than 32 MiB.
var ErrInvalidResponse = errors.New("fullstory: invalid response")

func (c *Client) invalidResponse(r *request, call *retry.Call, what string, err error) error {
	msg := fmt.Sprintf("fullstory: %s %s: %d response unusable: %s", r.method, r.path, call.Status, what)
	// A sample helps with a body that is not JSON at all, such as a proxy's
	// page. JSON of the wrong shape is described by the decoding error
	// alone: its values may be personal data, such as a user's email.
	if !json.Valid(call.Body) {
		head := call.Body[:min(len(call.Body), 4096)]
		// Redact before cutting, so that no part of a secret is left at the cut.
		if sample := bodySample([]byte(c.redact(string(head), r.private)), 120); sample != "" {
			msg += "; body starts " + strconv.Quote(sample)
		}
	}
	if err != nil {
		return fmt.Errorf("%s: %w: %w", msg, ErrInvalidResponse, errors.New(c.redact(err.Error(), r.private)))
	}
	return fmt.Errorf("%s: %w", msg, ErrInvalidResponse)
}

// transportError describes a call that ended without a usable response.
func (c *Client) transportError(ctx context.Context, r *request, call *retry.Call, err error) error {
	err = redactURLError(err, func(s string) string { return c.redact(s, r.private) })
	return c.redactError(c.describeTransportError(ctx, r, call, err), r.private)
}

func (c *Client) describeTransportError(ctx context.Context, r *request, call *retry.Call, err error) error {
	prefix := fmt.Sprintf("fullstory: %s %s", r.method, r.path)
	if errors.Is(err, retry.ErrBodyTooLarge) {
		return fmt.Errorf("%s: %w: %w", prefix, ErrInvalidResponse, err)
	}
	if errors.Is(err, retry.ErrWaitTooLong) {
		// Held back by the Client's pause after a 429, or its rate limit.
		return fmt.Errorf("%s: %w: %w", prefix, ErrRateLimited, err)
	}
	var detail string
	switch {
	case ctx.Err() != nil && call.Status != 0:
		// Cancelled while waiting to retry: keep what the last attempt said.
		last := c.apiError(r, call)
		return fmt.Errorf("%s: %w after %s; last response: %w", prefix, err, shared.Attempts(call.Attempts), last)
	case retry.AttemptTimedOut(ctx, err):
		detail = fmt.Sprintf("attempt %d timed out after %s", call.Attempts, call.Timeout)
	case call.Attempts > 1:
		detail = fmt.Sprintf("after %d attempts", call.Attempts)
	}
	if call.Stopped != "" && detail == "" {
		detail = call.Stopped
	}
	if detail != "" {
		return fmt.Errorf("%s: %s: %w", prefix, detail, err)
	}
	return fmt.Errorf("%s: %w", prefix, err)
}

// invalidf returns an error for a success response that cannot be used.
func invalidf(r *request, format string, args ...any) error {
	return fmt.Errorf("fullstory: %s %s: %s: %w", r.method, r.path, fmt.Sprintf(format, args...), ErrInvalidResponse)
}
