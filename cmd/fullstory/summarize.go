package main

import (
	"context"
	"fmt"

	fullstory "github.com/summarykit/fullstory-go"
)

var cmdSummarize = &command{
	name:    "summarize",
	args:    "SESSION [--profile ID] | (--email EMAIL | --uid UID) [--latest N] [--profile ID] [--concurrency C] [--max-activations N]",
	summary: "Summarize a session, or a user's latest sessions",
	help: `SESSION is "userId:sessionId", its URL-encoded form "userId%3AsessionId", or
the session's URL in the Fullstory app; "sessions list" prints them. The
session id shown alone in the app is not enough.

Without --profile, the API writes a generic synopsis of the user's
experience. Each summary spends one Activation of the account: on a
terminal, the command says how many it may spend before it starts, and it
never spends more than one per summary; --max-activations lowers that cap.

With --email or --uid, summarizes the user's latest N sessions, C at a time,
and prints them newest first. Progress goes to stderr when it is a terminal.
If some summaries fail, the others are still printed and the exit status is
that of the first failure. A user without sessions exits with status 6.
Ctrl-C stops them all: nothing is printed, it says how many summaries were
already sent (and so may be billed), and the exit status is 130.

Examples:
  fullstory summarize 6973903723107198876:5156932900183134039 --profile PROFILE_ID
  fullstory summarize 'https://app.fullstory.com/ui/ORG/session/6973903723107198876%3A5156932900183134039' --json
  fullstory summarize --email jane@doe.com --latest 5 --profile PROFILE_ID --concurrency 2
  fullstory --fake summarize --email jane@doe.com --latest 3
`,
	json:    summarizeJSONDoc,
	options: func() options { return &summarizeOptions{latest: 1, concurrency: defaultConcurrency} },
}

type summarizeOptions struct {
	user        userFlags
	profile     string
	latest      int
	concurrency int
	spend       spendCap
	session     fullstory.SessionID // the SESSION argument; zero with --email or --uid
}

func (o *summarizeOptions) declare(f *flagSet) {
	o.user.declare(f)
	f.stringVar(&o.profile, "profile", "summarize with the profile `ID` (default: the API's generic synopsis)")
	f.intVar(&o.latest, "latest", "with --email or --uid: summarize the latest `N` sessions")
	f.intVar(&o.concurrency, "concurrency", "with --email or --uid: write at most `C` summaries at once")
	o.spend.declare(f)
}

func (o *summarizeOptions) validate(args []string, f *flagSet) error {
	switch {
	case len(args) > 1:
		return usagef("takes one SESSION, got %d arguments", len(args))
	case len(args) == 1 && o.user.given():
		return usagef("give a SESSION or --email/--uid, not both")
	case len(args) == 1 && (f.given("latest") || f.given("concurrency")):
		return usagef("--latest and --concurrency go with --email or --uid")
	case len(args) == 1:
		id, err := fullstory.ParseSessionID(args[0])
		o.session = id
		return err
	case !o.user.given():
		return usagef("needs a SESSION, or --email or --uid")
	}
	if err := o.user.validate(); err != nil {
		return err
	}
	if o.latest < 1 {
		return usagef("--latest must be at least 1")
	}
	return nil
}

func (o *summarizeOptions) run(ctx context.Context, a *app) error {
	if !o.session.IsZero() {
		return o.summarizeOne(ctx, a)
	}
	return o.summarizeLatest(ctx, a)
}

func (o *summarizeOptions) summarizeOne(ctx context.Context, a *app) error {
	c, err := a.spendingClient(o.spend.limit(1))
	if err != nil {
		return err
	}
	a.announceSpend(nil, 1)
	p := a.startProgress("Summarizing " + o.session.String() + "…")
	s, err := c.Sessions.Summarize(ctx, o.session, &fullstory.SummarizeRequest{Profile: fullstory.ProfileID(o.profile)})
	p.finish()
	if err != nil {
		return err
	}
	r := summaryResult{s: s}
	if a.g.json {
		return a.printJSON(newJSONSummary(ctx, sessionRef(o.session), r))
	}
	writeSummary(a.stdout, r, a.proseWidth())
	return nil
}

func (o *summarizeOptions) summarizeLatest(ctx context.Context, a *app) error {
	c, err := a.spendingClient(o.spend.limit(o.latest), fullstory.WithConcurrency(o.concurrency))
	if err != nil {
		return err
	}
	p := a.startProgress("Listing the user's sessions…")
	defer p.finish()
	profile := fullstory.ProfileID(o.profile)
	// A missing profile would fail every summary alike: find out once.
	if profile != "" {
		if _, err := c.Profiles.Get(ctx, profile); err != nil {
			return wrapf(err, "profile %s: ", profile)
		}
	}
	sessions, err := latestSessions(ctx, c, &o.user, o.latest)
	if err != nil {
		return err
	}
	a.announceSpend(p, len(sessions))
	p.counting(len(sessions), "sessions summarized")
	results := summarizeEach(ctx, c, sessionIDs(sessions), profile, p)
	p.finish()
	if ctx.Err() != nil {
		return interrupted(ctx)
	}

	if a.g.json {
		out := jsonSummaries{Summaries: make([]jsonSummary, len(sessions)), Activations: a.activations()}
		for i, s := range sessions {
			out.Summaries[i] = newJSONSummary(ctx, newJSONSession(s), results[i])
		}
		if err := a.printJSON(out); err != nil {
			return err
		}
		return failed(results)
	}
	for i, s := range sessions {
		if i > 0 {
			fmt.Fprintln(a.stdout)
		}
		fmt.Fprintf(a.stdout, "=== %d/%d  %s  %s\n", i+1, len(sessions), s.ID(), formatTime(s.CreatedTime))
		if s.URL != "" {
			fmt.Fprintln(a.stdout, s.URL)
		}
		fmt.Fprintln(a.stdout)
		writeSummary(a.stdout, results[i], a.proseWidth())
	}
	return failed(results)
}

// latestSessions returns the user's latest n sessions, newest first, or a
// nothingFoundError if there are none.
func latestSessions(ctx context.Context, c *fullstory.Client, u *userFlags, n int) ([]fullstory.Session, error) {
	sessions, err := c.Sessions.List(ctx, u.options(n))
	if err != nil {
		return nil, err
	}
	if len(sessions) == 0 {
		return nil, &nothingFoundError{"found no sessions for this user"}
	}
	return sessions[:min(n, len(sessions))], nil
}

func sessionIDs(sessions []fullstory.Session) []fullstory.SessionID {
	ids := make([]fullstory.SessionID, len(sessions))
	for i, s := range sessions {
		ids[i] = s.ID()
	}
	return ids
}
