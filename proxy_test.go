package fullstory_test

import (
	"bufio"
	"encoding/base64"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

// Proxies on the way to the API (the Client's transport, in
// internal/engine/transport.go): the API key never travels in clear text
// through one, and a proxy's credentials are secrets like the key.
//
// net/http reads the proxy variables (HTTP_PROXY, HTTPS_PROXY, NO_PROXY)
// once per process, so the tests of the Client's own transport, which
// honours them, run their client part in a child process of the test
// binary (runChild) and count, in the parent, what the proxy and the API
// received.

// childEnv names, in a child process, the test whose client part it runs.
const childEnv = "FULLSTORY_TEST_CHILD"

// isChild reports whether this process is the child of t's runChild.
func isChild(t *testing.T) bool { return os.Getenv(childEnv) == t.Name() }

// runChild runs t again in a child process of the test binary, with env on
// top of this process's environment (without its proxy variables), and
// fails t if the child fails. The parent's checks run either way.
func runChild(t *testing.T, env map[string]string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+regexp.QuoteMeta(t.Name())+"$", "-test.count=1", "-test.timeout=60s")
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch strings.ToUpper(name) {
		case "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "REQUEST_METHOD", childEnv:
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	cmd.Env = append(cmd.Env, childEnv+"="+t.Name())
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	assert.NoError(t, err, "the child process failed:\n%s", out)
}

// proxyEnv is the environment of a child whose every request goes through
// proxyURL, if Go's proxy rule lets it.
func proxyEnv(proxyURL string) map[string]string {
	return map[string]string{
		"HTTP_PROXY": proxyURL, "http_proxy": proxyURL,
		"HTTPS_PROXY": proxyURL, "https_proxy": proxyURL,
		"NO_PROXY": "", "no_proxy": "",
	}
}

// loopbackSpellings are ways to write a loopback host that WithBaseURL
// takes for plain http. Go's proxy rule exempts only the exact "localhost"
// and loopback IP addresses; the others go to the proxy unless the
// transport says otherwise.
var loopbackSpellings = []string{"LOCALHOST", "Localhost", "localHost", "localhost", "127.0.0.1", "[::ffff:127.0.0.1]"}

// With HTTP_PROXY set and NO_PROXY empty, a plain-http base URL in any
// spelling of a loopback host goes straight to the API, never through the
// proxy, which would see the key in clear text. The CLI's
// FULLSTORY_BASE_URL goes through the same transport.
func TestPlainHTTPNeverGoesThroughTheEnvironmentsProxy(t *testing.T) {
	if isChild(t) {
		_, port, err := net.SplitHostPort(strings.TrimPrefix(os.Getenv("FULLSTORY_TEST_API"), "http://"))
		require.NoError(t, err)
		for _, host := range loopbackSpellings {
			c := newTestClient(t, secretKey, "http://"+host+":"+port)
			_, err := c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{Email: secretEmail})
			require.NoError(t, err, host)
			_, err = c.Sessions.Summarize(t.Context(), testSession, nil)
			require.NoError(t, err, host)
			require.NoError(t, c.Close())
		}
		return
	}
	t.Parallel()
	api := newTestServer(t, faultOK)
	proxy := newTestServer(t, func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "proxied", http.StatusBadGateway) })
	env := proxyEnv(proxy.URL)
	env["FULLSTORY_TEST_API"] = api.URL
	runChild(t, env)

	for _, r := range proxy.requests() {
		t.Errorf("the proxy received %s %s with Authorization %q", r.Method, r.RequestURI, r.Header.Get("Authorization"))
	}
	reqs := api.requests()
	require.Len(t, reqs, 2*len(loopbackSpellings), "requests the API received")
	for _, r := range reqs {
		assert.Equal(t, "Basic "+secretKey, r.Header.Get("Authorization"))
		assert.True(t, strings.HasPrefix(r.RequestURI, "/"), "a request for the server, not a proxy: %q", r.RequestURI)
	}
}

// A transport of the caller's that would send a plain-http request
// through a proxy is refused that request: nothing reaches the proxy or
// the API, the call is not retried, and the error says why.
func TestPlainHTTPIsRefusedThroughTheCallersProxy(t *testing.T) {
	t.Parallel()
	api := newTestServer(t, faultOK)
	proxy := newTestServer(t, faultOK) // a proxy that would pass anything on
	proxyURL, err := url.Parse(proxy.URL)
	require.NoError(t, err)
	tr := &http.Transport{Proxy: http.ProxyURL(proxyURL)}
	t.Cleanup(tr.CloseIdleConnections)
	logs := newLogRecorder()
	c := newTestClient(t, secretKey, api.URL, fullstory.WithHTTPClient(&http.Client{Transport: tr}), fullstory.WithLogger(logs.logger()))

	for _, op := range testOps() {
		err := op.call(t.Context(), c)
		require.Error(t, err, op.name)
		assert.Contains(t, err.Error(), "proxy", op.name)
		assert.Contains(t, err.Error(), "clear text", op.name)
		assertNoSecrets(t, err.Error(), op.name)
	}
	assert.Zero(t, proxy.hits(), "requests the proxy received")
	assert.Zero(t, api.hits(), "requests the API received")
	attempts := 0
	for _, r := range logs.records() {
		if r.Msg == "fullstory: attempt" {
			attempts++
		}
	}
	assert.Equal(t, len(testOps()), attempts, "one attempt per call: a refusal is not retried")
	assertNoSecrets(t, logs.text(), "the log")
}

// Proxy credentials, as a proxy URL carries them.
const (
	proxyUser     = "proxy-user"
	proxyPassword = "proxy-pass-9876"
)

// proxyAuth is the Proxy-Authorization value net/http sends for them.
var proxyAuth = "Basic " + base64.StdEncoding.EncodeToString([]byte(proxyUser+":"+proxyPassword))

// proxyForms are the spellings of the proxy credentials that must stay out
// of errors and logs.
var proxyForms = []string{proxyUser, proxyPassword, strings.TrimPrefix(proxyAuth, "Basic "), url.UserPassword(proxyUser, proxyPassword).String()}

// newTunnelRefusingProxy starts a proxy that answers every CONNECT 407,
// echoing in its status line the Proxy-Authorization it received, and
// records each CONNECT.
func newTunnelRefusingProxy(t *testing.T) *wireServer {
	return newRawServer(t, func(ws *wireServer, c net.Conn, br *bufio.Reader) {
		defer c.Close()
		for {
			r, err := http.ReadRequest(br)
			if err != nil {
				return
			}
			ws.record(r, nil, false)
			_, _ = c.Write([]byte("HTTP/1.1 407 echoing " + r.Header.Get("Proxy-Authorization") + " of " + proxyUser + ":" + proxyPassword +
				"\r\nProxy-Authenticate: Basic realm=\"corp\"\r\nContent-Length: 0\r\n\r\n"))
		}
	})
}

// tunnelOps are the calls of the 407 tests, one per retry class.
var tunnelOps = []string{"Profiles.Get", "Sessions.Summarize GET", "Profiles.Create"}

// checkTunnelRefused checks the calls of tunnelOps through a proxy that
// refuses the tunnel: each fails with an error that holds neither the
// proxy's credentials nor, when statusText, its status text.
func checkTunnelRefused(t *testing.T, c *fullstory.Client, logs *logRecorder, statusText bool) {
	t.Helper()
	for _, op := range testOps() {
		if !slices.Contains(tunnelOps, op.name) {
			continue
		}
		err := op.call(t.Context(), c)
		require.Error(t, err, op.name)
		assertNoSecrets(t, err.Error(), op.name, proxyForms...)
		assertNoSecrets(t, logs.text(), "the log", proxyForms...)
		if statusText {
			assert.Contains(t, err.Error(), "407", op.name)
			assert.NotContains(t, err.Error(), "echoing", "%s: the proxy's status text", op.name)
			assert.NotContains(t, logs.text(), "echoing", "the log holds the proxy's status text")
		}
	}
}

// A proxy (from HTTPS_PROXY, with credentials) that refuses the tunnel to
// the API with 407 and echoes the credentials: the error says 407 without
// the proxy's status text or the credentials, and no call is retried (a
// 407 fails the same way each time).
func TestProxyRefusingTheTunnelWith407(t *testing.T) {
	if isChild(t) {
		logs := newLogRecorder()
		c, err := fullstory.NewClient(secretKey, fullstory.WithRetryWait(time.Millisecond, 2*time.Millisecond), fullstory.WithLogger(logs.logger()))
		require.NoError(t, err)
		checkTunnelRefused(t, c, logs, true)
		return
	}
	t.Parallel()
	proxy := newTunnelRefusingProxy(t)
	u, err := url.Parse(proxy.URL)
	require.NoError(t, err)
	u.User = url.UserPassword(proxyUser, proxyPassword)
	runChild(t, proxyEnv(u.String()))

	reqs := proxy.requests()
	assert.Len(t, reqs, len(tunnelOps), "CONNECTs the proxy received: one per call, none retried")
	for _, r := range reqs {
		assert.Equal(t, "CONNECT", r.Method)
		assert.Equal(t, "api.fullstory.com:443", r.RequestURI)
		assert.Equal(t, proxyAuth, r.Header.Get("Proxy-Authorization"), "the credentials reached the proxy")
	}
}

// The same proxy set in a transport of the caller's: the credentials it
// echoes stay out of the error.
func TestProxyCredentialsOfTheCallersTransportStayOut(t *testing.T) {
	t.Parallel()
	proxy := newTunnelRefusingProxy(t)
	u, err := url.Parse(proxy.URL)
	require.NoError(t, err)
	u.User = url.UserPassword(proxyUser, proxyPassword)
	tr := &http.Transport{Proxy: http.ProxyURL(u)}
	t.Cleanup(tr.CloseIdleConnections)
	logs := newLogRecorder()
	c, err := fullstory.NewClient(secretKey, fullstory.WithHTTPClient(&http.Client{Transport: tr}),
		fullstory.WithRetryWait(time.Millisecond, 2*time.Millisecond), fullstory.WithLogger(logs.logger()))
	require.NoError(t, err)

	checkTunnelRefused(t, c, logs, false)
	reqs := proxy.requests()
	require.NotEmpty(t, reqs)
	assert.Equal(t, proxyAuth, reqs[0].Header.Get("Proxy-Authorization"), "the credentials reached the proxy")
}
