package fullstorytest

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest/internal/summarygen"
)

// maxRequestBody is the largest request body the server reads.
const maxRequestBody = 8 << 20

// serveHTTP records the request, then applies latency, faults, the rate
// limit and authentication, in that order, before the endpoint handles it.
// The control endpoints under /_fake/ go their own way (control.go). The
// body is read in full first, so that a server's ReadTimeout bounds the
// request's arrival and not the time the fake then holds it (net/http
// clears the read deadline once the body is read).
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
	if isControl(r.URL.Path) {
		s.serveControl(w, r, body, err)
		return
	}
	s.record(r, body)
	if !s.wait(r.Context(), s.latency) {
		return
	}
	fault := s.takeFault(r)
	if fault != nil && !s.wait(r.Context(), fault.Delay) {
		return
	}
	var resp *response
	switch {
	case fault != nil && fault.Status != 0 && !fault.Handle:
		resp = fault.response()
	case err != nil:
		resp = badRequest(codeInvalid, "reading the request body: %v", err)
	case len(body) > maxRequestBody:
		resp = errorResponse(http.StatusRequestEntityTooLarge, codeInvalid, "the request body is larger than %d MiB", maxRequestBody>>20)
	default:
		resp = s.limited()
	}
	if resp == nil {
		resp = s.authenticate(r)
	}
	if resp == nil {
		resp = s.replayed(r, body, func() *response { return s.route(r, body) })
	}
	if fault != nil && fault.Handle && fault.Status != 0 {
		resp = fault.response() // the work is done; a gateway's answer goes back instead
	}
	resp.write(w, fault != nil && fault.CutOff)
}

// wait holds a request for d. It reports false if the client gave up, and
// aborts the connection if the server is closing.
func (s *Server) wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.done:
		panic(http.ErrAbortHandler)
	}
}

// limited returns a 429 when the rate limit is exceeded.
func (s *Server) limited() *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.limit == nil {
		return nil
	}
	now := time.Now()
	ok, wait := s.limit.take(now)
	if ok {
		return nil
	}
	secs := retryAfterSeconds(wait)
	resp := errorResponse(http.StatusTooManyRequests, codeRateLimited, "rate limit exceeded; retry after %d seconds", secs)
	ra := strconv.FormatInt(secs, 10)
	if s.raDate {
		ra = retryAfterDate(now, wait)
	}
	resp.header = http.Header{"Retry-After": {ra}}
	return resp
}

// unauthorizedMessage is the message of a 401: how to send the key.
const unauthorizedMessage = "missing or invalid API key; send the API key as 'Authorization: Basic <key>' " +
	"(the raw key, not base64: curl -u key: does not work)"

// authenticate checks for "Authorization: Basic <key>", the raw key.
func (s *Server) authenticate(r *http.Request) *response {
	if got := r.Header.Values("Authorization"); len(got) == 1 && got[0] == "Basic "+s.key {
		return nil
	}
	return errorResponse(http.StatusUnauthorized, codeUnauthorized, unauthorizedMessage)
}

// route dispatches to the endpoint of r's path and method.
func (s *Server) route(r *http.Request, body []byte) *response {
	path := r.URL.EscapedPath()
	switch {
	case path == "/v2/visit_profile":
		switch r.Method {
		case http.MethodGet:
			return s.listProfiles(r.URL.Query())
		case http.MethodPost:
			return s.createProfile(body)
		}
		return methodNotAllowed("GET, POST")

	case strings.HasPrefix(path, "/v2/visit_profile/"):
		raw := strings.TrimPrefix(path, "/v2/visit_profile/")
		id, err := url.PathUnescape(raw)
		if raw == "" || strings.Contains(raw, "/") || err != nil {
			return notFound("no endpoint at %s", path)
		}
		switch r.Method {
		case http.MethodGet:
			return s.getProfile(id)
		case http.MethodPost:
			return s.updateProfile(id, body)
		case http.MethodDelete:
			return s.deleteProfile(id)
		}
		return methodNotAllowed("GET, POST, DELETE")

	case path == "/sessions/v2":
		if r.Method != http.MethodGet {
			return methodNotAllowed("GET")
		}
		return s.listSessions(r.URL.Query())

	case path == "/v2/sessions":
		if r.Method != http.MethodGet {
			return methodNotAllowed("GET")
		}
		return s.listSessionsV2(r.URL.Query())

	case strings.HasPrefix(path, "/v2/sessions/"):
		raw, action, _ := strings.Cut(strings.TrimPrefix(path, "/v2/sessions/"), "/")
		var allow string
		switch action {
		case "summary":
			allow = "GET, POST"
		case "events":
			allow = "GET"
		case "context":
			allow = "POST"
		default:
			return notFound("no endpoint at %s", path)
		}
		if !slices.Contains(strings.Split(allow, ", "), r.Method) {
			return methodNotAllowed(allow)
		}
		sess, resp := s.findSession(raw)
		if resp != nil {
			return resp
		}
		switch {
		case action == "summary" && r.Method == http.MethodGet:
			return s.summarize(sess, r.URL.Query(), nil)
		case action == "summary":
			return s.summarize(sess, nil, body)
		case action == "events":
			return s.events(sess)
		}
		return s.context(sess, body)
	}
	return notFound("no endpoint at %s", path)
}

// findSession returns the session of a path segment, "userId%3AsessionId"
// as the API docs write it, or with WithLenientPaths "userId:sessionId" too.
func (s *Server) findSession(raw string) (*summarygen.Session, *response) {
	if strings.Contains(raw, ":") && !s.lenientPaths {
		return nil, badRequest(codeInvalid, `the ':' of the session id must be URL-encoded as %%3A in the path, as the API docs say: `+
			`/v2/sessions/userId%%3AsessionId/... (Go: fullstory.SessionID.PathEscaped; Python: urllib.parse.quote(id, safe=""); `+
			`JavaScript: encodeURIComponent(id))`)
	}
	seg, err := url.PathUnescape(raw)
	user, session, ok := strings.Cut(seg, ":")
	if err != nil || !ok || user == "" || session == "" {
		return nil, badRequest(codeInvalid, `session_id must be "userId:sessionId", URL-encoded as userId%%3AsessionId`)
	}
	s.mu.Lock()
	sess := s.sessions[fullstory.NewSessionID(user, session)]
	s.mu.Unlock()
	if sess == nil {
		return nil, notFound("session %s not found", seg)
	}
	return sess, nil
}
