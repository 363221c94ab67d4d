// Command structured gets a summary as typed Go data instead of prose: it
// derives a response schema from the SupportBrief struct with
// fullstory.SchemaFor, puts it in a prompt profile, and decodes the summary
// of a user's latest session into a SupportBrief with fullstory.SummarizeAs.
//
// Without FULLSTORY_API_KEY it runs offline against the in-memory fake of
// package fullstorytest:
//
//	go run ./examples/structured
//
// With a key it calls the real API; the summary spends an Activation, and
// the profile it creates is kept: pass its id with -profile next time.
//
//	FULLSTORY_API_KEY=... go run ./examples/structured -email you@example.com
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	var usage usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.As(err, &usage):
		os.Exit(2) // the flag set has printed the error and the usage
	default:
		fmt.Fprintln(os.Stderr, "structured:", err)
		os.Exit(1)
	}
}

// usageError is a command-line error that the flag set has already printed.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

// newClient returns a client of the real API when FULLSTORY_API_KEY is set,
// and otherwise of an in-memory fake of it (package fullstorytest, with demo
// data), which runs offline and spends no Activations. close stops the fake.
func newClient(stdout io.Writer, getenv func(string) string, baseURL string) (c *fullstory.Client, fake bool, close func(), err error) {
	agent := fullstory.WithUserAgent("structured-example")
	key := getenv("FULLSTORY_API_KEY")
	if key == "" {
		if baseURL != "" {
			return nil, false, nil, errors.New("a base URL needs FULLSTORY_API_KEY too; without a key the example runs on a fake")
		}
		srv := fullstorytest.NewServer()
		fmt.Fprintln(stdout, "Running offline on the in-memory fake Fullstory API (set FULLSTORY_API_KEY to call the real one).")
		return srv.Client(agent), true, srv.Close, nil
	}
	opts := []fullstory.Option{agent}
	if baseURL != "" {
		opts = append(opts, fullstory.WithBaseURL(baseURL))
	}
	c, err = fullstory.NewClient(key, opts...)
	return c, false, func() {}, err
}

// run is the whole program, with its inputs passed in so that tests can call
// it: args are the command-line arguments without the program name.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("structured", flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("email", "jane@doe.com", "`email` of the user whose latest session to summarize")
	profile := fs.String("profile", "", "`id` of an existing profile whose response schema is SupportBrief's, instead of creating one")
	baseURL := fs.String("base-url", getenv("FULLSTORY_BASE_URL"), "API base `URL` (default from FULLSTORY_BASE_URL, else the key's region)")
	var session fullstory.SessionID
	fs.TextVar(&session, "session", fullstory.SessionID{}, "`session` to summarize, as userId:sessionId or a session URL (default: the user's latest)")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}

	c, fake, closeFake, err := newClient(stdout, getenv, *baseURL)
	if err != nil {
		return err
	}
	defer closeFake()

	id := fullstory.ProfileID(*profile)
	if id == "" {
		req, err := briefProfile()
		if err != nil {
			return err
		}
		if id, err = c.Profiles.Create(ctx, req); err != nil {
			return fmt.Errorf("creating the profile: %w", err)
		}
	}
	fmt.Fprintf(stdout, "Profile id: %s\n", id)
	if !fake && *profile == "" {
		fmt.Fprintf(stdout, "(kept on your account: reuse it with -profile %s)\n", id)
	}

	if session.IsZero() {
		sessions, err := c.Sessions.List(ctx, &fullstory.ListSessionsOptions{Email: *email, Limit: 1})
		if err != nil {
			return fmt.Errorf("listing sessions: %w", err)
		}
		if len(sessions) == 0 {
			return errors.New("the user has no sessions: try another -email, or pass -session")
		}
		session = sessions[0].ID()
	}
	fmt.Fprintf(stdout, "Session: %s\n\n", session)

	brief, sum, err := fullstory.SummarizeAs[SupportBrief](ctx, c, session, &fullstory.SummarizeRequest{Profile: id})
	if err != nil {
		if sum != nil {
			// The summary came back but is not a SupportBrief: show what the
			// LLM wrote, since it cost an Activation.
			fmt.Fprintf(stderr, "the summary does not decode as a SupportBrief; its text:\n%s\n", sum.Text)
		}
		return fmt.Errorf("summarizing session %s: %w", session, err)
	}
	printBrief(stdout, brief)
	return nil
}

// printBrief prints the typed fields of b.
func printBrief(w io.Writer, b SupportBrief) {
	fmt.Fprintf(w, "Primary goal: %s\n", b.PrimaryGoal)
	printList(w, "Issues encountered", b.IssuesEncountered)
	fmt.Fprintf(w, "Final action: %s\n", b.FinalAction)
	if b.FrictionReason != "" {
		fmt.Fprintf(w, "Likely reason for the friction: %s\n", b.FrictionReason)
	}
	printList(w, "Help pages visited", b.HelpPagesVisited)
	if b.Sentiment != "" {
		fmt.Fprintf(w, "Sentiment: %s\n", b.Sentiment)
	}
	escalate := "unclear" // null: the LLM could not tell
	if b.Escalate != nil {
		escalate = strconv.FormatBool(*b.Escalate)
	}
	fmt.Fprintf(w, "Escalate: %s\n", escalate)
}

// printList prints a labelled list, one item a line.
func printList(w io.Writer, label string, items []string) {
	if len(items) == 0 {
		fmt.Fprintf(w, "%s: none\n", label)
		return
	}
	fmt.Fprintf(w, "%s:\n", label)
	for _, item := range items {
		fmt.Fprintf(w, "  - %s\n", item)
	}
}
