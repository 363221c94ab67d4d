package main

import (
	"context"
	"errors"
	"fmt"

	fullstory "github.com/summarykit/fullstory-go"
)

var cmdSummarize = &command{
	name:    "summarize",
	args:    "SESSION [--profile ID] | (--email EMAIL | --uid UID) [--latest N] [--profile ID] [--concurrency C]",
	summary: "Summarize a session, or a user's latest sessions",
	help: `SESSION is "userId:sessionId", its URL-encoded form "userId%3AsessionId", or
the session's URL in the Fullstory app; "sessions list" prints them. The
session id shown alone in the app is not enough.

Without --profile, the API writes a generic synopsis of the user's
experience. Each summary spends one Activation of the account.

With --email or --uid, summarizes the user's latest N sessions, C at a time,
and prints them newest first. Progress goes to stderr when it is a terminal.
If some summaries fail, the others are still printed and the exit status is 1.
Ctrl-C stops them all: nothing is printed and the exit status is 130.

With --json, prints {"session", "summary", "response"} for one session and
{"summaries": [...]} for several, each with an "error" if it failed.

Examples:
  fullstory summarize 6973903723107198876:5156932900183134039 --profile PROFILE_ID
  fullstory summarize 'https://app.fullstory.com/ui/ORG/session/6973903723107198876%3A5156932900183134039' --json
  fullstory summarize --email jane@doe.com --latest 5 --profile PROFILE_ID --concurrency 2
  fullstory --fake summarize --email jane@doe.com --latest 3
`,
	run: (*app).summarize,
}

func (a *app) summarize(ctx context.Context, cmd *command, args []string) error {
	fs := a.flags(cmd)
	var u userFlags
	u.register(fs)
	profile := fs.String("profile", "", "summarize with the profile `ID` (default: the API's generic synopsis)")
	latest := a.intFlag(fs, "latest", 1, "with --email or --uid: summarize the latest `N` sessions")
	concurrency := a.intFlag(fs, "concurrency", 4, "with --email or --uid: write at most `C` summaries at once")
	pos, err := a.parse(cmd, fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 1:
		return usagef("takes one SESSION, got %d arguments", len(pos))
	case len(pos) == 1 && u.given():
		return usagef("give a SESSION or --email/--uid, not both")
	case len(pos) == 1 && (isSet(fs, "latest") || isSet(fs, "concurrency")):
		return usagef("--latest and --concurrency go with --email or --uid")
	case len(pos) == 1:
		id, err := fullstory.ParseSessionID(pos[0])
		if err != nil {
			return err
		}
		return a.summarizeOne(ctx, id, fullstory.ProfileID(*profile))
	case !u.given():
		return usagef("needs a SESSION, or --email or --uid")
	}
	if err := u.check(); err != nil {
		return err
	}
	if *latest < 1 {
		return usagef("--latest must be at least 1")
	}
	return a.summarizeLatest(ctx, &u, *latest, fullstory.ProfileID(*profile), *concurrency)
}

func (a *app) summarizeOne(ctx context.Context, id fullstory.SessionID, profile fullstory.ProfileID) error {
	c, err := a.client()
	if err != nil {
		return err
	}
	p := a.startProgress("Summarizing " + id.String() + "…")
	s, err := c.Sessions.Summarize(ctx, id, &fullstory.SummarizeRequest{Profile: profile})
	p.finish()
	if err != nil {
		return err
	}
	r := newSummaryResult(s, nil)
	if a.g.json {
		return a.printJSON(sessionSummary{Session: id, summaryResult: r})
	}
	writeSummary(a.stdout, r, a.proseWidth())
	return nil
}

func (a *app) summarizeLatest(ctx context.Context, u *userFlags, latest int, profile fullstory.ProfileID, concurrency int) error {
	c, err := a.client(fullstory.WithConcurrency(concurrency))
	if err != nil {
		return err
	}
	p := a.startProgress("Listing the user's sessions…")
	defer p.finish()
	// A missing profile would fail every summary alike: find out once.
	if profile != "" {
		if _, err := c.Profiles.Get(ctx, profile); err != nil {
			return wrapf(err, "profile %s: ", profile)
		}
	}
	sessions, err := latestSessions(ctx, c, u, latest)
	if err != nil {
		return err
	}
	p.counting(len(sessions), "sessions summarized")
	results := summarizeEach(ctx, c, sessionIDs(sessions), profile, p)
	p.finish()
	if ctx.Err() != nil {
		return interrupted(ctx)
	}

	out := make([]sessionSummary, len(sessions))
	for i, s := range sessions {
		out[i] = sessionSummary{Session: s.ID(), CreatedTime: s.CreatedTime, URL: s.URL, summaryResult: results[i]}
	}
	if a.g.json {
		if err := a.printJSON(map[string][]sessionSummary{"summaries": out}); err != nil {
			return err
		}
	} else {
		for i, s := range out {
			if i > 0 {
				fmt.Fprintln(a.stdout)
			}
			fmt.Fprintf(a.stdout, "=== %d/%d  %s  %s\n", i+1, len(out), s.Session, formatTime(s.CreatedTime))
			if s.URL != "" {
				fmt.Fprintln(a.stdout, s.URL)
			}
			fmt.Fprintln(a.stdout)
			writeSummary(a.stdout, s.summaryResult, a.proseWidth())
		}
	}
	return failed(results)
}

// latestSessions returns the user's latest n sessions, newest first, or an
// error if there are none.
func latestSessions(ctx context.Context, c *fullstory.Client, u *userFlags, n int) ([]fullstory.Session, error) {
	sessions, err := c.Sessions.List(ctx, u.options(n))
	if err != nil {
		return nil, err
	}
	if len(sessions) == 0 {
		return nil, errors.New("found no sessions for this user")
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
