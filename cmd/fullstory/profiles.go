package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
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
  profiles try      Compare a profile file with another on a user's latest sessions

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
	help: `Example:
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
	if *file == "" {
		return usagef("needs -f FILE")
	}
	req, err := a.readProfile(*file)
	if err != nil {
		return err
	}
	c, err := a.client()
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
	limit := fs.Int("limit", 0, "list at most `N` profiles; 0 lists them all")
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
	if *file == "" {
		return usagef("needs -f FILE")
	}
	req, err := a.readProfile(*file)
	if err != nil {
		return err
	}
	c, err := a.client()
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
	deleted := []fullstory.ProfileID{}
	for _, id := range pos {
		if err := c.Profiles.Delete(ctx, fullstory.ProfileID(id)); err != nil {
			return err
		}
		deleted = append(deleted, fullstory.ProfileID(id))
		if !a.g.json {
			fmt.Fprintf(a.stdout, "Deleted profile %s.\n", id)
		}
	}
	if a.g.json {
		return a.printJSON(map[string]any{"deleted": deleted})
	}
	return nil
}

// readProfile reads a create/update body from a file, or stdin for "-",
// refusing unknown fields and trailing data.
func (a *app) readProfile(name string) (*fullstory.ProfileRequest, error) {
	var r io.Reader = a.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, inputf("reading the profile: %v", err)
		}
		defer f.Close()
		r = f
	}
	req, err := decodeProfile(r)
	if err != nil {
		return nil, inputf("%s: %v", name, err)
	}
	return req, nil
}

// decodeProfile decodes one ProfileRequest, with hints for the mistakes that
// users of the quick-start guide and of "profiles get --json" make.
func decodeProfile(r io.Reader) (*fullstory.ProfileRequest, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var req fullstory.ProfileRequest
	err = dec.Decode(&req)
	if err == nil {
		err = checkSliceFields(data)
	}
	if err != nil {
		msg := err.Error()
		switch {
		case strings.Contains(msg, `"output_schema"`):
			msg += ` (the API calls it "response_schema", in "llm")`
		case strings.Contains(msg, `"id"`), strings.Contains(msg, `"configuration"`):
			msg += ` (this looks like "profiles get --json" output; "profiles get ID --body" prints a file -f accepts)`
		case strings.Contains(msg, `"prePrompt"`), strings.Contains(msg, `"postPrompt"`):
			msg += ` (the API names are "pre_prompt" and "post_prompt")`
		}
		return nil, fmt.Errorf("not a profile: %s", msg)
	}
	if dec.More() {
		return nil, fmt.Errorf("not a profile: more than one JSON value")
	}
	return &req, nil
}

// checkSliceFields refuses unknown fields in "slice", which
// DisallowUnknownFields misses: SliceConfig decodes itself, and leniently,
// since it also reads what the API returns.
func checkSliceFields(data []byte) error {
	var top struct {
		Slice json.RawMessage `json:"slice"`
	}
	if json.Unmarshal(data, &top) != nil || len(top.Slice) == 0 {
		return nil
	}
	var wire struct {
		Mode           json.RawMessage `json:"mode"`
		EventLimit     json.RawMessage `json:"event_limit"`
		DurationLimit  json.RawMessage `json:"duration_limit_ms"`
		StartTimestamp json.RawMessage `json:"start_timestamp"`
		EndTimestamp   json.RawMessage `json:"end_timestamp"`
	}
	dec := json.NewDecoder(bytes.NewReader(top.Slice))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&wire); err != nil {
		return fmt.Errorf("in slice: %w", err)
	}
	return nil
}

// describeConfig describes a profile's settings in fixed order; unset
// settings have empty values.
func describeConfig(cfg *fullstory.ProfileConfig) []field {
	var llm fullstory.LLMConfig
	if cfg.LLM != nil {
		llm = *cfg.LLM
	}
	var temp string
	if llm.Temperature != nil {
		temp = strconv.FormatFloat(*llm.Temperature, 'g', -1, 64)
	}
	return []field{
		{"Slice", describeSlice(cfg.Slice)},
		{"Context", describeContext(cfg.Context)},
		{"Events", describeEvents(cfg.Events)},
		{"Cache", describeCache(cfg.Cache)},
		{"Temperature", temp},
		{"Response schema", describeSchema(llm.ResponseSchema)},
		{"Pre-prompt", llm.PrePrompt},
		{"Post-prompt", llm.PostPrompt},
	}
}

func describeSlice(s *fullstory.SliceConfig) string {
	if s == nil {
		return ""
	}
	parts := []string{string(s.Mode)}
	if s.Mode == "" {
		parts[0] = "FIRST"
	}
	if s.EventLimit > 0 {
		parts = append(parts, fmt.Sprintf("%d events", s.EventLimit))
	}
	if s.DurationLimit > 0 {
		parts = append(parts, s.DurationLimit.String())
	}
	if !s.StartTimestamp.IsZero() {
		parts = append(parts, "from "+s.StartTimestamp.UTC().Format("2006-01-02T15:04:05Z"))
	}
	if !s.EndTimestamp.IsZero() {
		parts = append(parts, "until "+s.EndTimestamp.UTC().Format("2006-01-02T15:04:05Z"))
	}
	return strings.Join(parts, ", ")
}

func describeContext(c *fullstory.ContextConfig) string {
	if c == nil {
		return ""
	}
	var parts []string
	if len(c.Include) > 0 {
		parts = append(parts, "include "+joinStrings(c.Include))
	}
	if len(c.Exclude) > 0 {
		parts = append(parts, "exclude "+joinStrings(c.Exclude))
	}
	parts = appendFlag(parts, "exclude_user_context", c.ExcludeUserContext)
	parts = appendFlag(parts, "exclude_org_context", c.ExcludeOrgContext)
	parts = appendFlag(parts, "exclude_location", c.ExcludeLocation)
	parts = appendFlag(parts, "exclude_device", c.ExcludeDevice)
	return strings.Join(parts, "; ")
}

func describeEvents(e *fullstory.EventsConfig) string {
	if e == nil {
		return ""
	}
	var parts []string
	if len(e.IncludeTypes) > 0 {
		parts = append(parts, "include "+joinStrings(e.IncludeTypes))
	}
	if len(e.ExcludeTypes) > 0 {
		parts = append(parts, "exclude "+joinStrings(e.ExcludeTypes))
	}
	parts = appendFlag(parts, "exclude_defined_events", e.ExcludeDefinedEvents)
	parts = appendFlag(parts, "exclude_api_events", e.ExcludeAPIEvents)
	parts = appendFlag(parts, "exclude_event_timestamps", e.ExcludeEventTimestamps)
	parts = appendFlag(parts, "exclude_selectors", e.ExcludeSelectors)
	parts = appendFlag(parts, "include_selector_tags", e.IncludeSelectorTags)
	parts = appendFlag(parts, "include_tab_index", e.IncludeTabIndex)
	parts = appendFlag(parts, "include_descriptions", e.IncludeDescriptions)
	if n := e.TrimToLastNSelectors; n != nil {
		parts = append(parts, fmt.Sprintf("trim_to_last_n_selectors=%d", *n))
	}
	return strings.Join(parts, "; ")
}

func describeCache(c *fullstory.CacheConfig) string {
	if c == nil || c.EnableEventCache == nil {
		return ""
	}
	return "enable_event_cache=" + strconv.FormatBool(*c.EnableEventCache)
}

func describeSchema(s *fullstory.Schema) string {
	if s == nil {
		return ""
	}
	out := string(s.Type)
	if s.Title != "" {
		out += " " + strconv.Quote(s.Title)
	}
	if len(s.Properties) > 0 {
		names := make([]string, 0, len(s.Properties))
		for name := range s.Properties {
			names = append(names, name)
		}
		slices.Sort(names)
		out += " with " + strings.Join(names, ", ")
	}
	return out
}

func appendFlag(parts []string, name string, v *bool) []string {
	if v == nil {
		return parts
	}
	return append(parts, name+"="+strconv.FormatBool(*v))
}

func joinStrings[S ~string](xs []S) string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return strings.Join(out, ", ")
}
