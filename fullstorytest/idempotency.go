package fullstorytest

import (
	"bytes"
	"net/http"
)

// maxReplays is how many Idempotency-Keys the server remembers. The API
// keeps a key for 24 hours; a fake that runs for long keeps the last ones
// instead, so that its memory stays bounded.
const maxReplays = 1000

// replay is the first request with an Idempotency-Key and, once done is
// closed, its response.
type replay struct {
	method, path string
	body         []byte
	done         chan struct{}
	resp         *response
}

// replayed handles a write once per Idempotency-Key, as the API does: a
// repeat of the same request gets the first response again without being
// handled, a different request with a used key is refused, and so is a
// repeat while the first is still in progress. Only the last maxReplays
// keys are remembered: an older key counts as new.
func (s *Server) replayed(r *http.Request, body []byte, handle func() *response) *response {
	key := r.Header.Get("Idempotency-Key")
	if key == "" || r.Method == http.MethodGet {
		return handle()
	}
	path := r.URL.EscapedPath()
	s.mu.Lock()
	prev := s.replays[key]
	if prev == nil {
		first := &replay{method: r.Method, path: path, body: bytes.Clone(body), done: make(chan struct{})}
		s.replays[key] = first
		if old, pushed := s.replayKeys.add(key); pushed {
			delete(s.replays, old)
		}
		s.mu.Unlock()
		first.resp = handle()
		close(first.done)
		return first.resp
	}
	s.mu.Unlock()
	if prev.method != r.Method || prev.path != path || !bytes.Equal(prev.body, body) {
		return badRequest(codeInvalid, "the Idempotency-Key was used with a different request")
	}
	select {
	case <-prev.done:
		return prev.resp
	default:
		return errorResponse(http.StatusConflict, "conflict", "a request with this Idempotency-Key is in progress")
	}
}
