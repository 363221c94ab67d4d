package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

// TestFakeCommand serves the fake on a real loopback socket, uses it with a
// client of the library, then stops it the way Ctrl-C does.
func TestFakeCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdoutR, stdoutW := io.Pipe()
	var stderr strings.Builder
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, nil, []string{"fake", "--addr", "127.0.0.1:0"}, strings.NewReader(""), stdoutW, &stderr, func(string) string { return "" })
		stdoutW.Close()
	}()

	exports := map[string]string{}
	lines := bufio.NewScanner(stdoutR)
	for len(exports) < 2 && lines.Scan() {
		name, value, ok := strings.Cut(strings.TrimPrefix(lines.Text(), "export "), "=")
		require.True(t, ok, "not an export line: %q", lines.Text())
		exports[name] = value
	}
	baseURL, key := exports["FULLSTORY_BASE_URL"], exports["FULLSTORY_API_KEY"]
	require.True(t, strings.HasPrefix(baseURL, "http://127.0.0.1:"), baseURL)
	require.NotEmpty(t, key)
	go io.Copy(io.Discard, stdoutR) // nothing more is expected, but never block the command

	c, err := fullstory.NewClient(key, fullstory.WithBaseURL(baseURL))
	require.NoError(t, err)
	sessions, err := c.Sessions.List(ctx, &fullstory.ListSessionsOptions{Email: demoEmail})
	require.NoError(t, err)
	require.NotEmpty(t, sessions)
	sum, err := c.Sessions.Summarize(ctx, sessions[0].ID(), nil)
	require.NoError(t, err)
	assert.NotEmpty(t, sum.Text)

	// The fake keeps state between commands pointed at it.
	e := env{"FULLSTORY_BASE_URL": baseURL, "FULLSTORY_API_KEY": key}
	id := createProfile(t, e, "support.json")
	p, err := c.Profiles.Get(ctx, fullstory.ProfileID(id))
	require.NoError(t, err)
	assert.Equal(t, "Support assistant", p.Name)

	cancel()
	assert.Equal(t, 0, <-done, stderr.String())
	assert.Contains(t, stderr.String(), baseURL)
	_, err = c.Profiles.Get(context.Background(), fullstory.ProfileID(id), fullstory.WithMaxRetries(0))
	assert.Error(t, err, "the fake must have stopped")
}

func TestFakeCommandJSONAndBusyPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	r := runCLI(t, env{}, "fake", "--addr", ln.Addr().String())
	requireFailure(t, r, exitFailure, ln.Addr().String())

	ctx, cancel := context.WithCancel(context.Background())
	stdoutR, stdoutW := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, nil, []string{"fake", "--json", "--addr", "127.0.0.1:0"}, strings.NewReader(""), stdoutW, io.Discard, func(string) string { return "" })
		stdoutW.Close()
	}()
	var got struct {
		BaseURL string `json:"base_url"`
		APIKey  string `json:"api_key"`
	}
	dec := json.NewDecoder(stdoutR)
	require.NoError(t, dec.Decode(&got))
	go io.Copy(io.Discard, stdoutR)
	c, err := fullstory.NewClient(got.APIKey, fullstory.WithBaseURL(got.BaseURL))
	require.NoError(t, err)
	_, err = c.Profiles.List(ctx, nil)
	require.NoError(t, err)
	cancel()
	assert.Equal(t, 0, <-done)
}

// TestGlobalFake runs commands against the in-process fake: no key, no URL.
func TestGlobalFake(t *testing.T) {
	r := runCLI(t, env{}, "--fake", "sessions", "list", "--email", demoEmail)
	requireOK(t, r)
	assert.True(t, strings.HasPrefix(r.stdout, "SESSION"), r.stdout)
	assert.GreaterOrEqual(t, strings.Count(r.stdout, "\n"), 4)

	// Global flags also work after the command, and after its arguments.
	r = runCLI(t, env{}, "sessions", "list", "--email", demoEmail, "--fake", "--json")
	requireOK(t, r)
	var out struct{ Sessions []jsonSession }
	decodeOne(t, r.stdout, &out)
	require.NotEmpty(t, out.Sessions)

	r = runCLI(t, env{}, "summarize", out.Sessions[0].ID.String(), "--fake", "--json")
	requireOK(t, r)
	var sum jsonSummary
	decodeOne(t, r.stdout, &sum)
	assert.NotEmpty(t, sum.Summary)

	r = runCLI(t, env{"FULLSTORY_API_KEY": "ignored", "FULLSTORY_BASE_URL": "https://ignored.example"}, "--fake", "profiles", "try",
		"-f", filepath.Join(profilesDir, "support.json"), "--email", demoEmail, "--latest", "3")
	requireOK(t, r)
	assert.Contains(t, r.stdout, "# Profile comparison")
	assert.Equal(t, 3, strings.Count(r.stdout, "\n## Session "))
}

// TestFakeCommandStopsDespiteOpenConnections stops the fake while one
// connection sent nothing and another half a request: Ctrl-C must not wait
// for them, and exits 0.
func TestFakeCommandStopsDespiteOpenConnections(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdoutR, stdoutW := io.Pipe()
	done := make(chan int, 1)
	var stderr strings.Builder
	go func() {
		done <- run(ctx, nil, []string{"fake", "--json", "--addr", "127.0.0.1:0"}, strings.NewReader(""), stdoutW, &stderr, func(string) string { return "" })
		stdoutW.Close()
	}()
	var got struct {
		BaseURL string `json:"base_url"`
		APIKey  string `json:"api_key"`
	}
	require.NoError(t, json.NewDecoder(stdoutR).Decode(&got))
	go io.Copy(io.Discard, stdoutR)
	addr := strings.TrimPrefix(got.BaseURL, "http://")

	idle, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer idle.Close()
	partial, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer partial.Close()
	_, err = partial.Write([]byte("GET /v2/visit_profile HTTP/1.1\r\nHost: x\r\n"))
	require.NoError(t, err)
	// The server accepts connections in order: once a later one is answered,
	// it holds both.
	c, err := fullstory.NewClient(got.APIKey, fullstory.WithBaseURL(got.BaseURL))
	require.NoError(t, err)
	_, err = c.Profiles.List(ctx, nil)
	require.NoError(t, err)

	cancel()
	select {
	case code := <-done:
		assert.Equal(t, 0, code, stderr.String())
	case <-time.After(time.Minute): // a deadlock guard, not a timing assertion
		t.Fatal("the fake did not stop on Ctrl-C")
	}
}

func TestFakeCommandRefusesBadAddresses(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // were an address accepted, serve no longer than it takes to start
	cases := []struct{ addr, want string }{
		{"192.0.2.1:0", "loopback"},
		{"0.0.0.0:0", "loopback"},
		{":0", "loopback"},
		{"example.com:0", "loopback"},
		{"foo", "--addr"},
		{"127.0.0.1:http", "--addr"},
	}
	for _, tc := range cases {
		t.Run(tc.addr, func(t *testing.T) {
			r := runCLIContext(t, ctx, nil, env{}, "fake", "--addr", tc.addr)
			requireFailure(t, r, exitUsage, tc.want)
			assert.Empty(t, r.stdout)
		})
	}
}

// Connections that announce a body and never send it, or send nothing at
// all, are closed by the fake's read timeouts instead of being held for
// ever; a request that the fake holds for longer than those (--latency)
// still gets its answer.
func TestFakeCommandTimeouts(t *testing.T) {
	saved := fakeTimeouts
	fakeTimeouts.readHeader, fakeTimeouts.read, fakeTimeouts.idle = 200*time.Millisecond, 300*time.Millisecond, 300*time.Millisecond
	t.Cleanup(func() { fakeTimeouts = saved })
	baseURL, key, _, _ := startFake(t, "--addr", "127.0.0.1:0", "--latency", "600ms")
	addr := strings.TrimPrefix(baseURL, "http://")

	const n = 200
	conns := make([]net.Conn, 0, n+1)
	for i := range n + 1 {
		c, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		t.Cleanup(func() { c.Close() })
		if i < n { // the last one sends nothing at all
			_, err = io.WriteString(c, "POST /v2/visit_profile HTTP/1.1\r\nHost: fake\r\nAuthorization: Basic "+key+
				"\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"name\":")
			require.NoError(t, err)
		}
		conns = append(conns, c)
	}
	// Each connection is closed by the server: reading it ends. The deadline
	// only keeps a failing test from hanging.
	var wg sync.WaitGroup
	closed := make([]bool, len(conns))
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = c.SetReadDeadline(time.Now().Add(20 * time.Second))
			_, err := io.Copy(io.Discard, c)
			var ne net.Error
			closed[i] = !(errors.As(err, &ne) && ne.Timeout())
		}()
	}
	wg.Wait()
	for i, ok := range closed {
		assert.True(t, ok, "connection %d was not closed by the server", i)
	}

	// Held for 600ms by --latency, longer than the 300ms read timeout.
	c, err := fullstory.NewClient(key, fullstory.WithBaseURL(baseURL), fullstory.WithMaxRetries(0))
	require.NoError(t, err)
	id, err := c.Profiles.Create(t.Context(), &fullstory.ProfileRequest{Name: "slow"})
	require.NoError(t, err)
	p, err := c.Profiles.Get(t.Context(), id)
	require.NoError(t, err)
	assert.Equal(t, "slow", p.Name)
}

// --sessions FILE seeds the fake, and the fake keeps its request log, which
// tests in other languages read from /_fake/requests.
func TestFakeCommandSessionsFileAndRequestLog(t *testing.T) {
	file := filepath.Join(t.TempDir(), "sessions.json")
	require.NoError(t, os.WriteFile(file, []byte(`{"sessions":[{"user_id":"111","session_id":"222","email":"sam@example.com","session_uid":"order-9",
		"events":[{"type":"navigate","url":"/pricing","title":"Pricing"},{"type":"click","target":"button#buy","text":"Buy"}]}]}`), 0o600))
	baseURL, key, _, _ := startFake(t, "--addr", "127.0.0.1:0", "--sessions", file)
	c, err := fullstory.NewClient(key, fullstory.WithBaseURL(baseURL))
	require.NoError(t, err)
	got, err := c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{Email: "sam@example.com"})
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, fullstory.NewSessionID("111", "222"), got[0].ID())
	bySUID, err := c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{SessionUID: "order-9"})
	require.NoError(t, err)
	require.Len(t, bySUID, 1)
	_, err = c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{Email: demoEmail})
	require.NoError(t, err, "the demo data stays")

	req, err := http.NewRequestWithContext(t.Context(), "GET", baseURL+"/_fake/requests", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Basic "+key)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var log struct {
		Requests []struct {
			Op string `json:"op"`
		} `json:"requests"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&log))
	assert.Len(t, log.Requests, 3, "the fake command keeps a request log")
}

// A sessions file with a mistake is a usage error that says where it is.
func TestFakeCommandRefusesABadSessionsFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "sessions.json")
	require.NoError(t, os.WriteFile(file, []byte(`{"sessions":[{"emial":"sam@example.com"}]}`), 0o600))
	r := runCLI(t, env{}, "fake", "--addr", "127.0.0.1:0", "--sessions", file)
	requireFailure(t, r, exitUsage, file+":1:15: ")
	assert.Contains(t, r.stderr, `did you mean "sessions[0].email"?`)
}
