package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lockedBuffer is a stderr that the test may read while the fake writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startFake runs "fullstory fake --json" with args until stop, which
// returns its exit status.
func startFake(t *testing.T, args ...string) (baseURL, key string, stderr *lockedBuffer, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdoutR, stdoutW := io.Pipe()
	stderr = &lockedBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, nil, append([]string{"fake", "--json"}, args...), strings.NewReader(""), stdoutW, stderr, func(string) string { return "" })
		stdoutW.Close()
	}()
	var got struct {
		BaseURL string `json:"base_url"`
		APIKey  string `json:"api_key"`
	}
	require.NoError(t, json.NewDecoder(bufio.NewReader(stdoutR)).Decode(&got), stderr.String())
	go io.Copy(io.Discard, stdoutR)
	stopped := false
	stop = func() int {
		stopped = true
		cancel()
		return <-done
	}
	t.Cleanup(func() {
		if !stopped {
			stop()
		}
	})
	return got.BaseURL, got.APIKey, stderr, stop
}

// get sends one request with the key, with no retries, and returns its
// status and Retry-After.
func get(t *testing.T, method, url, key string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader("{}"))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Basic "+key)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Retry-After")
}

// TestFakeVerboseLogsRequests: one line per request with method, path,
// status and latency; never the query (emails, uids) nor the key.
func TestFakeVerboseLogsRequests(t *testing.T) {
	base, key, stderr, stop := startFake(t, "--addr", "127.0.0.1:0", "--verbose")
	status, _ := get(t, "GET", base+"/sessions/v2?email=jane%40doe.com", key)
	require.Equal(t, http.StatusOK, status)
	status, _ = get(t, "GET", base+"/v2/visit_profile", "wrong-key")
	require.Equal(t, http.StatusUnauthorized, status)
	require.Equal(t, 0, stop())

	var log []string
	for line := range strings.SplitSeq(stderr.String(), "\n") {
		if strings.HasPrefix(line, "fullstory fake: GET ") {
			log = append(log, line)
		}
	}
	require.Len(t, log, 2, stderr.String())
	assert.Regexp(t, `^fullstory fake: GET /sessions/v2 200 [0-9.]+[µm]?s$`, log[0])
	assert.Regexp(t, `^fullstory fake: GET /v2/visit_profile 401 [0-9.]+[µm]?s$`, log[1])
	for _, secret := range []string{"jane", "doe.com", "email", "?", key, "wrong-key", "Basic"} {
		assert.NotContains(t, strings.Join(log, "\n"), secret)
	}
	assert.NotContains(t, stderr.String(), "cleaning up", "Ctrl-C is how the fake stops")
}

func TestFakeFaultsThrottleAndLatency(t *testing.T) {
	base, key, _, _ := startFake(t, "--addr", "127.0.0.1:0", "--fault", "summarize:503:2", "--fault", "list-profiles:429")
	summary := base + "/v2/sessions/6973903723107198876%3A5156932900183134039/summary"
	for i := range 2 {
		status, _ := get(t, "GET", summary, key)
		assert.Equal(t, http.StatusServiceUnavailable, status, "summary %d", i+1)
	}
	status, _ := get(t, "GET", base+"/sessions/v2?uid=jane-doe", key)
	assert.Equal(t, http.StatusOK, status, "other operations are served")
	status, _ = get(t, "GET", summary, key)
	assert.Equal(t, http.StatusOK, status, "only the next 2")
	status, _ = get(t, "GET", base+"/v2/visit_profile", key)
	assert.Equal(t, http.StatusTooManyRequests, status)
	status, _ = get(t, "GET", base+"/v2/visit_profile", key)
	assert.Equal(t, http.StatusOK, status, "COUNT defaults to 1")

	base, key, _, _ = startFake(t, "--addr", "127.0.0.1:0", "--throttle", "1/m", "--burst", "2")
	for range 2 {
		status, _ := get(t, "GET", base+"/v2/visit_profile", key)
		assert.Equal(t, http.StatusOK, status, "the burst goes through")
	}
	status, retryAfter := get(t, "GET", base+"/v2/visit_profile", key)
	assert.Equal(t, http.StatusTooManyRequests, status)
	assert.NotEmpty(t, retryAfter)

	base, key, _, _ = startFake(t, "--addr", "127.0.0.1:0", "--latency", "50ms")
	start := time.Now()
	status, _ = get(t, "GET", base+"/v2/visit_profile", key)
	assert.Equal(t, http.StatusOK, status)
	assert.GreaterOrEqual(t, time.Since(start), 50*time.Millisecond, "held for --latency")
}

func TestFakeAllowRemote(t *testing.T) {
	base, key, stderr, stop := startFake(t, "--addr", "0.0.0.0:0", "--allow-remote")
	assert.True(t, strings.HasPrefix(base, "http://127.0.0.1:"), "reached through loopback from here: %s", base)
	status, _ := get(t, "GET", base+"/v2/visit_profile", key)
	assert.Equal(t, http.StatusOK, status)
	require.Equal(t, 0, stop())
	assert.Contains(t, stderr.String(), "listening beyond loopback")
}

func TestFakeRefusesFlags(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // were the flags accepted, serve no longer than it takes to start
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"fake", "--fake"}, "unknown flag --fake"},
		{[]string{"fake", "--base-url", "http://127.0.0.1:1"}, "unknown flag --base-url"},
		{[]string{"fake", "--region", "eu1"}, "unknown flag --region"},
		{[]string{"--region", "eu1", "fake"}, "takes no --base-url, --region, --timeout or --fake: they are for the commands that call the API"},
		{[]string{"--fake", "fake"}, "takes no --base-url, --region, --timeout or --fake"},
		{[]string{"--timeout", "5s", "fake"}, "takes no --base-url, --region, --timeout or --fake"},
		{[]string{"fake", "--fault", "nope:503"}, `invalid value "nope:503" for --fault: want OP:STATUS[:COUNT] such as summarize:503:2, with OP one of create-profile, `},
		{[]string{"fake", "--fault", "summarize:200"}, `invalid value "summarize:200" for --fault`},
		{[]string{"fake", "--fault", "summarize:503:0"}, `invalid value "summarize:503:0" for --fault`},
		{[]string{"fake", "--throttle", "fast"}, `invalid value "fast" for --throttle: want a rate such as 10/s or 600/m`},
		{[]string{"fake", "--latency", "1"}, `invalid value "1" for --latency: want a duration such as 30s or 2m`},
		{[]string{"fake", "--addr", "0.0.0.0:0"}, "add --allow-remote if you mean it"},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := runCLIContext(t, ctx, nil, env{}, tc.args...)
			requireFailure(t, r, exitUsage, tc.want)
			assert.Empty(t, r.stdout)
		})
	}
}
