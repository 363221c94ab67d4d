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

// Inject a fault to see how your code handles it: the client retries a 503,
// and with retries off it returns the error.
func ExampleServer_InjectFault() {
	srv := fullstorytest.NewServer()
	defer srv.Close()
	ctx := context.Background()

	// A summary is retried on a 503 only when it says when to come back: a
	// 503 without Retry-After may come from a gateway after the API made
	// (and billed) the summary.
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
