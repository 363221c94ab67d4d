package fullstory_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

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

// closeCountingServer is an httptest server that answers every request
// with okBody and counts the requests it handled and the connections that
// closed.
type closeCountingServer struct {
	URL            string
	hits, closedCn atomic.Int64
	srv            *httptest.Server
}

func newCloseCountingServer(t *testing.T) *closeCountingServer {
	t.Helper()
	cs := &closeCountingServer{}
	cs.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cs.hits.Add(1)
		faultOK(w, r)
	}))
	cs.srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateClosed {
			cs.closedCn.Add(1)
		}
	}
	cs.srv.Start()
	t.Cleanup(cs.srv.Close)
	cs.URL = cs.srv.URL
	return cs
}

// Close closes the idle connections of the transport the Client made, may
// be called again, and every call after it fails at once, sending nothing.
func TestCloseClosesTheIdleConnectionsAndRefusesLaterCalls(t *testing.T) {
	t.Parallel()
	cs := newCloseCountingServer(t)
	c := newTestClient(t, secretKey, cs.URL)
	ctx := boundedContext(t, 5*time.Second)

	_, err := c.Profiles.Get(ctx, "p1")
	require.NoError(t, err)
	require.Zero(t, cs.closedCn.Load(), "the connection stays open in the pool")

	require.NoError(t, c.Close())
	require.Eventually(t, func() bool { return cs.closedCn.Load() == 1 }, 5*time.Second, time.Millisecond,
		"the server never saw the idle connection close")
	require.NoError(t, c.Close(), "Close again")

	for _, op := range testOps() {
		err := op.call(ctx, c)
		require.ErrorIs(t, err, fullstory.ErrClientClosed, op.name)
		assert.Contains(t, err.Error(), "the Client is closed", op.name)
		assert.True(t, strings.HasPrefix(err.Error(), "fullstory: "+op.method+" /"), "error names the call: %q", err)
		assert.NotErrorIs(t, err, fullstory.ErrInvalidArgument, op.name)
	}
	for _, err := range c.Profiles.All(ctx, nil) {
		require.ErrorIs(t, err, fullstory.ErrClientClosed, "Profiles.All")
	}
	for _, res := range c.Sessions.SummarizeEach(ctx, []fullstory.SessionID{testSession, testSession}, nil) {
		require.ErrorIs(t, res.Err, fullstory.ErrClientClosed, "SummarizeEach")
	}
	assert.EqualValues(t, 1, cs.hits.Load(), "requests the server handled")
	assert.Zero(t, c.ActivationStats().Spent, "no Activation spent after Close")
}

// A transport passed with WithHTTPClient is the caller's: Close leaves its
// connections open, and the caller can go on using it.
func TestCloseLeavesTheCallersTransportAlone(t *testing.T) {
	t.Parallel()
	cs := newCloseCountingServer(t)
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	c := newTestClient(t, secretKey, cs.URL, fullstory.WithHTTPClient(&http.Client{Transport: tr}))
	ctx := boundedContext(t, 5*time.Second)

	_, err := c.Profiles.Get(ctx, "p1")
	require.NoError(t, err)
	require.NoError(t, c.Close())
	_, err = c.Profiles.Get(ctx, "p1")
	require.ErrorIs(t, err, fullstory.ErrClientClosed)

	// The caller's transport still has the connection, idle, and reuses it.
	var reused bool
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) { reused = info.Reused },
	}), "GET", cs.URL+"/v2/visit_profile/p1", nil)
	require.NoError(t, err)
	resp, err := tr.RoundTrip(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	assert.True(t, reused, "the caller's idle connection was closed")
	assert.Zero(t, cs.closedCn.Load(), "connections closed")
	assert.EqualValues(t, 2, cs.hits.Load())
}

// Users' tests that drop Clients after Close leave no goroutine behind for
// goleak to find: not the connections' read and write loops, which would
// otherwise wait out the 90s idle timeout. It does not run in parallel, so
// that the goroutines it sees are its own. The server outlives the check,
// as a server that a test does not own would.
func TestClientsDroppedAfterCloseLeaveNoGoroutines(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(faultOK))
	defer srv.Close()
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent()) // runs before srv.Close
	ctx := boundedContext(t, 10*time.Second)
	for range 50 {
		c := newTestClient(t, secretKey, srv.URL)
		_, err := c.Profiles.Get(ctx, "p1")
		require.NoError(t, err)
		// A summary runs on a worker that would wait a while for the next.
		_, err = c.Sessions.Summarize(ctx, testSession, nil)
		require.NoError(t, err)
		require.NoError(t, c.Close())
	}
}
