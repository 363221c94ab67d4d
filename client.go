package fullstory

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"unicode"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/summarykit/fullstory-go/internal/retry"
	"github.com/summarykit/fullstory-go/internal/shared"
)

// Version is the version of this library, sent in the User-Agent.
const Version = "0.1.0"

// Base URLs of the Fullstory data centers.
const (
	DefaultBaseURL = "https://api.fullstory.com"
	EU1BaseURL     = "https://api.eu1.fullstory.com"
)

// maxBody is the largest success body the client reads.
const maxBody = 32 << 20

// Client calls the Fullstory Session Summary API. It is safe for concurrent
// use; create one and reuse it, so that connections are reused too.
type Client struct {
	// Profiles creates and manages prompt profiles.
	Profiles *ProfilesService
	// Sessions lists sessions, summarizes them and reads their events and context.
	Sessions *SessionsService

	common    service
	apiKey    string
	settings  settings
	transport http.RoundTripper // the default transport, shared by every call
	gate      *retry.Gate       // paces every attempt of every call (pacing.go)
	hc        *http.Client      // settings.httpClient wrapped for retries and timeouts
	rc        *retryablehttp.Client
	auth      string // the Authorization header
	ua        string // the User-Agent header
}

// service is what the named services are made of: a way back to the Client.
type service struct{ client *Client }

// NewClient returns a Client that authenticates with apiKey, a Fullstory
// server API key. It returns an error, never panics, for an empty key or a bad
// option. A key that starts with "eu1." selects EU1BaseURL unless WithBaseURL
// or WithRegion says otherwise.
func NewClient(apiKey string, opts ...Option) (*Client, error) {
	if err := checkAPIKey(apiKey); err != nil {
		return nil, err
	}
	c := &Client{apiKey: apiKey, settings: defaultSettings(), transport: newTransport()}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&c.settings); err != nil {
			return nil, err
		}
	}
	c.gate = retry.NewGate(c.paceConfig())
	c.hc = wrapHTTPClient(c.settings.httpClient, c.transport, c.gate)
	c.rc = retry.NewClient(c.hc)
	c.auth = "Basic " + apiKey
	c.ua = c.userAgent(&c.settings)
	c.common.client = c
	c.Profiles = (*ProfilesService)(&c.common)
	c.Sessions = (*SessionsService)(&c.common)
	return c, nil
}

func checkAPIKey(key string) error {
	if strings.TrimSpace(key) == "" {
		return &ValidationError{Field: "API key", Reason: "is empty"}
	}
	if strings.ContainsFunc(key, func(r rune) bool { return unicode.IsSpace(r) || shared.IsControl(r) }) {
		return &ValidationError{Field: "API key", Reason: "contains spaces or control characters"}
	}
	return nil
}

// String describes the client without its API key. It has a value
// receiver so that printing a Client value, not only a pointer, hides the
// key too.
func (c Client) String() string {
	return fmt.Sprintf("fullstory.Client{BaseURL: %q, APIKey: [redacted]}", c.baseURL(&c.settings))
}

// GoString is String, so that %#v never prints the API key either.
func (c Client) GoString() string { return c.String() }

// callSettings returns the Client's settings with a call's options applied.
func (c *Client) callSettings(opts []Option) (*settings, error) {
	if len(opts) == 0 {
		return &c.settings, nil // read-only from here on
	}
	s := c.settings
	s.perCall = true
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&s); err != nil {
			return nil, err
		}
	}
	return &s, nil
}

func (c *Client) baseURL(s *settings) string {
	switch {
	case s.baseURL != nil:
		return s.baseURL.String()
	case s.region == RegionEU1:
		return EU1BaseURL
	case s.region == RegionNA1:
		return DefaultBaseURL
	case strings.HasPrefix(c.apiKey, "eu1."):
		return EU1BaseURL
	}
	return DefaultBaseURL
}

func (c *Client) userAgent(s *settings) string {
	ua := "fullstory-go/" + Version + " (" + runtime.Version() + "; " + runtime.GOOS + "/" + runtime.GOARCH + ")"
	if s.userAgent != "" {
		ua += " " + s.userAgent
	}
	return ua
}

// request is one API call, as every method describes it to do.
type request struct {
	method  string
	path    string // already escaped, e.g. "/v2/sessions/1%3A2/summary"
	query   string // encoded; may hold personal data, so never logged or put in errors
	body    any    // marshalled once and replayed byte for byte
	class   retry.Class
	out     any  // where the JSON response goes; nil to ignore it
	emptyOK bool // an empty body (or 204) is a success

	private []string // values to keep out of error messages: emails, uids
}

// do is the one request path: it builds the request, sends it through the
// retry layer and decodes the response or the error.
func (c *Client) do(ctx context.Context, r *request, opts []Option) error {
	if ctx == nil {
		return &ValidationError{Field: "context", Reason: "is nil"}
	}
	s, err := c.callSettings(opts)
	if err != nil {
		return err
	}
	var body []byte
	if r.body != nil {
		if body, err = shared.MarshalJSON(r.body); err != nil {
			return fmt.Errorf("fullstory: %s %s: encoding the request: %w", r.method, r.path, err)
		}
	}
	rawURL := c.baseURL(s) + r.path
	if r.query != "" {
		rawURL += "?" + r.query
	}

	call := retry.NewCall(policy(s, r))
	var rawBody any // a nil []byte would make net/http probe for a body
	if body != nil {
		rawBody = body
	}
	req, err := retryablehttp.NewRequestWithContext(retry.WithCall(ctx, call), r.method, rawURL, rawBody)
	if err != nil {
		return fmt.Errorf("fullstory: %s %s: building the request: %w", r.method, r.path, redactURLError(err, func(s string) string { return c.redact(s, r.private) }))
	}
	c.setHeaders(req.Header, s, body != nil)

	rc := c.rc
	if s.httpClient != c.settings.httpClient {
		rc = retry.NewClient(wrapHTTPClient(s.httpClient, c.transport, c.gate))
	}
	resp, err := rc.Do(req)
	if resp != nil && resp.Body != nil {
		resp.Body.Close() // retry.Call has read it already
	}
	switch {
	case err != nil:
		err = c.transportError(ctx, r, call, err)
	case call.Status < 200 || call.Status > 299:
		err = c.apiError(r, call)
	default:
		err = c.decode(r, call)
	}
	if err != nil && s.logger != nil {
		c.logFailure(s.logger, r, call, err)
	}
	return err
}

// policy returns the retry policy of one call: its operation's class (a
// write with an idempotency key retries like a read) and the settings.
func policy(s *settings, r *request) retry.Policy {
	class := r.class
	if class == retry.Write && s.idempotencyKey != "" {
		class = retry.Read
	}
	timeout := s.timeout
	if timeout == 0 {
		timeout = defaultTimeout
		if class == retry.Summary {
			timeout = defaultSummaryTimeout
		}
	}
	return retry.Policy{
		Class:         class,
		MaxRetries:    s.maxRetries,
		WaitMin:       s.retryWaitMin,
		WaitMax:       s.retryWaitMax,
		MaxRetryAfter: s.maxRetryAfter,
		Timeout:       timeout,
		MaxBody:       maxBody,
		Logger:        s.logger,
		Method:        r.method,
		Path:          r.path,
	}
}

func (c *Client) setHeaders(h http.Header, s *settings, hasBody bool) {
	h.Set("Authorization", c.auth)
	h.Set("Accept", "application/json")
	ua := c.ua
	if s.userAgent != c.settings.userAgent {
		ua = c.userAgent(s)
	}
	h.Set("User-Agent", ua)
	if hasBody {
		h.Set("Content-Type", "application/json")
	}
	if s.integrationSource != "" {
		h.Set("Integration-Source", s.integrationSource)
	}
	if s.idempotencyKey != "" {
		h.Set("Idempotency-Key", s.idempotencyKey)
	}
}

// bodyDecoder is a response type that decodes a whole body itself. Having
// json.Unmarshal call its UnmarshalJSON instead would scan the body twice.
type bodyDecoder interface {
	decodeBody(data []byte) error
}

// decode unmarshals a success body into r.out.
func (c *Client) decode(r *request, call *retry.Call) error {
	body := bytes.TrimSpace(call.Body)
	if len(body) == 0 || bytes.Equal(body, []byte("null")) {
		if r.emptyOK || r.out == nil {
			return nil
		}
		return c.invalidResponse(r, call, "the body is empty", nil)
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
		return c.invalidResponse(r, call, "it is not the expected JSON", err)
	}
	return nil
}

// logFailure logs a failed call at Warn: what failed and how, but not the
// error's text, which may quote the server's message or body.
func (c *Client) logFailure(l *slog.Logger, r *request, call *retry.Call, err error) {
	attrs := []any{"method", r.method, "path", r.path, "attempts", call.Attempts}
	var apiErr *APIError
	switch {
	case errors.As(err, &apiErr):
		attrs = append(attrs, "status", apiErr.StatusCode, "code", apiErr.Code)
	case errors.Is(err, ErrInvalidResponse):
		attrs = append(attrs, "status", call.Status, "error", "invalid response")
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		attrs = append(attrs, "error", "context done")
	default:
		attrs = append(attrs, "error", c.redact(retry.Describe(err), r.private))
	}
	l.Warn("fullstory: call failed", attrs...)
}
