// Package fullstory is a typed client for Fullstory's AI Session Summary API.
//
// The API does three things: a prompt profile says which part of a session an
// LLM sees and how it answers (Client.Profiles); a session is summarized with a
// profile (Client.Sessions.Summarize); and the sessions of a user found by
// email or uid are listed, e.g. from a CRM or a support ticket
// (Client.Sessions.List).
//
//	c, err := fullstory.NewClient(os.Getenv("FULLSTORY_API_KEY"))
//	sessions, err := c.Sessions.List(ctx, &fullstory.ListSessionsOptions{Email: "jane@doe.com", Limit: 5})
//	sum, err := c.Sessions.Summarize(ctx, sessions[0].ID(), &fullstory.SummarizeRequest{Profile: id})
//
// # Authentication
//
// Every request carries "Authorization: Basic <key>", the raw server API key
// (not base64 of user:pass). The key needs the Admin or Architect role, and
// the account needs Anywhere: Activation; each summary spends one Activation.
// The key never appears in an error, a log line or the output of %v or %#v.
//
// # Regions
//
// Requests go to DefaultBaseURL. A key that starts with "eu1." selects
// EU1BaseURL, and WithRegion or WithBaseURL choose explicitly. WithBaseURL
// also points the client at a proxy or at a fullstorytest server; it must be
// https, or http to a loopback host.
//
// # Errors
//
// A response other than 2xx becomes an *APIError with the status, the API's
// code and message, Retry-After, the number of attempts and up to 64 KiB of the
// body; errors.Is matches it with ErrBadRequest, ErrUnauthorized, ErrForbidden,
// ErrNotFound, ErrRateLimited and ErrServer. Input the client refuses before
// sending anything is a *ValidationError, which matches ErrInvalidArgument. A
// success response that cannot be used (not JSON, wrong types, empty, over
// 32 MiB) matches ErrInvalidResponse. Transport errors wrap the original, so
// errors.Is(err, context.DeadlineExceeded) works; URLs in them lose their query
// string, which may hold an email or uid. A call that the Client held back,
// because waiting for its pause or rate limit would outlast the context, is an
// *APIError 429 with Attempts 0 and RetryAfter set. SummarizeAs and
// Summary.Decode fail with ErrNoStructuredOutput or ErrStructuredOutputMismatch.
// Every Error() is one printable line, without control or Unicode format
// characters that a server sent.
//
// # Retries
//
// Each operation has a class that decides what is retried, up to WithMaxRetries
// (default 3) times with jittered exponential backoff (WithRetryWait, default
// 500ms to 8s):
//
//   - read (Profiles.Get, List, All, Delete; Sessions.List, Events, Context):
//     connection errors, per-attempt timeouts, 429, 500, 502, 503 and 504.
//   - summary (Sessions.Summarize, SummarizeEach): only what provably never
//     reached the API's generator: 429, a 503 that carries Retry-After (the
//     server refused it and said when to come back), and requests that never
//     left (a refused connection, a failed TLS handshake, an HTTP/2 stream
//     refused unprocessed). Never another 5xx (a gateway's 502 or 504, or a
//     503 without Retry-After, may come after the API took it), a timeout or
//     a connection lost after sending, after which the summary may have been
//     made and paid for.
//   - write (Profiles.Create, Update): 429 and connections that failed before
//     sending; with WithIdempotencyKey, as read.
//
// Other 4xx are never retried, nor is anything once the context is done. A
// Retry-After (seconds or an HTTP date) on 429 or 503 is honoured up to
// WithMaxRetryAfter (default 60s); a longer one returns the 429 at once with
// APIError.RetryAfter set, so the caller can schedule. No wait outlasts the
// context's deadline. Request bodies are encoded once and sent byte for byte
// on every attempt. The retry policy is the only thing that sends a request
// again: net/http's own re-sending on reused keep-alive connections is kept
// off, so a call reaches the server at most 1 + WithMaxRetries times.
// Redirects to another host are not followed, so the key never leaves the API
// host.
//
// # Pacing
//
// A Client learns the rate its account may send at from the server's 429s and
// paces every attempt of every call to just under it; until the first 429
// nothing is held back, and after 2s without one it is unpaced again. A
// Retry-After of 2s or less holds back only the request that got it; a longer
// one pauses the whole Client until then, and the waiting requests are then
// released paced. WithRateLimit sets a ceiling, WithLimiter adds a limiter of
// your own (one a fleet shares), and Client.RateStats reports the learned rate
// and the counts of 429s and retries.
//
// The context bounds the whole call; WithTimeout bounds each attempt
// (default 30s, and 120s for summaries).
//
// # Activations
//
// Every summary spends one of the account's Activations. WithBudget caps what
// a Client (or several sharing one Budget) may spend: one Activation is taken
// before each summary attempt and given back when the attempt provably spent
// nothing; a summary the budget refuses fails before sending with
// ErrBudgetExhausted or ErrBudgetUnavailable. Identical summary calls in
// flight at once share one request, each caller with its own context;
// WithSummaryCache answers a repeated one from a cache, sending nothing.
// Summary.Source says which, and Client.ActivationStats counts what was
// spent, refunded, shared and cached. These count what the SDK sent: the
// account's own count at Fullstory is the truth.
//
// # Structured output
//
// A profile's LLMConfig.ResponseSchema (the quick-start guide's
// "output_schema"; the API field is "response_schema") asks the LLM for JSON
// that follows a Schema, Fullstory's upper-case dialect. SchemaFor derives one
// from a Go type, ParseSchema converts a standard JSON Schema, and
// Summary.Decode, DecodeSummary and SummarizeAs decode the result:
//
//	type Brief struct {
//		Goal   string   `json:"goal" jsonschema:"the user's primary goal"`
//		Issues []string `json:"issues"`
//	}
//	schema, err := fullstory.SchemaFor[Brief]()
//	brief, sum, err := fullstory.SummarizeAs[Brief](ctx, c, id, &fullstory.SummarizeRequest{Profile: profileID})
//
// # Logging
//
// Without WithLogger nothing is logged. With a *slog.Logger: each attempt at
// Debug, each retry at Info, each final failure at Warn, with method, path,
// status, attempt, duration and wait; never query strings, headers or bodies.
// Every line passes a handler that replaces the API key and the call's email
// or uid, wherever a server echoed them, with "[redacted]".
//
// # Testing
//
// Package fullstorytest is an in-memory fake of the API for tests:
// fullstorytest.NewServer().Client() returns a Client wired to it.
package fullstory
