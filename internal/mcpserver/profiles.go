package mcpserver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	fullstory "github.com/summarykit/fullstory-go"
)

// configArg describes a profile's settings, for the model that writes them.
const configArg = "The profile's settings, in the API's JSON: " +
	`"llm" {"pre_prompt", "post_prompt", "temperature" 0 to 2, "response_schema" (type STRING/NUMBER/INTEGER/BOOLEAN/ARRAY/OBJECT, properties, items, required, enum, description)}, ` +
	`"slice" {"mode" FIRST/LAST/TIMESTAMP, "event_limit", "duration_limit_ms", "start_timestamp", "end_timestamp" (RFC 3339)}, ` +
	`"context" {"include", "exclude" (of user, org, location, device), "exclude_user_context", "exclude_org_context", "exclude_location", "exclude_device"}, ` +
	`"events" {"include_types", "exclude_types" (e.g. click, navigate, rage-click, or a custom event's name), "exclude_defined_events", "exclude_api_events", "exclude_event_timestamps", "exclude_selectors", "include_selector_tags", "trim_to_last_n_selectors", "include_tab_index", "include_descriptions"}, ` +
	`"cache" {"enable_event_cache"}`

// ListProfilesInput are the arguments of list_profiles.
type ListProfilesInput struct {
	Limit     int    `json:"limit,omitempty" jsonschema:"At most this many profiles, up to 100; default 20"`
	PageToken string `json:"page_token,omitempty" jsonschema:"The next_page_token of the previous call, for the next page"`
}

// ProfileItem is a listed profile.
type ProfileItem struct {
	ID   string `json:"id" jsonschema:"The profile's id: what the profile argument of the other tools takes"`
	Name string `json:"name,omitempty" jsonschema:"The profile's name"`
}

// ListProfilesOutput is the result of list_profiles.
type ListProfilesOutput struct {
	Profiles      []ProfileItem `json:"profiles" jsonschema:"The profiles on this page"`
	NextPageToken string        `json:"next_page_token,omitempty" jsonschema:"Pass it as page_token for the next page; absent on the last page"`
}

// GetProfileInput are the arguments of get_profile.
type GetProfileInput struct {
	Profile string `json:"profile" jsonschema:"The prompt profile's id, from list_profiles"`
}

// ProfileOutput is a profile with its settings.
type ProfileOutput struct {
	ID     string         `json:"id" jsonschema:"The profile's id"`
	Name   string         `json:"name,omitempty" jsonschema:"The profile's name"`
	Config map[string]any `json:"config" jsonschema:"The profile's settings, in the API's JSON: llm, slice, context, events, cache"`
}

// CreateProfileInput are the arguments of create_profile.
type CreateProfileInput struct {
	Name   string         `json:"name" jsonschema:"The new profile's name"`
	Config map[string]any `json:"config,omitempty" jsonschema:"The profile's settings, in the API's JSON; see the tool's description"`
}

// UpdateProfileInput are the arguments of update_profile.
type UpdateProfileInput struct {
	Profile string         `json:"profile" jsonschema:"The prompt profile's id, from list_profiles"`
	Name    string         `json:"name,omitempty" jsonschema:"A new name; leave it out to keep the name"`
	Config  map[string]any `json:"config,omitempty" jsonschema:"The parts of the settings to replace (llm, slice, context, events, cache), each whole; a part set to null is removed, a part left out is kept"`
}

func (s *server) addProfileTools(srv *mcp.Server) {
	addTool(s, srv, &mcp.Tool{
		Name:        ToolListProfiles,
		Title:       "List the prompt profiles (free)",
		Description: "Lists the account's prompt profiles (saved settings that say what a summary is about and how it answers), by id and name. Free. get_profile shows one's settings.",
		Annotations: readOnly("List the prompt profiles (free)"),
	}, s.listProfiles, func(p map[string]*jsonschema.Schema) { bounds(p["limit"], 0, 100) })
	addTool(s, srv, &mcp.Tool{
		Name:        ToolGetProfile,
		Title:       "Show a prompt profile's settings (free)",
		Description: "Returns a prompt profile's name and settings (prompts, response schema, which part of the session and which events the LLM sees). Free.",
		Annotations: readOnly("Show a prompt profile (free)"),
	}, s.getProfile, nil)
	if !s.opts.AllowWrites {
		return
	}
	falseP, trueP := jsonschema.Ptr(false), jsonschema.Ptr(true)
	addTool(s, srv, &mcp.Tool{
		Name:        ToolCreateProfile,
		Title:       "Create a prompt profile",
		Description: "Creates a prompt profile on the account and returns its id, for summarize_session and get_session_context. It spends no Activation. Each call creates another profile. config: " + configArg + ".",
		Annotations: &mcp.ToolAnnotations{Title: "Create a prompt profile", DestructiveHint: falseP, OpenWorldHint: falseP},
	}, s.createProfile, nil)
	addTool(s, srv, &mcp.Tool{
		Name:  ToolUpdateProfile,
		Title: "Change a prompt profile",
		Description: "Changes a prompt profile on the account: its name, and the parts of its settings given in config, each replaced whole (the others are kept). " +
			"It spends no Activation, but summaries already made with the profile are not made again. config: " + configArg + ".",
		Annotations: &mcp.ToolAnnotations{Title: "Change a prompt profile", DestructiveHint: trueP, IdempotentHint: true, OpenWorldHint: falseP},
	}, s.updateProfile, nil)
}

func (s *server) listProfiles(ctx context.Context, _ *mcp.CallToolRequest, in ListProfilesInput) (*mcp.CallToolResult, ListProfilesOutput, error) {
	page, err := s.client.Profiles.List(ctx, &fullstory.ListProfilesOptions{Limit: in.Limit, PageToken: strings.TrimSpace(in.PageToken)})
	if err != nil {
		return nil, ListProfilesOutput{}, readError(ctx, err)
	}
	out := ListProfilesOutput{Profiles: make([]ProfileItem, 0, len(page.Profiles)), NextPageToken: page.NextPageToken}
	var b strings.Builder
	fmt.Fprintf(&b, "%d profile(s)", len(page.Profiles))
	for _, p := range page.Profiles {
		out.Profiles = append(out.Profiles, ProfileItem{ID: string(p.ID), Name: p.Name})
		fmt.Fprintf(&b, "\n%s  %s", p.ID, p.Name)
	}
	if out.NextPageToken != "" {
		fmt.Fprintf(&b, "\nMore: call %s with page_token %s.", ToolListProfiles, out.NextPageToken)
	}
	return textResult(b.String()), out, nil
}

func (s *server) getProfile(ctx context.Context, _ *mcp.CallToolRequest, in GetProfileInput) (*mcp.CallToolResult, ProfileOutput, error) {
	id, err := profileID(in.Profile)
	if err != nil {
		return nil, ProfileOutput{}, err
	}
	p, err := s.client.Profiles.Get(ctx, id)
	if err != nil {
		return nil, ProfileOutput{}, readError(ctx, err)
	}
	return profileResult("Profile", id, p.Name, p.ProfileConfig)
}

func (s *server) createProfile(ctx context.Context, _ *mcp.CallToolRequest, in CreateProfileInput) (*mcp.CallToolResult, ProfileOutput, error) {
	name := strings.TrimSpace(in.Name)
	if name == "" {
		return nil, ProfileOutput{}, argError("name", "is required")
	}
	req := &fullstory.ProfileRequest{Name: name}
	if err := decodeConfig(in.Config, &req.ProfileConfig); err != nil {
		return nil, ProfileOutput{}, err
	}
	id, err := s.client.Profiles.Create(ctx, req)
	if err != nil {
		return nil, ProfileOutput{}, readError(ctx, err)
	}
	return profileResult("Created profile", id, req.Name, req.ProfileConfig)
}

func (s *server) updateProfile(ctx context.Context, _ *mcp.CallToolRequest, in UpdateProfileInput) (*mcp.CallToolResult, ProfileOutput, error) {
	id, err := profileID(in.Profile)
	if err != nil {
		return nil, ProfileOutput{}, err
	}
	// Read, change, write the whole profile: the API does not say whether
	// an update merges or replaces.
	p, err := s.client.Profiles.Get(ctx, id)
	if err != nil {
		return nil, ProfileOutput{}, readError(ctx, err)
	}
	req := p.Request()
	if name := strings.TrimSpace(in.Name); name != "" {
		req.Name = name
	}
	parts := map[string]any{}
	for k, v := range in.Config {
		if v == nil {
			clearPart(&req.ProfileConfig, k)
			continue
		}
		parts[k] = v
	}
	var patch fullstory.ProfileConfig
	if err := decodeConfig(parts, &patch); err != nil {
		return nil, ProfileOutput{}, err
	}
	replaceParts(&req.ProfileConfig, &patch)
	if err := s.client.Profiles.Update(ctx, id, req); err != nil {
		return nil, ProfileOutput{}, readError(ctx, err)
	}
	return profileResult("Updated profile", id, req.Name, req.ProfileConfig)
}

// profileID reads a required "profile" argument.
func profileID(raw string) (fullstory.ProfileID, error) {
	id := strings.TrimSpace(raw)
	if id == "" {
		return "", argError("profile", "is required: a profile id, from %s", ToolListProfiles)
	}
	return fullstory.ProfileID(id), nil
}

// configParts are the parts of a profile's settings.
var configParts = []string{"llm", "slice", "context", "events", "cache"}

// decodeConfig decodes a config argument strictly, so that a misspelt
// setting is an error the model can fix rather than a setting dropped.
func decodeConfig(config map[string]any, into *fullstory.ProfileConfig) error {
	for k := range config {
		if !slices.Contains(configParts, k) {
			return argError("config", "has no part %q; the parts are %s", k, strings.Join(configParts, ", "))
		}
	}
	if len(config) == 0 {
		return nil
	}
	data, err := json.Marshal(config)
	if err != nil {
		return argError("config", "cannot be encoded: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		return argError("config", "%s", strings.TrimPrefix(err.Error(), "json: "))
	}
	return nil
}

func clearPart(c *fullstory.ProfileConfig, part string) {
	switch part {
	case "llm":
		c.LLM = nil
	case "slice":
		c.Slice = nil
	case "context":
		c.Context = nil
	case "events":
		c.Events = nil
	case "cache":
		c.Cache = nil
	}
}

func replaceParts(c, patch *fullstory.ProfileConfig) {
	if patch.LLM != nil {
		c.LLM = patch.LLM
	}
	if patch.Slice != nil {
		c.Slice = patch.Slice
	}
	if patch.Context != nil {
		c.Context = patch.Context
	}
	if patch.Events != nil {
		c.Events = patch.Events
	}
	if patch.Cache != nil {
		c.Cache = patch.Cache
	}
}

// profileResult is a profile as the profile tools return it: its settings
// in the API's JSON.
func profileResult(what string, id fullstory.ProfileID, name string, cfg fullstory.ProfileConfig) (*mcp.CallToolResult, ProfileOutput, error) {
	data, err := json.Marshal(cfg)
	if err != nil {
		return nil, ProfileOutput{}, err
	}
	out := ProfileOutput{ID: string(id), Name: name, Config: map[string]any{}}
	if err := json.Unmarshal(data, &out.Config); err != nil {
		return nil, ProfileOutput{}, err
	}
	return textResult(fmt.Sprintf("%s %s %q, settings: %s", what, id, name, data)), out, nil
}
