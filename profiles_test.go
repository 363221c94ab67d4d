package fullstory_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

func TestProfilesCreateSendsTheQuickStartBody(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireFixtureReply(t, "profile_create_response.json")))
	c := wireClient(t, ws)

	id, err := c.Profiles.Create(context.Background(), supportAssistant())
	require.NoError(t, err)
	assert.Equal(t, fullstory.ProfileID("23o34-43234-234534–3452342-34233454"), id)

	r := ws.only(t)
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, "/v2/visit_profile", r.RequestURI)
	assertWireHeaders(t, r, true)
	assert.JSONEq(t, wireFixture(t, "support_assistant_request.json"), string(r.Body))
}

func TestProfilesCreateWithoutIDInResponseIsInvalidResponse(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, `{}`)))
	c := wireClient(t, ws)

	id, err := c.Profiles.Create(context.Background(), supportAssistant())
	require.ErrorIs(t, err, fullstory.ErrInvalidResponse)
	assert.Empty(t, id)
}

func TestProfilesGetDecodesNestedConfiguration(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireFixtureReply(t, "profile_get.json")))
	c := wireClient(t, ws)

	p, err := c.Profiles.Get(context.Background(), "5371ea1b-625c-4773-b038-0dacb0b4d08a")
	require.NoError(t, err)

	r := ws.only(t)
	assert.Equal(t, http.MethodGet, r.Method)
	assert.Equal(t, "/v2/visit_profile/5371ea1b-625c-4773-b038-0dacb0b4d08a", r.RequestURI)
	assertWireHeaders(t, r, false)

	assert.Equal(t, fullstory.ProfileID("5371ea1b-625c-4773-b038-0dacb0b4d08a"), p.ID)
	assert.Equal(t, "Support assistant", p.Name)
	require.NotNil(t, p.Slice)
	assert.Equal(t, fullstory.SliceLast, p.Slice.Mode)
	assert.Equal(t, 200, p.Slice.EventLimit)
	assert.Equal(t, 30*time.Minute, p.Slice.DurationLimit, "duration_limit_ms sent as a string")
	assert.True(t, p.Slice.StartTimestamp.Equal(time.Date(2025, 6, 26, 20, 0, 0, 0, time.UTC)))
	require.NotNil(t, p.Context)
	assert.Equal(t, []fullstory.ContextElement{fullstory.ContextOrg}, p.Context.Exclude)
	require.NotNil(t, p.Context.ExcludeLocation)
	assert.True(t, *p.Context.ExcludeLocation)
	assert.Nil(t, p.Context.ExcludeDevice)
	require.NotNil(t, p.Events)
	assert.Equal(t, []fullstory.EventType{fullstory.EventConsoleError, fullstory.EventNetworkError}, p.Events.ExcludeTypes)
	require.NotNil(t, p.Events.TrimToLastNSelectors)
	assert.Equal(t, 3, *p.Events.TrimToLastNSelectors)
	require.NotNil(t, p.Cache)
	require.NotNil(t, p.Cache.EnableEventCache, "a false on the wire is kept as a set false")
	assert.False(t, *p.Cache.EnableEventCache)
	require.NotNil(t, p.LLM)
	assert.Contains(t, p.LLM.PrePrompt, "You are a support assistant.")
	require.NotNil(t, p.LLM.Temperature)
	assert.InDelta(t, 0.2, *p.LLM.Temperature, 1e-9)
	require.NotNil(t, p.LLM.ResponseSchema)
	assert.Equal(t, fullstory.TypeObject, p.LLM.ResponseSchema.Type)
	assert.Equal(t, []string{"primary_goal", "issues_encountered"}, p.LLM.ResponseSchema.Required)
	require.Contains(t, p.LLM.ResponseSchema.Properties, "help_pages_visited")
	assert.True(t, p.LLM.ResponseSchema.Properties["help_pages_visited"].Nullable)
	assert.Equal(t, fullstory.TypeString, p.LLM.ResponseSchema.Properties["issues_encountered"].Items.Type)
}

func TestProfilesGetEscapesTheID(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, `{"id":"team/a+b"}`)))
	c := wireClient(t, ws)

	p, err := c.Profiles.Get(context.Background(), "team/a+b?x")
	require.NoError(t, err)
	assert.Equal(t, fullstory.ProfileID("team/a+b"), p.ID)
	assert.Equal(t, "/v2/visit_profile/team%2Fa+b%3Fx", ws.only(t).RequestURI)
}

func TestProfileDecodeEncodeRoundTrip(t *testing.T) {
	var p fullstory.Profile
	require.NoError(t, json.Unmarshal([]byte(wireFixture(t, "profile_get.json")), &p))

	data, err := json.Marshal(p)
	require.NoError(t, err)
	// The wire shape again: llm at the top, the rest under configuration,
	// duration_limit_ms as a number, unknown fields dropped.
	assert.JSONEq(t, `{
		"id": "5371ea1b-625c-4773-b038-0dacb0b4d08a",
		"name": "Support assistant",
		"configuration": {
			"slice": {"mode": "LAST", "event_limit": 200, "duration_limit_ms": 1800000, "start_timestamp": "2025-06-26T20:00:00Z"},
			"context": {"exclude": ["org"], "exclude_location": true},
			"events": {"exclude_types": ["console-error", "network-error"], "include_descriptions": true, "trim_to_last_n_selectors": 3},
			"cache": {"enable_event_cache": false}
		},
		"llm": `+profileGetLLM("0.2")+`
	}`, string(data))

	var again fullstory.Profile
	require.NoError(t, json.Unmarshal(data, &again))
	assert.Equal(t, p, again)
}

func TestProfileDecodeAcceptsFlatSettings(t *testing.T) {
	var p fullstory.Profile
	require.NoError(t, json.Unmarshal([]byte(`{"id":"p1","name":"flat","slice":{"mode":"FIRST"},"configuration":{"llm":{"pre_prompt":"nested llm"}}}`), &p))
	require.NotNil(t, p.Slice)
	assert.Equal(t, fullstory.SliceFirst, p.Slice.Mode)
	require.NotNil(t, p.LLM)
	assert.Equal(t, "nested llm", p.LLM.PrePrompt)
}

func TestProfilesUpdateSendsTheWholeProfile(t *testing.T) {
	ws := newTestServer(t, wireReplies(
		wireFixtureReply(t, "profile_get.json"),
		wireJSON(http.StatusOK, `{"id":"5371ea1b-625c-4773-b038-0dacb0b4d08a"}`),
	))
	c := wireClient(t, ws)
	ctx := context.Background()

	p, err := c.Profiles.Get(ctx, "5371ea1b-625c-4773-b038-0dacb0b4d08a")
	require.NoError(t, err)
	req := p.Request()
	req.LLM.Temperature = fullstory.Ptr(0.0)
	req.Events.IncludeTypes = []fullstory.EventType{"Added to Cart"}
	require.NoError(t, c.Profiles.Update(ctx, p.ID, req))

	reqs := ws.requests()
	require.Len(t, reqs, 2)
	r := reqs[1]
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, "/v2/visit_profile/5371ea1b-625c-4773-b038-0dacb0b4d08a", r.RequestURI)
	assertWireHeaders(t, r, true)
	// The create/update shape: everything at the top level, no id.
	assert.JSONEq(t, `{
		"name": "Support assistant",
		"slice": {"mode": "LAST", "event_limit": 200, "duration_limit_ms": 1800000, "start_timestamp": "2025-06-26T20:00:00Z"},
		"context": {"exclude": ["org"], "exclude_location": true},
		"events": {"include_types": ["Added to Cart"], "exclude_types": ["console-error", "network-error"], "include_descriptions": true, "trim_to_last_n_selectors": 3},
		"cache": {"enable_event_cache": false},
		"llm": `+profileGetLLM("0")+`
	}`, string(r.Body))
}

func TestProfilesUpdateAcceptsAnEmptyResponse(t *testing.T) {
	for name, reply := range map[string]wireReply{
		"empty 200": {Status: http.StatusOK},
		"204":       {Status: http.StatusNoContent},
		"{}":        wireJSON(http.StatusOK, `{}`),
	} {
		t.Run(name, func(t *testing.T) {
			ws := newTestServer(t, wireReplies(reply))
			c := wireClient(t, ws)
			require.NoError(t, c.Profiles.Update(context.Background(), "p1", &fullstory.ProfileRequest{Name: "renamed"}))
			assert.JSONEq(t, `{"name":"renamed"}`, string(ws.only(t).Body))
		})
	}
}

func TestProfilesDelete(t *testing.T) {
	for name, reply := range map[string]wireReply{
		"{}":        wireJSON(http.StatusOK, `{}`),
		"empty 200": {Status: http.StatusOK},
		"204":       {Status: http.StatusNoContent},
	} {
		t.Run(name, func(t *testing.T) {
			ws := newTestServer(t, wireReplies(reply))
			c := wireClient(t, ws)
			require.NoError(t, c.Profiles.Delete(context.Background(), "5371ea1b-625c-4773-b038-0dacb0b4d08a"))
			r := ws.only(t)
			assert.Equal(t, http.MethodDelete, r.Method)
			assert.Equal(t, "/v2/visit_profile/5371ea1b-625c-4773-b038-0dacb0b4d08a", r.RequestURI)
			assertWireHeaders(t, r, false)
		})
	}
}

func TestProfilesListQueryAndTokens(t *testing.T) {
	for _, tc := range []struct {
		name      string
		opts      *fullstory.ListProfilesOptions
		fixture   string
		wantURI   string
		wantToken string
		wantIDs   []fullstory.ProfileID
	}{
		{
			name: "nil options", fixture: "profiles_list_next_page_token.json",
			wantURI: "/v2/visit_profile", wantToken: "page-2",
			wantIDs: []fullstory.ProfileID{"5371ea1b-625c-4773-b038-0dacb0b4d08a", "8c1b7f0e-3f7a-4c61-9b0b-1d2f3a4b5c6d"},
		},
		{
			name: "limit and token", opts: &fullstory.ListProfilesOptions{Limit: 2, PageToken: "page-2"},
			fixture: "profiles_list_next_pagination_token.json",
			wantURI: "/v2/visit_profile?limit=2&pagination_token=page-2", wantToken: "page-3",
			wantIDs: []fullstory.ProfileID{"b2a4c6e8-0000-4000-8000-000000000003"},
		},
		{
			name: "last page", opts: &fullstory.ListProfilesOptions{PageToken: "a b&c"},
			fixture: "profiles_list_last.json",
			wantURI: "/v2/visit_profile?pagination_token=a+b%26c", wantToken: "",
			wantIDs: []fullstory.ProfileID{"b2a4c6e8-0000-4000-8000-000000000004"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ws := newTestServer(t, wireReplies(wireFixtureReply(t, tc.fixture)))
			c := wireClient(t, ws)

			page, err := c.Profiles.List(context.Background(), tc.opts)
			require.NoError(t, err)
			r := ws.only(t)
			assert.Equal(t, http.MethodGet, r.Method)
			assert.Equal(t, tc.wantURI, r.RequestURI)
			assertWireHeaders(t, r, false)
			assert.Equal(t, tc.wantToken, page.NextPageToken)
			var ids []fullstory.ProfileID
			for _, p := range page.Profiles {
				ids = append(ids, p.ID)
			}
			assert.Equal(t, tc.wantIDs, ids)
		})
	}
}

func TestProfilesListDecodesNestedProfiles(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireFixtureReply(t, "profiles_list_next_page_token.json")))
	c := wireClient(t, ws)

	page, err := c.Profiles.List(context.Background(), nil)
	require.NoError(t, err)
	require.Len(t, page.Profiles, 2)
	first := page.Profiles[0]
	require.NotNil(t, first.Slice)
	assert.Equal(t, 200, first.Slice.EventLimit)
	require.NotNil(t, first.LLM)
	assert.Equal(t, "You are a support agent assistant.", first.LLM.PrePrompt)
	require.NotNil(t, page.Profiles[1].Context)
	assert.Equal(t, []fullstory.ContextElement{fullstory.ContextUser, fullstory.ContextOrg}, page.Profiles[1].Context.Include)
}

// pagedProfiles serves the three list fixtures by pagination_token: the
// first page names its successor next_page_token, the second
// next_pagination_token, the third none.
func pagedProfiles(t *testing.T) http.HandlerFunc {
	pages := map[string]string{
		"":       wireFixture(t, "profiles_list_next_page_token.json"),
		"page-2": wireFixture(t, "profiles_list_next_pagination_token.json"),
		"page-3": wireFixture(t, "profiles_list_last.json"),
	}
	return func(w http.ResponseWriter, r *http.Request) {
		body, ok := pages[r.URL.Query().Get("pagination_token")]
		if !ok {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"code":"invalid_argument","message":"unknown page token"}`))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(body))
	}
}

func TestProfilesAllFollowsBothTokenNamesAndCanBeRangedTwice(t *testing.T) {
	ws := newTestServer(t, pagedProfiles(t))
	c := wireClient(t, ws)
	all := c.Profiles.All(context.Background(), &fullstory.ListProfilesOptions{Limit: 2})

	want := []fullstory.ProfileID{
		"5371ea1b-625c-4773-b038-0dacb0b4d08a", "8c1b7f0e-3f7a-4c61-9b0b-1d2f3a4b5c6d",
		"b2a4c6e8-0000-4000-8000-000000000003", "b2a4c6e8-0000-4000-8000-000000000004",
	}
	for round := 1; round <= 2; round++ {
		var got []fullstory.ProfileID
		for p, err := range all {
			require.NoError(t, err)
			got = append(got, p.ID)
		}
		assert.Equal(t, want, got, "round %d", round)
		assert.Equal(t, 3*round, ws.hits(), "round %d", round)
	}

	var uris []string
	for _, r := range ws.requests() {
		uris = append(uris, r.RequestURI)
	}
	assert.Equal(t, []string{
		"/v2/visit_profile?limit=2",
		"/v2/visit_profile?limit=2&pagination_token=page-2",
		"/v2/visit_profile?limit=2&pagination_token=page-3",
		"/v2/visit_profile?limit=2",
		"/v2/visit_profile?limit=2&pagination_token=page-2",
		"/v2/visit_profile?limit=2&pagination_token=page-3",
	}, uris)
}

func TestProfilesAllStopsFetchingOnBreak(t *testing.T) {
	ws := newTestServer(t, pagedProfiles(t))
	c := wireClient(t, ws)

	n := 0
	for p, err := range c.Profiles.All(context.Background(), nil) {
		require.NoError(t, err)
		require.NotNil(t, p)
		n++
		if n == 2 { // the last profile of the first page
			break
		}
	}
	assert.Equal(t, 1, ws.hits())

	n = 0
	for _, err := range c.Profiles.All(context.Background(), nil) {
		require.NoError(t, err)
		n++
		if n == 3 { // the first profile of the second page
			break
		}
	}
	assert.Equal(t, 1+2, ws.hits())
}

func TestProfilesAllYieldsAnErrorOnceThenStops(t *testing.T) {
	ws := newTestServer(t, wireReplies(
		wireFixtureReply(t, "profiles_list_next_page_token.json"),
		wireStatusError(http.StatusNotFound),
		wireFixtureReply(t, "profiles_list_last.json"),
	))
	c := wireClient(t, ws)

	var profiles, errs int
	for p, err := range c.Profiles.All(context.Background(), nil) {
		if err != nil {
			errs++
			assert.Nil(t, p)
			assert.ErrorIs(t, err, fullstory.ErrNotFound)
			continue // the iterator must stop by itself
		}
		profiles++
	}
	assert.Equal(t, 2, profiles)
	assert.Equal(t, 1, errs)
	assert.Equal(t, 2, ws.hits())
}

func TestProfilesAllRefusesARepeatedToken(t *testing.T) {
	loop := `{"profiles":[{"id":"p1"}],"next_page_token":"same"}`
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, loop)))
	c := wireClient(t, ws)

	var errs []error
	for _, err := range c.Profiles.All(context.Background(), nil) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], fullstory.ErrInvalidResponse)
	assert.Equal(t, 2, ws.hits())
}

// A server that answers empty pages, each with a new token, would keep All
// fetching forever without the loop body ever running, so the caller could
// not even break: All gives up after 10 empty pages in a row.
func TestProfilesAllStopsAfterTenEmptyPagesInARow(t *testing.T) {
	ws := newRecordingServer(t, false, func(w http.ResponseWriter, _ *http.Request, n int64) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"profiles":[],"next_page_token":"t%d"}`, n)
	})
	c := wireClient(t, ws)

	var errs []error
	profiles := 0
	for p, err := range c.Profiles.All(boundedContext(t, 5*time.Second), nil) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		_ = p
		profiles++
	}
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], fullstory.ErrInvalidResponse)
	assert.NotErrorIs(t, errs[0], context.DeadlineExceeded, "All ended by itself, not at the deadline")
	assert.Contains(t, errs[0].Error(), "10 empty pages in a row")
	assert.Zero(t, profiles)
	assert.Equal(t, 10, ws.hits(), "pages fetched")
	reqs := ws.requests()
	assert.Equal(t, "/v2/visit_profile", reqs[0].RequestURI)
	assert.Equal(t, "/v2/visit_profile?pagination_token=t9", reqs[9].RequestURI)
}

// Empty pages between full ones are fine: only a run of them ends All.
func TestProfilesAllFollowsEmptyPagesBetweenFullOnes(t *testing.T) {
	ws := newRecordingServer(t, false, func(w http.ResponseWriter, _ *http.Request, n int64) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case n == 30:
			io.WriteString(w, `{"profiles":[{"id":"last"}]}`)
		case n%9 == 0: // a profile after every 8 empty pages
			fmt.Fprintf(w, `{"profiles":[{"id":"p%d"}],"next_page_token":"t%d"}`, n, n)
		default:
			fmt.Fprintf(w, `{"profiles":[],"next_page_token":"t%d"}`, n)
		}
	})
	c := wireClient(t, ws)

	var ids []fullstory.ProfileID
	for p, err := range c.Profiles.All(boundedContext(t, 5*time.Second), nil) {
		require.NoError(t, err)
		ids = append(ids, p.ID)
	}
	assert.Equal(t, []fullstory.ProfileID{"p9", "p18", "p27", "last"}, ids)
	assert.Equal(t, 30, ws.hits())
}

// Profile JSON keeps <, > and & as written when the encoder does not escape
// HTML, as the CLI's and the fake's encoders do not.
func TestProfileMarshalJSONLeavesHTMLToTheEncoder(t *testing.T) {
	p := fullstory.Profile{ID: "p1", Name: "A&B", ProfileConfig: fullstory.ProfileConfig{
		LLM:   &fullstory.LLMConfig{PrePrompt: "<b>hi</b>"},
		Slice: &fullstory.SliceConfig{Mode: fullstory.SliceLast},
	}}
	var buf strings.Builder
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode(p))
	assert.Contains(t, buf.String(), `"pre_prompt":"<b>hi</b>"`)
	assert.Contains(t, buf.String(), `"name":"A&B"`)

	page := fullstory.ProfilePage{Profiles: []*fullstory.Profile{&p}}
	buf.Reset()
	require.NoError(t, enc.Encode(page))
	assert.Contains(t, buf.String(), `<b>hi</b>`)
}

// profileGetLLM is the llm object of testdata/profile_get.json, as the
// client sends it back, with temperature.
func profileGetLLM(temperature string) string {
	return `{
		"pre_prompt": "You are a support assistant. The following is a log of user session events. Please analyze carefully.",
		"post_prompt": "Summarize the user's primary goal, any issues encountered (errors, rage clicks), the user's final action, and suggest a possible reason for any friction encountered. If the user visited help pages, list them.",
		"temperature": ` + temperature + `,
		"response_schema": {
			"type": "OBJECT",
			"properties": {
				"primary_goal": {"type": "STRING", "description": "What the user came to do"},
				"issues_encountered": {"type": "ARRAY", "items": {"type": "STRING"}},
				"help_pages_visited": {"type": "ARRAY", "items": {"type": "STRING"}, "nullable": true}
			},
			"required": ["primary_goal", "issues_encountered"]
		}
	}`
}
