package fullstorytest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The control endpoints let a test in any language drive the fake over
// HTTP, as a Go test does with the Server's methods: inject a fault, reset,
// add sessions, read the requests received, count Activations. They live
// under /_fake/, which no API path starts with; they take the same
// "Authorization: Basic <key>" as the API; and they are apart from it: never
// recorded, throttled, delayed or failed by a fault. Their paths and JSON
// shapes are a contract that tools in other languages rely on: they change
// only by adding.
const controlPrefix = "/_fake/"

func isControl(path string) bool {
	return path == strings.TrimSuffix(controlPrefix, "/") || strings.HasPrefix(path, controlPrefix)
}

// controlEndpoints are the methods of each control path.
var controlEndpoints = map[string]string{
	"/_fake/faults":      "POST",
	"/_fake/reset":       "POST",
	"/_fake/sessions":    "POST",
	"/_fake/requests":    "GET, DELETE",
	"/_fake/activations": "GET",
}

func (s *Server) serveControl(w http.ResponseWriter, r *http.Request, body []byte, readErr error) {
	resp := s.authenticate(r)
	if resp == nil {
		resp = s.control(r, body, readErr)
	}
	resp.write(w, false)
}

func (s *Server) control(r *http.Request, body []byte, readErr error) *response {
	allow, ok := controlEndpoints[r.URL.Path]
	switch {
	case !ok:
		paths := make([]string, 0, len(controlEndpoints))
		for p := range controlEndpoints {
			paths = append(paths, p)
		}
		slices.Sort(paths)
		return notFound("no control endpoint at %s; they are %s", r.URL.Path, strings.Join(paths, ", "))
	case !slices.Contains(strings.Split(allow, ", "), r.Method):
		return methodNotAllowed(allow)
	case readErr != nil:
		return badRequest(codeInvalid, "reading the request body: %v", readErr)
	case len(body) > maxRequestBody:
		return errorResponse(http.StatusRequestEntityTooLarge, codeInvalid, "the request body is larger than %d MiB", maxRequestBody>>20)
	}
	switch r.URL.Path + " " + r.Method {
	case "/_fake/faults POST":
		return s.controlFault(body)
	case "/_fake/reset POST":
		s.Reset()
		return jsonResponse(http.StatusOK, struct{}{})
	case "/_fake/sessions POST":
		return s.controlSessions(body)
	case "/_fake/requests GET":
		return s.controlRequests()
	case "/_fake/requests DELETE":
		s.ResetRequests()
		return jsonResponse(http.StatusOK, struct{}{})
	}
	return jsonResponse(http.StatusOK, struct {
		Activations int64 `json:"activations"`
	}{s.Activations()})
}

// faultJSON is a Fault as POST /_fake/faults takes it.
type faultJSON struct {
	Op                Operation         `json:"op"`
	Path              string            `json:"path"`
	Count             int               `json:"count"`
	DelayMS           int64             `json:"delay_ms"`
	Status            int               `json:"status"`
	Body              string            `json:"body"`
	RetryAfterSeconds int64             `json:"retry_after_seconds"`
	Header            map[string]string `json:"header"`
	CutOff            bool              `json:"cut_off"`
	Handle            bool              `json:"handle"`
}

func (s *Server) controlFault(body []byte) *response {
	var fj faultJSON
	if resp := decodeStrict(body, &fj); resp != nil {
		return resp
	}
	switch {
	case fj.Op != "" && !slices.Contains(Operations(), fj.Op):
		names := make([]string, len(Operations()))
		for i, op := range Operations() {
			names[i] = string(op)
		}
		return badRequest(codeInvalid, "op %q is not an operation; the operations are %s", fj.Op, strings.Join(names, ", "))
	case fj.Status != 0 && (fj.Status < 200 || fj.Status > 599):
		return badRequest(codeInvalid, "status must be from 200 to 599, or 0 for none")
	case fj.Count < 0 || fj.DelayMS < 0 || fj.RetryAfterSeconds < 0:
		return badRequest(codeInvalid, "count, delay_ms and retry_after_seconds must not be negative")
	}
	f := Fault{Op: fj.Op, Path: fj.Path, Count: fj.Count, Delay: time.Duration(fj.DelayMS) * time.Millisecond,
		Status: fj.Status, Body: fj.Body, RetryAfter: time.Duration(fj.RetryAfterSeconds) * time.Second,
		CutOff: fj.CutOff, Handle: fj.Handle}
	for k, v := range fj.Header {
		if f.Header == nil {
			f.Header = http.Header{}
		}
		f.Header.Set(k, v)
	}
	s.InjectFault(f)
	s.mu.Lock()
	pending := len(s.faults)
	s.mu.Unlock()
	return jsonResponse(http.StatusOK, struct {
		Pending int `json:"pending"`
	}{pending})
}

func (s *Server) controlSessions(body []byte) *response {
	sessions, err := ReadSessions(bytes.NewReader(body))
	if err != nil {
		return badRequest(codeInvalid, "%v", err)
	}
	out := struct {
		IDs []string `json:"ids"`
	}{IDs: []string{}}
	for _, sess := range sessions {
		out.IDs = append(out.IDs, s.AddSession(sess).String())
	}
	return jsonResponse(http.StatusOK, out)
}

// requestJSON is a Request as GET /_fake/requests returns it. The body is
// text: bytes that are not UTF-8 come out as U+FFFD.
type requestJSON struct {
	Op         Operation           `json:"op"`
	Method     string              `json:"method"`
	Path       string              `json:"path"`
	RequestURI string              `json:"request_uri"`
	Query      map[string][]string `json:"query"`
	Header     map[string][]string `json:"header"`
	Body       string              `json:"body"`
}

func (s *Server) controlRequests() *response {
	out := struct {
		Requests []requestJSON `json:"requests"`
	}{Requests: []requestJSON{}}
	for _, r := range s.Requests() {
		out.Requests = append(out.Requests, requestJSON{
			Op: r.Op, Method: r.Method, Path: r.Path, RequestURI: r.RequestURI,
			Query: nonNil(r.Query), Header: nonNil(r.Header), Body: strings.ToValidUTF8(string(r.Body), "\uFFFD"),
		})
	}
	return jsonResponse(http.StatusOK, out)
}

// nonNil returns m, or an empty map for nil, so that JSON gets {} and not null.
func nonNil[M ~map[string][]string](m M) map[string][]string {
	if m == nil {
		return map[string][]string{}
	}
	return m
}

// decodeStrict decodes a control body (empty: {}) and refuses unknown
// names, naming them.
func decodeStrict(body []byte, v any) *response {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest(codeInvalid, "the request body is not valid: %v", strings.TrimPrefix(err.Error(), "json: "))
	}
	if dec.More() {
		return badRequest(codeInvalid, "more than one JSON value: the body must be one object")
	}
	return nil
}
