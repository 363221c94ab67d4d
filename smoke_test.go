package fullstory_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

func TestSmokeSummarize(t *testing.T) {
	var calls int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		assert.Equal(t, "/v2/sessions/123%3A456/summary?config_profile=p1", r.RequestURI)
		assert.Equal(t, "Basic KEY", r.Header.Get("Authorization"))
		if calls == 1 {
			w.WriteHeader(503)
			w.Write([]byte(`{"code":"unavailable","message":"try later"}`))
			return
		}
		w.Write([]byte(`{"summary":"hello"}`))
	}))
	defer srv.Close()
	c, err := fullstory.NewClient("KEY", fullstory.WithBaseURL(srv.URL), fullstory.WithRetryWait(1e6, 2e6))
	require.NoError(t, err)
	sum, err := c.Sessions.Summarize(context.Background(), fullstory.NewSessionID("123", "456"), &fullstory.SummarizeRequest{Profile: "p1"})
	require.NoError(t, err)
	assert.Equal(t, "hello", sum.Text)
	assert.Equal(t, 2, calls)
}
