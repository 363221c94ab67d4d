// Package fullstorytest is an in-memory fake of the Fullstory Session
// Summary API, for tests and offline demos of code that uses package
// fullstory.
//
// NewServer starts it on 127.0.0.1 and Server.Client returns a
// *fullstory.Client wired to it:
//
//	srv := fullstorytest.NewServer()
//	defer srv.Close()
//	c := srv.Client()
//	sessions, err := c.Sessions.List(ctx, &fullstory.ListSessionsOptions{Email: fullstorytest.DemoEmail})
//
// It serves every endpoint the library calls, with the documented wire
// shapes: prompt profiles under /v2/visit_profile, GET /sessions/v2 and GET
// /v2/sessions (which also finds sessions by the session uid a customer's
// site set), and the summary, events and context endpoints under
// /v2/sessions/{userId%3AsessionId}. It encodes and decodes them with JSON
// types of its own, written from the API reference rather than taken from
// package fullstory, so that a mistake in the library's JSON shows up in
// tests instead of being mirrored.
// Like the API it checks the "Authorization: Basic <key>" header (401
// unauthorized), refuses input the API refuses (400 required_field or
// invalid_argument; the README lists the rules), answers unknown profiles and sessions with 404
// resource_not_found, and writes errors as {"code","message"}. An
// Idempotency-Key makes a repeated write return the first response.
//
// It is as strict as the reference, where the API's own strictness is
// unverified, so that a test cannot pass with a request the API would read
// differently: a request body may spell each name in snake_case or in the
// lowerCamelCase a protobuf JSON parser takes ("pre_prompt" or
// "prePrompt"), but a name that is neither is refused with a 400 that names
// it by its path and the field probably meant, and so is a value of the
// wrong kind; the ':' of a session id must be encoded as %3A in the path, as
// the API docs say (WithLenientPaths takes it unencoded too). The lists match
// a uid or a session uid exactly and an email in any case but otherwise
// exactly (no spaces are trimmed), which is also unverified.
//
// Summaries are deterministic and written by fixed rules, not by an LLM, and
// their text says so from its first line:
//
//	[fullstorytest] Summary of session 6973903723107198876:5156932900183134039 with the prompt profile ...
//
// They follow the
// profile as the API would: the slice (FIRST, LAST or TIMESTAMP, event and
// duration limits, start and end timestamps, the request's end_timestamp),
// the event type filters (event_limit counts the events left after them),
// the context elements the LLM may see, and the pre- and post-prompts,
// which the text quotes. The text names the pages and help pages visited,
// network and console errors, error, rage and dead clicks, custom events
// such as "Added to Cart" with their properties, the outcome of a purchase
// and the final action. With a response schema, Summary.Response is a JSON
// value that satisfies it, filled with the facts its property names ask
// for ("goal", "issues", "help_pages", "final_action", ...). Summary
// overrides merge onto the profile as the API merges them: set values
// replace, lists are appended.
//
// Without WithoutDemoData the server holds the quick-start guide's user,
// Jane Doe (DemoEmail), whose latest session abandons a high-value ticket
// checkout, and a business customer with an organization. AddSession adds
// sessions of your own, WithSessions adds them at the start (ReadSessions
// reads them from JSON) and SeedSessions adds thousands of distinct ones at
// once, for benchmarks. In the events endpoint a custom event has
// event_type "custom", with its name and properties in event_properties; in
// the context endpoint it has type "custom", with its name as content.
// Profiles.Update replaces the whole profile, so a part left out of the
// request is gone: the API does not document whether it replaces or merges,
// so send the whole profile.
//
// For tests of failure handling, InjectFault makes the next requests fail
// with a status and Retry-After, a delay, or a connection cut off halfway
// through the body, for every endpoint or one Operation (Fault.Op, e.g.
// OpSummarize), before or (Fault.Handle) after the request is handled, as a
// gateway in front of the API fails; WithThrottle answers 429
// too_many_requests beyond a token bucket; WithLatency slows every response.
// Requests returns the last requests the server received (WithRequestLog
// sets how many) and Activations how many summaries it generated, each of
// which the API would have counted as an Activation spent. Reset brings the
// server back to how it started.
//
// Control endpoints under /_fake/, with the same key, do the same for
// tests in any language: POST /_fake/faults, POST /_fake/reset, POST
// /_fake/sessions, GET and DELETE /_fake/requests, GET /_fake/activations.
// They are never recorded, throttled, delayed or failed, and their JSON
// shapes (in the README) only grow.
//
// A Server is safe for concurrent use and leaves no goroutine behind after
// Close. Its memory stays bounded however long it runs: it keeps the last
// 1,000 requests and Idempotency-Keys, and at most 64 MiB of each.
package fullstorytest
