package fullstory_test

import (
	"context"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/internal/fields"
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

// The JSON names the library sends are the table of internal/fields, which
// the fake and the CLI's -f reader check bodies against: every name in a
// create body, in summary overrides and in a context request, each built
// from values with every field set, is in the table (in snake_case), and
// every name in the table is sent, but those it marks as never sent. A
// field added to ProfileConfig without its name in the table, or a name in
// the table that no field sends, fails here.
func TestJSONNamesAreTheFieldsTable(t *testing.T) {
	ws := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasSuffix(r.URL.Path, "/summary"):
			_, _ = io.WriteString(w, `{"summary":"s"}`)
		case strings.HasSuffix(r.URL.Path, "/context"):
			_, _ = io.WriteString(w, `{"context_data":{"context":{},"pages":[]}}`)
		default:
			_, _ = io.WriteString(w, `{"id":"p1"}`)
		}
	})
	c := wireClient(t, ws)
	ctx := t.Context()
	id := fullstory.NewSessionID("1", "2")
	var full fullstory.ProfileRequest
	populate(reflect.ValueOf(&full).Elem(), nil)
	makeValid(&full.ProfileConfig)
	_, err := c.Profiles.Create(ctx, &full)
	require.NoError(t, err)
	_, err = c.Sessions.Summarize(ctx, id, &fullstory.SummarizeRequest{Profile: "p1", Overrides: &full.ProfileConfig})
	require.NoError(t, err)
	noLLM := full.ProfileConfig
	noLLM.LLM = nil
	_, err = c.Sessions.Context(ctx, id, &noLLM)
	require.NoError(t, err)

	reqs := ws.requests()
	require.Len(t, reqs, 3)
	for i, table := range []*fields.Object{fields.Profile, fields.Overrides, fields.Context} {
		body := reqs[i].Body
		canon, err := fields.Canonical(body, table)
		require.NoError(t, err, "the library sends a name that is not in the table for %s", table.Name)
		assert.JSONEq(t, string(body), string(canon), "the library sends snake_case names only")

		sent := map[string]bool{}
		var doc any
		require.NoError(t, json.Unmarshal(body, &doc))
		jsonPaths(doc, "", sent)
		for _, p := range table.Paths() {
			if p.Unsent != "" {
				assert.False(t, sent[p.Path], "%s: %s is marked as never sent (%s)", table.Name, p.Path, p.Unsent)
				continue
			}
			assert.True(t, sent[p.Path], "%s: the table has %s, which the library does not send", table.Name, p.Path)
		}
	}
}

// jsonPaths adds the dotted path of every name in v to out, with a response
// schema's property names as "*", as fields.Paths writes them.
func jsonPaths(v any, prefix string, out map[string]bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	for k, x := range m {
		if strings.HasSuffix(prefix, "response_schema.properties.") || strings.HasSuffix(prefix, ".items.properties.") {
			k = "*"
		}
		out[prefix+k] = true
		jsonPaths(x, prefix+k+".", out)
	}
}

// populate sets every field of v, recursively: a string, a number, true,
// a time, one element of each slice and map. A type already being filled
// (a Schema's Items) is left empty, to end the recursion.
func populate(v reflect.Value, open []reflect.Type) {
	if slices.Contains(open, v.Type()) {
		return
	}
	open = append(open, v.Type())
	switch {
	case v.Type() == reflect.TypeFor[time.Time]():
		v.Set(reflect.ValueOf(time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)))
		return
	case v.Type() == reflect.TypeFor[time.Duration]():
		v.SetInt(int64(time.Minute))
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				populate(v.Field(i), open)
			}
		}
	case reflect.Pointer:
		if !slices.Contains(open, v.Type().Elem()) {
			v.Set(reflect.New(v.Type().Elem()))
			populate(v.Elem(), open)
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		populate(v.Index(0), open)
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		e := reflect.New(v.Type().Elem()).Elem()
		populate(e, open)
		v.SetMapIndex(reflect.ValueOf("k").Convert(v.Type().Key()), e)
	case reflect.String:
		v.SetString("x")
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(1)
	case reflect.Float64:
		v.SetFloat(0.5)
	case reflect.Bool:
		v.SetBool(true)
	}
}

// makeValid replaces the populated values that the library would refuse
// to send.
func makeValid(cfg *fullstory.ProfileConfig) {
	cfg.Slice.Mode = fullstory.SliceTimestamp
	cfg.Slice.EndTimestamp = cfg.Slice.StartTimestamp.Add(time.Hour)
	cfg.Context.Include = []fullstory.ContextElement{fullstory.ContextUser}
	cfg.Context.Exclude = []fullstory.ContextElement{fullstory.ContextOrg}
	sc := cfg.LLM.ResponseSchema
	sc.Type = fullstory.TypeObject
	sc.Items = &fullstory.Schema{Type: fullstory.TypeString}
	sc.Properties = map[string]*fullstory.Schema{"k": {Type: fullstory.TypeString}}
	sc.Required = []string{"k"}
}
