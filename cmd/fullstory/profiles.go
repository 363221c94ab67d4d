package main

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"text/tabwriter"

	fullstory "github.com/summarykit/fullstory-go"
)

const profilesHelp = `Usage: fullstory profiles COMMAND [flags] [arguments]

A prompt profile tells Fullstory's AI which part of a session to read and
how to summarize it. Profiles are written as JSON files: the flat body of the
create and update calls, with name, llm (pre_prompt, post_prompt,
temperature, response_schema), slice, context, events and cache. Ready-made
ones are in examples/profiles/*.json of the fullstory-go repository:
support.json (the quick-start guide's support assistant), sales.json and
concierge.json (the ticket-concierge prompt, in Slack mrkdwn).

Commands:
  profiles create   Create a profile from a JSON file and print its ID
  profiles get      Print a profile
  profiles list     List the profiles
  profiles update   Update a profile from a JSON file
  profiles delete   Delete profiles
  profiles try      Compare two profiles on a user's latest sessions

Examples:
  fullstory profiles create -f examples/profiles/support.json
  fullstory profiles get PROFILE_ID --body > profile.json   # edit, then:
  fullstory profiles update PROFILE_ID -f profile.json
  fullstory --fake profiles try -f examples/profiles/support.json --against examples/profiles/sales.json --email jane@doe.com --latest 3

Run "fullstory profiles COMMAND --help" for the flags of a command.
`

var cmdProfilesCreate = &command{
	name:    "profiles create",
	args:    "-f FILE",
	summary: "Create a profile from a JSON file and print its ID",
	help: `FILE holds the create body, e.g. examples/profiles/support.json; "-" reads
stdin. Unknown fields are refused, so that a typo is not silently ignored.
With --json, prints {"id": "..."}.

Examples:
  fullstory profiles create -f examples/profiles/support.json
  id=$(fullstory profiles create -f examples/profiles/concierge.json)
`,
	run: (*app).profilesCreate,
}

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
	run: (*app).profilesGet,
}

var cmdProfilesList = &command{
	name:    "profiles list",
	args:    "[--limit N]",
	summary: "List the profiles",
	help: `Lists every profile, page by page. With --json, prints {"profiles": [...]}.

Examples:
  fullstory profiles list
  fullstory profiles list --json | jq -r '.profiles[].id'
`,
	run: (*app).profilesList,
}

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
	run: (*app).profilesUpdate,
}

var cmdProfilesDelete = &command{
	name:    "profiles delete",
	args:    "PROFILE_ID...",
	summary: "Delete profiles",
	help: `Tries every PROFILE_ID, even after a failure, and prints a line for each.
With --json, prints {"deleted": [...], "failed": [{"id", "error"}]}. The exit
status is 1 if any profile was not deleted.

Example:
  fullstory profiles delete 5371ea1b-625c-4773-b038-0dacb0b4d08a
`,
	run: (*app).profilesDelete,
}

func (a *app) profilesCreate(ctx context.Context, cmd *command, args []string) error {
	fs := a.flags(cmd)
	file := fs.String("f", "", "the profile `FILE` (JSON); - reads stdin")
	pos, err := a.parse(cmd, fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("takes no arguments, got %q", pos[0])
	}
	req, c, err := a.profileAndClient(*file)
	if err != nil {
		return err
	}
	id, err := c.Profiles.Create(ctx, req)
	if err != nil {
		return err
	}
	if a.g.json {
		return a.printJSON(map[string]fullstory.ProfileID{"id": id})
	}
	fmt.Fprintln(a.stdout, id)
	return nil
}

func (a *app) profilesGet(ctx context.Context, cmd *command, args []string) error {
	fs := a.flags(cmd)
	body := fs.Bool("body", false, "print the settings as a create/update body, for -f")
	pos, err := a.parse(cmd, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("needs one PROFILE_ID")
	}
	c, err := a.client()
	if err != nil {
		return err
	}
	p, err := c.Profiles.Get(ctx, fullstory.ProfileID(pos[0]))
	if err != nil {
		return err
	}
	switch {
	case *body:
		return a.printJSON(p.Request())
	case a.g.json:
		return a.printJSON(p)
	}
	writeFields(a.stdout, append([]field{{"ID", string(p.ID)}, {"Name", p.Name}}, describeConfig(&p.ProfileConfig)...))
	return nil
}

func (a *app) profilesList(ctx context.Context, cmd *command, args []string) error {
	fs := a.flags(cmd)
	limit := a.intFlag(fs, "limit", 0, "list at most `N` profiles; 0 lists them all")
	pos, err := a.parse(cmd, fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("takes no arguments, got %q", pos[0])
	}
	if *limit < 0 {
		return usagef("--limit must not be negative")
	}
	c, err := a.client()
	if err != nil {
		return err
	}
	profiles, err := listProfiles(ctx, c, *limit)
	if err != nil {
		return err
	}
	if a.g.json {
		return a.printJSON(fullstory.ProfilePage{Profiles: profiles})
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

func (a *app) profilesUpdate(ctx context.Context, cmd *command, args []string) error {
	fs := a.flags(cmd)
	file := fs.String("f", "", "the profile `FILE` (JSON); - reads stdin")
	pos, err := a.parse(cmd, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("needs one PROFILE_ID")
	}
	req, c, err := a.profileAndClient(*file)
	if err != nil {
		return err
	}
	id := fullstory.ProfileID(pos[0])
	if err := c.Profiles.Update(ctx, id, req); err != nil {
		return err
	}
	if a.g.json {
		return a.printJSON(map[string]any{"id": id, "updated": true})
	}
	fmt.Fprintf(a.stdout, "Updated profile %s.\n", id)
	return nil
}

func (a *app) profilesDelete(ctx context.Context, cmd *command, args []string) error {
	pos, err := a.parse(cmd, a.flags(cmd), args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("needs at least one PROFILE_ID")
	}
	c, err := a.client()
	if err != nil {
		return err
	}
	type notDeleted struct {
		ID    fullstory.ProfileID `json:"id"`
		Error string              `json:"error"`
	}
	deleted, failed := []fullstory.ProfileID{}, []notDeleted{}
	var first error
	for _, arg := range pos {
		id := fullstory.ProfileID(arg)
		if err := c.Profiles.Delete(ctx, id); err != nil {
			first = cmp.Or(first, err)
			failed = append(failed, notDeleted{id, errText(err)})
			if !a.g.json {
				a.notef("fullstory profiles delete: could not delete profile %s: %s", id, errText(err))
			}
			continue
		}
		deleted = append(deleted, id)
		if !a.g.json {
			fmt.Fprintf(a.stdout, "Deleted profile %s.\n", id)
		}
	}
	if a.g.json {
		if err := a.printJSON(map[string]any{"deleted": deleted, "failed": failed}); err != nil {
			return err
		}
	}
	if first != nil {
		// Each failure is on stderr already, or in the JSON on stdout.
		return &reportedError{wrapf(first, "%d of %d profiles not deleted; the first: ", len(failed), len(pos))}
	}
	return nil
}

// profileAndClient reads the profile of -f FILE, which create and update
// need, and returns it with the client to send it through.
func (a *app) profileAndClient(file string) (*fullstory.ProfileRequest, *fullstory.Client, error) {
	if file == "" {
		return nil, nil, usagef("needs -f FILE")
	}
	req, err := a.readProfile(file)
	if err != nil {
		return nil, nil, err
	}
	c, err := a.client()
	if err != nil {
		return nil, nil, err
	}
	return req, c, nil
}
