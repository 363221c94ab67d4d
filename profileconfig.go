package fullstory

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/summarykit/fullstory-go/internal/rules"
	"github.com/summarykit/fullstory-go/internal/shared"
)

// ProfileConfig shapes the AI's input and output. It is shared by profiles,
// summary overrides and session context requests; nil parts are left out of
// the JSON.
type ProfileConfig struct {
	LLM     *LLMConfig     `json:"llm,omitempty"`
	Slice   *SliceConfig   `json:"slice,omitempty"`
	Context *ContextConfig `json:"context,omitempty"`
	Events  *EventsConfig  `json:"events,omitempty"`
	Cache   *CacheConfig   `json:"cache,omitempty"`
}

// clone returns a deep copy of c, so that changing it leaves c as it was.
func (c ProfileConfig) clone() ProfileConfig {
	out := ProfileConfig{Slice: shared.ClonePtr(c.Slice), Cache: shared.ClonePtr(c.Cache)}
	if c.Cache != nil {
		out.Cache.EnableEventCache = shared.ClonePtr(c.Cache.EnableEventCache)
	}
	if l := c.LLM; l != nil {
		out.LLM = &LLMConfig{PrePrompt: l.PrePrompt, PostPrompt: l.PostPrompt,
			Temperature: shared.ClonePtr(l.Temperature), ResponseSchema: l.ResponseSchema.clone()}
	}
	if x := c.Context; x != nil {
		out.Context = &ContextConfig{
			Include: slices.Clone(x.Include), Exclude: slices.Clone(x.Exclude),
			ExcludeUserContext: shared.ClonePtr(x.ExcludeUserContext), ExcludeOrgContext: shared.ClonePtr(x.ExcludeOrgContext),
			ExcludeLocation: shared.ClonePtr(x.ExcludeLocation), ExcludeDevice: shared.ClonePtr(x.ExcludeDevice),
		}
	}
	if e := c.Events; e != nil {
		out.Events = &EventsConfig{
			IncludeTypes: slices.Clone(e.IncludeTypes), ExcludeTypes: slices.Clone(e.ExcludeTypes),
			ExcludeDefinedEvents: shared.ClonePtr(e.ExcludeDefinedEvents), ExcludeAPIEvents: shared.ClonePtr(e.ExcludeAPIEvents),
			ExcludeEventTimestamps: shared.ClonePtr(e.ExcludeEventTimestamps), ExcludeSelectors: shared.ClonePtr(e.ExcludeSelectors),
			IncludeSelectorTags: shared.ClonePtr(e.IncludeSelectorTags), IncludeTabIndex: shared.ClonePtr(e.IncludeTabIndex),
			IncludeDescriptions: shared.ClonePtr(e.IncludeDescriptions), TrimToLastNSelectors: shared.ClonePtr(e.TrimToLastNSelectors),
		}
	}
	return out
}

// validate checks what the API would refuse, before anything is sent.
func (c *ProfileConfig) validate() error {
	if c == nil {
		return nil
	}
	if l := c.LLM; l != nil {
		if t := l.Temperature; t != nil && (math.IsNaN(*t) || *t < 0 || *t > rules.MaxTemperature) {
			return &ValidationError{Field: "llm.temperature", Reason: "must be between 0 and 2"}
		}
		if err := l.ResponseSchema.validate("llm.response_schema"); err != nil {
			return err
		}
	}
	if sl := c.Slice; sl != nil {
		if err := sl.validate(); err != nil {
			return err
		}
	}
	if ev := c.Events; ev != nil && ev.TrimToLastNSelectors != nil && (*ev.TrimToLastNSelectors < 0 || *ev.TrimToLastNSelectors > math.MaxInt32) {
		return &ValidationError{Field: "events.trim_to_last_n_selectors", Reason: "must be between 0 and 2147483647"}
	}
	if ctx := c.Context; ctx != nil {
		for _, e := range append(append([]ContextElement(nil), ctx.Include...), ctx.Exclude...) {
			switch e {
			case ContextUser, ContextOrg, ContextLocation, ContextDevice:
			default:
				return &ValidationError{Field: "context", Reason: `elements must be "user", "org", "location" or "device"`}
			}
		}
	}
	if ev := c.Events; ev != nil {
		for _, t := range append(append([]EventType(nil), ev.IncludeTypes...), ev.ExcludeTypes...) {
			if strings.TrimSpace(string(t)) == "" {
				return &ValidationError{Field: "events", Reason: "event types must not be empty"}
			}
		}
	}
	return nil
}

// LLMConfig says how the LLM answers.
type LLMConfig struct {
	// PrePrompt goes before the session data: the persona and the main goal.
	PrePrompt string `json:"pre_prompt,omitempty"`
	// PostPrompt goes after it: final instructions or questions.
	PostPrompt string `json:"post_prompt,omitempty"`
	// Temperature, from 0 to 2; lower is more factual. Nil: the server's default.
	Temperature *float64 `json:"temperature,omitempty"`
	// ResponseSchema asks for structured output that follows it. The
	// quick-start guide calls this the "output_schema"; the API field is
	// "response_schema".
	ResponseSchema *Schema `json:"response_schema,omitempty"`
}

// CacheConfig controls the event cache.
type CacheConfig struct {
	// EnableEventCache reuses events cached by earlier processing, which is
	// faster but may miss the latest events.
	EnableEventCache *bool `json:"enable_event_cache,omitempty"`
}

// SliceMode says which part of a session the LLM sees.
type SliceMode string

// The slice modes.
const (
	SliceFirst     SliceMode = "FIRST"     // the earliest events (the server's default)
	SliceLast      SliceMode = "LAST"      // the latest events
	SliceTimestamp SliceMode = "TIMESTAMP" // events from StartTimestamp on
)

// SliceConfig trims the session to the part the LLM sees.
type SliceConfig struct {
	Mode SliceMode // "mode"
	// EventLimit keeps at most this many events when above 0, counted after
	// the event type filters. "event_limit"
	EventLimit int
	// DurationLimit keeps the events within this long of the start (or end).
	// Sent as whole milliseconds, "duration_limit_ms".
	DurationLimit time.Duration
	// StartTimestamp is where the limits apply from; SliceTimestamp needs it.
	// "start_timestamp", RFC 3339; zero = absent.
	StartTimestamp time.Time
	// EndTimestamp drops the events from this time on. "end_timestamp",
	// RFC 3339; zero = absent.
	EndTimestamp time.Time
}

type sliceWire struct {
	Mode           SliceMode  `json:"mode,omitempty"`
	EventLimit     flexInt    `json:"event_limit,omitempty"`
	DurationLimit  flexInt    `json:"duration_limit_ms,omitempty"`
	StartTimestamp *time.Time `json:"start_timestamp,omitempty"`
	EndTimestamp   *time.Time `json:"end_timestamp,omitempty"`
}

// MarshalJSON encodes the wire names, the duration in milliseconds and the
// timestamps in RFC 3339, leaving out zero values.
func (c SliceConfig) MarshalJSON() ([]byte, error) {
	w := sliceWire{Mode: c.Mode, EventLimit: flexInt(c.EventLimit), DurationLimit: flexInt(c.DurationLimit.Milliseconds())}
	if !c.StartTimestamp.IsZero() {
		t := c.StartTimestamp.UTC()
		w.StartTimestamp = &t
	}
	if !c.EndTimestamp.IsZero() {
		t := c.EndTimestamp.UTC()
		w.EndTimestamp = &t
	}
	return shared.MarshalJSON(w)
}

// UnmarshalJSON decodes the wire shape; duration_limit_ms and event_limit may
// be numbers or strings, as protobuf JSON allows. Like the rest of the
// response decoding it ignores unknown fields, also under a
// json.Decoder with DisallowUnknownFields.
func (c *SliceConfig) UnmarshalJSON(data []byte) error {
	var w sliceWire
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	if w.EventLimit > math.MaxInt32 || w.EventLimit < math.MinInt32 {
		return &ValidationError{Field: "slice.event_limit", Reason: fmt.Sprintf("%d is out of range: must be between 0 and 2147483647", w.EventLimit)}
	}
	if int64(w.DurationLimit) > math.MaxInt64/int64(time.Millisecond) || int64(w.DurationLimit) < math.MinInt64/int64(time.Millisecond) {
		return &ValidationError{Field: "slice.duration_limit_ms", Reason: fmt.Sprintf("%d is out of range", w.DurationLimit)}
	}
	*c = SliceConfig{Mode: w.Mode, EventLimit: int(w.EventLimit), DurationLimit: time.Duration(w.DurationLimit) * time.Millisecond}
	if w.StartTimestamp != nil {
		c.StartTimestamp = *w.StartTimestamp
	}
	if w.EndTimestamp != nil {
		c.EndTimestamp = *w.EndTimestamp
	}
	return nil
}

func (c *SliceConfig) validate() error {
	switch c.Mode {
	case "", SliceFirst, SliceLast, SliceTimestamp, "UNSPECIFIED":
	default:
		return &ValidationError{Field: "slice.mode", Reason: `must be "FIRST", "LAST" or "TIMESTAMP"`}
	}
	if c.Mode == SliceTimestamp && c.StartTimestamp.IsZero() {
		return &ValidationError{Field: "slice.start_timestamp", Reason: "is required with mode TIMESTAMP"}
	}
	if c.EventLimit < 0 || c.EventLimit > math.MaxInt32 {
		return &ValidationError{Field: "slice.event_limit", Reason: "must be between 0 and 2147483647"}
	}
	if c.DurationLimit < 0 {
		return &ValidationError{Field: "slice.duration_limit_ms", Reason: "must not be negative"}
	}
	if !c.StartTimestamp.IsZero() && !c.EndTimestamp.IsZero() && !c.EndTimestamp.After(c.StartTimestamp) {
		return &ValidationError{Field: "slice.end_timestamp", Reason: "must be after start_timestamp"}
	}
	return nil
}

// ContextElement is a kind of session metadata the LLM may see.
type ContextElement string

// The context elements.
const (
	ContextUser     ContextElement = "user"     // display name, email, user properties
	ContextOrg      ContextElement = "org"      // org name, industry, domain, country
	ContextLocation ContextElement = "location" // city, region, country
	ContextDevice   ContextElement = "device"   // browser, OS, screen size
)

// ContextConfig says which session metadata the LLM sees. With nothing set,
// it sees all of it. Include and Exclude take precedence over the flags.
type ContextConfig struct {
	Include            []ContextElement `json:"include,omitempty"`
	Exclude            []ContextElement `json:"exclude,omitempty"`
	ExcludeUserContext *bool            `json:"exclude_user_context,omitempty"`
	ExcludeOrgContext  *bool            `json:"exclude_org_context,omitempty"`
	ExcludeLocation    *bool            `json:"exclude_location,omitempty"`
	ExcludeDevice      *bool            `json:"exclude_device,omitempty"`
}

// EventType is a standard event type below, or the name of a custom event
// such as "Order Completed".
type EventType string

// The standard event types.
const (
	EventNavigate     EventType = "navigate"      // moving between pages
	EventClick        EventType = "click"         // clicks on elements
	EventDeadClick    EventType = "dead-click"    // clicks the UI did not answer
	EventErrorClick   EventType = "error-click"   // clicks that caused an error
	EventRageClick    EventType = "rage-click"    // rapid repeated clicks
	EventInputChange  EventType = "input-change"  // typing and selections
	EventNetworkError EventType = "network-error" // failed network requests
	EventConsoleError EventType = "console-error" // console errors
	EventMouseThrash  EventType = "mouse-thrash"  // erratic mouse movement
	EventHighlight    EventType = "highlight"     // text selection
	EventCopy         EventType = "copy"          // copying text
	EventPaste        EventType = "paste"         // pasting text
	EventElementSeen  EventType = "element-seen"  // an element came into view
)

// EventsConfig says which events the LLM sees and what it sees of them.
type EventsConfig struct {
	// IncludeTypes keeps only these types, when set.
	IncludeTypes []EventType `json:"include_types,omitempty"`
	// ExcludeTypes drops these types.
	ExcludeTypes []EventType `json:"exclude_types,omitempty"`
	// ExcludeDefinedEvents omits the labels of matched defined events.
	ExcludeDefinedEvents *bool `json:"exclude_defined_events,omitempty"`
	// ExcludeAPIEvents omits custom events sent through the API.
	ExcludeAPIEvents *bool `json:"exclude_api_events,omitempty"`
	// ExcludeEventTimestamps keeps events but drops their timestamps.
	ExcludeEventTimestamps *bool `json:"exclude_event_timestamps,omitempty"`
	// ExcludeSelectors keeps events but drops their CSS selectors.
	ExcludeSelectors *bool `json:"exclude_selectors,omitempty"`
	// IncludeSelectorTags keeps display-only tags (div, span) in selectors.
	IncludeSelectorTags *bool `json:"include_selector_tags,omitempty"`
	// IncludeTabIndex adds a 1-based tab index in multi-tab sessions.
	IncludeTabIndex *bool `json:"include_tab_index,omitempty"`
	// IncludeDescriptions adds page and element descriptions.
	IncludeDescriptions *bool `json:"include_descriptions,omitempty"`
	// TrimToLastNSelectors cuts selectors to their last N elements.
	TrimToLastNSelectors *int `json:"trim_to_last_n_selectors,omitempty"`
}
