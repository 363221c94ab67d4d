package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	fullstory "github.com/summarykit/fullstory-go"
)

var cmdSessionsList = &command{
	name:    "sessions list",
	args:    "--email EMAIL | --uid UID | --session-uid UID [--limit N]",
	summary: "List a user's sessions, newest first",
	help: `Give the user's email or uid (the one set with FS('setIdentity')), not both:
the API would return the union of the two. Or give --session-uid, the uid
that your site set for one session, which a support ticket or an order
often carries. The SESSION column is what "fullstory summarize" takes. The
table fits the terminal: the URL column shows only when it is wide enough.
No sessions is a success that prints "No sessions." (an empty list with
--json).

Examples:
  fullstory sessions list --email jane@doe.com
  fullstory sessions list --uid 42 --limit 5 --json
  fullstory sessions list --session-uid order-1234
  fullstory sessions list --email jane@doe.com --json | jq -r '.sessions[].id'
  fullstory --fake sessions list --email jane@doe.com
`,
	json:    sessionsListJSONDoc,
	options: func() options { return &sessionsListOptions{} },
}

type sessionsListOptions struct {
	user       userFlags
	sessionUID string
	limit      int
}

func (o *sessionsListOptions) declare(f *flagSet) {
	o.user.declare(f)
	f.stringVar(&o.sessionUID, "session-uid", "the session's `UID`, as your site set it for the session")
	f.intVar(&o.limit, "limit", "list at most `N` sessions (the API's default is 20)")
}

func (o *sessionsListOptions) validate(args []string, _ *flagSet) error {
	if err := noArgs(args); err != nil {
		return err
	}
	if o.limit < 0 {
		return usagef("--limit must not be negative")
	}
	o.sessionUID = strings.TrimSpace(o.sessionUID)
	switch {
	case o.sessionUID != "" && o.user.given():
		return usagef("give --email, --uid or --session-uid: --session-uid finds one session by its own uid, not a user's")
	case o.sessionUID != "":
		return nil
	case !o.user.given():
		return usagef("needs --email, --uid or --session-uid")
	}
	return o.user.validate()
}

func (o *sessionsListOptions) run(ctx context.Context, a *app) error {
	c, err := a.client()
	if err != nil {
		return err
	}
	opts := o.user.options(o.limit)
	opts.SessionUID = o.sessionUID
	sessions, err := c.Sessions.List(ctx, opts)
	if err != nil {
		return err
	}
	if a.g.json {
		out := jsonSessions{Sessions: make([]jsonSession, len(sessions))}
		for i, s := range sessions {
			out.Sessions[i] = newJSONSession(s)
		}
		return a.printJSON(out)
	}
	if len(sessions) == 0 {
		fmt.Fprintln(a.stdout, "No sessions.")
		return nil
	}
	return writeSessionTable(a.stdout, sessions, a.width())
}

// writeSessionTable writes the sessions as a table that fits width rather
// than wrap: without the URL column if it does not fit (the id is what
// matters, and a cut URL is of no use), then with dates only. The ids are
// never cut, since they are what the other commands take.
func writeSessionTable(w io.Writer, sessions []fullstory.Session, width int) error {
	const gap = 2
	idWidth, urlWidth := len("SESSION"), len("URL")
	for _, s := range sessions {
		idWidth = max(idWidth, len(s.ID().String()))
		urlWidth = max(urlWidth, len(cmp.Or(s.URL, "-")))
	}
	created, withURL := formatTime, true
	switch timeWidth := len(formatTime(time.Time{}.Add(1))); {
	case idWidth+gap+timeWidth+gap+urlWidth <= width:
	case idWidth+gap+timeWidth <= width:
		withURL = false
	default:
		created, withURL = formatDate, false
	}
	tw := tabwriter.NewWriter(w, 0, 0, gap, ' ', 0)
	header := "SESSION\tCREATED"
	if withURL {
		header += "\tURL"
	}
	fmt.Fprintln(tw, header)
	for _, s := range sessions {
		row := s.ID().String() + "\t" + created(s.CreatedTime)
		if withURL {
			row += "\t" + cmp.Or(s.URL, "-")
		}
		fmt.Fprintln(tw, row)
	}
	return tw.Flush()
}
