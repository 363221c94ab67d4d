package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	fullstory "github.com/summarykit/fullstory-go"
)

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
