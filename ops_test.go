package fullstory_test

import (
	"context"
	"net/http"

	fullstory "github.com/summarykit/fullstory-go"
)

// The one table of operations that the retry tests and the fault matrix
// drive, and the one oracle of which failures each of them retries.

// The quick-start guide's user and session ids, as the tests' session.
const (
	quickStartUser    = "6973903723107198876"
	quickStartSession = "5156932900183134039"
	quickStartEscaped = quickStartUser + "%3A" + quickStartSession
)

// quickStartSessionID is the session of the quick-start guide's examples.
var quickStartSessionID = fullstory.NewSessionID(quickStartUser, quickStartSession)

// supportAssistant is the quick-start guide's support assistant profile.
func supportAssistant() *fullstory.ProfileRequest {
	return &fullstory.ProfileRequest{
		Name: "Support assistant",
		ProfileConfig: fullstory.ProfileConfig{
			Events: &fullstory.EventsConfig{ExcludeTypes: []fullstory.EventType{fullstory.EventConsoleError, fullstory.EventNetworkError}},
			Slice:  &fullstory.SliceConfig{Mode: fullstory.SliceLast, EventLimit: 200},
			LLM: &fullstory.LLMConfig{
				PrePrompt:   "You are a support assistant. The following is a log of user session events. Please analyze carefully.",
				PostPrompt:  "Summarize the user's primary goal, any issues encountered (errors, rage clicks), the user's final action, and suggest a possible reason for any friction encountered. If the user visited help pages, list them.",
				Temperature: fullstory.Ptr(0.2),
			},
		},
	}
}

// opClass is a retry class as the caller sees it.
type opClass int

const (
	classRead    opClass = iota // Profiles.Get/List/Delete, Sessions.List/Events/Context
	classSummary                // Sessions.Summarize, GET and POST
	classWrite                  // Profiles.Create/Update
	classKeyed                  // Profiles.Create/Update with WithIdempotencyKey
)

func (c opClass) String() string {
	return [...]string{"read", "summary", "write", "write+key"}[c]
}

// Failures other than a status, for the oracle.
const (
	failRefused = -1 - iota // the connection was refused: nothing was sent
	failLost                // the connection broke after the request was written
	failTimeout             // the attempt timed out waiting for the response
	failDone                // the caller's context ended: never retried
	// fail503RetryAfter is a 503 that says when to come back: the server
	// refused the request, so a summary may be sent again too.
	fail503RetryAfter
)

// retried says whether an operation of class is retried after failure (a
// status, or one of the fail constants): the retry classes of the README's
// Retries table, written out independently of the library.
func retried(class opClass, failure int) bool {
	likeRead := class == classRead || class == classKeyed
	switch failure {
	case failRefused, http.StatusTooManyRequests:
		return true
	case fail503RetryAfter:
		return likeRead || class == classSummary
	case failLost, failTimeout, http.StatusInternalServerError:
		return likeRead
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		// A summary is not: a gateway may answer them after the API took
		// it. (A 503 with Retry-After is: see TestSummaryRetriedOn503WithRetryAfter.)
		return likeRead
	}
	return false
}

// testIdemKey is the idempotency key of the keyed writes.
const testIdemKey = "idem-7f3c"

// okBody is a success body that every operation but Sessions.Events can
// decode: each reads only its own fields. (A profile reads a top-level
// "events" as its events settings, so the events list has its own body.)
const okBody = `{"id":"p1","name":"support","profiles":[{"id":"p1","name":"support"}],` +
	`"sessions":[{"userId":"4242","sessionId":"777","createdTime":"1700000000"}],` +
	`"context_data":{"context":{"session_id":"4242:777"},"pages":[]},` +
	`"summary":"The user tried to pay twice and gave up."}`

// okEventsBody is the success body of Sessions.Events.
const okEventsBody = `{"events":[{"device_id":"4242","session_id":"777","event_type":"click","event_time":"2024-05-01T10:00:00Z"}]}`

// testSession is the session the operations read; testSessionEscaped is
// its path segment.
var testSession = fullstory.NewSessionID("4242", "777")

// testOp is one API method, called in a way any server reply suits.
type testOp struct {
	name   string
	class  opClass
	method string
	noBody bool   // reads no success body (Delete, Update)
	okBody string // a success body the method accepts
	// zeroRetries says that the call passes WithMaxRetries(0).
	zeroRetries bool
	call        func(ctx context.Context, c *fullstory.Client, opts ...fullstory.Option) error
}

// attempts is how many attempts op makes on a client with clientRetries,
// given whether its failure is retried.
func (op testOp) attempts(clientRetries int, isRetried bool) int {
	if !isRetried || op.zeroRetries {
		return 1
	}
	return 1 + clientRetries
}

// testOps returns every API method, the writes again with an idempotency
// key (which retries them like reads), and a read with WithMaxRetries(0).
// Sessions.List carries the secret email and uid.
func testOps() []testOp {
	req := &fullstory.ProfileRequest{Name: "support", ProfileConfig: fullstory.ProfileConfig{
		LLM: &fullstory.LLMConfig{PrePrompt: "You are a support assistant.", Temperature: fullstory.Ptr(0.2)},
	}}
	overrides := &fullstory.SummarizeRequest{Profile: "p1", Overrides: &fullstory.ProfileConfig{
		Slice:  &fullstory.SliceConfig{Mode: fullstory.SliceLast, EventLimit: 50},
		Events: &fullstory.EventsConfig{IncludeTypes: []fullstory.EventType{"Added to Cart"}},
	}}
	key := fullstory.WithIdempotencyKey(testIdemKey)
	with := func(opts []fullstory.Option, more ...fullstory.Option) []fullstory.Option {
		return append(append([]fullstory.Option(nil), more...), opts...)
	}
	return []testOp{
		{"Profiles.Get", classRead, "GET", false, okBody, false, func(ctx context.Context, c *fullstory.Client, opts ...fullstory.Option) error {
			_, err := c.Profiles.Get(ctx, "p1", opts...)
			return err
		}},
		{"Profiles.Get WithMaxRetries(0)", classRead, "GET", false, okBody, true, func(ctx context.Context, c *fullstory.Client, opts ...fullstory.Option) error {
			_, err := c.Profiles.Get(ctx, "p1", with(opts, fullstory.WithMaxRetries(0))...)
			return err
		}},
		{"Profiles.List", classRead, "GET", false, okBody, false, func(ctx context.Context, c *fullstory.Client, opts ...fullstory.Option) error {
			_, err := c.Profiles.List(ctx, &fullstory.ListProfilesOptions{Limit: 10}, opts...)
			return err
		}},
		{"Profiles.Delete", classRead, "DELETE", true, okBody, false, func(ctx context.Context, c *fullstory.Client, opts ...fullstory.Option) error {
			return c.Profiles.Delete(ctx, "p1", opts...)
		}},
		{"Sessions.List", classRead, "GET", false, okBody, false, func(ctx context.Context, c *fullstory.Client, opts ...fullstory.Option) error {
			_, err := c.Sessions.List(ctx, &fullstory.ListSessionsOptions{UID: secretUID, Email: secretEmail, Limit: 10}, opts...)
			return err
		}},
		{"Sessions.Events", classRead, "GET", false, okEventsBody, false, func(ctx context.Context, c *fullstory.Client, opts ...fullstory.Option) error {
			_, err := c.Sessions.Events(ctx, testSession, opts...)
			return err
		}},
		{"Sessions.Context", classRead, "POST", false, okBody, false, func(ctx context.Context, c *fullstory.Client, opts ...fullstory.Option) error {
			_, err := c.Sessions.Context(ctx, testSession, &fullstory.ProfileConfig{Slice: &fullstory.SliceConfig{Mode: fullstory.SliceLast, EventLimit: 10}}, opts...)
			return err
		}},
		{"Sessions.Summarize GET", classSummary, "GET", false, okBody, false, func(ctx context.Context, c *fullstory.Client, opts ...fullstory.Option) error {
			_, err := c.Sessions.Summarize(ctx, testSession, &fullstory.SummarizeRequest{Profile: "p1"}, opts...)
			return err
		}},
		{"Sessions.Summarize POST", classSummary, "POST", false, okBody, false, func(ctx context.Context, c *fullstory.Client, opts ...fullstory.Option) error {
			_, err := c.Sessions.Summarize(ctx, testSession, overrides, opts...)
			return err
		}},
		{"Profiles.Create", classWrite, "POST", false, okBody, false, func(ctx context.Context, c *fullstory.Client, opts ...fullstory.Option) error {
			_, err := c.Profiles.Create(ctx, req, opts...)
			return err
		}},
		{"Profiles.Update", classWrite, "POST", true, okBody, false, func(ctx context.Context, c *fullstory.Client, opts ...fullstory.Option) error {
			return c.Profiles.Update(ctx, "p1", req, opts...)
		}},
		{"Profiles.Create+key", classKeyed, "POST", false, okBody, false, func(ctx context.Context, c *fullstory.Client, opts ...fullstory.Option) error {
			_, err := c.Profiles.Create(ctx, req, with(opts, key)...)
			return err
		}},
		{"Profiles.Update+key", classKeyed, "POST", true, okBody, false, func(ctx context.Context, c *fullstory.Client, opts ...fullstory.Option) error {
			return c.Profiles.Update(ctx, "p1", req, with(opts, key)...)
		}},
	}
}
