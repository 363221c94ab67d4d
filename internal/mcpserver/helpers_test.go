package mcpserver

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest"
)

// harness is a server on the fake API with the SDK's own client connected
// to it in memory.
type harness struct {
	fake  *fullstorytest.Server
	guard *Guard
	cs    *mcp.ClientSession
}

// newHarness starts the fake and a server on it. opts.Guard, when nil and
// not ReadOnly, is a guard of DefaultMaxActivations.
func newHarness(t *testing.T, opts Options, fakeOpts ...fullstorytest.ServerOption) *harness {
	t.Helper()
	fake := fullstorytest.NewServer(fakeOpts...)
	t.Cleanup(fake.Close)
	h := &harness{fake: fake}
	h.guard, h.cs = serveOn(t, fake.APIKey, opts, fake.Client)
	return h
}

// serveOn starts a server whose Client is made by newClient with the
// guard's options, and connects a client to it.
func serveOn(t *testing.T, apiKey string, opts Options, newClient func(...fullstory.Option) *fullstory.Client) (*Guard, *mcp.ClientSession) {
	t.Helper()
	if opts.Guard == nil && !opts.ReadOnly {
		g, err := NewGuard(DefaultMaxActivations)
		require.NoError(t, err)
		opts.Guard = g
	}
	var copts []fullstory.Option
	if opts.Guard != nil {
		copts = opts.Guard.ClientOptions()
	}
	if opts.Secrets == nil {
		opts.Secrets = []string{apiKey}
	}
	srv, err := New(newClient(copts...), opts)
	require.NoError(t, err)
	return opts.Guard, connect(t, srv)
}

// connect connects the SDK's client to srv in memory, and closes both
// sessions when the test ends.
func connect(t *testing.T, srv *mcp.Server) *mcp.ClientSession {
	t.Helper()
	ctx := context.Background()
	st, ct := mcp.NewInMemoryTransports()
	ss, err := srv.Connect(ctx, st, nil)
	require.NoError(t, err)
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "v0"}, nil).Connect(ctx, ct, nil)
	require.NoError(t, err)
	t.Cleanup(func() {
		cs.Close()
		ss.Wait()
	})
	return cs
}

// httpClient returns a client of the API at url with key, as a Client
// made by hand (not the fake's helper) would be.
func httpClient(t *testing.T, url, key string) func(...fullstory.Option) *fullstory.Client {
	return func(opts ...fullstory.Option) *fullstory.Client {
		c, err := fullstory.NewClient(key, append([]fullstory.Option{fullstory.WithBaseURL(url), fullstory.WithRetryWait(time.Millisecond, 2*time.Millisecond)}, opts...)...)
		require.NoError(t, err)
		return c
	}
}

// apiServer starts h as the API, for wire tests the fake cannot stand in
// for.
func apiServer(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func call(t *testing.T, cs *mcp.ClientSession, name string, args map[string]any) *mcp.CallToolResult {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: name, Arguments: args})
	require.NoError(t, err, "a tool's failure is a result, never a protocol error")
	return res
}

// callOK calls a tool that must succeed and decodes its structured content.
func callOK[T any](t *testing.T, cs *mcp.ClientSession, name string, args map[string]any) (T, string) {
	t.Helper()
	res := call(t, cs, name, args)
	require.False(t, res.IsError, "%s failed: %s", name, textOf(res))
	var out T
	data, err := json.Marshal(res.StructuredContent)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &out))
	return out, textOf(res)
}

// callErr calls a tool that must fail, and returns the error the model reads.
func callErr(t *testing.T, cs *mcp.ClientSession, name string, args map[string]any) string {
	t.Helper()
	res := call(t, cs, name, args)
	require.True(t, res.IsError, "%s should have failed: %s", name, textOf(res))
	return textOf(res)
}

func textOf(res *mcp.CallToolResult) string {
	var parts []string
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			parts = append(parts, tc.Text)
		}
	}
	return strings.Join(parts, "\n")
}

// summaries counts the summary requests the fake received.
func summaries(fake *fullstorytest.Server) int {
	n := 0
	for _, r := range fake.Requests() {
		if r.Op == fullstorytest.OpSummarize {
			n++
		}
	}
	return n
}

func toolParams(name string, args map[string]any) *mcp.CallToolParams {
	return &mcp.CallToolParams{Name: name, Arguments: args}
}
