// Package rules states, once, the checks that the API makes on a profile
// configuration: the library makes them before it sends one
// (fullstory.ErrInvalidArgument) and the fake makes them when it receives
// one (400). A test in package fullstorytest holds both sides to this table,
// and the README shows it (Markdown).
package rules

import (
	"fmt"
	"strings"
)

// MaxSchemaDepth is how deeply a response schema may nest.
const MaxSchemaDepth = 32

// MaxTemperature is the highest llm.temperature.
const MaxTemperature = 2

// Rule is one check on a profile configuration.
type Rule struct {
	// Field is the JSON path of the field the rule is about, as both sides'
	// errors name it.
	Field string
	// Rule says what is allowed, in words.
	Rule string
	// Bad is a create-profile body that breaks the rule and no other.
	Bad string
}

// All is every rule, in the order the README lists them. The API documents
// no limits; these are what its types imply (int32 and int64 fields, enums,
// the schema dialect of reference §3.6) and what a request needs to mean
// something.
var All = []Rule{
	{"slice.mode", "one of FIRST, LAST, TIMESTAMP (or UNSPECIFIED)", `{"slice":{"mode":"MIDDLE"}}`},
	{"slice.start_timestamp", "required with mode TIMESTAMP", `{"slice":{"mode":"TIMESTAMP"}}`},
	{"slice.event_limit", "from 0 to 2147483647 (an int32)", `{"slice":{"event_limit":-1}}`},
	{"slice.event_limit", "from 0 to 2147483647 (an int32)", `{"slice":{"event_limit":2147483648}}`},
	{"slice.duration_limit_ms", "not negative", `{"slice":{"duration_limit_ms":"-1"}}`},
	{"slice.end_timestamp", "after start_timestamp, when both are set", `{"slice":{"start_timestamp":"2025-06-01T12:00:00Z","end_timestamp":"2025-06-01T11:00:00Z"}}`},
	{"context", `elements of include and exclude are "user", "org", "location" or "device"`, `{"context":{"include":["weather"]}}`},
	{"events", "include_types and exclude_types hold no empty type", `{"events":{"exclude_types":[" "]}}`},
	{"events.trim_to_last_n_selectors", "from 0 to 2147483647 (an int32)", `{"events":{"trim_to_last_n_selectors":-1}}`},
	{"events.trim_to_last_n_selectors", "from 0 to 2147483647 (an int32)", `{"events":{"trim_to_last_n_selectors":2147483648}}`},
	{"llm.temperature", "from 0 to 2", `{"llm":{"temperature":2.5}}`},
	{"llm.response_schema", "type is STRING, NUMBER, INTEGER, BOOLEAN, ARRAY or OBJECT, in upper case", `{"llm":{"response_schema":{"type":"string"}}}`},
	{"llm.response_schema", "an ARRAY has items", `{"llm":{"response_schema":{"type":"ARRAY"}}}`},
	{"llm.response_schema", "no property is null", `{"llm":{"response_schema":{"type":"OBJECT","properties":{"goal":null}}}}`},
	{"llm.response_schema", "required names only properties", `{"llm":{"response_schema":{"type":"OBJECT","required":["goal"]}}}`},
	{"llm.response_schema", fmt.Sprintf("nested at most %d levels deep", MaxSchemaDepth), `{"llm":{"response_schema":` + nested(MaxSchemaDepth+1) + `}}`},
}

// nested returns an ARRAY schema whose items nest depth levels deep.
func nested(depth int) string {
	return strings.Repeat(`{"type":"ARRAY","items":`, depth) + `{"type":"STRING"}` + strings.Repeat("}", depth)
}

// Markdown returns All as a Markdown table, as the README shows it. A Bad
// input longer than a line is shown by its start.
func Markdown() string {
	var b strings.Builder
	b.WriteString("| Field | Rule | Refused, for example |\n| --- | --- | --- |\n")
	for _, r := range All {
		bad := r.Bad
		if len(bad) > 100 {
			bad = bad[:60] + "…"
		}
		fmt.Fprintf(&b, "| `%s` | %s | `%s` |\n", r.Field, strings.ReplaceAll(r.Rule, "|", `\|`), bad)
	}
	return b.String()
}
