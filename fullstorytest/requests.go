package fullstorytest

import (
	"bytes"
	"net/http"
	"net/url"
	"slices"
)

// Request is one request the server received, as it arrived: recorded
// before authentication, faults and rate limits, so failed ones are there too.
// The server keeps the last 1000, holding at most 64 MiB between them; see
// WithRequestLog. Requests to the control endpoints (/_fake/) are not
// recorded.
type Request struct {
	// Op is the endpoint the request was for; empty for a path or method
	// that is no endpoint of the API.
	Op     Operation
	Method string
	// Path is the decoded path, e.g. "/v2/sessions/1:2/summary".
	Path string
	// RequestURI is the path and query as sent, e.g.
	// "/v2/sessions/1%3A2/summary?config_profile=p1".
	RequestURI string
	// Query is the parsed query string.
	Query url.Values
	// Header holds the request headers, Authorization included.
	Header http.Header
	// Body is the body as sent, up to its first 8 MiB and one byte: a
	// larger body is refused with 413 and recorded cut there. Empty for GET
	// and DELETE.
	Body []byte
}

// defaultRequestLog is how many requests a Server keeps without
// WithRequestLog; maxRequestLogBytes bounds their bodies and headers
// together, so that a long-running server keeps the last ones that fit
// (without it, 1,000 bodies of 8 MiB would be 8 GiB).
const (
	defaultRequestLog  = 1000
	maxRequestLogBytes = 64 << 20
)

func newRequestLog(n int) bounded[Request] {
	return bounded[Request]{n: n, maxBytes: maxRequestLogBytes, size: Request.size}
}

// size is what r holds, in bytes, roughly: its body, URI and headers.
func (r Request) size() int64 {
	n := len(r.Body) + 2*len(r.RequestURI) + len(r.Method)
	for k, vs := range r.Header {
		n += len(k)
		for _, v := range vs {
			n += len(v)
		}
	}
	return int64(n)
}

// Requests returns copies of the last requests received (see
// WithRequestLog), oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	kept := s.requests.all()
	s.mu.Unlock()
	for i, r := range kept {
		kept[i] = r.clone()
	}
	return kept
}

// ResetRequests forgets the requests received so far, e.g. between the
// steps of a test that checks what each step sent.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	s.requests.reset()
	s.mu.Unlock()
}

func (r Request) clone() Request {
	r.Query = cloneValues(r.Query)
	r.Header = r.Header.Clone()
	r.Body = bytes.Clone(r.Body)
	return r
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

// record adds r to the request log, unless WithRequestLog(0) turned it off.
func (s *Server) record(r *http.Request, body []byte) {
	if s.requests.n <= 0 {
		return // nothing to copy
	}
	req := Request{
		Op:         operationOf(r.Method, r.URL.EscapedPath()),
		Method:     r.Method,
		Path:       r.URL.Path,
		RequestURI: r.RequestURI,
		Query:      r.URL.Query(),
		Header:     r.Header.Clone(),
		Body:       bytes.Clone(body),
	}
	if req.RequestURI == "" { // a handler called directly, not through a server
		req.RequestURI = r.URL.RequestURI()
	}
	s.mu.Lock()
	s.requests.add(req)
	s.mu.Unlock()
}
