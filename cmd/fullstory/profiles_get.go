package main

import (
	"context"

	fullstory "github.com/summarykit/fullstory-go"
)

var cmdProfilesGet = &command{
	name:    "profiles get",
	args:    "PROFILE_ID [--body]",
	summary: "Print a profile",
	help: `With --json, prints the profile as the API returns it. With --body, prints
its settings as a create/update body, ready to edit and pass to -f.

Examples:
  fullstory profiles get 5371ea1b-625c-4773-b038-0dacb0b4d08a
  fullstory profiles get 5371ea1b-625c-4773-b038-0dacb0b4d08a --body > profile.json
`,
	json:    profilesGetJSONDoc,
	options: func() options { return &profilesGetOptions{} },
}

type profilesGetOptions struct {
	body bool
	id   fullstory.ProfileID
}

func (o *profilesGetOptions) declare(f *flagSet) {
	f.boolVar(&o.body, "body", "print the settings as a create/update body, for -f")
}

func (o *profilesGetOptions) validate(args []string, _ *flagSet) error {
	if len(args) != 1 {
		return usagef("needs one PROFILE_ID")
	}
	o.id = fullstory.ProfileID(args[0])
	return nil
}

func (o *profilesGetOptions) run(ctx context.Context, a *app) error {
	c, err := a.client()
	if err != nil {
		return err
	}
	p, err := c.Profiles.Get(ctx, o.id)
	if err != nil {
		return err
	}
	switch {
	case o.body:
		return a.printJSON(p.Request())
	case a.g.json:
		return a.printJSON(p)
	}
	writeFields(a.stdout, append([]field{{"ID", string(p.ID)}, {"Name", p.Name}}, describeConfig(&p.ProfileConfig)...))
	return nil
}
