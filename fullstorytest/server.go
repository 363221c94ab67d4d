package fullstorytest

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"time"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest/internal/summarygen"
)

// DefaultAPIKey is the API key a Server accepts unless WithAPIKey says
// otherwise.
const DefaultAPIKey = "fake-api-key"

// Server is an in-memory fake of the Fullstory Session Summary API. Its
// methods are safe for concurrent use, also while it serves requests.
type Server struct {
	// URL is the base URL of the started server, e.g. "http://127.0.0.1:41234",
	// for fullstory.WithBaseURL. It is empty until the server is started.
	URL string
	// APIKey is the key the server accepts, sent as "Authorization: Basic
	// <APIKey>", for tests to read. Set the key with WithAPIKey: the server
	// uses a copy of its own, so changing this field has no effect.
	APIKey string

	key          string // what the handlers and Client use: APIKey as created
	latency      time.Duration
	demoData     bool
	lenientPaths bool              // WithLenientPaths: take an unencoded ':' in a session path
	seeds        []RecordedSession // WithSessions, added at the start and on Reset
	limit        *bucket           // nil: no rate limit; guarded by mu once started
	raDate       bool              // Retry-After as an HTTP date (WithThrottleRetryAfterDate)

	srv       *httptest.Server
	done      chan struct{} // closed by Close: ends every wait
	closeOnce sync.Once
	clients   []*fullstory.Client // handed out by Client, closed by Close; guarded by mu

	activations atomic.Int64 // summaries generated

	mu        sync.Mutex
	profiles  map[string]*storedProfile
	sessions  map[fullstory.SessionID]*summarygen.Session
	nextSeq   int // orders profiles and numbers generated ids
	requests  bounded[Request]
	faults    []*pendingFault
	replays   map[string]*replay // Idempotency-Key -> first response
	replayLog bounded[*replay]   // the replays, to forget the oldest
}

// NewServer returns a started Server listening on 127.0.0.1, seeded with the
// demo data (see DemoEmail) unless WithoutDemoData is given. Close it when
// done. Like httptest.NewServer, it panics if it cannot listen.
func NewServer(opts ...ServerOption) *Server {
	s := NewUnstartedServer(opts...)
	s.Start()
	return s
}

// NewUnstartedServer returns a Server that does not listen yet: call Start,
// or mount Handler on a server of your own, as the CLI's `fullstory fake`
// does. Call Close when done either way.
func NewUnstartedServer(opts ...ServerOption) *Server {
	s := &Server{
		key:      DefaultAPIKey,
		demoData: true,
		done:     make(chan struct{}),
		requests: newRequestLog(defaultRequestLog),
	}
	for _, opt := range opts {
		if opt != nil {
			opt(s)
		}
	}
	s.APIKey = s.key
	s.Reset()
	return s
}

// Reset brings the server back to how it started: the demo data (unless
// WithoutDemoData) and the sessions of WithSessions, and nothing else. It
// deletes every profile and every session added since, forgets the
// requests received, the faults still pending and the Idempotency-Keys,
// sets Activations to 0 and refills the rate limit's bucket; the options
// stay as they were. Requests in flight finish against the old state or
// the new. It is also the control endpoint POST /_fake/reset.
func (s *Server) Reset() {
	s.mu.Lock()
	s.profiles = make(map[string]*storedProfile)
	s.sessions = make(map[fullstory.SessionID]*summarygen.Session)
	s.nextSeq = 0
	s.requests.reset()
	s.faults = nil
	s.replays = make(map[string]*replay)
	s.replayLog = newReplayLog()
	if s.limit != nil {
		s.limit = newBucket(s.limit.rate, int(s.limit.burst))
	}
	s.activations.Store(0)
	if s.demoData {
		for _, sess := range demoSessions() {
			s.addLocked(sess)
		}
	}
	for _, sess := range s.seeds {
		s.addLocked(sess)
	}
	s.mu.Unlock()
}

// Activations returns how many summaries the server has generated since it
// started (or since Reset): each one the API would have counted as an
// Activation spent. It counts every summary generated, also one whose answer a Fault
// then replaced or cut off (Fault.Handle, or CutOff without a Status), as
// a gateway in front of the API would; it does not count a summary request
// refused (400, 401, 404, 429), answered by a Fault without handling it, or
// answered again from an Idempotency-Key. It is also the control endpoint
// GET /_fake/activations.
func (s *Server) Activations() int64 { return s.activations.Load() }

// Start starts an unstarted Server on 127.0.0.1 and sets URL. It panics if
// the server was started or closed already, or cannot listen.
func (s *Server) Start() {
	if s.srv != nil {
		panic("fullstorytest: Server.Start called twice")
	}
	select {
	case <-s.done:
		panic("fullstorytest: Server.Start called after Close")
	default:
	}
	s.srv = httptest.NewServer(s.Handler())
	s.URL = s.srv.URL
}

// Close stops the server: requests held by a delay or WithLatency are cut
// off, and Close returns once every request has ended. It closes the
// Clients that Client handed out, whose later calls fail at once with
// fullstory.ErrClientClosed. It may be called more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		if s.srv != nil {
			s.srv.Close()
		}
		s.mu.Lock()
		clients := s.clients
		s.clients = nil
		s.mu.Unlock()
		for _, c := range clients {
			_ = c.Close()
		}
	})
}

// Handler returns the fake API as an http.Handler, to mount on a server of
// your own. A cut-off fault aborts the connection with
// panic(http.ErrAbortHandler), which net/http handles.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(s.serveHTTP)
}

// Client returns a client of the started server: WithBaseURL(URL), the
// API key, an HTTP client whose idle connections Close closes, and
// millisecond retry waits, WithRetryWait(time.Millisecond,
// 5*time.Millisecond), so tests of retries run fast. Server.Close closes
// it. opts are applied after these and may override them. It panics if the
// server is not started or an option is invalid, as test helpers do.
func (s *Server) Client(opts ...fullstory.Option) *fullstory.Client {
	if s.srv == nil {
		panic("fullstorytest: Server.Client needs a started server (NewServer, or Start)")
	}
	all := append([]fullstory.Option{
		fullstory.WithBaseURL(s.URL),
		fullstory.WithHTTPClient(s.srv.Client()),
		fullstory.WithRetryWait(time.Millisecond, 5*time.Millisecond),
	}, opts...)
	c, err := fullstory.NewClient(s.key, all...)
	if err != nil {
		panic("fullstorytest: Server.Client: " + err.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.done:
		_ = c.Close() // the Server is closed already
	default:
		s.clients = append(s.clients, c)
	}
	return c
}
