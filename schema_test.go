package fullstory_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

// schemaTicket exercises what SchemaFor reads from a Go type.
type schemaTicket struct {
	Title    string             `json:"title" jsonschema:"a one-line title for the support ticket"`
	Priority *int               `json:"priority"`
	Tags     []string           `json:"tags"`
	Note     string             `json:"note,omitempty"`
	Owner    schemaOwner        `json:"owner"`
	Scores   map[string]float64 `json:"scores,omitempty"`
	Resolved bool               `json:"resolved"`
	Internal string             `json:"-"`
}

type schemaOwner struct {
	Name  string  `json:"name" jsonschema:"the agent's display name"`
	Email *string `json:"email,omitempty"`
}

func TestSchemaForAStruct(t *testing.T) {
	s, err := fullstory.SchemaFor[schemaTicket]()
	require.NoError(t, err)

	data, err := json.Marshal(s)
	require.NoError(t, err)
	assert.JSONEq(t, `{
		"type": "OBJECT",
		"properties": {
			"title": {"type": "STRING", "description": "a one-line title for the support ticket"},
			"priority": {"type": "INTEGER", "nullable": true},
			"tags": {"type": "ARRAY", "items": {"type": "STRING"}},
			"note": {"type": "STRING"},
			"owner": {
				"type": "OBJECT",
				"properties": {
					"name": {"type": "STRING", "description": "the agent's display name"},
					"email": {"type": "STRING", "nullable": true}
				},
				"required": ["name"]
			},
			"scores": {"type": "OBJECT"},
			"resolved": {"type": "BOOLEAN"}
		},
		"required": ["title", "priority", "tags", "owner", "resolved"]
	}`, string(data))
	assert.NotContains(t, string(data), "$")
	assert.NotContains(t, string(data), "additionalProperties")
}

func TestSchemaForIsAcceptedByCreate(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, `{"id":"p-schema"}`)))
	c := wireClient(t, ws)
	s, err := fullstory.SchemaFor[quickStartSummary]()
	require.NoError(t, err)

	_, err = c.Profiles.Create(context.Background(), &fullstory.ProfileRequest{
		Name:          "structured support assistant",
		ProfileConfig: fullstory.ProfileConfig{LLM: &fullstory.LLMConfig{PrePrompt: "You are a support assistant.", ResponseSchema: s}},
	})
	require.NoError(t, err)
	assert.JSONEq(t, `{
		"name": "structured support assistant",
		"llm": {
			"pre_prompt": "You are a support assistant.",
			"response_schema": {
				"type": "OBJECT",
				"properties": {
					"primary_goal": {"type": "STRING"},
					"issues_encountered": {"type": "ARRAY", "items": {"type": "STRING"}},
					"final_action": {"type": "STRING"},
					"reason_for_termination_suggestion": {"type": "STRING"},
					"help_pages_visited": {"type": "ARRAY", "items": {"type": "STRING"}}
				},
				"required": ["primary_goal", "issues_encountered", "final_action", "help_pages_visited"]
			}
		}
	}`, string(ws.only(t).Body))
}

func TestSchemaForScalarsAndErrors(t *testing.T) {
	s, err := fullstory.SchemaFor[[]float64]()
	require.NoError(t, err)
	assert.Equal(t, &fullstory.Schema{Type: fullstory.TypeArray, Items: &fullstory.Schema{Type: fullstory.TypeNumber}}, s)

	s, err = fullstory.SchemaFor[*bool]()
	require.NoError(t, err)
	assert.Equal(t, &fullstory.Schema{Type: fullstory.TypeBoolean, Nullable: true}, s)

	_, err = fullstory.SchemaFor[struct {
		Anything any `json:"anything"`
	}]()
	require.Error(t, err, "an empty interface has no type in the dialect")

	_, err = fullstory.SchemaFor[func()]()
	require.Error(t, err)
}

// standardTicketSchema is a JSON Schema as tools write it.
const standardTicketSchema = `{
	"$schema": "https://json-schema.org/draft/2020-12/schema",
	"$id": "https://example.com/schemas/ticket.json",
	"title": "Ticket",
	"type": "object",
	"properties": {
		"summary": {"type": "string", "description": "one line"},
		"severity": {"enum": ["low", "medium", "high"], "description": "how bad"},
		"status": {"type": "string", "enum": ["open", "closed"], "format": "enum"},
		"assignee": {"type": ["string", "null"]},
		"count": {"type": ["null", "integer"]},
		"due": {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}], "description": "when"},
		"score": {"oneOf": [{"type": "null"}, {"type": "number"}]},
		"steps": {"type": "array", "items": {"$ref": "#/$defs/step"}},
		"owner": {"$ref": "#/$defs/person", "description": "who owns it"},
		"legacy": {"$ref": "#/definitions/old"},
		"flag": {"type": "boolean", "nullable": true}
	},
	"required": ["summary", "severity"],
	"additionalProperties": false,
	"$defs": {
		"step": {"type": "object", "properties": {"page": {"type": "string"}, "ok": {"type": "boolean"}}, "required": ["page"]},
		"person": {"type": "object", "description": "a person", "properties": {"name": {"type": "string"}}}
	},
	"definitions": {
		"old": {"type": "integer"}
	}
}`

func TestParseSchemaOfAStandardJSONSchema(t *testing.T) {
	s, err := fullstory.ParseSchema([]byte(standardTicketSchema))
	require.NoError(t, err)

	data, err := json.Marshal(s)
	require.NoError(t, err)
	assert.JSONEq(t, `{
		"type": "OBJECT",
		"title": "Ticket",
		"properties": {
			"summary": {"type": "STRING", "description": "one line"},
			"severity": {"type": "STRING", "description": "how bad", "format": "enum", "enum": ["low", "medium", "high"]},
			"status": {"type": "STRING", "format": "enum", "enum": ["open", "closed"]},
			"assignee": {"type": "STRING", "nullable": true},
			"count": {"type": "INTEGER", "nullable": true},
			"due": {"type": "STRING", "format": "date-time", "nullable": true, "description": "when"},
			"score": {"type": "NUMBER", "nullable": true},
			"steps": {"type": "ARRAY", "items": {
				"type": "OBJECT",
				"properties": {"page": {"type": "STRING"}, "ok": {"type": "BOOLEAN"}},
				"required": ["page"]
			}},
			"owner": {"type": "OBJECT", "description": "who owns it", "properties": {"name": {"type": "STRING"}}},
			"legacy": {"type": "INTEGER"},
			"flag": {"type": "BOOLEAN", "nullable": true}
		},
		"required": ["summary", "severity"]
	}`, string(data))
	assert.NotContains(t, string(data), "$")
}

func TestParseSchemaAcceptsTheDialect(t *testing.T) {
	in := `{"type":"OBJECT","properties":{"goal":{"type":"STRING","nullable":true},"tags":{"type":"ARRAY","items":{"type":"STRING"}}},"required":["goal"]}`
	s, err := fullstory.ParseSchema([]byte(in))
	require.NoError(t, err)
	data, err := json.Marshal(s)
	require.NoError(t, err)
	assert.JSONEq(t, in, string(data))
}

func TestParseSchemaErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		schema string
		want   string // part of the reason
	}{
		"recursive $ref": {
			schema: `{"$defs":{"node":{"type":"object","properties":{"child":{"$ref":"#/$defs/node"}}}},"$ref":"#/$defs/node"}`,
			want:   "recursive",
		},
		"recursive root": {
			schema: `{"type":"object","properties":{"self":{"$ref":"#"}}}`,
			want:   "recursive",
		},
		"non-string enum":          {schema: `{"type":"integer","enum":[1,2,3]}`, want: "enum"},
		"missing definition":       {schema: `{"type":"object","properties":{"x":{"$ref":"#/$defs/nope"}}}`, want: "nope"},
		"remote $ref":              {schema: `{"$ref":"https://example.com/other.json"}`, want: "local"},
		"several types":            {schema: `{"type":["string","integer"]}`, want: "several types"},
		"anyOf of several types":   {schema: `{"anyOf":[{"type":"string"},{"type":"integer"}]}`, want: "anyOf"},
		"anyOf of only null":       {schema: `{"anyOf":[{"type":"null"}]}`, want: "null"},
		"array without items":      {schema: `{"type":"array"}`, want: "items"},
		"no type":                  {schema: `{"description":"anything"}`, want: "type"},
		"unknown type":             {schema: `{"type":"date"}`, want: "date"},
		"not JSON":                 {schema: `{"type":`, want: "parse"},
		"bad property deep inside": {schema: `{"type":"object","properties":{"a":{"type":"object","properties":{"b":{"type":"array"}}}}}`, want: "items"},
	} {
		t.Run(name, func(t *testing.T) {
			s, err := fullstory.ParseSchema([]byte(tc.schema))
			ve := requireInvalidArgument(t, err)
			assert.Nil(t, s)
			assert.Contains(t, strings.ToLower(ve.Error()), strings.ToLower(tc.want))
		})
	}
}

// A schema someone wrote with an explicit null is nullable, arrays too; only
// the ["null","array"] that jsonschema-go writes for every Go slice is not.
func TestParseSchemaKeepsExplicitNullableArrays(t *testing.T) {
	s, err := fullstory.ParseSchema([]byte(`{"type":"object","properties":{
		"tags":{"type":["array","null"],"items":{"type":"string"}},
		"list":{"type":"array","items":{"type":"string"}}}}`))
	require.NoError(t, err)
	assert.True(t, s.Properties["tags"].Nullable)
	assert.False(t, s.Properties["list"].Nullable)

	type withSlice struct {
		Tags []string `json:"tags"`
	}
	fromGo, err := fullstory.SchemaFor[withSlice]()
	require.NoError(t, err)
	assert.False(t, fromGo.Properties["tags"].Nullable)
}
