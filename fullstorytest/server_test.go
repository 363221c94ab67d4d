package fullstorytest_test

import (
	"context"
	"encoding/json"
	"fmt"
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

func TestAuth(t *testing.T) {
	srv := newServer(t)
	assert.Equal(t, fullstorytest.DefaultAPIKey, srv.APIKey)

	wrong, err := fullstory.NewClient("not-the-key", fullstory.WithBaseURL(srv.URL))
	require.NoError(t, err)
	_, err = wrong.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{Email: fullstorytest.DemoEmail})
	assert.ErrorIs(t, err, fullstory.ErrUnauthorized)
	assert.Equal(t, "unauthorized", apiError(t, err).Code)
	assert.Contains(t, apiError(t, err).Message, "'Authorization: Basic <key>' (the raw key, not base64: curl -u key: does not work)",
		"a 401 says how to send the key")

	for _, auth := range []string{"-", srv.APIKey, "Bearer " + srv.APIKey, "basic " + srv.APIKey, "Basic ZmFrZS1hcGkta2V5Og=="} {
		resp := raw(t, srv, "GET", "/v2/visit_profile", "", auth)
		assert.Equal(t, http.StatusUnauthorized, resp.Status, "Authorization %q", auth)
		assert.Equal(t, "unauthorized", resp.Code)
	}

	eu := newServer(t, fullstorytest.WithAPIKey("eu1.custom-key"))
	assert.Equal(t, "eu1.custom-key", eu.APIKey)
	_, err = eu.Client().Profiles.List(t.Context(), nil)
	require.NoError(t, err, "the client goes to the base URL whatever the key's region")
	assert.Equal(t, "Basic eu1.custom-key", eu.Requests()[0].Header.Get("Authorization"))
}

func TestUnknownPathsAndMethods(t *testing.T) {
	srv := newServer(t)
	id := fullstorytest.DemoCheckoutSession.PathEscaped()
	for _, path := range []string{"/", "/v2/nope", "/v1/visit_profile", "/v2/sessions/" + id + "/replay", "/v2/sessions/" + id, "/v2/visit_profile/a/b", "/v2/visit_profile/"} {
		resp := raw(t, srv, "GET", path, "")
		assert.Equal(t, http.StatusNotFound, resp.Status, path)
		assert.Equal(t, "resource_not_found", resp.Code, path)
	}
	for _, tc := range []struct{ method, path, allow string }{
		{"PUT", "/v2/visit_profile", "GET, POST"},
		{"PATCH", "/v2/visit_profile/p", "GET, POST, DELETE"},
		{"POST", "/sessions/v2", "GET"},
		{"POST", "/v2/sessions/" + id + "/events", "GET"},
		{"GET", "/v2/sessions/" + id + "/context", "POST"},
		{"DELETE", "/v2/sessions/" + id + "/summary", "GET, POST"},
	} {
		resp := raw(t, srv, tc.method, tc.path, "")
		assert.Equal(t, http.StatusMethodNotAllowed, resp.Status, "%s %s", tc.method, tc.path)
		assert.Equal(t, tc.allow, resp.Header.Get("Allow"))
	}
}

func TestRequestsRecorded(t *testing.T) {
	srv := newServer(t)
	c := srv.Client(fullstory.WithIntegrationSource("tests"))
	ctx := t.Context()
	id := fullstorytest.DemoCheckoutSession
	_, err := c.Sessions.Summarize(ctx, id, &fullstory.SummarizeRequest{Profile: "p1"})
	require.Error(t, err, "no such profile")
	_, err = c.Sessions.Summarize(ctx, id, &fullstory.SummarizeRequest{Overrides: &fullstory.ProfileConfig{Slice: &fullstory.SliceConfig{EventLimit: 5}}})
	require.NoError(t, err)
	raw(t, srv, "GET", "/v2/visit_profile", "", "-")

	reqs := srv.Requests()
	require.Len(t, reqs, 3)
	get := reqs[0]
	assert.Equal(t, "GET", get.Method)
	assert.Equal(t, "/v2/sessions/"+id.String()+"/summary", get.Path)
	assert.Equal(t, "/v2/sessions/"+id.PathEscaped()+"/summary?config_profile=p1", get.RequestURI)
	assert.Equal(t, "p1", get.Query.Get("config_profile"))
	assert.Equal(t, "Basic "+srv.APIKey, get.Header.Get("Authorization"))
	assert.Equal(t, "tests", get.Header.Get("Integration-Source"))
	assert.True(t, strings.HasPrefix(get.Header.Get("User-Agent"), "fullstory-go/"))
	assert.Empty(t, get.Body)

	post := reqs[1]
	assert.Equal(t, "POST", post.Method)
	assert.Equal(t, "application/json", post.Header.Get("Content-Type"))
	var body map[string]any
	require.NoError(t, json.Unmarshal(post.Body, &body))
	assert.Equal(t, map[string]any{"slice": map[string]any{"event_limit": float64(5)}}, body)

	assert.Empty(t, reqs[2].Header.Get("Authorization"), "unauthenticated requests are recorded too")

	// Requests returns copies.
	reqs[0].Header.Set("Authorization", "changed")
	reqs[1].Body[0] = 'X'
	again := srv.Requests()
	assert.Equal(t, "Basic "+srv.APIKey, again[0].Header.Get("Authorization"))
	assert.Equal(t, byte('{'), again[1].Body[0])
}

func TestLatency(t *testing.T) {
	slow := newServer(t, fullstorytest.WithLatency(time.Hour))
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := slow.Client(fullstory.WithMaxRetries(0)).Profiles.List(ctx, nil)
	assert.ErrorIs(t, err, context.DeadlineExceeded)

	quick := newServer(t, fullstorytest.WithLatency(time.Millisecond))
	_, err = quick.Client().Profiles.List(t.Context(), nil)
	require.NoError(t, err)
}

func TestHandlerMountedElsewhere(t *testing.T) {
	fake := fullstorytest.NewUnstartedServer(fullstorytest.WithAPIKey("k"))
	defer fake.Close()
	assert.Empty(t, fake.URL)
	assert.Panics(t, func() { fake.Client() }, "Client needs a started server")

	mux := http.NewServeMux()
	mux.Handle("/", fake.Handler())
	hs := httptest.NewServer(mux)
	defer hs.Close()
	c, err := fullstory.NewClient("k", fullstory.WithBaseURL(hs.URL), fullstory.WithHTTPClient(hs.Client()))
	require.NoError(t, err)
	sessions, err := c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{Email: fullstorytest.DemoEmail})
	require.NoError(t, err)
	assert.Len(t, sessions, 4)

	fake.InjectFault(fullstorytest.Fault{CutOff: true})
	_, err = c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{Email: fullstorytest.DemoEmail})
	require.NoError(t, err, "the cut-off response is retried")
	assert.Len(t, fake.Requests(), 3)
}

// Mounted on a server with a ReadTimeout, as `fullstory fake` mounts it, a
// request the fake holds for longer (a delay, a slow summary) still gets
// its answer: the fake reads the body before it holds the request, so the
// read deadline bounds the request's arrival, not the fake's work.
func TestHandlerUnderReadTimeout(t *testing.T) {
	fake := fullstorytest.NewUnstartedServer()
	defer fake.Close()
	hs := httptest.NewUnstartedServer(fake.Handler())
	hs.Config.ReadTimeout = 50 * time.Millisecond
	hs.Start()
	defer hs.Close()
	fake.InjectFault(fullstorytest.Fault{Op: fullstorytest.OpSummarize, Delay: 300 * time.Millisecond})
	c, err := fullstory.NewClient(fake.APIKey, fullstory.WithBaseURL(hs.URL), fullstory.WithHTTPClient(hs.Client()), fullstory.WithMaxRetries(0))
	require.NoError(t, err)
	sum, err := c.Sessions.Summarize(t.Context(), fullstorytest.DemoCheckoutSession, nil)
	require.NoError(t, err)
	assert.NotEmpty(t, sum.Text)
	_, err = c.Sessions.Summarize(t.Context(), fullstorytest.DemoCheckoutSession, nil)
	require.NoError(t, err, "and the connection serves the next request")
	assert.EqualValues(t, 2, fake.Activations())
}

func TestStart(t *testing.T) {
	srv := fullstorytest.NewUnstartedServer(fullstorytest.WithoutDemoData())
	defer srv.Close()
	srv.AddSession(fullstorytest.RecordedSession{Email: "a@example.com"})
	srv.Start()
	assert.True(t, strings.HasPrefix(srv.URL, "http://127.0.0.1:"))
	sessions, err := srv.Client().Sessions.List(t.Context(), &fullstory.ListSessionsOptions{Email: "a@example.com"})
	require.NoError(t, err)
	assert.Len(t, sessions, 1)
	assert.Panics(t, srv.Start)
}

// Start after Close would start a server that nothing closes.
func TestStartAfterClose(t *testing.T) {
	srv := fullstorytest.NewUnstartedServer()
	srv.Close()
	assert.PanicsWithValue(t, "fullstorytest: Server.Start called after Close", srv.Start)
	assert.Empty(t, srv.URL)
}

// The handlers use the key the server was created with, so a test that
// writes the APIKey field while requests are served does not race with
// them (go test -race), and the write changes nothing.
func TestAPIKeyFieldIsACopy(t *testing.T) {
	srv := newServer(t)
	c := srv.Client()
	served := make(chan error, 1)
	go func() {
		_, err := c.Profiles.List(t.Context(), nil)
		served <- err
	}()
	srv.APIKey = "changed"
	require.NoError(t, <-served)

	_, err := srv.Client().Profiles.List(t.Context(), nil)
	require.NoError(t, err, "Client still uses the key the server accepts")
	assert.Equal(t, http.StatusUnauthorized, raw(t, srv, "GET", "/v2/visit_profile", "", "Basic changed").Status)
	assert.Equal(t, http.StatusOK, raw(t, srv, "GET", "/v2/visit_profile", "", "Basic "+fullstorytest.DefaultAPIKey).Status)
}

func TestWithAPIKeyEmpty(t *testing.T) {
	assert.PanicsWithValue(t, `fullstorytest: WithAPIKey(""): the API key is empty, and the client refuses an empty key`, func() {
		fullstorytest.NewUnstartedServer(fullstorytest.WithAPIKey("")).Close()
	})
}

func TestConcurrentUse(t *testing.T) {
	srv := newServer(t)
	c := srv.Client()
	ctx := t.Context()
	id := fullstorytest.DemoCheckoutSession
	const workers, rounds = 8, 5
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds*5)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				pid, err := c.Profiles.Create(ctx, &fullstory.ProfileRequest{Name: fmt.Sprintf("w%d-%d", w, r)})
				errs <- err
				_, err = c.Sessions.Summarize(ctx, id, &fullstory.SummarizeRequest{Profile: pid})
				errs <- err
				_, err = c.Sessions.Events(ctx, id)
				errs <- err
				added := srv.AddSession(fullstorytest.RecordedSession{Email: fmt.Sprintf("w%d@example.com", w), Events: []fullstorytest.RecordedEvent{{URL: "/"}}})
				_, err = c.Sessions.Context(ctx, added, nil)
				errs <- err
				srv.InjectFault(fullstorytest.Fault{Path: "/nowhere"})
				_ = srv.Requests()
				_, err = c.Profiles.List(ctx, &fullstory.ListProfilesOptions{Limit: 3})
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Len(t, srv.Requests(), workers*rounds*5)
	page, err := c.Profiles.List(ctx, &fullstory.ListProfilesOptions{Limit: 100})
	require.NoError(t, err)
	assert.Len(t, page.Profiles, workers*rounds)
	sessions, err := c.Sessions.List(ctx, &fullstory.ListSessionsOptions{Email: "w0@example.com", Limit: 100})
	require.NoError(t, err)
	assert.Len(t, sessions, rounds)
}

// Close closes the Clients the Server handed out: a call after it fails at
// once with fullstory.ErrClientClosed, not with a refused connection.
func TestCloseClosesTheClientsItHandedOut(t *testing.T) {
	srv := fullstorytest.NewServer()
	c := srv.Client()
	_, err := c.Profiles.List(t.Context(), nil)
	require.NoError(t, err)
	srv.Close()

	_, err = c.Profiles.List(t.Context(), nil)
	require.ErrorIs(t, err, fullstory.ErrClientClosed)
	assert.NotContains(t, err.Error(), "refused")
}
