// Package fields is the one table of the JSON names that the API takes in
// the bodies of create and update profile, summary overrides and generate
// context (reference §3), with the kind of value each holds. The fake
// refuses a body with a name that is not in it (400), the CLI's -f reader
// refuses a file with one, and a test of package fullstory holds the
// library to it: every name the library sends is here, and every name here
// (but those marked Unsent) is one the library sends.
//
// Each name is taken in both spellings a protobuf JSON parser takes: the
// proto name in snake_case ("pre_prompt") and its lowerCamelCase JSON name
// ("prePrompt"). Whether the real API refuses unknown names, or ignores
// them as a grpc-gateway does by default, is unverified: the table makes
// the fake as strict as the reference, so that a test against it cannot pass
// with a setting the API would not see.
package fields

import (
	"strings"
)

// Kind is the kind of JSON value a field holds. Every field may also be
// null, which protobuf JSON reads as "not set".
type Kind int

// The kinds of values.
const (
	KindObject    Kind = iota // an object with the Fields of Field.Object
	KindObjectMap             // an object whose keys are the caller's and whose values are Field.Object's
	KindObjects               // an array of objects with the Fields of Field.Object
	KindAnyObject             // an object whose keys and values are the caller's, not checked
	KindString
	KindStrings   // an array of strings
	KindNumber    // a JSON number
	KindInteger   // a whole number, as a JSON number or a string of digits (proto3 JSON writes int64 as strings)
	KindBool      // true or false
	KindTimestamp // an RFC 3339 date-time string
)

// Field is one name of an Object.
type Field struct {
	// Name is the field's proto name, in snake_case, as the reference
	// spells it and the library sends it.
	Name string
	Kind Kind
	// Object describes the value of a KindObject, KindObjectMap or
	// KindObjects field.
	Object *Object
	// Unsent, when set, says why the library never sends this field,
	// which the fake still takes (e.g. a deprecated one).
	Unsent string
}

// Camel returns the field's lowerCamelCase JSON name: "pre_prompt" →
// "prePrompt", "trim_to_last_n_selectors" → "trimToLastNSelectors".
func (f Field) Camel() string { return camel(f.Name) }

// Object is a JSON object the API takes: its fields, and hints for names
// that people send by mistake.
type Object struct {
	// Name says what the object is, for messages: "a create or update body".
	Name   string
	Fields []Field
	// Hints maps a name that is not a field (in either spelling) to what
	// to send instead.
	Hints map[string]string
}

// Field returns the field whose snake_case or lowerCamelCase name is name.
func (o *Object) Field(name string) (Field, bool) {
	for _, f := range o.Fields {
		if f.Name == name || f.Camel() == name {
			return f, true
		}
	}
	return Field{}, false
}

// The bodies that take a profile configuration.
var (
	// Profile is the body of create and update profile (§4.1, §4.4):
	// name and the configuration.
	Profile *Object
	// Overrides is the body of a summary with overrides (§4.7):
	// config_profile and the configuration, no name.
	Overrides *Object
	// Context is the body of generate context (§4.8): the configuration
	// without llm.
	Context *Object
)

// The objects of the configuration (§3.2–§3.6).
var (
	Slice, ContextOpts, Events, Cache, LLM, Schema *Object
)

func init() {
	Schema = &Object{Name: "a response schema"}
	Schema.Fields = []Field{
		{Name: "type", Kind: KindString},
		{Name: "title", Kind: KindString},
		{Name: "description", Kind: KindString},
		{Name: "format", Kind: KindString},
		{Name: "items", Kind: KindObject, Object: Schema},
		{Name: "properties", Kind: KindObjectMap, Object: Schema},
		{Name: "required", Kind: KindStrings},
		{Name: "nullable", Kind: KindBool},
		{Name: "enum", Kind: KindStrings},
	}
	Schema.Hints = map[string]string{
		"$schema": `the API takes no "$schema" or "$id" (reference §3.6)`,
		"$id":     `the API takes no "$schema" or "$id" (reference §3.6)`,
		"$ref":    `the API's schema has no references: write the schema out in full`,
		"$defs":   `the API's schema has no definitions: write the schema out in full`,
	}
	Slice = &Object{Name: "slice", Fields: []Field{
		{Name: "mode", Kind: KindString},
		{Name: "event_limit", Kind: KindInteger},
		{Name: "duration_limit_ms", Kind: KindInteger},
		{Name: "start_timestamp", Kind: KindTimestamp},
		{Name: "end_timestamp", Kind: KindTimestamp},
	}}
	ContextOpts = &Object{Name: "context", Fields: []Field{
		{Name: "include", Kind: KindStrings},
		{Name: "exclude", Kind: KindStrings},
		{Name: "exclude_org_context", Kind: KindBool},
		{Name: "exclude_user_context", Kind: KindBool},
		{Name: "exclude_location", Kind: KindBool},
		{Name: "exclude_device", Kind: KindBool},
		{Name: "exclude_descriptions", Kind: KindBool, Unsent: "deprecated in favour of events.include_descriptions (reference §3.3)"},
	}}
	Events = &Object{Name: "events", Fields: []Field{
		{Name: "include_types", Kind: KindStrings},
		{Name: "exclude_types", Kind: KindStrings},
		{Name: "exclude_defined_events", Kind: KindBool},
		{Name: "exclude_api_events", Kind: KindBool},
		{Name: "exclude_event_timestamps", Kind: KindBool},
		{Name: "exclude_selectors", Kind: KindBool},
		{Name: "include_selector_tags", Kind: KindBool},
		{Name: "trim_to_last_n_selectors", Kind: KindInteger},
		{Name: "include_tab_index", Kind: KindBool},
		{Name: "include_descriptions", Kind: KindBool},
	}}
	Cache = &Object{Name: "cache", Fields: []Field{
		{Name: "enable_event_cache", Kind: KindBool},
	}}
	LLM = &Object{Name: "llm", Fields: []Field{
		{Name: "pre_prompt", Kind: KindString},
		{Name: "post_prompt", Kind: KindString},
		{Name: "temperature", Kind: KindNumber},
		{Name: "response_schema", Kind: KindObject, Object: Schema},
	}, Hints: map[string]string{
		"output_schema": `the API calls it "response_schema" (llm.response_schema)`,
		"model":         `the v2 API has no model field (reference §7)`,
	}}

	config := func(llm bool) []Field {
		fs := []Field{
			{Name: "slice", Kind: KindObject, Object: Slice},
			{Name: "context", Kind: KindObject, Object: ContextOpts},
			{Name: "events", Kind: KindObject, Object: Events},
			{Name: "cache", Kind: KindObject, Object: Cache},
		}
		if llm {
			fs = append(fs, Field{Name: "llm", Kind: KindObject, Object: LLM})
		}
		return fs
	}
	getShape := `this is the shape get returns, with slice, context, events and cache under "configuration"; ` +
		`a request body has them at the top level, next to llm`
	topHints := map[string]string{
		"configuration": getShape,
		"output_schema": `the API calls it "response_schema", in "llm" (llm.response_schema)`,
	}
	Profile = &Object{Name: "a create or update body", Fields: append([]Field{{Name: "name", Kind: KindString}}, config(true)...),
		Hints: withHint(topHints, "id", `the profile's id goes in the path (POST /v2/visit_profile/ID), not in the body; `+getShape)}
	Overrides = &Object{Name: "a summary overrides body", Fields: append([]Field{{Name: "config_profile", Kind: KindString}}, config(true)...),
		Hints: withHint(topHints, "name", `summary overrides have no name: update the profile to rename it`)}
	Context = &Object{Name: "a context body", Fields: config(false),
		Hints: withHint(topHints, "llm", `a context request takes no llm: no LLM is involved`)}
	for _, o := range []*Object{Schema, LLM, Profile, Overrides, Context} {
		for k, v := range o.Hints {
			o.Hints[camel(k)] = v
		}
	}
}

func withHint(hints map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for k, v := range hints {
		out[k] = v
	}
	return out
}

// camel turns a snake_case name into lowerCamelCase as protoc does for a
// JSON name: each letter after an underscore is upper-cased.
func camel(snake string) string {
	if !strings.Contains(snake, "_") {
		return snake
	}
	var b strings.Builder
	up := false
	for _, r := range snake {
		switch {
		case r == '_':
			up = true
		case up && 'a' <= r && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
			up = false
		default:
			b.WriteRune(r)
			up = false
		}
	}
	return b.String()
}

// Path is a field's place in a body, dotted: "llm.response_schema.items";
// a key of an object map is "*", an element of an array "[*]".
type Path struct {
	Path   string
	Field  Field
	Unsent string // the field's Unsent, or that of an object it is in
}

// Paths lists every field of o, depth first. An object that holds itself
// is expanded once: the paths of a response schema are listed, and its
// items and properties, but not the fields of those.
func (o *Object) Paths() []Path {
	var out []Path
	var walk func(o *Object, prefix, unsent string, open []*Object)
	walk = func(o *Object, prefix, unsent string, open []*Object) {
		for _, obj := range open {
			if obj == o {
				return
			}
		}
		open = append(open, o)
		for _, f := range o.Fields {
			p := prefix + f.Name
			u := unsent
			if u == "" {
				u = f.Unsent
			}
			out = append(out, Path{Path: p, Field: f, Unsent: u})
			switch f.Kind {
			case KindObject:
				walk(f.Object, p+".", u, open)
			case KindObjectMap:
				walk(f.Object, p+".*.", u, open)
			case KindObjects:
				walk(f.Object, p+"[*].", u, open)
			}
		}
	}
	walk(o, "", "", nil)
	return out
}
