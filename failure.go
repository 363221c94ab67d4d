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

	"github.com/summarykit/fullstory-go/internal/engine"
	"github.com/summarykit/fullstory-go/internal/pace"
	"github.com/summarykit/fullstory-go/internal/shared"
)

// Every error a call returns is built here, from the engine's Outcome, which
// says once why the call ended. Their text still holds whatever the server
// sent; the exit in redact.go cleans it.

// maxErrorBody is how much of an error response body APIError keeps, and
// how much of a body or message its sample looks at.
const maxErrorBody = 64 << 10

// maxSampledBody is how much of an unusable success body its sample looks
// at.
const maxSampledBody = 4096

// result decodes a call's last response into r.out, or builds its error.
func (cl *call) result(ctx context.Context, out *engine.Outcome) error {
	r, red := cl.r, cl.red
	prefix := fmt.Sprintf("fullstory: %s %s", r.method, textPath(r.path))
	err := withoutQuery(out.Err)
	switch out.End {
	case engine.EndResponse:
		if out.Status < 200 || out.Status > 299 {
			return apiError(r, out, red)
		}
		return decode(r, out, red)
	case engine.EndHeld:
		return heldError(r, out, red)
	case engine.EndRefused:
		return &notSentError{prefix: prefix, err: err}
	case engine.EndBuild:
		return fmt.Errorf("%s: %w", prefix, err)
	case engine.EndBodyTooLarge:
		return fmt.Errorf("%s: %w: %w", prefix, ErrInvalidResponse, err)
	case engine.EndBadEncoding:
		return fmt.Errorf("%s: %d response unusable: %w: %w", prefix, out.Status, ErrInvalidResponse, err)
	case engine.EndContext:
		if out.Status != 0 {
			// Ended while waiting to retry: keep what the last attempt said.
			return fmt.Errorf("%s: %w after %s; last response: %w", prefix, err, shared.Attempts(out.Attempts), apiError(r, out, red))
		}
	case engine.EndTimeout:
		return fmt.Errorf("%s: attempt %d timed out after %s: %w", prefix, out.Attempts, cl.policy.Timeout, err)
	}
	switch {
	case out.Stopped != "":
		return fmt.Errorf("%s: %s: %w", prefix, out.Stopped, err)
	case out.Attempts > 1:
		return fmt.Errorf("%s: after %s: %w", prefix, shared.Attempts(out.Attempts), err)
	}
	return fmt.Errorf("%s: %w", prefix, err)
}

// notSentError is a call refused before it was sent, by the Budget or the
// caller's Limiter. It reads "fullstory: GET /path: not sent: <why>", with
// the why's own "fullstory: " left out.
type notSentError struct {
	prefix string
	err    error
}

func (e *notSentError) Error() string {
	return e.prefix + ": not sent: " + strings.TrimPrefix(e.err.Error(), "fullstory: ")
}

func (e *notSentError) Unwrap() error { return e.err }

// apiError builds the *APIError for the last response of a call.
func apiError(r *request, out *engine.Outcome, red *redactor) *APIError {
	e := &APIError{
		StatusCode: out.Status,
		Attempts:   out.Attempts,
		Method:     r.method,
		Path:       r.path,
		Header:     out.Header,
		RetryAfter: out.RetryAfter,
	}
	e.Body = bytes.Clone(out.Body[:min(len(out.Body), maxErrorBody)])
	e.Code, e.Message = decodeErrorBody(out.Body, red)
	if e.StatusCode >= 300 && e.StatusCode < 400 && e.Message == "" {
		e.Message = "redirect not followed: it leads to another host or would change the method"
	}
	return e
}

// heldError is the answer for a call that the Client held back because the
// wait for its pacing or rate limit would outlast the context: the same
// *APIError, 429, as when the server says so, with RetryAfter when known.
func heldError(r *request, out *engine.Outcome, red *redactor) *APIError {
	var held *pace.HeldError
	errors.As(out.Err, &held)
	if out.Status != 0 {
		e := apiError(r, out, red) // held before a retry: what the server said last
		e.RetryAfter = max(e.RetryAfter, held.Wait)
		return e
	}
	return &APIError{
		StatusCode: http.StatusTooManyRequests,
		Code:       "client_held",
		Message:    held.Error(), // Error() adds "(not sent)"
		RetryAfter: held.Wait,
		Attempts:   out.Attempts,
		Method:     r.method,
		Path:       r.path,
	}
}

// decodeErrorBody reads the API's {"code", "message"} body, whole. A body
// that is not such JSON (a proxy's HTML page, plain text) gives a short
// readable sample of its first 64 KiB as the message.
func decodeErrorBody(body []byte, red *redactor) (code, message string) {
	var wire struct {
		Code    json.RawMessage `json:"code"`
		Message string          `json:"message"`
		Error   string          `json:"error"`
	}
	if err := json.Unmarshal(body, &wire); err == nil {
		code = sampleOf(red, rawString(wire.Code), 100)
		message = wire.Message
		if message == "" {
			message = wire.Error
		}
		if code != "" || message != "" {
			return code, sampleOf(red, message, 500)
		}
	}
	text, cut := bodyText(window(string(body)))
	return "", red.sample(text, cut, 200)
}

// sampleOf returns a sample of n runes of the first 64 KiB of s.
func sampleOf(red *redactor, s string, n int) string {
	w, cut := window(s)
	return red.sample(w, cut, n)
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

// bodyText returns the readable part of a body that is not JSON: an HTML
// page's title, or its text without tags. cut says that s was cut at its
// end; so was the text, unless it is the title.
func bodyText(s string, cut bool) (string, bool) {
	if m := htmlTitle.FindStringSubmatch(s); m != nil {
		return m[1], false
	}
	if strings.Contains(s, "<") {
		return htmlTag.ReplaceAllString(s, " "), cut // an unclosed tag at the cut stays as text
	}
	return s, cut
}

// invalidResponse describes a success response that cannot be used.
func invalidResponse(r *request, out *engine.Outcome, red *redactor, what string, err error) error {
	msg := fmt.Sprintf("fullstory: %s %s: %d response unusable: %s", r.method, textPath(r.path), out.Status, what)
	// A sample helps with a body that is not JSON at all, such as a proxy's
	// page. JSON of the wrong shape is described by the decoding error
	// alone: its values may be personal data, such as a user's email.
	if !json.Valid(out.Body) {
		head := out.Body[:min(len(out.Body), maxSampledBody)]
		text, cut := bodyText(string(head), len(head) < len(out.Body))
		if sample := red.sample(text, cut, 120); sample != "" {
			msg += "; body starts " + strconv.Quote(sample)
		}
	}
	if err != nil {
		return fmt.Errorf("%s: %w: %w", msg, ErrInvalidResponse, err)
	}
	return fmt.Errorf("%s: %w", msg, ErrInvalidResponse)
}

// invalidf returns an error for a success response that cannot be used.
func invalidf(r *request, format string, args ...any) error {
	return fmt.Errorf("fullstory: %s %s: %s: %w", r.method, textPath(r.path), fmt.Sprintf(format, args...), ErrInvalidResponse)
}

// maxTextPath is the longest path put whole in the text of an error or a
// log line. A longer one (a huge profile or user id) is cut there; the
// fields of an error, such as APIError.Path, keep it whole.
const maxTextPath = 256

// textPath returns path for the text of an error or a log line.
func textPath(path string) string { return shorten(path, maxTextPath) }

// shorten returns s, or its first n runes marked "…" with the length of the
// whole: what the text of an error or a log line holds of a value that a
// caller passed or a server sent.
func shorten(s string, n int) string {
	head, cut := shared.Cut(s, n)
	if !cut {
		return s
	}
	return head + "… (" + strconv.Itoa(len(s)) + " bytes)"
}

// closedError is the error of a call on a closed Client.
func closedError(r *request) error {
	return fmt.Errorf("fullstory: %s %s: %w", r.method, textPath(r.path), ErrClientClosed)
}
