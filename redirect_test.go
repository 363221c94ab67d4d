package fullstory_test

import (
	"fmt"
	"net/http"
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
