package fullstory

import (
	"encoding/json"
	"time"
)

// Event is one raw event of a session, as Sessions.Events returns it.
type Event struct {
	DeviceID   string         `json:"device_id"`
	SessionID  string         `json:"session_id"`
	ViewID     string         `json:"view_id,omitempty"`
	Time       time.Time      `json:"event_time"`
	Type       EventType      `json:"event_type"`
	Properties map[string]any `json:"event_properties,omitempty"` // varies by Type
	SourceType string         `json:"source_type,omitempty"`      // "web", "ios", "android" or "server"
	Source     *EventSource   `json:"source_properties,omitempty"`
}

// UnmarshalJSON keeps the ids as strings even when they arrive as numbers.
func (e *Event) UnmarshalJSON(data []byte) error {
	type plain Event
	var w struct {
		plain
		DeviceID  flexString `json:"device_id"`
		SessionID flexString `json:"session_id"`
		ViewID    flexString `json:"view_id"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*e = Event(w.plain)
	e.DeviceID, e.SessionID, e.ViewID = string(w.DeviceID), string(w.SessionID), string(w.ViewID)
	return nil
}

// EventSource is where an event came from.
type EventSource struct {
	Browser         *BrowserInfo `json:"user_agent,omitempty"`
	URL             *EventURL    `json:"url,omitempty"`
	InitialReferrer string       `json:"initial_referrer,omitempty"`
}

// BrowserInfo describes the browser or app of an event.
type BrowserInfo struct {
	Raw             string `json:"raw_user_agent,omitempty"`
	Device          string `json:"device,omitempty"`
	OperatingSystem string `json:"operating_system,omitempty"`
	Name            string `json:"browser,omitempty"`
	Version         string `json:"browser_version,omitempty"`
}

// EventURL is the page an event happened on.
type EventURL struct {
	FullURL string                `json:"full_url,omitempty"`
	Host    string                `json:"host,omitempty"`
	Path    string                `json:"path,omitempty"`
	Query   map[string]QueryValue `json:"query,omitempty"`
}

// QueryValue holds the values of one query parameter of an EventURL.
type QueryValue struct {
	Values []string `json:"values"`
}

// SessionContext is the session data an LLM would see, as Sessions.Context
// returns it: static context and the pages with their events.
type SessionContext struct {
	Context StaticContext `json:"context"`
	Pages   []ContextPage `json:"pages"`
}

// StaticContext is what is known of a session as a whole.
type StaticContext struct {
	SessionID        string           `json:"session_id,omitempty"`
	SessionURL       string           `json:"session_url,omitempty"`
	SessionCreatedAt time.Time        `json:"session_created_at,omitzero"`
	Org              *OrgContext      `json:"org_context,omitempty"`
	User             *UserContext     `json:"user_context,omitempty"`
	Location         *LocationContext `json:"location_context,omitempty"`
	Device           *DeviceContext   `json:"device_context,omitempty"`
}

// OrgContext describes the organization of the session's user.
type OrgContext struct {
	OrgID    string `json:"org_id,omitempty"`
	Name     string `json:"name,omitempty"`
	Industry string `json:"industry,omitempty"`
	Domain   string `json:"domain,omitempty"`
	Country  string `json:"country,omitempty"`
}

// UserContext describes the session's user.
type UserContext struct {
	UserUID     string         `json:"user_uid,omitempty"`
	DisplayName string         `json:"display_name,omitempty"`
	Email       string         `json:"email,omitempty"`
	Properties  map[string]any `json:"properties,omitempty"`
}

// LocationContext is where the session's user was.
type LocationContext struct {
	Country string `json:"country,omitempty"`
	Region  string `json:"region,omitempty"`
	City    string `json:"city,omitempty"`
}

// DeviceContext describes the device of the session.
type DeviceContext struct {
	Browser         string      `json:"browser,omitempty"`
	OperatingSystem string      `json:"operating_system,omitempty"`
	ScreenSize      *ScreenSize `json:"screen_size,omitempty"`
	ViewportSize    *ScreenSize `json:"viewport_size,omitempty"`
}

// ScreenSize is a size in pixels.
type ScreenSize struct {
	HeightPixels int `json:"height_pixels"`
	WidthPixels  int `json:"width_pixels"`
}

// ContextPage is one page of a session with its events.
type ContextPage struct {
	URL    string         `json:"url,omitempty"`
	Title  string         `json:"title,omitempty"`
	Tab    int            `json:"tab,omitempty"` // 1-based, web only
	Events []ContextEvent `json:"events"`
}

// ContextEvent is one event on a ContextPage.
type ContextEvent struct {
	Type          EventType      `json:"type"`
	Description   string         `json:"description,omitempty"`
	Timestamp     time.Time      `json:"timestamp,omitzero"`
	ScreenshotURL string         `json:"screenshot_url,omitempty"`
	Content       string         `json:"content,omitempty"`
	Properties    map[string]any `json:"properties,omitempty"`
}
