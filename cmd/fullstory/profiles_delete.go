package main

import (
	"cmp"
	"context"
	"fmt"

	fullstory "github.com/summarykit/fullstory-go"
)

var cmdProfilesDelete = &command{
	name:    "profiles delete",
	args:    "PROFILE_ID...",
	summary: "Delete profiles",
	help: `Tries every PROFILE_ID, even after a failure, and prints a line for each.
The exit status is that of the first failure if any profile was not
deleted.

Example:
  fullstory profiles delete 5371ea1b-625c-4773-b038-0dacb0b4d08a
`,
	json:    profilesDeleteJSONDoc,
	options: func() options { return &profilesDeleteOptions{} },
}

type profilesDeleteOptions struct{ ids []fullstory.ProfileID }

func (o *profilesDeleteOptions) declare(*flagSet) {}

func (o *profilesDeleteOptions) validate(args []string, _ *flagSet) error {
	if len(args) == 0 {
		return usagef("needs at least one PROFILE_ID")
	}
	for _, arg := range args {
		o.ids = append(o.ids, fullstory.ProfileID(arg))
	}
	return nil
}

func (o *profilesDeleteOptions) run(ctx context.Context, a *app) error {
	c, err := a.client()
	if err != nil {
		return err
	}
	out := jsonDeleted{Deleted: []fullstory.ProfileID{}, Failed: []jsonNotDeleted{}}
	var first error
	for _, id := range o.ids {
		if err := c.Profiles.Delete(ctx, id); err != nil {
			first = cmp.Or(first, err)
			out.Failed = append(out.Failed, jsonNotDeleted{ID: id, Error: classify(ctx, err)})
			if !a.g.json {
				a.notef("fullstory profiles delete: could not delete profile %s: %s", id, errText(err))
			}
			continue
		}
		out.Deleted = append(out.Deleted, id)
		if !a.g.json {
			fmt.Fprintf(a.stdout, "Deleted profile %s.\n", id)
		}
	}
	if a.g.json {
		if err := a.printJSON(out); err != nil {
			return err
		}
	}
	if first != nil {
		// Each failure is on stderr already, or in the JSON on stdout.
		return &reportedError{wrapf(first, "%d of %d profiles not deleted; the first: ", len(out.Failed), len(o.ids))}
	}
	return nil
}
