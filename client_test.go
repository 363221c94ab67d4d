package fullstory_test

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

// The Client (client.go): the key, the base URL by key, region and option,
// the User-Agent, and a printed Client that hides the key.

func TestNewClientKeyValidation(t *testing.T) {
	for name, key := range map[string]string{
		"empty":            "",
		"blank":            "   ",
		"space inside":     "na1.abc def",
		"trailing newline": "na1.abc\n",
		"leading tab":      "\tna1.abc",
		"control":          "na1.abc\x00",
	} {
		t.Run("key "+name, func(t *testing.T) {
			c, err := fullstory.NewClient(key)
			requireInvalidArgument(t, err)
			assert.Nil(t, c)
		})
	}
}

func TestDefaultUserAgent(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, `{"id":"p1"}`)))
	c := wireClient(t, ws)

	_, err := c.Profiles.Get(context.Background(), "p1")
	require.NoError(t, err)
	r := ws.only(t)
	assert.Equal(t, "fullstory-go/"+fullstory.Version+" ("+runtime.Version()+"; "+runtime.GOOS+"/"+runtime.GOARCH+")", r.Header.Get("User-Agent"))
	assertWireHeaders(t, r, false)
}

func TestBaseURLSelection(t *testing.T) {
	for _, tc := range []struct {
		name    string
		key     string
		opts    []fullstory.Option
		perCall []fullstory.Option
		want    string // scheme, host and path prefix
	}{
		{name: "na1 key", key: "na1.abc", want: fullstory.DefaultBaseURL},
		{name: "key without a prefix", key: "legacykey123", want: fullstory.DefaultBaseURL},
		{name: "eu1 key", key: "eu1.abc", want: fullstory.EU1BaseURL},
		{name: "eu1 key, region na1", key: "eu1.abc", opts: []fullstory.Option{fullstory.WithRegion(fullstory.RegionNA1)}, want: fullstory.DefaultBaseURL},
		{name: "na1 key, region eu1", key: "na1.abc", opts: []fullstory.Option{fullstory.WithRegion(fullstory.RegionEU1)}, want: fullstory.EU1BaseURL},
		{name: "eu1 key, base URL", key: "eu1.abc", opts: []fullstory.Option{fullstory.WithBaseURL("https://proxy.example.com")}, want: "https://proxy.example.com"},
		{
			name: "base URL wins over region", key: "na1.abc",
			opts: []fullstory.Option{fullstory.WithBaseURL("https://proxy.example.com/fullstory/"), fullstory.WithRegion(fullstory.RegionEU1)},
			want: "https://proxy.example.com/fullstory",
		},
		{name: "region per call", key: "na1.abc", perCall: []fullstory.Option{fullstory.WithRegion(fullstory.RegionEU1)}, want: fullstory.EU1BaseURL},
		{name: "base URL per call", key: "eu1.abc", perCall: []fullstory.Option{fullstory.WithBaseURL("https://gw.example.com/v/")}, want: "https://gw.example.com/v"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hr := &wireHostRecorder{body: `{"profiles":[]}`}
			opts := append([]fullstory.Option{fullstory.WithHTTPClient(&http.Client{Transport: hr})}, tc.opts...)
			c, err := fullstory.NewClient(tc.key, opts...)
			require.NoError(t, err)

			_, err = c.Profiles.List(context.Background(), &fullstory.ListProfilesOptions{Limit: 1}, tc.perCall...)
			require.NoError(t, err)
			u := hr.lastURL(t)
			assert.Equal(t, tc.want+"/v2/visit_profile", u.Scheme+"://"+u.Host+u.EscapedPath())
			assert.Equal(t, "limit=1", u.RawQuery)

			if len(tc.perCall) == 0 {
				assert.Contains(t, c.String(), `"`+tc.want+`"`)
			}
			assert.NotContains(t, c.String(), tc.key)
			assert.NotContains(t, fmt.Sprintf("%v %+v %#v %s", c, c, c, c), tc.key)
		})
	}
}

func TestBaseURLTrailingSlashAndPathPrefix(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, `{"summary":"ok","id":"p1"}`)))
	ctx := context.Background()

	for _, tc := range []struct {
		base, prefix string
	}{
		{ws.URL, ""},
		{ws.URL + "/", ""},
		{ws.URL + "/api/fullstory", "/api/fullstory"},
		{ws.URL + "/api/fullstory/", "/api/fullstory"},
		{"  " + ws.URL + "/x/  ", "/x"},
	} {
		c := wireClientAt(t, tc.base)
		_, err := c.Profiles.Get(ctx, "p1")
		require.NoError(t, err, tc.base)
		_, err = c.Sessions.Summarize(ctx, quickStartSessionID, &fullstory.SummarizeRequest{Profile: "p1"})
		require.NoError(t, err, tc.base)
	}
	var uris []string
	for _, r := range ws.requests() {
		uris = append(uris, r.RequestURI)
	}
	summary := "/v2/sessions/" + quickStartEscaped + "/summary?config_profile=p1"
	assert.Equal(t, []string{
		"/v2/visit_profile/p1", summary,
		"/v2/visit_profile/p1", summary,
		"/api/fullstory/v2/visit_profile/p1", "/api/fullstory" + summary,
		"/api/fullstory/v2/visit_profile/p1", "/api/fullstory" + summary,
		"/x/v2/visit_profile/p1", "/x" + summary,
	}, uris)
}

func TestClientStringHidesTheKey(t *testing.T) {
	c, err := fullstory.NewClient("eu1.SECRET-KEY-123")
	require.NoError(t, err)
	for _, s := range []string{c.String(), c.GoString(), fmt.Sprintf("%v", c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c)} {
		assert.NotContains(t, s, "SECRET-KEY-123")
	}
	assert.Contains(t, c.String(), fullstory.EU1BaseURL)

	var nilClient *fullstory.Client
	assert.NotPanics(t, func() { _ = fmt.Sprint(nilClient) }) // String has a value receiver, so that a Client value hides the key too
}

// TestSecrecyClientValue prints a Client by value, as %v of a struct that
// embeds one, or a careless *c, would.
func TestSecrecyClientValue(t *testing.T) {
	c, err := fullstory.NewClient(secretKey)
	require.NoError(t, err)
	for _, verb := range []string{"%v", "%+v", "%#v"} {
		assertNoSecrets(t, verb+" of *client", fmt.Sprintf(verb, *c))
		assertNoSecrets(t, verb+" of a struct holding the client", fmt.Sprintf(verb, struct{ C *fullstory.Client }{c}))
	}
}
