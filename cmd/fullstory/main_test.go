package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const demoEmail = fullstorytest.DemoEmail

// result is what one run of the command left behind.
type result struct {
	code           int
	stdout, stderr string
}

// env is the environment a run sees.
type env map[string]string

// fakeEnv starts a fake API and returns it with the environment that points
// the command at it.
func fakeEnv(t *testing.T, opts ...fullstorytest.ServerOption) (*fullstorytest.Server, env) {
	t.Helper()
	srv := fullstorytest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv, env{"FULLSTORY_BASE_URL": srv.URL, "FULLSTORY_API_KEY": srv.APIKey}
}

// proxyEnv starts h in front of srv, as a proxy or a misbehaving API would
// stand, and returns the environment that points the command at it. h hands
// on what it does not handle itself with srv.Handler().
func proxyEnv(t *testing.T, srv *fullstorytest.Server, h http.HandlerFunc) env {
	t.Helper()
	proxy := httptest.NewServer(h)
	t.Cleanup(proxy.Close)
	return env{"FULLSTORY_BASE_URL": proxy.URL, "FULLSTORY_API_KEY": srv.APIKey}
}

// hangingSummaries is proxyEnv with summaries that hang until the client
// gives up; each one that starts is announced on the channel.
func hangingSummaries(t *testing.T, srv *fullstorytest.Server) (env, <-chan struct{}) {
	t.Helper()
	summarizing := make(chan struct{}, 16)
	return proxyEnv(t, srv, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/summary") {
			summarizing <- struct{}{}
			<-r.Context().Done() // hang until the client gives up
			return
		}
		srv.Handler().ServeHTTP(w, r)
	}), summarizing
}

// runCLI runs the command in-process, as main does.
func runCLI(t *testing.T, e env, args ...string) result {
	t.Helper()
	return runCLIContext(t, context.Background(), nil, e, args...)
}

// runCLIContext runs the command with ctx for the first interrupt (Ctrl-C)
// and abort for the second.
func runCLIContext(t *testing.T, ctx context.Context, abort <-chan struct{}, e env, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(ctx, abort, args, strings.NewReader(""), &stdout, &stderr, func(k string) string { return e[k] })
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// requireOK fails the test unless the run succeeded.
func requireOK(t *testing.T, r result) {
	t.Helper()
	require.Equal(t, 0, r.code, "stderr: %s", r.stderr)
}

// requireFailure checks the exit status and that stderr holds exactly one
// line with the given text, and returns that line.
func requireFailure(t *testing.T, r result, code int, want string) string {
	t.Helper()
	require.Equal(t, code, r.code, "stdout: %s\nstderr: %s", r.stdout, r.stderr)
	lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	require.Len(t, lines, 1, "stderr must be one line: %q", r.stderr)
	require.Contains(t, lines[0], want)
	return lines[0]
}

// decodeOne decodes stdout as exactly one JSON document.
func decodeOne(t *testing.T, stdout string, v any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(stdout))
	require.NoError(t, dec.Decode(v), "stdout: %s", stdout)
	var extra json.RawMessage
	require.ErrorIs(t, dec.Decode(&extra), io.EOF, "stdout holds more than one JSON document: %s", stdout)
}

// demoSessions lists the demo user's sessions through the library, the way
// the command should see them.
func demoSessions(t *testing.T, srv *fullstorytest.Server) []fullstory.Session {
	t.Helper()
	sessions, err := srv.Client().Sessions.List(context.Background(), &fullstory.ListSessionsOptions{Email: demoEmail})
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(sessions), 3, "the demo data should have several sessions")
	return sessions
}

// profileIDs lists the ids of the fake's profiles.
func profileIDs(t *testing.T, srv *fullstorytest.Server) []fullstory.ProfileID {
	t.Helper()
	ids := []fullstory.ProfileID{}
	for p, err := range srv.Client().Profiles.All(context.Background(), nil) {
		require.NoError(t, err)
		ids = append(ids, p.ID)
	}
	return ids
}

// requireInterrupted checks that a run stopped by Ctrl-C said "cleaning up…"
// first, exited 130 and said why last.
func requireInterrupted(t *testing.T, r result) {
	t.Helper()
	require.Equal(t, exitInterrupted, r.code, "stdout: %s\nstderr: %s", r.stdout, r.stderr)
	lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	require.GreaterOrEqual(t, len(lines), 2, r.stderr)
	assert.Equal(t, "fullstory: interrupted, cleaning up…", lines[0])
	assert.Contains(t, lines[len(lines)-1], "interrupted")
}

// requireJSONFailure checks the exit status and that stderr is exactly one
// JSON error object of the given kind, and returns it.
func requireJSONFailure(t *testing.T, r result, code int, kind string) jsonError {
	t.Helper()
	require.Equal(t, code, r.code, "stdout: %s\nstderr: %s", r.stdout, r.stderr)
	require.Equal(t, 1, strings.Count(r.stderr, "\n"), "one line: %q", r.stderr)
	var out struct{ Error jsonError }
	decodeOne(t, r.stderr, &out)
	assert.Equal(t, kind, out.Error.Kind)
	assert.Equal(t, code, out.Error.ExitCode)
	assert.NotEmpty(t, out.Error.Message)
	return out.Error
}
