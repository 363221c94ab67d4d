package main

import (
	"bytes"
	"context"
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

func TestRunOffline(t *testing.T) {
	out, errOut, err := capture(nil, nil)
	require.NoError(t, err)

	assert.Contains(t, out, "Running offline on the in-memory fake")
	assert.Regexp(t, `(?m)^Profile id: \S+$`, out)
	assert.Contains(t, out, "Session: "+fullstorytest.DemoCheckoutSession.String()+"\n")
	// Each line comes from a field of the decoded SupportBrief, which the
	// fake filled in from the schema the profile carried.
	assert.Contains(t, out, "Primary goal: buy Aurora Nights Tour at Riverside Arena on 2025-08-15")
	assert.Regexp(t, `(?m)^Issues encountered:\n  - hit a network error: POST /api/payments returned 502\n`, out)
	assert.Contains(t, out, "  - rage-clicked \"Pay now\"")
	assert.Contains(t, out, "Final action: visited /cart")
	assert.Contains(t, out, "Help pages visited: none")
	assert.Contains(t, out, "Escalate: true")
	assert.Empty(t, errOut)
}

func TestRunHelpPages(t *testing.T) {
	out, _, err := capture([]string{"-session", fullstorytest.DemoSupportSession.String()}, nil)
	require.NoError(t, err)
	assert.Contains(t, out, "Help pages visited:\n  - /help\n  - /help/payment-errors\n")
}

// TestRunProfileWithoutSchema passes a profile that asks for prose: the
// summary cannot be decoded, so run fails and shows the text on stderr.
func TestRunProfileWithoutSchema(t *testing.T) {
	ctx := context.Background()
	srv := fullstorytest.NewServer()
	defer srv.Close()
	id, err := srv.Client().Profiles.Create(ctx, &fullstory.ProfileRequest{Name: "prose"})
	require.NoError(t, err)

	out, errOut, err := capture([]string{"-profile", string(id)}, envFor(srv))
	require.Error(t, err)
	assert.ErrorContains(t, err, "summarizing session "+fullstorytest.DemoCheckoutSession.String())
	assert.Contains(t, errOut, "does not decode as a SupportBrief")
	assert.Contains(t, errOut, "[fullstorytest] Summary of session")
	assert.NotContains(t, out, "Primary goal:")
}

func TestRunBadSession(t *testing.T) {
	out, _, err := capture([]string{"-session", "not a session"}, nil)
	assert.ErrorContains(t, err, "invalid value")
	assert.Empty(t, out, "nothing runs after a bad flag")
}

func TestBriefSchema(t *testing.T) {
	req, err := briefProfile()
	require.NoError(t, err)
	s := req.LLM.ResponseSchema
	require.NotNil(t, s)
	assert.Equal(t, fullstory.TypeObject, s.Type)
	assert.ElementsMatch(t, []string{"primary_goal", "issues_encountered", "final_action", "escalate"}, s.Required)
	assert.Equal(t, fullstory.TypeArray, s.Properties["help_pages_visited"].Type)
	assert.True(t, s.Properties["escalate"].Nullable, "a *bool may be null")
	assert.NotEmpty(t, s.Properties["primary_goal"].Description)
}
