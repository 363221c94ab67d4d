package fullstory

import (
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/summarykit/fullstory-go/internal/shared"
)

// Defaults, documented on the options that change them.
const (
	defaultMaxRetries     = 3
	defaultRetryWaitMin   = 500 * time.Millisecond
	defaultRetryWaitMax   = 8 * time.Second
	defaultMaxRetryAfter  = 60 * time.Second
	defaultTimeout        = 30 * time.Second
	defaultSummaryTimeout = 120 * time.Second
	defaultConcurrency    = 4
)

// Option configures a Client in NewClient, or one call when passed to a method.
// A call's options apply on top of the Client's, for that call only.
type Option func(*settings) error

// settings is what options write: the Client's, copied and amended per call.
type settings struct {
	op operation // the method whose options apply; "": NewClient's

	baseURL    *url.URL // nil: from the region or the key
	region     Region   // "": from the key
	httpClient *http.Client

	maxRetries    int
	retryWaitMin  time.Duration
	retryWaitMax  time.Duration
	maxRetryAfter time.Duration
	timeout       time.Duration // 0: the class default

	logger            *slog.Logger
	userAgent         string // the caller's product, appended to ours
	integrationSource string
	idempotencyKey    string
	header            http.Header // WithHeader's; shared between copies, so never changed in place
	responseInto      *Response   // per call: where the last response's metadata goes

	concurrency   int     // SummarizeEach workers
	ratePerSecond float64 // client-side limit; 0: none
	rateBurst     int
	limiter       Limiter // WithLimiter; nil: none

	budget   Budget        // WithBudget; nil: none
	cache    SummaryCache  // WithSummaryCache; nil: none
	cacheTTL time.Duration // how long cached summaries live
	fresh    bool          // per call: no cache read, no shared call
	hooks    []Hooks       // WithHooks, in order
}

func defaultSettings() settings {
	return settings{
		maxRetries:    defaultMaxRetries,
		retryWaitMin:  defaultRetryWaitMin,
		retryWaitMax:  defaultRetryWaitMax,
		maxRetryAfter: defaultMaxRetryAfter,
		concurrency:   defaultConcurrency,
	}
}

// Region is a Fullstory data center.
type Region string

// The Fullstory data centers.
const (
	RegionNA1 Region = "na1" // DefaultBaseURL
	RegionEU1 Region = "eu1" // EU1BaseURL
)

// WithBaseURL sends requests to rawURL instead of the region's host, e.g. a
// fullstorytest server or a proxy. A trailing slash is optional. The URL must
// be https, or http to a loopback host, so the key never crosses a network in
// clear text.
func WithBaseURL(rawURL string) Option {
	return func(s *settings) error {
		u, err := parseBaseURL(rawURL)
		if err != nil {
			return err
		}
		s.baseURL = u
		return nil
	}
}

func parseBaseURL(rawURL string) (*url.URL, error) {
	invalid := func(reason string) error { return &ValidationError{Field: "base URL", Reason: reason} }
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		return nil, invalid("does not parse as a URL")
	}
	if u.Host == "" {
		return nil, invalid("has no host")
	}
	// "https://host/?" parses with an empty query (ForceQuery) that would
	// make every path a query, and "#" with an empty fragment.
	if u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(rawURL, "#") {
		return nil, invalid("must not have user info, a query or a fragment")
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !shared.IsLoopback(u.Hostname()) {
			return nil, invalid("must be https unless the host is loopback")
		}
	default:
		return nil, invalid("must be https (or http to a loopback host)")
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// WithRegion selects the data center: RegionNA1 (DefaultBaseURL) or RegionEU1
// (EU1BaseURL). Without it, a key that starts with "eu1." selects RegionEU1.
// WithBaseURL wins over it.
func WithRegion(r Region) Option {
	return func(s *settings) error {
		if r != RegionNA1 && r != RegionEU1 {
			return &ValidationError{Field: "region", Reason: `must be "na1" or "eu1"`}
		}
		s.region = r
		return nil
	}
}

// WithHTTPClient sends requests through hc, e.g. for a proxy, mTLS or tracing.
// The retry layer wraps a copy of it; hc itself is not changed. Do not pass a
// client that retries by itself, or retries multiply. Its Timeout, if set,
// bounds each attempt in addition to WithTimeout.
func WithHTTPClient(hc *http.Client) Option {
	return func(s *settings) error {
		if hc == nil {
			return &ValidationError{Field: "HTTP client", Reason: "is nil"}
		}
		s.httpClient = hc
		return nil
	}
}

// WithMaxRetries sets how many times a failed attempt may be retried after
// the first; 0 disables retries. The default is 3. Which failures are retried
// depends on the operation; see the package documentation.
func WithMaxRetries(n int) Option {
	return func(s *settings) error {
		if n < 0 {
			return &ValidationError{Field: "max retries", Reason: "must not be negative"}
		}
		s.maxRetries = n
		return nil
	}
}

// WithRetryWait sets the bounds of the backoff between attempts. The wait
// grows exponentially from min and is capped at max; each wait is drawn between half and all of its ceiling. The
// default is 500ms to 8s.
func WithRetryWait(min, max time.Duration) Option {
	return func(s *settings) error {
		if min < 0 || max <= 0 || max < min {
			return &ValidationError{Field: "retry wait", Reason: "needs 0 <= min <= max and max > 0"}
		}
		s.retryWaitMin, s.retryWaitMax = min, max
		return nil
	}
}

// WithMaxRetryAfter sets the longest Retry-After the client waits for before
// it retries; default 60s. When the server asks for longer, the call returns
// the *APIError at once with RetryAfter set, so the caller can schedule.
func WithMaxRetryAfter(d time.Duration) Option {
	return func(s *settings) error {
		if d < 0 {
			return &ValidationError{Field: "max Retry-After", Reason: "must not be negative"}
		}
		s.maxRetryAfter = d
		return nil
	}
}

// WithTimeout bounds each attempt, from sending the request to reading the
// whole response. Unset, it is 30s, and 120s for summaries, which an LLM
// writes. The context passed to a method bounds the whole call, retries and
// waits included.
func WithTimeout(d time.Duration) Option {
	return func(s *settings) error {
		if d <= 0 {
			return &ValidationError{Field: "timeout", Reason: "must be positive"}
		}
		s.timeout = d
		return nil
	}
}

// WithLogger logs each attempt at Debug, each retry at Info and each final
// failure at Warn: method, path, status, attempt, duration and wait. It never
// logs query strings, headers or bodies, so no key, email or uid. Without it,
// or with nil, nothing is logged.
func WithLogger(l *slog.Logger) Option {
	return func(s *settings) error {
		s.logger = l
		return nil
	}
}

// WithUserAgent appends product (e.g. "support-console/1.2") to the
// User-Agent "fullstory-go/<Version> (<goversion>; <os>/<arch>)".
func WithUserAgent(product string) Option {
	return func(s *settings) error {
		if err := checkHeaderValue("user agent", product); err != nil {
			return err
		}
		s.userAgent = product
		return nil
	}
}

// WithIntegrationSource sends s as the Integration-Source header, which labels
// the calling integration in Fullstory.
func WithIntegrationSource(source string) Option {
	return func(s *settings) error {
		if err := checkHeaderValue("integration source", source); err != nil {
			return err
		}
		s.integrationSource = source
		return nil
	}
}

// WithIdempotencyKey sends key as the Idempotency-Key header of one call, and
// makes that call's write (Profiles.Create or Update) retryable like a read,
// since the server then applies it once. Use a new key, such as a UUID, for
// each logical write and the same key if you repeat it. It applies to
// Profiles.Create and Profiles.Update only: NewClient and the other methods
// refuse it (one key on many requests would make a server that honours keys
// answer them all with the first one's response).
func WithIdempotencyKey(key string) Option {
	return func(s *settings) error {
		if err := s.callOnly("idempotency key", opProfilesCreate, opProfilesUpdate); err != nil {
			return err
		}
		if key == "" || len(key) > 255 {
			return &ValidationError{Field: "idempotency key", Reason: "must be 1 to 255 characters"}
		}
		if err := checkHeaderValue("idempotency key", key); err != nil {
			return err
		}
		s.idempotencyKey = key
		return nil
	}
}

// reservedHeaders are the headers that the client sets itself, or that
// net/http owns: WithHeader refuses them.
var reservedHeaders = map[string]string{
	"Authorization":      "the API key passed to NewClient",
	"User-Agent":         "WithUserAgent",
	"Integration-Source": "WithIntegrationSource",
	"Idempotency-Key":    "WithIdempotencyKey",
	"Content-Type":       "",
	"Content-Length":     "",
	"Transfer-Encoding":  "",
	"Host":               "",
	"Connection":         "",
	"Accept":             "",
	// net/http asks for gzip and decompresses it only when the request
	// does not name an encoding itself.
	"Accept-Encoding": "",
}

// WithHeader adds a header to every request of the Client, or of one call,
// e.g. a tracing or tenant header that a proxy in between expects. It adds
// to what earlier WithHeader options added. The headers that the client
// sets itself are refused: use the option named in the error instead.
func WithHeader(key, value string) Option {
	return func(s *settings) error {
		canon := http.CanonicalHeaderKey(strings.TrimSpace(key))
		if canon == "" || strings.ContainsFunc(canon, func(r rune) bool { return r <= ' ' || r >= 0x7f || strings.ContainsRune("\"(),/:;<=>?@[\\]{}", r) }) {
			return &ValidationError{Field: "header", Reason: "the name must be an HTTP token"}
		}
		if use, ok := reservedHeaders[canon]; ok {
			reason := canon + " is set by the client"
			if use != "" {
				reason += "; use " + use
			}
			return &ValidationError{Field: "header", Reason: reason}
		}
		if err := checkHeaderValue("header "+canon, value); err != nil {
			return err
		}
		h := s.header.Clone() // the Client's map may be shared with calls in flight
		if h == nil {
			h = make(http.Header, 1)
		}
		h.Add(canon, value)
		s.header = h
		return nil
	}
}

// checkHeaderValue refuses values that would break or inject a header line.
func checkHeaderValue(field, v string) error {
	if strings.ContainsFunc(v, shared.IsControl) {
		return &ValidationError{Field: field, Reason: "must not contain control characters"}
	}
	return nil
}

// WithConcurrency sets how many summaries SessionsService.SummarizeEach
// requests at once; default 4. Pass it to NewClient to change the default,
// or to SummarizeEach for one batch; the other methods refuse it.
func WithConcurrency(n int) Option {
	return func(s *settings) error {
		if err := s.onlyIn("concurrency", opSummarizeEach); err != nil {
			return err
		}
		if n < 1 || n > 1024 {
			return &ValidationError{Field: "concurrency", Reason: "must be between 1 and 1024"}
		}
		s.concurrency = n
		return nil
	}
}

// WithRateLimit sets a ceiling on the Client's attempts, retries included:
// a token bucket of perSecond attempts per second with the given burst,
// shared by all its calls and goroutines. The Client never exceeds it, and
// still paces itself below it when the server answers 429 (see Retries in
// the package documentation). Without it the Client has no ceiling and
// learns the server's rate from its 429s. It is a Client option: a method
// refuses it.
func WithRateLimit(perSecond float64, burst int) Option {
	return func(s *settings) error {
		if err := s.clientOnly("rate limit"); err != nil {
			return err
		}
		if math.IsNaN(perSecond) || perSecond <= 0 || math.IsInf(perSecond, 0) || burst < 1 {
			return &ValidationError{Field: "rate limit", Reason: "needs perSecond > 0 and burst >= 1"}
		}
		s.ratePerSecond, s.rateBurst = perSecond, burst
		return nil
	}
}
