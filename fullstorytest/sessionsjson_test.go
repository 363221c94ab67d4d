package fullstorytest_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest"
	"github.com/summarykit/fullstory-go/internal/fields"
)

// sessionsFile is the example of ReadSessions' documentation.
const sessionsFile = `{"sessions": [{
  "user_id": "6973903723107198876", "session_id": "5156932900183134039",
  "uid": "jane-doe", "email": "jane@doe.com", "session_uid": "order-1042",
  "display_name": "Jane Doe", "user_properties": {"plan": "pro"},
  "created": "2025-06-26T22:21:54Z",
  "location": {"city": "Austin", "region": "Texas", "country": "United States"},
  "device": {"browser": "Chrome", "operating_system": "macOS",
    "screen_size": {"width_pixels": 1512, "height_pixels": 982},
    "viewport_size": {"width_pixels": 1512, "height_pixels": "860"}},
  "org": {"org_id": "acme", "name": "Acme Corp", "industry": "Software", "domain": "acme.example", "country": "US"},
  "events": [
    {"time": "2025-06-26T22:21:54Z", "type": "navigate", "url": "/pricing", "title": "Pricing"},
    {"type": "click", "target": "button#buy", "text": "Buy"},
    {"type": "Order Completed", "properties": {"total_usd": 90}}
  ]}, {"email": "sam@example.com"}]}`

func TestReadSessions(t *testing.T) {
	got, err := fullstorytest.ReadSessions(strings.NewReader(sessionsFile))
	require.NoError(t, err)
	created := time.Date(2025, 6, 26, 22, 21, 54, 0, time.UTC)
	assert.Equal(t, []fullstorytest.RecordedSession{{
		UserID: "6973903723107198876", SessionID: "5156932900183134039", UID: "jane-doe", Email: "jane@doe.com",
		SessionUID: "order-1042", DisplayName: "Jane Doe", UserProperties: map[string]any{"plan": "pro"}, Created: created,
		Location: &fullstory.LocationContext{City: "Austin", Region: "Texas", Country: "United States"},
		Device: &fullstory.DeviceContext{Browser: "Chrome", OperatingSystem: "macOS",
			ScreenSize:   &fullstory.ScreenSize{WidthPixels: 1512, HeightPixels: 982},
			ViewportSize: &fullstory.ScreenSize{WidthPixels: 1512, HeightPixels: 860}},
		Org: &fullstory.OrgContext{OrgID: "acme", Name: "Acme Corp", Industry: "Software", Domain: "acme.example", Country: "US"},
		Events: []fullstorytest.RecordedEvent{
			{Time: created, Type: fullstory.EventNavigate, URL: "/pricing", Title: "Pricing"},
			{Type: fullstory.EventClick, Target: "button#buy", Text: "Buy"},
			{Type: "Order Completed", Properties: map[string]any{"total_usd": float64(90)}},
		},
	}, {Email: "sam@example.com"}}, got)

	// Seeded at the start, they are served like any session.
	srv := newServer(t, fullstorytest.WithoutDemoData(), fullstorytest.WithSessions(got...))
	c := srv.Client()
	ctx, err := c.Sessions.Context(t.Context(), fullstory.NewSessionID("6973903723107198876", "5156932900183134039"), nil)
	require.NoError(t, err)
	assert.Equal(t, "Acme Corp", ctx.Context.Org.Name)
	assert.Equal(t, 860, ctx.Context.Device.ViewportSize.HeightPixels)
	sessions, err := c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{Email: "sam@example.com"})
	require.NoError(t, err)
	assert.Len(t, sessions, 1)
}

func TestReadSessionsRefuses(t *testing.T) {
	for in, want := range map[string]string{
		"{\"sessions\": [{\n  \"emial\": \"x\"}]}":       `unknown field "sessions[0].emial"; did you mean "sessions[0].email"? (line 2, column 3)`,
		`{"session": []}`:                                `unknown field "session"; did you mean "sessions"?`,
		`{"sessions": [{"device": {"screen_size": 5}}]}`: `"sessions[0].device.screen_size" must be an object, not 5`,
		`{"sessions": [{"events": [{"time": 5}]}]}`:      `"sessions[0].events[0].time" must be an RFC 3339 date-time string`,
		`{"sessions": {}}`:                               `"sessions" must be an array of objects, not an object`,
		`{"sessions": [{"session_id": "a/b"}]}`:          `sessions[0]: SessionID "a/b" has a ':', '!', '/'`,
		`{"sessions": [`:                                 `invalid JSON`,
	} {
		_, err := fullstorytest.ReadSessions(strings.NewReader(in))
		require.Error(t, err, in)
		assert.Contains(t, err.Error(), want, in)
		var fe *fields.Error
		if errors.As(err, &fe) {
			assert.Positive(t, fe.Line, in)
		}
	}
	assert.PanicsWithValue(t, `fullstorytest: WithSessions: UserID "a:b" has a ':', '!', '/', '?', '#', '%', space or control character, so the client cannot send it`,
		func() { fullstorytest.WithSessions(fullstorytest.RecordedSession{UserID: "a:b"}) })
}

// SeedSessions adds many distinct sessions at once, newest first, each
// summarized on its own, cheaply enough for benchmarks on 5,000 sessions.
func TestSeedSessions(t *testing.T) {
	srv := newServer(t)
	c := srv.Client()
	ids := srv.SeedSessions("load@example.com", 5000)
	require.Len(t, ids, 5000)
	seen := map[fullstory.SessionID]bool{}
	for _, id := range ids {
		assert.False(t, seen[id], "distinct: %s", id)
		seen[id] = true
		assert.Equal(t, ids[0].User, id.User, "one user")
	}
	listed, err := c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{Email: "load@example.com", Limit: 3})
	require.NoError(t, err)
	require.Len(t, listed, 3)
	for i, s := range listed {
		assert.Equal(t, ids[i], s.ID(), "newest first, as the ids are")
	}
	a, err := c.Sessions.Summarize(t.Context(), ids[0], nil)
	require.NoError(t, err)
	b, err := c.Sessions.Summarize(t.Context(), ids[1], nil)
	require.NoError(t, err)
	assert.NotEqual(t, strings.ReplaceAll(a.Text, ids[0].String(), ""), strings.ReplaceAll(b.Text, ids[1].String(), ""),
		"the sessions differ, not only by id")
	assert.EqualValues(t, 2, srv.Activations())

	more := srv.SeedSessions("load@example.com", 2)
	assert.Equal(t, ids[0].User, more[0].User, "the same user as before")
	assert.False(t, seen[more[0]] || seen[more[1]], "new sessions")
	assert.Nil(t, srv.SeedSessions("x@example.com", 0))

	srv.Reset()
	listed, err = c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{Email: "load@example.com"})
	require.NoError(t, err)
	assert.Empty(t, listed, "gone after Reset")
}

func BenchmarkSeedSessions(b *testing.B) {
	for b.Loop() {
		srv := fullstorytest.NewUnstartedServer(fullstorytest.WithoutDemoData())
		srv.SeedSessions("load@example.com", 5000)
		srv.Close()
	}
}
