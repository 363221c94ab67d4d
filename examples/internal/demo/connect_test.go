package demo

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest"
)

func TestConnectWithoutKeyRunsTheFake(t *testing.T) {
	var w strings.Builder
	api, err := Connect(&w, "", "", "demo-test")
	require.NoError(t, err)
	defer api.Close()
	assert.True(t, api.Fake)
	assert.Equal(t, "Running offline on the in-memory fake Fullstory API (set FULLSTORY_API_KEY to call the real one).\n", w.String())

	c, err := fullstory.NewClient(api.APIKey, api.Options...)
	require.NoError(t, err)
	sessions, err := c.Sessions.List(context.Background(), &fullstory.ListSessionsOptions{Email: fullstorytest.DemoEmail})
	require.NoError(t, err)
	assert.NotEmpty(t, sessions, "the fake holds the demo data")
}

func TestConnectBaseURLNeedsKey(t *testing.T) {
	var w strings.Builder
	api, err := Connect(&w, "", "http://127.0.0.1:1", "demo-test")
	assert.Nil(t, api)
	assert.ErrorContains(t, err, "FULLSTORY_API_KEY")
	assert.Empty(t, w.String(), "no fake, no word of one")
}

// TestConnectWithKey takes the real-API path, with a fake standing in for
// the API at the base URL, to see where the client's requests go.
func TestConnectWithKey(t *testing.T) {
	srv := fullstorytest.NewServer(fullstorytest.WithAPIKey("real-key"))
	defer srv.Close()

	var w strings.Builder
	api, err := Connect(&w, "real-key", srv.URL, "demo-test")
	require.NoError(t, err)
	defer api.Close()
	assert.False(t, api.Fake)
	assert.Empty(t, w.String())
	assert.Equal(t, "real-key", api.APIKey)

	c, err := fullstory.NewClient(api.APIKey, api.Options...)
	require.NoError(t, err)
	_, err = c.Sessions.List(context.Background(), &fullstory.ListSessionsOptions{Email: fullstorytest.DemoEmail})
	require.NoError(t, err)
	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	assert.Contains(t, reqs[0].Header.Get("User-Agent"), "demo-test")
}

func TestConnectWithKeyWithoutBaseURL(t *testing.T) {
	api, err := Connect(io.Discard, "eu1.key", "", "demo-test")
	require.NoError(t, err)
	defer api.Close()
	c, err := fullstory.NewClient(api.APIKey, api.Options...)
	require.NoError(t, err)
	assert.Contains(t, c.String(), fullstory.EU1BaseURL, "the key's region picks the host")
}
