package fullstory_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"strings"
	"time"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest"
)

// The examples run on fullstorytest's in-memory fake, which holds the
// quick-start guide's user, jane@doe.com. Against the real API, create the
// client with fullstory.NewClient and your key instead of srv.Client().

func ExampleNewClient() {
	// A server API key with the Admin or Architect role. A key that starts
	// with "eu1." is sent to the EU data center.
	client, err := fullstory.NewClient("eu1.YOUR_API_KEY",
		fullstory.WithUserAgent("support-console/1.2"),
		fullstory.WithTimeout(90*time.Second),
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(client) // never shows the key
	// Output:
	// fullstory.Client{BaseURL: "https://api.eu1.fullstory.com", APIKey: [redacted]}
}

func ExampleNewClient_testServer() {
	// In tests, point the client at a fake of the API.
	srv := fullstorytest.NewServer()
	defer srv.Close()

	client, err := fullstory.NewClient(srv.APIKey, fullstory.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	sessions, err := client.Sessions.List(context.Background(), &fullstory.ListSessionsOptions{Email: "jane@doe.com"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(sessions), "sessions")
	// Output:
	// 4 sessions
}

func ExampleClient_Close() {
	srv := fullstorytest.NewServer()
	defer srv.Close()
	client, err := fullstory.NewClient(srv.APIKey, fullstory.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	// Close the Client when done with it: its idle connections, and their
	// goroutines, go at once instead of after the 90s idle timeout.
	defer client.Close()

	if _, err := client.Profiles.List(context.Background(), nil); err != nil {
		log.Fatal(err)
	}
	client.Close()
	_, err = client.Profiles.List(context.Background(), nil)
	fmt.Println(errors.Is(err, fullstory.ErrClientClosed))
	// Output:
	// true
}

func ExampleProfilesService_Create() {
	srv := fullstorytest.NewServer()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	// The support-assistant profile of the quick-start guide.
	id, err := client.Profiles.Create(ctx, &fullstory.ProfileRequest{
		Name: "Support assistant",
		ProfileConfig: fullstory.ProfileConfig{
			Events: &fullstory.EventsConfig{
				ExcludeTypes: []fullstory.EventType{fullstory.EventConsoleError, fullstory.EventNetworkError},
			},
			Slice: &fullstory.SliceConfig{Mode: fullstory.SliceLast, EventLimit: 200},
			LLM: &fullstory.LLMConfig{
				PrePrompt:   "You are a support assistant. The following is a log of user session events.",
				PostPrompt:  "Summarize the user's primary goal, any issues encountered and the user's final action.",
				Temperature: fullstory.Ptr(0.2),
			},
		},
	})
	if err != nil {
		log.Fatal(err)
	}

	// Keep the id: summaries name their profile by it.
	p, err := client.Profiles.Get(ctx, id)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.ID == id, p.Name)
	fmt.Println(p.Slice.Mode, p.Slice.EventLimit, *p.LLM.Temperature)
	// Output:
	// true Support assistant
	// LAST 200 0.2
}

func ExampleProfilesService_All() {
	srv := fullstorytest.NewServer()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	for _, name := range []string{"Support assistant", "Sales", "Ticket concierge"} {
		if _, err := client.Profiles.Create(ctx, &fullstory.ProfileRequest{Name: name}); err != nil {
			log.Fatal(err)
		}
	}

	// Pages of two: the loop fetches the second page when it gets there.
	for p, err := range client.Profiles.All(ctx, &fullstory.ListProfilesOptions{Limit: 2}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(p.Name)
	}
	// Output:
	// Support assistant
	// Sales
	// Ticket concierge
}

func ExampleSessionsService_List() {
	srv := fullstorytest.NewServer()
	defer srv.Close()
	client := srv.Client()

	sessions, err := client.Sessions.List(context.Background(), &fullstory.ListSessionsOptions{Email: "jane@doe.com", Limit: 10})
	if err != nil {
		log.Fatal(err)
	}
	// Newest first. ID is what Summarize takes.
	for _, s := range sessions {
		fmt.Println(s.ID(), s.CreatedTime.UTC().Format(time.RFC3339))
	}
	// Output:
	// 6973903723107198876:5156932900183134039 2025-06-26T23:01:54Z
	// 6973903723107198876:7595300836794220845 2025-06-26T21:00:33Z
	// 6973903723107198876:4411930485526710043 2025-06-20T16:12:05Z
	// 6973903723107198876:3120457789912365508 2025-06-12T19:40:10Z
}

func ExampleSessionsService_Summarize() {
	srv := fullstorytest.NewServer()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	profile, err := client.Profiles.Create(ctx, &fullstory.ProfileRequest{
		Name: "Checkout review",
		ProfileConfig: fullstory.ProfileConfig{
			LLM: &fullstory.LLMConfig{PostPrompt: "State the user's goal and whether they completed the purchase."},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	sessions, err := client.Sessions.List(ctx, &fullstory.ListSessionsOptions{Email: "jane@doe.com", Limit: 1})
	if err != nil {
		log.Fatal(err)
	}

	sum, err := client.Sessions.Summarize(ctx, sessions[0].ID(), &fullstory.SummarizeRequest{Profile: profile})
	if err != nil {
		log.Fatal(err)
	}
	// The fake writes one fact a line, by fixed rules; print two of them.
	for _, line := range strings.Split(sum.Text, "\n") {
		if strings.HasPrefix(line, "Goal:") || strings.HasPrefix(line, "Outcome:") {
			fmt.Println(line)
		}
	}
	// Output:
	// Goal: buy Aurora Nights Tour at Riverside Arena on 2025-08-15 (4 × VIP Floor)
	// Outcome: abandoned: items were added to the cart and checkout started, but no Order Completed event followed
}

func ExampleSessionsService_SummarizeEach() {
	srv := fullstorytest.NewServer()
	defer srv.Close()
	// For a batch, tell the Client the rate you are allowed: every request
	// of the Client then waits its turn instead of running into 429s.
	client := srv.Client(fullstory.WithRateLimit(50, 5))
	ctx := context.Background()

	sessions, err := client.Sessions.List(ctx, &fullstory.ListSessionsOptions{Email: "jane@doe.com"})
	if err != nil {
		log.Fatal(err)
	}
	ids := []fullstory.SessionID{fullstory.NewSessionID("42", "404")} // a session that does not exist
	for _, s := range sessions {
		ids = append(ids, s.ID())
	}

	// Results arrive as they finish; i is the index in ids. One failed
	// session does not stop the others.
	goals := make([]string, len(ids))
	for i, res := range client.Sessions.SummarizeEach(ctx, ids, nil, fullstory.WithConcurrency(2)) {
		switch {
		case errors.Is(res.Err, fullstory.ErrNotFound):
			goals[i] = "not found"
		case res.Err != nil:
			log.Fatal(res.Err)
		default:
			for line := range strings.Lines(res.Summary.Text) {
				if o, ok := strings.CutPrefix(line, "Goal: "); ok {
					goals[i] = strings.TrimSpace(o)
				}
			}
		}
	}
	for i, o := range goals {
		fmt.Printf("%s: %s\n", ids[i], o)
	}
	// Output:
	// 42:404: not found
	// 6973903723107198876:5156932900183134039: buy Aurora Nights Tour at Riverside Arena on 2025-08-15 (4 × VIP Floor)
	// 6973903723107198876:7595300836794220845: find help with payment errors: card declined
	// 6973903723107198876:4411930485526710043: compare pricing and packages
	// 6973903723107198876:3120457789912365508: buy Jazz in the Park at Zilker Park on 2025-07-04 (2 × General admission)
}

func ExampleSummarizeAs() {
	srv := fullstorytest.NewServer()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	// The structured output to ask for: json tags name the properties,
	// jsonschema tags describe them to the LLM.
	type Brief struct {
		PrimaryGoal string   `json:"primary_goal" jsonschema:"what the user was trying to do"`
		Issues      []string `json:"issues_encountered" jsonschema:"errors and frustration the user met"`
		FinalAction string   `json:"final_action" jsonschema:"the user's last action"`
	}
	schema, err := fullstory.SchemaFor[Brief]()
	if err != nil {
		log.Fatal(err)
	}
	profile, err := client.Profiles.Create(ctx, &fullstory.ProfileRequest{
		Name: "Support brief",
		ProfileConfig: fullstory.ProfileConfig{
			LLM: &fullstory.LLMConfig{
				PrePrompt:      "You are a support assistant.",
				ResponseSchema: schema,
			},
		},
	})
	if err != nil {
		log.Fatal(err)
	}

	session, err := fullstory.ParseSessionID("6973903723107198876:7595300836794220845")
	if err != nil {
		log.Fatal(err)
	}
	brief, _, err := fullstory.SummarizeAs[Brief](ctx, client, session, &fullstory.SummarizeRequest{Profile: profile})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("Goal:", brief.PrimaryGoal)
	fmt.Println("Issues:", len(brief.Issues))
	fmt.Println("Final action:", brief.FinalAction)
	// Output:
	// Goal: find help with payment errors: card declined
	// Issues: 3
	// Final action: triggered the custom event "Support Ticket Created"
}

func ExampleParseSessionID() {
	// The forms a session id comes in: from List, URL-encoded, and the
	// address of the session in the Fullstory app.
	for _, s := range []string{
		"6973903723107198876:7595300836794220845",
		"6973903723107198876%3A7595300836794220845",
		"https://app.fullstory.com/ui/XYZ/session/6973903723107198876:7595300836794220845",
	} {
		id, err := fullstory.ParseSessionID(s)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(id.User, id.Session, id.PathEscaped())
	}

	// The session id alone, as the app shows it, is not enough.
	_, err := fullstory.ParseSessionID("7595300836794220845")
	fmt.Println(errors.Is(err, fullstory.ErrInvalidArgument))
	// Output:
	// 6973903723107198876 7595300836794220845 6973903723107198876%3A7595300836794220845
	// 6973903723107198876 7595300836794220845 6973903723107198876%3A7595300836794220845
	// 6973903723107198876 7595300836794220845 6973903723107198876%3A7595300836794220845
	// true
}

func ExampleSchemaFor() {
	type Brief struct {
		Goal     string   `json:"goal" jsonschema:"what the user was trying to do"`
		Pages    []string `json:"help_pages,omitempty" jsonschema:"help pages visited"`
		Escalate *bool    `json:"escalate" jsonschema:"whether support should call, null if unclear"`
	}
	schema, err := fullstory.SchemaFor[Brief]()
	if err != nil {
		log.Fatal(err)
	}
	// Put it in LLMConfig.ResponseSchema, the guide's "output_schema".
	out, err := json.MarshalIndent(schema, "", "  ")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(out))
	// Output:
	// {
	//   "type": "OBJECT",
	//   "properties": {
	//     "escalate": {
	//       "type": "BOOLEAN",
	//       "description": "whether support should call, null if unclear",
	//       "nullable": true
	//     },
	//     "goal": {
	//       "type": "STRING",
	//       "description": "what the user was trying to do"
	//     },
	//     "help_pages": {
	//       "type": "ARRAY",
	//       "description": "help pages visited",
	//       "items": {
	//         "type": "STRING"
	//       }
	//     }
	//   },
	//   "required": [
	//     "goal",
	//     "escalate"
	//   ]
	// }
}

func ExampleAPIError() {
	srv := fullstorytest.NewServer()
	defer srv.Close()
	client := srv.Client()

	_, err := client.Sessions.Summarize(context.Background(), fullstory.NewSessionID("1", "2"), nil)

	// Match the status with a sentinel, or read the details with errors.As.
	fmt.Println(errors.Is(err, fullstory.ErrNotFound))
	var apiErr *fullstory.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Code, apiErr.Attempts)
	}
	// Output:
	// true
	// 404 resource_not_found 1
}

func ExampleWithResponseInto() {
	srv := fullstorytest.NewServer()
	defer srv.Close()
	client := srv.Client()

	var resp fullstory.Response
	sessions, err := client.Sessions.List(context.Background(),
		&fullstory.ListSessionsOptions{Email: "jane@doe.com"}, fullstory.WithResponseInto(&resp))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(sessions), "sessions; status", resp.StatusCode, "after", resp.Attempts, "attempt")
	// Output:
	// 4 sessions; status 200 after 1 attempt
}

func ExampleWithHeader() {
	srv := fullstorytest.NewServer()
	defer srv.Close()
	// A header that a proxy between you and the API expects, on every call.
	client := srv.Client(fullstory.WithHeader("X-Tenant", "acme"))

	_, err := client.Sessions.List(context.Background(), &fullstory.ListSessionsOptions{UID: "jane-doe"})
	if err != nil {
		log.Fatal(err)
	}
	reqs := srv.Requests()
	fmt.Println(reqs[len(reqs)-1].Header.Get("X-Tenant"))
	// Output:
	// acme
}

func ExampleErrNoStructuredOutput() {
	srv := fullstorytest.NewServer()
	defer srv.Close()
	client := srv.Client()

	type brief struct {
		Goal string `json:"goal"`
	}
	// No profile: the server's generic synopsis, plain text without JSON.
	_, sum, err := fullstory.SummarizeAs[brief](context.Background(), client, fullstorytest.DemoCheckoutSession, nil)
	switch {
	case errors.Is(err, fullstory.ErrNoStructuredOutput):
		fmt.Println("no structured output; the text is kept:", sum.Text != "")
	case errors.Is(err, fullstory.ErrStructuredOutputMismatch):
		fmt.Println("the model's JSON does not fit brief")
	case err != nil:
		log.Fatal(err)
	}
	// Output:
	// no structured output; the text is kept: true
}
