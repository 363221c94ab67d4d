// Command concierge writes the ticket-concierge brief of Fullstory's AI
// Session Summary quick-start guide: for the latest sessions of a customer,
// a Slack-formatted (mrkdwn) summary that tells a concierge whether the
// customer bought their tickets or abandoned the checkout, and how to follow
// up.
//
// Without FULLSTORY_API_KEY it runs offline against the in-memory fake of
// package fullstorytest:
//
//	go run ./examples/concierge
//
// With a key it calls the real API; each summary spends an Activation, and
// the profile it creates is kept: pass its id with -profile next time.
//
//	FULLSTORY_API_KEY=... go run ./examples/concierge -email you@example.com -n 2
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
		fmt.Fprintln(os.Stderr, "concierge:", err)
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
	agent := fullstory.WithUserAgent("concierge-example")
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
	fs := flag.NewFlagSet("concierge", flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("email", "jane@doe.com", "`email` of the customer")
	profile := fs.String("profile", "", "`id` of an existing concierge profile to use instead of creating one")
	baseURL := fs.String("base-url", getenv("FULLSTORY_BASE_URL"), "API base `URL` (default from FULLSTORY_BASE_URL, else the key's region)")
	latest := fs.Int("n", 1, "`count` of the customer's latest sessions to summarize")
	var session fullstory.SessionID
	fs.TextVar(&session, "session", fullstory.SessionID{}, "one `session` to summarize instead, as userId:sessionId or a session URL")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *latest < 1 {
		return errors.New("-n must be at least 1")
	}

	c, fake, closeFake, err := newClient(stdout, getenv, *baseURL)
	if err != nil {
		return err
	}
	defer closeFake()

	id := fullstory.ProfileID(*profile)
	if id == "" {
		if id, err = c.Profiles.Create(ctx, conciergeProfile()); err != nil {
			return fmt.Errorf("creating the profile: %w", err)
		}
	}
	fmt.Fprintf(stdout, "Profile id: %s\n", id)
	if !fake && *profile == "" {
		fmt.Fprintf(stdout, "(kept on your account: reuse it with -profile %s)\n", id)
	}

	var targets []fullstory.Session
	if session.IsZero() {
		sessions, err := c.Sessions.List(ctx, &fullstory.ListSessionsOptions{Email: *email, Limit: *latest})
		if err != nil {
			return fmt.Errorf("listing sessions: %w", err)
		}
		if len(sessions) == 0 {
			return errors.New("the customer has no sessions: try another -email, or pass -session")
		}
		targets = sessions[:min(*latest, len(sessions))]
	} else {
		targets = []fullstory.Session{{UserID: session.User, SessionID: session.Session}}
	}

	for _, s := range targets {
		sum, err := c.Sessions.Summarize(ctx, s.ID(), &fullstory.SummarizeRequest{Profile: id})
		if err != nil {
			return fmt.Errorf("summarizing session %s: %w", s.ID(), err)
		}
		fmt.Fprintf(stdout, "\n----- Slack message for session %s", s.ID())
		if !s.CreatedTime.IsZero() {
			fmt.Fprintf(stdout, " (%s)", s.CreatedTime.UTC().Format(time.DateTime+" MST"))
		}
		fmt.Fprintf(stdout, " -----\n%s\n", sum.Text)
		if s.URL != "" {
			fmt.Fprintf(stdout, "<%s|Watch the session in Fullstory>\n", s.URL)
		}
	}
	return nil
}
