// Package wire holds the JSON shapes of the Fullstory API as the fake
// speaks them, written from the wire reference (fullstory-api.md) and not
// from package fullstory's types, so that a mistake in the library's JSON
// is not mirrored by the fake: a test that runs the library against the fake
// then sees it.
package wire

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Config is the profile configuration (reference §3): the body of a
// context request, and with Name or ConfigProfile of the other requests.
type Config struct {
	Slice   *Slice   `json:"slice,omitempty"`
	Context *Context `json:"context,omitempty"`
	Events  *Events  `json:"events,omitempty"`
	Cache   *Cache   `json:"cache,omitempty"`
	LLM     *LLM     `json:"llm,omitempty"`
}

// ProfileRequest is the body of create and update profile (§4.1, §4.4).
type ProfileRequest struct {
	Name string `json:"name,omitempty"`
	Config
}

// SummaryRequest is the body of a summary with overrides (§4.7).
type SummaryRequest struct {
	ConfigProfile string `json:"config_profile,omitempty"`
	Config
}

// Slice is §3.2. duration_limit_ms is an int64, which proto3 JSON writes as
// a string; both forms are read.
type Slice struct {
	Mode            string     `json:"mode,omitempty"`
	EventLimit      Int        `json:"event_limit,omitempty"`
	DurationLimitMS Int64      `json:"duration_limit_ms,omitempty"`
	StartTimestamp  *time.Time `json:"start_timestamp,omitempty"`
	EndTimestamp    *time.Time `json:"end_timestamp,omitempty"`
}

// Context is §3.3, which session metadata the LLM sees.
type Context struct {
	Include             []string `json:"include,omitempty"`
	Exclude             []string `json:"exclude,omitempty"`
	ExcludeOrgContext   *bool    `json:"exclude_org_context,omitempty"`
	ExcludeUserContext  *bool    `json:"exclude_user_context,omitempty"`
	ExcludeLocation     *bool    `json:"exclude_location,omitempty"`
	ExcludeDevice       *bool    `json:"exclude_device,omitempty"`
	ExcludeDescriptions *bool    `json:"exclude_descriptions,omitempty"`
}

// Events is §3.4, which events the LLM sees and what of them.
type Events struct {
	IncludeTypes           []string `json:"include_types,omitempty"`
	ExcludeTypes           []string `json:"exclude_types,omitempty"`
	ExcludeDefinedEvents   *bool    `json:"exclude_defined_events,omitempty"`
	ExcludeAPIEvents       *bool    `json:"exclude_api_events,omitempty"`
	ExcludeEventTimestamps *bool    `json:"exclude_event_timestamps,omitempty"`
	ExcludeSelectors       *bool    `json:"exclude_selectors,omitempty"`
	IncludeSelectorTags    *bool    `json:"include_selector_tags,omitempty"`
	TrimToLastNSelectors   *Int     `json:"trim_to_last_n_selectors,omitempty"`
	IncludeTabIndex        *bool    `json:"include_tab_index,omitempty"`
	IncludeDescriptions    *bool    `json:"include_descriptions,omitempty"`
}

// Cache is the cache object of §3.1.
type Cache struct {
	EnableEventCache *bool `json:"enable_event_cache,omitempty"`
}

// LLM is §3.5.
type LLM struct {
	PrePrompt      string   `json:"pre_prompt,omitempty"`
	PostPrompt     string   `json:"post_prompt,omitempty"`
	Temperature    *float64 `json:"temperature,omitempty"`
	ResponseSchema *Schema  `json:"response_schema,omitempty"`
}

// Schema is the response schema of §3.6.
type Schema struct {
	Type        string             `json:"type,omitempty"`
	Title       string             `json:"title,omitempty"`
	Description string             `json:"description,omitempty"`
	Format      string             `json:"format,omitempty"`
	Items       *Schema            `json:"items,omitempty"`
	Properties  map[string]*Schema `json:"properties,omitempty"`
	Required    []string           `json:"required,omitempty"`
	Nullable    bool               `json:"nullable,omitempty"`
	Enum        []string           `json:"enum,omitempty"`
}

// Profile is a profile as get and list return it (§4.2): slice, context,
// events and cache nested under configuration, llm at the top level.
type Profile struct {
	ID            string        `json:"id"`
	Name          string        `json:"name,omitempty"`
	Configuration Configuration `json:"configuration"`
	LLM           *LLM          `json:"llm,omitempty"`
}

// Configuration is the configuration object of a Profile.
type Configuration struct {
	Slice   *Slice   `json:"slice,omitempty"`
	Context *Context `json:"context,omitempty"`
	Events  *Events  `json:"events,omitempty"`
	Cache   *Cache   `json:"cache,omitempty"`
}

// NewProfile returns the profile of a create or update request.
func NewProfile(id string, req ProfileRequest) Profile {
	c := req.Config
	return Profile{ID: id, Name: req.Name, LLM: c.LLM,
		Configuration: Configuration{Slice: c.Slice, Context: c.Context, Events: c.Events, Cache: c.Cache}}
}

// Config returns the profile's configuration as a request would hold it.
func (p *Profile) Config() Config {
	c := p.Configuration
	return Config{Slice: c.Slice, Context: c.Context, Events: c.Events, Cache: c.Cache, LLM: p.LLM}
}

// ProfilePage is a page of list profiles (§4.3). The token is written as
// next_pagination_token, the name Fullstory's SDK reads.
type ProfilePage struct {
	Profiles            []Profile `json:"profiles"`
	NextPaginationToken string    `json:"next_pagination_token,omitempty"`
}

// ID is the answer of create and update profile.
type ID struct {
	ID string `json:"id"`
}

// SessionList is the answer of GET /sessions/v2 (§4.10): lowerCamelCase
// names and string ids.
type SessionList struct {
	Sessions []Session `json:"sessions"`
}

// Session is one entry of a SessionList. CreatedTime is unix seconds as a
// string, e.g. "1411492739".
type Session struct {
	UserID      string `json:"userId"`
	SessionID   string `json:"sessionId"`
	CreatedTime string `json:"createdTime"`
	FsURL       string `json:"fsUrl"`
}

// SessionResults is the answer of GET /v2/sessions (§4.11).
type SessionResults struct {
	Results []SessionResult `json:"results"`
}

// SessionResult is one entry of SessionResults: the session id as
// "userId:sessionId", its address in the app, and when it started, in
// RFC 3339.
type SessionResult struct {
	ID          string `json:"id"`
	AppURL      string `json:"app_url"`
	CreatedTime string `json:"created_time"`
}

// EventList is the answer of get session events (§4.9).
type EventList struct {
	Events []Event `json:"events"`
}

// Event is one event of an EventList; EventTime is RFC 3339 with
// milliseconds.
type Event struct {
	DeviceID         string            `json:"device_id"`
	SessionID        string            `json:"session_id"`
	ViewID           string            `json:"view_id"`
	EventTime        string            `json:"event_time"`
	EventType        string            `json:"event_type"`
	EventProperties  map[string]any    `json:"event_properties,omitempty"`
	SourceType       string            `json:"source_type"`
	SourceProperties *SourceProperties `json:"source_properties,omitempty"`
}

// SourceProperties says where an event came from.
type SourceProperties struct {
	UserAgent       *UserAgent `json:"user_agent,omitempty"`
	URL             *URL       `json:"url,omitempty"`
	InitialReferrer string     `json:"initial_referrer,omitempty"`
}

// UserAgent is the browser of an event.
type UserAgent struct {
	RawUserAgent    string `json:"raw_user_agent,omitempty"`
	Device          string `json:"device,omitempty"`
	OperatingSystem string `json:"operating_system,omitempty"`
	Browser         string `json:"browser,omitempty"`
	BrowserVersion  string `json:"browser_version,omitempty"`
}

// URL is the page of an event.
type URL struct {
	FullURL string                `json:"full_url,omitempty"`
	Host    string                `json:"host,omitempty"`
	Path    string                `json:"path,omitempty"`
	Query   map[string]QueryValue `json:"query,omitempty"`
}

// QueryValue holds the values of one query parameter.
type QueryValue struct {
	Values []string `json:"values"`
}

// ContextAnswer is the answer of generate context (§4.8).
type ContextAnswer struct {
	ContextData ContextData `json:"context_data"`
}

// ContextData is the session data an LLM would see.
type ContextData struct {
	Context StaticContext `json:"context"`
	Pages   []Page        `json:"pages"`
}

// StaticContext is what is known of the session as a whole.
type StaticContext struct {
	SessionID        string           `json:"session_id,omitempty"`
	SessionURL       string           `json:"session_url,omitempty"`
	SessionCreatedAt string           `json:"session_created_at,omitempty"`
	OrgContext       *OrgContext      `json:"org_context,omitempty"`
	UserContext      *UserContext     `json:"user_context,omitempty"`
	LocationContext  *LocationContext `json:"location_context,omitempty"`
	DeviceContext    *DeviceContext   `json:"device_context,omitempty"`
}

// OrgContext is the org_context of a StaticContext.
type OrgContext struct {
	OrgID    string `json:"org_id,omitempty"`
	Name     string `json:"name,omitempty"`
	Industry string `json:"industry,omitempty"`
	Domain   string `json:"domain,omitempty"`
	Country  string `json:"country,omitempty"`
}

// UserContext is the user_context of a StaticContext. The reference types
// properties as strings to strings; the fake passes the recorded values on
// as they are.
type UserContext struct {
	UserUID     string         `json:"user_uid,omitempty"`
	DisplayName string         `json:"display_name,omitempty"`
	Email       string         `json:"email,omitempty"`
	Properties  map[string]any `json:"properties,omitempty"`
}

// LocationContext is the location_context of a StaticContext.
type LocationContext struct {
	Country string `json:"country,omitempty"`
	Region  string `json:"region,omitempty"`
	City    string `json:"city,omitempty"`
}

// DeviceContext is the device_context of a StaticContext.
type DeviceContext struct {
	Browser         string `json:"browser,omitempty"`
	OperatingSystem string `json:"operating_system,omitempty"`
	ScreenSize      *Size  `json:"screen_size,omitempty"`
	ViewportSize    *Size  `json:"viewport_size,omitempty"`
}

// Size is a screen or viewport size in pixels.
type Size struct {
	HeightPixels int `json:"height_pixels"`
	WidthPixels  int `json:"width_pixels"`
}

// Page is a page of ContextData, with its events.
type Page struct {
	URL    string         `json:"url,omitempty"`
	Title  string         `json:"title,omitempty"`
	Tab    int            `json:"tab,omitempty"`
	Events []ContextEvent `json:"events"`
}

// ContextEvent is an event of a Page; Timestamp is RFC 3339.
type ContextEvent struct {
	Type          string         `json:"type"`
	Description   string         `json:"description,omitempty"`
	Timestamp     string         `json:"timestamp,omitempty"`
	ScreenshotURL string         `json:"screenshot_url,omitempty"`
	Content       string         `json:"content,omitempty"`
	Properties    map[string]any `json:"properties,omitempty"`
}

// Summary is the answer of generate summary (§4.6).
type Summary struct {
	Summary        string          `json:"summary,omitempty"`
	Response       json.RawMessage `json:"response,omitempty"`
	ResponseSchema *Schema         `json:"response_schema,omitempty"`
}

// Error is the error body of every endpoint (§5.1).
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Int is an integer that proto3 JSON may send as a number or a string. It
// is written as a number, as proto3 JSON writes int32 values.
type Int int64

// UnmarshalJSON reads a number or a string of digits.
func (n *Int) UnmarshalJSON(data []byte) error {
	v, err := parseInt(data)
	*n = Int(v)
	return err
}

// Int64 is an int64 field: read as a number or a string, written as a
// string, as proto3 JSON writes int64 values.
type Int64 int64

// UnmarshalJSON reads a number or a string of digits.
func (n *Int64) UnmarshalJSON(data []byte) error {
	v, err := parseInt(data)
	*n = Int64(v)
	return err
}

// MarshalJSON writes n as a string: "90000".
func (n Int64) MarshalJSON() ([]byte, error) {
	return []byte(strconv.Quote(strconv.FormatInt(int64(n), 10))), nil
}

func parseInt(data []byte) (int64, error) {
	s := bytes.Trim(bytes.TrimSpace(data), `"`)
	if string(s) == "null" || len(s) == 0 {
		return 0, nil
	}
	v, err := strconv.ParseInt(string(s), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s is not a whole number", s)
	}
	return v, nil
}
