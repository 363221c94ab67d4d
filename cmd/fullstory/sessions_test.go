package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest"
)

func TestSessionsList(t *testing.T) {
	srv, e := fakeEnv(t)
	want := demoSessions(t, srv)

	r := runCLI(t, e, "sessions", "list", "--email", demoEmail)
	requireOK(t, r)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, len(want)+1, r.stdout)
	assert.True(t, strings.HasPrefix(lines[0], "SESSION"))
	for i, s := range want {
		assert.True(t, strings.HasPrefix(lines[i+1], s.ID().String()+" "), "line %d: %q", i+1, lines[i+1])
		assert.Contains(t, lines[i+1], formatTime(s.CreatedTime))
	}

	r = runCLI(t, e, "sessions", "list", "--email", demoEmail, "--limit", "2", "--json")
	requireOK(t, r)
	var out struct{ Sessions []fullstory.Session }
	decodeOne(t, r.stdout, &out)
	assert.Equal(t, want[:2], out.Sessions)

	r = runCLI(t, e, "sessions", "list", "--uid", fullstorytest.DemoUID, "--json")
	requireOK(t, r)
	decodeOne(t, r.stdout, &out)
	assert.Equal(t, want, out.Sessions)

	r = runCLI(t, e, "sessions", "list", "--email", "nobody@example.com")
	requireOK(t, r)
	assert.Equal(t, "No sessions.\n", r.stdout)
}

func TestSessionsListErrors(t *testing.T) {
	_, e := fakeEnv(t)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"sessions", "list"}, "needs --email or --uid"},
		{[]string{"sessions", "list", "--email", demoEmail, "--uid", "42"}, "not both"},
		{[]string{"sessions", "list", "--email", demoEmail, "extra"}, `takes no arguments, got "extra"`},
		{[]string{"sessions", "list", "--email", demoEmail, "--limit", "-1"}, "--limit"},
		{[]string{"sessions", "list", "--emial", demoEmail}, "flag provided but not defined: -emial"},
		{[]string{"sessions", "dance"}, `unknown command "sessions dance"`},
		{[]string{"sessions"}, "sessions needs a subcommand"},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := runCLI(t, e, tc.args...)
			requireFailure(t, r, exitUsage, tc.want)
			assert.Empty(t, r.stdout)
		})
	}

	// Usage is checked before the key: no key needed to learn the flags are wrong.
	r := runCLI(t, env{}, "sessions", "list")
	requireFailure(t, r, exitUsage, "--email or --uid")

	bad := env{"FULLSTORY_BASE_URL": e["FULLSTORY_BASE_URL"], "FULLSTORY_API_KEY": "wrong-key"}
	r = runCLI(t, bad, "sessions", "list", "--email", demoEmail)
	line := requireFailure(t, r, exitAuth, "401")
	assert.NotContains(t, line, "wrong-key")
	assert.NotContains(t, line, demoEmail, "the email must not be printed in errors")
}
