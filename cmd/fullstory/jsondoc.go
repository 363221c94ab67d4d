package main

import (
	"fmt"
	"strings"
)

// What --json prints, documented: each command declares its documents, and
// the shapes they share are documented once, here. "fullstory help json"
// prints it all and the README's table is the same; the test of the
// commands' output checks each document against it, field by field.

// jsonDoc is one document a command prints with --json: an object with
// fields, or one of the shapes.
type jsonDoc struct {
	when   string // what the command line holds for this document; "" if it is the only one
	shape  string // the document is this shape
	fields []jsonField
}

// jsonField is one field of an object.
type jsonField struct {
	name string
	// typ is string, number, boolean, object (the API's own shape, not
	// listed here), a shape's name such as Session, or [T]: an array of T.
	typ      string
	optional bool // absent when there is nothing to say
	desc     string
}

// jsonShape is an object that more than one document holds.
type jsonShape struct {
	name   string
	fields []jsonField
}

var jsonShapes = []jsonShape{
	{"Session", []jsonField{
		{"id", "string", false, `"userId:sessionId": what summarize, sessions events and sessions context take`},
		{"userId", "string", false, "the user part of the id"},
		{"sessionId", "string", false, "the session part of the id"},
		{"created", "string", true, "when the session started, RFC 3339 in UTC; absent when unknown (summarize SESSION)"},
		{"url", "string", true, "the session in the Fullstory app; absent when unknown"},
	}},
	{"Summary", []jsonField{
		{"session", "Session", false, "the session summarized"},
		{"summary", "string", true, "the summary's text"},
		{"response", "object", true, "the structured output, when the profile has a response_schema"},
		{"source", "string", true, `"api": this run's own request, which may have spent an Activation; "shared": an identical call's, in flight at the same time; "cache": nothing was sent. Absent with error`},
		{"error", "Error", true, "why there is no summary"},
	}},
	{"Error", []jsonField{
		{"message", "string", false, "what went wrong, on one line"},
		{"kind", "string", false, "usage, invalid_argument, unauthorized, forbidden, not_found, rate_limited, nothing_found, budget_exhausted, budget_unavailable, server_error, api_error, timeout, interrupted or error"},
		{"status", "number", true, "the HTTP status of an API error"},
		{"exit_code", "number", false, "the exit status it gives, or would give alone (see Exit status)"},
		{"activations", "Activations", true, "after Ctrl-C, in a command that summarizes: what it had spent"},
	}},
	{"Activations", []jsonField{
		{"limit", "number", false, "the run's cap: --max-activations, else one per summary planned"},
		{"spent", "number", false, "summary requests sent and not refunded: an upper bound of what may be billed"},
		{"refunded", "number", false, "summary requests that provably spent nothing (never sent, or refused)"},
		{"shared", "number", false, "summaries answered by an identical call in flight at the same time"},
		{"cache_hits", "number", false, "summaries answered from a summary cache"},
	}},
	{"Profile", []jsonField{
		{"id", "string", false, "the profile's id"},
		{"name", "string", true, "its name"},
		{"llm", "object", true, "pre_prompt, post_prompt, temperature, response_schema"},
		{"configuration", "object", true, "slice, context, events and cache, as the API nests them"},
	}},
	{"TryProfile", []jsonField{
		{"label", "string", false, `"A" for -f, "B" for --against`},
		{"file", "string", true, "the file it was read from; absent for the API's generic synopsis"},
		{"name", "string", false, "its name, else the file's"},
		{"settings", "object", true, "the file's settings, as -f takes them; absent for the API's generic synopsis"},
	}},
	{"TrySession", []jsonField{
		{"session", "Session", false, "the session"},
		{"summaries", "[Summary]", false, "its summaries, in the order of profiles"},
	}},
	{"PreviewSession", []jsonField{
		{"session", "Session", false, "the session"},
		{"contexts", "[PreviewContext]", false, "what each profile would send, in the order of profiles"},
	}},
	{"PreviewContext", []jsonField{
		{"context", "object", true, "the session's context under the profile's settings, as sessions context --json prints it"},
		{"error", "Error", true, "why there is none"},
	}},
	{"NotDeleted", []jsonField{
		{"id", "string", false, "the profile's id"},
		{"error", "Error", false, "why it was not deleted"},
	}},
}

// findShape returns the shape named name, or nil.
func findShape(name string) *jsonShape {
	for i := range jsonShapes {
		if jsonShapes[i].name == name {
			return &jsonShapes[i]
		}
	}
	return nil
}

// The commands' documents.
var (
	profilesCreateJSONDoc = []jsonDoc{{fields: []jsonField{{"id", "string", false, "the new profile's id"}}}}
	profilesGetJSONDoc    = []jsonDoc{{shape: "Profile"}}
	profilesListJSONDoc   = []jsonDoc{{fields: []jsonField{{"profiles", "[Profile]", false, "every profile, or --limit of them"}}}}
	profilesUpdateJSONDoc = []jsonDoc{{fields: []jsonField{
		{"id", "string", false, "the profile's id"},
		{"updated", "boolean", false, "true"},
	}}}
	profilesDeleteJSONDoc = []jsonDoc{{fields: []jsonField{
		{"deleted", "[string]", false, "the ids deleted"},
		{"failed", "[NotDeleted]", false, "the ids not deleted, and why"},
	}}}
	profilesTryJSONDoc = []jsonDoc{
		{fields: []jsonField{
			{"profiles", "[TryProfile]", false, "A, then B"},
			{"sessions", "[TrySession]", false, "the user's latest sessions, newest first"},
			{"activations", "Activations", false, "what the summaries spent"},
		}},
		{when: "--preview", fields: []jsonField{
			{"profiles", "[TryProfile]", false, "A, then B"},
			{"sessions", "[PreviewSession]", false, "the user's latest sessions, newest first"},
		}},
	}
	sessionsListJSONDoc   = []jsonDoc{{fields: []jsonField{{"sessions", "[Session]", false, "newest first; empty when there are none"}}}}
	sessionsEventsJSONDoc = []jsonDoc{{fields: []jsonField{{"events", "[object]", false, "the raw events, as the API returns them"}}}}
	sessionsContextJSON   = []jsonDoc{{fields: []jsonField{
		{"context", "object", false, "the session's context (user, organization, location, device), as the API returns it"},
		{"pages", "[object]", false, "its pages with their events, as the API returns them"},
	}}}
	summarizeJSONDoc = []jsonDoc{
		{when: "SESSION", shape: "Summary"}, // a failure goes to stderr, not in "error"
		{when: "--email or --uid", fields: []jsonField{
			{"summaries", "[Summary]", false, "newest first"},
			{"activations", "Activations", false, "what the summaries spent"},
		}},
	}
	fakeJSONDoc = []jsonDoc{{fields: []jsonField{
		{"base_url", "string", false, "what FULLSTORY_BASE_URL takes"},
		{"api_key", "string", false, "what FULLSTORY_API_KEY takes (public: the fake's)"},
	}}}
	// failureJSONDoc is what stderr holds when a run with --json fails.
	failureJSONDoc = jsonDoc{when: "a failure, on stderr", fields: []jsonField{{"error", "Error", false, "what went wrong"}}}
	versionJSONDoc = []jsonDoc{{fields: []jsonField{
		{"version", "string", false, "fullstory's version"},
		{"go", "string", false, "the Go release that built it"},
		{"os", "string", false, "e.g. linux"},
		{"arch", "string", false, "e.g. amd64"},
	}}}
)

// jsonSynopsis is a command's documents in brief, for its help:
// With --json, prints {"sessions": [Session]}.
func jsonSynopsis(docs []jsonDoc) string {
	brief := func(d jsonDoc) string {
		if d.shape != "" {
			return "a " + d.shape
		}
		keys := make([]string, len(d.fields))
		for i, f := range d.fields {
			keys[i] = fmt.Sprintf("%q: %s", f.name, f.typ)
		}
		return "{" + strings.Join(keys, ", ") + "}"
	}
	if len(docs) == 1 {
		return fmt.Sprintf("With --json, prints %s; the fields: fullstory help json.\n", brief(docs[0]))
	}
	var b strings.Builder
	b.WriteString("With --json (the fields: fullstory help json):\n")
	for _, d := range docs {
		when := "with " + d.when
		if d.when == "" {
			when = "otherwise"
		}
		fmt.Fprintf(&b, "  %s: %s\n", when, brief(d))
	}
	return b.String()
}

// jsonHelp is "fullstory help json": every command's documents, then the
// shapes they share.
func jsonHelp() string {
	var b strings.Builder
	b.WriteString(`With --json, a command prints exactly one JSON document on stdout, an
object with the fields below; a failure prints {"error": Error} on stderr
instead. A field marked ? may be absent. [T] is an array of T; a name such
as Session is a shape listed under "Shapes"; object is the API's own shape.
`)
	for _, c := range commands() {
		for _, d := range c.json {
			title := c.name
			if d.when != "" {
				title += " (" + d.when + ")"
			}
			fmt.Fprintf(&b, "\n%s\n", title)
			if d.shape != "" {
				fmt.Fprintf(&b, "  a %s\n", d.shape)
				continue
			}
			writeJSONFields(&b, d.fields)
		}
	}
	fmt.Fprintf(&b, "\nany command (%s)\n", failureJSONDoc.when)
	writeJSONFields(&b, failureJSONDoc.fields)
	b.WriteString("\nShapes:\n")
	for _, s := range jsonShapes {
		fmt.Fprintf(&b, "\n%s\n", s.name)
		writeJSONFields(&b, s.fields)
	}
	return b.String()
}

func writeJSONFields(b *strings.Builder, fields []jsonField) {
	for _, f := range fields {
		name := f.name
		if f.optional {
			name += "?"
		}
		// One space between name and type, two before the description:
		// wrapped lines hang under the description.
		fmt.Fprintf(b, "  %-28s  %s\n", name+" "+f.typ, f.desc)
	}
}
