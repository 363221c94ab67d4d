package fullstory

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/summarykit/fullstory-go/internal/rules"
	"github.com/summarykit/fullstory-go/internal/shared"
)

// SchemaType is a type in Fullstory's response schema dialect, always
// upper case.
type SchemaType string

// The schema types.
const (
	TypeString  SchemaType = "STRING"
	TypeNumber  SchemaType = "NUMBER"
	TypeInteger SchemaType = "INTEGER"
	TypeBoolean SchemaType = "BOOLEAN"
	TypeArray   SchemaType = "ARRAY"
	TypeObject  SchemaType = "OBJECT"
)

// Schema is a response schema in Fullstory's dialect: an OpenAPI subset with
// upper-case types and no $schema, $id or $ref. Put it in
// LLMConfig.ResponseSchema (the guide's "output_schema") to get structured
// output in Summary.Response. Build one by hand, from a Go type with
// SchemaFor, or from a standard JSON Schema with ParseSchema.
type Schema struct {
	Type        SchemaType         `json:"type"`
	Title       string             `json:"title,omitempty"`
	Description string             `json:"description,omitempty"`
	Format      string             `json:"format,omitempty"`
	Items       *Schema            `json:"items,omitempty"`
	Properties  map[string]*Schema `json:"properties,omitempty"`
	Required    []string           `json:"required,omitempty"`
	Nullable    bool               `json:"nullable,omitempty"`
	Enum        []string           `json:"enum,omitempty"`
}

// maxSchemaDepth bounds nesting, so a hostile or cyclic schema cannot
// exhaust the stack. The API's rule, in package rules, says how deep.
const maxSchemaDepth = rules.MaxSchemaDepth

// maxSchemaNodes bounds the size of a converted schema: $refs are resolved
// inline, so a schema of a few KiB whose definitions each refer to the next
// several times would otherwise expand exponentially and exhaust memory.
const maxSchemaNodes = 10000

// SchemaFor returns the schema of T's JSON encoding: properties from json
// tags, required unless omitempty or omitzero, descriptions from
// `jsonschema:"..."` tags, pointers nullable. It uses
// github.com/google/jsonschema-go and converts its result to Fullstory's
// dialect.
func SchemaFor[T any]() (*Schema, error) {
	js, err := jsonschema.For[T](&jsonschema.ForOptions{})
	if err != nil {
		return nil, fmt.Errorf("fullstory: schema for %T: %w", *new(T), err)
	}
	conv := schemaConverter{root: js, budget: maxSchemaNodes, goSlices: true}
	s, err := conv.convert(js, 0)
	if err != nil {
		return nil, fmt.Errorf("fullstory: schema for %T: %w", *new(T), err)
	}
	return s, nil
}

// ParseSchema converts a standard JSON Schema (lower-case types, type
// arrays with "null", $defs and $ref, $schema and $id) to Fullstory's
// dialect: references are resolved inline and $schema and $id dropped. A
// schema already in the dialect is accepted as it is.
func ParseSchema(jsonSchema []byte) (*Schema, error) {
	var js jsonschema.Schema
	if err := json.Unmarshal(jsonSchema, &js); err != nil {
		return nil, &ValidationError{Field: "JSON schema", Reason: "does not parse: " + shared.OneLine(err.Error(), 200)}
	}
	conv := schemaConverter{root: &js, budget: maxSchemaNodes}
	s, err := conv.convert(&js, 0)
	if err != nil {
		return nil, &ValidationError{Field: "JSON schema", Reason: err.Error()}
	}
	return s, nil
}

// schemaConverter converts a JSON Schema to Fullstory's dialect.
type schemaConverter struct {
	root   *jsonschema.Schema // where references resolve
	budget int                // how many more schemas may be made
	// goSlices says the schema comes from jsonschema-go, which writes every
	// Go slice as ["null","array"]: those are not nullable, while an
	// explicit null in a schema someone wrote is.
	goSlices bool
}

func (c *schemaConverter) convert(js *jsonschema.Schema, depth int) (*Schema, error) {
	if depth > maxSchemaDepth {
		return nil, fmt.Errorf("nested deeper than %d levels (a recursive $ref?)", maxSchemaDepth)
	}
	if c.budget--; c.budget < 0 {
		return nil, fmt.Errorf("expands to more than %d schemas (a $ref used many times?)", maxSchemaNodes)
	}
	if js == nil {
		return nil, fmt.Errorf("empty schema")
	}
	if js.Ref != "" {
		return c.convertRef(js, depth)
	}
	if len(js.AnyOf) > 0 {
		return c.convertNullableAlternative(js, js.AnyOf, depth)
	}
	if len(js.OneOf) > 0 {
		return c.convertNullableAlternative(js, js.OneOf, depth)
	}
	out := &Schema{Title: js.Title, Description: js.Description, Format: js.Format}
	var err error
	if out.Type, out.Nullable, err = c.typeOf(js); err != nil {
		return nil, err
	}
	for _, e := range js.Enum {
		s, ok := e.(string)
		if !ok {
			return nil, fmt.Errorf("enum values must be strings")
		}
		out.Enum = append(out.Enum, s)
	}
	if len(out.Enum) > 0 && out.Format == "" {
		out.Format = "enum" // how Fullstory's examples mark an enum
	}
	if js.Items != nil {
		if out.Items, err = c.convert(js.Items, depth+1); err != nil {
			return nil, fmt.Errorf("items: %w", err)
		}
	}
	if out.Type == TypeArray && out.Items == nil {
		return nil, fmt.Errorf("an array needs items")
	}
	for name, p := range js.Properties {
		ps, err := c.convert(p, depth+1)
		if err != nil {
			return nil, fmt.Errorf("property %q: %w", shared.OneLine(name, 60), err)
		}
		if out.Properties == nil {
			out.Properties = make(map[string]*Schema, len(js.Properties))
		}
		out.Properties[name] = ps
	}
	out.Required = slices.Clone(js.Required)
	return out, nil
}

// convertRef converts the definition a $ref points to; a description next
// to the $ref wins over the definition's.
func (c *schemaConverter) convertRef(js *jsonschema.Schema, depth int) (*Schema, error) {
	target, err := resolveRef(js.Ref, c.root)
	if err != nil {
		return nil, err
	}
	s, err := c.convert(target, depth+1)
	if err != nil {
		return nil, err
	}
	if js.Description != "" {
		s.Description = js.Description
	}
	return s, nil
}

// convertNullableAlternative converts an anyOf or oneOf of one schema and
// null, which is how many tools spell "nullable"; other alternatives have no
// equivalent in Fullstory's dialect.
func (c *schemaConverter) convertNullableAlternative(js *jsonschema.Schema, alts []*jsonschema.Schema, depth int) (*Schema, error) {
	var other *jsonschema.Schema
	nullable := false
	for _, alt := range alts {
		switch {
		case alt != nil && (alt.Type == "null" || slices.Equal(alt.Types, []string{"null"})):
			nullable = true
		case other == nil:
			other = alt
		default:
			return nil, fmt.Errorf("anyOf/oneOf of several types is not supported")
		}
	}
	if other == nil {
		return nil, fmt.Errorf("anyOf/oneOf has only null")
	}
	s, err := c.convert(other, depth+1)
	if err != nil {
		return nil, err
	}
	s.Nullable = s.Nullable || nullable
	if js.Description != "" {
		s.Description = js.Description
	}
	return s, nil
}

// typeOf returns the dialect's type of js and whether it is nullable: a
// "null" among its types, or an OpenAPI-style "nullable": true.
func (c *schemaConverter) typeOf(js *jsonschema.Schema) (SchemaType, bool, error) {
	types := slices.Clone(js.Types)
	if js.Type != "" {
		types = append(types, js.Type)
	}
	var main []string
	for _, t := range types {
		if !strings.EqualFold(t, "null") {
			main = append(main, t)
		}
	}
	switch {
	case len(main) > 1:
		return "", false, fmt.Errorf("a value of several types (%s) is not supported", strings.Join(main, ", "))
	case len(main) == 0 && len(js.Enum) > 0:
		main = []string{"string"}
	case len(main) == 0 && len(js.Properties) > 0:
		main = []string{"object"}
	case len(main) == 0:
		return "", false, fmt.Errorf("a schema needs a type (an empty interface has none)")
	}
	nullable := len(main) < len(types) && !(c.goSlices && strings.EqualFold(main[0], "array"))
	if n, ok := js.Extra["nullable"].(bool); ok && !nullable {
		nullable = n
	}
	t := SchemaType(strings.ToUpper(main[0]))
	switch t {
	case TypeString, TypeNumber, TypeInteger, TypeBoolean, TypeArray, TypeObject:
		return t, nullable, nil
	}
	return "", false, fmt.Errorf("type %q is not one of string, number, integer, boolean, array, object", shared.OneLine(main[0], 40))
}

// resolveRef finds a local reference, "#/$defs/Name" or "#/definitions/Name".
func resolveRef(ref string, root *jsonschema.Schema) (*jsonschema.Schema, error) {
	if ref == "#" {
		return root, nil
	}
	for _, prefix := range []string{"#/$defs/", "#/definitions/"} {
		if name, ok := strings.CutPrefix(ref, prefix); ok {
			defs := root.Defs
			if prefix == "#/definitions/" {
				defs = root.Definitions
			}
			if d, ok := defs[name]; ok && d != nil {
				return d, nil
			}
			return nil, fmt.Errorf("$ref %q points to no definition", shared.OneLine(ref, 80))
		}
	}
	return nil, fmt.Errorf("$ref %q is not a local #/$defs/ reference", shared.OneLine(ref, 80))
}

// validate checks a hand-written schema before it is sent.
func (s *Schema) validate(field string) error {
	return s.check(field, 0)
}

func (s *Schema) check(field string, depth int) error {
	if s == nil {
		return nil
	}
	if depth > maxSchemaDepth {
		return &ValidationError{Field: field, Reason: fmt.Sprintf("is nested deeper than %d levels", maxSchemaDepth)}
	}
	switch s.Type {
	case TypeString, TypeNumber, TypeInteger, TypeBoolean, TypeArray, TypeObject:
	default:
		return &ValidationError{Field: field, Reason: "type must be STRING, NUMBER, INTEGER, BOOLEAN, ARRAY or OBJECT (upper case)"}
	}
	if s.Type == TypeArray && s.Items == nil {
		return &ValidationError{Field: field, Reason: "an ARRAY needs items"}
	}
	if err := s.Items.check(field+".items", depth+1); err != nil {
		return err
	}
	for name, p := range s.Properties {
		if p == nil {
			return &ValidationError{Field: field + ".properties." + name, Reason: "is null: a property needs a schema"}
		}
		if err := p.check(field+".properties."+name, depth+1); err != nil {
			return err
		}
	}
	for _, r := range s.Required {
		if _, ok := s.Properties[r]; !ok {
			return &ValidationError{Field: field + ".required", Reason: fmt.Sprintf("names %q, which is not a property", r)}
		}
	}
	return nil
}

// clone returns a deep copy of s, down to the depth validate allows; deeper
// parts (only a cyclic, hand-built schema has them) are shared.
func (s *Schema) clone() *Schema { return s.cloneDepth(0) }

func (s *Schema) cloneDepth(depth int) *Schema {
	if s == nil || depth > maxSchemaDepth {
		return s
	}
	out := *s
	out.Items = s.Items.cloneDepth(depth + 1)
	out.Required = slices.Clone(s.Required)
	out.Enum = slices.Clone(s.Enum)
	if s.Properties != nil {
		out.Properties = make(map[string]*Schema, len(s.Properties))
		for k, p := range s.Properties {
			out.Properties[k] = p.cloneDepth(depth + 1)
		}
	}
	return &out
}
