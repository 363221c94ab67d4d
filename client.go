package fullstory

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"unicode"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/summarykit/fullstory-go/internal/retry"
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
	gate      *retry.Gate       // pauses after a 429 and the WithRateLimit limit, for every call
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
	c.gate = retry.NewGate(c.settings.ratePerSecond, c.settings.rateBurst)
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
	if strings.ContainsFunc(key, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
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

// newTransport returns a transport like http.DefaultTransport that keeps as
// many idle connections to the API host as callers use at once, instead of
// the default two, which churns connections under concurrency.
func newTransport() *http.Transport {
	var t *http.Transport
	if dt, ok := http.DefaultTransport.(*http.Transport); ok {
		t = dt.Clone()
	} else {
		t = &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true}
	}
	t.MaxIdleConns = 256
	t.MaxIdleConnsPerHost = 256
	return t
}

// wrapHTTPClient returns a copy of hc (or of a default client) whose
// transport bounds each attempt and whose redirects never leave the host.
// The caller's client is not changed.
func wrapHTTPClient(hc *http.Client, defaultTransport http.RoundTripper, gate *retry.Gate) *http.Client {
	var out http.Client
	if hc != nil {
		out = *hc
	}
	base := out.Transport
	if base == nil {
		base = defaultTransport
	}
	out.Transport = &retry.Transport{Base: base, Gate: gate}
	next := out.CheckRedirect
	out.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		first := via[0]
		if req.URL.Host != first.URL.Host || req.URL.Scheme != first.URL.Scheme {
			return http.ErrUseLastResponse // the key must not leave the API host
		}
		if req.Method != first.Method {
			// A 301/302/303 turns a POST into a bodiless GET, which could
			// "succeed" without anything being created: return the redirect.
			return http.ErrUseLastResponse
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &out
}

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
		if body, err = marshalJSON(r.body); err != nil {
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
		s.logger.Warn("fullstory: call failed", "method", r.method, "path", r.path, "attempts", call.Attempts, "status", call.Status, "error", err.Error())
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

// marshalJSON encodes v without HTML escaping, so prompts read as written.
// The MarshalJSON methods use it too: an encoder that escapes HTML still
// escapes their output, and one that does not then gets the text as it is.
func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
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

// ErrInvalidResponse is what an error for a success response that cannot be
// used matches through errors.Is: a body that is not JSON, has the wrong
// types, is empty where data was expected, or is larger than 32 MiB.
var ErrInvalidResponse = errors.New("fullstory: invalid response")

func (c *Client) invalidResponse(r *request, call *retry.Call, what string, err error) error {
	msg := fmt.Sprintf("fullstory: %s %s: %d response unusable: %s", r.method, r.path, call.Status, what)
	head := call.Body[:min(len(call.Body), 4096)]
	// Redact before cutting, so that no part of a secret is left at the cut.
	if sample := bodySample([]byte(c.redact(string(head), r.private)), 120); sample != "" {
		msg += "; body starts " + strconv.Quote(sample)
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
	var detail string
	switch {
	case ctx.Err() != nil && call.Status != 0:
		// Cancelled while waiting to retry: keep what the last attempt said.
		last := c.apiError(r, call)
		return fmt.Errorf("%s: %w after %s; last response: %w", prefix, err, attempts(call.Attempts), last)
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

// redactedError is an error whose text had the API key or personal data
// taken out; errors.Is and errors.As still see the error it wraps.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redactError returns err with a text free of the key and private values,
// which a server can put anywhere, e.g. in the path of a redirect.
func (c *Client) redactError(err error, private []string) error {
	msg := err.Error()
	if clean := c.redact(msg, private); clean != msg {
		return &redactedError{msg: clean, err: err}
	}
	return err
}

// redactURLError removes the query string, which may hold an email or uid,
// from the URL in a *url.Error, and what clean finds elsewhere in it, keeping
// the error chain for errors.Is.
func redactURLError(err error, clean func(string) string) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	safe := *ue
	if u, perr := url.Parse(ue.URL); perr == nil {
		u.RawQuery, u.ForceQuery, u.Fragment, u.User = "", false, "", nil
		safe.URL = clean(u.String())
	} else {
		safe.URL = "[redacted]"
	}
	if ue == err {
		return &safe
	}
	// The *url.Error is wrapped: describe it afresh, keeping the chain.
	return fmt.Errorf("%s: %w", strings.Replace(err.Error(), ue.Error(), safe.Error(), 1), ue.Err)
}

// redact replaces the API key and the call's private values in s.
func (c *Client) redact(s string, private []string) string {
	s = strings.ReplaceAll(s, c.apiKey, "[redacted]")
	for _, p := range private {
		if p == "" {
			continue
		}
		s = strings.ReplaceAll(s, p, "[redacted]")
		if esc := url.QueryEscape(p); esc != p {
			s = strings.ReplaceAll(s, esc, "[redacted]")
		}
	}
	return s
}

// attempts returns "1 attempt" or "N attempts".
func attempts(n int) string {
	if n == 1 {
		return "1 attempt"
	}
	return strconv.Itoa(n) + " attempts"
}

// invalidf returns an error for a success response that cannot be used.
func invalidf(r *request, format string, args ...any) error {
	return fmt.Errorf("fullstory: %s %s: %s: %w", r.method, r.path, fmt.Sprintf(format, args...), ErrInvalidResponse)
}
