package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

const profilesDir = "../../examples/profiles"

// readExample decodes an example profile strictly, as the brief of the
// example programs asks: unknown fields are an error.
func readExample(t *testing.T, name string) *fullstory.ProfileRequest {
	t.Helper()
	f, err := os.Open(filepath.Join(profilesDir, name))
	require.NoError(t, err)
	defer f.Close()
	dec := json.NewDecoder(f)
	dec.DisallowUnknownFields()
	var req fullstory.ProfileRequest
	require.NoError(t, dec.Decode(&req), name)
	require.False(t, dec.More(), "%s holds more than one JSON value", name)
	return &req
}

func TestExampleProfilesDecodeAndValidate(t *testing.T) {
	srv, _ := fakeEnv(t)
	c := srv.Client()
	for _, name := range []string{"support.json", "sales.json", "concierge.json"} {
		t.Run(name, func(t *testing.T) {
			req := readExample(t, name)
			assert.NotEmpty(t, req.Name)
			require.NotNil(t, req.LLM)
			assert.NotEmpty(t, req.LLM.PrePrompt)
			assert.NotEmpty(t, req.LLM.PostPrompt)
			// Create validates the request before sending it, then the fake checks it too.
			id, err := c.Profiles.Create(context.Background(), req)
			require.NoError(t, err)
			got, err := c.Profiles.Get(context.Background(), id)
			require.NoError(t, err)
			assert.Equal(t, req, got.Request(), "the profile read back differs from the file")
		})
	}

	support := readExample(t, "support.json")
	require.NotNil(t, support.Slice)
	assert.Equal(t, fullstory.SliceLast, support.Slice.Mode)
	assert.Equal(t, 200, support.Slice.EventLimit)
	assert.ElementsMatch(t, []fullstory.EventType{fullstory.EventConsoleError, fullstory.EventNetworkError}, support.Events.ExcludeTypes)
	assert.Equal(t, 0.2, *support.LLM.Temperature)
	assert.Contains(t, support.LLM.PrePrompt, "You are a support assistant.")
	assert.Contains(t, support.LLM.PostPrompt, "If the user visited help pages, list them.")

	sales := readExample(t, "sales.json")
	assert.Contains(t, sales.LLM.PrePrompt, "buying intent")
	assert.Contains(t, sales.LLM.PostPrompt, "pricing pages")

	concierge := readExample(t, "concierge.json")
	prompts := concierge.LLM.PrePrompt + concierge.LLM.PostPrompt
	for _, want := range []string{"slack mrkdwn", "Order Completed", "'Customer Profile'", "'Session Overview'", "'Key Behaviors & Insights for Follow-Up'", "'Recommended Concierge Actions'", "Do not offer to waive fees"} {
		assert.Contains(t, prompts, want)
	}
	assert.Contains(t, concierge.Events.IncludeTypes, fullstory.EventType("Order Completed"))
	assert.Contains(t, concierge.Events.IncludeTypes, fullstory.EventType("Added to Cart"))
}

func TestProfilesLifecycle(t *testing.T) {
	srv, e := fakeEnv(t)
	before := profileIDs(t, srv)
	support := filepath.Join(profilesDir, "support.json")

	r := runCLI(t, e, "profiles", "create", "-f", support)
	requireOK(t, r)
	id := strings.TrimSpace(r.stdout)
	require.NotEmpty(t, id)
	assert.Contains(t, profileIDs(t, srv), fullstory.ProfileID(id))

	r = runCLI(t, e, "profiles", "get", id)
	requireOK(t, r)
	for _, want := range []string{id, "Support assistant", "LAST, 200 events", "exclude console-error, network-error", "0.2", "You are a support assistant."} {
		assert.Contains(t, r.stdout, want)
	}

	// --json is the API's shape; --body is a file that -f takes back.
	r = runCLI(t, e, "profiles", "get", id, "--json")
	requireOK(t, r)
	var got fullstory.Profile
	decodeOne(t, r.stdout, &got)
	assert.Equal(t, fullstory.ProfileID(id), got.ID)
	assert.Equal(t, "Support assistant", got.Name)
	assert.Contains(t, r.stdout, `"configuration"`)

	r = runCLI(t, e, "profiles", "get", "--body", id)
	requireOK(t, r)
	body, err := decodeProfile(strings.NewReader(r.stdout))
	require.NoError(t, err)
	assert.Equal(t, readExample(t, "support.json"), body)

	r = runCLI(t, e, "profiles", "list")
	requireOK(t, r)
	assert.Contains(t, r.stdout, "ID")
	assert.Contains(t, r.stdout, id)
	assert.Contains(t, r.stdout, "Support assistant")

	r = runCLI(t, e, "--json", "profiles", "list")
	requireOK(t, r)
	var page fullstory.ProfilePage
	decodeOne(t, r.stdout, &page)
	assert.Len(t, page.Profiles, len(before)+1)

	r = runCLI(t, e, "profiles", "list", "--limit", "1", "--json")
	requireOK(t, r)
	decodeOne(t, r.stdout, &page)
	assert.Len(t, page.Profiles, 1)

	r = runCLI(t, e, "profiles", "update", id, "-f", filepath.Join(profilesDir, "sales.json"))
	requireOK(t, r)
	assert.Contains(t, r.stdout, id)
	p, err := srv.Client().Profiles.Get(context.Background(), fullstory.ProfileID(id))
	require.NoError(t, err)
	assert.Equal(t, "Sales buying signals", p.Name)

	r = runCLI(t, e, "profiles", "delete", id, "--json")
	requireOK(t, r)
	var deleted struct{ Deleted []string }
	decodeOne(t, r.stdout, &deleted)
	assert.Equal(t, []string{id}, deleted.Deleted)
	assert.ElementsMatch(t, before, profileIDs(t, srv))

	// The profile is gone: not found, exit status 4.
	r = runCLI(t, e, "profiles", "get", id)
	requireFailure(t, r, exitNotFound, "404")
	assert.Empty(t, r.stdout)
}

func TestProfilesCreateJSONAndStdin(t *testing.T) {
	srv, e := fakeEnv(t)
	data, err := os.ReadFile(filepath.Join(profilesDir, "concierge.json"))
	require.NoError(t, err)
	var stdout, stderr strings.Builder
	code := run(context.Background(), nil, []string{"profiles", "create", "--json", "-f", "-"}, strings.NewReader(string(data)), &stdout, &stderr, func(k string) string { return e[k] })
	require.Equal(t, 0, code, stderr.String())
	var out struct{ ID fullstory.ProfileID }
	decodeOne(t, stdout.String(), &out)
	p, err := srv.Client().Profiles.Get(context.Background(), out.ID)
	require.NoError(t, err)
	assert.Equal(t, "Ticket concierge (Slack)", p.Name)
}

func TestProfilesBadFiles(t *testing.T) {
	srv, e := fakeEnv(t)
	before := profileIDs(t, srv)
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
		return path
	}
	cases := []struct {
		name, content, want string
	}{
		{"typo.json", `{"name": "x", "llm": {"pre-prompt": "hi"}}`, `typo.json:1:23: not a profile: unknown field "llm.pre-prompt"; did you mean "llm.pre_prompt"?`},
		{"temp.json", "{\n  \"llm\": {\n    \"temprature\": 0.5\n  }\n}", `temp.json:3:5: not a profile: unknown field "llm.temprature"; did you mean "llm.temperature"?`},
		{"guide.json", `{"llm": {"output_schema": "{}"}}`, `guide.json:1:10: not a profile: unknown field "llm.output_schema": the API calls it "response_schema"`},
		{"get.json", `{"id": "p1", "name": "x"}`, "profiles get ID --body"},
		{"nested.json", `{"name": "x", "configuration": {"slice": {}}}`, `"configuration": this is the shape get returns`},
		{"two.json", `{"name": "a"} {"name": "b"}`, "two.json:1:15: not a profile: more than one JSON value"},
		{"syntax.json", "{\n  \"name\": \"a\",\n}", "syntax.json:3:1: not a profile: invalid JSON: invalid character '}'"},
		{"kind.json", `{"slice": {"event_limit": "lots"}}`, `kind.json:1:27: not a profile: "slice.event_limit" must be a whole number`},
		{"hot.json", `{"llm": {"temperature": 3}}`, "temperature"},
		{"mode.json", `{"slice": {"mode": "MIDDLE"}}`, "slice.mode"},
		{"slice.json", `{"slice": {"mode": "LAST", "event_limt": 5}}`, `slice.json:1:28: not a profile: unknown field "slice.event_limt"; did you mean "slice.event_limit"?`},
		{"empty.json", "", "empty.json: the file is empty"},
		{"blank.json", " \n", "blank.json: the file is empty"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, e, "profiles", "create", "-f", write(tc.name, tc.content))
			requireFailure(t, r, exitUsage, tc.want)
			assert.Empty(t, r.stdout)
		})
	}
	r := runCLI(t, e, "profiles", "create", "-f", filepath.Join(dir, "missing.json"))
	requireFailure(t, r, exitUsage, "missing.json")
	assert.ElementsMatch(t, before, profileIDs(t, srv), "nothing may be created from a bad file")
}

func TestProfilesAPIErrors(t *testing.T) {
	_, e := fakeEnv(t)
	r := runCLI(t, e, "profiles", "delete", "no-such-profile")
	requireFailure(t, r, exitNotFound, "404")

	bad := env{"FULLSTORY_BASE_URL": e["FULLSTORY_BASE_URL"], "FULLSTORY_API_KEY": "not-the-key"}
	r = runCLI(t, bad, "profiles", "list")
	line := requireFailure(t, r, exitAuth, "401")
	assert.NotContains(t, line, "not-the-key", "the key must never be printed")
	assert.Empty(t, r.stdout)
}

// TestProfilesDeleteTriesEach deletes a missing profile before an existing
// one: the second is deleted anyway, and the output says what happened to each.
func TestProfilesDeleteTriesEach(t *testing.T) {
	srv, e := fakeEnv(t)
	before := profileIDs(t, srv)
	a := createProfile(t, e, "support.json")

	r := runCLI(t, e, "profiles", "delete", "no-such-profile", a, "--json")
	require.Equal(t, exitNotFound, r.code, "the status of the first failure")
	var failure struct{ Error jsonError }
	decodeOne(t, r.stderr, &failure)
	assert.Equal(t, "not_found", failure.Error.Kind)
	assert.Equal(t, 404, failure.Error.Status)
	assert.Equal(t, exitNotFound, failure.Error.ExitCode)
	assert.Contains(t, failure.Error.Message, "1 of 2 profiles not deleted")
	assert.NotContains(t, failure.Error.Message, "fullstory: ", "the library's prefix is not repeated mid-line")
	var out struct {
		Deleted []string
		Failed  []jsonNotDeleted
	}
	decodeOne(t, r.stdout, &out)
	assert.Equal(t, []string{a}, out.Deleted)
	require.Len(t, out.Failed, 1)
	assert.Equal(t, fullstory.ProfileID("no-such-profile"), out.Failed[0].ID)
	assert.Contains(t, out.Failed[0].Error.Message, "404")
	assert.Equal(t, "not_found", out.Failed[0].Error.Kind)
	assert.Equal(t, 404, out.Failed[0].Error.Status)
	assert.ElementsMatch(t, before, profileIDs(t, srv))

	b := createProfile(t, e, "sales.json")
	r = runCLI(t, e, "profiles", "delete", "no-such-profile", b)
	// Each failure is said once, on stderr; stdout has what was deleted.
	line := requireFailure(t, r, exitNotFound, "could not delete profile no-such-profile")
	assert.Contains(t, line, "404")
	assert.Equal(t, "Deleted profile "+b+".\n", r.stdout)
	assert.ElementsMatch(t, before, profileIDs(t, srv))

	r = runCLI(t, e, "profiles", "delete", "--json", createProfile(t, e, "sales.json"))
	requireOK(t, r)
	assert.Contains(t, r.stdout, `"failed": []`, "scripts always find both lists")
}
