package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest"
)

// noSummaries checks that nothing spent an Activation.
func noSummaries(t *testing.T, reqs []fullstorytest.Request) {
	t.Helper()
	for _, r := range reqs {
		assert.False(t, strings.HasSuffix(r.Path, "/summary"), "%s %s spends an Activation", r.Method, r.Path)
	}
}

func TestSessionsEvents(t *testing.T) {
	srv, e := fakeEnv(t)
	id := demoSessions(t, srv)[0].ID()
	want, err := srv.Client().Sessions.Events(context.Background(), id)
	require.NoError(t, err)
	require.NotEmpty(t, want)

	r := runCLI(t, e, "sessions", "events", id.String())
	requireOK(t, r)
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	require.Len(t, lines, len(want))
	for i, ev := range want {
		assert.True(t, strings.HasPrefix(lines[i], clock(ev.Time)+"  "+string(ev.Type)), lines[i])
	}
	assert.Contains(t, r.stdout, "https://tickets.example.com/", "a navigation names its page")

	r = runCLI(t, e, "sessions", "events", id.PathEscaped(), "--json")
	requireOK(t, r)
	var out struct{ Events []fullstory.Event }
	decodeOne(t, r.stdout, &out)
	assert.Equal(t, want, out.Events)
	noSummaries(t, srv.Requests())

	requireFailure(t, runCLI(t, e, "sessions", "events"), exitUsage, "needs one SESSION")
	requireFailure(t, runCLI(t, e, "sessions", "events", "6973903723107198876:1"), exitNotFound, "404")
}

func TestSessionsContext(t *testing.T) {
	srv, e := fakeEnv(t)
	id := demoSessions(t, srv)[0].ID()
	support := readExample(t, "support.json")
	require.NotNil(t, support.LLM, "the example has an llm part to leave out")
	cfg := support.ProfileConfig
	cfg.LLM = nil
	want, err := srv.Client().Sessions.Context(context.Background(), id, &cfg)
	require.NoError(t, err)
	profile := createProfile(t, e, "support.json")

	for _, args := range [][]string{
		{"-f", filepath.Join(profilesDir, "support.json")},
		{"--profile", profile},
	} {
		srv.ResetRequests()
		r := runCLI(t, e, append([]string{"sessions", "context", id.String(), "--json"}, args...)...)
		requireOK(t, r)
		var got fullstory.SessionContext
		decodeOne(t, r.stdout, &got)
		assert.Equal(t, want, &got, args)
		for _, req := range srv.Requests() {
			if strings.HasSuffix(req.Path, "/context") {
				var body map[string]json.RawMessage
				require.NoError(t, json.Unmarshal(req.Body, &body))
				assert.NotContains(t, body, "llm", "the context endpoint takes no llm part")
				assert.Contains(t, body, "events")
			}
		}
		noSummaries(t, srv.Requests())
	}

	r := runCLI(t, e, "sessions", "context", id.String(), "-f", filepath.Join(profilesDir, "support.json"))
	requireOK(t, r)
	assert.Contains(t, r.stdout, "Session   "+want.Context.SessionID)
	assert.Contains(t, r.stdout, "Page 1 of ")
	for _, p := range want.Pages {
		assert.Contains(t, r.stdout, p.Title)
	}

	r = runCLI(t, e, "sessions", "context", id.String())
	requireOK(t, r)
	assert.Contains(t, r.stdout, "Page 1 of ")

	requireFailure(t, runCLI(t, e, "sessions", "context", id.String(), "-f", "x.json", "--profile", "p"), exitUsage, "not both")
	requireFailure(t, runCLI(t, e, "sessions", "context", id.String(), "--profile", "nope"), exitNotFound, "profile nope: ")
}
