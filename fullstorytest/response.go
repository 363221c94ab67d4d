package fullstorytest

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/summarykit/fullstory-go/fullstorytest/internal/wire"
	"github.com/summarykit/fullstory-go/internal/shared"
)

// response is an answer built in full before it is written, so that a
// cut-off fault can send part of it and an idempotent replay all of it.
type response struct {
	status int
	header http.Header
	body   []byte
}

// jsonResponse encodes v, one of the wire types, without HTML escaping, so
// prompts read as written.
func jsonResponse(status int, v any) *response {
	body, err := shared.MarshalJSON(v)
	if err != nil {
		return errorResponse(http.StatusInternalServerError, "server_error", "encoding the response: %v", err)
	}
	return &response{status: status, body: body}
}

// errorResponse is the API's {code, message} error body.
func errorResponse(status int, code, format string, args ...any) *response {
	return jsonResponse(status, wire.Error{Code: code, Message: fmt.Sprintf(format, args...)})
}

// Error codes the API documents.
const (
	codeRequired     = "required_field"
	codeInvalid      = "invalid_argument"
	codeUnauthorized = "unauthorized"
	codeNotFound     = "resource_not_found"
	codeRateLimited  = "too_many_requests"
)

func badRequest(code, format string, args ...any) *response {
	return errorResponse(http.StatusBadRequest, code, format, args...)
}

func notFound(format string, args ...any) *response {
	return errorResponse(http.StatusNotFound, codeNotFound, format, args...)
}

func methodNotAllowed(allow string) *response {
	r := errorResponse(http.StatusMethodNotAllowed, "method_not_allowed", "this endpoint takes %s", allow)
	r.header = http.Header{"Allow": {allow}}
	return r
}

// codeFor returns the code the API sends with a status, for injected faults.
func codeFor(status int) string {
	switch {
	case status == http.StatusBadRequest:
		return codeInvalid
	case status == http.StatusUnauthorized:
		return codeUnauthorized
	case status == http.StatusForbidden:
		return "forbidden"
	case status == http.StatusNotFound:
		return codeNotFound
	case status == http.StatusTooManyRequests:
		return codeRateLimited
	case status >= 500:
		return "server_error"
	}
	return "fault"
}

// write sends r, or with cut only the status, headers and half the body
// before it aborts the connection.
func (r *response) write(w http.ResponseWriter, cut bool) {
	h := w.Header()
	for k, vs := range r.header {
		h[k] = vs
	}
	if len(r.body) > 0 && h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json")
	}
	if cut && len(r.body) < 2 {
		panic(http.ErrAbortHandler) // nothing to send half of: drop the connection
	}
	h.Set("Content-Length", strconv.Itoa(len(r.body)))
	w.WriteHeader(r.status)
	if !cut {
		w.Write(r.body)
		return
	}
	w.Write(r.body[:len(r.body)/2])
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	panic(http.ErrAbortHandler)
}
