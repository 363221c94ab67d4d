package fullstory_test

import (
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

// A protobuf JSON encoder writes lowerCamelCase unless told otherwise, and
// the list-sessions endpoint already does. A profile that comes back as
// "prePrompt" must not decode to an empty field without a word.
func TestProfilesDecodeBothNameStyles(t *testing.T) {
	t.Parallel()
	snake := `{"id":"p1","name":"Support","llm":{"pre_prompt":"pre","post_prompt":"post","temperature":0.2,
	  "response_schema":{"type":"OBJECT","properties":{"finalAction":{"type":"STRING"}}}},
	  "configuration":{"slice":{"mode":"LAST","event_limit":"50","duration_limit_ms":"60000","start_timestamp":"2025-06-26T23:00:00Z"},
	  "context":{"include":["user"],"exclude_user_context":true},
	  "events":{"include_types":["click"],"exclude_api_events":false,"trim_to_last_n_selectors":3},
	  "cache":{"enable_event_cache":true}}}`
	camel := `{"id":"p1","name":"Support","llm":{"prePrompt":"pre","postPrompt":"post","temperature":0.2,
	  "responseSchema":{"type":"OBJECT","properties":{"finalAction":{"type":"STRING"}}}},
	  "configuration":{"slice":{"mode":"LAST","eventLimit":"50","durationLimitMs":"60000","startTimestamp":"2025-06-26T23:00:00Z"},
	  "context":{"include":["user"],"excludeUserContext":true},
	  "events":{"includeTypes":["click"],"excludeApiEvents":false,"trimToLastNSelectors":3},
	  "cache":{"enableEventCache":true}}}`
	var got [2]*fullstory.Profile
	for i, body := range []string{snake, camel} {
		ws := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/v2/visit_profile" {
				io.WriteString(w, `{"profiles":[`+body+`],"nextPageToken":"t2"}`)
				return
			}
			io.WriteString(w, body)
		})
		c := wireClient(t, ws)
		p, err := c.Profiles.Get(t.Context(), "p1")
		require.NoError(t, err)
		page, err := c.Profiles.List(t.Context(), nil)
		require.NoError(t, err)
		require.Len(t, page.Profiles, 1)
		assert.Equal(t, p, page.Profiles[0])
		assert.Equal(t, "t2", page.NextPageToken)
		got[i] = p
	}
	want := &fullstory.Profile{ID: "p1", Name: "Support", ProfileConfig: fullstory.ProfileConfig{
		LLM: &fullstory.LLMConfig{PrePrompt: "pre", PostPrompt: "post", Temperature: fullstory.Ptr(0.2),
			ResponseSchema: &fullstory.Schema{Type: "OBJECT", Properties: map[string]*fullstory.Schema{"finalAction": {Type: "STRING"}}}},
		Slice: &fullstory.SliceConfig{Mode: fullstory.SliceLast, EventLimit: 50, DurationLimit: time.Minute,
			StartTimestamp: time.Date(2025, 6, 26, 23, 0, 0, 0, time.UTC)},
		Context: &fullstory.ContextConfig{Include: []fullstory.ContextElement{fullstory.ContextUser}, ExcludeUserContext: fullstory.Ptr(true)},
		Events:  &fullstory.EventsConfig{IncludeTypes: []fullstory.EventType{fullstory.EventClick}, ExcludeAPIEvents: fullstory.Ptr(false), TrimToLastNSelectors: fullstory.Ptr(3)},
		Cache:   &fullstory.CacheConfig{EnableEventCache: fullstory.Ptr(true)},
	}}
	assert.Equal(t, want, got[0], "snake_case")
	assert.Equal(t, want, got[1], "lowerCamelCase")
}

// The schema a summary echoes may come as "responseSchema" too.
func TestSummaryDecodesBothNameStyles(t *testing.T) {
	t.Parallel()
	for _, key := range []string{"response_schema", "responseSchema"} {
		ws := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, `{"summary":"s","response":{"finalAction":"pay"},"`+key+`":{"type":"OBJECT","properties":{"finalAction":{"type":"STRING"}}}}`)
		})
		sum, err := wireClient(t, ws).Sessions.Summarize(t.Context(), fullstory.NewSessionID("1", "2"), nil)
		require.NoError(t, err, key)
		require.NotNil(t, sum.ResponseSchema, key)
		assert.Contains(t, sum.ResponseSchema.Properties, "finalAction", key)
		assert.JSONEq(t, `{"finalAction":"pay"}`, string(sum.Response), key)
	}
}
