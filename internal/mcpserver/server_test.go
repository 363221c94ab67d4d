package mcpserver

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest"
)

func listTools(t *testing.T, cs *mcp.ClientSession) map[string]*mcp.Tool {
	t.Helper()
	tools := map[string]*mcp.Tool{}
	for tool, err := range cs.Tools(context.Background(), nil) {
		require.NoError(t, err)
		tools[tool.Name] = tool
	}
	return tools
}

func names(tools map[string]*mcp.Tool) []string {
	var out []string
	for n := range tools {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

func TestToolsOffered(t *testing.T) {
	free := []string{ToolGetProfile, ToolGetSessionContext, ToolGetSessionEvents, ToolListProfiles, ToolListSessions}
	cases := []struct {
		name string
		opts Options
		want []string
	}{
		{"default", Options{}, append(slices.Clone(free), ToolSummarizeSession)},
		{"read-only", Options{ReadOnly: true}, free},
		{"writes", Options{AllowWrites: true}, append(slices.Clone(free), ToolCreateProfile, ToolSummarizeSession, ToolUpdateProfile)},
		{"read-only with writes", Options{ReadOnly: true, AllowWrites: true}, append(slices.Clone(free), ToolCreateProfile, ToolUpdateProfile)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tc.opts)
			want := slices.Clone(tc.want)
			slices.Sort(want)
			assert.Equal(t, want, names(listTools(t, h.cs)))
		})
	}
}

// The annotations are what a host decides on: whether to ask the user
// first. They must say the truth, false values included.
func TestAnnotations(t *testing.T) {
	h := newHarness(t, Options{AllowWrites: true})
	tools := listTools(t, h.cs)
	for _, name := range []string{ToolListSessions, ToolGetSessionEvents, ToolGetSessionContext, ToolListProfiles, ToolGetProfile} {
		a := tools[name].Annotations
		require.NotNil(t, a, name)
		assert.True(t, a.ReadOnlyHint, name)
		require.NotNil(t, a.OpenWorldHint, name)
		assert.False(t, *a.OpenWorldHint, name)
		assert.Contains(t, tools[name].Title, "(free)", name)
		assert.Contains(t, tools[name].Description, "Free", name)
	}
	sum := tools[ToolSummarizeSession]
	require.NotNil(t, sum.Annotations)
	assert.False(t, sum.Annotations.ReadOnlyHint, "a summary spends: hosts should ask first")
	assert.False(t, sum.Annotations.IdempotentHint)
	require.NotNil(t, sum.Annotations.DestructiveHint)
	assert.False(t, *sum.Annotations.DestructiveHint)
	assert.Contains(t, sum.Title, "spends 1 Activation")
	assert.Contains(t, sum.Annotations.Title, "spends 1 Activation")
	assert.Contains(t, sum.Description, "spends one of the account's paid Activations")
	assert.Contains(t, sum.Description, "at most 5")
	assert.Contains(t, sum.Description, "may still be billed")

	create, update := tools[ToolCreateProfile].Annotations, tools[ToolUpdateProfile].Annotations
	assert.False(t, create.ReadOnlyHint)
	assert.False(t, *create.DestructiveHint)
	assert.False(t, create.IdempotentHint)
	assert.False(t, update.ReadOnlyHint)
	assert.True(t, *update.DestructiveHint)
	assert.True(t, update.IdempotentHint)

	// The hints go on the wire even when false (SDK >= 1.7).
	data, err := json.Marshal(sum.Annotations)
	require.NoError(t, err)
	assert.Contains(t, string(data), `"readOnlyHint":false`)
	assert.Contains(t, string(data), `"openWorldHint":false`)
}

// Every argument has a description an LLM can use, the names are the
// contract, and the bounds are in the schema.
func TestSchemas(t *testing.T) {
	h := newHarness(t, Options{AllowWrites: true})
	tools := listTools(t, h.cs)
	wantArgs := map[string][]string{
		ToolListSessions:      {"email", "limit", "session_uid", "uid"},
		ToolGetSessionEvents:  {"cursor", "limit", "session"},
		ToolGetSessionContext: {"cursor", "limit", "profile", "session"},
		ToolSummarizeSession:  {"profile", "session"},
		ToolListProfiles:      {"limit", "page_token"},
		ToolGetProfile:        {"profile"},
		ToolCreateProfile:     {"config", "name"},
		ToolUpdateProfile:     {"config", "name", "profile"},
	}
	for name, args := range wantArgs {
		var schema struct {
			Type                 string                    `json:"type"`
			Properties           map[string]map[string]any `json:"properties"`
			Required             []string                  `json:"required"`
			AdditionalProperties any                       `json:"additionalProperties"`
		}
		data, err := json.Marshal(tools[name].InputSchema)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(data, &schema))
		var got []string
		for arg, p := range schema.Properties {
			got = append(got, arg)
			assert.NotEmpty(t, p["description"], "%s.%s has no description", name, arg)
		}
		slices.Sort(got)
		assert.Equal(t, args, got, name)
		assert.Equal(t, false, schema.AdditionalProperties, "%s: a stray argument is an error the model sees", name)
		assert.NotNil(t, tools[name].OutputSchema, "%s has typed output", name)
		if slices.Contains(args, "limit") {
			assert.NotNil(t, schema.Properties["limit"]["maximum"], "%s.limit is bounded", name)
		}
	}
	assert.Contains(t, toolRequired(t, tools[ToolSummarizeSession]), "session")
	assert.Contains(t, toolRequired(t, tools[ToolGetProfile]), "profile")
	assert.Contains(t, tools[ToolCreateProfile].Description, "pre_prompt")
}

func toolRequired(t *testing.T, tool *mcp.Tool) []string {
	data, err := json.Marshal(tool.InputSchema)
	require.NoError(t, err)
	var s struct {
		Required []string `json:"required"`
	}
	require.NoError(t, json.Unmarshal(data, &s))
	return s.Required
}

func TestNewRefuses(t *testing.T) {
	fake := fullstorytest.NewServer()
	defer fake.Close()
	_, err := New(nil, Options{ReadOnly: true})
	assert.Error(t, err)
	_, err = New(fake.Client(), Options{})
	assert.ErrorContains(t, err, "Guard", "a server that may summarize without a cap is refused")
	_, err = NewGuard(-1)
	assert.ErrorIs(t, err, fullstory.ErrInvalidArgument)
}

func TestInstructions(t *testing.T) {
	h := newHarness(t, Options{})
	res := h.cs.InitializeResult()
	require.NotNil(t, res)
	assert.Contains(t, res.Instructions, "paid Activations")
	assert.Contains(t, res.Instructions, "at most 5 Activations")
	assert.Equal(t, "fullstory", res.ServerInfo.Name)
	assert.Equal(t, fullstory.Version, res.ServerInfo.Version)

	ro := newHarness(t, Options{ReadOnly: true})
	assert.Contains(t, ro.cs.InitializeResult().Instructions, "offers no summaries")
	assert.False(t, strings.Contains(ro.cs.InitializeResult().Instructions, ToolSummarizeSession))
}
