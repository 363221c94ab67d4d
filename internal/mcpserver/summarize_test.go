package mcpserver

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest"
)

var (
	checkout = fullstorytest.DemoCheckoutSession.String()
	support  = fullstorytest.DemoSupportSession.String()
	sales    = fullstorytest.DemoSalesSession.String()
)

func guard(t *testing.T, n int64) *Guard {
	t.Helper()
	g, err := NewGuard(n)
	require.NoError(t, err)
	return g
}

// The cap, end to end: summaries within it spend, asking again is free
// (the cache, also once the cap is spent), and past it nothing is sent.
func TestSummarizeWithinTheCap(t *testing.T) {
	h := newHarness(t, Options{Guard: guard(t, 2)})

	out, text := callOK[SummarizeOutput](t, h.cs, ToolSummarizeSession, map[string]any{"session": checkout})
	assert.Equal(t, "api", out.Source)
	assert.Equal(t, int64(1), out.ActivationsLeft)
	assert.Equal(t, int64(2), out.MaxActivations)
	assert.Contains(t, out.Summary, "abandoned")
	assert.True(t, strings.HasPrefix(text, "Summary (new: spent 1 Activation; 1 of 2 left in this server run) of session "+checkout+":\n[fullstorytest]"), text)
	assert.Equal(t, 1, summaries(h.fake))

	again, text := callOK[SummarizeOutput](t, h.cs, ToolSummarizeSession, map[string]any{"session": checkout})
	assert.Equal(t, "cache", again.Source)
	assert.Equal(t, out.Summary, again.Summary)
	assert.Equal(t, int64(1), again.ActivationsLeft)
	assert.Contains(t, text, "from this run's cache: nothing spent")
	assert.Equal(t, 1, summaries(h.fake), "asking again sends nothing")

	// Another form of the same session is the same summary.
	again, _ = callOK[SummarizeOutput](t, h.cs, ToolSummarizeSession, map[string]any{"session": strings.Replace(checkout, ":", "%3A", 1)})
	assert.Equal(t, "cache", again.Source)

	out, _ = callOK[SummarizeOutput](t, h.cs, ToolSummarizeSession, map[string]any{"session": support})
	assert.Equal(t, "api", out.Source)
	assert.Equal(t, int64(0), out.ActivationsLeft)
	assert.Equal(t, 2, summaries(h.fake))

	msg := callErr(t, h.cs, ToolSummarizeSession, map[string]any{"session": sales})
	assert.Contains(t, msg, "refused, nothing sent: this server run may spend at most 2 Activations (--max-activations 2) and has spent them all")
	assert.Contains(t, msg, "restart it with a higher --max-activations")
	assert.Equal(t, 2, summaries(h.fake), "past the cap, nothing is sent")

	again, _ = callOK[SummarizeOutput](t, h.cs, ToolSummarizeSession, map[string]any{"session": checkout})
	assert.Equal(t, "cache", again.Source, "a summary made earlier stays free past the cap")
	assert.Equal(t, 2, summaries(h.fake))
}

func TestSummarizeCapZero(t *testing.T) {
	h := newHarness(t, Options{Guard: guard(t, 0)})
	msg := callErr(t, h.cs, ToolSummarizeSession, map[string]any{"session": checkout})
	assert.Contains(t, msg, "at most 0 Activations")
	assert.Equal(t, 0, summaries(h.fake))
}

func TestSummarizeWithProfile(t *testing.T) {
	h := newHarness(t, Options{})
	id, err := h.fake.Client().Profiles.Create(context.Background(), &fullstory.ProfileRequest{Name: "support",
		ProfileConfig: fullstory.ProfileConfig{LLM: &fullstory.LLMConfig{PrePrompt: "You are a support agent."}}})
	require.NoError(t, err)
	out, _ := callOK[SummarizeOutput](t, h.cs, ToolSummarizeSession, map[string]any{"session": checkout, "profile": string(id)})
	assert.Equal(t, string(id), out.Profile)
	assert.Contains(t, out.Summary, "You are a support agent.")
	last := h.fake.Requests()[len(h.fake.Requests())-1]
	assert.Equal(t, "GET", last.Method)
	assert.Equal(t, "/v2/sessions/"+fullstorytest.DemoCheckoutSession.PathEscaped()+"/summary?config_profile="+string(id), last.RequestURI)

	other, _ := callOK[SummarizeOutput](t, h.cs, ToolSummarizeSession, map[string]any{"session": checkout})
	assert.Equal(t, "api", other.Source, "another profile is another summary")

	msg := callErr(t, h.cs, ToolSummarizeSession, map[string]any{"session": checkout, "profile": "nope"})
	assert.Contains(t, msg, "not found")
	assert.Equal(t, int64(3), h.guard.Remaining(), "a 404 spends nothing: the Activation is given back")
}

func TestSummarizeStructured(t *testing.T) {
	h := newHarness(t, Options{})
	schema, err := fullstory.SchemaFor[struct {
		Goal        string `json:"goal"`
		FinalAction string `json:"final_action"`
	}]()
	require.NoError(t, err)
	id, err := h.fake.Client().Profiles.Create(context.Background(), &fullstory.ProfileRequest{Name: "structured",
		ProfileConfig: fullstory.ProfileConfig{LLM: &fullstory.LLMConfig{ResponseSchema: schema}}})
	require.NoError(t, err)
	out, _ := callOK[SummarizeOutput](t, h.cs, ToolSummarizeSession, map[string]any{"session": checkout, "profile": string(id)})
	resp, ok := out.Response.(map[string]any)
	require.True(t, ok, "%#v", out.Response)
	assert.Contains(t, resp["goal"], "Aurora Nights Tour")
	assert.NotEmpty(t, resp["final_action"])
}

func TestSummarizeBadArguments(t *testing.T) {
	h := newHarness(t, Options{})
	for _, tc := range []struct {
		args map[string]any
		want string
	}{
		{map[string]any{}, `missing properties: ["session"]`},
		{map[string]any{"session": "5156932900183134039"}, `invalid argument "session": must be "userId:sessionId"; the session id alone is not enough; want userId:sessionId, as list_sessions returns it`},
		{map[string]any{"session": ""}, `invalid argument "session": is empty`},
		{map[string]any{"session": checkout, "profile": "a b"}, "profile id"},
		{map[string]any{"session": checkout, "fresh": true}, `unexpected additional properties ["fresh"]`},
	} {
		msg := callErr(t, h.cs, ToolSummarizeSession, tc.args)
		assert.Contains(t, msg, tc.want, "%v", tc.args)
	}
	assert.Equal(t, 0, summaries(h.fake))
	assert.Equal(t, int64(5), h.guard.Remaining())
}

// Identical summaries asked at once share one request: whether the second
// joins the first in flight or finds it in the cache, one Activation is
// spent, and each result says how it got its summary.
func TestSummarizeShared(t *testing.T) {
	fake := fullstorytest.NewServer()
	defer fake.Close()
	arrived, release := make(chan struct{}, 4), make(chan struct{})
	api := apiServer(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/summary") {
			arrived <- struct{}{}
			<-release
		}
		fake.Handler().ServeHTTP(w, r)
	})
	g, cs := serveOn(t, fake.APIKey, Options{}, httpClient(t, api.URL, fake.APIKey))

	var wg sync.WaitGroup
	results := make([]SummarizeOutput, 2)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], _ = callOK[SummarizeOutput](t, cs, ToolSummarizeSession, map[string]any{"session": checkout})
		}()
		if i == 0 {
			<-arrived
		}
	}
	time.Sleep(50 * time.Millisecond) // let the second call join (if it is late, it reads the cache: the assertions hold either way)
	close(release)
	wg.Wait()
	sources := []string{results[0].Source, results[1].Source}
	t.Log(sources)
	assert.Contains(t, sources, "api")
	assert.True(t, (sources[0] == "api") != (sources[1] == "api"), "one call spent, the other did not: %v", sources)
	assert.Equal(t, results[0].Summary, results[1].Summary)
	assert.Len(t, arrived, 0, "one request reached the API")
	assert.Equal(t, int64(4), g.Remaining())
}

// A client that cancels cancels the API request; the Activation stays
// spent (the summary may have been made), and the error says so.
func TestSummarizeCancelled(t *testing.T) {
	fake := fullstorytest.NewServer()
	defer fake.Close()
	arrived, gone := make(chan struct{}, 1), make(chan struct{}, 1)
	api := apiServer(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/summary") {
			arrived <- struct{}{}
			<-r.Context().Done()
			gone <- struct{}{}
			return
		}
		fake.Handler().ServeHTTP(w, r)
	})
	g, cs := serveOn(t, fake.APIKey, Options{}, httpClient(t, api.URL, fake.APIKey))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: ToolSummarizeSession, Arguments: map[string]any{"session": checkout}})
		done <- err
	}()
	<-arrived
	cancel()
	assert.ErrorIs(t, <-done, context.Canceled)
	<-gone // the server's call to the API was cancelled with it
	assert.Equal(t, int64(4), g.Remaining(), "a summary cut off after sending may be billed: its Activation stays spent")

	// The server still serves, and the next call is answered.
	_, _ = callOK[ListSessionsOutput](t, cs, ToolListSessions, map[string]any{"email": fullstorytest.DemoEmail})
}

func TestSummaryErrorMessages(t *testing.T) {
	s := &server{opts: Options{Guard: guard(t, 3)}}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	cases := []struct {
		ctx  context.Context
		err  error
		want string
	}{
		{cancelled, context.Canceled, "cancelled by the client before the summary came back; the summary may still have been made and billed"},
		{context.Background(), context.DeadlineExceeded, "timed out before the summary came back; the summary may still have been made and billed"},
		{context.Background(), &fullstory.APIError{StatusCode: 502, Method: "GET", Path: "/v2/sessions/x/summary"}, "may still have been made and billed"},
		{context.Background(), &fullstory.BudgetExhaustedError{Limit: 3}, "at most 3 Activations (--max-activations 3)"},
		{context.Background(), &fullstory.APIError{StatusCode: 429, Method: "GET", Path: "/p"}, "rate limiting"},
		{context.Background(), &fullstory.APIError{StatusCode: 401, Method: "GET", Path: "/p"}, "FULLSTORY_API_KEY"},
		{context.Background(), &fullstory.APIError{StatusCode: 400, Method: "GET", Path: "/p", Message: "bad"}, "refused the request"},
	}
	for _, tc := range cases {
		err := s.summaryError(tc.ctx, tc.err)
		assert.Contains(t, err.Error(), tc.want)
		assert.True(t, errors.Is(err, tc.err), "the cause is kept")
	}
	assert.NotContains(t, s.summaryError(context.Background(), &fullstory.APIError{StatusCode: 400, Method: "GET", Path: "/p"}).Error(), "billed", "a 4xx spends nothing")
}

func TestSummarizeResultIsTyped(t *testing.T) {
	h := newHarness(t, Options{})
	res := call(t, h.cs, ToolSummarizeSession, map[string]any{"session": checkout})
	require.False(t, res.IsError)
	data, err := json.Marshal(res.StructuredContent)
	require.NoError(t, err)
	var raw map[string]any
	require.NoError(t, json.Unmarshal(data, &raw))
	for _, k := range []string{"session", "summary", "source", "activations_left", "max_activations"} {
		assert.Contains(t, raw, k)
	}
	require.Len(t, res.Content, 1, "a short text, not the JSON again")
}
