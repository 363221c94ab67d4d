package fullstory

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/summarykit/fullstory-go/internal/engine"
	"github.com/summarykit/fullstory-go/internal/shared"
)

// maxBody is the largest success body the client reads.
const maxBody = 32 << 20

// request is one API call, as every method describes it to do.
type request struct {
	op     operation
	method string
	path   string // already escaped, e.g. "/v2/sessions/1%3A2/summary"
	route  string // path with placeholders, e.g. "/v2/sessions/{session_id}/summary"
	query  string // encoded; may hold personal data, so never logged or put in errors
	body   any    // marshalled once and replayed byte for byte
	class  engine.Class
	out    any // where the JSON response goes; nil to ignore it (an empty body is then a success)

	private []string // values to keep out of errors and logs: emails, uids
}

// do is the one request path: it describes the request to the engine, which
// sends it, and turns the outcome into r.out or an error. Every error leaves
// through the redactor, and every log line through its logger.
func (c *Client) do(ctx context.Context, r *request, opts []Option) error {
	s, err := c.callSettings(r.op, opts)
	if err != nil {
		return err
	}
	return c.send(ctx, r, s)
}

// send is do with the call's settings already made.
func (c *Client) send(ctx context.Context, r *request, s *settings) error {
	if ctx == nil {
		return &ValidationError{Field: "context", Reason: "is nil"}
	}
	var err error
	red := &redactor{apiKey: c.apiKey, private: r.private}
	var body []byte
	if r.body != nil {
		if body, err = shared.MarshalJSON(r.body); err != nil {
			return red.exit(fmt.Errorf("fullstory: %s %s: encoding the request: %w", r.method, r.path, err))
		}
	}
	url := c.baseURL(s) + r.path
	if r.query != "" {
		url += "?" + r.query
	}
	hc := c.hc
	if s.httpClient != c.settings.httpClient {
		hc = engine.WrapHTTPClient(s.httpClient, c.transport)
	}
	log := red.logger(s.logger)

	out := c.engine.Execute(ctx, &engine.Request{
		Method: r.method,
		URL:    url,
		Path:   r.path,
		Header: c.header(s, body != nil),
		Body:   body,
		HTTP:   hc,
		Policy: policy(s, r),
		Log:    log,
	})
	if s.responseInto != nil && out.Status != 0 {
		*s.responseInto = Response{StatusCode: out.Status, Header: out.Header, Attempts: out.Attempts}
	}
	err = result(ctx, r, out, red)
	if err != nil && log != nil {
		logFailure(log, r, out, err)
	}
	return red.exit(err)
}

// policy returns the retry policy of one call: its operation's class (a
// write with an idempotency key retries like a read) and the settings.
func policy(s *settings, r *request) engine.Policy {
	class := r.class
	if class == engine.Write && s.idempotencyKey != "" {
		class = engine.Read
	}
	timeout := s.timeout
	if timeout == 0 {
		timeout = defaultTimeout
		if class == engine.Summary {
			timeout = defaultSummaryTimeout
		}
	}
	return engine.Policy{
		Class:         class,
		MaxRetries:    s.maxRetries,
		WaitMin:       s.retryWaitMin,
		WaitMax:       s.retryWaitMax,
		MaxRetryAfter: s.maxRetryAfter,
		Timeout:       timeout,
		MaxBody:       maxBody,
	}
}

// header returns the headers of one call.
// The values of the headers are shared between calls (net/http only reads
// a request's headers), so that building them allocates little.
func (c *Client) header(s *settings, hasBody bool) http.Header {
	h := make(http.Header, 6+len(s.header))
	for k, v := range s.header {
		h[k] = v
	}
	h["Authorization"] = c.authHeader
	h["Accept"] = acceptJSON
	h["User-Agent"] = c.uaHeader
	if s.userAgent != c.settings.userAgent {
		h["User-Agent"] = []string{c.userAgent(s)}
	}
	if hasBody {
		h["Content-Type"] = acceptJSON
	}
	if s.integrationSource != "" {
		h["Integration-Source"] = []string{s.integrationSource}
	}
	if s.idempotencyKey != "" {
		h["Idempotency-Key"] = []string{s.idempotencyKey}
	}
	return h
}

// acceptJSON is the value of Accept, and of Content-Type with a body.
var acceptJSON = []string{"application/json"}

// logFailure logs a failed call at Warn: what failed and how, but not the
// error's text, which may quote the server's message or body.
func logFailure(l *slog.Logger, r *request, out *engine.Outcome, err error) {
	attrs := []any{"method", r.method, "path", r.path, "attempts", out.Attempts}
	var apiErr *APIError
	switch {
	case errors.As(err, &apiErr):
		attrs = append(attrs, "status", apiErr.StatusCode, "code", apiErr.Code)
	case errors.Is(err, ErrInvalidResponse):
		attrs = append(attrs, "status", out.Status, "error", "invalid response")
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		attrs = append(attrs, "error", "context done")
	default:
		attrs = append(attrs, "error", engine.Describe(err))
	}
	l.Warn("fullstory: call failed", attrs...)
}
