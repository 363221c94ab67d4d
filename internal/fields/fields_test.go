package fields

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Both spellings come out in snake_case, values as they were: numbers keep
// their digits, strings their escapes, a schema's property names their case.
func TestCanonicalSpellings(t *testing.T) {
	in := `{
		"name": "x\u0026y",
		"slice": {"mode": "LAST", "eventLimit": 50, "durationLimitMs": "90000", "startTimestamp": "2025-06-01T12:00:00Z", "end_timestamp": null},
		"events": {"trimToLastNSelectors": 3, "excludeApiEvents": true, "include_types": ["click"]},
		"llm": {"prePrompt": "hi", "temperature": 0.10000000000000001,
			"responseSchema": {"type": "OBJECT", "properties": {"topIssue": {"type": "STRING"}, "pre_prompt": {"type": "STRING"}}}}
	}`
	out, err := Canonical([]byte(in), Profile)
	require.NoError(t, err)
	assert.Equal(t, `{"name":"x\u0026y","slice":{"mode":"LAST","event_limit":50,"duration_limit_ms":"90000","start_timestamp":"2025-06-01T12:00:00Z","end_timestamp":null},`+
		`"events":{"trim_to_last_n_selectors":3,"exclude_api_events":true,"include_types":["click"]},`+
		`"llm":{"pre_prompt":"hi","temperature":0.10000000000000001,"response_schema":{"type":"OBJECT","properties":{"topIssue":{"type":"STRING"},"pre_prompt":{"type":"STRING"}}}}}`, string(out))
}

func TestCamel(t *testing.T) {
	for snake, want := range map[string]string{
		"pre_prompt": "prePrompt", "duration_limit_ms": "durationLimitMs", "trim_to_last_n_selectors": "trimToLastNSelectors",
		"exclude_api_events": "excludeApiEvents", "name": "name", "config_profile": "configProfile",
	} {
		assert.Equal(t, want, Field{Name: snake}.Camel())
	}
}

// Every refusal names the field by its path and, where there is one, the
// field that was probably meant, at the position of the fault.
func TestCanonicalRefuses(t *testing.T) {
	for _, tc := range []struct {
		obj                 *Object
		in                  string
		path, nearest, want string
		line, col           int
	}{
		{Profile, `{"llm":{"temprature":0.5}}`, "llm.temprature", "llm.temperature", `unknown field "llm.temprature"; did you mean "llm.temperature"?`, 1, 9},
		{Profile, `{"slice":{"mdoe":"LAST"}}`, "slice.mdoe", "slice.mode", `did you mean "slice.mode"?`, 1, 11},
		{Profile, `{"llm":{"PrePrompt":"hi"}}`, "llm.PrePrompt", "llm.pre_prompt", `did you mean "llm.pre_prompt"?`, 1, 9},
		{Profile, `{"llm":{"pre-prompt":"hi"}}`, "llm.pre-prompt", "llm.pre_prompt", `did you mean "llm.pre_prompt"?`, 1, 9},
		{Profile, "{\n  \"slice\": {\n    \"mode\": \"LAST\",\n    \"event_limt\": 5}}", "slice.event_limt", "slice.event_limit", `unknown field "slice.event_limt"; did you mean "slice.event_limit"?`, 4, 5},
		{Profile, `{"event_limit":5}`, "event_limit", "slice.event_limit", `unknown field "event_limit"; did you mean "slice.event_limit"?`, 1, 2},
		{Profile, `{"configuration":{"slice":{"mode":"LAST"}}}`, "configuration", "", `unknown field "configuration": this is the shape get returns`, 1, 2},
		{Profile, `{"id":"p1","name":"x"}`, "id", "", `the profile's id goes in the path`, 1, 2},
		{Profile, `{"llm":{"output_schema":"{}"}}`, "llm.output_schema", "", `"response_schema"`, 1, 9},
		{Profile, `{"llm":{"model":"GEMINI_2_FLASH"}}`, "llm.model", "", `unknown field "llm.model": the v2 API has no model field`, 1, 9},
		{Profile, `{"llm":{"zzz":1}}`, "llm.zzz", "", `unknown field "llm.zzz"; the fields of "llm" are pre_prompt, post_prompt, temperature, response_schema`, 1, 9},
		{Profile, `{"zzz":1}`, "zzz", "", `unknown field "zzz"; the fields of a create or update body are name, slice, context, events, cache, llm`, 1, 2},
		{Profile, `{"llm":{"response_schema":{"type":"OBJECT","properties":{"a":{"type":"STRING","maxLength":3}}}}}`, "llm.response_schema.properties.a.maxLength", "", `unknown field "llm.response_schema.properties.a.maxLength"`, 1, 79},
		{Profile, `{"llm":{"response_schema":{"$schema":"x"}}}`, "llm.response_schema.$schema", "", `takes no "$schema"`, 1, 28},
		{Overrides, `{"name":"x"}`, "name", "", `summary overrides have no name`, 1, 2},
		{Context, `{"llm":{"pre_prompt":"x"}}`, "llm", "", `a context request takes no llm`, 1, 2},
		{Profile, `{"llm":{"pre_prompt":"a","prePrompt":"b"}}`, "llm.prePrompt", "", `"llm.pre_prompt" is given twice (as "pre_prompt" and "prePrompt")`, 1, 26},
		{Profile, `{"name":"a","name":"b"}`, "name", "", `"name" is given twice (with the same name)`, 1, 13},
		{Profile, `{"llm":{"temperature":"hot"}}`, "llm.temperature", "", `"llm.temperature" must be a number, not "hot"`, 1, 23},
		{Profile, `{"llm":"be nice"}`, "llm", "", `"llm" must be an object, not "be nice"`, 1, 8},
		{Profile, `{"slice":{"event_limit":1.5}}`, "slice.event_limit", "", `"slice.event_limit" must be a whole number`, 1, 25},
		{Profile, `{"slice":{"start_timestamp":"yesterday"}}`, "slice.start_timestamp", "", `must be an RFC 3339 date-time string`, 1, 29},
		{Profile, `{"events":{"include_types":"click"}}`, "events.include_types", "", `must be an array of strings, not "click"`, 1, 28},
		{Profile, `{"events":{"include_types":["click",1]}}`, "events.include_types", "", `must be an array of strings, not an array`, 1, 28},
		{Profile, `{"context":{"exclude_device":"yes"}}`, "context.exclude_device", "", `must be true or false`, 1, 30},
		{Profile, `{"name":"a"} {"name":"b"}`, "", "", `more than one JSON value`, 1, 14},
		{Profile, "{\n\"name\": \"a\",\n\"llm\": {\"pre_prompt\": \"x\",}}", "", "", `invalid JSON: invalid character '}' looking for beginning of object key string`, 3, 27},
		{Profile, `{"name": "a"`, "", "", `invalid JSON: it ends before the object does`, 1, 13},
		{Profile, `["name"]`, "", "", `the body must be a JSON object`, 1, 1},
		{Profile, `  `, "", "", `the body is empty`, 1, 3},
		{Profile, `{"name":"é","zzz":1}`, "zzz", "", `unknown field "zzz"`, 1, 13},
	} {
		_, err := Canonical([]byte(tc.in), tc.obj)
		var fe *Error
		require.True(t, errors.As(err, &fe), "%s: %v", tc.in, err)
		assert.Contains(t, fe.Reason, tc.want, tc.in)
		assert.Equal(t, tc.path, fe.Path, tc.in)
		assert.Equal(t, tc.nearest, fe.Nearest, tc.in)
		assert.Equal(t, [2]int{tc.line, tc.col}, [2]int{fe.Line, fe.Column}, "%s: %s", tc.in, fe.Reason)
		assert.Contains(t, fe.Error(), fe.Reason)
	}
}

// What is accepted: nulls anywhere, int64 values as strings, every kind in
// its own form, an empty object.
func TestCanonicalAccepts(t *testing.T) {
	for _, in := range []string{
		`{}`, ` {} `, `{"llm":null}`, `{"slice":{"event_limit":"50","duration_limit_ms":-1}}`,
		`{"llm":{"response_schema":{"type":"ARRAY","items":{"type":"OBJECT","properties":{"a":null}}}}}`,
		`{"context":{"include":[],"exclude_descriptions":true}}`, `{"cache":{"enableEventCache":false}}`,
	} {
		out, err := Canonical([]byte(in), Profile)
		require.NoError(t, err, in)
		assert.True(t, json.Valid(out), in)
	}
}

// Paths lists the schema once, and marks the deprecated field.
func TestPaths(t *testing.T) {
	var paths, unsent []string
	for _, p := range Profile.Paths() {
		paths = append(paths, p.Path)
		if p.Unsent != "" {
			unsent = append(unsent, p.Path)
		}
	}
	for _, want := range []string{"name", "slice.duration_limit_ms", "llm.response_schema.type", "llm.response_schema.items", "llm.response_schema.properties"} {
		assert.Contains(t, paths, want)
	}
	for _, p := range paths {
		assert.False(t, strings.HasPrefix(p, "llm.response_schema.items."), p)
	}
	assert.Equal(t, []string{"context.exclude_descriptions"}, unsent)
	assert.False(t, slices.ContainsFunc(Context.Paths(), func(p Path) bool { return strings.HasPrefix(p.Path, "llm") }))
}

func TestPosition(t *testing.T) {
	data := []byte("ab\ncé\nx")
	for off, want := range map[int64][2]int{0: {1, 1}, 2: {1, 3}, 3: {2, 1}, 6: {2, 3}, 7: {3, 1}, 99: {3, 2}, -1: {1, 1}} {
		l, c := Position(data, off)
		assert.Equal(t, want, [2]int{l, c}, "offset %d", off)
	}
}

// Canonical never panics and, when it accepts, returns valid JSON that it
// accepts again unchanged.
func FuzzCanonical(f *testing.F) {
	for _, s := range []string{`{}`, `{"llm":{"prePrompt":"x","temperature":1}}`, `{"slice":{"eventLimit":"5"}}`, `{"a":`, `[1]`, `{"llm":{"response_schema":{"properties":{"x":{"type":"STRING"}}}}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := Canonical(data, Profile)
		if err != nil {
			var fe *Error
			if !errors.As(err, &fe) || fe.Line < 1 || fe.Column < 1 {
				t.Fatalf("not a positioned *Error: %v", err)
			}
			return
		}
		if !json.Valid(out) {
			t.Fatalf("invalid output %q", out)
		}
		again, err := Canonical(out, Profile)
		if err != nil || string(again) != string(out) {
			t.Fatalf("not stable: %q -> %q, %v", out, again, err)
		}
	})
}
