package fullstory

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"unicode"

	"github.com/summarykit/fullstory-go/internal/engine"
	"github.com/summarykit/fullstory-go/internal/pace"
	"github.com/summarykit/fullstory-go/internal/shared"
)

// Version is the version of this library, sent in the User-Agent.
const Version = "0.1.0"

// Base URLs of the Fullstory data centers.
const (
	DefaultBaseURL = "https://api.fullstory.com"
	EU1BaseURL     = "https://api.eu1.fullstory.com"
)

// Client calls the Fullstory Session Summary API. It is safe for concurrent
// use; create one and reuse it, so that connections are reused too.
type Client struct {
	// Profiles creates and manages prompt profiles.
	Profiles *ProfilesService
	// Sessions lists sessions, summarizes them and reads their events and context.
	Sessions *SessionsService

	common      service
	apiKey      string
	settings    settings
	transport   *http.Transport   // the transport the Client made, shared by every call that sets none
	closed      *atomic.Bool      // Close was called; a pointer, since String copies the Client
	engine      *engine.Engine    // sends every call: attempts, retries
	pacer       *pace.Pacer       // paces every attempt of every call (pacing.go)
	hc          *http.Client      // settings.httpClient, wrapped by engine.WrapHTTPClient
	activations *activationCounts // what summaries spent (activations.go)
	flights     *flights          // shared summary calls in flight (flight.go)
	workers     *workers          // the goroutines that send them (workers.go)
	account     string            // a hash of the key, for cache keys (guard.go)
	authHeader  []string          // the Authorization header's value: "Basic <key>"
	uaHeader    []string          // the User-Agent header's value
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
	c := &Client{apiKey: apiKey, settings: defaultSettings(), transport: engine.NewTransport(), activations: new(activationCounts), flights: new(flights), workers: newWorkers(), closed: new(atomic.Bool)}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&c.settings); err != nil {
			return nil, err
		}
	}
	c.pacer = pace.New(c.paceConfig())
	c.engine = engine.New(c.pacer, c.sharedLimiter())
	c.hc = engine.WrapHTTPClient(c.settings.httpClient, c.transport)
	c.account = accountKey(apiKey)
	c.authHeader = []string{"Basic " + apiKey}
	c.uaHeader = []string{c.userAgent(&c.settings)}
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
func (c *Client) callSettings(op operation, opts []Option) (*settings, error) {
	if len(opts) == 0 {
		return &c.settings, nil // read-only from here on
	}
	s := c.settings
	s.op = op
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

// ErrClientClosed is what the error of a call on a closed Client matches
// through errors.Is: Close was called, and the call failed at once, sending
// nothing.
var ErrClientClosed = errors.New("fullstory: the Client is closed")

// Close releases what the Client holds: it closes the idle connections of
// the transport the Client made for itself, and every call after it fails at
// once with an error matching ErrClientClosed. A call in flight goes on; its
// connection is closed when it ends. Close never touches a transport passed
// with WithHTTPClient, which stays yours to close. Close may be called more
// than once, and returns nil.
//
// A Client that is dropped without Close keeps its idle connections, and
// their goroutines, until the transport's 90s idle timeout: call Close where
// that matters, as in tests that check for leaked goroutines.
func (c *Client) Close() error {
	c.closed.Store(true)
	c.workers.stop()
	c.transport.CloseIdleConnections()
	return nil
}

// execute sends req through the engine. On a Client closed meanwhile, the
// connection the call used went idle after Close closed the others: it is
// closed too.
func (c *Client) execute(ctx context.Context, req *engine.Request) *engine.Outcome {
	out := c.engine.Execute(ctx, req)
	if c.closed.Load() {
		c.transport.CloseIdleConnections()
	}
	return out
}
