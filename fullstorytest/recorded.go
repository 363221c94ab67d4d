package fullstorytest

import (
	"fmt"
	"hash/fnv"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest/internal/summarygen"
	"github.com/summarykit/fullstory-go/internal/shared"
)

// RecordedSession is a recorded session to add to a Server with AddSession. Only
// Events matter for summaries; the rest is what lists and context show.
type RecordedSession struct {
	// UserID is Fullstory's id of the user's device, the first half of the
	// session id. Empty: the UserID of an earlier session with the same UID
	// or Email, or a new 19-digit id.
	UserID string
	// SessionID is the second half of the session id. Empty: a new 19-digit id.
	SessionID string
	// UID and Email find the user's sessions in Sessions.List (GET
	// /sessions/v2 and GET /v2/sessions with uid or email).
	UID   string
	Email string
	// SessionUID is the uid the customer's site set for the session, which
	// GET /v2/sessions?session_uid= finds it by. Several sessions may share
	// one; each is listed.
	SessionUID string
	// DisplayName and UserProperties are the user context.
	DisplayName    string
	UserProperties map[string]any
	// Created is when the session started. Zero: the first event's time.
	Created  time.Time
	Location *fullstory.LocationContext
	Device   *fullstory.DeviceContext
	Org      *fullstory.OrgContext
	Events   []RecordedEvent
}

// RecordedEvent is one event of a RecordedSession.
type RecordedEvent struct {
	// Time is when it happened. Zero: a second after the previous event, or
	// Created for the first.
	Time time.Time
	// Type is a standard type such as fullstory.EventClick, or the name of a
	// custom event such as "Order Completed". Empty: fullstory.EventNavigate.
	Type fullstory.EventType
	// URL is the page, absolute or a path (then on https://www.example.com).
	// Empty: the previous event's page.
	URL string
	// Title is the page's title. Empty: the previous event's, on the same page.
	Title string
	// Target is the CSS selector of the element, e.g. "button#pay-now".
	Target string
	// Text is the element's text, the value typed, or an error's message.
	Text string
	// Properties are the event's properties, e.g. a custom event's.
	Properties map[string]any
}

// defaultCreated is the start of a session that has no times at all.
func defaultCreated() time.Time { return time.Date(2025, time.June, 1, 12, 0, 0, 0, time.UTC) }

// AddSession adds a session (or replaces one with the same id) and returns
// its id. The server keeps a copy of sess, with the defaults described on
// RecordedSession and RecordedEvent filled in. Like a test helper, it
// panics on an id the client would refuse to send: a UserID or SessionID
// with ':', '!', '/', '?', '#', '%', a space or a control character.
func (s *Server) AddSession(sess RecordedSession) fullstory.SessionID {
	if err := sess.check(); err != nil {
		panic("fullstorytest: AddSession: " + err.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addLocked(sess)
}

// check refuses the ids the client would refuse to send.
func (sess *RecordedSession) check() error {
	for _, part := range [...]struct{ name, v string }{{"UserID", sess.UserID}, {"SessionID", sess.SessionID}} {
		if part.v != "" && !validIDPart(part.v) {
			return fmt.Errorf("%s %q has a ':', '!', '/', '?', '#', '%%', space or control character, so the client cannot send it", part.name, part.v)
		}
	}
	return nil
}

// addLocked adds a checked session; s.mu is held.
func (s *Server) addLocked(sess RecordedSession) fullstory.SessionID {
	if sess.UserID == "" {
		sess.UserID = s.userIDFor(sess.UID, sess.Email)
	}
	if sess.SessionID == "" {
		sess.SessionID = s.newSessionID(sess.UserID)
	}
	events := completeEvents(sess.Created, sess.Events)
	if sess.Created.IsZero() {
		sess.Created = defaultCreated()
		if len(events) > 0 {
			sess.Created = events[0].Time
		}
	}
	id := fullstory.NewSessionID(sess.UserID, sess.SessionID)
	s.sessions[id] = &summarygen.Session{
		ID: id.String(), UserID: sess.UserID, SessionID: sess.SessionID,
		UID: sess.UID, Email: sess.Email, SessionUID: sess.SessionUID, DisplayName: sess.DisplayName,
		UserProperties: maps.Clone(sess.UserProperties), Created: sess.Created,
		AppURL:   "https://app.fullstory.com/ui/FAKE/session/" + id.String(),
		Location: shared.ClonePtr(sess.Location), Device: shared.ClonePtr(sess.Device), Org: shared.ClonePtr(sess.Org),
		Events: events,
	}
	return id
}

// newSessionID returns a 19-digit session id that user has no session
// with yet; s.mu is held.
func (s *Server) newSessionID(user string) string {
	for {
		s.nextSeq++
		id := numericID(fmt.Sprintf("session %s #%d", user, s.nextSeq))
		if s.sessions[fullstory.NewSessionID(user, id)] == nil {
			return id
		}
	}
}

// validIDPart reports whether v can be half of a fullstory.SessionID, by
// the library's own rules: a SessionID that ParseSessionID reads back as it is.
func validIDPart(v string) bool {
	id := fullstory.NewSessionID(v, v)
	parsed, err := fullstory.ParseSessionID(id.String())
	return err == nil && parsed == id
}

// userIDFor returns the UserID of an earlier session of the same user, or
// a new one derived from uid and email. s.mu is held.
func (s *Server) userIDFor(uid, email string) string {
	for _, prev := range s.sessions {
		if (uid != "" && prev.UID == uid) || (email != "" && strings.EqualFold(prev.Email, email)) {
			return prev.UserID
		}
	}
	if uid == "" && email == "" {
		s.nextSeq++
		return numericID(fmt.Sprintf("anonymous #%d", s.nextSeq))
	}
	return numericID("user " + uid + " " + strings.ToLower(email))
}

// numericID returns a 19-digit decimal id derived from seed, like
// Fullstory's.
func numericID(seed string) string {
	h := fnv.New64a()
	h.Write([]byte(seed))
	return fmt.Sprint(1_000_000_000_000_000_000 + h.Sum64()%8_000_000_000_000_000_000)
}

// completeEvents copies events with their times, types, pages and titles
// filled in, in time order.
func completeEvents(created time.Time, events []RecordedEvent) []summarygen.Event {
	out := make([]summarygen.Event, len(events))
	prev := RecordedEvent{Time: created}
	if created.IsZero() {
		prev.Time = defaultCreated().Add(-time.Second)
	}
	for i, e := range events {
		switch {
		case !e.Time.IsZero():
			e.Time = e.Time.UTC()
		case i == 0 && !created.IsZero():
			e.Time = created.UTC()
		default:
			e.Time = prev.Time.Add(time.Second).UTC()
		}
		if e.Type == "" {
			e.Type = fullstory.EventNavigate
		}
		if e.URL == "" {
			e.URL = prev.URL
		} else {
			e.URL = absoluteURL(e.URL)
		}
		if e.Title == "" && e.URL == prev.URL {
			e.Title = prev.Title
		}
		e.Properties = maps.Clone(e.Properties)
		out[i] = summarygen.Event(e)
		prev = e
	}
	slices.SortStableFunc(out, func(a, b summarygen.Event) int { return a.Time.Compare(b.Time) })
	return out
}

// absoluteURL puts a bare path on https://www.example.com.
func absoluteURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host != "" {
		return raw
	}
	return "https://www.example.com/" + strings.TrimPrefix(raw, "/")
}

// SeedSessions adds n distinct sessions of the user with this email, for
// benchmarks and load tests that must not summarize one session over and
// over, and returns their ids, newest first, as Sessions.List returns them.
// Each is a short visit of its own: an event page that differs from the
// next session's, a ticket added to the cart, and then either an order or a
// failed payment with a rage click. Their UserID is the user's (an earlier
// session's with the same email, or a new one) and their SessionIDs are
// new. Adding 5,000 takes some tens of milliseconds. Like AddSession's
// sessions, they are gone after Reset.
func (s *Server) SeedSessions(email string, n int) []fullstory.SessionID {
	if n <= 0 {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	user := s.userIDFor("", email)
	ids := make([]fullstory.SessionID, n)
	for i := range n {
		ids[i] = s.addLocked(RecordedSession{
			UserID:    user,
			SessionID: s.newSessionID(user),
			Email:     email,
			Created:   seedStart.Add(-time.Duration(i) * time.Minute),
			Events:    seedEvents(i),
		})
	}
	return ids
}

// seedStart is when the newest session of SeedSessions starts.
var seedStart = time.Date(2025, time.July, 1, 12, 0, 0, 0, time.UTC)

// seedEvents are the events of the i-th session of SeedSessions.
func seedEvents(i int) []RecordedEvent {
	page := fmt.Sprintf("/events/%d", 1000+i)
	title := fmt.Sprintf("Concert #%d", 1000+i)
	events := []RecordedEvent{
		{URL: "/", Title: "Tickets"},
		{URL: page, Title: title},
		{Type: fullstory.EventClick, Target: "button#add-to-cart", Text: "Add to cart"},
		{Type: "Added to Cart", Properties: map[string]any{"event_name": title, "quantity": 1 + i%4}},
		{URL: "/checkout", Title: "Checkout"},
	}
	if i%3 == 2 {
		return append(events,
			RecordedEvent{Type: fullstory.EventNetworkError, Text: "POST /api/payments returned 502"},
			RecordedEvent{Type: fullstory.EventRageClick, Target: "button#pay-now", Text: "Pay now"})
	}
	return append(events,
		RecordedEvent{Type: fullstory.EventClick, Target: "button#pay-now", Text: "Pay now"},
		RecordedEvent{Type: "Order Completed", Properties: map[string]any{"event_name": title, "total_usd": 45 * (1 + i%4)}})
}
