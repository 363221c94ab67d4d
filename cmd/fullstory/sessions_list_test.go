package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest"
)

func TestSessionsList(t *testing.T) {
	srv, e := fakeEnv(t)
	want := demoSessions(t, srv)

	r := runCLI(t, e, "sessions", "list", "--email", demoEmail)
	requireOK(t, r)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, len(want)+1, r.stdout)
	assert.True(t, strings.HasPrefix(lines[0], "SESSION"))
	for i, s := range want {
		assert.True(t, strings.HasPrefix(lines[i+1], s.ID().String()+" "), "line %d: %q", i+1, lines[i+1])
		assert.Contains(t, lines[i+1], formatTime(s.CreatedTime))
	}

	r = runCLI(t, e, "sessions", "list", "--email", demoEmail, "--limit", "2", "--json")
	requireOK(t, r)
	var out struct{ Sessions []jsonSession }
	decodeOne(t, r.stdout, &out)
	require.Len(t, out.Sessions, 2)
	for i, s := range want[:2] {
		assert.Equal(t, jsonSession{ID: s.ID(), UserID: s.UserID, SessionID: s.SessionID, Created: s.CreatedTime.UTC().Format(time.RFC3339), URL: s.URL}, out.Sessions[i])
	}
	// The JSON's names, as scripts use them; the id is what summarize takes.
	var raw struct{ Sessions []map[string]any }
	decodeOne(t, r.stdout, &raw)
	assert.Equal(t, want[0].ID().String(), raw.Sessions[0]["id"])
	assert.Equal(t, want[0].UserID, raw.Sessions[0]["userId"])
	assert.Equal(t, want[0].SessionID, raw.Sessions[0]["sessionId"])
	assert.Equal(t, want[0].URL, raw.Sessions[0]["url"])
	created, err := time.Parse(time.RFC3339, raw.Sessions[0]["created"].(string))
	require.NoError(t, err)
	assert.True(t, want[0].CreatedTime.Equal(created))
	r = runCLI(t, e, "summarize", raw.Sessions[0]["id"].(string))
	requireOK(t, r)

	r = runCLI(t, e, "sessions", "list", "--uid", fullstorytest.DemoUID, "--json")
	requireOK(t, r)
	decodeOne(t, r.stdout, &out)
	assert.Len(t, out.Sessions, len(want))

	r = runCLI(t, e, "sessions", "list", "--email", "nobody@example.com")
	requireOK(t, r)
	assert.Equal(t, "No sessions.\n", r.stdout)
}

// TestSessionsListFitsTheTerminal: the table never wraps; the URL column
// goes first, then the time of day; the ids stay whole.
func TestSessionsListFitsTheTerminal(t *testing.T) {
	srv, e := fakeEnv(t)
	want := demoSessions(t, srv)
	for _, tc := range []struct {
		width     int
		url, time bool
	}{{200, true, true}, {120, false, true}, {80, false, true}, {60, false, false}} {
		r := runOnTerminal(t, e, tc.width, "sessions", "list", "--email", demoEmail)
		requireOK(t, r)
		lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
		require.Len(t, lines, len(want)+1)
		assert.Equal(t, tc.url, strings.Contains(lines[0], "URL"), "width %d", tc.width)
		for i, s := range want {
			line := lines[i+1]
			assert.LessOrEqual(t, len(line), max(tc.width, len(s.ID().String())), "width %d: %q", tc.width, line)
			assert.True(t, strings.HasPrefix(line, s.ID().String()+" "), line)
			assert.Equal(t, tc.url, strings.Contains(line, s.URL), "width %d", tc.width)
			assert.Equal(t, tc.time, strings.Contains(line, formatTime(s.CreatedTime)), "width %d", tc.width)
			assert.Contains(t, line, formatDate(s.CreatedTime))
		}
	}
	// COLUMNS sets the width of a pipe too.
	r := runCLI(t, env{"COLUMNS": "200", "FULLSTORY_BASE_URL": e["FULLSTORY_BASE_URL"], "FULLSTORY_API_KEY": e["FULLSTORY_API_KEY"]}, "sessions", "list", "--email", demoEmail)
	requireOK(t, r)
	assert.Contains(t, r.stdout, want[0].URL)
}

func TestSessionsListErrors(t *testing.T) {
	_, e := fakeEnv(t)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"sessions", "list"}, "needs --email, --uid or --session-uid"},
		{[]string{"sessions", "list", "--email", demoEmail, "--uid", "42"}, "not both"},
		{[]string{"sessions", "list", "--email", demoEmail, "extra"}, `takes no arguments, got "extra"`},
		{[]string{"sessions", "list", "--email", demoEmail, "--limit", "-1"}, "--limit"},
		{[]string{"sessions", "list", "--emial", demoEmail}, "unknown flag --emial; did you mean --email?"},
		{[]string{"sessions", "dance"}, `unknown command "sessions dance"`},
		{[]string{"sessions"}, "sessions needs a subcommand"},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := runCLI(t, e, tc.args...)
			requireFailure(t, r, exitUsage, tc.want)
			assert.Empty(t, r.stdout)
		})
	}

	// Usage is checked before the key: no key needed to learn the flags are wrong.
	r := runCLI(t, env{}, "sessions", "list")
	requireFailure(t, r, exitUsage, "needs --email, --uid or --session-uid")

	bad := env{"FULLSTORY_BASE_URL": e["FULLSTORY_BASE_URL"], "FULLSTORY_API_KEY": "wrong-key"}
	r = runCLI(t, bad, "sessions", "list", "--email", demoEmail)
	line := requireFailure(t, r, exitAuth, "401")
	assert.NotContains(t, line, "wrong-key")
	assert.NotContains(t, line, demoEmail, "the email must not be printed in errors")
}

// TestSessionsListBySessionUID: --session-uid finds a session by the uid the
// customer's site set for it, through GET /v2/sessions, and prints it as
// any session. The API here speaks the reference's shape (§4.11).
func TestSessionsListBySessionUID(t *testing.T) {
	var (
		mu  sync.Mutex
		got []string
	)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Method+" "+r.URL.RequestURI())
		mu.Unlock()
		if r.URL.Path != "/v2/sessions" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"results": [{"id": "6973903723107198876:5156932900183134039", "app_url": "https://app.fullstory.com/ui/ORG/session/6973903723107198876:5156932900183134039", "created_time": "2025-06-26T23:01:54Z"}]}`)
	}))
	defer api.Close()
	e := env{"FULLSTORY_BASE_URL": api.URL, "FULLSTORY_API_KEY": "k"}

	r := runCLI(t, e, "sessions", "list", "--session-uid", " order 1234 ", "--limit", "5", "--json")
	requireOK(t, r)
	mu.Lock()
	assert.Equal(t, []string{"GET /v2/sessions?limit=5&session_uid=order+1234"}, got)
	mu.Unlock()
	var out jsonSessions
	decodeOne(t, r.stdout, &out)
	require.Len(t, out.Sessions, 1)
	assert.Equal(t, jsonSession{
		ID: fullstory.NewSessionID("6973903723107198876", "5156932900183134039"), UserID: "6973903723107198876", SessionID: "5156932900183134039",
		Created: "2025-06-26T23:01:54Z", URL: "https://app.fullstory.com/ui/ORG/session/6973903723107198876:5156932900183134039",
	}, out.Sessions[0])

	r = runCLI(t, e, "sessions", "list", "--session-uid", "order-1234")
	requireOK(t, r)
	assert.True(t, strings.HasPrefix(r.stdout, "SESSION"), r.stdout)
	assert.Contains(t, r.stdout, "6973903723107198876:5156932900183134039  2025-06-26 23:01:54 UTC")
}

func TestSessionsListSessionUIDErrors(t *testing.T) {
	srv, e := fakeEnv(t)
	srv.ResetRequests()
	for _, args := range [][]string{
		{"--session-uid", "order-1234", "--email", demoEmail},
		{"--uid", "42", "--session-uid", "order-1234"},
		{"--session-uid", "order-1234", "--email", demoEmail, "--uid", "42"},
	} {
		r := runCLI(t, e, append([]string{"sessions", "list"}, args...)...)
		requireFailure(t, r, exitUsage, "give --email, --uid or --session-uid: --session-uid finds one session by its own uid, not a user's")
	}
	requireFailure(t, runCLI(t, e, "sessions", "list", "--session-uid", "  "), exitUsage, "needs --email, --uid or --session-uid")
	assert.Empty(t, srv.Requests(), "nothing may be sent")
}

// End to end on the fake, which serves GET /v2/sessions: --session-uid finds
// the demo checkout session by the uid its site gave it.
func TestSessionsListBySessionUIDOnTheFake(t *testing.T) {
	r := runCLI(t, env{}, "--fake", "sessions", "list", "--session-uid", fullstorytest.DemoSessionUID, "--json")
	require.Equal(t, 0, r.code, r.stderr)
	var got struct {
		Sessions []struct {
			ID string `json:"id"`
		} `json:"sessions"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &got))
	require.Len(t, got.Sessions, 1)
	assert.Equal(t, fullstorytest.DemoCheckoutSession.String(), got.Sessions[0].ID)
}
