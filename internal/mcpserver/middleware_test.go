package mcpserver

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/summarykit/fullstory-go/fullstorytest"
)

// A panic in a tool is an error result the model reads, and the server
// goes on serving: the same session, the next call.
func TestPanicIsAnErrorResult(t *testing.T) {
	fake := fullstorytest.NewServer()
	defer fake.Close()
	var logs syncBuffer
	g := guard(t, 5)
	srv, err := New(fake.Client(g.ClientOptions()...), Options{Guard: g, Secrets: []string{fake.APIKey}, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	require.NoError(t, err)
	mcp.AddTool(srv, &mcp.Tool{Name: "boom"}, func(context.Context, *mcp.CallToolRequest, struct{}) (*mcp.CallToolResult, any, error) {
		panic("tool exploded holding " + fake.APIKey)
	})
	cs := connect(t, srv)
	msg := callErr(t, cs, "boom", nil)
	assert.Equal(t, internalError, msg, "nothing of the panic reaches the model")
	out, _ := callOK[ListSessionsOutput](t, cs, ToolListSessions, map[string]any{"email": fullstorytest.DemoEmail})
	assert.Len(t, out.Sessions, 4, "the server still serves")
	assert.Contains(t, logs.String(), "tool exploded holding [redacted]", "the panic is logged, for whoever runs the server, without the key")
	assert.NotContains(t, logs.String(), fake.APIKey)
	assert.Contains(t, logs.String(), `msg="fullstory mcp: tool call" tool=list_sessions`)
	assert.NotContains(t, logs.String(), fullstorytest.DemoEmail, "arguments are never logged")
}

// No result or error holds the API key, though the API echoes it
// everywhere it can: in an error message, a summary, events, a session's
// URL, a profile's name, in any letter case.
func TestNoResultHoldsTheKey(t *testing.T) {
	const key = "na1.SeCrEt/KeY+abc=="
	echo := func(w http.ResponseWriter, r *http.Request) {
		got := r.Header.Get("Authorization")
		got = strings.TrimPrefix(got, "Basic ")
		lower := strings.ToLower(got)
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasSuffix(r.URL.Path, "/summary") && strings.Contains(r.URL.Path, "fail"):
			w.WriteHeader(400)
			json.NewEncoder(w).Encode(map[string]string{"code": "invalid_argument", "message": "bad key " + got})
		case strings.HasSuffix(r.URL.Path, "/summary"):
			json.NewEncoder(w).Encode(map[string]any{"summary": "your key is " + got + " or " + lower, "response": map[string]string{got: got}})
		case strings.HasSuffix(r.URL.Path, "/events"):
			json.NewEncoder(w).Encode(map[string]any{"events": []any{map[string]any{"device_id": "1", "session_id": "2", "event_time": "2025-06-01T12:00:00Z", "event_type": "click", "event_properties": map[string]any{"k": got, "html": "<" + got + ">"}}}})
		case strings.HasSuffix(r.URL.Path, "/context"):
			w.WriteHeader(500)
			w.Write([]byte("upstream said " + got))
		case r.URL.Path == "/sessions/v2":
			json.NewEncoder(w).Encode(map[string]any{"sessions": []any{map[string]any{"userId": "1", "sessionId": "2", "createdTime": "1750000000", "fsUrl": "https://app.example/" + got}}})
		case strings.HasPrefix(r.URL.Path, "/v2/visit_profile/"):
			json.NewEncoder(w).Encode(map[string]any{"id": "p1", "name": got, "llm": map[string]any{"pre_prompt": got}})
		default:
			w.WriteHeader(401)
			json.NewEncoder(w).Encode(map[string]string{"code": "unauthenticated", "message": "key " + got + " unknown"})
		}
	}
	api := apiServer(t, echo)
	_, cs := serveOn(t, key, Options{}, httpClient(t, api.URL, key))
	calls := []struct {
		tool string
		args map[string]any
	}{
		{ToolSummarizeSession, map[string]any{"session": "1:2"}},
		{ToolSummarizeSession, map[string]any{"session": "1:fail"}},
		{ToolGetSessionEvents, map[string]any{"session": "1:2"}},
		{ToolGetSessionContext, map[string]any{"session": "1:2"}},
		{ToolListSessions, map[string]any{"email": "a@b.c"}},
		{ToolGetProfile, map[string]any{"profile": "p1"}},
		{ToolListProfiles, nil},
	}
	for _, c := range calls {
		res := call(t, cs, c.tool, c.args)
		data, err := json.Marshal(res)
		require.NoError(t, err)
		lower := strings.ToLower(string(data))
		assert.NotContains(t, lower, strings.ToLower(key), "%s: %s", c.tool, data)
		assert.NotContains(t, lower, "secret/key", "%s", c.tool)
		assert.Contains(t, string(data), redacted, "%s: the echo was there, and was taken out", c.tool)
	}
}

func TestRedactValue(t *testing.T) {
	secrets := secretPatterns([]string{"s3cr3t", ""})
	v, changed := redactValue(secrets, map[string]any{"a": []any{"x S3CR3T y", 1.0}, "s3cr3t": "ok"})
	assert.True(t, changed)
	assert.Equal(t, map[string]any{"a": []any{"x [redacted] y", 1.0}, redacted: "ok"}, v)
	_, changed = redactValue(secrets, map[string]any{"a": "b"})
	assert.False(t, changed)
	assert.Equal(t, "a%20[redacted]", redact(secretPatterns([]string{"b c"}), "a%20b+c"), "query-escaped too")
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
