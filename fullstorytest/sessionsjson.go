package fullstorytest

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/internal/fields"
)

// ReadSessions reads sessions written as JSON, for WithSessions: the
// format of `fullstory fake --sessions FILE` and of the control endpoint
// POST /_fake/sessions, which tools in any language write. It is one object
// with a list of sessions, each with RecordedSession's fields in snake_case
// (lowerCamelCase is taken too), all optional:
//
//	{"sessions": [{
//	  "user_id": "6973903723107198876", "session_id": "5156932900183134039",
//	  "uid": "jane-doe", "email": "jane@doe.com", "session_uid": "order-1042",
//	  "display_name": "Jane Doe", "user_properties": {"plan": "pro"},
//	  "created": "2025-06-26T22:21:54Z",
//	  "location": {"city": "Austin", "region": "Texas", "country": "United States"},
//	  "device": {"browser": "Chrome", "operating_system": "macOS",
//	    "screen_size": {"width_pixels": 1512, "height_pixels": 982},
//	    "viewport_size": {"width_pixels": 1512, "height_pixels": 860}},
//	  "org": {"org_id": "acme", "name": "Acme Corp", "industry": "Software", "domain": "acme.example", "country": "US"},
//	  "events": [
//	    {"time": "2025-06-26T22:21:54Z", "type": "navigate", "url": "/pricing", "title": "Pricing"},
//	    {"type": "click", "target": "button#buy", "text": "Buy"},
//	    {"type": "Order Completed", "properties": {"total_usd": 90}}
//	  ]}]}
//
// Times are RFC 3339. The defaults are RecordedSession's and
// RecordedEvent's: an empty user_id or session_id gets a new one, an event
// without a time comes a second after the one before it, and so on. A name
// that is not one of these, a value of the wrong kind, or an id the client
// could not send is an error that says where it is (line and column) and,
// for a misspelt name, which one was probably meant.
func ReadSessions(r io.Reader) ([]RecordedSession, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	canon, err := fields.Canonical(data, sessionsFile)
	if err != nil {
		return nil, err
	}
	var file struct {
		Sessions []sessionJSON `json:"sessions"`
	}
	if err := json.Unmarshal(canon, &file); err != nil {
		return nil, fmt.Errorf("reading the sessions: %w", err)
	}
	out := make([]RecordedSession, len(file.Sessions))
	for i, sj := range file.Sessions {
		out[i] = sj.recorded()
		if err := out[i].check(); err != nil {
			return nil, fmt.Errorf("sessions[%d]: %w", i, err)
		}
	}
	return out, nil
}

// WithSessions adds sessions when the server starts, after the demo data
// (if any), and again on every Reset; see ReadSessions for their JSON. Like
// AddSession, it panics on an id the client would refuse to send.
func WithSessions(sessions ...RecordedSession) ServerOption {
	for _, sess := range sessions {
		if err := sess.check(); err != nil {
			panic("fullstorytest: WithSessions: " + err.Error())
		}
	}
	sessions = append([]RecordedSession(nil), sessions...)
	return func(s *Server) { s.seeds = append(s.seeds, sessions...) }
}

// sessionsFile is the table of the names ReadSessions takes.
var sessionsFile = func() *fields.Object {
	str := func(names ...string) []fields.Field {
		out := make([]fields.Field, len(names))
		for i, n := range names {
			out[i] = fields.Field{Name: n, Kind: fields.KindString}
		}
		return out
	}
	size := &fields.Object{Name: "a size", Fields: []fields.Field{
		{Name: "width_pixels", Kind: fields.KindInteger}, {Name: "height_pixels", Kind: fields.KindInteger}}}
	event := &fields.Object{Name: "an event", Fields: append(str("type", "url", "title", "target", "text"),
		fields.Field{Name: "time", Kind: fields.KindTimestamp},
		fields.Field{Name: "properties", Kind: fields.KindAnyObject})}
	session := &fields.Object{Name: "a session", Fields: append(str("user_id", "session_id", "uid", "email", "session_uid", "display_name"),
		fields.Field{Name: "user_properties", Kind: fields.KindAnyObject},
		fields.Field{Name: "created", Kind: fields.KindTimestamp},
		fields.Field{Name: "location", Kind: fields.KindObject, Object: &fields.Object{Fields: str("city", "region", "country")}},
		fields.Field{Name: "device", Kind: fields.KindObject, Object: &fields.Object{Fields: append(str("browser", "operating_system"),
			fields.Field{Name: "screen_size", Kind: fields.KindObject, Object: size},
			fields.Field{Name: "viewport_size", Kind: fields.KindObject, Object: size})}},
		fields.Field{Name: "org", Kind: fields.KindObject, Object: &fields.Object{Fields: str("org_id", "name", "industry", "domain", "country")}},
		fields.Field{Name: "events", Kind: fields.KindObjects, Object: event},
	)}
	return &fields.Object{Name: "a sessions file", Fields: []fields.Field{{Name: "sessions", Kind: fields.KindObjects, Object: session}}}
}()

// sessionJSON is a session as ReadSessions reads it.
type sessionJSON struct {
	UserID         string         `json:"user_id"`
	SessionID      string         `json:"session_id"`
	UID            string         `json:"uid"`
	Email          string         `json:"email"`
	SessionUID     string         `json:"session_uid"`
	DisplayName    string         `json:"display_name"`
	UserProperties map[string]any `json:"user_properties"`
	Created        *time.Time     `json:"created"`
	Location       *struct {
		City    string `json:"city"`
		Region  string `json:"region"`
		Country string `json:"country"`
	} `json:"location"`
	Device *struct {
		Browser         string    `json:"browser"`
		OperatingSystem string    `json:"operating_system"`
		ScreenSize      *sizeJSON `json:"screen_size"`
		ViewportSize    *sizeJSON `json:"viewport_size"`
	} `json:"device"`
	Org *struct {
		OrgID    string `json:"org_id"`
		Name     string `json:"name"`
		Industry string `json:"industry"`
		Domain   string `json:"domain"`
		Country  string `json:"country"`
	} `json:"org"`
	Events []struct {
		Time       *time.Time     `json:"time"`
		Type       string         `json:"type"`
		URL        string         `json:"url"`
		Title      string         `json:"title"`
		Target     string         `json:"target"`
		Text       string         `json:"text"`
		Properties map[string]any `json:"properties"`
	} `json:"events"`
}

// sizeJSON is a screen or viewport size; the table lets its values be
// numbers or strings of digits.
type sizeJSON struct {
	Width  json.Number `json:"width_pixels"`
	Height json.Number `json:"height_pixels"`
}

func (sz *sizeJSON) recorded() *fullstory.ScreenSize {
	if sz == nil {
		return nil
	}
	w, _ := sz.Width.Int64()
	h, _ := sz.Height.Int64()
	return &fullstory.ScreenSize{WidthPixels: int(w), HeightPixels: int(h)}
}

func (sj *sessionJSON) recorded() RecordedSession {
	rs := RecordedSession{
		UserID: sj.UserID, SessionID: sj.SessionID, UID: sj.UID, Email: sj.Email, SessionUID: sj.SessionUID,
		DisplayName: sj.DisplayName, UserProperties: sj.UserProperties,
	}
	if sj.Created != nil {
		rs.Created = *sj.Created
	}
	if l := sj.Location; l != nil {
		rs.Location = &fullstory.LocationContext{City: l.City, Region: l.Region, Country: l.Country}
	}
	if d := sj.Device; d != nil {
		rs.Device = &fullstory.DeviceContext{Browser: d.Browser, OperatingSystem: d.OperatingSystem,
			ScreenSize: d.ScreenSize.recorded(), ViewportSize: d.ViewportSize.recorded()}
	}
	if o := sj.Org; o != nil {
		rs.Org = &fullstory.OrgContext{OrgID: o.OrgID, Name: o.Name, Industry: o.Industry, Domain: o.Domain, Country: o.Country}
	}
	for _, e := range sj.Events {
		re := RecordedEvent{Type: fullstory.EventType(e.Type), URL: e.URL, Title: e.Title, Target: e.Target, Text: e.Text, Properties: e.Properties}
		if e.Time != nil {
			re.Time = *e.Time
		}
		rs.Events = append(rs.Events, re)
	}
	return rs
}
