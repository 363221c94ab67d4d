package fullstory_test

import (
	"io"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

func TestWithResponseIntoOnSuccessAndFailure(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	ws := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "req-"+r.URL.Path)
		if n.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		if r.URL.Path == "/v2/visit_profile/nope" {
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"code":"resource_not_found","message":"no"}`)
			return
		}
		io.WriteString(w, `{"sessions":[]}`)
	})
	c := wireClient(t, ws)

	var resp fullstory.Response
	_, err := c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{UID: "u"}, fullstory.WithResponseInto(&resp))
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, 2, resp.Attempts, "a 503, then the answer")
	assert.Equal(t, "req-/sessions/v2", resp.RequestID())

	var failed fullstory.Response
	_, err = c.Profiles.Get(t.Context(), "nope", fullstory.WithResponseInto(&failed))
	require.ErrorIs(t, err, fullstory.ErrNotFound)
	assert.Equal(t, http.StatusNotFound, failed.StatusCode)
	assert.Equal(t, "req-/v2/visit_profile/nope", failed.RequestID())

	assert.Empty(t, (&fullstory.Response{Header: http.Header{}}).RequestID())
}

func TestWithResponseIntoIsPerCall(t *testing.T) {
	t.Parallel()
	var resp fullstory.Response
	_, err := fullstory.NewClient("KEY", fullstory.WithResponseInto(&resp))
	assert.ErrorIs(t, err, fullstory.ErrInvalidArgument)

	c, err := fullstory.NewClient("KEY", fullstory.WithBaseURL("http://127.0.0.1:1"))
	require.NoError(t, err)
	_, err = c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{UID: "u"}, fullstory.WithResponseInto(nil))
	assert.ErrorIs(t, err, fullstory.ErrInvalidArgument)
	for _, res := range c.Sessions.SummarizeEach(t.Context(), []fullstory.SessionID{fullstory.NewSessionID("1", "2")}, nil, fullstory.WithResponseInto(&resp)) {
		assert.ErrorIs(t, res.Err, fullstory.ErrInvalidArgument, "many summaries cannot share one Response")
	}
}

func TestWithHeaderOnClientAndCall(t *testing.T) {
	t.Parallel()
	ws := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"sessions":[]}`)
	})
	c := wireClient(t, ws, fullstory.WithHeader("X-Tenant", "acme"))

	_, err := c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{UID: "u"}, fullstory.WithHeader("x-trace", "t-1"), fullstory.WithHeader("X-Trace", "t-2"))
	require.NoError(t, err)
	_, err = c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{UID: "u"})
	require.NoError(t, err)

	got := ws.requests()
	require.Len(t, got, 2)
	assert.Equal(t, "acme", got[0].Header.Get("X-Tenant"))
	assert.Equal(t, []string{"t-1", "t-2"}, got[0].Header.Values("X-Trace"))
	assert.Equal(t, "Basic "+wireAPIKey, got[0].Header.Get("Authorization"))
	assert.Equal(t, "acme", got[1].Header.Get("X-Tenant"))
	assert.Empty(t, got[1].Header.Values("X-Trace"), "a call's header stays with that call")
}

func TestWithHeaderRefusesWhatTheClientOwns(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ key, value string }{
		{"Authorization", "Basic other"},
		{"authorization", "x"},
		{"User-Agent", "x"},
		{"Idempotency-Key", "k"},
		{"Content-Type", "text/plain"},
		{"Host", "evil.example"},
		{"", "x"},
		{"Bad Name", "x"},
		{"X-Ok", "line\r\nInjected: yes"},
	} {
		_, err := fullstory.NewClient("KEY", fullstory.WithHeader(tc.key, tc.value))
		assert.ErrorIs(t, err, fullstory.ErrInvalidArgument, "%q: %q", tc.key, tc.value)
	}
}
