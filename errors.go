package fullstory

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

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
	Path       string      // path only: never the query string; Error() cuts a huge one
	Header     http.Header // response headers
	Body       []byte      // at most 64 KiB of the raw body
}

// Error returns a one-line description: method, path, status, code and message.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "fullstory: %s %s: %d %s", e.Method, textPath(e.Path), e.StatusCode, http.StatusText(e.StatusCode))
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
	if e.Attempts == 0 && e.StatusCode == http.StatusTooManyRequests {
		b.WriteString(" (not sent)")
	}
	// The message and code come from the server: no control or format
	// character of theirs may reorder, hide or break the line.
	return shared.Printable(b.String())
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

// Error returns "fullstory: invalid <field>: <reason>", each of the two cut
// at a bounded length (they may quote what the caller passed); the fields
// keep the whole text.
func (e *ValidationError) Error() string {
	return "fullstory: invalid " + shorten(e.Field, 256) + ": " + shorten(e.Reason, 1024)
}

// Is reports whether target is ErrInvalidArgument.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalidArgument }

// Errors of structured output, from Summary.Decode, DecodeSummary and
// SummarizeAs. The summary itself succeeded (and spent its Activation):
// SummarizeAs returns it with the error, so its text is not lost.
var (
	// ErrNoStructuredOutput: the summary has no structured response and its
	// text holds no JSON, as when the profile has no response schema.
	ErrNoStructuredOutput = errors.New("fullstory: the summary has no structured response and its text holds no JSON")
	// ErrStructuredOutputMismatch: the structured output is JSON that does
	// not decode into the type asked for.
	ErrStructuredOutputMismatch = errors.New("fullstory: the structured output does not fit the type")
)

// ErrInvalidResponse is what an error for a success response that cannot be
// used matches through errors.Is: a body that is not JSON, has the wrong
// types, is empty where data was expected, or is larger than 32 MiB.
var ErrInvalidResponse = errors.New("fullstory: invalid response")
