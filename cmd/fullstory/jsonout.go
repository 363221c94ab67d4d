package main

import (
	"encoding/json"
	"time"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/internal/shared"
)

// The documents that --json prints. Each kind of thing has one shape,
// whichever command prints it: a session is a jsonSession, a summary a
// jsonSummary, an error a jsonError. jsondoc.go documents every field;
// TestJSONOutputMatchesItsDocs holds the two together.

// printJSON writes v as the one JSON document of the run, indented and
// without HTML escaping, so that prompts read as written.
func (a *app) printJSON(v any) error {
	return shared.EncodeJSON(a.stdout, v, "  ")
}

// jsonSession is a session. ID is what summarize, sessions events and
// sessions context take.
type jsonSession struct {
	ID        fullstory.SessionID `json:"id"`
	UserID    string              `json:"userId"`
	SessionID string              `json:"sessionId"`
	Created   string              `json:"created,omitempty"` // RFC 3339, UTC; absent when unknown
	URL       string              `json:"url,omitempty"`     // absent when unknown
}

func newJSONSession(s fullstory.Session) jsonSession {
	j := sessionRef(s.ID())
	j.URL = s.URL
	if !s.CreatedTime.IsZero() {
		j.Created = s.CreatedTime.UTC().Format(time.RFC3339)
	}
	return j
}

// sessionRef is a session known by its id alone, as summarize ID knows it.
func sessionRef(id fullstory.SessionID) jsonSession {
	return jsonSession{ID: id, UserID: id.User, SessionID: id.Session}
}

// jsonSummary is a summary of a session, or why there is none.
type jsonSummary struct {
	Session  jsonSession     `json:"session"`
	Summary  string          `json:"summary,omitempty"`
	Response json.RawMessage `json:"response,omitempty"`
	Source   string          `json:"source,omitempty"` // "api", "shared" or "cache"; absent with Error
	Error    *jsonError      `json:"error,omitempty"`
}

// jsonError is an error: the run's, on stderr, or one item's that failed.
type jsonError struct {
	Message     string           `json:"message"`
	Kind        string           `json:"kind"`             // usage, unauthorized, not_found, rate_limited, …
	Status      int              `json:"status,omitempty"` // the HTTP status of an API error
	ExitCode    int              `json:"exit_code"`        // the status it gives, or would give alone
	Activations *jsonActivations `json:"activations,omitempty"`
}

// jsonActivations is what a run's summaries spent, as the Client counted it.
type jsonActivations struct {
	Limit     int64 `json:"limit"` // --max-activations, or one per summary planned
	Spent     int64 `json:"spent"` // summary requests sent and not refunded: what may be billed
	Refunded  int64 `json:"refunded"`
	Shared    int64 `json:"shared"`
	CacheHits int64 `json:"cache_hits"`
}

// jsonFailure is what stderr holds when a run with --json fails.
type jsonFailure struct {
	Error jsonError `json:"error"`
}

// jsonID is what profiles create prints.
type jsonID struct {
	ID fullstory.ProfileID `json:"id"`
}

// jsonUpdated is what profiles update prints.
type jsonUpdated struct {
	ID      fullstory.ProfileID `json:"id"`
	Updated bool                `json:"updated"`
}

// jsonDeleted is what profiles delete prints.
type jsonDeleted struct {
	Deleted []fullstory.ProfileID `json:"deleted"`
	Failed  []jsonNotDeleted      `json:"failed"`
}

type jsonNotDeleted struct {
	ID    fullstory.ProfileID `json:"id"`
	Error jsonError           `json:"error"`
}

// jsonProfiles is what profiles list prints; each profile as the API
// returns it, as profiles get --json prints one.
type jsonProfiles struct {
	Profiles []*fullstory.Profile `json:"profiles"`
}

// jsonSessions is what sessions list prints.
type jsonSessions struct {
	Sessions []jsonSession `json:"sessions"`
}

// jsonEvents is what sessions events prints: the events as the API returns
// them.
type jsonEvents struct {
	Events []fullstory.Event `json:"events"`
}

// jsonSummaries is what summarize --email and --uid print.
type jsonSummaries struct {
	Summaries   []jsonSummary    `json:"summaries"`
	Activations *jsonActivations `json:"activations"`
}

// jsonTry is what profiles try prints: the two profiles, then each session
// with its summaries in the order of the profiles.
type jsonTry struct {
	Profiles    []jsonTryProfile `json:"profiles"`
	Sessions    []jsonTrySession `json:"sessions"`
	Activations *jsonActivations `json:"activations"`
}

// jsonTryProfile is one side of the comparison.
type jsonTryProfile struct {
	Label    string                    `json:"label"`
	File     string                    `json:"file,omitempty"`
	Name     string                    `json:"name"`
	Settings *fullstory.ProfileRequest `json:"settings,omitempty"` // nil: the API's generic synopsis
}

type jsonTrySession struct {
	Session   jsonSession   `json:"session"`
	Summaries []jsonSummary `json:"summaries"`
}

// jsonPreview is what profiles try --preview prints: for each session,
// what each profile would send to the model. Nothing was summarized.
type jsonPreview struct {
	Profiles []jsonTryProfile     `json:"profiles"`
	Sessions []jsonPreviewSession `json:"sessions"`
}

type jsonPreviewSession struct {
	Session  jsonSession   `json:"session"`
	Contexts []jsonContext `json:"contexts"`
}

// jsonContext is a session's context under one profile's settings, as the
// API returns it, or why there is none.
type jsonContext struct {
	Context *fullstory.SessionContext `json:"context,omitempty"`
	Error   *jsonError                `json:"error,omitempty"`
}

// jsonVersion is what version prints.
type jsonVersion struct {
	Version string `json:"version"`
	Go      string `json:"go"`
	OS      string `json:"os"`
	Arch    string `json:"arch"`
}

// jsonFake is what fake prints before it serves.
type jsonFake struct {
	BaseURL string `json:"base_url"`
	APIKey  string `json:"api_key"`
}
