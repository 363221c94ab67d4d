package fullstorytest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest"
)

// The control endpoints, driven over HTTP as a test in another language
// drives them: the contract the README documents, shape by shape.

func TestControlAuthAndErrors(t *testing.T) {
	srv := newServer(t)
	for _, auth := range []string{"-", "Basic wrong", "Bearer " + srv.APIKey} {
		resp := raw(t, srv, "GET", "/_fake/activations", "", auth)
		assert.Equal(t, http.StatusUnauthorized, resp.Status, "Authorization %q", auth)
		assert.Equal(t, "unauthorized", resp.Code)
	}
	resp := raw(t, srv, "GET", "/_fake/nope", "")
	assert.Equal(t, http.StatusNotFound, resp.Status)
	assert.Equal(t, "no control endpoint at /_fake/nope; they are /_fake/activations, /_fake/faults, /_fake/requests, /_fake/reset, /_fake/sessions", message(t, resp))
	assert.Equal(t, http.StatusNotFound, raw(t, srv, "GET", "/_fake", "").Status)
	for path, allow := range map[string]string{"/_fake/faults": "POST", "/_fake/reset": "POST", "/_fake/sessions": "POST", "/_fake/requests": "GET, DELETE", "/_fake/activations": "GET"} {
		resp := raw(t, srv, "PUT", path, "")
		assert.Equal(t, http.StatusMethodNotAllowed, resp.Status, path)
		assert.Equal(t, allow, resp.Header.Get("Allow"), path)
	}
	for body, want := range map[string]string{
		`{"op":"summary"}`:           `op "summary" is not an operation; the operations are create-profile, get-profile, update-profile, delete-profile, list-profiles, list-sessions, summarize, events, context, list-sessions-v2`,
		`{"stauts":503}`:             `unknown field "stauts"`,
		`{"status":700}`:             `status must be from 200 to 599`,
		`{"status":503,"count":-1}`:  `must not be negative`,
		`{"status":"503"}`:           `cannot unmarshal string`,
		`{"status":503} {}`:          `more than one JSON value`,
		`{"retry_after_seconds":-2}`: `must not be negative`,
	} {
		resp := raw(t, srv, "POST", "/_fake/faults", body)
		assert.Equal(t, http.StatusBadRequest, resp.Status, body)
		assert.Equal(t, "invalid_argument", resp.Code, body)
		assert.Contains(t, message(t, resp), want, body)
	}
	assert.Empty(t, srv.Requests(), "control requests are not recorded")
}

func TestControlFaults(t *testing.T) {
	srv := newServer(t)
	summary := "/v2/sessions/" + fullstorytest.DemoCheckoutSession.PathEscaped() + "/summary"

	resp := raw(t, srv, "POST", "/_fake/faults", `{"op":"summarize","status":503,"retry_after_seconds":2,"count":2}`)
	require.Equal(t, http.StatusOK, resp.Status, "%s", resp.Body)
	assert.JSONEq(t, `{"pending":1}`, string(resp.Body))
	resp = raw(t, srv, "POST", "/_fake/faults", `{"path":"/v2/visit_profile","status":502,"body":"<html>bad gateway</html>","header":{"Content-Type":"text/html"}}`)
	assert.JSONEq(t, `{"pending":2}`, string(resp.Body))

	// A fault for every operation does not touch the control endpoints.
	assert.Equal(t, http.StatusOK, raw(t, srv, "GET", "/_fake/activations", "").Status)
	for range 2 {
		resp = raw(t, srv, "GET", summary, "")
		assert.Equal(t, http.StatusServiceUnavailable, resp.Status)
		assert.Equal(t, "2", resp.Header.Get("Retry-After"))
		assert.Equal(t, "server_error", resp.Code)
	}
	assert.Equal(t, http.StatusOK, raw(t, srv, "GET", summary, "").Status, "count 2 used up")
	resp = raw(t, srv, "GET", "/v2/visit_profile", "")
	assert.Equal(t, http.StatusBadGateway, resp.Status)
	assert.Equal(t, "<html>bad gateway</html>", string(resp.Body))
	assert.Equal(t, "text/html", resp.Header.Get("Content-Type"))

	// The gateway case: handled, generated and counted, then answered 504.
	raw(t, srv, "POST", "/_fake/faults", `{"op":"summarize","handle":true,"status":504,"delay_ms":1}`)
	assert.Equal(t, http.StatusGatewayTimeout, raw(t, srv, "GET", summary, "").Status)
	resp = raw(t, srv, "GET", "/_fake/activations", "")
	assert.JSONEq(t, `{"activations":2}`, string(resp.Body), "the 200 and the one behind the 504")

	// A cut-off response: the connection drops mid-body.
	raw(t, srv, "POST", "/_fake/faults", `{"op":"list-profiles","cut_off":true}`)
	req, err := http.NewRequestWithContext(t.Context(), "GET", srv.URL+"/v2/visit_profile", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Basic "+srv.APIKey)
	req.Close = true
	r, err := http.DefaultClient.Do(req)
	if err == nil {
		_, err = io.ReadAll(r.Body)
		r.Body.Close()
	}
	assert.Error(t, err, "cut off")
}

func TestControlRequests(t *testing.T) {
	srv := newServer(t)
	c := srv.Client(fullstory.WithIntegrationSource("py-tests"))
	_, err := c.Sessions.Summarize(t.Context(), fullstorytest.DemoCheckoutSession, &fullstory.SummarizeRequest{
		Profile: "p1", Overrides: &fullstory.ProfileConfig{Slice: &fullstory.SliceConfig{EventLimit: 5}}})
	require.ErrorIs(t, err, fullstory.ErrNotFound)
	raw(t, srv, "GET", "/sessions/v2?email=jane%40doe.com&limit=1", "")
	raw(t, srv, "GET", "/_fake/activations", "")

	resp := raw(t, srv, "GET", "/_fake/requests", "")
	require.Equal(t, http.StatusOK, resp.Status)
	var out struct {
		Requests []struct {
			Op         string              `json:"op"`
			Method     string              `json:"method"`
			Path       string              `json:"path"`
			RequestURI string              `json:"request_uri"`
			Query      map[string][]string `json:"query"`
			Header     map[string][]string `json:"header"`
			Body       string              `json:"body"`
		} `json:"requests"`
	}
	require.NoError(t, json.Unmarshal(resp.Body, &out))
	require.Len(t, out.Requests, 2, "the API requests, not the control ones: %s", resp.Body)
	first, second := out.Requests[0], out.Requests[1]
	id := fullstorytest.DemoCheckoutSession
	assert.Equal(t, "summarize", first.Op)
	assert.Equal(t, "POST", first.Method)
	assert.Equal(t, "/v2/sessions/"+id.String()+"/summary", first.Path)
	assert.Equal(t, "/v2/sessions/"+id.PathEscaped()+"/summary", first.RequestURI)
	assert.Equal(t, []string{"py-tests"}, first.Header["Integration-Source"])
	assert.Equal(t, []string{"Basic " + srv.APIKey}, first.Header["Authorization"])
	assert.JSONEq(t, `{"config_profile":"p1","slice":{"event_limit":5}}`, first.Body)
	assert.Equal(t, map[string][]string{}, first.Query)
	assert.Equal(t, "list-sessions", second.Op)
	assert.Equal(t, "/sessions/v2?email=jane%40doe.com&limit=1", second.RequestURI)
	assert.Equal(t, map[string][]string{"email": {"jane@doe.com"}, "limit": {"1"}}, second.Query)
	assert.Empty(t, second.Body)

	resp = raw(t, srv, "DELETE", "/_fake/requests", "")
	assert.JSONEq(t, `{}`, string(resp.Body))
	assert.JSONEq(t, `{"requests":[]}`, string(raw(t, srv, "GET", "/_fake/requests", "").Body))
}

func TestControlSessionsAndReset(t *testing.T) {
	seeded := fullstorytest.RecordedSession{UserID: "42", SessionID: "7", Email: "seed@example.com", SessionUID: "ticket-9"}
	srv := newServer(t, fullstorytest.WithSessions(seeded))
	c := srv.Client()

	resp := raw(t, srv, "POST", "/_fake/sessions", `{"sessions":[
		{"email":"py@example.com","session_uid":"order-1","created":"2025-07-01T10:00:00Z",
		 "events":[{"type":"navigate","url":"/pricing","title":"Pricing"},{"type":"rage-click","target":"button#buy","text":"Buy"}]},
		{"userId":"1001","sessionId":"2002","email":"py@example.com"}]}`)
	require.Equal(t, http.StatusOK, resp.Status, "%s", resp.Body)
	var added struct{ IDs []string }
	require.NoError(t, json.Unmarshal(resp.Body, &added))
	require.Len(t, added.IDs, 2)
	assert.Equal(t, "1001:2002", added.IDs[1], "lowerCamelCase names are taken too")
	first, err := fullstory.ParseSessionID(added.IDs[0])
	require.NoError(t, err)

	sum, err := c.Sessions.Summarize(t.Context(), first, nil)
	require.NoError(t, err)
	assert.Contains(t, sum.Text, "rage click")
	found := raw(t, srv, "GET", "/v2/sessions?session_uid=order-1", "")
	assert.Contains(t, string(found.Body), `"id":"`+added.IDs[0]+`"`)
	_, err = c.Profiles.Create(t.Context(), &fullstory.ProfileRequest{Name: "gone after reset"})
	require.NoError(t, err)
	raw(t, srv, "POST", "/_fake/faults", `{"status":500,"count":10}`)

	for body, want := range map[string]string{
		`{"sessions":[{"emial":"x@example.com"}]}`:       `unknown field "sessions[0].emial"; did you mean "sessions[0].email"? (line 1, column 15)`,
		`{"sessions":[{"user_id":"a:b"}]}`:               `sessions[0]: UserID "a:b" has a ':'`,
		`{"sessions":[{"created":"today"}]}`:             `"sessions[0].created" must be an RFC 3339 date-time string`,
		"{\"sessions\":[\n{\"events\":[{\"tpye\":1}]}]}": `unknown field "sessions[0].events[0].tpye"; did you mean "sessions[0].events[0].type"? (line 2, column 13)`,
		`[{"email":"x@example.com"}]`:                    `the body must be a JSON object`,
	} {
		resp := raw(t, srv, "POST", "/_fake/sessions", body)
		assert.Equal(t, http.StatusBadRequest, resp.Status, body)
		assert.Contains(t, message(t, resp), want, body)
	}

	resp = raw(t, srv, "POST", "/_fake/reset", "")
	require.Equal(t, http.StatusOK, resp.Status)
	assert.JSONEq(t, `{}`, string(resp.Body))

	assert.JSONEq(t, `{"activations":0}`, string(raw(t, srv, "GET", "/_fake/activations", "").Body))
	assert.JSONEq(t, `{"requests":[]}`, string(raw(t, srv, "GET", "/_fake/requests", "").Body))
	page, err := c.Profiles.List(t.Context(), nil)
	require.NoError(t, err, "the pending faults are gone")
	assert.Empty(t, page.Profiles, "profiles are gone")
	sessions, err := c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{Email: "py@example.com"})
	require.NoError(t, err)
	assert.Empty(t, sessions, "added sessions are gone")
	sessions, err = c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{Email: "seed@example.com"})
	require.NoError(t, err)
	require.Len(t, sessions, 1, "WithSessions' sessions are back")
	assert.Equal(t, "42:7", sessions[0].ID().String())
	sessions, err = c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{Email: fullstorytest.DemoEmail})
	require.NoError(t, err)
	assert.Len(t, sessions, 4, "so is the demo data")
}

// Control requests skip the latency, the rate limit and the request log:
// a test can always reach them.
func TestControlBypassesTrouble(t *testing.T) {
	srv := newServer(t, fullstorytest.WithLatency(time.Hour), fullstorytest.WithThrottle(0.001, 1))
	for range 3 {
		resp := raw(t, srv, "GET", "/_fake/activations", "")
		assert.Equal(t, http.StatusOK, resp.Status)
	}
	assert.Empty(t, srv.Requests())
	assert.True(t, strings.HasPrefix(srv.URL, "http://127.0.0.1:"))
}
