package fullstorytest

import (
	"cmp"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	fullstory "github.com/summarykit/fullstory-go"
)

// defaultSessionLimit is how many sessions a list returns without a limit.
const defaultSessionLimit = 20

// listSessions finds the sessions of a uid or email (both: the union),
// newest first.
func (s *Server) listSessions(q url.Values) *response {
	uid, email := q.Get("uid"), q.Get("email")
	if uid == "" && email == "" {
		return badRequest(codeRequired, "uid or email is required")
	}
	limit := defaultSessionLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return badRequest(codeInvalid, "limit must be a whole number")
		}
		if n > 0 {
			limit = n
		}
	}
	s.mu.Lock()
	var found []*storedSession
	for _, ss := range s.sessions {
		if (uid != "" && ss.UID == uid) || (email != "" && strings.EqualFold(ss.Email, email)) {
			found = append(found, ss)
		}
	}
	s.mu.Unlock()
	slices.SortFunc(found, func(a, b *storedSession) int {
		return cmp.Or(b.Created.Compare(a.Created), strings.Compare(a.SessionID, b.SessionID))
	})
	out := []fullstory.Session{}
	for _, ss := range found[:min(limit, len(found))] {
		out = append(out, fullstory.Session{UserID: ss.UserID, SessionID: ss.SessionID, CreatedTime: ss.Created, URL: ss.fsURL()})
	}
	return jsonResponse(http.StatusOK, map[string]any{"sessions": out})
}

// eventTimeLayout is RFC 3339 with milliseconds, as the API writes event times.
const eventTimeLayout = "2006-01-02T15:04:05.000Z07:00"

// eventWire is an event as the events endpoint returns it. It is not
// fullstory.Event because event_time always has milliseconds on the wire.
type eventWire struct {
	DeviceID         string                 `json:"device_id"`
	SessionID        string                 `json:"session_id"`
	ViewID           string                 `json:"view_id"`
	EventTime        string                 `json:"event_time"`
	EventType        fullstory.EventType    `json:"event_type"`
	EventProperties  map[string]any         `json:"event_properties,omitempty"`
	SourceType       string                 `json:"source_type"`
	SourceProperties *fullstory.EventSource `json:"source_properties,omitempty"`
}

// events returns every event of a session, unsliced and unfiltered. Custom
// events have event_type "custom" and their name and properties in
// event_properties, as Fullstory's event schema has them.
func (s *Server) events(sess *storedSession) *response {
	out := []eventWire{}
	view, page := 0, ""
	for _, e := range sess.Events {
		if e.URL != page || e.Type == fullstory.EventNavigate {
			view, page = view+1, e.URL
		}
		w := eventWire{
			DeviceID:   sess.UserID,
			SessionID:  sess.SessionID,
			ViewID:     strconv.Itoa(view),
			EventTime:  e.Time.UTC().Format(eventTimeLayout),
			EventType:  e.Type,
			SourceType: "web",
		}
		if isCustom(e.Type) {
			w.EventType = "custom"
			props := maps.Clone(e.Properties)
			if props == nil {
				props = map[string]any{}
			}
			w.EventProperties = map[string]any{"name": string(e.Type), "properties": props}
		} else {
			w.EventProperties = standardProperties(e)
		}
		w.SourceProperties = &fullstory.EventSource{URL: eventURL(e.URL)}
		if d := sess.Device; d != nil {
			w.SourceProperties.Browser = &fullstory.BrowserInfo{Name: d.Browser, OperatingSystem: d.OperatingSystem, Device: "Desktop"}
		}
		out = append(out, w)
	}
	return jsonResponse(http.StatusOK, map[string]any{"events": out})
}

// standardProperties returns the event_properties of a standard event: its
// own properties, plus its target, text and page title under names of their
// own unless the event's properties have them.
func standardProperties(e RecordedEvent) map[string]any {
	p := maps.Clone(e.Properties)
	if p == nil {
		p = map[string]any{}
	}
	add := func(k, v string) {
		if _, ok := p[k]; !ok && v != "" {
			p[k] = v
		}
	}
	add("target_selector", e.Target)
	switch e.Type {
	case fullstory.EventNetworkError, fullstory.EventConsoleError:
		add("message", e.Text)
	case fullstory.EventNavigate:
		add("page_title", e.Title)
	default:
		add("target_text", e.Text)
	}
	if len(p) == 0 {
		return nil
	}
	return p
}

func eventURL(raw string) *fullstory.EventURL {
	u, err := url.Parse(raw)
	if err != nil || raw == "" {
		return nil
	}
	out := &fullstory.EventURL{FullURL: raw, Host: u.Host, Path: cmp.Or(u.Path, "/")}
	for k, vs := range u.Query() {
		if out.Query == nil {
			out.Query = map[string]fullstory.QueryValue{}
		}
		out.Query[k] = fullstory.QueryValue{Values: vs}
	}
	return out
}

// context returns the session data an LLM would see under the body's
// configuration: the included context elements and the selected events,
// grouped by page.
func (s *Server) context(sess *storedSession, body []byte) *response {
	var probe struct {
		LLM json.RawMessage `json:"llm"`
	}
	if resp := decodeBody(body, &probe); resp != nil {
		return resp
	}
	if len(probe.LLM) > 0 && string(probe.LLM) != "null" {
		return badRequest(codeInvalid, "llm is not allowed in a context request: no LLM is involved")
	}
	var cfg fullstory.ProfileConfig
	if resp := decodeBody(body, &cfg); resp != nil {
		return resp
	}
	if resp := validateConfig(&cfg); resp != nil {
		return resp
	}
	data := fullstory.SessionContext{Context: staticContext(sess, cfg.Context), Pages: []fullstory.ContextPage{}}
	render := newRenderer(cfg.Events)
	for _, e := range selectEvents(sess, &cfg, time.Time{}) {
		if n := len(data.Pages); n == 0 || data.Pages[n-1].URL != e.URL || e.Type == fullstory.EventNavigate {
			page := fullstory.ContextPage{URL: e.URL, Title: e.Title, Events: []fullstory.ContextEvent{}}
			if isTrue(eventsConfig(cfg.Events).IncludeTabIndex) {
				page.Tab = 1
			}
			data.Pages = append(data.Pages, page)
		}
		page := &data.Pages[len(data.Pages)-1]
		page.Events = append(page.Events, render.contextEvent(e))
	}
	return jsonResponse(http.StatusOK, map[string]any{"context_data": data})
}

// eventsConfig returns c, or an empty configuration for nil.
func eventsConfig(c *fullstory.EventsConfig) *fullstory.EventsConfig {
	if c == nil {
		return &fullstory.EventsConfig{}
	}
	return c
}

// staticContext returns what is known of the session as a whole, without
// the elements cx leaves out.
func staticContext(sess *storedSession, cx *fullstory.ContextConfig) fullstory.StaticContext {
	sc := fullstory.StaticContext{SessionID: sess.id.String(), SessionURL: sess.fsURL(), SessionCreatedAt: sess.Created}
	if contextIncluded(cx, fullstory.ContextUser) && (sess.UID != "" || sess.DisplayName != "" || sess.Email != "" || len(sess.UserProperties) > 0) {
		sc.User = &fullstory.UserContext{UserUID: sess.UID, DisplayName: sess.DisplayName, Email: sess.Email, Properties: maps.Clone(sess.UserProperties)}
	}
	if contextIncluded(cx, fullstory.ContextOrg) {
		sc.Org = clonePtr(sess.Org)
	}
	if contextIncluded(cx, fullstory.ContextLocation) {
		sc.Location = clonePtr(sess.Location)
	}
	if contextIncluded(cx, fullstory.ContextDevice) {
		sc.Device = clonePtr(sess.Device)
	}
	return sc
}
