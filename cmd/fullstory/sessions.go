package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	fullstory "github.com/summarykit/fullstory-go"
)

const sessionsHelp = `Usage: fullstory sessions COMMAND [flags]

Commands:
  sessions list   List a user's sessions, newest first

Example:
  fullstory sessions list --email jane@doe.com --limit 5
`

var cmdSessionsList = &command{
	name:    "sessions list",
	args:    "--email EMAIL | --uid UID [--limit N]",
	summary: "List a user's sessions, newest first",
	help: `Give the user's email or uid (the one set with FS('setIdentity')), not both:
the API would return the union of the two. The SESSION column is what
"fullstory summarize" takes. With --json, prints {"sessions": [...]} in the
API's shape (userId, sessionId, createdTime, fsUrl).

Examples:
  fullstory sessions list --email jane@doe.com
  fullstory sessions list --uid 42 --limit 5 --json
  fullstory --fake sessions list --email jane@doe.com
`,
	run: (*app).sessionsList,
}

func (a *app) sessionsList(ctx context.Context, cmd *command, args []string) error {
	fs := a.flags(cmd)
	var u userFlags
	u.register(fs)
	limit := fs.Int("limit", 0, "list at most `N` sessions (the API's default is 20)")
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
		return a.printJSON(map[string][]fullstory.Session{"sessions": sessions})
	}
	if len(sessions) == 0 {
		fmt.Fprintln(a.stdout, "No sessions.")
		return nil
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SESSION\tCREATED\tURL")
	for _, s := range sessions {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", s.ID(), formatTime(s.CreatedTime), cmp.Or(s.URL, "-"))
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
