package mcpserver

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/summarykit/fullstory-go/fullstorytest"
)

func readOnlyServer(t *testing.T) *mcp.Server {
	t.Helper()
	fake := fullstorytest.NewServer()
	t.Cleanup(fake.Close)
	srv, err := New(fake.Client(), Options{ReadOnly: true})
	require.NoError(t, err)
	return srv
}

// Over stdio the server speaks nothing but protocol, and returns when the
// host closes its stdin.
func TestServeStdio(t *testing.T) {
	srv := readOnlyServer(t)
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	served := make(chan error, 1)
	go func() { served <- ServeStdio(context.Background(), srv, inR, outW) }()

	cs, err := mcp.NewClient(&mcp.Implementation{Name: "host", Version: "v0"}, nil).Connect(context.Background(), &mcp.IOTransport{Reader: outR, Writer: inW}, nil)
	require.NoError(t, err)
	out, _ := callOK[ListSessionsOutput](t, cs, ToolListSessions, map[string]any{"email": fullstorytest.DemoEmail})
	assert.Len(t, out.Sessions, 4)
	require.NoError(t, cs.Close()) // closes inW: the server's stdin ends
	assert.NoError(t, <-served, "EOF on stdin ends the server cleanly")
	outW.Close()
}

func TestServeStdioContext(t *testing.T) {
	srv := readOnlyServer(t)
	inR, inW := io.Pipe()
	defer inW.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, ServeStdio(ctx, srv, inR, io.Discard), context.Canceled)
}

// bearer adds the token to every request, as a host configured with
// headers does.
type bearer struct {
	token string
	next  http.RoundTripper
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return b.next.RoundTrip(r)
}

func TestHTTP(t *testing.T) {
	const token = "0123456789abcdef-token"
	srv := readOnlyServer(t)
	h, err := HTTPHandler(srv, token, nil)
	require.NoError(t, err)
	hs := httptest.NewServer(h)
	defer hs.Close()

	for _, auth := range []string{"", "Bearer wrong-token-0123456789", "Basic " + token, "Bearer " + token + "x"} {
		req, _ := http.NewRequest("POST", hs.URL+HTTPPath, strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := hs.Client().Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "Authorization %q", auth)
	}

	hc := &http.Client{Transport: bearer{token, hs.Client().Transport}}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "host", Version: "v0"}, nil).Connect(context.Background(),
		&mcp.StreamableClientTransport{Endpoint: hs.URL + HTTPPath, HTTPClient: hc, DisableStandaloneSSE: true}, nil)
	require.NoError(t, err)
	defer cs.Close()
	out, _ := callOK[ListSessionsOutput](t, cs, ToolListSessions, map[string]any{"email": fullstorytest.DemoEmail})
	assert.Len(t, out.Sessions, 4)

	resp, err := hc.Get(hs.URL + "/other")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "MCP is served at %s only", HTTPPath)
}

func TestHTTPRefuses(t *testing.T) {
	srv := readOnlyServer(t)
	_, err := HTTPHandler(srv, "", nil)
	assert.ErrorContains(t, err, "at least 16 characters")
	_, err = HTTPHandler(srv, "short", nil)
	assert.Error(t, err)

	_, err = Listen("0.0.0.0:0", false)
	assert.ErrorContains(t, err, "not a loopback address")
	_, err = Listen("example.com:80", false)
	assert.ErrorContains(t, err, "not a loopback address")
	_, err = Listen("8080", false)
	assert.ErrorContains(t, err, "want HOST:PORT")
	ln, err := Listen("0.0.0.0:0", true)
	require.NoError(t, err, "allowed explicitly")
	ln.Close()
}

func TestServeHTTPStops(t *testing.T) {
	ln, err := Listen("127.0.0.1:0", false)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() {
		served <- ServeHTTP(ctx, ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
	}()
	resp, err := http.Get("http://" + ln.Addr().String())
	require.NoError(t, err)
	resp.Body.Close()
	cancel()
	assert.NoError(t, <-served)
	_, err = net.Dial("tcp", ln.Addr().String())
	assert.Error(t, err, "the listener is closed")
	http.DefaultClient.CloseIdleConnections()
}
