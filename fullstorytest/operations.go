package fullstorytest

import (
	"net/http"
	"strings"
)

// Operation names an endpoint of the API, to aim a Fault at it or to tell
// the recorded Requests apart.
type Operation string

// The operations the server serves, one per endpoint.
const (
	OpCreateProfile Operation = "create-profile" // POST /v2/visit_profile
	OpGetProfile    Operation = "get-profile"    // GET /v2/visit_profile/{id}
	OpUpdateProfile Operation = "update-profile" // POST /v2/visit_profile/{id}
	OpDeleteProfile Operation = "delete-profile" // DELETE /v2/visit_profile/{id}
	OpListProfiles  Operation = "list-profiles"  // GET /v2/visit_profile
	OpListSessions  Operation = "list-sessions"  // GET /sessions/v2
	OpSummarize     Operation = "summarize"      // GET or POST /v2/sessions/{id}/summary
	OpEvents        Operation = "events"         // GET /v2/sessions/{id}/events
	OpContext       Operation = "context"        // POST /v2/sessions/{id}/context

	// OpListSessionsV2 is GET /v2/sessions, which finds sessions by uid or
	// email too, and by the session uid a customer's site set (session_uid).
	OpListSessionsV2 Operation = "list-sessions-v2"
)

// Operations returns every Operation, in the order of the constants.
func Operations() []Operation {
	return []Operation{OpCreateProfile, OpGetProfile, OpUpdateProfile, OpDeleteProfile,
		OpListProfiles, OpListSessions, OpSummarize, OpEvents, OpContext, OpListSessionsV2}
}

// operationOf returns the operation of a request's method and escaped
// path, or "" when it is no endpoint of the API.
func operationOf(method, path string) Operation {
	if path == "/v2/visit_profile" {
		return map[string]Operation{http.MethodGet: OpListProfiles, http.MethodPost: OpCreateProfile}[method]
	}
	if id, ok := strings.CutPrefix(path, "/v2/visit_profile/"); ok && id != "" && !strings.Contains(id, "/") {
		return map[string]Operation{http.MethodGet: OpGetProfile, http.MethodPost: OpUpdateProfile, http.MethodDelete: OpDeleteProfile}[method]
	}
	if path == "/sessions/v2" && method == http.MethodGet {
		return OpListSessions
	}
	if path == "/v2/sessions" && method == http.MethodGet {
		return OpListSessionsV2
	}
	rest, ok := strings.CutPrefix(path, "/v2/sessions/")
	if !ok {
		return ""
	}
	id, action, _ := strings.Cut(rest, "/")
	switch {
	case id == "":
	case action == "summary" && (method == http.MethodGet || method == http.MethodPost):
		return OpSummarize
	case action == "events" && method == http.MethodGet:
		return OpEvents
	case action == "context" && method == http.MethodPost:
		return OpContext
	}
	return ""
}
