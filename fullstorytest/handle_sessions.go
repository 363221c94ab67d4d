package fullstorytest

import (
	"cmp"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest/internal/summarygen"
	"github.com/summarykit/fullstory-go/fullstorytest/internal/wire"
	"github.com/summarykit/fullstory-go/internal/fields"
)

// defaultSessionLimit is how many sessions a list returns without a limit.
const defaultSessionLimit = 20

// listSessions answers GET /sessions/v2 (reference §4.10): the sessions of
// a uid or email (both: the union), newest first, in lowerCamelCase with
// createdTime as a string of unix seconds.
func (s *Server) listSessions(q url.Values) *response {
	uid, email := q.Get("uid"), q.Get("email")
	if uid == "" && email == "" {
		return badRequest(codeRequired, "uid or email is required")
	}
	found, resp := s.findSessions(q, uid, email, "")
	if resp != nil {
		return resp
	}
	out := wire.SessionList{Sessions: []wire.Session{}}
	for _, ss := range found {
		out.Sessions = append(out.Sessions, wire.Session{
			UserID: ss.UserID, SessionID: ss.SessionID,
			CreatedTime: strconv.FormatInt(ss.Created.Unix(), 10), FsURL: ss.AppURL,
		})
	}
	return jsonResponse(http.StatusOK, out)
}

// listSessionsV2 answers GET /v2/sessions (reference §4.11): the sessions
// of a uid or email (both: the union), or those with a session_uid, newest
// first, with the id as "userId:sessionId" and created_time in RFC 3339.
// session_uid goes alone: with uid or email it is refused.
func (s *Server) listSessionsV2(q url.Values) *response {
	uid, email, suid := q.Get("uid"), q.Get("email"), q.Get("session_uid")
	switch {
	case suid != "" && (uid != "" || email != ""):
		return badRequest(codeInvalid, "session_uid cannot be combined with uid or email: give session_uid alone, or uid or email")
	case uid == "" && email == "" && suid == "":
		return badRequest(codeRequired, "uid, email or session_uid is required")
	}
	found, resp := s.findSessions(q, uid, email, suid)
	if resp != nil {
		return resp
	}
	out := wire.SessionResults{Results: []wire.SessionResult{}}
	for _, ss := range found {
		out.Results = append(out.Results, wire.SessionResult{
			ID: ss.ID, AppURL: ss.AppURL, CreatedTime: ss.Created.UTC().Format(time.RFC3339),
		})
	}
	return jsonResponse(http.StatusOK, out)
}

// findSessions returns the sessions that match, newest first, at most the
// query's limit (default 20). A uid and a session uid match exactly; an
// email matches in any case ("Jane@Doe.com" finds jane@doe.com) but
// otherwise exactly: spaces are not trimmed. How the API matches is
// unverified.
func (s *Server) findSessions(q url.Values, uid, email, sessionUID string) ([]*summarygen.Session, *response) {
	limit := defaultSessionLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, badRequest(codeInvalid, "limit must be a whole number")
		}
		if n > 0 {
			limit = n
		}
	}
	s.mu.Lock()
	var found []*summarygen.Session
	for _, ss := range s.sessions {
		if (uid != "" && ss.UID == uid) || (email != "" && strings.EqualFold(ss.Email, email)) ||
			(sessionUID != "" && ss.SessionUID == sessionUID) {
			found = append(found, ss)
		}
	}
	s.mu.Unlock()
	slices.SortFunc(found, func(a, b *summarygen.Session) int {
		return cmp.Or(b.Created.Compare(a.Created), strings.Compare(a.SessionID, b.SessionID))
	})
	return found[:min(limit, len(found))], nil
}

// eventTimeLayout is RFC 3339 with milliseconds, as the API writes event times.
const eventTimeLayout = "2006-01-02T15:04:05.000Z07:00"

// events returns every event of a session, unsliced and unfiltered. Custom
// events have event_type "custom" and their name and properties in
// event_properties, as Fullstory's event schema has them.
func (s *Server) events(sess *summarygen.Session) *response {
	out := wire.EventList{Events: []wire.Event{}}
	view, page := 0, ""
	for _, e := range sess.Events {
		if e.URL != page || e.Type == fullstory.EventNavigate {
			view, page = view+1, e.URL
		}
		w := wire.Event{
			DeviceID:   sess.UserID,
			SessionID:  sess.SessionID,
			ViewID:     strconv.Itoa(view),
			EventTime:  e.Time.UTC().Format(eventTimeLayout),
			EventType:  string(e.Type),
			SourceType: "web",
		}
		if summarygen.IsCustom(e.Type) {
			w.EventType = "custom"
			props := maps.Clone(e.Properties)
			if props == nil {
				props = map[string]any{}
			}
			w.EventProperties = map[string]any{"name": string(e.Type), "properties": props}
		} else {
			w.EventProperties = standardProperties(e)
		}
		w.SourceProperties = &wire.SourceProperties{URL: eventURL(e.URL)}
		if d := sess.Device; d != nil {
			w.SourceProperties.UserAgent = &wire.UserAgent{Browser: d.Browser, OperatingSystem: d.OperatingSystem, Device: "Desktop"}
		}
		out.Events = append(out.Events, w)
	}
	return jsonResponse(http.StatusOK, out)
}

// standardProperties returns the event_properties of a standard event: its
// own properties, plus its target, text and page title under names of their
// own unless the event's properties have them.
func standardProperties(e summarygen.Event) map[string]any {
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

func eventURL(raw string) *wire.URL {
	u, err := url.Parse(raw)
	if err != nil || raw == "" {
		return nil
	}
	out := &wire.URL{FullURL: raw, Host: u.Host, Path: cmp.Or(u.Path, "/")}
	for k, vs := range u.Query() {
		if out.Query == nil {
			out.Query = map[string]wire.QueryValue{}
		}
		out.Query[k] = wire.QueryValue{Values: vs}
	}
	return out
}

// context returns the session data an LLM would see under the body's
// configuration.
func (s *Server) context(sess *summarygen.Session, body []byte) *response {
	var cfg wire.Config
	if resp := decodeBody(body, fields.Context, &cfg); resp != nil {
		return resp
	}
	if resp := validateConfig(&cfg); resp != nil {
		return resp
	}
	return jsonResponse(http.StatusOK, wire.ContextAnswer{ContextData: summarygen.Context(sess, &cfg)})
}

// summarize answers GET (q set) and POST (body set) summary requests: the
// profile, merged with the POST's overrides, selects the events, and
// summarygen writes the summary from them.
func (s *Server) summarize(sess *summarygen.Session, q url.Values, body []byte) *response {
	var (
		profileID string
		overrides *wire.Config
		req       summarygen.Request
	)
	if body == nil {
		profileID = q.Get("config_profile")
		if v := q.Get("end_timestamp"); v != "" {
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				return badRequest(codeInvalid, "end_timestamp must be an RFC 3339 date-time")
			}
			req.End = t
		}
	} else {
		var sr wire.SummaryRequest
		if resp := decodeBody(body, fields.Overrides, &sr); resp != nil {
			return resp
		}
		profileID, overrides = sr.ConfigProfile, &sr.Config
	}
	if profileID != "" {
		p := s.profile(profileID)
		if p == nil {
			return notFound("profile %q not found", profileID)
		}
		req.ProfileID, req.ProfileName, req.Config = profileID, p.profile.Name, p.profile.Config()
	}
	if overrides != nil {
		// Validated once merged: an override may lean on the profile, e.g.
		// mode TIMESTAMP on a profile that has the start_timestamp.
		merged, err := mergeConfig(req.Config, *overrides)
		if err != nil {
			return badRequest(codeInvalid, "merging the overrides onto the profile: %v", err)
		}
		if resp := validateConfig(&merged); resp != nil {
			return resp
		}
		req.Config, req.Overrides = merged, true
	}
	sum, err := summarygen.Summarize(sess, req)
	if err != nil {
		return errorResponse(http.StatusInternalServerError, "server_error", "encoding the response: %v", err)
	}
	s.activations.Add(1)
	return jsonResponse(http.StatusOK, sum)
}
