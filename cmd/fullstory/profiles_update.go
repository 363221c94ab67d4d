package main

import (
	"context"
	"fmt"

	fullstory "github.com/summarykit/fullstory-go"
)

var cmdProfilesUpdate = &command{
	name:    "profiles update",
	args:    "PROFILE_ID -f FILE",
	summary: "Update a profile from a JSON file",
	help: `Whether the API replaces the profile or merges the file into it is not
documented, so send the whole profile: start from "profiles get ID --body".

Example:
  fullstory profiles get PROFILE_ID --body > profile.json   # edit it, then:
  fullstory profiles update PROFILE_ID -f profile.json
`,
	json:    profilesUpdateJSONDoc,
	options: func() options { return &profilesUpdateOptions{} },
}

type profilesUpdateOptions struct {
	file profileFile
	id   fullstory.ProfileID
}

func (o *profilesUpdateOptions) declare(f *flagSet) { o.file.declare(f) }

func (o *profilesUpdateOptions) validate(args []string, _ *flagSet) error {
	if len(args) != 1 {
		return usagef("needs one PROFILE_ID")
	}
	o.id = fullstory.ProfileID(args[0])
	return o.file.validate()
}

func (o *profilesUpdateOptions) run(ctx context.Context, a *app) error {
	req, c, err := o.file.read(a)
	if err != nil {
		return err
	}
	if err := c.Profiles.Update(ctx, o.id, req); err != nil {
		return err
	}
	if a.g.json {
		return a.printJSON(jsonUpdated{ID: o.id, Updated: true})
	}
	_, err = fmt.Fprintf(a.stdout, "Updated profile %s.\n", o.id)
	return err
}
