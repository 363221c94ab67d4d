package fullstorytest

import "time"

// ServerOption configures a Server in NewServer or NewUnstartedServer.
type ServerOption func(*Server)

// WithRateLimit limits requests with a token bucket that holds burst
// requests and refills at perSecond. A request that finds it empty is
// answered 429 too_many_requests with a Retry-After of the whole seconds
// until a token is back (at least 1), as the API does. perSecond <= 0 turns
// the limit off; burst < 1 counts as 1.
func WithRateLimit(perSecond float64, burst int) ServerOption {
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
// e.g. to test a key that starts with "eu1.".
func WithAPIKey(key string) ServerOption {
	return func(s *Server) { s.APIKey = key }
}
