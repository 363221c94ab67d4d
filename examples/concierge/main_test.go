package main

import (
	"bytes"
	"context"
	"encoding/json"
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
	assert.Equal(t, 1, strings.Count(out, "----- Slack message for session"), "-n defaults to the latest session only")
	assert.Contains(t, out, "----- Slack message for session "+fullstorytest.DemoCheckoutSession.String()+" (2025-06-26 23:01:54 UTC) -----")
	assert.Contains(t, out, `Summary of session `+fullstorytest.DemoCheckoutSession.String()+` with the prompt profile "Ticket concierge (Slack)" (`+m[1]+`)`)
	assert.Contains(t, out, `Pre-prompt applied: "Summarize this session for a [Ticket Service] concierge service employee.`)
	assert.Contains(t, out, "only navigate, click, input-change, error-click, rage-click, dead-click, Added to Cart, Order Completed")
	assert.Contains(t, out, "Location: Austin, Texas, United States", "the profile lets the LLM see the location")
	assert.Contains(t, out, "Outcome: abandoned")
	assert.Contains(t, out, "<https://app.fullstory.com/ui/FAKE/session/"+fullstorytest.DemoCheckoutSession.String()+"|Watch the session in Fullstory>")
	assert.Empty(t, errOut)
}

func TestRunLatestSessions(t *testing.T) {
	out, _, err := capture([]string{"-n", "4"}, nil)
	require.NoError(t, err)

	// One message per session, newest first; the oldest one bought tickets.
	var at []int
	for _, s := range []string{
		fullstorytest.DemoCheckoutSession.String(), fullstorytest.DemoSupportSession.String(),
		fullstorytest.DemoSalesSession.String(), fullstorytest.DemoPurchaseSession.String(),
	} {
		i := strings.Index(out, "----- Slack message for session "+s)
		require.GreaterOrEqual(t, i, 0, "no message for %s", s)
		at = append(at, i)
	}
	assert.IsIncreasing(t, at)
	assert.Contains(t, out[at[3]:], "Outcome: purchased")
}

// TestRunWithKey takes the real-API path, with a fake standing in for the
// API through FULLSTORY_BASE_URL, so that what run did can be checked on it.
func TestRunWithKey(t *testing.T) {
	srv := fullstorytest.NewServer()
	defer srv.Close()

	out, _, err := capture([]string{"-session", fullstorytest.DemoPurchaseSession.String()}, envFor(srv))
	require.NoError(t, err)
	assert.NotContains(t, out, "Running offline")
	m := profileIDLine.FindStringSubmatch(out)
	require.NotNil(t, m, "no profile id line in:\n%s", out)
	assert.Contains(t, out, "reuse it with -profile "+m[1])
	assert.Contains(t, out, "----- Slack message for session "+fullstorytest.DemoPurchaseSession.String())
	p, err := srv.Client().Profiles.Get(context.Background(), fullstory.ProfileID(m[1]))
	require.NoError(t, err, "the profile is kept on the account")
	assert.Equal(t, "Ticket concierge (Slack)", p.Name)
}

func TestRunErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		target error  // matched with errors.Is when set
		msg    string // in the error otherwise
	}{
		{name: "no sessions to summarize", args: []string{"-n", "0"}, msg: "-n must be at least 1"},
		{name: "session id without its user half", args: []string{"-session", "5156932900183134039"}, msg: "invalid value"},
		{name: "unknown session", args: []string{"-session", "1:2"}, target: fullstory.ErrNotFound},
		{name: "customer without sessions", args: []string{"-email", "nobody@example.com"}, msg: "no sessions"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, _, err := capture(tc.args, nil)
			require.Error(t, err)
			if tc.target != nil {
				assert.ErrorIs(t, err, tc.target)
			} else {
				assert.ErrorContains(t, err, tc.msg)
			}
			assert.NotContains(t, out, "Slack message")
		})
	}
}

// TestConciergeProfileMatchesFile keeps the profile in Go and its JSON twin
// in testdata (a copy of examples/profiles/concierge.json, which the CLI
// takes, so that the example copied alone still tests) from drifting apart.
func TestConciergeProfileMatchesFile(t *testing.T) {
	want, err := os.ReadFile(filepath.Join("testdata", "concierge.json"))
	require.NoError(t, err)
	got, err := json.Marshal(conciergeProfile())
	require.NoError(t, err)
	assert.JSONEq(t, string(want), string(got))
}
