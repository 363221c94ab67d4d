package fullstory_test

import (
	"fmt"
	"net/http"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

// redirectServer answers a profile creation with status and a Location on
// the same host, and the Location itself with a created profile, whatever
// the method.
func redirectServer(t *testing.T, status int) *wireServer {
	t.Helper()
	return newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v2/visit_profile" {
			w.Header().Set("Location", "/v2/moved/visit_profile")
			w.WriteHeader(status)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"id":"p1","name":"support assistant"}`)
	})
}

// A 301, 302 or 303 would turn the POST into a bodiless GET, which could
// "succeed" without creating anything: the client returns the redirect.
func TestRedirectThatChangesTheMethodIsNotFollowed(t *testing.T) {
	for _, status := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			ws := redirectServer(t, status)
			c := wireClient(t, ws)

			id, err := c.Profiles.Create(boundedContext(t, 5*time.Second), supportAssistant())
			assert.Empty(t, id)
			ae := requireAPIError(t, err)
			assert.Equal(t, status, ae.StatusCode)
			assert.Equal(t, 1, ae.Attempts)
			r := ws.only(t)
			assert.Equal(t, http.MethodPost, r.Method)
			assert.Equal(t, "/v2/visit_profile", r.RequestURI)
		})
	}
}

// A 307 or 308 on the same host keeps the method and body: the client
// follows it, with the same body and headers.
func TestSameHostRedirectKeepingTheMethodIsFollowed(t *testing.T) {
	for _, status := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			ws := redirectServer(t, status)
			c := wireClient(t, ws)

			id, err := c.Profiles.Create(boundedContext(t, 5*time.Second), supportAssistant())
			require.NoError(t, err)
			assert.Equal(t, fullstory.ProfileID("p1"), id)

			reqs := ws.requests()
			require.Len(t, reqs, 2)
			first, moved := reqs[0], reqs[1]
			assert.Equal(t, "/v2/moved/visit_profile", moved.RequestURI)
			assert.Equal(t, http.MethodPost, moved.Method)
			require.NotEmpty(t, first.Body)
			assert.Equal(t, string(first.Body), string(moved.Body), "the redirected request lost or changed its body")
			assert.Equal(t, "Basic "+wireAPIKey, moved.Header.Get("Authorization"))
			assert.Equal(t, "application/json", moved.Header.Get("Content-Type"))
		})
	}
}

// A redirect to another host is not followed, so that the key stays with
// the API host.
func TestRedirectToAnotherHostIsNotFollowed(t *testing.T) {
	other := newTestServer(t, wireReplies(wireJSON(http.StatusOK, `{"id":"p1"}`)))
	ws := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", other.URL+"/v2/visit_profile")
		w.WriteHeader(http.StatusTemporaryRedirect)
	})
	c := wireClient(t, ws)

	_, err := c.Profiles.Create(boundedContext(t, 5*time.Second), supportAssistant())
	ae := requireAPIError(t, err)
	assert.Equal(t, http.StatusTemporaryRedirect, ae.StatusCode)
	assert.Equal(t, 1, ws.hits())
	assert.Equal(t, 0, other.hits(), "the request, and its key, went to another host")
}

// WithHTTPClient sends through the caller's client but never changes it,
// and the caller's CheckRedirect still has its say on same-host redirects.
func TestWithHTTPClientLeavesTheCallersClientAlone(t *testing.T) {
	ws := redirectServer(t, http.StatusTemporaryRedirect)
	ac := newAttemptCounter(t)
	var checked atomic.Int64
	checkRedirect := func(*http.Request, []*http.Request) error {
		checked.Add(1)
		return nil
	}
	hc := &http.Client{Transport: ac, Timeout: 7 * time.Second, CheckRedirect: checkRedirect}
	plain := &http.Client{Transport: ac, Timeout: 9 * time.Second}
	ctx := boundedContext(t, 5*time.Second)

	c := wireClient(t, ws, fullstory.WithHTTPClient(hc))
	_, err := c.Profiles.Create(ctx, supportAssistant())
	require.NoError(t, err, "a 307 through the caller's client")
	_, err = c.Profiles.Create(ctx, supportAssistant(), fullstory.WithHTTPClient(plain))
	require.NoError(t, err, "a 307 through a per-call client")

	see := redirectServer(t, http.StatusSeeOther)
	c2 := wireClient(t, see, fullstory.WithHTTPClient(plain))
	_, err = c2.Profiles.Create(ctx, supportAssistant())
	assert.Equal(t, http.StatusSeeOther, requireAPIError(t, err).StatusCode, "a 303 through the caller's client")

	assert.Equal(t, 5, ac.attempts(), "the requests did not go through the caller's transport")
	assert.Equal(t, 4, ws.hits())
	assert.EqualValues(t, 1, checked.Load(), "the caller's CheckRedirect was not asked about the same-host redirect")

	assert.Same(t, ac, hc.Transport, "the caller's Transport was replaced")
	assert.Equal(t, 7*time.Second, hc.Timeout)
	require.NotNil(t, hc.CheckRedirect)
	assert.Equal(t, reflect.ValueOf(checkRedirect).Pointer(), reflect.ValueOf(hc.CheckRedirect).Pointer(), "the caller's CheckRedirect was replaced")
	assert.Nil(t, hc.Jar)

	assert.Same(t, ac, plain.Transport, "the caller's Transport was replaced")
	assert.Equal(t, 9*time.Second, plain.Timeout)
	assert.Nil(t, plain.CheckRedirect, "the caller's client got a CheckRedirect")
	assert.Nil(t, plain.Jar)
}
