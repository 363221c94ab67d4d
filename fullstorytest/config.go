package fullstorytest

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"

	fullstory "github.com/summarykit/fullstory-go"
)

// decodeBody decodes a JSON object body into v; an empty body is {}.
// Unknown fields are ignored, as the API ignores them.
func decodeBody(body []byte, v any) *response {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil
	}
	if body[0] != '{' {
		return badRequest(codeInvalid, "the request body must be a JSON object")
	}
	if err := json.Unmarshal(body, v); err != nil {
		return badRequest(codeInvalid, "the request body is not valid: %v", err)
	}
	return nil
}

// validateConfig refuses what the API refuses in a profile configuration.
func validateConfig(c *fullstory.ProfileConfig) *response {
	if l := c.LLM; l != nil {
		if t := l.Temperature; t != nil && (math.IsNaN(*t) || *t < 0 || *t > 2) {
			return badRequest(codeInvalid, "llm.temperature must be between 0 and 2")
		}
		if resp := validateSchema(l.ResponseSchema, "llm.response_schema", 0); resp != nil {
			return resp
		}
	}
	if sl := c.Slice; sl != nil {
		switch sl.Mode {
		case "", "UNSPECIFIED", fullstory.SliceFirst, fullstory.SliceLast, fullstory.SliceTimestamp:
		default:
			return badRequest(codeInvalid, "slice.mode must be FIRST, LAST or TIMESTAMP")
		}
		switch {
		case sl.Mode == fullstory.SliceTimestamp && sl.StartTimestamp.IsZero():
			return badRequest(codeRequired, "slice.start_timestamp is required with mode TIMESTAMP")
		case sl.EventLimit < 0:
			return badRequest(codeInvalid, "slice.event_limit must not be negative")
		case sl.DurationLimit < 0:
			return badRequest(codeInvalid, "slice.duration_limit_ms must not be negative")
		case !sl.StartTimestamp.IsZero() && !sl.EndTimestamp.IsZero() && !sl.EndTimestamp.After(sl.StartTimestamp):
			return badRequest(codeInvalid, "slice.end_timestamp must be after slice.start_timestamp")
		}
	}
	if cx := c.Context; cx != nil {
		for _, e := range append(append([]fullstory.ContextElement(nil), cx.Include...), cx.Exclude...) {
			switch e {
			case fullstory.ContextUser, fullstory.ContextOrg, fullstory.ContextLocation, fullstory.ContextDevice:
			default:
				return badRequest(codeInvalid, `context elements must be "user", "org", "location" or "device", not %q`, e)
			}
		}
	}
	if ev := c.Events; ev != nil {
		for _, t := range append(append([]fullstory.EventType(nil), ev.IncludeTypes...), ev.ExcludeTypes...) {
			if strings.TrimSpace(string(t)) == "" {
				return badRequest(codeInvalid, "event types must not be empty")
			}
		}
		if n := ev.TrimToLastNSelectors; n != nil && *n < 0 {
			return badRequest(codeInvalid, "events.trim_to_last_n_selectors must not be negative")
		}
	}
	return nil
}

// maxSchemaDepth bounds the nesting of a response schema.
const maxSchemaDepth = 32

func validateSchema(sc *fullstory.Schema, field string, depth int) *response {
	if sc == nil {
		return nil
	}
	if depth > maxSchemaDepth {
		return badRequest(codeInvalid, "%s is nested deeper than %d levels", field, maxSchemaDepth)
	}
	switch sc.Type {
	case fullstory.TypeString, fullstory.TypeNumber, fullstory.TypeInteger, fullstory.TypeBoolean, fullstory.TypeObject:
	case fullstory.TypeArray:
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
func mergeConfig(base, over fullstory.ProfileConfig) (fullstory.ProfileConfig, error) {
	var a, b map[string]any
	if err := roundTrip(base, &a); err != nil {
		return base, err
	}
	if err := roundTrip(over, &b); err != nil {
		return base, err
	}
	var out fullstory.ProfileConfig
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
