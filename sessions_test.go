package fullstory_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

func TestSessionsListTheQuickStartExample(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireFixtureReply(t, "sessions_list.json")))
	c := wireClient(t, ws)

	sessions, err := c.Sessions.List(context.Background(), &fullstory.ListSessionsOptions{Email: "jane@doe.com", Limit: 10})
	require.NoError(t, err)

	r := ws.only(t)
	assert.Equal(t, http.MethodGet, r.Method)
	assert.Equal(t, "/sessions/v2?email=jane%40doe.com&limit=10", r.RequestURI)
	assertWireHeaders(t, r, false)

	require.Len(t, sessions, 2)
	assert.Equal(t, fullstory.Session{
		UserID:      "6973903723107198876",
		SessionID:   "5156932900183134039",
		CreatedTime: time.Unix(1750978914, 0).UTC(),
		URL:         "https://app.fullstory.com/ui/XYZ/session/6973903723107198876:5156932900183134039",
	}, sessions[0])
	assert.Equal(t, "6973903723107198876:7595300836794220845", sessions[1].ID().String())
	assert.Equal(t, "6973903723107198876%3A7595300836794220845", sessions[1].ID().PathEscaped())
	assert.True(t, sessions[1].CreatedTime.Equal(time.Unix(1750971633, 0)))
}

func TestSessionsListDecodesNumbersWithoutLosingDigits(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireFixtureReply(t, "sessions_list_numbers.json")))
	c := wireClient(t, ws)

	sessions, err := c.Sessions.List(context.Background(), &fullstory.ListSessionsOptions{UID: "jane-1"})
	require.NoError(t, err)
	assert.Equal(t, "/sessions/v2?uid=jane-1", ws.only(t).RequestURI)
	require.Len(t, sessions, 1)
	// Both ids are above 2^53, where a float64 would round them.
	assert.Equal(t, quickStartSessionID, sessions[0].ID())
	assert.True(t, sessions[0].CreatedTime.Equal(time.Unix(1750978914, 0)))
}

func TestSessionsListOtherShapes(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       []fullstory.Session
	}{
		{
			name: "snake_case names of the schema table",
			body: `{"sessions":[{"user_id":6973903723107198876,"session_id":"5156932900183134039","created_time":1750978914,"fs_url":"https://app.fullstory.com/ui/XYZ/session/6973903723107198876:5156932900183134039"}]}`,
			want: []fullstory.Session{{UserID: quickStartUser, SessionID: quickStartSession, CreatedTime: time.Unix(1750978914, 0).UTC(), URL: "https://app.fullstory.com/ui/XYZ/session/6973903723107198876:5156932900183134039"}},
		},
		{
			name: "a bare array",
			body: `[{"userId":"1","sessionId":"2","createdTime":"2025-06-26T23:01:54Z"}]`,
			want: []fullstory.Session{{UserID: "1", SessionID: "2", CreatedTime: time.Date(2025, 6, 26, 23, 1, 54, 0, time.UTC)}},
		},
		{name: "no sessions", body: `{"sessions":[]}`, want: []fullstory.Session{}},
		{name: "no sessions field", body: `{}`, want: []fullstory.Session{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, tc.body)))
			c := wireClient(t, ws)
			sessions, err := c.Sessions.List(context.Background(), &fullstory.ListSessionsOptions{UID: "u"})
			require.NoError(t, err)
			assert.Equal(t, tc.want, sessions)
		})
	}
}

func TestSessionsListEscapesTheQuery(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, `{"sessions":[]}`)))
	c := wireClient(t, ws)

	_, err := c.Sessions.List(context.Background(), &fullstory.ListSessionsOptions{UID: "a+b&c d=e", Email: "x+y@example.com"})
	require.NoError(t, err)
	assert.Equal(t, "/sessions/v2?email=x%2By%40example.com&uid=a%2Bb%26c+d%3De", ws.only(t).RequestURI)
}

func TestSessionsListRejectsBadCreatedTime(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, `{"sessions":[{"userId":"1","sessionId":"2","createdTime":"yesterday"}]}`)))
	c := wireClient(t, ws)

	_, err := c.Sessions.List(context.Background(), &fullstory.ListSessionsOptions{UID: "u"})
	require.ErrorIs(t, err, fullstory.ErrInvalidResponse)
}

func TestSessionJSONRoundTrip(t *testing.T) {
	s := fullstory.Session{UserID: quickStartUser, SessionID: quickStartSession, CreatedTime: time.Unix(1750978914, 0).UTC(), URL: "https://app.fullstory.com/ui/XYZ/session/1:2"}
	data, err := json.Marshal(s)
	require.NoError(t, err)
	assert.JSONEq(t, `{"userId":"6973903723107198876","sessionId":"5156932900183134039","createdTime":"1750978914","fsUrl":"https://app.fullstory.com/ui/XYZ/session/1:2"}`, string(data))
	var back fullstory.Session
	require.NoError(t, json.Unmarshal(data, &back))
	assert.Equal(t, s, back)
}

func TestSessionsEvents(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireFixtureReply(t, "events.json")))
	c := wireClient(t, ws)

	events, err := c.Sessions.Events(context.Background(), quickStartSessionID)
	require.NoError(t, err)

	r := ws.only(t)
	assert.Equal(t, http.MethodGet, r.Method)
	assert.Equal(t, "/v2/sessions/"+quickStartEscaped+"/events", r.RequestURI)
	assertWireHeaders(t, r, false)

	require.Len(t, events, 3)
	nav := events[0]
	assert.Equal(t, quickStartUser, nav.DeviceID)
	assert.Equal(t, quickStartSession, nav.SessionID)
	assert.Equal(t, "4508219936458163521", nav.ViewID)
	assert.True(t, nav.Time.Equal(time.Date(2025, 6, 26, 23, 1, 54, 123_000_000, time.UTC)))
	assert.Equal(t, fullstory.EventNavigate, nav.Type)
	assert.Equal(t, "Checkout", nav.Properties["page_definition"])
	assert.Equal(t, "web", nav.SourceType)
	require.NotNil(t, nav.Source)
	require.NotNil(t, nav.Source.Browser)
	assert.Equal(t, "Chrome", nav.Source.Browser.Name)
	require.NotNil(t, nav.Source.URL)
	assert.Equal(t, "/checkout", nav.Source.URL.Path)
	assert.Equal(t, []string{"a", "b"}, nav.Source.URL.Query["coupon"].Values)
	assert.Equal(t, "https://www.google.com/", nav.Source.InitialReferrer)

	rage := events[1]
	assert.Equal(t, quickStartUser, rage.DeviceID, "a numeric id keeps every digit")
	assert.Equal(t, quickStartSession, rage.SessionID)
	assert.Equal(t, "4508219936458163521", rage.ViewID)
	assert.Equal(t, fullstory.EventRageClick, rage.Type)
	assert.Nil(t, rage.Source)

	custom := events[2]
	assert.Equal(t, fullstory.EventType("Order Completed"), custom.Type)
	assert.Empty(t, custom.ViewID)
	assert.Equal(t, "server", custom.SourceType)
}

func TestSessionsEventsEmpty(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, `{}`)))
	c := wireClient(t, ws)

	events, err := c.Sessions.Events(context.Background(), quickStartSessionID)
	require.NoError(t, err)
	assert.NotNil(t, events)
	assert.Empty(t, events)
}

func TestSessionsContext(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireFixtureReply(t, "context.json")))
	c := wireClient(t, ws)

	sc, err := c.Sessions.Context(context.Background(), quickStartSessionID, &fullstory.ProfileConfig{
		Slice:   &fullstory.SliceConfig{Mode: fullstory.SliceFirst, DurationLimit: 5 * time.Minute},
		Context: &fullstory.ContextConfig{Include: []fullstory.ContextElement{fullstory.ContextUser, fullstory.ContextDevice}, ExcludeOrgContext: fullstory.Ptr(false)},
		Events:  &fullstory.EventsConfig{ExcludeTypes: []fullstory.EventType{fullstory.EventMouseThrash, fullstory.EventElementSeen}, IncludeTabIndex: fullstory.Ptr(true)},
		Cache:   &fullstory.CacheConfig{EnableEventCache: fullstory.Ptr(true)},
	})
	require.NoError(t, err)

	r := ws.only(t)
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, "/v2/sessions/"+quickStartEscaped+"/context", r.RequestURI)
	assertWireHeaders(t, r, true)
	assert.JSONEq(t, `{
		"slice": {"mode": "FIRST", "duration_limit_ms": 300000},
		"context": {"include": ["user", "device"], "exclude_org_context": false},
		"events": {"exclude_types": ["mouse-thrash", "element-seen"], "include_tab_index": true},
		"cache": {"enable_event_cache": true}
	}`, string(r.Body))

	assert.Equal(t, quickStartUser+":"+quickStartSession, sc.Context.SessionID)
	assert.True(t, sc.Context.SessionCreatedAt.Equal(time.Date(2025, 6, 26, 23, 1, 54, 0, time.UTC)))
	require.NotNil(t, sc.Context.Org)
	assert.Equal(t, "Doe Industries", sc.Context.Org.Name)
	require.NotNil(t, sc.Context.User)
	assert.Equal(t, "jane@doe.com", sc.Context.User.Email)
	assert.Equal(t, "gold", sc.Context.User.Properties["plan"])
	require.NotNil(t, sc.Context.Location)
	assert.Equal(t, "San Francisco", sc.Context.Location.City)
	require.NotNil(t, sc.Context.Device)
	require.NotNil(t, sc.Context.Device.ScreenSize)
	assert.Equal(t, fullstory.ScreenSize{HeightPixels: 1117, WidthPixels: 1728}, *sc.Context.Device.ScreenSize)
	require.Len(t, sc.Pages, 2)
	assert.Equal(t, "Checkout", sc.Pages[0].Title)
	assert.Equal(t, 1, sc.Pages[0].Tab)
	require.Len(t, sc.Pages[0].Events, 2)
	assert.Equal(t, fullstory.EventRageClick, sc.Pages[0].Events[1].Type)
	assert.Equal(t, "Submit", sc.Pages[0].Events[1].Content)
	assert.True(t, sc.Pages[0].Events[1].Timestamp.Equal(time.Date(2025, 6, 26, 23, 2, 10, 456_000_000, time.UTC)))
	assert.Equal(t, 2, sc.Pages[1].Tab)
	assert.Empty(t, sc.Pages[1].Events)
}

func TestSessionsContextWithoutConfigSendsAnEmptyObject(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireFixtureReply(t, "context.json")))
	c := wireClient(t, ws)

	_, err := c.Sessions.Context(context.Background(), quickStartSessionID, nil)
	require.NoError(t, err)
	r := ws.only(t)
	assertWireHeaders(t, r, true)
	assert.JSONEq(t, `{}`, string(r.Body))
}

func TestSessionsContextWithoutContextDataIsInvalidResponse(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, `{}`)))
	c := wireClient(t, ws)

	sc, err := c.Sessions.Context(context.Background(), quickStartSessionID, nil)
	require.ErrorIs(t, err, fullstory.ErrInvalidResponse)
	assert.Nil(t, sc)
}

func TestSessionsValidationSendsNothing(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, `{}`)))
	c := wireClient(t, ws)
	ctx := context.Background()

	for name, o := range map[string]*fullstory.ListSessionsOptions{
		"nil options":            nil,
		"neither uid nor email":  {Limit: 5},
		"blank uid and email":    {UID: " ", Email: "\t"},
		"negative limit":         {Email: "jane@doe.com", Limit: -1},
		"control character":      {UID: "jane\r\nX-Injected: 1"},
		"control char in e-mail": {Email: "jane@doe.com\x00"},
	} {
		t.Run("List "+name, func(t *testing.T) {
			_, err := c.Sessions.List(ctx, o)
			requireInvalidArgument(t, err)
		})
	}

	badIDs := map[string]fullstory.SessionID{
		"zero":          {},
		"no user":       {Session: quickStartSession},
		"no session":    {User: quickStartUser},
		"colon in half": {User: "1:2", Session: "3"},
		"slash":         {User: "1", Session: "2/../../visit_profile"},
		"space":         {User: "1 2", Session: "3"},
		"percent":       {User: "1%3A2", Session: "3"},
	}
	for name, id := range badIDs {
		t.Run("Events "+name, func(t *testing.T) {
			_, err := c.Sessions.Events(ctx, id)
			requireInvalidArgument(t, err)
		})
		t.Run("Context "+name, func(t *testing.T) {
			_, err := c.Sessions.Context(ctx, id, nil)
			requireInvalidArgument(t, err)
		})
	}

	t.Run("Context with an LLM", func(t *testing.T) {
		_, err := c.Sessions.Context(ctx, quickStartSessionID, &fullstory.ProfileConfig{LLM: &fullstory.LLMConfig{PrePrompt: "no"}})
		requireInvalidArgument(t, err)
	})
	t.Run("Context with a TIMESTAMP slice without a start", func(t *testing.T) {
		_, err := c.Sessions.Context(ctx, quickStartSessionID, &fullstory.ProfileConfig{Slice: &fullstory.SliceConfig{Mode: fullstory.SliceTimestamp}})
		requireInvalidArgument(t, err)
	})
	assert.Equal(t, 0, ws.hits(), "a request was sent for invalid input")
}

// A customer-defined session uid goes to GET /v2/sessions, whose results
// carry the "u:s" id, app_url and an RFC 3339 created_time (reference
// §4.11); it is refused together with a uid or an email, before sending.
func TestSessionsListBySessionUID(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK,
		`{"results":[{"id":"4242:777","app_url":"https://app.fullstory.com/ui/o1/session/4242:777","created_time":"2017-01-15T01:30:15Z"}]}`)))
	c := wireClient(t, ws)

	got, err := c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{SessionUID: "order 12&3", Limit: 5})
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, fullstory.Session{UserID: "4242", SessionID: "777", CreatedTime: time.Date(2017, 1, 15, 1, 30, 15, 0, time.UTC),
		URL: "https://app.fullstory.com/ui/o1/session/4242:777"}, got[0])
	reqs := ws.requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "GET", reqs[0].Method)
	assert.Equal(t, "/v2/sessions?limit=5&session_uid=order+12%263", reqs[0].RequestURI)

	for _, o := range []*fullstory.ListSessionsOptions{
		{SessionUID: "s1", UID: "u1"},
		{SessionUID: "s1", Email: "jane@doe.com"},
	} {
		_, err := c.Sessions.List(t.Context(), o)
		requireInvalidArgument(t, err)
	}
	assert.Equal(t, 1, ws.hits(), "a refused list sends nothing")
}

// The session uid is kept out of errors, like an email or a uid.
func TestSessionsListBySessionUIDKeepsItOutOfErrors(t *testing.T) {
	const suid = "order-8812-secret"
	ws := newTestServer(t, wireReplies(wireError(http.StatusNotFound, "resource_not_found", "no session with uid "+suid)))
	c := wireClient(t, ws)
	_, err := c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{SessionUID: suid})
	require.ErrorIs(t, err, fullstory.ErrNotFound)
	assert.NotContains(t, err.Error(), suid)
}
