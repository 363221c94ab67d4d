package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/summarykit/fullstory-go/fullstorytest"
)

// jsonChecker checks JSON documents against the documented fields of
// jsondoc.go, and notes which fields it saw, so that a test can require
// every documented field to appear somewhere.
type jsonChecker struct {
	t    *testing.T
	seen map[string]bool // "Shape.field" or "command#doc.field"
}

// check validates v, decoded from JSON, as an object with fields; where
// names the object in messages and in seen.
func (c *jsonChecker) check(where string, fields []jsonField, v any) {
	c.t.Helper()
	obj, ok := v.(map[string]any)
	if !assert.True(c.t, ok, "%s: want an object, got %T", where, v) {
		return
	}
	documented := map[string]bool{}
	for _, f := range fields {
		documented[f.name] = true
		val, present := obj[f.name]
		if !present {
			assert.True(c.t, f.optional, "%s: no %q, which is not documented as optional", where, f.name)
			continue
		}
		c.seen[where+"."+f.name] = true
		c.value(where+"."+f.name, f.typ, val)
	}
	for key := range obj {
		assert.True(c.t, documented[key], "%s: %q is not documented", where, key)
	}
}

// value validates one value against a documented type.
func (c *jsonChecker) value(where, typ string, v any) {
	c.t.Helper()
	switch {
	case strings.HasPrefix(typ, "["):
		arr, ok := v.([]any)
		if assert.True(c.t, ok, "%s: want an array, got %T", where, v) {
			for _, elem := range arr {
				c.value(where+"[]", strings.Trim(typ, "[]"), elem)
			}
		}
	case typ == "string":
		assert.IsType(c.t, "", v, where)
	case typ == "number":
		assert.IsType(c.t, 0.0, v, where)
	case typ == "boolean":
		assert.IsType(c.t, false, v, where)
	case typ == "object":
		assert.IsType(c.t, map[string]any{}, v, where)
	default:
		shape := findShape(typ)
		if assert.NotNil(c.t, shape, "%s: type %q is no shape", where, typ) {
			c.check(shape.name, shape.fields, v)
		}
	}
}

// TestJSONOutputMatchesItsDocs runs every command that prints JSON, in each
// of its documented forms, and checks its output against the fields that
// "fullstory help json" and the README document: no field left out that is
// not optional, none that is not documented, each of the documented type,
// and every documented field seen at least once.
func TestJSONOutputMatchesItsDocs(t *testing.T) {
	srv, e := fakeEnv(t)
	sessions := demoSessions(t, srv)
	first, third := sessions[0].ID(), sessions[2].ID()
	// The third session's summary and context fail, so that errors show.
	srv.InjectFault(fullstorytest.Fault{Op: fullstorytest.OpSummarize, Path: "/v2/sessions/" + third.PathEscaped(), Status: 404, Count: 1000})
	srv.InjectFault(fullstorytest.Fault{Op: fullstorytest.OpContext, Path: "/v2/sessions/" + third.PathEscaped(), Status: 404, Count: 1000})
	support := filepath.Join(profilesDir, "support.json")
	structured := filepath.Join(t.TempDir(), "structured.json")
	require.NoError(t, os.WriteFile(structured, []byte(`{"name": "Structured", "llm": {"response_schema": {"type": "OBJECT", "properties": {"goal": {"type": "STRING"}}, "required": ["goal"]}}}`), 0o600))
	schemaProfile := createProfile(t, e, "support.json")
	requireOK(t, runCLI(t, e, "profiles", "update", schemaProfile, "-f", structured))
	deletable := createProfile(t, e, "sales.json")

	cases := []struct {
		command string
		doc     int // which of the command's documents
		args    []string
	}{
		{"profiles create", 0, []string{"profiles", "create", "-f", support}},
		{"profiles get", 0, []string{"profiles", "get", deletable}},
		{"profiles list", 0, []string{"profiles", "list"}},
		{"profiles update", 0, []string{"profiles", "update", schemaProfile, "-f", structured}},
		{"profiles delete", 0, []string{"profiles", "delete", deletable, "no-such-profile"}},
		{"profiles try", 0, []string{"profiles", "try", "-f", support, "--email", demoEmail, "--latest", "3"}},
		{"profiles try", 1, []string{"profiles", "try", "-f", support, "--email", demoEmail, "--latest", "3", "--preview"}},
		{"sessions list", 0, []string{"sessions", "list", "--email", demoEmail}},
		{"sessions events", 0, []string{"sessions", "events", first.String()}},
		{"sessions context", 0, []string{"sessions", "context", first.String()}},
		{"summarize", 0, []string{"summarize", first.String(), "--profile", schemaProfile}},
		{"summarize", 1, []string{"summarize", "--email", demoEmail, "--latest", "3"}},
		{"version", 0, []string{"version"}},
	}
	c := &jsonChecker{t: t, seen: map[string]bool{}}
	covered := map[string]bool{}
	for _, tc := range cases {
		cmd := findCommand(tc.command)
		require.NotNil(t, cmd, tc.command)
		require.Less(t, tc.doc, len(cmd.json), "%s has no document %d", tc.command, tc.doc)
		r := runCLI(t, e, append(tc.args, "--json")...)
		var v any
		decodeOne(t, r.stdout, &v)
		where := fmt.Sprintf("%s#%d", tc.command, tc.doc)
		if d := cmd.json[tc.doc]; d.shape != "" {
			c.value(where, d.shape, v)
		} else {
			c.check(where, d.fields, v)
		}
		covered[where] = true
		if r.code != 0 {
			checkFailure(t, c, r.stderr)
		}
	}

	// fake prints its document, then serves until Ctrl-C.
	ctx, cancel := context.WithCancel(context.Background())
	stdoutR, stdoutW := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, nil, []string{"fake", "--json", "--addr", "127.0.0.1:0"}, strings.NewReader(""), stdoutW, io.Discard, func(string) string { return "" })
		stdoutW.Close()
	}()
	var v any
	require.NoError(t, json.NewDecoder(stdoutR).Decode(&v))
	go io.Copy(io.Discard, stdoutR)
	cancel()
	require.Equal(t, 0, <-done)
	c.check("fake#0", cmdFake.json[0].fields, v)
	covered["fake#0"] = true

	// A usage error, then Ctrl-C while summaries hang: the error object
	// says what the run had spent.
	checkFailure(t, c, runCLI(t, e, "--json", "sessions", "list").stderr)
	hanging, summarizing := hangingSummaries(t, srv)
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	interrupted := make(chan result, 1)
	go func() {
		interrupted <- runCLIContext(t, ctx, nil, hanging, "summarize", "--json", "--email", demoEmail, "--latest", "2")
	}()
	<-summarizing
	cancel()
	r := <-interrupted
	require.Equal(t, exitInterrupted, r.code, r.stderr)
	_, last, _ := strings.Cut(strings.TrimSpace(r.stderr), "\n")
	checkFailure(t, c, last)

	for _, cmd := range commands() {
		for i := range cmd.json {
			assert.True(t, covered[fmt.Sprintf("%s#%d", cmd.name, i)], "%s's document %d (%s) is never checked", cmd.name, i, cmd.json[i].when)
		}
		if len(cmd.json) == 0 {
			// mcp speaks JSON-RPC on stdout and refuses --json.
			assert.Contains(t, []string{"help", "completion", "mcp"}, cmd.name, "%s prints no JSON document: is it documented?", cmd.name)
		}
	}
	for where, fields := range documentedFields(covered) {
		for _, f := range fields {
			assert.True(t, c.seen[where+"."+f.name], "%s.%s is documented but never printed", where, f.name)
		}
	}
}

// checkFailure checks a failure's error object on stderr.
func checkFailure(t *testing.T, c *jsonChecker, stderr string) {
	t.Helper()
	var v any
	decodeOne(t, stderr, &v)
	c.check("failure", failureJSONDoc.fields, v)
}

// documentedFields returns the fields of each shape and covered document,
// by the names the checker notes them under.
func documentedFields(covered map[string]bool) map[string][]jsonField {
	out := map[string][]jsonField{"failure": failureJSONDoc.fields}
	for _, s := range jsonShapes {
		out[s.name] = s.fields
	}
	for _, cmd := range commands() {
		for i, d := range cmd.json {
			where := fmt.Sprintf("%s#%d", cmd.name, i)
			if covered[where] {
				out[where] = d.fields
			}
		}
	}
	return out
}

// TestJSONHelp: "fullstory help json" documents every command's documents
// and every shape, as the README's table does.
func TestJSONHelp(t *testing.T) {
	r := runCLI(t, env{}, "help", "json")
	requireOK(t, r)
	for _, cmd := range commands() {
		for _, d := range cmd.json {
			title := cmd.name
			if d.when != "" {
				title += " (" + d.when + ")"
			}
			assert.Contains(t, r.stdout, "\n"+title+"\n")
			if d.shape != "" {
				assert.Contains(t, r.stdout, "\n"+title+"\n  a "+d.shape+"\n")
			}
			for _, f := range d.fields {
				assert.Regexp(t, `(?m)^  `+f.name+`\??\s+`, r.stdout)
			}
		}
	}
	for _, s := range jsonShapes {
		assert.Contains(t, r.stdout, "\n"+s.name+"\n")
	}
	assert.Contains(t, r.stdout, "  source? string")
	// Each command's help points to it, with its documents in brief.
	r = runCLI(t, env{}, "sessions", "list", "--help")
	assert.Contains(t, r.stdout, `With --json, prints {"sessions": [Session]}; the fields: fullstory help json.`)
}
