package fullstorytest

import (
	"bytes"
	"net/http"
)

// The Idempotency-Keys the server remembers: the last maxReplays, holding at
// most maxReplayBytes of requests and responses between them. The API keeps a
// key for 24 hours; a fake that runs for long keeps the last ones instead,
// so that its memory stays bounded (without the byte bound, 1,000 bodies of
// 8 MiB would be 8 GiB).
const (
	maxReplays     = 1000
	maxReplayBytes = 64 << 20
)

// replay is the first request with an Idempotency-Key and, once done is
// closed, its response.
type replay struct {
	key, method, path string
	body              []byte
	done              chan struct{}
	resp              *response // set under the Server's mutex, before done is closed
}

// size is what the replay holds, in bytes; the Server's mutex is held.
func (r *replay) size() int64 {
	n := len(r.key) + len(r.method) + len(r.path) + len(r.body)
	if r.resp != nil {
		n += len(r.resp.body)
		for k, vs := range r.resp.header {
			n += len(k)
			for _, v := range vs {
				n += len(v)
			}
		}
	}
	return int64(n)
}

func newReplayLog() bounded[*replay] {
	return bounded[*replay]{n: maxReplays, maxBytes: maxReplayBytes, size: (*replay).size}
}

// replayed handles a write once per Idempotency-Key, as the API does: a
// repeat of the same request gets the first response again without being
// handled, a different request with a used key is refused, and so is a
// repeat while the first is still in progress. Only the last keys are
// remembered (see maxReplays): an older key counts as new.
func (s *Server) replayed(r *http.Request, body []byte, handle func() *response) *response {
	key := r.Header.Get("Idempotency-Key")
	if key == "" || r.Method == http.MethodGet {
		return handle()
	}
	path := r.URL.EscapedPath()
	s.mu.Lock()
	prev := s.replays[key]
	if prev == nil {
		first := &replay{key: key, method: r.Method, path: path, body: bytes.Clone(body), done: make(chan struct{})}
		s.replays[key] = first
		s.forgetReplays(s.replayLog.add(first))
		s.mu.Unlock()
		resp := handle()
		s.mu.Lock()
		before := first.size()
		first.resp = resp
		if s.replays[key] == first { // still remembered: count its response too
			s.forgetReplays(s.replayLog.grow(first.size() - before))
		}
		s.mu.Unlock()
		close(first.done)
		return resp
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

// forgetReplays forgets the keys of replays the log pushed out; s.mu is held.
func (s *Server) forgetReplays(dropped []*replay) {
	for _, old := range dropped {
		if s.replays[old.key] == old {
			delete(s.replays, old.key)
		}
	}
}
