package mcpserver

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/summarykit/fullstory-go/fullstorytest"
)

func TestListSessions(t *testing.T) {
	h := newHarness(t, Options{})
	out, text := callOK[ListSessionsOutput](t, h.cs, ToolListSessions, map[string]any{"email": fullstorytest.DemoEmail})
	require.Len(t, out.Sessions, 4)
	assert.Equal(t, fullstorytest.DemoCheckoutSession.String(), out.Sessions[0].Session, "newest first")
	assert.Equal(t, "2025-06-26T23:01:54Z", out.Sessions[0].Created, "the demo data: unix 1750978914")
	assert.NotEmpty(t, out.Sessions[0].URL)
	assert.True(t, strings.HasPrefix(text, "4 session(s), newest first\n"+fullstorytest.DemoCheckoutSession.String()+"  created "), text)

	out, _ = callOK[ListSessionsOutput](t, h.cs, ToolListSessions, map[string]any{"uid": fullstorytest.DemoUID, "limit": 2})
	require.Len(t, out.Sessions, 2)
	assert.Equal(t, "2", h.fake.Requests()[len(h.fake.Requests())-1].Query.Get("limit"))

	out, text = callOK[ListSessionsOutput](t, h.cs, ToolListSessions, map[string]any{"email": "nobody@example.com"})
	assert.NotNil(t, out.Sessions)
	assert.Empty(t, out.Sessions, "no sessions is an answer, not an error")
	assert.Equal(t, "0 session(s), newest first", text)
}

func TestListSessionsBadArguments(t *testing.T) {
	h := newHarness(t, Options{})
	before := len(h.fake.Requests())
	for _, tc := range []struct {
		args map[string]any
		want string
	}{
		{map[string]any{}, "give exactly one of email, uid and session_uid (got 0)"},
		{map[string]any{"email": "  "}, "give exactly one of email, uid and session_uid (got 0)"},
		{map[string]any{"email": fullstorytest.DemoEmail, "uid": "u1"}, "(got 2)"},
		{map[string]any{"email": fullstorytest.DemoEmail, "limit": -1}, "limit"},
		{map[string]any{"email": fullstorytest.DemoEmail, "limit": 1000}, "limit"},
		{map[string]any{"email": fullstorytest.DemoEmail, "limit": "five"}, "limit"},
		{map[string]any{"emial": fullstorytest.DemoEmail}, `unexpected additional properties ["emial"]; list_sessions takes email, limit, session_uid, uid`},
	} {
		msg := callErr(t, h.cs, ToolListSessions, tc.args)
		t.Log(msg)
		assert.Contains(t, msg, tc.want, "%v", tc.args)
	}
	assert.Len(t, h.fake.Requests(), before, "bad arguments send nothing")
}

// session_uid finds one session through GET /v2/sessions (reference
// §4.11); the wire is checked against a server of the documented shape.
func TestListSessionsBySessionUID(t *testing.T) {
	var got atomic.Value
	api := apiServer(t, func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.Method + " " + r.RequestURI)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"results":[{"id":"111:222","app_url":"https://app.fullstory.com/ui/o/session/111:222","created_time":"2025-06-14T09:00:00Z"}]}`))
	})
	_, cs := serveOn(t, "key-123", Options{}, httpClient(t, api.URL, "key-123"))
	out, _ := callOK[ListSessionsOutput](t, cs, ToolListSessions, map[string]any{"session_uid": "order-42"})
	assert.Equal(t, "GET /v2/sessions?session_uid=order-42", got.Load())
	require.Len(t, out.Sessions, 1)
	assert.Equal(t, SessionItem{Session: "111:222", Created: "2025-06-14T09:00:00Z", URL: "https://app.fullstory.com/ui/o/session/111:222"}, out.Sessions[0])

	msg := callErr(t, cs, ToolListSessions, map[string]any{"session_uid": "order-42", "email": "a@b.c"})
	assert.Contains(t, msg, "give exactly one")
}

// The fake serves GET /v2/sessions too: session_uid finds the demo checkout
// session by the uid its site gave it.
func TestListSessionsBySessionUIDOnTheFake(t *testing.T) {
	h := newHarness(t, Options{})
	out, _ := callOK[ListSessionsOutput](t, h.cs, ToolListSessions, map[string]any{"session_uid": fullstorytest.DemoSessionUID})
	require.Len(t, out.Sessions, 1)
	assert.Equal(t, fullstorytest.DemoCheckoutSession.String(), out.Sessions[0].Session)
	last := h.fake.Requests()[len(h.fake.Requests())-1]
	assert.Equal(t, fullstorytest.OpListSessionsV2, last.Op)
}
