package main

import (
	"strings"

	fullstory "github.com/summarykit/fullstory-go"
)

var sessionsGroup = &group{
	name:  "sessions",
	intro: "",
	examples: `  fullstory sessions list --email jane@doe.com --limit 5
  fullstory sessions context 6973903723107198876:5156932900183134039 -f examples/profiles/support.json
`,
}

// userFlags pick a user by email or uid, as sessions list, summarize and
// profiles try do.
type userFlags struct {
	email, uid string
}

func (u *userFlags) declare(f *flagSet) {
	f.stringVar(&u.email, "email", "the user's `EMAIL`")
	f.stringVar(&u.uid, "uid", "the user's `UID`, as set with FS('setIdentity')")
}

// given reports whether a user was named at all.
func (u *userFlags) given() bool { return u.email != "" || u.uid != "" }

func (u *userFlags) validate() error {
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

// sessionArg is the one SESSION argument of a command.
func sessionArg(args []string) (fullstory.SessionID, error) {
	if len(args) != 1 {
		return fullstory.SessionID{}, usagef("needs one SESSION, as sessions list prints it")
	}
	return fullstory.ParseSessionID(args[0])
}
