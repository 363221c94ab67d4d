package fullstory_test

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

// The profile settings (profileconfig.go): how they are encoded, copied and
// validated before anything is sent.

func TestProfilesCreateSendsSetPointersEvenWhenFalseOrZero(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, `{"id":"p-zero"}`)))
	c := wireClient(t, ws)
	no := fullstory.Ptr(false)
	req := &fullstory.ProfileRequest{ProfileConfig: fullstory.ProfileConfig{
		LLM: &fullstory.LLMConfig{Temperature: fullstory.Ptr(0.0)},
		Context: &fullstory.ContextConfig{
			ExcludeUserContext: no, ExcludeOrgContext: no, ExcludeLocation: no, ExcludeDevice: no,
		},
		Events: &fullstory.EventsConfig{
			ExcludeDefinedEvents: no, ExcludeAPIEvents: no, ExcludeEventTimestamps: no, ExcludeSelectors: no,
			IncludeSelectorTags: no, IncludeTabIndex: no, IncludeDescriptions: no,
			TrimToLastNSelectors: fullstory.Ptr(0),
		},
		Cache: &fullstory.CacheConfig{EnableEventCache: no},
	}}

	_, err := c.Profiles.Create(context.Background(), req)
	require.NoError(t, err)
	assert.JSONEq(t, `{
		"llm": {"temperature": 0},
		"context": {"exclude_user_context": false, "exclude_org_context": false, "exclude_location": false, "exclude_device": false},
		"events": {
			"exclude_defined_events": false, "exclude_api_events": false, "exclude_event_timestamps": false,
			"exclude_selectors": false, "include_selector_tags": false, "include_tab_index": false,
			"include_descriptions": false, "trim_to_last_n_selectors": 0
		},
		"cache": {"enable_event_cache": false}
	}`, string(ws.only(t).Body))
}

func TestProfilesCreateLeavesNilPartsOut(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, `{"id":"p-min"}`)))
	c := wireClient(t, ws)

	_, err := c.Profiles.Create(context.Background(), &fullstory.ProfileRequest{
		Name:          "minimal",
		ProfileConfig: fullstory.ProfileConfig{LLM: &fullstory.LLMConfig{PrePrompt: "Summarize."}, Slice: &fullstory.SliceConfig{}},
	})
	require.NoError(t, err)
	assert.JSONEq(t, `{"name":"minimal","llm":{"pre_prompt":"Summarize."},"slice":{}}`, string(ws.only(t).Body))
}

func TestProfilesCreateEncodesSliceDurationsAndTimestamps(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, `{"id":"p-slice"}`)))
	c := wireClient(t, ws)
	paris := time.FixedZone("CEST", 2*60*60)

	_, err := c.Profiles.Create(context.Background(), &fullstory.ProfileRequest{ProfileConfig: fullstory.ProfileConfig{
		Slice: &fullstory.SliceConfig{
			Mode:           fullstory.SliceTimestamp,
			EventLimit:     500,
			DurationLimit:  90*time.Second + 999*time.Microsecond, // sub-millisecond part dropped
			StartTimestamp: time.Date(2025, 6, 26, 22, 0, 0, 0, paris),
			EndTimestamp:   time.Date(2025, 6, 26, 21, 30, 0, 250_000_000, time.UTC),
		},
	}})
	require.NoError(t, err)
	assert.JSONEq(t, `{"slice":{
		"mode": "TIMESTAMP",
		"event_limit": 500,
		"duration_limit_ms": 90000,
		"start_timestamp": "2025-06-26T20:00:00Z",
		"end_timestamp": "2025-06-26T21:30:00.25Z"
	}}`, string(ws.only(t).Body))
}

func TestProfilesCreateSendsPromptsWithoutHTMLEscaping(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, `{"id":"p-html"}`)))
	c := wireClient(t, ws)

	_, err := c.Profiles.Create(context.Background(), &fullstory.ProfileRequest{
		ProfileConfig: fullstory.ProfileConfig{LLM: &fullstory.LLMConfig{PostPrompt: "Use <b> & • for lists"}},
	})
	require.NoError(t, err)
	assert.Contains(t, string(ws.only(t).Body), `"post_prompt":"Use <b> & • for lists"`)
}

func TestProfileRequestIsADeepCopy(t *testing.T) {
	var p fullstory.Profile
	require.NoError(t, json.Unmarshal([]byte(wireFixture(t, "profile_get.json")), &p))
	var before fullstory.Profile
	require.NoError(t, json.Unmarshal([]byte(wireFixture(t, "profile_get.json")), &before))

	req := p.Request()
	assert.Equal(t, p.Name, req.Name)
	assert.Equal(t, p.ProfileConfig, req.ProfileConfig)

	req.Name = "changed"
	req.LLM.PrePrompt = "changed"
	*req.LLM.Temperature = 1.5
	req.LLM.ResponseSchema.Properties["primary_goal"].Type = fullstory.TypeInteger
	req.LLM.ResponseSchema.Required[0] = "changed"
	req.Slice.EventLimit = 1
	req.Events.ExcludeTypes[0] = fullstory.EventClick
	*req.Events.TrimToLastNSelectors = 9
	req.Context.Exclude[0] = fullstory.ContextUser
	*req.Context.ExcludeLocation = false
	*req.Cache.EnableEventCache = true

	assert.Equal(t, before, p, "changing the request changed the profile")

	var nilProfile *fullstory.Profile
	assert.Equal(t, &fullstory.ProfileRequest{}, nilProfile.Request())
}

func TestProfilesValidationSendsNothing(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, `{"id":"p1"}`)))
	c := wireClient(t, ws)
	ctx := context.Background()
	withLLM := func(l fullstory.LLMConfig) *fullstory.ProfileRequest {
		return &fullstory.ProfileRequest{ProfileConfig: fullstory.ProfileConfig{LLM: &l}}
	}
	withSlice := func(s fullstory.SliceConfig) *fullstory.ProfileRequest {
		return &fullstory.ProfileRequest{ProfileConfig: fullstory.ProfileConfig{Slice: &s}}
	}
	start := time.Date(2025, 6, 26, 20, 0, 0, 0, time.UTC)

	bad := map[string]*fullstory.ProfileRequest{
		"temperature above 2":       withLLM(fullstory.LLMConfig{Temperature: fullstory.Ptr(2.01)}),
		"temperature below 0":       withLLM(fullstory.LLMConfig{Temperature: fullstory.Ptr(-0.1)}),
		"temperature NaN":           withLLM(fullstory.LLMConfig{Temperature: fullstory.Ptr(math.NaN())}),
		"temperature +Inf":          withLLM(fullstory.LLMConfig{Temperature: fullstory.Ptr(math.Inf(1))}),
		"lower-case schema type":    withLLM(fullstory.LLMConfig{ResponseSchema: &fullstory.Schema{Type: "object"}}),
		"required names no field":   withLLM(fullstory.LLMConfig{ResponseSchema: &fullstory.Schema{Type: fullstory.TypeObject, Required: []string{"x"}}}),
		"TIMESTAMP without a start": withSlice(fullstory.SliceConfig{Mode: fullstory.SliceTimestamp, EventLimit: 10}),
		"unknown slice mode":        withSlice(fullstory.SliceConfig{Mode: "MIDDLE"}),
		"negative event limit":      withSlice(fullstory.SliceConfig{EventLimit: -1}),
		"negative duration":         withSlice(fullstory.SliceConfig{DurationLimit: -time.Second}),
		"end before start":          withSlice(fullstory.SliceConfig{StartTimestamp: start, EndTimestamp: start.Add(-time.Minute)}),
		"negative selector trim": {ProfileConfig: fullstory.ProfileConfig{
			Events: &fullstory.EventsConfig{TrimToLastNSelectors: fullstory.Ptr(-1)},
		}},
		"empty event type": {ProfileConfig: fullstory.ProfileConfig{
			Events: &fullstory.EventsConfig{IncludeTypes: []fullstory.EventType{" "}},
		}},
		"unknown context element": {ProfileConfig: fullstory.ProfileConfig{
			Context: &fullstory.ContextConfig{Exclude: []fullstory.ContextElement{"weather"}},
		}},
	}
	for name, req := range bad {
		t.Run("Create "+name, func(t *testing.T) {
			_, err := c.Profiles.Create(ctx, req)
			requireInvalidArgument(t, err)
		})
		t.Run("Update "+name, func(t *testing.T) {
			requireInvalidArgument(t, c.Profiles.Update(ctx, "p1", req))
		})
	}

	t.Run("nil requests", func(t *testing.T) {
		_, err := c.Profiles.Create(ctx, nil)
		requireInvalidArgument(t, err)
		requireInvalidArgument(t, c.Profiles.Update(ctx, "p1", nil))
	})
	for _, id := range []fullstory.ProfileID{"", " ", ".", "..", "a b", " p1", "p1\n", "p\x001"} {
		t.Run("bad id "+string(id), func(t *testing.T) {
			_, err := c.Profiles.Get(ctx, id)
			requireInvalidArgument(t, err)
			requireInvalidArgument(t, c.Profiles.Update(ctx, id, supportAssistant()))
			requireInvalidArgument(t, c.Profiles.Delete(ctx, id))
		})
	}
	for _, limit := range []int{-1, 101} {
		_, err := c.Profiles.List(ctx, &fullstory.ListProfilesOptions{Limit: limit})
		requireInvalidArgument(t, err)
		for _, err := range c.Profiles.All(ctx, &fullstory.ListProfilesOptions{Limit: limit}) {
			requireInvalidArgument(t, err)
		}
	}
	assert.Equal(t, 0, ws.hits(), "a request was sent for invalid input")
}

func TestProfilesAcceptBoundaryValues(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, `{"id":"p1","profiles":[]}`)))
	c := wireClient(t, ws)
	ctx := context.Background()

	for _, temp := range []float64{0, 2} {
		_, err := c.Profiles.Create(ctx, &fullstory.ProfileRequest{ProfileConfig: fullstory.ProfileConfig{LLM: &fullstory.LLMConfig{Temperature: fullstory.Ptr(temp)}}})
		require.NoError(t, err, "temperature %v", temp)
	}
	_, err := c.Profiles.List(ctx, &fullstory.ListProfilesOptions{Limit: 100})
	require.NoError(t, err)
	assert.Equal(t, 3, ws.hits())
}

// Request copies values exactly: sub-millisecond durations and the time
// zone of timestamps survive, as they would not through JSON.
func TestProfileRequestKeepsExactValues(t *testing.T) {
	zone := time.FixedZone("CET", 3600)
	p := &fullstory.Profile{ID: "p1", ProfileConfig: fullstory.ProfileConfig{
		Slice: &fullstory.SliceConfig{
			Mode:           fullstory.SliceTimestamp,
			DurationLimit:  1500 * time.Microsecond,
			StartTimestamp: time.Date(2025, 6, 26, 23, 0, 0, 0, zone),
		},
		LLM: &fullstory.LLMConfig{Temperature: fullstory.Ptr(0.25)},
	}}
	req := p.Request()
	assert.Equal(t, p.ProfileConfig, req.ProfileConfig)
	assert.Equal(t, zone, req.Slice.StartTimestamp.Location())
	assert.NotSame(t, p.Slice, req.Slice)
	assert.NotSame(t, p.LLM.Temperature, req.LLM.Temperature)
}
