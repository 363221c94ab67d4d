package fullstorytest

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Fault is a failure for the server to inject into the next requests; see
// Server.InjectFault. Combine the fields: a Delay then a Status, a Status cut
// off, a request handled and then answered with a gateway's 504, and so on.
type Fault struct {
	// Op limits the fault to requests of this operation, e.g. OpSummarize.
	// With Path too, a request must match both. Empty: every operation.
	Op Operation
	// Path limits the fault to requests whose path starts with it, compared
	// with both the escaped path ("/v2/sessions/1%3A2/summary") and the
	// decoded one ("/v2/sessions/1:2/summary"). Empty: every request.
	Path string
	// Count is how many matching requests get the fault; 0 means 1.
	Count int
	// Delay holds each matching request this long before it is answered
	// (before it is handled, with Handle), unless its client gives up first.
	Delay time.Duration
	// Status, when set, answers with this status instead of handling the
	// request, so nothing changes on the server (but see Handle). Values
	// outside 200–599 count as 500. 204 and 304 are sent without a body, as
	// HTTP requires.
	Status int
	// Body is the response body with Status. Empty: the API's
	// {"code","message"} body with the status's code, e.g. server_error.
	// Ignored with 204 and 304.
	Body string
	// RetryAfter, when positive, is sent with Status as a Retry-After header
	// in whole seconds, rounded up (so at least 1s: the client waits that
	// long before it retries). The library retries a summary, which spends
	// an Activation, only on a 429 or on a 503 that carries Retry-After: the
	// server refused it and said when to come back. A 503 without it, a 502
	// or a 504 can come from a gateway after the API generated the summary,
	// so it is not sent again. A test that wants a summary retried after a
	// 503 gives it a RetryAfter, or for a retry at once the header
	// "Retry-After: 0" (Header).
	RetryAfter time.Duration
	// Header adds response headers with Status, e.g. a Retry-After as an
	// HTTP date, or a Content-Type for a proxy's HTML page.
	Header http.Header
	// CutOff sends the status line, the headers and half the body, then drops
	// the connection. Without Status the request is handled first, so its
	// changes are kept (and a summary counted by Activations), as when a
	// response is lost on the way back.
	CutOff bool
	// Handle makes the server handle the request first, as the API behind a
	// gateway does when the gateway gives up on it: its changes are kept and
	// a summary is generated (Activations counts it); then Status, when set,
	// answers instead of the API's response, as a gateway's 502 or 504
	// would, and CutOff cuts off whichever answer goes back.
	Handle bool
}

// pendingFault is an injected Fault with the requests it has left.
type pendingFault struct {
	Fault
	left int
}

// InjectFault makes the next f.Count requests that match f.Op and f.Path
// fail as f says. Faults apply in the order they were injected, one per
// request; a request that matches none is served normally. Like a test
// helper, it panics on an Op that is not one of Operations(). It is also the
// control endpoint POST /_fake/faults.
//
// To see a summary retried, inject a 429 or a 503 with a Retry-After: the
// library does not resend a summary after a plain 503, a 502 or a 504 (see
// Fault.RetryAfter). To see what a gateway's timeout costs, inject
// Fault{Op: OpSummarize, Handle: true, Status: 504}: the summary is
// generated and counted by Activations, and the client gets the 504.
func (s *Server) InjectFault(f Fault) {
	if f.Op != "" && !slices.Contains(Operations(), f.Op) {
		panic(fmt.Sprintf("fullstorytest: InjectFault: unknown Op %q; use one of the Op constants", f.Op))
	}
	f.Header = f.Header.Clone()
	s.mu.Lock()
	s.faults = append(s.faults, &pendingFault{Fault: f, left: max(f.Count, 1)})
	s.mu.Unlock()
}

// takeFault returns the fault for r, if any, and counts r against it.
func (s *Server) takeFault(r *http.Request) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	op := operationOf(r.Method, r.URL.EscapedPath())
	for i, pf := range s.faults {
		if pf.Op != "" && pf.Op != op {
			continue
		}
		if !strings.HasPrefix(r.URL.Path, pf.Path) && !strings.HasPrefix(r.URL.EscapedPath(), pf.Path) {
			continue
		}
		pf.left--
		if pf.left == 0 {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
		}
		f := pf.Fault
		return &f
	}
	return nil
}

// response returns the answer of a fault with a Status.
func (f *Fault) response() *response {
	status := f.Status
	if status < 200 || status > 599 {
		status = http.StatusInternalServerError
	}
	var resp *response
	switch {
	case status == http.StatusNoContent || status == http.StatusNotModified:
		resp = &response{status: status}
	case f.Body != "":
		resp = &response{status: status, body: []byte(f.Body)}
	default:
		resp = errorResponse(status, codeFor(status), "injected fault: %d %s", status, http.StatusText(status))
	}
	resp.header = f.Header.Clone()
	if resp.header == nil {
		resp.header = http.Header{}
	}
	if f.RetryAfter > 0 {
		resp.header.Set("Retry-After", strconv.FormatInt(retryAfterSeconds(f.RetryAfter.Seconds()), 10))
	}
	return resp
}
