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
// shapes: prompt profiles under /v2/visit_profile, GET /sessions/v2, and the
// summary, events and context endpoints under /v2/sessions/{userId%3AsessionId}.
// It encodes and decodes them with JSON types of its own, written from the
// API reference rather than taken from package fullstory, so that a mistake
// in the library's JSON shows up in tests instead of being mirrored.
// Like the API it checks the "Authorization: Basic <key>" header (401
// unauthorized), refuses input the API refuses (400 required_field or
// invalid_argument; the README lists the rules), answers unknown profiles and sessions with 404
// resource_not_found, and writes errors as {"code","message"}. An
// Idempotency-Key makes a repeated write return the first response.
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
// sessions of your own. In the events endpoint a custom event has
// event_type "custom", with its name and properties in event_properties; in
// the context endpoint it has type "custom", with its name as content.
// Profiles.Update replaces the whole profile: the API does not document
// whether it replaces or merges, so send the whole profile.
//
// For tests of failure handling, InjectFault makes the next requests fail
// with a status and Retry-After, a delay, or a connection cut off halfway
// through the body, for every endpoint or one Operation (Fault.Op, e.g.
// OpSummarize); WithThrottle answers 429 too_many_requests beyond a
// token bucket; WithLatency slows every response; Requests returns the last
// requests the server received (WithRequestLog sets how many). A Server is
// safe for concurrent use and leaves no goroutine behind after Close.
package fullstorytest
