package fullstory

import "net/http"

// Response is the metadata of the last HTTP response of a call, for a caller
// who needs more than the decoded value: the status, the headers (a request
// id for a support ticket, a proxy's cache headers) and how many attempts it
// took. WithResponseInto fills it in.
type Response struct {
	StatusCode int
	Header     http.Header // as received: it may hold whatever the server sent
	Attempts   int         // attempts sent, retries included
}

// requestIDHeaders are where servers and the proxies before them put a
// request's id, most specific first.
var requestIDHeaders = []string{"X-Fullstory-Request-Id", "X-Request-Id", "Request-Id", "X-Cloud-Trace-Context", "Traceparent"}

// RequestID returns the request id that the response carried in one of the
// usual headers (X-Fullstory-Request-Id, X-Request-Id, Request-Id,
// X-Cloud-Trace-Context, traceparent), or "" when there is none. The API
// does not document one; quote it, when present, when you ask Fullstory's
// support about a call.
func (r *Response) RequestID() string {
	for _, h := range requestIDHeaders {
		if v := r.Header.Get(h); v != "" {
			return v
		}
	}
	return ""
}

// WithResponseInto makes one call store its last response's metadata in
// *dst, on success and on failure alike, whenever a response arrived. It is a
// per-call option: NewClient refuses it.
//
//	var resp fullstory.Response
//	sum, err := c.Sessions.Summarize(ctx, id, nil, fullstory.WithResponseInto(&resp))
//	log.Printf("status %d after %d attempts, request id %q", resp.StatusCode, resp.Attempts, resp.RequestID())
func WithResponseInto(dst *Response) Option {
	return func(s *settings) error {
		if err := s.callOnly("response destination", opProfilesCreate, opProfilesGet, opProfilesUpdate, opProfilesDelete,
			opProfilesList, opProfilesAll, opSessionsList, opSummarize, opEvents, opContext); err != nil {
			return err
		}
		if dst == nil {
			return &ValidationError{Field: "response destination", Reason: "is nil"}
		}
		s.responseInto = dst
		return nil
	}
}
