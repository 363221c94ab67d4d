package fullstorytest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/summarykit/fullstory-go/fullstorytest"
)

// direct sends a request straight to srv's handler, without a connection,
// for tests that send many.
func direct(srv *fullstorytest.Server, method, target, body string, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	r.Header.Set("Authorization", "Basic "+srv.APIKey)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	srv.Handler().ServeHTTP(w, r)
	return w
}

// limits returns the limit query parameter of each recorded request.
func limits(srv *fullstorytest.Server) []string {
	var out []string
	for _, r := range srv.Requests() {
		out = append(out, r.Query.Get("limit"))
	}
	return out
}

func TestRequestLogKeepsTheLast(t *testing.T) {
	srv := fullstorytest.NewUnstartedServer(fullstorytest.WithRequestLog(3))
	defer srv.Close()
	for i := range 7 {
		require.Equal(t, http.StatusOK, direct(srv, "GET", fmt.Sprintf("/v2/visit_profile?limit=%d", i), "").Code)
	}
	assert.Equal(t, []string{"4", "5", "6"}, limits(srv), "the last three, oldest first")

	srv.ResetRequests()
	assert.Empty(t, srv.Requests())
	direct(srv, "GET", "/v2/visit_profile?limit=7", "")
	direct(srv, "GET", "/v2/visit_profile?limit=8", "")
	assert.Equal(t, []string{"7", "8"}, limits(srv), "recording goes on after a reset")
}

func TestRequestLogDefault(t *testing.T) {
	srv := fullstorytest.NewUnstartedServer()
	defer srv.Close()
	for i := range 1005 {
		direct(srv, "GET", fmt.Sprintf("/v2/visit_profile?limit=%d", i), "")
	}
	got := limits(srv)
	require.Len(t, got, 1000)
	assert.Equal(t, "5", got[0])
	assert.Equal(t, "1004", got[999])
}

func TestRequestLogOff(t *testing.T) {
	srv := fullstorytest.NewUnstartedServer(fullstorytest.WithRequestLog(0))
	defer srv.Close()
	for range 3 {
		require.Equal(t, http.StatusOK, direct(srv, "POST", "/v2/visit_profile", `{"name":"x"}`).Code, "served, just not recorded")
	}
	assert.Empty(t, srv.Requests())
}

// The server remembers the last 1000 Idempotency-Keys: an older key counts
// as new, so a long-running fake does not grow without bound.
func TestIdempotencyKeysBounded(t *testing.T) {
	srv := fullstorytest.NewUnstartedServer(fullstorytest.WithRequestLog(0))
	defer srv.Close()
	create := func(key, name string) *httptest.ResponseRecorder {
		return direct(srv, "POST", "/v2/visit_profile", fmt.Sprintf(`{"name":%q}`, name), "Idempotency-Key", key)
	}
	first := make([]string, 1001)
	for i := range first {
		w := create(fmt.Sprint("k", i), "p")
		require.Equal(t, http.StatusOK, w.Code)
		first[i] = w.Body.String()
	}

	w := create("k500", "p")
	require.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, first[500], w.Body.String(), "a recent key is replayed")
	assert.Equal(t, http.StatusBadRequest, create("k1000", "other").Code, "a recent key with another request is refused")

	w = create("k0", "other")
	assert.Equal(t, http.StatusOK, w.Code, "the oldest key was forgotten: %s", w.Body)
	assert.NotEqual(t, first[0], w.Body.String(), "handled again, as a new profile")
}

// The Idempotency-Keys are also bounded by what they hold: at most 64 MiB
// of requests and responses, so 1,000 keys with 8 MiB bodies do not take
// 8 GiB. The oldest key goes first and then counts as new.
func TestIdempotencyKeysBoundedInBytes(t *testing.T) {
	srv := fullstorytest.NewUnstartedServer(fullstorytest.WithRequestLog(0))
	defer srv.Close()
	big := strings.Repeat("x", 8<<20) // not JSON: refused at once, but remembered with its key
	for i := range 9 {
		w := direct(srv, "POST", "/v2/visit_profile", big, "Idempotency-Key", fmt.Sprint("big", i))
		require.Equal(t, http.StatusBadRequest, w.Code)
	}
	w := direct(srv, "POST", "/v2/visit_profile", `{"name":"other"}`, "Idempotency-Key", "big8")
	assert.Equal(t, http.StatusBadRequest, w.Code, "the last key is remembered: another request with it is refused")
	assert.Contains(t, w.Body.String(), "used with a different request")
	w = direct(srv, "POST", "/v2/visit_profile", `{"name":"other"}`, "Idempotency-Key", "big0")
	assert.Equal(t, http.StatusOK, w.Code, "72 MiB of bodies: the first key was forgotten: %s", w.Body)
}

// The request log keeps at most 64 MiB of requests, the last ones.
func TestRequestLogBoundedInBytes(t *testing.T) {
	srv := fullstorytest.NewUnstartedServer()
	defer srv.Close()
	big := strings.Repeat("x", 8<<20)
	for i := range 9 {
		direct(srv, "POST", fmt.Sprintf("/v2/visit_profile?limit=%d", i), big)
	}
	got := limits(srv)
	require.NotEmpty(t, got)
	assert.Less(t, len(got), 9, "not all 72 MiB are kept")
	assert.Equal(t, "8", got[len(got)-1], "the last is kept")
	var total int
	for _, r := range srv.Requests() {
		total += len(r.Body)
	}
	assert.LessOrEqual(t, total, 64<<20)
}
