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
	"github.com/summarykit/fullstory-go/internal/shared"
)

// This file turns the engine's Outcome into the caller's value or error: it
// is the one place where errors are built. Their text still holds whatever
// the server sent; the exit in redact.go cleans it.

// maxErrorBody is how much of an error response body APIError keeps.
const maxErrorBody = 64 << 10

// result decodes a call's last response into r.out, or builds its error.
func result(ctx context.Context, r *request, out *engine.Outcome, red *redactor) error {
	switch {
	case out.Err != nil:
		return transportError(ctx, r, out, red)
	case out.Status < 200 || out.Status > 299:
		return apiError(r, out, red)
	}
	return decode(r, out, red)
}

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
	body := out.Body
	if len(body) > maxErrorBody {
		body = body[:maxErrorBody]
	}
	e.Body = bytes.Clone(body)
	e.Code, e.Message = decodeErrorBody(body, red)
	if e.StatusCode >= 300 && e.StatusCode < 400 && e.Message == "" {
		e.Message = "redirect not followed: it leads to another host or would change the method"
	}
	return e
}

// heldError is the answer for a call that the Client held back because the
// wait for its pause or rate limit would outlast the context: the same
// *APIError, 429, as when the server says so, with RetryAfter when known.
func heldError(r *request, out *engine.Outcome, held *engine.HeldError, red *redactor) *APIError {
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
		Method:     r.method,
		Path:       r.path,
	}
}

// decodeErrorBody reads the API's {"code", "message"} body. A body that is
// not such JSON (a proxy's HTML page, plain text) gives a short readable
// sample as the message.
func decodeErrorBody(body []byte, red *redactor) (code, message string) {
	var wire struct {
		Code    json.RawMessage `json:"code"`
		Message string          `json:"message"`
		Error   string          `json:"error"`
	}
	if err := json.Unmarshal(body, &wire); err == nil {
		code = red.sample(rawString(wire.Code), 100)
		message = wire.Message
		if message == "" {
			message = wire.Error
		}
		if code != "" || message != "" {
			return code, red.sample(message, 500)
		}
	}
	return "", red.sample(bodyText(body), 200)
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
// page's title, or its text without tags.
func bodyText(body []byte) string {
	s := string(body)
	if m := htmlTitle.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	if strings.Contains(s, "<") {
		return htmlTag.ReplaceAllString(s, " ")
	}
	return s
}

// decode unmarshals a success body into r.out.
func decode(r *request, out *engine.Outcome, red *redactor) error {
	body := bytes.TrimSpace(out.Body)
	if len(body) == 0 || bytes.Equal(body, []byte("null")) {
		if r.out == nil {
			return nil
		}
		return invalidResponse(r, out, red, "the body is empty", nil)
	}
	if r.out == nil {
		return nil
	}
	var err error
	if d, ok := r.out.(bodyDecoder); ok {
		err = d.decodeBody(body)
	} else {
		err = json.Unmarshal(body, r.out)
	}
	if err != nil {
		return invalidResponse(r, out, red, "it is not the expected JSON", err)
	}
	return nil
}

// bodyDecoder is a response type that decodes a whole body itself. Having
// json.Unmarshal call its UnmarshalJSON instead would scan the body twice.
type bodyDecoder interface {
	decodeBody(data []byte) error
}

// invalidResponse describes a success response that cannot be used.
func invalidResponse(r *request, out *engine.Outcome, red *redactor, what string, err error) error {
	msg := fmt.Sprintf("fullstory: %s %s: %d response unusable: %s", r.method, r.path, out.Status, what)
	// A sample helps with a body that is not JSON at all, such as a proxy's
	// page. JSON of the wrong shape is described by the decoding error
	// alone: its values may be personal data, such as a user's email.
	if !json.Valid(out.Body) {
		head := out.Body[:min(len(out.Body), 4096)]
		if sample := red.sample(bodyText(head), 120); sample != "" {
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
	return fmt.Errorf("fullstory: %s %s: %s: %w", r.method, r.path, fmt.Sprintf(format, args...), ErrInvalidResponse)
}

// transportError describes a call that ended without a usable response.
func transportError(ctx context.Context, r *request, out *engine.Outcome, red *redactor) error {
	prefix := fmt.Sprintf("fullstory: %s %s", r.method, r.path)
	err := withoutQuery(out.Err)
	var held *engine.HeldError
	var build *engine.BuildError
	switch {
	case errors.As(err, &held):
		return heldError(r, out, held, red)
	case errors.As(err, &build):
		return fmt.Errorf("%s: %w", prefix, err)
	case errors.Is(err, engine.ErrBodyTooLarge):
		return fmt.Errorf("%s: %w: %w", prefix, ErrInvalidResponse, err)
	case ctx.Err() != nil && out.Status != 0:
		// Cancelled while waiting to retry: keep what the last attempt said.
		return fmt.Errorf("%s: %w after %s; last response: %w", prefix, err, shared.Attempts(out.Attempts), apiError(r, out, red))
	}
	var detail string
	switch {
	case engine.AttemptTimedOut(ctx, err):
		detail = fmt.Sprintf("attempt %d timed out after %s", out.Attempts, out.Timeout)
	case out.Attempts > 1:
		detail = "after " + shared.Attempts(out.Attempts)
	case out.Stopped != "":
		detail = out.Stopped
	}
	if detail != "" {
		return fmt.Errorf("%s: %s: %w", prefix, detail, err)
	}
	return fmt.Errorf("%s: %w", prefix, err)
}
