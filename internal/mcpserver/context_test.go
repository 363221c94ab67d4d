package mcpserver

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest"
)

func TestSessionContext(t *testing.T) {
	h := newHarness(t, Options{})
	out, text := callOK[SessionContextOutput](t, h.cs, ToolGetSessionContext, map[string]any{"session": checkout})
	assert.Equal(t, checkout, out.Session)
	require.NotNil(t, out.Context)
	require.NotNil(t, out.Context.User, "session data is what the tool returns")
	assert.Equal(t, fullstorytest.DemoEmail, out.Context.User.Email)
	assert.Equal(t, 23, out.TotalEvents)
	require.Len(t, out.Pages, 5)
	assert.Equal(t, 0, out.Pages[0].Page)
	assert.Empty(t, out.NextCursor)
	assert.Equal(t, "Context of session "+checkout+": pages 1 to 5 of 5, 23 of its 23 events, in the structured content. This is the last page.", text)
	last := h.fake.Requests()[len(h.fake.Requests())-1]
	assert.Equal(t, "POST", last.Method)
	assert.JSONEq(t, `{}`, string(last.Body), "no profile: the server's defaults")
}

// With a profile, the context request carries the profile's settings
// without its LLM part (a context request may not have one).
func TestSessionContextWithProfile(t *testing.T) {
	h := newHarness(t, Options{})
	id, err := h.fake.Client().Profiles.Create(context.Background(), &fullstory.ProfileRequest{Name: "errors only", ProfileConfig: fullstory.ProfileConfig{
		LLM:    &fullstory.LLMConfig{PrePrompt: "p"},
		Events: &fullstory.EventsConfig{IncludeTypes: []fullstory.EventType{fullstory.EventNavigate, fullstory.EventErrorClick}},
	}})
	require.NoError(t, err)
	out, _ := callOK[SessionContextOutput](t, h.cs, ToolGetSessionContext, map[string]any{"session": checkout, "profile": string(id)})
	assert.Equal(t, string(id), out.Profile)
	assert.Less(t, out.TotalEvents, 23)
	last := h.fake.Requests()[len(h.fake.Requests())-1]
	assert.Equal(t, fullstorytest.OpContext, last.Op)
	assert.JSONEq(t, `{"events":{"include_types":["navigate","error-click"]}}`, string(last.Body))

	msg := callErr(t, h.cs, ToolGetSessionContext, map[string]any{"session": checkout, "profile": "missing"})
	assert.Contains(t, msg, "not found")

	page, _ := callOK[SessionContextOutput](t, h.cs, ToolGetSessionContext, map[string]any{"session": checkout, "profile": string(id), "limit": 2})
	require.NotEmpty(t, page.NextCursor)
	msg = callErr(t, h.cs, ToolGetSessionContext, map[string]any{"cursor": page.NextCursor, "profile": "other"})
	assert.Contains(t, msg, "was made with another profile")
	next, _ := callOK[SessionContextOutput](t, h.cs, ToolGetSessionContext, map[string]any{"cursor": page.NextCursor, "profile": string(id)})
	assert.Equal(t, string(id), next.Profile)
	assert.Nil(t, next.Context, "the session's context is on the first page only")
	assert.Equal(t, 2, next.Offset)
	msg = callErr(t, h.cs, ToolGetSessionEvents, map[string]any{"cursor": page.NextCursor})
	assert.Contains(t, msg, "is not a cursor of get_session_events", "a context cursor is refused by the events tool")
}

// --exclude-user-context: the request asks the API to leave the user out,
// and the user part is dropped from the answer even if the API sent it.
func TestSessionContextExcludeUser(t *testing.T) {
	h := newHarness(t, Options{ExcludeUserContext: true})
	out, _ := callOK[SessionContextOutput](t, h.cs, ToolGetSessionContext, map[string]any{"session": checkout})
	require.NotNil(t, out.Context)
	assert.Nil(t, out.Context.User)
	assert.NotNil(t, out.Context.Location, "only the user part goes")
	last := h.fake.Requests()[len(h.fake.Requests())-1]
	assert.JSONEq(t, `{"context":{"exclude":["user"],"exclude_user_context":true}}`, string(last.Body))

	// An API that ignores the exclusion still shows the agent nothing.
	api := apiServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"context_data":{"context":{"user_context":{"email":"jane@doe.com","display_name":"Jane Doe"}},"pages":[]}}`))
	})
	_, cs := serveOn(t, "k-123456", Options{ExcludeUserContext: true}, httpClient(t, api.URL, "k-123456"))
	res := call(t, cs, ToolGetSessionContext, map[string]any{"session": checkout})
	require.False(t, res.IsError, textOf(res))
	data, _ := json.Marshal(res)
	assert.NotContains(t, string(data), "jane@doe.com")
	assert.NotContains(t, string(data), "Jane Doe")
}

func TestWithoutUser(t *testing.T) {
	user, org, loc, dev := fullstory.ContextUser, fullstory.ContextOrg, fullstory.ContextLocation, fullstory.ContextDevice
	all := []fullstory.ContextElement{user, org, loc, dev}
	cases := []struct {
		in   *fullstory.ContextConfig
		want fullstory.ContextConfig
	}{
		{nil, fullstory.ContextConfig{Exclude: []fullstory.ContextElement{user}}},
		{&fullstory.ContextConfig{Include: []fullstory.ContextElement{user, org}}, fullstory.ContextConfig{Include: []fullstory.ContextElement{org}, Exclude: []fullstory.ContextElement{user}}},
		{&fullstory.ContextConfig{Include: []fullstory.ContextElement{user}}, fullstory.ContextConfig{Include: []fullstory.ContextElement{}, Exclude: all}},
		{&fullstory.ContextConfig{Exclude: []fullstory.ContextElement{dev, user}}, fullstory.ContextConfig{Exclude: []fullstory.ContextElement{dev, user}}},
		{&fullstory.ContextConfig{ExcludeDevice: fullstory.Ptr(true), ExcludeUserContext: fullstory.Ptr(false)}, fullstory.ContextConfig{Exclude: []fullstory.ContextElement{user}, ExcludeDevice: fullstory.Ptr(true)}},
	}
	for _, tc := range cases {
		var before []byte
		if tc.in != nil {
			before, _ = json.Marshal(tc.in)
		}
		got := withoutUser(tc.in)
		tc.want.ExcludeUserContext = fullstory.Ptr(true)
		assert.Equal(t, tc.want.Exclude, got.Exclude)
		assert.ElementsMatch(t, tc.want.Include, got.Include)
		assert.Equal(t, tc.want.ExcludeUserContext, got.ExcludeUserContext)
		assert.Equal(t, tc.want.ExcludeDevice, got.ExcludeDevice)
		if tc.in != nil {
			after, _ := json.Marshal(tc.in)
			assert.Equal(t, string(before), string(after), "the profile's own settings are not changed")
		}
	}
}

// summarize_session with --exclude-user-context: the profile's settings go
// inline with the user taken out, so that an Include that lists the user
// cannot bring it back, and the LLM never sees it.
func TestSummarizeExcludeUser(t *testing.T) {
	h := newHarness(t, Options{ExcludeUserContext: true})
	out, _ := callOK[SummarizeOutput](t, h.cs, ToolSummarizeSession, map[string]any{"session": checkout})
	assert.NotContains(t, out.Summary, fullstorytest.DemoEmail)
	assert.NotContains(t, out.Summary, fullstorytest.DemoDisplayName)
	last := h.fake.Requests()[len(h.fake.Requests())-1]
	assert.Equal(t, "POST", last.Method)
	assert.JSONEq(t, `{"context":{"exclude":["user"],"exclude_user_context":true}}`, string(last.Body))

	id, err := h.fake.Client().Profiles.Create(context.Background(), &fullstory.ProfileRequest{Name: "who", ProfileConfig: fullstory.ProfileConfig{
		LLM:     &fullstory.LLMConfig{PrePrompt: "Who is this user?"},
		Context: &fullstory.ContextConfig{Include: []fullstory.ContextElement{fullstory.ContextUser, fullstory.ContextDevice}},
	}})
	require.NoError(t, err)
	out, _ = callOK[SummarizeOutput](t, h.cs, ToolSummarizeSession, map[string]any{"session": checkout, "profile": string(id)})
	assert.Contains(t, out.Summary, "Who is this user?", "the profile's prompts are sent")
	assert.NotContains(t, out.Summary, fullstorytest.DemoEmail)
	last = h.fake.Requests()[len(h.fake.Requests())-1]
	assert.Equal(t, fullstorytest.OpSummarize, last.Op)
	assert.JSONEq(t, `{"llm":{"pre_prompt":"Who is this user?"},"context":{"include":["device"],"exclude":["user"],"exclude_user_context":true}}`, string(last.Body))
	assert.False(t, strings.Contains(last.RequestURI, "config_profile"))

	// Without the flag, the same profile shows the user.
	plain := newHarness(t, Options{})
	id, err = plain.fake.Client().Profiles.Create(context.Background(), &fullstory.ProfileRequest{Name: "who", ProfileConfig: fullstory.ProfileConfig{
		Context: &fullstory.ContextConfig{Include: []fullstory.ContextElement{fullstory.ContextUser}}}})
	require.NoError(t, err)
	out, _ = callOK[SummarizeOutput](t, plain.cs, ToolSummarizeSession, map[string]any{"session": checkout, "profile": string(id)})
	assert.Contains(t, out.Summary, fullstorytest.DemoEmail)
}
