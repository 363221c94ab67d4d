package fullstorytest

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"

	"github.com/summarykit/fullstory-go/fullstorytest/internal/wire"
	"github.com/summarykit/fullstory-go/internal/fields"
	"github.com/summarykit/fullstory-go/internal/rules"
)

// decodeBody decodes a JSON object body of the shape obj describes into v;
// an empty body is {}. Names are taken in snake_case or lowerCamelCase, as a
// protobuf JSON parser takes them; a name that is in neither spelling in
// the table of internal/fields is refused with a 400 that names it by its
// path and the field that was probably meant, and so is a value of the
// wrong kind. Whether the API refuses them too or ignores them is
// unverified: refusing them keeps a test from passing with a setting the
// API would not see.
func decodeBody(body []byte, obj *fields.Object, v any) *response {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	canon, err := fields.Canonical(body, obj)
	if err != nil {
		return badRequest(codeInvalid, "%v", err)
	}
	if err := json.Unmarshal(canon, v); err != nil {
		return badRequest(codeInvalid, "the request body is not valid: %v", err)
	}
	return nil
}

// validateConfig refuses what the API refuses in a profile configuration:
// the rules of package internal/rules, which the README lists.
func validateConfig(c *wire.Config) *response {
	if l := c.LLM; l != nil {
		if t := l.Temperature; t != nil && (math.IsNaN(*t) || *t < 0 || *t > rules.MaxTemperature) {
			return badRequest(codeInvalid, "llm.temperature must be between 0 and 2")
		}
		if resp := validateSchema(l.ResponseSchema, "llm.response_schema", 0); resp != nil {
			return resp
		}
	}
	if sl := c.Slice; sl != nil {
		switch sl.Mode {
		case "", "UNSPECIFIED", "FIRST", "LAST", "TIMESTAMP":
		default:
			return badRequest(codeInvalid, "slice.mode must be FIRST, LAST or TIMESTAMP")
		}
		switch {
		case sl.Mode == "TIMESTAMP" && sl.StartTimestamp == nil:
			return badRequest(codeRequired, "slice.start_timestamp is required with mode TIMESTAMP")
		case sl.EventLimit < 0 || sl.EventLimit > math.MaxInt32:
			return badRequest(codeInvalid, "slice.event_limit must be between 0 and 2147483647 (an int32)")
		case sl.DurationLimitMS < 0:
			return badRequest(codeInvalid, "slice.duration_limit_ms must not be negative")
		case sl.StartTimestamp != nil && sl.EndTimestamp != nil && !sl.EndTimestamp.After(*sl.StartTimestamp):
			return badRequest(codeInvalid, "slice.end_timestamp must be after slice.start_timestamp")
		}
	}
	if cx := c.Context; cx != nil {
		for _, e := range append(append([]string(nil), cx.Include...), cx.Exclude...) {
			switch e {
			case "user", "org", "location", "device":
			default:
				return badRequest(codeInvalid, `context elements must be "user", "org", "location" or "device", not %q`, e)
			}
		}
	}
	if ev := c.Events; ev != nil {
		for _, t := range append(append([]string(nil), ev.IncludeTypes...), ev.ExcludeTypes...) {
			if strings.TrimSpace(t) == "" {
				return badRequest(codeInvalid, "events.include_types and events.exclude_types must not hold an empty event type")
			}
		}
		if n := ev.TrimToLastNSelectors; n != nil && (*n < 0 || *n > math.MaxInt32) {
			return badRequest(codeInvalid, "events.trim_to_last_n_selectors must be between 0 and 2147483647 (an int32)")
		}
	}
	return nil
}

func validateSchema(sc *wire.Schema, field string, depth int) *response {
	if sc == nil {
		return nil
	}
	if depth > rules.MaxSchemaDepth {
		return badRequest(codeInvalid, "%s is nested deeper than %d levels", field, rules.MaxSchemaDepth)
	}
	switch sc.Type {
	case "STRING", "NUMBER", "INTEGER", "BOOLEAN", "OBJECT":
	case "ARRAY":
		if sc.Items == nil {
			return badRequest(codeRequired, "%s.items is required for type ARRAY", field)
		}
	default:
		return badRequest(codeInvalid, "%s.type must be one of STRING, NUMBER, INTEGER, BOOLEAN, ARRAY, OBJECT (upper case), not %q", field, sc.Type)
	}
	if resp := validateSchema(sc.Items, field+".items", depth+1); resp != nil {
		return resp
	}
	for name, p := range sc.Properties {
		if p == nil {
			return badRequest(codeInvalid, "%s.properties.%s is empty", field, name)
		}
		if resp := validateSchema(p, field+".properties."+name, depth+1); resp != nil {
			return resp
		}
	}
	for _, r := range sc.Required {
		if _, ok := sc.Properties[r]; !ok {
			return badRequest(codeInvalid, "%s.required names %q, which is not a property", field, r)
		}
	}
	return nil
}

// mergeConfig returns base with over merged onto it as the API merges
// summary overrides onto a profile (proto.Merge): set scalars replace, objects
// merge field by field, and arrays are appended.
func mergeConfig(base, over wire.Config) (wire.Config, error) {
	var a, b map[string]any
	if err := roundTrip(base, &a); err != nil {
		return base, err
	}
	if err := roundTrip(over, &b); err != nil {
		return base, err
	}
	var out wire.Config
	err := roundTrip(mergeJSON(a, b), &out)
	return out, err
}

func roundTrip(in, out any) error {
	data, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, out)
}

func mergeJSON(a, b any) any {
	switch bv := b.(type) {
	case map[string]any:
		am, ok := a.(map[string]any)
		if !ok {
			return bv
		}
		for k, v := range bv {
			am[k] = mergeJSON(am[k], v)
		}
		return am
	case []any:
		if av, ok := a.([]any); ok {
			return append(av, bv...)
		}
	}
	return b
}
