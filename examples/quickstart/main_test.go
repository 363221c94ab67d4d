package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
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

// capture runs run with args, an environment that holds only env, and
// buffers for stdout and stderr, whose text it returns with run's error.
func capture(args []string, env map[string]string) (stdout, stderr string, err error) {
	var out, errOut bytes.Buffer
	err = run(context.Background(), args, &out, &errOut, func(k string) string { return env[k] })
	return out.String(), errOut.String(), err
}

// envFor makes run take srv for the real API.
func envFor(srv *fullstorytest.Server) map[string]string {
	return map[string]string{"FULLSTORY_API_KEY": srv.APIKey, "FULLSTORY_BASE_URL": srv.URL}
}

var profileIDLine = regexp.MustCompile(`(?m)^Profile id: (\S+)$`)

func TestRunOffline(t *testing.T) {
	out, errOut, err := capture(nil, nil)
	require.NoError(t, err)

	assert.Contains(t, out, "Running offline on the in-memory fake")
	m := profileIDLine.FindStringSubmatch(out)
	require.NotNil(t, m, "no profile id line in:\n%s", out)
	for _, s := range []string{
		fullstorytest.DemoCheckoutSession.String(), fullstorytest.DemoSupportSession.String(),
		fullstorytest.DemoSalesSession.String(), fullstorytest.DemoPurchaseSession.String(),
	} {
		assert.Contains(t, out, "https://app.fullstory.com/ui/FAKE/session/"+s)
	}
	assert.Contains(t, out, "2025-06-26 23:01:54 UTC", "the latest session's created time")
	// The latest session is summarized, with the profile just created, whose
	// slice and filters reached the server.
	summary := out[strings.Index(out, "[fullstorytest]"):]
	assert.Contains(t, summary, `Summary of session `+fullstorytest.DemoCheckoutSession.String()+` with the prompt profile "Support assistant" (`+m[1]+`)`)
	assert.Contains(t, summary, "mode LAST; event_limit 200; without console-error, network-error")
	assert.Contains(t, summary, "Outcome: abandoned")
	assert.NotContains(t, out, "reuse it with -profile", "profiles on the fake vanish with it")
	assert.Empty(t, errOut)
}

// TestRunWithKey takes the real-API path, with a fake standing in for the
// API through FULLSTORY_BASE_URL, so that what run did can be checked on it.
func TestRunWithKey(t *testing.T) {
	ctx := context.Background()
	srv := fullstorytest.NewServer()
	defer srv.Close()

	out, _, err := capture(nil, envFor(srv))
	require.NoError(t, err)
	assert.NotContains(t, out, "Running offline")
	m := profileIDLine.FindStringSubmatch(out)
	require.NotNil(t, m, "no profile id line in:\n%s", out)
	id := fullstory.ProfileID(m[1])
	assert.Contains(t, out, "reuse it with -profile "+m[1])
	p, err := srv.Client().Profiles.Get(ctx, id)
	require.NoError(t, err, "the profile is kept on the account")
	assert.Equal(t, "Support assistant", p.Name)

	// Again with that profile and a session given: nothing is created or
	// listed, and that session is summarized.
	out, _, err = capture([]string{"-profile", m[1], "-session", fullstorytest.DemoSupportSession.String()}, envFor(srv))
	require.NoError(t, err)
	assert.NotContains(t, out, "sessions of")
	assert.Contains(t, out, "Summary of session "+fullstorytest.DemoSupportSession.String()+` with the prompt profile "Support assistant" (`+m[1]+`)`)
	page, err := srv.Client().Profiles.List(ctx, nil)
	require.NoError(t, err)
	assert.Len(t, page.Profiles, 1)
}

func TestRunErrors(t *testing.T) {
	srv := fullstorytest.NewServer()
	defer srv.Close()
	for _, tc := range []struct {
		name   string
		args   []string
		vars   map[string]string
		target error  // matched with errors.Is when set
		msg    string // in the error otherwise
	}{
		{name: "session id without its user half", args: []string{"-session", "5156932900183134039"}, msg: `-session: fullstory: invalid session id: must be "userId:sessionId"`},
		{name: "unknown session", args: []string{"-session", "1:2"}, target: fullstory.ErrNotFound},
		{name: "unknown profile", args: []string{"-profile", "no-such-profile"}, target: fullstory.ErrNotFound},
		{name: "user without sessions", args: []string{"-email", "nobody@example.com"}, msg: "no sessions"},
		{name: "stray argument", args: []string{"jane@doe.com"}, msg: "unexpected arguments"},
		{name: "unknown flag", args: []string{"-verbose"}, msg: "flag provided but not defined"},
		{name: "base URL without a key", vars: map[string]string{"FULLSTORY_BASE_URL": srv.URL}, msg: "FULLSTORY_API_KEY"},
		{name: "wrong key", vars: map[string]string{"FULLSTORY_API_KEY": "wrong", "FULLSTORY_BASE_URL": srv.URL}, target: fullstory.ErrUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, _, err := capture(tc.args, tc.vars)
			require.Error(t, err)
			if tc.target != nil {
				assert.ErrorIs(t, err, tc.target)
			} else {
				assert.ErrorContains(t, err, tc.msg)
			}
			assert.NotContains(t, out, "[fullstorytest]", "no summary after an error")
		})
	}
}

// TestSupportProfileMatchesFile keeps the profile in Go and its JSON twin in
// testdata (a copy of examples/profiles/support.json, which the CLI takes,
// so that the example copied alone still tests) from drifting apart.
func TestSupportProfileMatchesFile(t *testing.T) {
	want, err := os.ReadFile(filepath.Join("testdata", "support.json"))
	require.NoError(t, err)
	got, err := json.Marshal(supportProfile())
	require.NoError(t, err)
	assert.JSONEq(t, string(want), string(got))
}

// -h prints the usage and is no failure; a bad flag is a usage error.
func TestRunUsage(t *testing.T) {
	_, errOut, err := capture([]string{"-h"}, nil)
	assert.ErrorIs(t, err, flag.ErrHelp)
	assert.Contains(t, errOut, "-email email")
	_, _, err = capture([]string{"-verbose"}, nil)
	assert.ErrorAs(t, err, new(usageError))
}
