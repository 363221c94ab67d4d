package fullstory_test

import (
	"context"
	"encoding"
	"encoding/json"
	"iter"
	"log/slog"
	"net/http"
	"testing"
	"time"

	fullstory "github.com/summarykit/fullstory-go"
)

// The main names of the public API, used as the README shows them: this
// file stops compiling if one of them drifts. testdata/api/*.txt pins the
// whole exported API (api_golden_test.go).
var (
	_ func(string, ...fullstory.Option) (*fullstory.Client, error) = fullstory.NewClient
	_ func(string) fullstory.Option                                = fullstory.WithBaseURL
	_ func(fullstory.Region) fullstory.Option                      = fullstory.WithRegion
	_ func(*http.Client) fullstory.Option                          = fullstory.WithHTTPClient
	_ func(int) fullstory.Option                                   = fullstory.WithMaxRetries
	_ func(time.Duration, time.Duration) fullstory.Option          = fullstory.WithRetryWait
	_ func(time.Duration) fullstory.Option                         = fullstory.WithMaxRetryAfter
	_ func(time.Duration) fullstory.Option                         = fullstory.WithTimeout
	_ func(*slog.Logger) fullstory.Option                          = fullstory.WithLogger
	_ func(string) fullstory.Option                                = fullstory.WithUserAgent
	_ func(string) fullstory.Option                                = fullstory.WithIntegrationSource
	_ func(string) fullstory.Option                                = fullstory.WithIdempotencyKey
	_ func(int) fullstory.Option                                   = fullstory.WithConcurrency
	_ func(float64, int) fullstory.Option                          = fullstory.WithRateLimit

	_ func(*fullstory.ProfilesService, context.Context, *fullstory.ProfileRequest, ...fullstory.Option) (fullstory.ProfileID, error)                                     = (*fullstory.ProfilesService).Create
	_ func(*fullstory.ProfilesService, context.Context, fullstory.ProfileID, ...fullstory.Option) (*fullstory.Profile, error)                                            = (*fullstory.ProfilesService).Get
	_ func(*fullstory.ProfilesService, context.Context, fullstory.ProfileID, *fullstory.ProfileRequest, ...fullstory.Option) error                                       = (*fullstory.ProfilesService).Update
	_ func(*fullstory.ProfilesService, context.Context, fullstory.ProfileID, ...fullstory.Option) error                                                                  = (*fullstory.ProfilesService).Delete
	_ func(*fullstory.ProfilesService, context.Context, *fullstory.ListProfilesOptions, ...fullstory.Option) (*fullstory.ProfilePage, error)                             = (*fullstory.ProfilesService).List
	_ func(*fullstory.ProfilesService, context.Context, *fullstory.ListProfilesOptions, ...fullstory.Option) iter.Seq2[*fullstory.Profile, error]                        = (*fullstory.ProfilesService).All
	_ func(*fullstory.Profile) *fullstory.ProfileRequest                                                                                                                 = (*fullstory.Profile).Request
	_ func(*fullstory.SessionsService, context.Context, *fullstory.ListSessionsOptions, ...fullstory.Option) ([]fullstory.Session, error)                                = (*fullstory.SessionsService).List
	_ func(*fullstory.SessionsService, context.Context, fullstory.SessionID, *fullstory.SummarizeRequest, ...fullstory.Option) (*fullstory.Summary, error)               = (*fullstory.SessionsService).Summarize
	_ func(*fullstory.SessionsService, context.Context, fullstory.SessionID, ...fullstory.Option) ([]fullstory.Event, error)                                             = (*fullstory.SessionsService).Events
	_ func(*fullstory.SessionsService, context.Context, fullstory.SessionID, *fullstory.ProfileConfig, ...fullstory.Option) (*fullstory.SessionContext, error)           = (*fullstory.SessionsService).Context
	_ func(*fullstory.SessionsService, context.Context, []fullstory.SessionID, *fullstory.SummarizeRequest, ...fullstory.Option) iter.Seq2[int, fullstory.SummaryResult] = (*fullstory.SessionsService).SummarizeEach

	_ func(string, string) fullstory.SessionID                                                                                                                    = fullstory.NewSessionID
	_ func(string) (fullstory.SessionID, error)                                                                                                                   = fullstory.ParseSessionID
	_ func(fullstory.SessionID) string                                                                                                                            = fullstory.SessionID.String
	_ func(fullstory.SessionID) string                                                                                                                            = fullstory.SessionID.PathEscaped
	_ func(fullstory.SessionID) bool                                                                                                                              = fullstory.SessionID.IsZero
	_ encoding.TextMarshaler                                                                                                                                      = fullstory.SessionID{}
	_ encoding.TextUnmarshaler                                                                                                                                    = (*fullstory.SessionID)(nil)
	_ func(fullstory.Session) fullstory.SessionID                                                                                                                 = fullstory.Session.ID
	_ func(*fullstory.Summary, any) error                                                                                                                         = (*fullstory.Summary).Decode
	_ func(*fullstory.Summary) (map[string]any, error)                                                                                                            = fullstory.DecodeSummary[map[string]any]
	_ func() (*fullstory.Schema, error)                                                                                                                           = fullstory.SchemaFor[struct{ A string }]
	_ func([]byte) (*fullstory.Schema, error)                                                                                                                     = fullstory.ParseSchema
	_ func(float64) *float64                                                                                                                                      = fullstory.Ptr[float64]
	_ func(*fullstory.APIError) string                                                                                                                            = (*fullstory.APIError).Error
	_ func(*fullstory.APIError, error) bool                                                                                                                       = (*fullstory.APIError).Is
	_ error                                                                                                                                                       = (*fullstory.ValidationError)(nil)
	_ []error                                                                                                                                                     = []error{fullstory.ErrBadRequest, fullstory.ErrUnauthorized, fullstory.ErrForbidden, fullstory.ErrNotFound, fullstory.ErrRateLimited, fullstory.ErrServer, fullstory.ErrInvalidArgument}
	_ func(context.Context, *fullstory.Client, fullstory.SessionID, *fullstory.SummarizeRequest, ...fullstory.Option) (map[string]any, *fullstory.Summary, error) = fullstory.SummarizeAs[map[string]any]
)

// The constants and the fields of the contract's types, with their types.
func TestAPIContractValues(t *testing.T) {
	consts := map[string]string{
		"Version": fullstory.Version, "DefaultBaseURL": fullstory.DefaultBaseURL, "EU1BaseURL": fullstory.EU1BaseURL,
		"RegionNA1": string(fullstory.RegionNA1), "RegionEU1": string(fullstory.RegionEU1),
		"SliceFirst": string(fullstory.SliceFirst), "SliceLast": string(fullstory.SliceLast), "SliceTimestamp": string(fullstory.SliceTimestamp),
		"ContextUser": string(fullstory.ContextUser), "ContextOrg": string(fullstory.ContextOrg),
		"ContextLocation": string(fullstory.ContextLocation), "ContextDevice": string(fullstory.ContextDevice),
		"EventNavigate": string(fullstory.EventNavigate), "EventClick": string(fullstory.EventClick), "EventDeadClick": string(fullstory.EventDeadClick),
		"EventErrorClick": string(fullstory.EventErrorClick), "EventRageClick": string(fullstory.EventRageClick), "EventInputChange": string(fullstory.EventInputChange),
		"EventNetworkError": string(fullstory.EventNetworkError), "EventConsoleError": string(fullstory.EventConsoleError), "EventMouseThrash": string(fullstory.EventMouseThrash),
		"EventHighlight": string(fullstory.EventHighlight), "EventCopy": string(fullstory.EventCopy), "EventPaste": string(fullstory.EventPaste), "EventElementSeen": string(fullstory.EventElementSeen),
	}
	want := map[string]string{
		"Version": "0.1.0", "DefaultBaseURL": "https://api.fullstory.com", "EU1BaseURL": "https://api.eu1.fullstory.com",
		"RegionNA1": "na1", "RegionEU1": "eu1", "SliceFirst": "FIRST", "SliceLast": "LAST", "SliceTimestamp": "TIMESTAMP",
		"ContextUser": "user", "ContextOrg": "org", "ContextLocation": "location", "ContextDevice": "device",
		"EventNavigate": "navigate", "EventClick": "click", "EventDeadClick": "dead-click", "EventErrorClick": "error-click",
		"EventRageClick": "rage-click", "EventInputChange": "input-change", "EventNetworkError": "network-error",
		"EventConsoleError": "console-error", "EventMouseThrash": "mouse-thrash", "EventHighlight": "highlight",
		"EventCopy": "copy", "EventPaste": "paste", "EventElementSeen": "element-seen",
	}
	for name, v := range want {
		if consts[name] != v {
			t.Errorf("%s = %q, want %q", name, consts[name], v)
		}
	}

	// The fields the README documents, by name and type; a struct literal
	// stops compiling when one is renamed or retyped.
	_ = fullstory.APIError{StatusCode: 0, Code: "", Message: "", RetryAfter: time.Duration(0), Attempts: 0, Method: "", Path: "", Header: http.Header{}, Body: []byte{}}
	_ = fullstory.ValidationError{Field: "", Reason: ""}
	_ = fullstory.Summary{Text: "", Response: json.RawMessage{}, ResponseSchema: &fullstory.Schema{}}
	_ = fullstory.SummarizeRequest{Profile: fullstory.ProfileID(""), EndTimestamp: time.Time{}, Overrides: &fullstory.ProfileConfig{}}
	_ = fullstory.Session{UserID: "", SessionID: "", CreatedTime: time.Time{}, URL: ""}
	_ = fullstory.ListSessionsOptions{UID: "", Email: "", Limit: 0}
	_ = fullstory.ListProfilesOptions{Limit: 0, PageToken: ""}
	_ = fullstory.ProfilePage{Profiles: []*fullstory.Profile{}, NextPageToken: ""}
	_ = fullstory.Profile{ID: fullstory.ProfileID(""), Name: "", ProfileConfig: fullstory.ProfileConfig{}}
	_ = fullstory.ProfileRequest{Name: "", ProfileConfig: fullstory.ProfileConfig{}}
	_ = fullstory.ProfileConfig{LLM: &fullstory.LLMConfig{}, Slice: &fullstory.SliceConfig{}, Context: &fullstory.ContextConfig{}, Events: &fullstory.EventsConfig{}, Cache: &fullstory.CacheConfig{}}
	_ = fullstory.LLMConfig{PrePrompt: "", PostPrompt: "", Temperature: fullstory.Ptr(0.0), ResponseSchema: &fullstory.Schema{}}
	_ = fullstory.SliceConfig{Mode: fullstory.SliceFirst, EventLimit: 0, DurationLimit: time.Duration(0), StartTimestamp: time.Time{}, EndTimestamp: time.Time{}}
	_ = fullstory.ContextConfig{Include: []fullstory.ContextElement{}, Exclude: []fullstory.ContextElement{}, ExcludeUserContext: new(bool), ExcludeOrgContext: new(bool), ExcludeLocation: new(bool), ExcludeDevice: new(bool)}
	_ = fullstory.EventsConfig{IncludeTypes: []fullstory.EventType{}, ExcludeTypes: []fullstory.EventType{}, ExcludeDefinedEvents: new(bool), ExcludeAPIEvents: new(bool),
		ExcludeEventTimestamps: new(bool), ExcludeSelectors: new(bool), IncludeSelectorTags: new(bool), IncludeTabIndex: new(bool), IncludeDescriptions: new(bool), TrimToLastNSelectors: new(int)}
	_ = fullstory.CacheConfig{EnableEventCache: new(bool)}
	_ = fullstory.Schema{Type: fullstory.SchemaType("OBJECT"), Title: "", Description: "", Format: "", Items: &fullstory.Schema{}, Properties: map[string]*fullstory.Schema{}, Required: []string{}, Nullable: false, Enum: []string{}}
	_ = fullstory.SessionID{User: "", Session: ""}
	_ = fullstory.SummaryResult{ID: fullstory.SessionID{}, Summary: &fullstory.Summary{}, Err: nil}
	_ = fullstory.Client{Profiles: &fullstory.ProfilesService{}, Sessions: &fullstory.SessionsService{}}
}
