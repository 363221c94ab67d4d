package fullstorytest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest"
)

func TestListSessions(t *testing.T) {
	srv := newServer(t)
	c := srv.Client()
	ctx := t.Context()

	byEmail, err := c.Sessions.List(ctx, &fullstory.ListSessionsOptions{Email: fullstorytest.DemoEmail})
	require.NoError(t, err)
	require.Len(t, byEmail, 4)
	wantOrder := []fullstory.SessionID{fullstorytest.DemoCheckoutSession, fullstorytest.DemoSupportSession, fullstorytest.DemoSalesSession, fullstorytest.DemoPurchaseSession}
	for i, s := range byEmail {
		assert.Equal(t, wantOrder[i], s.ID(), "newest first")
		assert.Equal(t, fullstorytest.DemoUserID, s.UserID)
		assert.Len(t, s.UserID, 19)
		assert.Equal(t, "https://app.fullstory.com/ui/FAKE/session/"+s.ID().String(), s.URL)
		if i > 0 {
			assert.True(t, s.CreatedTime.Before(byEmail[i-1].CreatedTime))
		}
	}
	assert.Equal(t, time.Unix(1750978914, 0).UTC(), byEmail[0].CreatedTime)

	byUID, err := c.Sessions.List(ctx, &fullstory.ListSessionsOptions{UID: fullstorytest.DemoUID, Limit: 2})
	require.NoError(t, err)
	assert.Equal(t, byEmail[:2], byUID)

	none, err := c.Sessions.List(ctx, &fullstory.ListSessionsOptions{Email: "nobody@example.com"})
	require.NoError(t, err)
	assert.Empty(t, none)

	// The wire shape: camelCase, createdTime as a string of unix seconds.
	resp := raw(t, srv, "GET", "/sessions/v2?email=jane%40doe.com&limit=1", "")
	require.Equal(t, http.StatusOK, resp.Status)
	assert.JSONEq(t, `{"sessions":[{"userId":"6973903723107198876","sessionId":"5156932900183134039","createdTime":"1750978914",
		"fsUrl":"https://app.fullstory.com/ui/FAKE/session/6973903723107198876:5156932900183134039"}]}`, string(resp.Body))

	resp = raw(t, srv, "GET", "/sessions/v2?limit=5", "")
	assert.Equal(t, http.StatusBadRequest, resp.Status)
	assert.Equal(t, "required_field", resp.Code)
	resp = raw(t, srv, "GET", "/sessions/v2?uid=jane-doe&limit=many", "")
	assert.Equal(t, http.StatusBadRequest, resp.Status)
	assert.Equal(t, "invalid_argument", resp.Code)
}

func TestAddSession(t *testing.T) {
	srv := newServer(t, fullstorytest.WithoutDemoData())
	c := srv.Client()
	ctx := t.Context()
	start := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	first := srv.AddSession(fullstorytest.RecordedSession{
		UID:     "u-1",
		Email:   "Ann@Example.com",
		Created: start,
		Events: []fullstorytest.RecordedEvent{
			{URL: "/pricing", Title: "Pricing"},
			{Type: fullstory.EventClick, Text: "Buy"},
		},
	})
	second := srv.AddSession(fullstorytest.RecordedSession{UID: "u-1", Created: start.Add(time.Hour)})
	assert.Len(t, first.User, 19)
	assert.Len(t, first.Session, 19)
	assert.Equal(t, first.User, second.User, "a user's sessions share the user id")
	assert.NotEqual(t, first.Session, second.Session)

	sessions, err := c.Sessions.List(ctx, &fullstory.ListSessionsOptions{Email: "ann@example.com"})
	require.NoError(t, err)
	require.Len(t, sessions, 1, "email matches case-insensitively; the second session has no email")
	assert.Equal(t, first, sessions[0].ID())
	sessions, err = c.Sessions.List(ctx, &fullstory.ListSessionsOptions{UID: "u-1"})
	require.NoError(t, err)
	require.Len(t, sessions, 2)
	assert.Equal(t, second, sessions[0].ID())

	events, err := c.Sessions.Events(ctx, first)
	require.NoError(t, err)
	require.Len(t, events, 2)
	assert.Equal(t, fullstory.EventNavigate, events[0].Type, "an event without a type is a page view")
	assert.Equal(t, start, events[0].Time)
	assert.Equal(t, start.Add(time.Second), events[1].Time)
	assert.Equal(t, "https://www.example.com/pricing", events[1].Source.URL.FullURL, "the page carries over")

	// A session with explicit ids keeps them, and replaces one with the same ids.
	id := srv.AddSession(fullstorytest.RecordedSession{UserID: "42", SessionID: "7", Events: []fullstorytest.RecordedEvent{{URL: "/a"}}})
	assert.Equal(t, fullstory.NewSessionID("42", "7"), id)
	srv.AddSession(fullstorytest.RecordedSession{UserID: "42", SessionID: "7", Events: []fullstorytest.RecordedEvent{{URL: "/a"}, {URL: "/b"}}})
	events, err = c.Sessions.Events(ctx, id)
	require.NoError(t, err)
	assert.Len(t, events, 2)
}

// AddSession refuses the ids that fullstory.SessionID refuses, which no
// client could ask for.
func TestAddSessionRefusesBadIDs(t *testing.T) {
	srv := newServer(t, fullstorytest.WithoutDemoData())
	for _, bad := range []string{"a:b", "x!y", "y/z", "q?", "h#1", "p%41", "sp ace", "tab\t", "nl\n", "del\x7f"} {
		assert.Panics(t, func() { srv.AddSession(fullstorytest.RecordedSession{Email: "a@example.com", UserID: bad}) }, "UserID %q", bad)
		assert.Panics(t, func() { srv.AddSession(fullstorytest.RecordedSession{Email: "a@example.com", SessionID: bad}) }, "SessionID %q", bad)
	}
	sessions, err := srv.Client().Sessions.List(t.Context(), &fullstory.ListSessionsOptions{Email: "a@example.com"})
	require.NoError(t, err)
	assert.Empty(t, sessions, "none was added")

	assert.PanicsWithValue(t, `fullstorytest: AddSession: UserID "a:b" has a ':', '!', '/', '?', '#', '%', space or control character, so the client cannot send it`, func() {
		srv.AddSession(fullstorytest.RecordedSession{UserID: "a:b"})
	})
	id := srv.AddSession(fullstorytest.RecordedSession{UserID: "user-1_x.y", SessionID: "s~2"})
	assert.Equal(t, "user-1_x.y:s~2", id.String())
	_, err = srv.Client().Sessions.Events(t.Context(), id)
	require.NoError(t, err, "the client can send the ids AddSession takes")
}

func TestEvents(t *testing.T) {
	srv := newServer(t)
	c := srv.Client()
	id := fullstorytest.DemoCheckoutSession
	events, err := c.Sessions.Events(t.Context(), id)
	require.NoError(t, err)
	require.NotEmpty(t, events)
	var types []fullstory.EventType
	for i, e := range events {
		assert.Equal(t, id.User, e.DeviceID)
		assert.Equal(t, id.Session, e.SessionID)
		assert.Equal(t, "web", e.SourceType)
		require.NotNil(t, e.Source)
		require.NotNil(t, e.Source.URL)
		assert.Equal(t, "tickets.example.com", e.Source.URL.Host)
		assert.True(t, strings.HasPrefix(e.Source.URL.FullURL, "https://tickets.example.com/"))
		if i > 0 {
			assert.False(t, e.Time.Before(events[i-1].Time), "in time order")
		}
		types = append(types, e.Type)
	}
	for _, want := range []fullstory.EventType{fullstory.EventNavigate, fullstory.EventNetworkError, fullstory.EventRageClick, fullstory.EventErrorClick, "custom"} {
		assert.Contains(t, types, want)
	}
	var cart *fullstory.Event
	for i := range events {
		if events[i].Type == "custom" && events[i].Properties["name"] == "Added to Cart" {
			cart = &events[i]
		}
	}
	require.NotNil(t, cart, "the checkout session adds tickets to the cart")
	props, _ := cart.Properties["properties"].(map[string]any)
	for _, k := range []string{"event_name", "venue", "event_date", "quantity", "price_per_ticket"} {
		assert.Contains(t, props, k)
	}

	// event_time has milliseconds on the wire.
	resp := raw(t, srv, "GET", "/v2/sessions/"+id.PathEscaped()+"/events", "")
	require.Equal(t, http.StatusOK, resp.Status)
	var wire struct {
		Events []map[string]any `json:"events"`
	}
	require.NoError(t, json.Unmarshal(resp.Body, &wire))
	require.Len(t, wire.Events, len(events))
	ms := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)
	for _, e := range wire.Events {
		assert.Regexp(t, ms, e["event_time"])
	}

	_, err = c.Sessions.Events(t.Context(), fullstory.NewSessionID(id.User, "1"))
	assert.Equal(t, "resource_not_found", apiError(t, err).Code)
}

// The docs say to encode the ':' of a session id as %3A in the path, and
// the fake is as strict: an unencoded one is refused with a message that
// says how to encode it, unless WithLenientPaths.
func TestSessionIDInPath(t *testing.T) {
	srv := newServer(t)
	id := fullstorytest.DemoSupportSession
	for _, seg := range []string{id.PathEscaped(), strings.ToLower(id.PathEscaped())} {
		resp := raw(t, srv, "GET", "/v2/sessions/"+seg+"/events", "")
		assert.Equal(t, http.StatusOK, resp.Status, "session id %s", seg)
	}
	for _, ep := range []struct{ method, action, body string }{{"GET", "events", ""}, {"GET", "summary", ""}, {"POST", "summary", "{}"}, {"POST", "context", "{}"}} {
		resp := raw(t, srv, ep.method, "/v2/sessions/"+id.String()+"/"+ep.action, ep.body)
		assert.Equal(t, http.StatusBadRequest, resp.Status, "%s %s with an unencoded ':'", ep.method, ep.action)
		assert.Equal(t, "invalid_argument", resp.Code)
		assert.Contains(t, string(resp.Body), "must be URL-encoded as %3A")
		assert.Contains(t, string(resp.Body), "userId%3AsessionId")
	}
	assert.Zero(t, srv.Activations(), "the refused summaries were not generated")
	resp := raw(t, srv, "GET", "/v2/sessions/"+id.Session+"/events", "")
	assert.Equal(t, http.StatusBadRequest, resp.Status, "the session id alone is not enough")
	assert.Equal(t, "invalid_argument", resp.Code)

	lenient := newServer(t, fullstorytest.WithLenientPaths())
	for _, seg := range []string{id.PathEscaped(), id.String()} {
		resp := raw(t, lenient, "GET", "/v2/sessions/"+seg+"/summary", "")
		assert.Equal(t, http.StatusOK, resp.Status, "lenient: session id %s", seg)
	}
	assert.EqualValues(t, 2, lenient.Activations())

	// The library encodes it, so it works against the strict server.
	_, err := srv.Client().Sessions.Summarize(t.Context(), id, nil)
	require.NoError(t, err)
}

func TestContext(t *testing.T) {
	srv := newServer(t)
	c := srv.Client()
	ctx := t.Context()
	id := fullstorytest.DemoCheckoutSession

	all, err := c.Sessions.Context(ctx, id, nil)
	require.NoError(t, err)
	assert.Equal(t, id.String(), all.Context.SessionID)
	assert.Equal(t, time.Unix(1750978914, 0).UTC(), all.Context.SessionCreatedAt)
	require.NotNil(t, all.Context.User)
	assert.Equal(t, "Jane Doe", all.Context.User.DisplayName)
	assert.Equal(t, fullstorytest.DemoEmail, all.Context.User.Email)
	require.NotNil(t, all.Context.Location)
	require.NotNil(t, all.Context.Device)
	require.NotEmpty(t, all.Pages)
	assert.Equal(t, "https://tickets.example.com/", all.Pages[0].URL)
	var n int
	for _, p := range all.Pages {
		for _, e := range p.Events {
			assert.False(t, e.Timestamp.IsZero())
			n++
		}
	}
	events, err := c.Sessions.Events(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, len(events), n, "with no configuration every event is there")

	trimmed, err := c.Sessions.Context(ctx, id, &fullstory.ProfileConfig{
		Slice:   &fullstory.SliceConfig{Mode: fullstory.SliceLast, EventLimit: 3},
		Context: &fullstory.ContextConfig{Exclude: []fullstory.ContextElement{fullstory.ContextUser}, ExcludeDevice: fullstory.Ptr(true)},
		Events:  &fullstory.EventsConfig{IncludeTypes: []fullstory.EventType{fullstory.EventRageClick, fullstory.EventErrorClick, fullstory.EventNavigate}, ExcludeEventTimestamps: fullstory.Ptr(true), ExcludeSelectors: fullstory.Ptr(true), IncludeTabIndex: fullstory.Ptr(true)},
	})
	require.NoError(t, err)
	assert.Nil(t, trimmed.Context.User)
	assert.Nil(t, trimmed.Context.Device)
	assert.NotNil(t, trimmed.Context.Location)
	var kept []fullstory.EventType
	for _, p := range trimmed.Pages {
		assert.Equal(t, 1, p.Tab)
		for _, e := range p.Events {
			kept = append(kept, e.Type)
			assert.True(t, e.Timestamp.IsZero())
			assert.NotContains(t, e.Properties, "selector")
			assert.NotContains(t, e.Description, "button#pay-now")
		}
	}
	assert.Equal(t, []fullstory.EventType{fullstory.EventRageClick, fullstory.EventErrorClick, fullstory.EventNavigate}, kept)

	// The API refuses an llm in a context request; the library does too, so send it raw.
	resp := raw(t, srv, "POST", "/v2/sessions/"+id.PathEscaped()+"/context", `{"llm":{"pre_prompt":"x"}}`)
	assert.Equal(t, http.StatusBadRequest, resp.Status)
	assert.Equal(t, "invalid_argument", resp.Code)
	resp = raw(t, srv, "POST", "/v2/sessions/"+id.PathEscaped()+"/context", `{"slice":{"mode":"TIMESTAMP"}}`)
	assert.Equal(t, "required_field", resp.Code)
}

// GET /v2/sessions (reference §4.11) finds sessions by the session uid a
// customer's site set, every one that has it, newest first, at most limit;
// or by uid or email, the union of both. session_uid goes alone.
func TestListSessionsV2(t *testing.T) {
	srv := newServer(t)
	base := time.Date(2025, 8, 1, 9, 0, 0, 0, time.UTC)
	older := srv.AddSession(fullstorytest.RecordedSession{Email: "kim@example.com", SessionUID: "order-1042", Created: base})
	newer := srv.AddSession(fullstorytest.RecordedSession{Email: "lee@example.com", SessionUID: "order-1042", Created: base.Add(time.Hour)})
	srv.AddSession(fullstorytest.RecordedSession{Email: "kim@example.com", SessionUID: "order-7", Created: base.Add(2 * time.Hour)})

	type result struct {
		ID          string `json:"id"`
		AppURL      string `json:"app_url"`
		CreatedTime string `json:"created_time"`
	}
	list := func(query string) []result {
		t.Helper()
		resp := raw(t, srv, "GET", "/v2/sessions?"+query, "")
		require.Equal(t, http.StatusOK, resp.Status, "%s: %s", query, resp.Body)
		var out struct {
			Results []result `json:"results"`
		}
		require.NoError(t, json.Unmarshal(resp.Body, &out))
		require.NotNil(t, out.Results, "results is a list, also when empty: %s", resp.Body)
		return out.Results
	}
	got := list("session_uid=order-1042")
	assert.Equal(t, []result{
		{ID: newer.String(), AppURL: "https://app.fullstory.com/ui/FAKE/session/" + newer.String(), CreatedTime: "2025-08-01T10:00:00Z"},
		{ID: older.String(), AppURL: "https://app.fullstory.com/ui/FAKE/session/" + older.String(), CreatedTime: "2025-08-01T09:00:00Z"},
	}, got, "every session with the uid, newest first")
	assert.Len(t, list("session_uid=order-1042&limit=1"), 1, "limit applies")
	assert.Equal(t, newer.String(), list("session_uid=order-1042&limit=1")[0].ID)
	assert.Empty(t, list("session_uid=ORDER-1042"), "a session uid matches exactly")
	assert.Empty(t, list("session_uid=nope"))

	byEmail := list("email=kim%40example.com")
	assert.Len(t, byEmail, 2)
	union := list("email=kim%40example.com&uid=" + fullstorytest.DemoUID)
	assert.Len(t, union, 6, "uid and email: the union of kim's 2 and jane's 4")
	assert.Len(t, list("uid="+fullstorytest.DemoUID+"&limit=2"), 2)

	for query, code := range map[string]string{
		"session_uid=order-7&email=kim%40example.com": "invalid_argument",
		"session_uid=order-7&uid=x":                   "invalid_argument",
		"limit=5":                                     "required_field",
		"session_uid=order-7&limit=-1":                "invalid_argument",
	} {
		resp := raw(t, srv, "GET", "/v2/sessions?"+query, "")
		assert.Equal(t, http.StatusBadRequest, resp.Status, query)
		assert.Equal(t, code, resp.Code, query)
	}
	resp := raw(t, srv, "GET", "/v2/sessions?session_uid=order-7&email=kim%40example.com", "")
	assert.Contains(t, message(t, resp), "session_uid cannot be combined with uid or email")
	assert.Equal(t, fullstorytest.OpListSessionsV2, srv.Requests()[len(srv.Requests())-1].Op)
}

// How the fake matches an email, on both list endpoints: in any case, but
// otherwise exactly (no trimming of spaces). Unverified against the API.
func TestListSessionsEmailMatching(t *testing.T) {
	srv := newServer(t)
	for _, path := range []string{"/sessions/v2", "/v2/sessions"} {
		count := func(email string) int {
			resp := raw(t, srv, "GET", path+"?email="+url.QueryEscape(email), "")
			require.Equal(t, http.StatusOK, resp.Status, "%s", resp.Body)
			var out struct{ Sessions, Results []json.RawMessage }
			require.NoError(t, json.Unmarshal(resp.Body, &out))
			return len(out.Sessions) + len(out.Results)
		}
		assert.Equal(t, 4, count("jane@doe.com"), path)
		assert.Equal(t, 4, count("JANE@Doe.COM"), "%s: case does not matter", path)
		assert.Equal(t, 0, count(" jane@doe.com"), "%s: spaces are not trimmed", path)
		assert.Equal(t, 0, count("jane@doe.com "), "%s: spaces are not trimmed", path)
		assert.Equal(t, 0, count("jane@doe"), "%s: no partial match", path)
	}
}

// Through the library: Sessions.List with a SessionUID reads GET
// /v2/sessions as the fake writes it.
func TestListSessionsBySessionUIDThroughTheClient(t *testing.T) {
	srv := newServer(t)
	c := srv.Client()
	got, err := c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{SessionUID: fullstorytest.DemoSessionUID})
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, fullstorytest.DemoCheckoutSession, got[0].ID())
	assert.Equal(t, time.Unix(1750978914, 0).UTC(), got[0].CreatedTime)
	assert.Equal(t, "https://app.fullstory.com/ui/FAKE/session/"+fullstorytest.DemoCheckoutSession.String(), got[0].URL)
	req := srv.Requests()[0]
	assert.Equal(t, fullstorytest.OpListSessionsV2, req.Op)
	assert.Equal(t, "/v2/sessions?session_uid="+fullstorytest.DemoSessionUID, req.RequestURI)

	twice := fullstorytest.RecordedSession{Email: "kim@example.com", SessionUID: "shared-uid"}
	srv.AddSession(twice)
	srv.AddSession(twice)
	got, err = c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{SessionUID: "shared-uid"})
	require.NoError(t, err)
	assert.Len(t, got, 2, "every session with the uid")
	got, err = c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{SessionUID: "shared-uid", Limit: 1})
	require.NoError(t, err)
	assert.Len(t, got, 1, "Limit applies")
}
