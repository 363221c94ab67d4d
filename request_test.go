package fullstory_test

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

// The one request path (request.go): the headers every request carries,
// the body replayed byte for byte, and nothing sent for a done context.

func TestRequestHeaders(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, `{"id":"p1"}`)))
	c := wireClient(t, ws, fullstory.WithUserAgent("support-console/1.2"), fullstory.WithIntegrationSource("zendesk-app"))
	ctx := context.Background()

	_, err := c.Profiles.Create(ctx, supportAssistant(), fullstory.WithIdempotencyKey("6f1c2a9e-3b7d-4e0a-9c4f-1d2e3f405162"))
	require.NoError(t, err)
	_, err = c.Profiles.Create(ctx, supportAssistant())
	require.NoError(t, err)
	_, err = c.Profiles.Get(ctx, "p1", fullstory.WithUserAgent("per-call/2"), fullstory.WithIntegrationSource("other"))
	require.NoError(t, err)

	reqs := ws.requests()
	require.Len(t, reqs, 3)
	ourUA := "fullstory-go/" + fullstory.Version + " (" + runtime.Version() + "; " + runtime.GOOS + "/" + runtime.GOARCH + ")"
	for i, r := range reqs {
		assert.Equal(t, "Basic "+wireAPIKey, r.Header.Get("Authorization"), "request %d: the raw key, not base64", i)
		assert.Equal(t, "application/json", r.Header.Get("Accept"), "request %d", i)
		assert.True(t, strings.HasPrefix(r.Header.Get("User-Agent"), "fullstory-go/0.1.0 ("), "request %d: %q", i, r.Header.Get("User-Agent"))
	}

	withKey := reqs[0]
	assert.Equal(t, ourUA+" support-console/1.2", withKey.Header.Get("User-Agent"))
	assert.Equal(t, "zendesk-app", withKey.Header.Get("Integration-Source"))
	assert.Equal(t, "6f1c2a9e-3b7d-4e0a-9c4f-1d2e3f405162", withKey.Header.Get("Idempotency-Key"))
	assert.Equal(t, "application/json", withKey.Header.Get("Content-Type"))

	withoutKey := reqs[1]
	assert.Empty(t, withoutKey.Header.Values("Idempotency-Key"), "a per-call option leaked into the next call")
	assert.Equal(t, "zendesk-app", withoutKey.Header.Get("Integration-Source"))
	assert.Equal(t, withKey.Body, withoutKey.Body)

	get := reqs[2]
	assert.Equal(t, ourUA+" per-call/2", get.Header.Get("User-Agent"))
	assert.Equal(t, "other", get.Header.Get("Integration-Source"))
	assert.Empty(t, get.Header.Values("Content-Type"), "a GET has no body, so no Content-Type")
	assert.Empty(t, get.Header.Values("Idempotency-Key"))
}

func TestRetriesSendTheSameBodyBytes(t *testing.T) {
	ws := newTestServer(t, wireReplies(
		wireStatusError(http.StatusTooManyRequests),
		wireReply{Status: http.StatusServiceUnavailable, Body: `{"code":"unavailable","message":"try again"}`, Header: map[string]string{"Retry-After": "0"}},
		wireStatusError(http.StatusTooManyRequests),
		wireFixtureReply(t, "summary_text.json"),
	))
	c := wireClient(t, ws, fullstory.WithMaxRetries(3))

	_, err := c.Sessions.Summarize(boundedContext(t, 5*time.Second), quickStartSessionID, &fullstory.SummarizeRequest{
		Profile:   "p1",
		Overrides: &fullstory.ProfileConfig{LLM: &fullstory.LLMConfig{PrePrompt: "Be brief <3", Temperature: fullstory.Ptr(0.0)}},
	})
	require.NoError(t, err)
	reqs := ws.requests()
	require.Len(t, reqs, 4)
	require.NotEmpty(t, reqs[0].Body)
	for i, r := range reqs {
		assert.Equal(t, string(reqs[0].Body), string(r.Body), "attempt %d", i+1)
		assert.Equal(t, http.MethodPost, r.Method)
	}
}

func TestCancelledContextSendsNothing(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, `{"id":"p1"}`)))
	c := wireClient(t, ws)
	ctx, cancel := context.WithCancel(boundedContext(t, 5*time.Second))
	cancel()

	_, err := c.Profiles.Get(ctx, "p1")
	require.ErrorIs(t, err, context.Canceled)
	assert.True(t, errors.Is(err, context.Canceled))
	assert.Equal(t, 0, ws.hits())
}

// The fault matrix (faults_test.go) shows on a reused connection that
// net/http re-sends nothing behind the policy's back; these show what the
// requests look like that make it so.

// Requests keep reusing connections: what keeps net/http from replaying them
// must not cost a connection per call.
func TestConnectionsAreStillReused(t *testing.T) {
	t.Parallel()
	ws := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		assert.Empty(t, r.TransferEncoding, "a GET is sent without a body")
		assert.Zero(t, r.ContentLength)
		io.WriteString(w, `{"summary":"s"}`)
	})
	c := wireClient(t, ws)
	for range 20 {
		_, err := c.Sessions.Summarize(t.Context(), fullstory.NewSessionID("1", "2"), nil)
		require.NoError(t, err)
	}
	assert.Equal(t, int64(1), ws.conns.Load(), "20 calls in a row on one connection")
}

// Over HTTP/2, a GET goes out without a body too, and a POST with its body.
func TestHTTP2RequestsAreWellFormed(t *testing.T) {
	t.Parallel()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, 2, r.ProtoMajor)
		body, _ := io.ReadAll(r.Body)
		if r.Method == http.MethodGet {
			assert.Empty(t, body)
			io.WriteString(w, `{"summary":"s"}`)
			return
		}
		assert.JSONEq(t, `{"name":"n"}`, string(body))
		io.WriteString(w, `{"id":"p1"}`)
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	tr := srv.Client().Transport.(*http.Transport).Clone()
	tr.ForceAttemptHTTP2 = true
	tr.TLSClientConfig = &tls.Config{RootCAs: srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs}
	c, err := fullstory.NewClient("KEY", fullstory.WithBaseURL(srv.URL), fullstory.WithHTTPClient(&http.Client{Transport: tr}))
	require.NoError(t, err)
	_, err = c.Sessions.Summarize(t.Context(), fullstory.NewSessionID("1", "2"), nil)
	require.NoError(t, err)
	id, err := c.Profiles.Create(t.Context(), &fullstory.ProfileRequest{Name: "n"})
	require.NoError(t, err)
	assert.Equal(t, fullstory.ProfileID("p1"), id)
}
