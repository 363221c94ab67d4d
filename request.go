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

// do is the one request path: it applies the call's options and sends the
// call. Every method goes through it, or through send with its settings
// made.
func (c *Client) do(ctx context.Context, r *request, opts []Option) error {
	s, err := c.callSettings(r.op, opts)
	if err != nil {
		return err
	}
	return c.send(ctx, r, s)
}

// send describes the call to the engine, which sends it, and turns the
// outcome into r.out or an error. A summary goes through the Activation
// guard (summarize.go) instead, which uses the same steps.
func (c *Client) send(ctx context.Context, r *request, s *settings) error {
	cl, err := c.newCall(ctx, r, s)
	if err != nil {
		return err
	}
	ctx = cl.start(ctx)
	out := c.execute(ctx, cl.req)
	return cl.finish(ctx, out, SummaryFromAPI)
}

// call is one call on its way through the request path: the engine's
// request, the call's secrets, its logger and its hooks.
type call struct {
	c      *Client
	r      *request
	s      *settings
	red    *redactor
	log    *slog.Logger
	policy engine.Policy
	req    *engine.Request
	info   CallInfo
	obs    *observer // nil: nobody watches the attempts
}

// newCall checks what every call needs and builds its engine request.
func (c *Client) newCall(ctx context.Context, r *request, s *settings) (*call, error) {
	if ctx == nil {
		return nil, &ValidationError{Field: "context", Reason: "is nil"}
	}
	if c.closed.Load() {
		return nil, closedError(r)
	}
	base := c.baseURL(s)
	url := base + r.path
	if r.query != "" {
		url += "?" + r.query
	}
	hc := c.hc
	if s.httpClient != c.settings.httpClient {
		hc = engine.WrapHTTPClient(s.httpClient, c.transport)
	}
	cl := &call{c: c, r: r, s: s, red: &redactor{apiKey: c.apiKey, private: r.private, hc: hc, url: base}}
	var body []byte
	if r.body != nil {
		var err error
		if body, err = shared.MarshalJSON(r.body); err != nil {
			return nil, cl.red.exit(fmt.Errorf("fullstory: %s %s: encoding the request: %w", r.method, textPath(r.path), err))
		}
	}
	cl.log = cl.red.logger(s.logger)
	cl.policy = policy(s, r)
	cl.info = CallInfo{Operation: string(r.op), Method: r.method, Route: r.route, Path: r.path, BaseURL: base}
	if r.class == engine.Summary || len(s.hooks) > 0 {
		cl.obs = &observer{cl: cl}
	}
	cl.req = &engine.Request{
		Method:    r.method,
		URL:       url,
		Path:      textPath(r.path),
		Header:    c.header(s, body != nil),
		Body:      body,
		HTTP:      hc,
		Traceable: engine.Traceable(hc),
		Policy:    cl.policy,
		Log:       cl.log,
	}
	if cl.obs != nil {
		cl.req.Observer = cl.obs
	}
	return cl, nil
}

// start tells the hooks that the call starts, and returns the call's
// context from then on.
func (cl *call) start(ctx context.Context) context.Context {
	for _, h := range cl.s.hooks {
		if h.CallStart != nil {
			if hctx := h.CallStart(ctx, &cl.info); hctx != nil {
				ctx = hctx
			}
		}
	}
	return ctx
}

// finish concludes the call and tells the hooks that it ended.
func (cl *call) finish(ctx context.Context, out *engine.Outcome, src SummarySource) error {
	err := cl.conclude(ctx, out)
	cl.end(ctx, out, src, err)
	return err
}

// conclude turns the outcome into r.out or the call's error, which leaves
// through the redactor.
func (cl *call) conclude(ctx context.Context, out *engine.Outcome) error {
	s := cl.s
	if s.responseInto != nil && out.Status != 0 {
		*s.responseInto = Response{StatusCode: out.Status, Header: out.Header, Attempts: out.Attempts}
	}
	err := cl.result(ctx, out)
	if err != nil && cl.log != nil {
		logFailure(cl.log, cl.r, out, err)
	}
	return cl.red.exit(err)
}

// end tells the hooks that the call ended.
func (cl *call) end(ctx context.Context, out *engine.Outcome, src SummarySource, err error) {
	cl.info.Attempts, cl.info.Status, cl.info.Source = out.Attempts, out.Status, src
	for _, h := range cl.s.hooks {
		if h.CallEnd != nil {
			h.CallEnd(ctx, &cl.info, err)
		}
	}
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
	attrs := []any{"method", r.method, "path", textPath(r.path), "attempts", out.Attempts}
	var apiErr *APIError
	switch out.End {
	case engine.EndResponse, engine.EndHeld:
		if errors.As(err, &apiErr) {
			attrs = append(attrs, "status", apiErr.StatusCode, "code", apiErr.Code)
			break
		}
		attrs = append(attrs, "status", out.Status, "error", "invalid response")
	case engine.EndBodyTooLarge, engine.EndBadEncoding:
		attrs = append(attrs, "status", out.Status, "error", "invalid response")
	case engine.EndContext:
		attrs = append(attrs, "error", "context done")
	case engine.EndRefused:
		attrs = append(attrs, "error", "not sent: "+engine.Describe(out.Err))
	default:
		attrs = append(attrs, "error", engine.Describe(out.Err))
	}
	l.Warn("fullstory: call failed", attrs...)
}
