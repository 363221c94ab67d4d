// Command quickstart walks through the three steps of Fullstory's AI Session
// Summary quick-start guide: it creates the guide's support-assistant prompt
// profile, lists the sessions of a user by email, and summarizes the latest
// one with the profile.
//
// Without FULLSTORY_API_KEY it runs offline against the in-memory fake of
// package fullstorytest:
//
//	go run ./examples/quickstart
//
// With a key it calls the real API. Summaries spend Activations, and the
// profile it creates is kept: pass its id with -profile next time.
//
//	FULLSTORY_API_KEY=... go run ./examples/quickstart -email you@example.com
//	FULLSTORY_API_KEY=... go run ./examples/quickstart -profile <id> -session <userId:sessionId>
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

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
		fmt.Fprintln(os.Stderr, "quickstart:", err)
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
	agent := fullstory.WithUserAgent("quickstart-example")
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
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("email", "jane@doe.com", "`email` of the user whose sessions to list")
	profile := fs.String("profile", "", "`id` of an existing prompt profile to use instead of creating one")
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

	// Step 1: the prompt profile says what the AI looks at and how it answers.
	id := fullstory.ProfileID(*profile)
	if id == "" {
		req := supportProfile()
		if id, err = c.Profiles.Create(ctx, req); err != nil {
			return fmt.Errorf("creating the profile: %w", err)
		}
		fmt.Fprintf(stdout, "\nStep 1, create a prompt profile: created %q\n", req.Name)
	} else {
		fmt.Fprintln(stdout, "\nStep 1, create a prompt profile: skipped, using -profile")
	}
	fmt.Fprintf(stdout, "Profile id: %s\n", id)
	if !fake && *profile == "" {
		fmt.Fprintf(stdout, "(kept on your account: reuse it with -profile %s)\n", id)
	}

	// The guide's optional step 3 runs before step 2 here: it finds the
	// session to summarize when all we know is the user's email.
	if session.IsZero() {
		sessions, err := c.Sessions.List(ctx, &fullstory.ListSessionsOptions{Email: *email, Limit: 10})
		if err != nil {
			return fmt.Errorf("listing sessions: %w", err)
		}
		if len(sessions) == 0 {
			return errors.New("the user has no sessions: try another -email, or pass -session")
		}
		fmt.Fprintf(stdout, "\nStep 3, find the user's sessions: %d sessions of %s, newest first\n", len(sessions), *email)
		for _, s := range sessions {
			fmt.Fprintf(stdout, "  %s  %s  %s\n", s.ID(), s.CreatedTime.UTC().Format(time.DateTime+" MST"), s.URL)
		}
		session = sessions[0].ID()
	} else {
		fmt.Fprintln(stdout, "\nStep 3, find the user's sessions: skipped, using -session")
	}

	// Step 2: summarize the session with the profile.
	sum, err := c.Sessions.Summarize(ctx, session, &fullstory.SummarizeRequest{Profile: id})
	if err != nil {
		return fmt.Errorf("summarizing session %s: %w", session, err)
	}
	fmt.Fprintf(stdout, "\nStep 2, summarize a session: the summary of %s\n%s\n", session, sum.Text)
	return nil
}
