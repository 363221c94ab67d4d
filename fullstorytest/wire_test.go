package fullstorytest_test

import (
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest"
)

// referenceProfile is a create-profile body written by hand from the wire
// reference (fullstory-api.md §3), with every field set.
const referenceProfile = `{
	"name": "Wire check",
	"slice": {"mode": "LAST", "event_limit": 50, "duration_limit_ms": "90000",
		"start_timestamp": "2025-06-01T12:00:00Z", "end_timestamp": "2025-06-02T12:00:00Z"},
	"context": {"include": ["user", "device"], "exclude": ["org"], "exclude_org_context": true,
		"exclude_user_context": true, "exclude_location": true, "exclude_device": true},
	"events": {"include_types": ["click", "Added to Cart"], "exclude_types": ["copy"],
		"exclude_defined_events": true, "exclude_api_events": true, "exclude_event_timestamps": true,
		"exclude_selectors": true, "include_selector_tags": true, "trim_to_last_n_selectors": 3,
		"include_tab_index": true, "include_descriptions": true},
	"cache": {"enable_event_cache": true},
	"llm": {"pre_prompt": "Before", "post_prompt": "After", "temperature": 0.5,
		"response_schema": {"type": "OBJECT", "title": "Brief", "description": "A brief",
			"properties": {"goal": {"type": "STRING", "format": "enum", "enum": ["buy", "browse"], "nullable": true},
				"pages": {"type": "ARRAY", "items": {"type": "STRING"}}},
			"required": ["goal"]}}
}`

// wantProfileConfig is referenceProfile as the library's types hold it.
func wantProfileConfig() fullstory.ProfileConfig {
	yes := fullstory.Ptr(true)
	return fullstory.ProfileConfig{
		Slice: &fullstory.SliceConfig{Mode: fullstory.SliceLast, EventLimit: 50, DurationLimit: 90 * time.Second,
			StartTimestamp: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC), EndTimestamp: time.Date(2025, 6, 2, 12, 0, 0, 0, time.UTC)},
		Context: &fullstory.ContextConfig{Include: []fullstory.ContextElement{fullstory.ContextUser, fullstory.ContextDevice},
			Exclude: []fullstory.ContextElement{fullstory.ContextOrg}, ExcludeOrgContext: yes, ExcludeUserContext: yes,
			ExcludeLocation: yes, ExcludeDevice: yes},
		Events: &fullstory.EventsConfig{IncludeTypes: []fullstory.EventType{fullstory.EventClick, "Added to Cart"},
			ExcludeTypes: []fullstory.EventType{fullstory.EventCopy}, ExcludeDefinedEvents: yes, ExcludeAPIEvents: yes,
			ExcludeEventTimestamps: yes, ExcludeSelectors: yes, IncludeSelectorTags: yes, TrimToLastNSelectors: fullstory.Ptr(3),
			IncludeTabIndex: yes, IncludeDescriptions: yes},
		Cache: &fullstory.CacheConfig{EnableEventCache: yes},
		LLM: &fullstory.LLMConfig{PrePrompt: "Before", PostPrompt: "After", Temperature: fullstory.Ptr(0.5),
			ResponseSchema: &fullstory.Schema{Type: fullstory.TypeObject, Title: "Brief", Description: "A brief",
				Properties: map[string]*fullstory.Schema{
					"goal":  {Type: fullstory.TypeString, Format: "enum", Enum: []string{"buy", "browse"}, Nullable: true},
					"pages": {Type: fullstory.TypeArray, Items: &fullstory.Schema{Type: fullstory.TypeString}},
				},
				Required: []string{"goal"}}},
	}
}

// The fake speaks the wire on its own: a profile written from the reference
// comes back from get in the reference's shape, and the library reads every
// field of it. A wrong JSON tag in the library (say "pre_promt") leaves a
// field empty here, where a fake that used the library's types would agree.
func TestWireProfileFromReference(t *testing.T) {
	srv := newServer(t)
	created := raw(t, srv, "POST", "/v2/visit_profile", referenceProfile)
	require.Equal(t, 200, created.Status, "%s", created.Body)
	var id struct{ ID string }
	require.NoError(t, json.Unmarshal(created.Body, &id))

	got := raw(t, srv, "GET", "/v2/visit_profile/"+id.ID, "")
	require.Equal(t, 200, got.Status)
	var shape map[string]any
	require.NoError(t, json.Unmarshal(got.Body, &shape))
	cfg, _ := shape["configuration"].(map[string]any)
	require.NotNil(t, cfg, "get nests the configuration: %s", got.Body)
	assert.Equal(t, "90000", cfg["slice"].(map[string]any)["duration_limit_ms"], "an int64 is a string on the wire")
	assert.Contains(t, shape, "llm", "llm stays at the top level")
	assert.NotContains(t, cfg, "llm")

	p, err := srv.Client().Profiles.Get(t.Context(), fullstory.ProfileID(id.ID))
	require.NoError(t, err)
	assert.Equal(t, "Wire check", p.Name)
	assert.Equal(t, wantProfileConfig(), p.ProfileConfig)
}

// The other way: what the library sends is what the reference says.
func TestWireLibrarySendsReferenceJSON(t *testing.T) {
	srv := newServer(t)
	c := srv.Client()
	srv.ResetRequests()
	_, err := c.Profiles.Create(t.Context(), &fullstory.ProfileRequest{Name: "Wire check", ProfileConfig: wantProfileConfig()})
	require.NoError(t, err)
	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	var sent, want map[string]any
	require.NoError(t, json.Unmarshal(reqs[0].Body, &sent))
	require.NoError(t, json.Unmarshal([]byte(referenceProfile), &want))
	// duration_limit_ms may go as a number or a string: compare its value.
	sl := sent["slice"].(map[string]any)
	assert.EqualValues(t, 90000, toNumber(t, sl["duration_limit_ms"]))
	sl["duration_limit_ms"] = "90000"
	assert.Equal(t, want, sent)
}

func toNumber(t *testing.T, v any) float64 {
	t.Helper()
	switch n := v.(type) {
	case float64:
		return n
	case string:
		var f float64
		require.NoError(t, json.Unmarshal([]byte(n), &f))
		return f
	}
	t.Fatalf("%v is neither a number nor a string", v)
	return 0
}

// The session list is lowerCamelCase with createdTime as a string of unix
// seconds (reference §4.10), and the library reads it.
func TestWireSessionList(t *testing.T) {
	srv := newServer(t)
	got := raw(t, srv, "GET", "/sessions/v2?email="+fullstorytest.DemoEmail+"&limit=1", "")
	require.Equal(t, 200, got.Status)
	var list struct {
		Sessions []map[string]any `json:"sessions"`
	}
	require.NoError(t, json.Unmarshal(got.Body, &list))
	require.Len(t, list.Sessions, 1)
	s := list.Sessions[0]
	assert.Equal(t, fullstorytest.DemoUserID, s["userId"])
	assert.Equal(t, "5156932900183134039", s["sessionId"])
	assert.IsType(t, "", s["createdTime"])
	assert.Regexp(t, `^[0-9]{10}$`, s["createdTime"])
	assert.Contains(t, s["fsUrl"], "/session/")

	sessions, err := srv.Client().Sessions.List(t.Context(), &fullstory.ListSessionsOptions{Email: fullstorytest.DemoEmail, Limit: 1})
	require.NoError(t, err)
	require.Len(t, sessions, 1)
	assert.Equal(t, fullstorytest.DemoCheckoutSession, sessions[0].ID())
	assert.Equal(t, s["createdTime"], strconv.FormatInt(sessions[0].CreatedTime.Unix(), 10))
	assert.Equal(t, s["fsUrl"], sessions[0].URL)
}
