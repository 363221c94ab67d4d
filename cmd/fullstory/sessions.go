package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	fullstory "github.com/summarykit/fullstory-go"
)

const sessionsHelp = `Usage: fullstory sessions COMMAND [flags]

Commands:
  sessions list      List a user's sessions, newest first
  sessions events    Print a session's raw events, for free
  sessions context   Print what the AI would read of a session, for free

Examples:
  fullstory sessions list --email jane@doe.com --limit 5
  fullstory sessions context 6973903723107198876:5156932900183134039 -f examples/profiles/support.json
`

var cmdSessionsList = &command{
	name:    "sessions list",
	args:    "--email EMAIL | --uid UID [--limit N]",
	summary: "List a user's sessions, newest first",
	help: `Give the user's email or uid (the one set with FS('setIdentity')), not both:
the API would return the union of the two. The SESSION column is what
"fullstory summarize" takes. The table fits the terminal: the URL column
shows only when it is wide enough. With --json, prints {"sessions": [...]},
each with "id" (what summarize takes), "userId", "sessionId", "created"
(RFC 3339) and "url".

Examples:
  fullstory sessions list --email jane@doe.com
  fullstory sessions list --uid 42 --limit 5 --json
  fullstory sessions list --email jane@doe.com --json | jq -r '.sessions[].id'
  fullstory --fake sessions list --email jane@doe.com
`,
	run: (*app).sessionsList,
}

func (a *app) sessionsList(ctx context.Context, cmd *command, args []string) error {
	fs := a.flags(cmd)
	var u userFlags
	u.register(fs)
	limit := a.intFlag(fs, "limit", 0, "list at most `N` sessions (the API's default is 20)")
	pos, err := a.parse(cmd, fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("takes no arguments, got %q", pos[0])
	}
	if err := u.check(); err != nil {
		return err
	}
	if *limit < 0 {
		return usagef("--limit must not be negative")
	}
	c, err := a.client()
	if err != nil {
		return err
	}
	sessions, err := c.Sessions.List(ctx, u.options(*limit))
	if err != nil {
		return err
	}
	if a.g.json {
		rows := make([]sessionRow, len(sessions))
		for i, s := range sessions {
			rows[i] = newSessionRow(s)
		}
		return a.printJSON(map[string][]sessionRow{"sessions": rows})
	}
	if len(sessions) == 0 {
		fmt.Fprintln(a.stdout, "No sessions.")
		return nil
	}
	return writeSessionTable(a.stdout, sessions, a.width())
}

// sessionRow is a session as sessions list --json prints it, for scripts:
// ID is what summarize, sessions events and sessions context take.
type sessionRow struct {
	ID        fullstory.SessionID `json:"id"`
	UserID    string              `json:"userId"`
	SessionID string              `json:"sessionId"`
	Created   string              `json:"created,omitempty"` // RFC 3339, UTC
	URL       string              `json:"url,omitempty"`
}

func newSessionRow(s fullstory.Session) sessionRow {
	r := sessionRow{ID: s.ID(), UserID: s.UserID, SessionID: s.SessionID, URL: s.URL}
	if !s.CreatedTime.IsZero() {
		r.Created = s.CreatedTime.UTC().Format(time.RFC3339)
	}
	return r
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

// userFlags pick a user by email or uid, as sessions list, summarize and
// profiles try do.
type userFlags struct {
	email, uid string
}

func (u *userFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&u.email, "email", "", "the user's `EMAIL`")
	fs.StringVar(&u.uid, "uid", "", "the user's `UID`, as set with FS('setIdentity')")
}

// given reports whether a user was named at all.
func (u *userFlags) given() bool { return u.email != "" || u.uid != "" }

func (u *userFlags) check() error {
	u.email, u.uid = strings.TrimSpace(u.email), strings.TrimSpace(u.uid)
	switch {
	case !u.given():
		return usagef("needs --email or --uid")
	case u.email != "" && u.uid != "":
		return usagef("give --email or --uid, not both")
	}
	return nil
}

func (u *userFlags) options(limit int) *fullstory.ListSessionsOptions {
	return &fullstory.ListSessionsOptions{Email: u.email, UID: u.uid, Limit: limit}
}
