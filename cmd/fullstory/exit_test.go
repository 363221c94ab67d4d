package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

// TestClassify decides exit statuses from error types, wrapped or not, and
// never from their text: an error that only reads like an API error is 1.
func TestClassify(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	api := func(status int) error { return &fullstory.APIError{StatusCode: status, Method: "GET", Path: "/x"} }
	cases := []struct {
		ctx    context.Context
		err    error
		kind   string
		code   int
		status int
	}{
		{context.Background(), usagef("bad"), "usage", exitUsage, 0},
		{context.Background(), &fullstory.ValidationError{Field: "session id", Reason: "empty"}, "invalid_argument", exitUsage, 0},
		{context.Background(), api(http.StatusUnauthorized), "unauthorized", exitAuth, 401},
		{context.Background(), fmt.Errorf("listing: %w", api(http.StatusForbidden)), "forbidden", exitAuth, 403},
		{context.Background(), wrapf(api(http.StatusNotFound), "profile p: "), "not_found", exitNotFound, 404},
		{context.Background(), api(http.StatusTooManyRequests), "rate_limited", exitRateLimited, 429},
		{context.Background(), api(http.StatusBadGateway), "server_error", exitFailure, 502},
		{context.Background(), api(http.StatusConflict), "api_error", exitFailure, 409},
		{context.Background(), context.DeadlineExceeded, "timeout", exitFailure, 0},
		{context.Background(), errors.New("fullstory: GET /x: 404 Not Found"), "error", exitFailure, 0},
		{context.Background(), errors.New("context canceled"), "error", exitFailure, 0},
		{cancelled, fmt.Errorf("GET /x: %w", context.Canceled), "interrupted", exitInterrupted, 0},
		{context.Background(), fmt.Errorf("x: %w", context.Canceled), "error", exitFailure, 0},
		{cancelled, interrupted(cancelled), "interrupted", exitInterrupted, 0},
		{context.Background(), &reportedError{api(http.StatusNotFound)}, "not_found", exitNotFound, 404},
		{context.Background(), &nothingFoundError{"found no sessions for this user"}, "nothing_found", exitNothingFound, 0},
		{context.Background(), fmt.Errorf("GET /x: not sent: %w", &fullstory.BudgetExhaustedError{Limit: 1}), "budget_exhausted", exitBudget, 0},
		{context.Background(), wrapf(fmt.Errorf("x: %w", fullstory.ErrBudgetExhausted), "1 of 3 summaries failed; the first: "), "budget_exhausted", exitBudget, 0},
		{context.Background(), fmt.Errorf("%w: redis down", fullstory.ErrBudgetUnavailable), "budget_unavailable", exitFailure, 0},
		{context.Background(), errors.New("found no sessions for this user"), "error", exitFailure, 0},
	}
	for _, tc := range cases {
		f := classify(tc.ctx, tc.err)
		assert.Equal(t, tc.kind, f.Kind, "%v", tc.err)
		assert.Equal(t, tc.code, f.ExitCode, "%v", tc.err)
		assert.Equal(t, tc.status, f.Status, "%v", tc.err)
	}
}

func TestJSONErrors(t *testing.T) {
	srv, e := fakeEnv(t)
	id := demoSessions(t, srv)[0].ID().String()

	r := runCLI(t, e, "--json", "summarize", id, "--profile", "nope")
	f := requireJSONFailure(t, r, exitNotFound, "not_found")
	assert.Equal(t, 404, f.Status)
	assert.Empty(t, r.stdout)

	r = runCLI(t, e, "sessions", "list", "--json")
	f = requireJSONFailure(t, r, exitUsage, "usage")
	assert.Equal(t, "needs --email, --uid or --session-uid", f.Message, "no pointer to --help in JSON")

	bad := env{"FULLSTORY_BASE_URL": e["FULLSTORY_BASE_URL"], "FULLSTORY_API_KEY": "wrong-key"}
	r = runCLI(t, bad, "profiles", "list", "--json")
	f = requireJSONFailure(t, r, exitAuth, "unauthorized")
	assert.Equal(t, 401, f.Status)
	assert.NotContains(t, r.stderr, "wrong-key")
}

// TestSummarizeLatestChecksTheProfileOnce: a missing profile fails once,
// before any session is listed or summarized, with one not-found line.
func TestSummarizeLatestChecksTheProfileOnce(t *testing.T) {
	srv, e := fakeEnv(t)
	srv.ResetRequests()
	r := runCLI(t, e, "summarize", "--email", demoEmail, "--latest", "2", "--profile", "nope")
	line := requireFailure(t, r, exitNotFound, "profile nope: ")
	assert.Contains(t, line, "404")
	assert.Empty(t, r.stdout)
	reqs := srv.Requests()
	require.Len(t, reqs, 1, "one profile lookup, nothing else")
	assert.Equal(t, "GET", reqs[0].Method)
	assert.Equal(t, "/v2/visit_profile/nope", reqs[0].Path)

	// A profile that exists costs one lookup, then the summaries as before.
	profile := createProfile(t, e, "support.json")
	r = runCLI(t, e, "summarize", "--email", demoEmail, "--latest", "2", "--profile", profile)
	requireOK(t, r)
	assert.Equal(t, 2, strings.Count(r.stdout, "=== "))
}

// TestErrorsOnTerminal: one line in a pipe, for scripts; on a terminal,
// broken between words to fit.
func TestErrorsOnTerminal(t *testing.T) {
	_, e := fakeEnv(t)
	args := []string{"sessions", "list", "--email", demoEmail, "--timeout", "5"}
	line := requireFailure(t, runCLI(t, e, args...), exitUsage, `invalid value "5" for --timeout: want a duration such as 30s or 2m`)
	require.Greater(t, len(line), 60)

	r := runOnTerminal(t, e, 60, args...)
	require.Equal(t, exitUsage, r.code)
	requireFits(t, r.stderr, line, 60)
	assert.Greater(t, strings.Count(r.stderr, "\n"), 1)
}

// TestExitTable: help prints the one table of exit statuses, each status
// once, and the kinds it lists are those that --json's errors document.
func TestExitTable(t *testing.T) {
	r := runCLI(t, env{}, "--help")
	requireOK(t, r)
	_, table, ok := strings.Cut(r.stdout, "Exit status:\n")
	require.True(t, ok)
	codes := map[int]bool{}
	var kinds []string
	for _, s := range exitStatuses {
		assert.False(t, codes[s.code], "status %d twice", s.code)
		codes[s.code] = true
		assert.Contains(t, table, fmt.Sprintf("  %-4d %s\n", s.code, s.meaning))
		kinds = append(kinds, s.kinds...)
	}
	assert.Contains(t, table, "  6    nothing to work on: the user has no sessions\n")
	assert.Contains(t, table, "  7    --max-activations reached: a summary was refused before it was sent\n")
	var documented []string
	for _, f := range findShape("Error").fields {
		if f.name == "kind" {
			documented = append(documented, strings.Split(strings.NewReplacer(" or ", ", ").Replace(f.desc), ", ")...)
		}
	}
	assert.ElementsMatch(t, kinds, documented)
}

// TestNothingFound: a user without sessions is a status of its own where
// there is nothing to work on, and a success where listing is the work.
func TestNothingFound(t *testing.T) {
	_, e := fakeEnv(t)
	const nobody = "nobody@example.com"
	r := runCLI(t, e, "summarize", "--email", nobody)
	requireFailure(t, r, exitNothingFound, "fullstory summarize: found no sessions for this user")
	assert.Empty(t, r.stdout)
	requireJSONFailure(t, runCLI(t, e, "--json", "summarize", "--uid", "nobody"), exitNothingFound, "nothing_found")
	requireFailure(t, runCLI(t, e, "profiles", "try", "-f", filepath.Join(profilesDir, "support.json"), "--email", nobody), exitNothingFound, "found no sessions")

	r = runCLI(t, e, "sessions", "list", "--email", nobody, "--json")
	requireOK(t, r)
	assert.JSONEq(t, `{"sessions": []}`, r.stdout)
}
