// Package summarygen writes the fake's summaries and session context: by
// fixed rules, from the events that a profile configuration selects. The
// fake's handlers decode a request, then call Summarize or Context.
package summarygen

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"time"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest/internal/wire"
	"github.com/summarykit/fullstory-go/internal/rules"
)

// Session is a recorded session, complete: every event has its time, type
// and page. It is never changed once made.
type Session struct {
	ID             string // "userId:sessionId"
	UserID         string
	SessionID      string
	UID            string
	Email          string
	SessionUID     string // the uid the customer's site set for the session
	DisplayName    string
	UserProperties map[string]any
	Created        time.Time
	AppURL         string // the session's address in the Fullstory app
	Location       *fullstory.LocationContext
	Device         *fullstory.DeviceContext
	Org            *fullstory.OrgContext
	Events         []Event
}

// Event is one event of a Session; see fullstorytest.RecordedEvent, which
// converts to it.
type Event struct {
	Time       time.Time
	Type       fullstory.EventType
	URL        string
	Title      string
	Target     string
	Text       string
	Properties map[string]any
}

// Request says what a summary is asked for with.
type Request struct {
	ProfileID   string      // "" for no profile
	ProfileName string      // the profile's name, if any
	Overrides   bool        // the request's body was merged onto the profile
	End         time.Time   // the GET's end_timestamp; zero: none
	Config      wire.Config // the profile with the overrides merged on
}

// Summarize writes the summary of sess that req asks for: its text and,
// with a response schema, a structured response that satisfies it.
func Summarize(sess *Session, req Request) (wire.Summary, error) {
	cfg := &req.Config
	r := newRenderer(cfg.Events)
	f := gatherFacts(sess, selectEvents(sess, cfg, req.End), cfg, r)
	w := summaryWriter{cfg: cfg, f: f, r: r, end: req.End}
	switch {
	case req.ProfileID == "" && *cfg == (wire.Config{}):
		w.header = fmt.Sprintf("Generic synopsis of session %s (no prompt profile)", sess.ID)
	case req.ProfileID != "":
		w.header = fmt.Sprintf("Summary of session %s with the prompt profile %s", sess.ID, req.ProfileID)
		if req.ProfileName != "" {
			w.header = fmt.Sprintf("Summary of session %s with the prompt profile %q (%s)", sess.ID, req.ProfileName, req.ProfileID)
		}
		if req.Overrides {
			w.header += " and the request's overrides"
		}
	default:
		w.header = fmt.Sprintf("Summary of session %s with the request's ad-hoc profile", sess.ID)
	}
	sum := wire.Summary{Summary: w.text()}
	if cfg.LLM != nil && cfg.LLM.ResponseSchema != nil {
		raw, err := json.Marshal(fill(cfg.LLM.ResponseSchema, "", f, 0))
		if err != nil {
			return wire.Summary{}, err
		}
		sum.Response, sum.ResponseSchema = raw, cfg.LLM.ResponseSchema
	}
	return sum, nil
}

// Context returns the session data an LLM would see under cfg: the
// included context elements and the selected events, grouped by page.
func Context(sess *Session, cfg *wire.Config) wire.ContextData {
	data := wire.ContextData{Context: staticContext(sess, cfg.Context), Pages: []wire.Page{}}
	render := newRenderer(cfg.Events)
	tabs := isTrue(eventsConfig(cfg.Events).IncludeTabIndex)
	for _, e := range selectEvents(sess, cfg, time.Time{}) {
		if n := len(data.Pages); n == 0 || data.Pages[n-1].URL != e.URL || e.Type == fullstory.EventNavigate {
			page := wire.Page{URL: e.URL, Title: e.Title, Events: []wire.ContextEvent{}}
			if tabs {
				page.Tab = 1
			}
			data.Pages = append(data.Pages, page)
		}
		page := &data.Pages[len(data.Pages)-1]
		page.Events = append(page.Events, render.contextEvent(e))
	}
	return data
}

// IsCustom reports whether t is the name of a custom event rather than one
// of the documented event types.
func IsCustom(t fullstory.EventType) bool {
	switch t {
	case fullstory.EventNavigate, fullstory.EventClick, fullstory.EventDeadClick, fullstory.EventErrorClick,
		fullstory.EventRageClick, fullstory.EventInputChange, fullstory.EventNetworkError,
		fullstory.EventConsoleError, fullstory.EventMouseThrash, fullstory.EventHighlight,
		fullstory.EventCopy, fullstory.EventPaste, fullstory.EventElementSeen:
		return false
	}
	return true
}

// maxSchemaDepth is how deep the structured response follows a schema.
const maxSchemaDepth = rules.MaxSchemaDepth

// pagePath returns the path of an event's page, "/" for the root.
func pagePath(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Path == "" {
		return "/"
	}
	return u.Path
}

// eventsConfig returns c, or an empty configuration for nil.
func eventsConfig(c *wire.Events) *wire.Events {
	if c == nil {
		return &wire.Events{}
	}
	return c
}

func isTrue(b *bool) bool { return b != nil && *b }

// timestamp writes t as the API writes date-times.
func timestamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// staticContext returns what is known of the session as a whole, without
// the elements cx leaves out.
func staticContext(sess *Session, cx *wire.Context) wire.StaticContext {
	sc := wire.StaticContext{SessionID: sess.ID, SessionURL: sess.AppURL, SessionCreatedAt: timestamp(sess.Created)}
	if contextIncluded(cx, fullstory.ContextUser) && (sess.UID != "" || sess.DisplayName != "" || sess.Email != "" || len(sess.UserProperties) > 0) {
		sc.UserContext = &wire.UserContext{UserUID: sess.UID, DisplayName: sess.DisplayName, Email: sess.Email, Properties: maps.Clone(sess.UserProperties)}
	}
	if o := sess.Org; o != nil && contextIncluded(cx, fullstory.ContextOrg) {
		sc.OrgContext = &wire.OrgContext{OrgID: o.OrgID, Name: o.Name, Industry: o.Industry, Domain: o.Domain, Country: o.Country}
	}
	if l := sess.Location; l != nil && contextIncluded(cx, fullstory.ContextLocation) {
		sc.LocationContext = &wire.LocationContext{Country: l.Country, Region: l.Region, City: l.City}
	}
	if d := sess.Device; d != nil && contextIncluded(cx, fullstory.ContextDevice) {
		sc.DeviceContext = &wire.DeviceContext{Browser: d.Browser, OperatingSystem: d.OperatingSystem,
			ScreenSize: size(d.ScreenSize), ViewportSize: size(d.ViewportSize)}
	}
	return sc
}

func size(s *fullstory.ScreenSize) *wire.Size {
	if s == nil {
		return nil
	}
	return &wire.Size{HeightPixels: s.HeightPixels, WidthPixels: s.WidthPixels}
}
