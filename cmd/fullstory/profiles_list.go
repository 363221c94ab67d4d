package main

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"text/tabwriter"

	fullstory "github.com/summarykit/fullstory-go"
)

var cmdProfilesList = &command{
	name:    "profiles list",
	args:    "[--limit N]",
	summary: "List the profiles",
	help: `Lists every profile, page by page.

Examples:
  fullstory profiles list
  fullstory profiles list --json | jq -r '.profiles[].id'
`,
	json:    profilesListJSONDoc,
	options: func() options { return &profilesListOptions{} },
}

type profilesListOptions struct{ limit int }

func (o *profilesListOptions) declare(f *flagSet) {
	f.intVar(&o.limit, "limit", "list at most `N` profiles; 0 lists them all")
}

func (o *profilesListOptions) validate(args []string, _ *flagSet) error {
	if err := noArgs(args); err != nil {
		return err
	}
	if o.limit < 0 {
		return usagef("--limit must not be negative")
	}
	return nil
}

func (o *profilesListOptions) run(ctx context.Context, a *app) error {
	c, err := a.client()
	if err != nil {
		return err
	}
	profiles, err := listProfiles(ctx, c, o.limit)
	if err != nil {
		return err
	}
	if a.g.json {
		return a.printJSON(jsonProfiles{Profiles: profiles})
	}
	if len(profiles) == 0 {
		fmt.Fprintln(a.stdout, "No profiles.")
		return nil
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tSLICE\tTEMPERATURE")
	for _, p := range profiles {
		temp := "-"
		if p.LLM != nil && p.LLM.Temperature != nil {
			temp = strconv.FormatFloat(*p.LLM.Temperature, 'g', -1, 64)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", p.ID, cmp.Or(p.Name, "-"), cmp.Or(describeSlice(p.Slice), "-"), temp)
	}
	return tw.Flush()
}

// listProfiles returns up to limit profiles (all with 0), page by page.
func listProfiles(ctx context.Context, c *fullstory.Client, limit int) ([]*fullstory.Profile, error) {
	opts := &fullstory.ListProfilesOptions{Limit: 100}
	if limit > 0 {
		opts.Limit = min(limit, 100)
	}
	profiles := []*fullstory.Profile{}
	for p, err := range c.Profiles.All(ctx, opts) {
		if err != nil {
			return nil, err
		}
		profiles = append(profiles, p)
		if len(profiles) == limit {
			break
		}
	}
	return profiles, nil
}
