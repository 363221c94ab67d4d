package fullstorytest

import "time"

// ServerOption configures a Server in NewServer or NewUnstartedServer.
type ServerOption func(*Server)

// WithThrottle limits requests with a token bucket that holds burst
// requests and refills at perSecond. A request that finds it empty is
// answered 429 too_many_requests with a Retry-After of the whole seconds
// until a token is back (at least 1), as the API does. perSecond <= 0 turns
// the limit off; burst < 1 counts as 1.
func WithThrottle(perSecond float64, burst int) ServerOption {
	return func(s *Server) {
		if perSecond <= 0 {
			s.limit = nil
			return
		}
		s.limit = newBucket(perSecond, burst)
	}
}

// WithLatency holds every request for d before answering it, as a slow
// network or a busy LLM would. A request whose client gives up is dropped.
func WithLatency(d time.Duration) ServerOption {
	return func(s *Server) { s.latency = d }
}

// WithoutDemoData starts the server with no sessions; add your own with
// AddSession.
func WithoutDemoData() ServerOption {
	return func(s *Server) { s.demoData = false }
}

// WithAPIKey sets the API key the server accepts instead of DefaultAPIKey,
// e.g. to test a key that starts with "eu1.". An empty key, which no client
// can send, is a mistake in the test: NewServer and NewUnstartedServer
// panic on it.
func WithAPIKey(key string) ServerOption {
	return func(s *Server) {
		if key == "" {
			panic(`fullstorytest: WithAPIKey(""): the API key is empty, and the client refuses an empty key`)
		}
		s.key = key
	}
}

// WithRequestLog makes the server keep the last n requests for Requests,
// instead of the last 1000; n <= 0 records nothing. Each holds its headers
// and body, and whatever n, the log holds at most 64 MiB of them: the
// oldest requests go first.
func WithRequestLog(n int) ServerOption {
	return func(s *Server) { s.requests = newRequestLog(n) }
}

// WithThrottleRetryAfterDate makes the 429s of WithThrottle and SetThrottle
// carry Retry-After as an HTTP date instead of whole seconds: the time a
// token is back, rounded up to the next whole second, since an HTTP date has
// no finer precision.
func WithThrottleRetryAfterDate() ServerOption {
	return func(s *Server) { s.raDate = true }
}

// WithLenientPaths makes the server take a session id whose ':' is not
// URL-encoded in the path, /v2/sessions/userId:sessionId/summary, as well
// as userId%3AsessionId. Without it the server is as strict as the API
// docs, which say to encode the ':' as %3A, and answers 400 invalid_argument:
// a client that sends it unencoded fails its tests instead of passing them
// and then failing against the API. (Whether the API itself refuses it is
// unverified.)
func WithLenientPaths() ServerOption {
	return func(s *Server) { s.lenientPaths = true }
}
