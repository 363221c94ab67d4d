package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/summarykit/fullstory-go/fullstorytest"
)

// mcpTools are the tools a default server offers: the names are the
// contract with agents.
var mcpTools = []string{"get_profile", "get_session_context", "get_session_events", "list_profiles", "list_sessions", "summarize_session"}

// startMCP runs the command in-process with its stdio on pipes, and
// connects the SDK's client to it as a host would.
func startMCP(t *testing.T, e env, args ...string) (*mcp.ClientSession, func() (int, string)) {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	var stderr lockedBuffer
	code := make(chan int, 1)
	go func() {
		c := run(context.Background(), nil, args, inR, outW, &stderr, func(k string) string { return e[k] })
		outW.Close()
		code <- c
	}()
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "host", Version: "v0"}, nil).Connect(context.Background(), &mcp.IOTransport{Reader: outR, Writer: inW}, nil)
	require.NoError(t, err)
	stop := func() (int, string) {
		cs.Close()
		return <-code, stderr.String()
	}
	return cs, stop
}

func toolNames(t *testing.T, cs *mcp.ClientSession) []string {
	t.Helper()
	var names []string
	for tool, err := range cs.Tools(context.Background(), nil) {
		require.NoError(t, err)
		names = append(names, tool.Name)
	}
	slices.Sort(names)
	return names
}

func callTool(t *testing.T, cs *mcp.ClientSession, name string, args map[string]any) (*mcp.CallToolResult, map[string]any) {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: name, Arguments: args})
	require.NoError(t, err)
	var out map[string]any
	if res.StructuredContent != nil {
		data, err := json.Marshal(res.StructuredContent)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(data, &out))
	}
	return res, out
}

func resultText(res *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

// agentScenario is what a host's agent does: list the tools, find
// jane@doe.com's sessions, summarize within the cap of 2, be refused past
// it, and get a summary again for free.
func agentScenario(t *testing.T, cs *mcp.ClientSession) {
	t.Helper()
	assert.Equal(t, mcpTools, toolNames(t, cs))

	res, out := callTool(t, cs, "list_sessions", map[string]any{"email": fullstorytest.DemoEmail})
	require.False(t, res.IsError, resultText(res))
	sessions := out["sessions"].([]any)
	require.GreaterOrEqual(t, len(sessions), 3)
	id := func(i int) string { return sessions[i].(map[string]any)["session"].(string) }

	for i, want := range []string{"api", "api"} {
		res, out = callTool(t, cs, "summarize_session", map[string]any{"session": id(i)})
		require.False(t, res.IsError, resultText(res))
		assert.Equal(t, want, out["source"])
		assert.Equal(t, float64(1-i), out["activations_left"])
		assert.Contains(t, out["summary"], "[fullstorytest]")
	}
	res, _ = callTool(t, cs, "summarize_session", map[string]any{"session": id(2)})
	require.True(t, res.IsError, "past the cap")
	assert.Contains(t, resultText(res), "at most 2 Activations (--max-activations 2)")

	res, out = callTool(t, cs, "summarize_session", map[string]any{"session": id(0)})
	require.False(t, res.IsError, resultText(res))
	assert.Equal(t, "cache", out["source"], "the same summary again is free")
}

func TestMCPInProcess(t *testing.T) {
	srv, e := fakeEnv(t)
	cs, stop := startMCP(t, e, "mcp", "--max-activations", "2")
	agentScenario(t, cs)
	code, stderr := stop()
	assert.Equal(t, 0, code, "the host closing stdin ends the server: %s", stderr)
	assert.Empty(t, stderr, "nothing on stderr without --verbose")
	assert.Equal(t, 2, countSummaries(srv), "two Activations spent, no more")
}

func countSummaries(srv *fullstorytest.Server) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Op == fullstorytest.OpSummarize {
			n++
		}
	}
	return n
}

func TestMCPModes(t *testing.T) {
	cs, stop := startMCP(t, env{}, "--fake", "mcp", "--read-only")
	assert.NotContains(t, toolNames(t, cs), "summarize_session")
	code, _ := stop()
	assert.Equal(t, 0, code)

	cs, stop = startMCP(t, env{}, "--fake", "mcp", "--allow-writes", "--exclude-user-context", "--verbose")
	assert.Contains(t, toolNames(t, cs), "create_profile")
	assert.Contains(t, toolNames(t, cs), "update_profile")
	res, out := callTool(t, cs, "get_session_context", map[string]any{"session": fullstorytest.DemoCheckoutSession.String()})
	require.False(t, res.IsError, resultText(res))
	assert.NotContains(t, out["context"], "user_context")
	data, _ := json.Marshal(res)
	assert.NotContains(t, string(data), fullstorytest.DemoEmail)
	res, _ = callTool(t, cs, "list_sessions", map[string]any{"email": fullstorytest.DemoEmail})
	require.False(t, res.IsError, resultText(res))
	code, stderr := stop()
	assert.Equal(t, 0, code)
	assert.Contains(t, stderr, "fullstory mcp: serving MCP on stdio; at most 5 Activations this run")
	assert.Contains(t, stderr, "tool=get_session_context")
	assert.Contains(t, stderr, "tool=list_sessions")
	assert.NotContains(t, stderr, fullstorytest.DemoEmail, "an email is never logged")
}

func TestMCPUsageErrors(t *testing.T) {
	_, e := fakeEnv(t)
	for _, tc := range []struct {
		env  env
		args []string
		want string
	}{
		{e, []string{"mcp", "--http", "127.0.0.1:0"}, "--http needs a bearer token of at least 16 characters in FULLSTORY_MCP_TOKEN"},
		{env{"FULLSTORY_MCP_TOKEN": "short", "FULLSTORY_API_KEY": "k"}, []string{"mcp", "--http", "127.0.0.1:0"}, "FULLSTORY_MCP_TOKEN"},
		{env{"FULLSTORY_MCP_TOKEN": strings.Repeat("t", 20)}, []string{"--fake", "mcp", "--http", "0.0.0.0:0"}, "is not a loopback address"},
		{e, []string{"mcp", "--allow-remote"}, "--allow-remote goes with --http"},
		{e, []string{"mcp", "--json"}, "takes no --json"},
		{e, []string{"mcp", "--max-activations", "-1"}, `invalid value "-1" for --max-activations: want a whole number of Activations, 0 or more`},
		{e, []string{"mcp", "--max-activations", "x"}, `invalid value "x" for --max-activations`},
		{e, []string{"mcp", "--max-activatons", "3"}, `did you mean --max-activations?`},
		{e, []string{"mcp", "--read-only", "--max-activations", "3"}, "does not apply with --read-only"},
		{e, []string{"mcp", "extra"}, `takes no arguments, got "extra"`},
		{env{}, []string{"mcp"}, "FULLSTORY_API_KEY is not set"},
	} {
		r := runCLI(t, tc.env, tc.args...)
		requireFailure(t, r, exitUsage, tc.want)
		assert.Empty(t, r.stdout, "%v", tc.args)
	}
}

func TestMCPHTTP(t *testing.T) {
	token := strings.Repeat("0123456789abcdef", 2)
	ctx, cancel := context.WithCancel(context.Background())
	var stderr lockedBuffer
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, nil, []string{"--fake", "mcp", "--http", "127.0.0.1:0"}, strings.NewReader(""), io.Discard, &stderr, func(k string) string {
			return env{"FULLSTORY_MCP_TOKEN": token}[k]
		})
	}()
	addr := regexp.MustCompile(`serving MCP on (http://127\.0\.0\.1:\d+/mcp)`)
	var url string
	require.Eventually(t, func() bool {
		m := addr.FindStringSubmatch(stderr.String())
		if m != nil {
			url = m[1]
		}
		return m != nil
	}, 10*time.Second, 5*time.Millisecond, "the address is announced on stderr")

	resp, err := http.Post(url, "application/json", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "no token, no tools")

	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: bearerTransport{token, tr}}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "host", Version: "v0"}, nil).Connect(ctx, &mcp.StreamableClientTransport{Endpoint: url, HTTPClient: hc, DisableStandaloneSSE: true}, nil)
	require.NoError(t, err)
	assert.Equal(t, mcpTools, toolNames(t, cs))
	cs.Close()
	cancel()
	assert.Equal(t, 0, <-code, stderr.String())
	http.DefaultClient.CloseIdleConnections()
}

type bearerTransport struct {
	token string
	next  http.RoundTripper
}

func (b bearerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return b.next.RoundTrip(r)
}

// The built binary, started as a host starts it: over stdio, with the
// SDK's CommandTransport, and nothing but protocol on stdout.
func TestMCPBinary(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "fullstory")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	gobin, err := exec.LookPath("go")
	require.NoError(t, err)
	build := exec.Command(gobin, "build", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)

	var stderr lockedBuffer
	cmd := exec.Command(bin, "--fake", "mcp", "--max-activations", "2")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()} // no API key: --fake needs none
	cmd.Stderr = &stderr
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "host", Version: "v0"}, nil).Connect(context.Background(), &mcp.CommandTransport{Command: cmd}, nil)
	require.NoError(t, err)
	agentScenario(t, cs)
	require.NoError(t, cs.Close())
	assert.Equal(t, 0, cmd.ProcessState.ExitCode(), "it exits on stdin EOF: %s", stderr.String())
	assert.Empty(t, stderr.String())
}
