package fullstorytest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest"
)

func supportProfile() *fullstory.ProfileRequest {
	return &fullstory.ProfileRequest{
		Name: "Support assistant",
		ProfileConfig: fullstory.ProfileConfig{
			Slice:  &fullstory.SliceConfig{Mode: fullstory.SliceLast, EventLimit: 200},
			Events: &fullstory.EventsConfig{ExcludeTypes: []fullstory.EventType{fullstory.EventConsoleError, fullstory.EventNetworkError}},
			LLM: &fullstory.LLMConfig{
				PrePrompt:   "You are a support assistant.",
				PostPrompt:  "Summarize the user's primary goal.",
				Temperature: fullstory.Ptr(0.2),
			},
		},
	}
}

func TestProfileLifecycle(t *testing.T) {
	srv := newServer(t)
	c := srv.Client()
	ctx := t.Context()

	id, err := c.Profiles.Create(ctx, supportProfile())
	require.NoError(t, err)
	require.NotEmpty(t, id)

	got, err := c.Profiles.Get(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, id, got.ID)
	assert.Equal(t, "Support assistant", got.Name)
	assert.Equal(t, supportProfile().ProfileConfig, got.ProfileConfig)

	// Get returns the nested shape: slice/events under "configuration", llm on top.
	resp := raw(t, srv, "GET", "/v2/visit_profile/"+string(id), "")
	require.Equal(t, http.StatusOK, resp.Status)
	var wire map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(resp.Body, &wire))
	assert.Contains(t, wire, "configuration")
	assert.Contains(t, wire, "llm")
	assert.NotContains(t, wire, "slice")

	update := got.Request()
	update.Name = "Support assistant v2"
	update.Slice.EventLimit = 50
	require.NoError(t, c.Profiles.Update(ctx, id, update))
	got, err = c.Profiles.Get(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "Support assistant v2", got.Name)
	assert.Equal(t, 50, got.Slice.EventLimit)

	// Update replaces the whole profile.
	require.NoError(t, c.Profiles.Update(ctx, id, &fullstory.ProfileRequest{Name: "bare"}))
	got, err = c.Profiles.Get(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "bare", got.Name)
	assert.Nil(t, got.LLM)
	assert.Nil(t, got.Slice)

	require.NoError(t, c.Profiles.Delete(ctx, id))
	_, err = c.Profiles.Get(ctx, id)
	assert.Equal(t, "resource_not_found", apiError(t, err).Code)
	assert.ErrorIs(t, err, fullstory.ErrNotFound)
	err = c.Profiles.Delete(ctx, id)
	assert.ErrorIs(t, err, fullstory.ErrNotFound)
	err = c.Profiles.Update(ctx, id, supportProfile())
	assert.ErrorIs(t, err, fullstory.ErrNotFound)
}

func TestProfileWireResponses(t *testing.T) {
	srv := newServer(t)
	resp := raw(t, srv, "POST", "/v2/visit_profile", `{"name":"x","llm":{"pre_prompt":"hi"}}`)
	require.Equal(t, http.StatusOK, resp.Status, "%s", resp.Body)
	var created map[string]string
	require.NoError(t, json.Unmarshal(resp.Body, &created))
	require.Len(t, created, 1)
	id := created["id"]
	require.NotEmpty(t, id)

	resp = raw(t, srv, "POST", "/v2/visit_profile/"+id, `{"name":"y"}`)
	require.Equal(t, http.StatusOK, resp.Status)
	assert.JSONEq(t, fmt.Sprintf(`{"id":%q}`, id), string(resp.Body))

	resp = raw(t, srv, "DELETE", "/v2/visit_profile/"+id, "")
	require.Equal(t, http.StatusOK, resp.Status)
	assert.JSONEq(t, `{}`, string(resp.Body))
}

// Prompts come back as written, not HTML-escaped as "\u003cb\u003e".
func TestPromptsWrittenAsTheyAre(t *testing.T) {
	srv := newServer(t)
	const prompt = "<b>Tom & Jerry</b>"
	resp := raw(t, srv, "POST", "/v2/visit_profile", `{"name":"<x>","llm":{"pre_prompt":"`+prompt+`"}}`)
	require.Equal(t, http.StatusOK, resp.Status, "%s", resp.Body)
	var created struct{ ID string }
	require.NoError(t, json.Unmarshal(resp.Body, &created))

	for _, uri := range []string{"/v2/visit_profile/" + created.ID, "/v2/visit_profile", "/v2/sessions/" + fullstorytest.DemoCheckoutSession.PathEscaped() + "/summary?config_profile=" + created.ID} {
		resp = raw(t, srv, "GET", uri, "")
		require.Equal(t, http.StatusOK, resp.Status, "%s: %s", uri, resp.Body)
		assert.Contains(t, string(resp.Body), prompt, uri)
	}
}

// Get and list write int64 fields as the API's proto3 JSON does, as
// strings, and the client reads them back.
func TestProfileDurationLimitWrittenAsAString(t *testing.T) {
	srv := newServer(t)
	c := srv.Client()
	req := supportProfile()
	req.Slice.DurationLimit = 90 * time.Second
	req.LLM.PrePrompt = "<b>Tom & Jerry</b>"
	id, err := c.Profiles.Create(t.Context(), req)
	require.NoError(t, err)

	for _, uri := range []string{"/v2/visit_profile/" + string(id), "/v2/visit_profile"} {
		resp := raw(t, srv, "GET", uri, "")
		require.Equal(t, http.StatusOK, resp.Status, "%s: %s", uri, resp.Body)
		assert.Contains(t, string(resp.Body), `"duration_limit_ms":"90000"`, uri)
		assert.Contains(t, string(resp.Body), `"event_limit":200`, uri)
		assert.Contains(t, string(resp.Body), req.LLM.PrePrompt, uri)
	}
	got, err := c.Profiles.Get(t.Context(), id)
	require.NoError(t, err)
	assert.Equal(t, req.ProfileConfig, got.ProfileConfig)
	page, err := c.Profiles.List(t.Context(), nil)
	require.NoError(t, err)
	require.Len(t, page.Profiles, 1)
	assert.Equal(t, req.ProfileConfig, page.Profiles[0].ProfileConfig)
}

func TestProfilePagination(t *testing.T) {
	srv := newServer(t)
	c := srv.Client()
	ctx := t.Context()
	var want []fullstory.ProfileID
	for i := range 7 {
		id, err := c.Profiles.Create(ctx, &fullstory.ProfileRequest{Name: fmt.Sprintf("p%d", i)})
		require.NoError(t, err)
		want = append(want, id)
	}

	page, err := c.Profiles.List(ctx, &fullstory.ListProfilesOptions{Limit: 3})
	require.NoError(t, err)
	require.Len(t, page.Profiles, 3)
	assert.Equal(t, want[0], page.Profiles[0].ID)
	assert.Equal(t, "p0", page.Profiles[0].Name)
	require.NotEmpty(t, page.NextPageToken)

	var all []fullstory.ProfileID
	for p, err := range c.Profiles.All(ctx, &fullstory.ListProfilesOptions{Limit: 3}) {
		require.NoError(t, err)
		all = append(all, p.ID)
	}
	assert.Equal(t, want, all)

	// The reference docs' page_token works too, and the token names next_pagination_token.
	resp := raw(t, srv, "GET", "/v2/visit_profile?limit=3&page_token="+page.NextPageToken, "")
	require.Equal(t, http.StatusOK, resp.Status)
	var wire struct {
		Profiles []struct {
			ID fullstory.ProfileID `json:"id"`
		} `json:"profiles"`
		Next string `json:"next_pagination_token"`
	}
	require.NoError(t, json.Unmarshal(resp.Body, &wire))
	require.Len(t, wire.Profiles, 3)
	assert.Equal(t, want[3], wire.Profiles[0].ID)
	assert.NotEmpty(t, wire.Next)

	// The last page has no token; an empty server lists an empty array.
	last, err := c.Profiles.List(ctx, &fullstory.ListProfilesOptions{Limit: 100})
	require.NoError(t, err)
	assert.Len(t, last.Profiles, 7)
	assert.Empty(t, last.NextPageToken)
	empty := newServer(t)
	resp = raw(t, empty, "GET", "/v2/visit_profile", "")
	assert.JSONEq(t, `{"profiles":[]}`, string(resp.Body))

	resp = raw(t, srv, "GET", "/v2/visit_profile?pagination_token=bogus", "")
	assert.Equal(t, http.StatusBadRequest, resp.Status)
	assert.Equal(t, "invalid_argument", resp.Code)
}

func TestProfileValidation(t *testing.T) {
	srv := newServer(t)
	for _, tc := range []struct {
		name, body, code string
	}{
		{"bad JSON", `{"name":`, "invalid_argument"},
		{"not an object", `["x"]`, "invalid_argument"},
		{"wrong type", `{"llm":{"temperature":"hot"}}`, "invalid_argument"},
		{"temperature above 2", `{"llm":{"temperature":2.5}}`, "invalid_argument"},
		{"temperature below 0", `{"llm":{"temperature":-0.1}}`, "invalid_argument"},
		{"TIMESTAMP without start", `{"slice":{"mode":"TIMESTAMP"}}`, "required_field"},
		{"unknown mode", `{"slice":{"mode":"MIDDLE"}}`, "invalid_argument"},
		{"negative event limit", `{"slice":{"event_limit":-1}}`, "invalid_argument"},
		{"end before start", `{"slice":{"start_timestamp":"2025-06-26T23:00:00Z","end_timestamp":"2025-06-26T22:00:00Z"}}`, "invalid_argument"},
		{"lower-case schema type", `{"llm":{"response_schema":{"type":"object","properties":{"a":{"type":"STRING"}}}}}`, "invalid_argument"},
		{"lower-case nested type", `{"llm":{"response_schema":{"type":"OBJECT","properties":{"a":{"type":"string"}}}}}`, "invalid_argument"},
		{"required not a property", `{"llm":{"response_schema":{"type":"OBJECT","required":["b"],"properties":{"a":{"type":"STRING"}}}}}`, "invalid_argument"},
		{"array without items", `{"llm":{"response_schema":{"type":"ARRAY"}}}`, "required_field"},
		{"unknown context element", `{"context":{"include":["weather"]}}`, "invalid_argument"},
		{"empty event type", `{"events":{"include_types":[""]}}`, "invalid_argument"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := raw(t, srv, "POST", "/v2/visit_profile", tc.body)
			assert.Equal(t, http.StatusBadRequest, resp.Status, "%s", resp.Body)
			assert.Equal(t, tc.code, resp.Code, "%s", resp.Body)
		})
	}
	// None of them was stored.
	page, err := srv.Client().Profiles.List(t.Context(), nil)
	require.NoError(t, err)
	assert.Empty(t, page.Profiles)
}

func TestIdempotencyKeyReplaysCreate(t *testing.T) {
	srv := newServer(t)
	c := srv.Client()
	ctx := t.Context()
	first, err := c.Profiles.Create(ctx, supportProfile(), fullstory.WithIdempotencyKey("key-1"))
	require.NoError(t, err)
	again, err := c.Profiles.Create(ctx, supportProfile(), fullstory.WithIdempotencyKey("key-1"))
	require.NoError(t, err)
	assert.Equal(t, first, again)

	other := supportProfile()
	other.Name = "different"
	_, err = c.Profiles.Create(ctx, other, fullstory.WithIdempotencyKey("key-1"))
	assert.Equal(t, http.StatusBadRequest, apiError(t, err).StatusCode)

	page, err := c.Profiles.List(ctx, nil)
	require.NoError(t, err)
	assert.Len(t, page.Profiles, 1)
}
