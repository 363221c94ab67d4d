package fullstory_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest"
)

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
