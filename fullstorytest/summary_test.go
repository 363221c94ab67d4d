package fullstorytest_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest"
)

// t0 is the start of the test session, whose events are a second apart.
var t0 = time.Date(2025, 5, 4, 12, 0, 0, 0, time.UTC)

// testSession has ten events, e0 to e9, at t0 plus 0 to 9 seconds.
func testSession() fullstorytest.RecordedSession {
	return fullstorytest.RecordedSession{
		UID: "shopper", Email: "shopper@example.com", DisplayName: "Sally Shopper",
		Created:  t0,
		Location: &fullstory.LocationContext{City: "Lisbon", Country: "Portugal"},
		Device:   &fullstory.DeviceContext{Browser: "Firefox", OperatingSystem: "Linux"},
		Org:      &fullstory.OrgContext{Name: "Initech", Industry: "Banking"},
		Events: []fullstorytest.RecordedEvent{
			{Type: fullstory.EventNavigate, URL: "/home", Title: "Home"},
			{Type: fullstory.EventClick, Text: "A", Target: "div.main button.a"},
			{Type: fullstory.EventNavigate, URL: "/shop", Title: "Shop"},
			{Type: fullstory.EventClick, Text: "B"},
			{Type: "Added to Cart", Properties: map[string]any{"product": "Widget", "cart_total": 30}},
			{Type: fullstory.EventNavigate, URL: "/checkout", Title: "Checkout"},
			{Type: fullstory.EventNetworkError, Text: "POST /pay returned 500"},
			{Type: fullstory.EventRageClick, Text: "Pay", Target: "button#pay"},
			{Type: fullstory.EventNavigate, URL: "/help/billing", Title: "Billing help"},
			{Type: fullstory.EventClick, Text: "Contact"},
		},
	}
}

func summarize(t *testing.T, c *fullstory.Client, id fullstory.SessionID, req *fullstory.SummarizeRequest) string {
	t.Helper()
	sum, err := c.Sessions.Summarize(t.Context(), id, req)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(sum.Text, "[fullstorytest]"), "the text says it is a fake: %s", sum.Text)
	assert.Contains(t, sum.Text, "not by an LLM")
	return sum.Text
}

// field returns the text after "label: " on its line of a summary.
func field(text, label string) string {
	for _, line := range strings.Split(text, "\n") {
		if v, ok := strings.CutPrefix(line, label+": "); ok {
			return v
		}
	}
	return ""
}

func sec(n int) time.Time { return t0.Add(time.Duration(n) * time.Second) }

func TestSummarySelection(t *testing.T) {
	srv := newServer(t, fullstorytest.WithoutDemoData())
	c := srv.Client()
	id := srv.AddSession(testSession())
	types := func(ts ...fullstory.EventType) []fullstory.EventType { return ts }

	for _, tc := range []struct {
		name    string
		cfg     fullstory.ProfileConfig
		end     time.Time // the request's end_timestamp
		kept    int
		final   string
		has     []string
		hasNot  []string
		profile bool // false: send cfg as overrides without a profile
	}{
		{name: "FIRST event_limit", cfg: fullstory.ProfileConfig{Slice: &fullstory.SliceConfig{Mode: fullstory.SliceFirst, EventLimit: 3}},
			kept: 3, final: `visited /shop ("Shop")`, has: []string{"/home"}, hasNot: []string{"/checkout"}},
		{name: "default mode is FIRST", cfg: fullstory.ProfileConfig{Slice: &fullstory.SliceConfig{EventLimit: 2}},
			kept: 2, final: `clicked "A" (div.main button.a)`},
		{name: "LAST event_limit", cfg: fullstory.ProfileConfig{Slice: &fullstory.SliceConfig{Mode: fullstory.SliceLast, EventLimit: 2}},
			kept: 2, final: `clicked "Contact"`, has: []string{"Help pages visited: /help/billing"}, hasNot: []string{"/home"}},
		{name: "TIMESTAMP start and event_limit", cfg: fullstory.ProfileConfig{Slice: &fullstory.SliceConfig{Mode: fullstory.SliceTimestamp, StartTimestamp: sec(5), EventLimit: 2}},
			kept: 2, final: "hit a network error: POST /pay returned 500", hasNot: []string{"/shop"}},
		{name: "TIMESTAMP start and duration", cfg: fullstory.ProfileConfig{Slice: &fullstory.SliceConfig{Mode: fullstory.SliceTimestamp, StartTimestamp: sec(5), DurationLimit: 2 * time.Second}},
			kept: 3, final: `rage-clicked "Pay" (button#pay)`},
		{name: "FIRST duration", cfg: fullstory.ProfileConfig{Slice: &fullstory.SliceConfig{DurationLimit: time.Second}},
			kept: 2, final: `clicked "A" (div.main button.a)`},
		{name: "LAST duration", cfg: fullstory.ProfileConfig{Slice: &fullstory.SliceConfig{Mode: fullstory.SliceLast, DurationLimit: time.Second}},
			kept: 2, final: `clicked "Contact"`},
		{name: "start_timestamp without mode", cfg: fullstory.ProfileConfig{Slice: &fullstory.SliceConfig{StartTimestamp: sec(8)}},
			kept: 2, final: `clicked "Contact"`},
		{name: "event_limit counts after include_types", cfg: fullstory.ProfileConfig{
			Slice:  &fullstory.SliceConfig{EventLimit: 3},
			Events: &fullstory.EventsConfig{IncludeTypes: types(fullstory.EventNavigate)}},
			kept: 3, final: `visited /checkout ("Checkout")`, hasNot: []string{`clicked "A"`}},
		{name: "LAST after include_types", cfg: fullstory.ProfileConfig{
			Slice:  &fullstory.SliceConfig{Mode: fullstory.SliceLast, EventLimit: 2},
			Events: &fullstory.EventsConfig{IncludeTypes: types(fullstory.EventNavigate)}},
			kept: 2, final: `visited /help/billing ("Billing help")`, has: []string{"Pages visited: /checkout"}},
		{name: "exclude_types", cfg: fullstory.ProfileConfig{Events: &fullstory.EventsConfig{ExcludeTypes: types(fullstory.EventRageClick, fullstory.EventNetworkError)}},
			kept: 8, final: `clicked "Contact"`, hasNot: []string{"rage-clicked", "Frustration", "network error:"}},
		{name: "a custom event by name", cfg: fullstory.ProfileConfig{Events: &fullstory.EventsConfig{IncludeTypes: types("Added to Cart")}},
			kept: 1, final: `triggered the custom event "Added to Cart"`, has: []string{"Custom events: Added to Cart (cart_total: 30, product: Widget)", "Goal: buy Widget"}, hasNot: []string{"/home", "clicked"}},
		{name: "exclude_api_events", cfg: fullstory.ProfileConfig{Events: &fullstory.EventsConfig{ExcludeAPIEvents: fullstory.Ptr(true)}},
			kept: 9, final: `clicked "Contact"`, hasNot: []string{"Added to Cart"}},
		{name: "slice end_timestamp", cfg: fullstory.ProfileConfig{Slice: &fullstory.SliceConfig{EndTimestamp: sec(4)}},
			kept: 4, final: `clicked "B"`},
		{name: "request end_timestamp", profile: true, end: sec(6),
			kept: 6, final: `visited /checkout ("Checkout")`},
		{name: "the earlier end wins", profile: true, cfg: fullstory.ProfileConfig{Slice: &fullstory.SliceConfig{EndTimestamp: sec(8)}}, end: sec(3),
			kept: 3, final: `visited /shop ("Shop")`},
		{name: "excluded selectors", cfg: fullstory.ProfileConfig{Events: &fullstory.EventsConfig{ExcludeSelectors: fullstory.Ptr(true), ExcludeEventTimestamps: fullstory.Ptr(true)}},
			kept: 10, final: `clicked "Contact"`, has: []string{`rage-clicked "Pay"`}, hasNot: []string{"button#pay", "Time span"}},
		{name: "trimmed selectors", cfg: fullstory.ProfileConfig{Slice: &fullstory.SliceConfig{EventLimit: 2}, Events: &fullstory.EventsConfig{TrimToLastNSelectors: fullstory.Ptr(1)}},
			kept: 2, final: `clicked "A" (button.a)`},
		{name: "nothing left", cfg: fullstory.ProfileConfig{Events: &fullstory.EventsConfig{IncludeTypes: types("Order Completed")}},
			kept: 0, has: []string{"No events are left"}, hasNot: []string{"Final action"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := &fullstory.SummarizeRequest{EndTimestamp: tc.end}
			if tc.profile {
				pid, err := c.Profiles.Create(t.Context(), &fullstory.ProfileRequest{Name: tc.name, ProfileConfig: tc.cfg})
				require.NoError(t, err)
				req.Profile = pid
			} else {
				req.Overrides = &tc.cfg
			}
			text := summarize(t, c, id, req)
			assert.Contains(t, text, fmt.Sprintf("Events considered: %d of 10", tc.kept))
			if tc.final != "" {
				assert.Equal(t, tc.final, field(text, "Final action"))
			}
			for _, s := range tc.has {
				assert.Contains(t, text, s)
			}
			for _, s := range tc.hasNot {
				assert.NotContains(t, text, s)
			}
		})
	}
}

func TestSummaryContextElements(t *testing.T) {
	srv := newServer(t, fullstorytest.WithoutDemoData())
	c := srv.Client()
	id := srv.AddSession(testSession())
	user, org, location, device := "Sally Shopper", "Initech", "Lisbon", "Firefox"
	all := []string{user, "shopper@example.com", org, location, device}

	for _, tc := range []struct {
		name string
		cx   fullstory.ContextConfig
		want []string
	}{
		{"everything by default", fullstory.ContextConfig{}, all},
		{"exclude user", fullstory.ContextConfig{Exclude: []fullstory.ContextElement{fullstory.ContextUser}}, []string{org, location, device}},
		{"include location only", fullstory.ContextConfig{Include: []fullstory.ContextElement{fullstory.ContextLocation}}, []string{location}},
		{"flags", fullstory.ContextConfig{ExcludeLocation: fullstory.Ptr(true), ExcludeOrgContext: fullstory.Ptr(true)}, []string{user, "shopper@example.com", device}},
		{"flags off", fullstory.ContextConfig{ExcludeDevice: fullstory.Ptr(false)}, all},
		{"include beats a flag", fullstory.ContextConfig{Include: []fullstory.ContextElement{fullstory.ContextUser}, ExcludeUserContext: fullstory.Ptr(true)}, []string{user, "shopper@example.com"}},
		{"exclude beats include", fullstory.ContextConfig{Include: []fullstory.ContextElement{fullstory.ContextUser, fullstory.ContextDevice}, Exclude: []fullstory.ContextElement{fullstory.ContextUser}}, []string{device}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cx := tc.cx
			text := summarize(t, c, id, &fullstory.SummarizeRequest{Overrides: &fullstory.ProfileConfig{Context: &cx}})
			for _, s := range all {
				if contains(tc.want, s) {
					assert.Contains(t, text, s)
				} else {
					assert.NotContains(t, text, s)
				}
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestSummaryProfiles(t *testing.T) {
	srv := newServer(t)
	c := srv.Client()
	ctx := t.Context()
	checkout := fullstorytest.DemoCheckoutSession

	generic := summarize(t, c, checkout, nil)
	assert.Contains(t, generic, "Generic synopsis")
	assert.Contains(t, generic, "rage click", "the abandoned checkout has rage clicks")
	for _, s := range []string{"Added to Cart", "Aurora Nights Tour", "Riverside Arena", "network error", "error click", "abandoned", "Jane Doe"} {
		assert.Contains(t, generic, s)
	}
	assert.Equal(t, generic, summarize(t, c, checkout, nil), "deterministic")

	long := strings.Repeat("Please analyze carefully. ", 20)
	pid, err := c.Profiles.Create(ctx, &fullstory.ProfileRequest{Name: "Support", ProfileConfig: fullstory.ProfileConfig{
		LLM:    &fullstory.LLMConfig{PrePrompt: "You are a support assistant. " + long, PostPrompt: "List any help pages visited."},
		Events: &fullstory.EventsConfig{IncludeTypes: []fullstory.EventType{fullstory.EventNavigate}},
		Slice:  &fullstory.SliceConfig{Mode: fullstory.SliceLast, EventLimit: 2},
	}})
	require.NoError(t, err)
	text := summarize(t, c, fullstorytest.DemoSupportSession, &fullstory.SummarizeRequest{Profile: pid})
	assert.Contains(t, text, `"Support"`)
	assert.Contains(t, text, string(pid))
	assert.Contains(t, text, `Pre-prompt applied: "You are a support assistant. Please analyze`)
	assert.Contains(t, text, `…"`, "a long prompt is cut")
	assert.Contains(t, text, `Post-prompt applied: "List any help pages visited."`)
	assert.Contains(t, text, "Help pages visited: /help/payment-errors/card-declined")
	assert.NotContains(t, generic, "Pre-prompt")

	// Overrides merge onto the profile: lists append, scalars replace.
	text = summarize(t, c, fullstorytest.DemoCheckoutSession, &fullstory.SummarizeRequest{Profile: pid, Overrides: &fullstory.ProfileConfig{
		Events: &fullstory.EventsConfig{IncludeTypes: []fullstory.EventType{"Added to Cart"}},
		Slice:  &fullstory.SliceConfig{EventLimit: 6},
		LLM:    &fullstory.LLMConfig{PrePrompt: "Be brief."},
	}})
	assert.Contains(t, text, "Events considered: 6 of 23 (mode LAST; event_limit 6; only navigate, Added to Cart)")
	assert.Contains(t, text, "Added to Cart (")
	assert.Contains(t, text, `Pre-prompt applied: "Be brief."`)
	assert.Contains(t, text, `Post-prompt applied: "List any help pages visited."`)
	assert.Contains(t, text, "and the request's overrides")

	// An override is valid if the merged configuration is.
	withStart, err := c.Profiles.Create(ctx, &fullstory.ProfileRequest{ProfileConfig: fullstory.ProfileConfig{
		Slice: &fullstory.SliceConfig{StartTimestamp: time.Unix(1750978914+83, 0)},
	}})
	require.NoError(t, err)
	resp := raw(t, srv, "POST", "/v2/sessions/"+checkout.PathEscaped()+"/summary",
		fmt.Sprintf(`{"config_profile":%q,"slice":{"mode":"TIMESTAMP","event_limit":3}}`, withStart))
	require.Equal(t, http.StatusOK, resp.Status, "%s", resp.Body)
	assert.Contains(t, string(resp.Body), `Final action: clicked \"Pay now\"`)

	// The overrides did not change the stored profile.
	p, err := c.Profiles.Get(ctx, pid)
	require.NoError(t, err)
	assert.Equal(t, []fullstory.EventType{fullstory.EventNavigate}, p.Events.IncludeTypes)

	adhoc := summarize(t, c, checkout, &fullstory.SummarizeRequest{Overrides: &fullstory.ProfileConfig{LLM: &fullstory.LLMConfig{PostPrompt: "Why did they leave?"}}})
	assert.Contains(t, adhoc, "ad-hoc profile")
	assert.Contains(t, adhoc, "Why did they leave?")

	purchase := summarize(t, c, fullstorytest.DemoPurchaseSession, nil)
	assert.Contains(t, purchase, "Order Completed")
	assert.Contains(t, purchase, "Outcome: purchased")
	sales := summarize(t, c, fullstorytest.DemoSalesSession, nil)
	assert.Contains(t, sales, "Pricing pages visited: /pricing")
}

func TestSummaryErrors(t *testing.T) {
	srv := newServer(t)
	c := srv.Client()
	ctx := t.Context()
	id := fullstorytest.DemoCheckoutSession

	_, err := c.Sessions.Summarize(ctx, id, &fullstory.SummarizeRequest{Profile: "no-such-profile"})
	assert.Equal(t, "resource_not_found", apiError(t, err).Code)
	_, err = c.Sessions.Summarize(ctx, id, &fullstory.SummarizeRequest{Profile: "no-such-profile", Overrides: &fullstory.ProfileConfig{}})
	assert.Equal(t, "resource_not_found", apiError(t, err).Code)
	_, err = c.Sessions.Summarize(ctx, fullstory.NewSessionID(id.User, "123"), nil)
	assert.Equal(t, "resource_not_found", apiError(t, err).Code)
	assert.Equal(t, 1, apiError(t, err).Attempts, "a 404 is not retried")

	path := "/v2/sessions/" + id.PathEscaped() + "/summary"
	for _, tc := range []struct{ name, method, query, body, code string }{
		{"bad end_timestamp", "GET", "?end_timestamp=" + url.QueryEscape("yesterday"), "", "invalid_argument"},
		{"temperature", "POST", "", `{"llm":{"temperature":3}}`, "invalid_argument"},
		{"lower-case schema", "POST", "", `{"llm":{"response_schema":{"type":"string"}}}`, "invalid_argument"},
		{"TIMESTAMP without start", "POST", "", `{"slice":{"mode":"TIMESTAMP"}}`, "required_field"},
		{"bad JSON", "POST", "", `{"slice":`, "invalid_argument"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := raw(t, srv, tc.method, path+tc.query, tc.body)
			assert.Equal(t, http.StatusBadRequest, resp.Status, "%s", resp.Body)
			assert.Equal(t, tc.code, resp.Code)
		})
	}
	resp := raw(t, srv, "POST", path, `{"config_profile":"","unknown":true,"events":{"include_types":["navigate"]}}`)
	assert.Equal(t, http.StatusBadRequest, resp.Status, "an unknown field is refused, not dropped: %s", resp.Body)
	assert.Contains(t, string(resp.Body), `unknown field \"unknown\"`)
	assert.Zero(t, srv.Activations(), "no summary was generated")
}
