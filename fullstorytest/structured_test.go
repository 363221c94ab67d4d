package fullstorytest_test

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest"
)

// supportBrief is the structured summary of the quick-start guide's support
// profile.
type supportBrief struct {
	PrimaryGoal       string   `json:"primary_goal" jsonschema:"what the user was trying to do"`
	IssuesEncountered []string `json:"issues_encountered" jsonschema:"errors, rage clicks and other friction"`
	FinalAction       string   `json:"final_action"`
	Reason            string   `json:"reason_for_termination_suggestion"`
	HelpPagesVisited  []string `json:"help_pages_visited"`
	PagesVisited      int      `json:"pages_visited_count"`
	Escalate          *bool    `json:"escalate" jsonschema:"whether a support agent should contact the user"`
}

func TestSummarizeAsStruct(t *testing.T) {
	srv := newServer(t)
	c := srv.Client()
	ctx := t.Context()
	schema, err := fullstory.SchemaFor[supportBrief]()
	require.NoError(t, err)
	pid, err := c.Profiles.Create(ctx, &fullstory.ProfileRequest{Name: "brief", ProfileConfig: fullstory.ProfileConfig{
		LLM:   &fullstory.LLMConfig{ResponseSchema: schema},
		Slice: &fullstory.SliceConfig{Mode: fullstory.SliceLast, EventLimit: 200},
	}})
	require.NoError(t, err)

	brief, sum, err := fullstory.SummarizeAs[supportBrief](ctx, c, fullstorytest.DemoCheckoutSession, &fullstory.SummarizeRequest{Profile: pid})
	require.NoError(t, err)
	assert.Equal(t, schema, sum.ResponseSchema, "the schema is echoed")
	conforms(t, schema, sum.Response)
	assert.Contains(t, brief.PrimaryGoal, "Aurora Nights Tour")
	assert.Equal(t, `visited /cart ("Your cart")`, brief.FinalAction)
	assert.True(t, slices.ContainsFunc(brief.IssuesEncountered, func(s string) bool { return s == `rage-clicked "Pay now" (form#payment-form button#pay-now)` }), "%q", brief.IssuesEncountered)
	assert.Contains(t, brief.Reason, "network")
	assert.Empty(t, brief.HelpPagesVisited)
	assert.Equal(t, 4, brief.PagesVisited)
	require.NotNil(t, brief.Escalate)
	assert.True(t, *brief.Escalate)
	assert.Contains(t, sum.Text, "[fullstorytest]")

	support, _, err := fullstory.SummarizeAs[supportBrief](ctx, c, fullstorytest.DemoSupportSession, &fullstory.SummarizeRequest{Profile: pid})
	require.NoError(t, err)
	assert.Contains(t, support.HelpPagesVisited, "/help/payment-errors")
	assert.Contains(t, support.PrimaryGoal, "payment errors")

	sales, _, err := fullstory.SummarizeAs[supportBrief](ctx, c, fullstorytest.DemoSalesSession, &fullstory.SummarizeRequest{Profile: pid})
	require.NoError(t, err)
	assert.Empty(t, sales.IssuesEncountered)
	assert.Equal(t, "no friction was seen", sales.Reason)
	require.NotNil(t, sales.Escalate)
	assert.False(t, *sales.Escalate)

	// Without a schema there is no structured response.
	plain, err := c.Sessions.Summarize(ctx, fullstorytest.DemoCheckoutSession, nil)
	require.NoError(t, err)
	assert.Empty(t, plain.Response)
	assert.Nil(t, plain.ResponseSchema)
}

func TestStructuredResponseFollowsSchema(t *testing.T) {
	srv := newServer(t)
	c := srv.Client()
	str := func(desc string) *fullstory.Schema {
		return &fullstory.Schema{Type: fullstory.TypeString, Description: desc}
	}
	schema := &fullstory.Schema{
		Type:     fullstory.TypeObject,
		Required: []string{"outcome", "sentiment", "help_page", "cart_value", "rage_clicks", "visited_help", "steps", "customer", "notes"},
		Properties: map[string]*fullstory.Schema{
			"outcome":      {Type: fullstory.TypeString, Format: "enum", Enum: []string{"browsing", "abandoned", "purchased"}},
			"sentiment":    {Type: fullstory.TypeString, Enum: []string{"positive", "neutral", "frustrated"}},
			"help_page":    {Type: fullstory.TypeString, Nullable: true},
			"cart_value":   {Type: fullstory.TypeNumber},
			"rage_clicks":  {Type: fullstory.TypeInteger},
			"visited_help": {Type: fullstory.TypeBoolean},
			"steps":        {Type: fullstory.TypeArray, Items: &fullstory.Schema{Type: fullstory.TypeObject, Properties: map[string]*fullstory.Schema{"action": str(""), "page": str("")}, Required: []string{"action", "page"}}},
			"customer":     {Type: fullstory.TypeObject, Properties: map[string]*fullstory.Schema{"name": str(""), "city": str("where they are")}, Required: []string{"name", "city"}},
			"notes":        str("anything else"),
			"tags":         {Type: fullstory.TypeArray, Items: &fullstory.Schema{Type: fullstory.TypeString, Enum: []string{"vip", "new"}}},
		},
	}
	for _, tc := range []struct {
		session            fullstory.SessionID
		outcome, sentiment string
		helpPage           bool
		cartValue          float64
		rage               float64
	}{
		{fullstorytest.DemoCheckoutSession, "abandoned", "frustrated", false, 1800, 1},
		{fullstorytest.DemoPurchaseSession, "purchased", "positive", false, 170, 0},
		{fullstorytest.DemoSupportSession, "browsing", "frustrated", true, 0, 0},
	} {
		t.Run(tc.session.String(), func(t *testing.T) {
			sum, err := c.Sessions.Summarize(t.Context(), tc.session, &fullstory.SummarizeRequest{
				Overrides: &fullstory.ProfileConfig{LLM: &fullstory.LLMConfig{ResponseSchema: schema}},
			})
			require.NoError(t, err)
			conforms(t, schema, sum.Response)
			var got map[string]any
			require.NoError(t, json.Unmarshal(sum.Response, &got))
			assert.Equal(t, tc.outcome, got["outcome"])
			assert.Equal(t, tc.sentiment, got["sentiment"])
			assert.Equal(t, tc.helpPage, got["help_page"] != nil, "a nullable string with nothing to say is null: %v", got["help_page"])
			assert.Equal(t, tc.helpPage, got["visited_help"])
			assert.Equal(t, tc.cartValue, got["cart_value"])
			assert.Equal(t, tc.rage, got["rage_clicks"])
			customer := got["customer"].(map[string]any)
			assert.Contains(t, customer["name"], "Jane Doe")
			assert.Equal(t, "Austin, Texas, United States", customer["city"])
		})
	}

	// Context left out of the summary is left out of the response too.
	sum, err := c.Sessions.Summarize(t.Context(), fullstorytest.DemoCheckoutSession, &fullstory.SummarizeRequest{
		Overrides: &fullstory.ProfileConfig{
			LLM:     &fullstory.LLMConfig{ResponseSchema: schema},
			Context: &fullstory.ContextConfig{Exclude: []fullstory.ContextElement{fullstory.ContextUser, fullstory.ContextLocation}},
		},
	})
	require.NoError(t, err)
	conforms(t, schema, sum.Response)
	assert.NotContains(t, string(sum.Response), "Jane")
	assert.NotContains(t, string(sum.Response), "Austin")
}

// conforms checks that the JSON in data satisfies sc: every required
// property present, every value of its type, enums from the list, nulls only
// where nullable.
func conforms(t *testing.T, sc *fullstory.Schema, data json.RawMessage) {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(data, &v))
	if err := check(sc, v, "$"); err != nil {
		t.Errorf("the response does not follow the schema: %v\n%s", err, data)
	}
}

func check(sc *fullstory.Schema, v any, at string) error {
	if v == nil {
		if sc.Nullable {
			return nil
		}
		return fmt.Errorf("%s is null but not nullable", at)
	}
	switch sc.Type {
	case fullstory.TypeObject:
		m, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("%s is %T, not an object", at, v)
		}
		for _, r := range sc.Required {
			if _, ok := m[r]; !ok {
				return fmt.Errorf("%s lacks the required %q", at, r)
			}
		}
		for k, pv := range m {
			ps, ok := sc.Properties[k]
			if !ok {
				return fmt.Errorf("%s has %q, which is not a property", at, k)
			}
			if err := check(ps, pv, at+"."+k); err != nil {
				return err
			}
		}
	case fullstory.TypeArray:
		a, ok := v.([]any)
		if !ok {
			return fmt.Errorf("%s is %T, not an array", at, v)
		}
		for i, item := range a {
			if err := check(sc.Items, item, fmt.Sprintf("%s[%d]", at, i)); err != nil {
				return err
			}
		}
	case fullstory.TypeString:
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("%s is %T, not a string", at, v)
		}
		if len(sc.Enum) > 0 && !slices.Contains(sc.Enum, s) {
			return fmt.Errorf("%s is %q, not one of %q", at, s, sc.Enum)
		}
	case fullstory.TypeNumber, fullstory.TypeInteger:
		n, ok := v.(float64)
		if !ok {
			return fmt.Errorf("%s is %T, not a number", at, v)
		}
		if sc.Type == fullstory.TypeInteger && n != math.Trunc(n) {
			return fmt.Errorf("%s is %v, not an integer", at, n)
		}
	case fullstory.TypeBoolean:
		if _, ok := v.(bool); !ok {
			return fmt.Errorf("%s is %T, not a boolean", at, v)
		}
	}
	return nil
}
