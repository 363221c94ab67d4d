package mcpserver

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest"
)

func TestProfileReads(t *testing.T) {
	h := newHarness(t, Options{})
	c := h.fake.Client()
	for _, name := range []string{"one", "two", "three"} {
		_, err := c.Profiles.Create(context.Background(), &fullstory.ProfileRequest{Name: name, ProfileConfig: fullstory.ProfileConfig{
			LLM: &fullstory.LLMConfig{PrePrompt: "pre " + name}, Slice: &fullstory.SliceConfig{Mode: fullstory.SliceLast, EventLimit: 50}}})
		require.NoError(t, err)
	}
	page, text := callOK[ListProfilesOutput](t, h.cs, ToolListProfiles, map[string]any{"limit": 2})
	require.Len(t, page.Profiles, 2)
	require.NotEmpty(t, page.NextPageToken)
	assert.Contains(t, text, "More: call list_profiles with page_token "+page.NextPageToken)
	rest, _ := callOK[ListProfilesOutput](t, h.cs, ToolListProfiles, map[string]any{"page_token": page.NextPageToken})
	require.Len(t, rest.Profiles, 1)
	assert.Empty(t, rest.NextPageToken)

	p, text := callOK[ProfileOutput](t, h.cs, ToolGetProfile, map[string]any{"profile": page.Profiles[0].ID})
	assert.Equal(t, page.Profiles[0].ID, p.ID)
	assert.Equal(t, "one", p.Name)
	assert.Equal(t, map[string]any{"llm": map[string]any{"pre_prompt": "pre one"}, "slice": map[string]any{"mode": "LAST", "event_limit": 50.0}}, p.Config, "the API's JSON names")
	assert.Contains(t, text, `"pre_prompt":"pre one"`)

	assert.Contains(t, callErr(t, h.cs, ToolGetProfile, map[string]any{"profile": "nope"}), "not found")
	assert.Contains(t, callErr(t, h.cs, ToolGetProfile, map[string]any{"profile": " "}), `invalid argument "profile": is required`)
}

func TestProfileWrites(t *testing.T) {
	h := newHarness(t, Options{AllowWrites: true})
	created, text := callOK[ProfileOutput](t, h.cs, ToolCreateProfile, map[string]any{"name": "agent", "config": map[string]any{
		"llm":    map[string]any{"pre_prompt": "You are support.", "temperature": 0.2},
		"events": map[string]any{"exclude_types": []any{"mouse-thrash"}},
	}})
	require.NotEmpty(t, created.ID)
	assert.Contains(t, text, "Created profile "+created.ID)
	req := h.fake.Requests()[len(h.fake.Requests())-1]
	assert.Equal(t, fullstorytest.OpCreateProfile, req.Op)
	assert.JSONEq(t, `{"name":"agent","llm":{"pre_prompt":"You are support.","temperature":0.2},"events":{"exclude_types":["mouse-thrash"]}}`, string(req.Body))

	updated, _ := callOK[ProfileOutput](t, h.cs, ToolUpdateProfile, map[string]any{"profile": created.ID, "config": map[string]any{
		"slice":  map[string]any{"mode": "LAST", "event_limit": 100},
		"events": nil,
	}})
	assert.Equal(t, "agent", updated.Name, "the name is kept")
	req = h.fake.Requests()[len(h.fake.Requests())-1]
	assert.Equal(t, fullstorytest.OpUpdateProfile, req.Op)
	assert.JSONEq(t, `{"name":"agent","llm":{"pre_prompt":"You are support.","temperature":0.2},"slice":{"mode":"LAST","event_limit":100}}`, string(req.Body),
		"llm kept, slice replaced, events removed: the whole profile is sent")
	p, err := h.fake.Client().Profiles.Get(context.Background(), fullstory.ProfileID(created.ID))
	require.NoError(t, err)
	assert.Equal(t, 100, p.Slice.EventLimit)
	assert.Nil(t, p.Events)

	for _, tc := range []struct {
		tool string
		args map[string]any
		want string
	}{
		{ToolCreateProfile, map[string]any{"name": ""}, `invalid argument "name": is required`},
		{ToolCreateProfile, map[string]any{"name": "x", "config": map[string]any{"lm": map[string]any{}}}, `invalid argument "config": has no part "lm"; the parts are llm, slice, context, events, cache`},
		{ToolCreateProfile, map[string]any{"name": "x", "config": map[string]any{"llm": map[string]any{"pre_promt": "x"}}}, `unknown field "pre_promt"`},
		{ToolCreateProfile, map[string]any{"name": "x", "config": map[string]any{"llm": map[string]any{"temperature": 5}}}, "temperature: must be between 0 and 2"},
		{ToolUpdateProfile, map[string]any{"profile": "nope", "name": "x"}, "not found"},
	} {
		assert.Contains(t, callErr(t, h.cs, tc.tool, tc.args), tc.want, "%s %v", tc.tool, tc.args)
	}
}

// Without --allow-writes the write tools are not there at all.
func TestNoWritesUnlessAllowed(t *testing.T) {
	h := newHarness(t, Options{})
	_, err := h.cs.CallTool(context.Background(), toolParams(ToolCreateProfile, map[string]any{"name": "x"}))
	assert.ErrorContains(t, err, "unknown tool")
	assert.Empty(t, countOp(h.fake, fullstorytest.OpCreateProfile))
}
