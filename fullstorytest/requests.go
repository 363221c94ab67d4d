package fullstorytest

import (
	"bytes"
	"net/http"
	"net/url"
	"slices"
)

// Request is one request the server received, as it arrived: recorded
// before authentication, faults and rate limits, so failed ones are there too.
type Request struct {
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
	// Body is the body as sent; empty for GET and DELETE.
	Body []byte
}

// Requests returns copies of the requests received so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = r.clone()
	}
	return out
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

func (s *Server) record(r *http.Request, body []byte) {
	req := Request{
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
	s.requests = append(s.requests, req)
	s.mu.Unlock()
}
