package fullstorytest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest"
)

// Start a fake, list the demo user's sessions and summarize the latest.
func ExampleNewServer() {
	srv := fullstorytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()

	sessions, err := c.Sessions.List(ctx, &fullstory.ListSessionsOptions{Email: fullstorytest.DemoEmail})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range sessions {
		fmt.Println(s.ID(), s.CreatedTime.Format(time.DateOnly))
	}
	fmt.Println(sessions[0].ID() == fullstorytest.DemoCheckoutSession)

	sum, err := c.Sessions.Summarize(ctx, sessions[0].ID(), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	first, _, _ := strings.Cut(sum.Text, "\n")
	fmt.Println(first)
	// Output:
	// 6973903723107198876:5156932900183134039 2025-06-26
	// 6973903723107198876:7595300836794220845 2025-06-26
	// 6973903723107198876:4411930485526710043 2025-06-20
	// 6973903723107198876:3120457789912365508 2025-06-12
	// true
	// [fullstorytest] Generic synopsis of session 6973903723107198876:5156932900183134039 (no prompt profile). Written by fixed rules from the session's events, not by an LLM.
}

// Add a session of your own and summarize it: the fake's summary names
// what the events show.
func ExampleServer_AddSession() {
	srv := fullstorytest.NewServer(fullstorytest.WithoutDemoData())
	defer srv.Close()
	id := srv.AddSession(fullstorytest.RecordedSession{
		Email:   "sam@example.com",
		Created: time.Date(2025, time.July, 1, 9, 0, 0, 0, time.UTC),
		Events: []fullstorytest.RecordedEvent{
			{URL: "/plans", Title: "Plans"},
			{Type: fullstory.EventClick, Target: "button#upgrade", Text: "Upgrade"},
			{Type: fullstory.EventNetworkError, Text: "POST /api/upgrade returned 500"},
			{Type: fullstory.EventRageClick, Target: "button#upgrade", Text: "Upgrade"},
		},
	})

	sum, err := srv.Client().Sessions.Summarize(context.Background(), id, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, line := range strings.Split(sum.Text, "\n") {
		if strings.HasPrefix(line, "Errors:") || strings.HasPrefix(line, "Frustration:") || strings.HasPrefix(line, "Final action:") {
			fmt.Println(line)
		}
	}
	// Output:
	// Errors: 1 network error
	// Frustration: 1 rage click
	// Final action: rage-clicked "Upgrade" (button#upgrade)
}

// Inject a fault to see how your code handles it: the client retries a
// summary after a 503 that says when to come back (a Retry-After: the server
// refused it), here at once ("0"); with retries off it returns the error. A
// 503 without Retry-After, a 502 or a 504 would not be retried: a gateway
// can answer so after the API generated the summary (and spent an Activation).
func ExampleServer_InjectFault() {
	srv := fullstorytest.NewServer()
	defer srv.Close()
	ctx := context.Background()

	srv.InjectFault(fullstorytest.Fault{Op: fullstorytest.OpSummarize, Status: http.StatusServiceUnavailable, Header: http.Header{"Retry-After": {"0"}}})
	_, err := srv.Client().Sessions.Summarize(ctx, fullstorytest.DemoCheckoutSession, nil)
	fmt.Println("with retries:", err, "after", len(srv.Requests()), "requests")

	srv.InjectFault(fullstorytest.Fault{Op: fullstorytest.OpSummarize, Status: http.StatusServiceUnavailable, RetryAfter: 2 * time.Second})
	_, err = srv.Client(fullstory.WithMaxRetries(0)).Sessions.Summarize(ctx, fullstorytest.DemoCheckoutSession, nil)
	var apiErr *fullstory.APIError
	if errors.As(err, &apiErr) {
		fmt.Println("without:", apiErr.StatusCode, apiErr.Code, apiErr.RetryAfter)
	}
	// Output:
	// with retries: <nil> after 2 requests
	// without: 503 server_error 2s
}

// Count what your code spends: Activations counts the summaries the fake
// generated, also the one behind a gateway's 504 (Fault.Handle), which the
// API would have counted as an Activation though the client got an error.
func ExampleServer_Activations() {
	srv := fullstorytest.NewServer()
	defer srv.Close()
	c := srv.Client(fullstory.WithMaxRetries(0))
	ctx := context.Background()

	_, err := c.Sessions.Summarize(ctx, fullstorytest.DemoCheckoutSession, nil)
	fmt.Println("summary:", err)
	srv.InjectFault(fullstorytest.Fault{Op: fullstorytest.OpSummarize, Handle: true, Status: http.StatusGatewayTimeout})
	_, err = c.Sessions.Summarize(ctx, fullstorytest.DemoSupportSession, nil)
	fmt.Println("behind a gateway:", err != nil)
	fmt.Println("activations:", srv.Activations())
	// Output:
	// summary: <nil>
	// behind a gateway: true
	// activations: 2
}

// Seed many distinct sessions at once, e.g. for a benchmark that must not
// summarize one session over and over.
func ExampleServer_SeedSessions() {
	srv := fullstorytest.NewServer(fullstorytest.WithoutDemoData())
	defer srv.Close()
	ids := srv.SeedSessions("load@example.com", 5000)

	results := srv.Client(fullstory.WithConcurrency(8)).Sessions.SummarizeEach(context.Background(), ids[:100], nil)
	n := 0
	for _, r := range results {
		if r.Err == nil {
			n++
		}
	}
	fmt.Println(len(ids), "sessions;", n, "summarized;", srv.Activations(), "activations")
	// Output:
	// 5000 sessions; 100 summarized; 100 activations
}

// Seed sessions from JSON, the format of `fullstory fake --sessions FILE`
// and POST /_fake/sessions.
func ExampleReadSessions() {
	sessions, err := fullstorytest.ReadSessions(strings.NewReader(`{"sessions": [{
		"email": "kim@example.com", "session_uid": "order-1042",
		"events": [{"url": "/pricing", "title": "Pricing"}, {"type": "rage-click", "target": "button#buy", "text": "Buy"}]
	}]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := fullstorytest.NewServer(fullstorytest.WithoutDemoData(), fullstorytest.WithSessions(sessions...))
	defer srv.Close()
	found, err := srv.Client().Sessions.List(context.Background(), &fullstory.ListSessionsOptions{Email: "kim@example.com"})
	fmt.Println(len(found), err)

	_, err = fullstorytest.ReadSessions(strings.NewReader(`{"sessions": [{"emial": "kim@example.com"}]}`))
	fmt.Println(err)
	// Output:
	// 1 <nil>
	// unknown field "sessions[0].emial"; did you mean "sessions[0].email"? (line 1, column 16)
}

// Read the requests the fake received, to check what your code sent.
func ExampleServer_Requests() {
	srv := fullstorytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()

	id, err := c.Profiles.Create(ctx, &fullstory.ProfileRequest{Name: "Support"})
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := c.Sessions.Summarize(ctx, fullstorytest.DemoCheckoutSession, &fullstory.SummarizeRequest{Profile: id}); err != nil {
		fmt.Println(err)
		return
	}
	reqs := srv.Requests()
	for _, r := range reqs {
		fmt.Println(r.Op, r.Method, r.Path)
	}
	fmt.Printf("%s\n", reqs[0].Body)
	fmt.Println(reqs[1].Query.Get("config_profile") == string(id))
	// Output:
	// create-profile POST /v2/visit_profile
	// summarize GET /v2/sessions/6973903723107198876:5156932900183134039/summary
	// {"name":"Support"}
	// true
}
