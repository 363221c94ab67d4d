package main

import (
	"context"
	"fmt"
)

var cmdProfilesCreate = &command{
	name:    "profiles create",
	args:    "-f FILE",
	summary: "Create a profile from a JSON file and print its ID",
	help: `FILE holds the create body, e.g. examples/profiles/support.json; "-" reads
stdin. Unknown fields are refused, so that a typo is not silently ignored.

Examples:
  fullstory profiles create -f examples/profiles/support.json
  id=$(fullstory profiles create -f examples/profiles/concierge.json)
`,
	json:    profilesCreateJSONDoc,
	options: func() options { return &profilesCreateOptions{} },
}

type profilesCreateOptions struct{ file profileFile }

func (o *profilesCreateOptions) declare(f *flagSet) { o.file.declare(f) }

func (o *profilesCreateOptions) validate(args []string, _ *flagSet) error {
	if err := noArgs(args); err != nil {
		return err
	}
	return o.file.validate()
}

func (o *profilesCreateOptions) run(ctx context.Context, a *app) error {
	req, c, err := o.file.read(a)
	if err != nil {
		return err
	}
	id, err := c.Profiles.Create(ctx, req)
	if err != nil {
		return err
	}
	if a.g.json {
		return a.printJSON(jsonID{ID: id})
	}
	_, err = fmt.Fprintln(a.stdout, id)
	return err
}
