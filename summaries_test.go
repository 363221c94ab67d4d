package fullstory_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

// quickStartSummary is the structured output of the quick-start guide's
// support assistant.
type quickStartSummary struct {
	PrimaryGoal       string   `json:"primary_goal"`
	IssuesEncountered []string `json:"issues_encountered"`
	FinalAction       string   `json:"final_action"`
	Reason            string   `json:"reason_for_termination_suggestion,omitempty"`
	HelpPagesVisited  []string `json:"help_pages_visited"`
}

// quickStartProfileID is the profile id of the quick-start guide, en dash included.
const quickStartProfileID fullstory.ProfileID = "23o34-43234-234534–3452342-34233454"

func TestSummarizeGET(t *testing.T) {
	for _, tc := range []struct {
		name    string
		req     *fullstory.SummarizeRequest
		wantURI string
	}{
		{
			name:    "the quick-start profile",
			req:     &fullstory.SummarizeRequest{Profile: quickStartProfileID},
			wantURI: "/v2/sessions/" + quickStartEscaped + "/summary?config_profile=23o34-43234-234534%E2%80%933452342-34233454",
		},
		{
			name: "profile and end timestamp",
			req: &fullstory.SummarizeRequest{
				Profile:      "5371ea1b-625c-4773-b038-0dacb0b4d08a",
				EndTimestamp: time.Date(2025, 6, 27, 1, 1, 54, 0, time.FixedZone("CEST", 2*60*60)),
			},
			wantURI: "/v2/sessions/" + quickStartEscaped + "/summary?config_profile=5371ea1b-625c-4773-b038-0dacb0b4d08a&end_timestamp=2025-06-26T23%3A01%3A54Z",
		},
		{name: "nil request: the generic synopsis", req: nil, wantURI: "/v2/sessions/" + quickStartEscaped + "/summary"},
		{name: "empty request", req: &fullstory.SummarizeRequest{}, wantURI: "/v2/sessions/" + quickStartEscaped + "/summary"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ws := newTestServer(t, wireReplies(wireFixtureReply(t, "summary_text.json")))
			c := wireClient(t, ws)

			sum, err := c.Sessions.Summarize(context.Background(), quickStartSessionID, tc.req)
			require.NoError(t, err)
			r := ws.only(t)
			assert.Equal(t, http.MethodGet, r.Method)
			assert.Equal(t, tc.wantURI, r.RequestURI)
			assertWireHeaders(t, r, false)

			assert.Contains(t, sum.Text, "invalid card number")
			assert.Empty(t, sum.Response)
			assert.Nil(t, sum.ResponseSchema)
		})
	}
}

func TestSummarizePOSTWithOverrides(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireFixtureReply(t, "summary_text.json")))
	c := wireClient(t, ws)

	_, err := c.Sessions.Summarize(context.Background(), quickStartSessionID, &fullstory.SummarizeRequest{
		Profile: "5371ea1b-625c-4773-b038-0dacb0b4d08a",
		Overrides: &fullstory.ProfileConfig{
			LLM:    &fullstory.LLMConfig{PostPrompt: "Output as a brief paragraph.", Temperature: fullstory.Ptr(0.0)},
			Events: &fullstory.EventsConfig{IncludeTypes: []fullstory.EventType{"Added to Cart"}, ExcludeAPIEvents: fullstory.Ptr(false)},
			Cache:  &fullstory.CacheConfig{EnableEventCache: fullstory.Ptr(false)},
		},
	})
	require.NoError(t, err)

	r := ws.only(t)
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, "/v2/sessions/"+quickStartEscaped+"/summary", r.RequestURI, "the profile goes in the body, not the query")
	assertWireHeaders(t, r, true)
	assert.JSONEq(t, `{
		"config_profile": "5371ea1b-625c-4773-b038-0dacb0b4d08a",
		"llm": {"post_prompt": "Output as a brief paragraph.", "temperature": 0},
		"events": {"include_types": ["Added to Cart"], "exclude_api_events": false},
		"cache": {"enable_event_cache": false}
	}`, string(r.Body))
}

func TestSummarizePOSTPutsTheEndTimestampInTheSlice(t *testing.T) {
	end := time.Date(2025, 6, 26, 23, 1, 54, 0, time.UTC)
	for _, tc := range []struct {
		name      string
		overrides *fullstory.ProfileConfig
		wantBody  string
	}{
		{
			name:      "no slice",
			overrides: &fullstory.ProfileConfig{},
			wantBody:  `{"slice":{"end_timestamp":"2025-06-26T23:01:54Z"}}`,
		},
		{
			name:      "a slice without an end",
			overrides: &fullstory.ProfileConfig{Slice: &fullstory.SliceConfig{Mode: fullstory.SliceLast, EventLimit: 100}},
			wantBody:  `{"slice":{"mode":"LAST","event_limit":100,"end_timestamp":"2025-06-26T23:01:54Z"}}`,
		},
		{
			name:      "the slice's earlier end wins",
			overrides: &fullstory.ProfileConfig{Slice: &fullstory.SliceConfig{EndTimestamp: end.Add(-time.Hour)}},
			wantBody:  `{"slice":{"end_timestamp":"2025-06-26T22:01:54Z"}}`,
		},
		{
			name:      "the request's earlier end wins",
			overrides: &fullstory.ProfileConfig{Slice: &fullstory.SliceConfig{EndTimestamp: end.Add(time.Hour)}},
			wantBody:  `{"slice":{"end_timestamp":"2025-06-26T23:01:54Z"}}`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ws := newTestServer(t, wireReplies(wireFixtureReply(t, "summary_text.json")))
			c := wireClient(t, ws)
			var before []byte
			if tc.overrides.Slice != nil {
				before, _ = json.Marshal(tc.overrides.Slice)
			}

			_, err := c.Sessions.Summarize(context.Background(), quickStartSessionID, &fullstory.SummarizeRequest{EndTimestamp: end, Overrides: tc.overrides})
			require.NoError(t, err)
			assert.JSONEq(t, tc.wantBody, string(ws.only(t).Body))
			if before != nil {
				after, _ := json.Marshal(tc.overrides.Slice)
				assert.JSONEq(t, string(before), string(after), "the caller's overrides were changed")
			} else {
				assert.Nil(t, tc.overrides.Slice, "the caller's overrides were changed")
			}
		})
	}
}

func TestSummarizeDecodesStructuredOutput(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireFixtureReply(t, "summary_structured.json")))
	c := wireClient(t, ws)

	sum, err := c.Sessions.Summarize(context.Background(), quickStartSessionID, &fullstory.SummarizeRequest{Profile: "p1"})
	require.NoError(t, err)
	assert.Empty(t, sum.Text)
	require.NotEmpty(t, sum.Response)
	require.NotNil(t, sum.ResponseSchema)
	assert.Equal(t, fullstory.TypeObject, sum.ResponseSchema.Type)
	assert.Equal(t, []string{"primary_goal", "issues_encountered", "final_action"}, sum.ResponseSchema.Required)
	assert.True(t, sum.ResponseSchema.Properties["help_pages_visited"].Nullable)

	got, err := fullstory.DecodeSummary[quickStartSummary](sum)
	require.NoError(t, err)
	assert.Equal(t, quickStartSummary{
		PrimaryGoal:       "User attempted to update payment method.",
		IssuesEncountered: []string{"Received 'invalid card number' error twice."},
		FinalAction:       "Navigated away from payment page to dashboard.",
	}, got)
}

func TestSummarizeAsTheQuickStartJSONText(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireFixtureReply(t, "summary_quickstart_json.json")))
	c := wireClient(t, ws)

	got, sum, err := fullstory.SummarizeAs[quickStartSummary](context.Background(), c, quickStartSessionID, &fullstory.SummarizeRequest{Profile: quickStartProfileID})
	require.NoError(t, err)
	require.NotNil(t, sum)
	assert.Contains(t, sum.Text, `"primary_goal"`)
	assert.Equal(t, quickStartSummary{
		PrimaryGoal: "User attempted to update payment method.",
		IssuesEncountered: []string{
			"Received 'invalid card number' error twice.",
			"Clicked 'Submit' button multiple times with apparent frustration (based on event patterns).",
		},
		FinalAction:      "Navigated away from payment page to dashboard.",
		Reason:           "Could not update payment method successfully.",
		HelpPagesVisited: []string{"/help/payment-errors"},
	}, got)

	r := ws.only(t)
	assert.Equal(t, http.MethodGet, r.Method)
	assert.Equal(t, "/v2/sessions/"+quickStartEscaped+"/summary?config_profile=23o34-43234-234534%E2%80%933452342-34233454", r.RequestURI)
}

func TestSummarizeAsKeepsTheSummaryWhenDecodingFails(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireFixtureReply(t, "summary_text.json")))
	c := wireClient(t, ws)

	got, sum, err := fullstory.SummarizeAs[quickStartSummary](context.Background(), c, quickStartSessionID, nil)
	require.Error(t, err)
	assert.Zero(t, got)
	require.NotNil(t, sum)
	assert.Contains(t, sum.Text, "invalid card number")
}

func TestSummarizeAsPassesTheCallError(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireStatusError(http.StatusNotFound)))
	c := wireClient(t, ws)

	_, sum, err := fullstory.SummarizeAs[quickStartSummary](context.Background(), c, quickStartSessionID, nil)
	require.ErrorIs(t, err, fullstory.ErrNotFound)
	assert.Nil(t, sum)

	_, sum, err = fullstory.SummarizeAs[quickStartSummary](context.Background(), nil, quickStartSessionID, nil)
	requireInvalidArgument(t, err)
	assert.Nil(t, sum)
	assert.Equal(t, 1, ws.hits())
}

func TestSummarizeInvalidResponses(t *testing.T) {
	for name, reply := range map[string]wireReply{
		"neither summary nor response": wireJSON(http.StatusOK, `{}`),
		"null response only":           wireJSON(http.StatusOK, `{"response":null}`),
		"summary of the wrong type":    wireJSON(http.StatusOK, `{"summary":42}`),
		"not JSON":                     {Status: http.StatusOK, Body: "<html><body>maintenance</body></html>"},
		"empty body":                   {Status: http.StatusOK},
	} {
		t.Run(name, func(t *testing.T) {
			ws := newTestServer(t, wireReplies(reply))
			c := wireClient(t, ws)
			sum, err := c.Sessions.Summarize(context.Background(), quickStartSessionID, nil)
			require.ErrorIs(t, err, fullstory.ErrInvalidResponse)
			assert.Nil(t, sum)
			assert.Equal(t, 1, ws.hits(), "an unusable success is not retried")
		})
	}
}

func TestSummarizeValidationSendsNothing(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireFixtureReply(t, "summary_text.json")))
	c := wireClient(t, ws)
	ctx := context.Background()

	for name, tc := range map[string]struct {
		id  fullstory.SessionID
		req *fullstory.SummarizeRequest
	}{
		"zero session id":        {fullstory.SessionID{}, nil},
		"half a session id":      {fullstory.SessionID{Session: quickStartSession}, nil},
		"profile id with spaces": {quickStartSessionID, &fullstory.SummarizeRequest{Profile: "a b"}},
		"profile id with a tab":  {quickStartSessionID, &fullstory.SummarizeRequest{Profile: "\tp1"}},
		"negative temperature in overrides": {quickStartSessionID, &fullstory.SummarizeRequest{Overrides: &fullstory.ProfileConfig{
			LLM: &fullstory.LLMConfig{Temperature: fullstory.Ptr(-1.0)},
		}}},
		"TIMESTAMP slice without a start in overrides": {quickStartSessionID, &fullstory.SummarizeRequest{Overrides: &fullstory.ProfileConfig{
			Slice: &fullstory.SliceConfig{Mode: fullstory.SliceTimestamp},
		}}},
	} {
		t.Run(name, func(t *testing.T) {
			sum, err := c.Sessions.Summarize(ctx, tc.id, tc.req)
			requireInvalidArgument(t, err)
			assert.Nil(t, sum)
		})
	}
	assert.Equal(t, 0, ws.hits(), "a request was sent for invalid input")
}

func TestSummaryDecode(t *testing.T) {
	want := map[string]any{"primary_goal": "pay", "issues": []any{"card declined"}}
	for _, tc := range []struct {
		name string
		sum  fullstory.Summary
	}{
		{"response object", fullstory.Summary{Response: json.RawMessage(`{"primary_goal":"pay","issues":["card declined"]}`), Text: "ignored"}},
		{"response holding a JSON string", fullstory.Summary{Response: json.RawMessage(`"{\"primary_goal\":\"pay\",\"issues\":[\"card declined\"]}"`)}},
		{"bare JSON text", fullstory.Summary{Text: `{"primary_goal":"pay","issues":["card declined"]}`}},
		{"JSON text after prose", fullstory.Summary{Text: "Here is the result: {\"primary_goal\":\"pay\",\"issues\":[\"card declined\"]} Hope it helps."}},
		{"json fence", fullstory.Summary{Text: "Summary below.\n```json\n{\"primary_goal\":\"pay\",\"issues\":[\"card declined\"]}\n```\n"}},
		{"plain fence", fullstory.Summary{Text: "```\n{\"primary_goal\":\"pay\",\"issues\":[\"card declined\"]}\n```"}},
		{"null response falls back to text", fullstory.Summary{Response: json.RawMessage(`null`), Text: `{"primary_goal":"pay","issues":["card declined"]}`}},
		{"response string with prose around the JSON", fullstory.Summary{Response: json.RawMessage(`"Here: {\"primary_goal\":\"pay\",\"issues\":[\"card declined\"]} done"`)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got map[string]any
			require.NoError(t, tc.sum.Decode(&got))
			assert.Equal(t, want, got)
		})
	}
}

func TestSummaryDecodeErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		sum  *fullstory.Summary
	}{
		{"plain text", &fullstory.Summary{Text: "The user browsed the pricing page and left."}},
		{"empty", &fullstory.Summary{}},
		{"response of the wrong shape", &fullstory.Summary{Response: json.RawMessage(`[1,2]`)}},
		{"broken JSON in text", &fullstory.Summary{Text: "```json\n{\"primary_goal\": \n```"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var v struct {
				PrimaryGoal string `json:"primary_goal"`
			}
			require.Error(t, tc.sum.Decode(&v))
			_, err := fullstory.DecodeSummary[quickStartSummary](tc.sum)
			require.Error(t, err)
		})
	}
	var nilSummary *fullstory.Summary
	requireInvalidArgument(t, nilSummary.Decode(&map[string]any{}))
}

func TestStructuredOutputErrorsMatchSentinels(t *testing.T) {
	type brief struct {
		Goal string `json:"goal"`
	}
	_, err := fullstory.DecodeSummary[brief](&fullstory.Summary{Text: "Jane left at checkout."})
	assert.ErrorIs(t, err, fullstory.ErrNoStructuredOutput)

	_, err = fullstory.DecodeSummary[brief](&fullstory.Summary{Response: []byte(`{"goal":42}`)})
	assert.ErrorIs(t, err, fullstory.ErrStructuredOutputMismatch)
	assert.NotErrorIs(t, err, fullstory.ErrNoStructuredOutput)

	_, err = fullstory.DecodeSummary[brief](&fullstory.Summary{Text: "```json\n{\"goal\":[1]}\n```"})
	assert.ErrorIs(t, err, fullstory.ErrStructuredOutputMismatch)

	_, err = fullstory.SchemaFor[chan int]()
	assert.ErrorIs(t, err, fullstory.ErrInvalidArgument)
}
