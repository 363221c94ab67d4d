package fullstoryotel_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstoryotel"
	"github.com/summarykit/fullstory-go/fullstorytest"
)

// A summary is a client span named for the method, child of the caller's
// span, with one client span per attempt whose trace context the server
// received as traceparent.
func TestSummarySpans(t *testing.T) {
	srv := newFake(t)
	tel := newTelemetry(t)
	c := srv.Client(tel.options()...)
	ctx, parent := tel.parent(t)
	_, err := c.Sessions.Summarize(ctx, fullstorytest.DemoCheckoutSession, nil)
	require.NoError(t, err)

	call := tel.one(t, callName)
	assert.Equal(t, trace.SpanKindClient, call.SpanKind())
	assert.Equal(t, parent.SpanContext().SpanID(), call.Parent().SpanID())
	assert.Equal(t, parent.SpanContext().TraceID(), call.SpanContext().TraceID())
	assert.Equal(t, codes.Unset, call.Status().Code)
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	port, err := strconv.Atoi(u.Port())
	require.NoError(t, err)
	a := attrs(call.Attributes())
	assert.Equal(t, "Sessions.Summarize", a["fullstory.operation"].AsString())
	assert.Equal(t, "GET", a["http.request.method"].AsString())
	assert.Equal(t, "127.0.0.1", a["server.address"].AsString())
	assert.EqualValues(t, port, a["server.port"].AsInt64())
	assert.Equal(t, "/v2/sessions/{session_id}/summary", a["url.template"].AsString())
	assert.EqualValues(t, 200, a["http.response.status_code"].AsInt64())
	assert.EqualValues(t, 1, a["fullstory.attempts"].AsInt64())
	assert.Equal(t, "api", a["fullstory.summary.source"].AsString())
	for _, key := range []string{"url.full", "fullstory.session.id", "error.type"} {
		assert.NotContains(t, a, key)
	}
	assert.Equal(t, []string{"reserved 1", "spent 1"}, activations(call))

	attempts := tel.childrenOf(call)
	require.Len(t, attempts, 1)
	at := attempts[0]
	assert.Equal(t, attemptName, at.Name())
	assert.Equal(t, trace.SpanKindClient, at.SpanKind())
	assert.Equal(t, codes.Unset, at.Status().Code)
	aa := attrs(at.Attributes())
	assert.EqualValues(t, 200, aa["http.response.status_code"].AsInt64())
	assert.EqualValues(t, 1, aa["fullstory.attempt"].AsInt64())
	assert.Equal(t, "/v2/sessions/{session_id}/summary", aa["url.template"].AsString())
	assert.NotContains(t, aa, "http.request.resend_count", "the first attempt is no resend")
	assert.False(t, at.EndTime().After(call.EndTime()))

	reqs := summaries(srv)
	require.Len(t, reqs, 1)
	assert.Equal(t, traceparent(at.SpanContext()), reqs[0].Header.Get("Traceparent"))
}

// Each attempt of a retried summary is a span of its own, sent with its own
// traceparent; the call's events say why it waited and what each attempt
// did with its Activation.
func TestRetriedSummarySpans(t *testing.T) {
	for name, tc := range map[string]struct {
		fault  fullstorytest.Fault
		status int
		reason string
	}{
		"429":                  {throttled, 429, "rate limited (429)"},
		"503 with Retry-After": {retryable503, 503, "server unavailable (503) with Retry-After"},
	} {
		t.Run(name, func(t *testing.T) {
			srv := newFake(t)
			srv.InjectFault(tc.fault)
			tel := newTelemetry(t)
			c := srv.Client(tel.options()...)
			summarize(t, c)

			call := tel.one(t, callName)
			assert.EqualValues(t, 2, attrs(call.Attributes())["fullstory.attempts"].AsInt64())
			assert.Equal(t, codes.Unset, call.Status().Code, "the call succeeded")
			attempts := tel.childrenOf(call)
			require.Len(t, attempts, 2)

			first, second := attrs(attempts[0].Attributes()), attrs(attempts[1].Attributes())
			assert.EqualValues(t, tc.status, first["http.response.status_code"].AsInt64())
			assert.Equal(t, strconv.Itoa(tc.status), first["error.type"].AsString())
			assert.Equal(t, codes.Error, attempts[0].Status().Code)
			assert.NotContains(t, first, "http.request.resend_count")
			assert.EqualValues(t, 200, second["http.response.status_code"].AsInt64())
			assert.EqualValues(t, 2, second["fullstory.attempt"].AsInt64())
			assert.EqualValues(t, 1, second["http.request.resend_count"].AsInt64())
			assert.NotContains(t, second, "error.type")
			assert.Equal(t, codes.Unset, attempts[1].Status().Code)

			waits := events(call, "fullstory.wait")
			var retries []string
			for _, w := range waits {
				if r := w["fullstory.wait.reason"].AsString(); r != "pacing" {
					retries = append(retries, r)
					assert.EqualValues(t, 2, w["fullstory.attempt"].AsInt64(), "the retry is attempt 2")
				}
			}
			assert.Equal(t, []string{tc.reason}, retries)
			assert.Equal(t, []string{"reserved 1", "refunded 1", "reserved 2", "spent 2"}, activations(call))

			reqs := summaries(srv)
			require.Len(t, reqs, 2)
			for i, r := range reqs {
				assert.Equal(t, traceparent(attempts[i].SpanContext()), r.Header.Get("Traceparent"), "attempt %d", i+1)
			}
		})
	}
}

// A failed call records its error on the span, without the session id.
func TestFailedCallRecordsTheError(t *testing.T) {
	srv := newFake(t)
	tel := newTelemetry(t)
	c := srv.Client(tel.options()...)
	missing := fullstory.NewSessionID("1111111111111111111", "2222222222222222222")
	_, err := c.Sessions.Summarize(t.Context(), missing, nil)
	require.ErrorIs(t, err, fullstory.ErrNotFound)
	require.Contains(t, err.Error(), "1111111111111111111", "the error names the session, as the test needs")

	call := tel.one(t, callName)
	assert.Equal(t, codes.Error, call.Status().Code)
	a := attrs(call.Attributes())
	assert.Equal(t, "404", a["error.type"].AsString())
	exc := events(call, "exception")
	require.Len(t, exc, 1)
	assert.Equal(t, "*fullstory.APIError", exc[0]["exception.type"].AsString())
	msg := exc[0]["exception.message"].AsString()
	assert.Contains(t, msg, "GET /v2/sessions/{session_id}/summary: 404 Not Found")
	assert.Equal(t, msg, call.Status().Description)
	for _, part := range []string{"1111111111111111111", "2222222222222222222", "%3A"} {
		assert.NotContains(t, msg, part)
	}
	assert.Equal(t, []string{"reserved 1", "refunded 1"}, activations(call))

	attempts := tel.childrenOf(call)
	require.Len(t, attempts, 1)
	assert.Equal(t, codes.Error, attempts[0].Status().Code)
	assert.Equal(t, "404", attrs(attempts[0].Attributes())["error.type"].AsString())
}

// An attempt that got no response records why, and so does the call.
func TestTransportErrorIsRecorded(t *testing.T) {
	hs, opts := newServer(t, func(http.ResponseWriter, *http.Request) {})
	hs.Close() // nothing listens any more: every attempt fails to connect
	tel := newTelemetry(t)
	c, err := fullstory.NewClient("key", append(append(opts, fullstory.WithMaxRetries(1)), tel.options()...)...)
	require.NoError(t, err)
	_, err = c.Profiles.Get(t.Context(), "support-v2")
	require.Error(t, err)

	call := tel.one(t, "fullstory Profiles.Get")
	assert.Equal(t, codes.Error, call.Status().Code)
	assert.Equal(t, "transport_error", attrs(call.Attributes())["error.type"].AsString())
	assert.Len(t, events(call, "exception"), 1)
	var attempts []sdktrace.ReadOnlySpan
	for _, s := range tel.named("GET /v2/visit_profile/{id}") {
		if s.Parent().SpanID() == call.SpanContext().SpanID() {
			attempts = append(attempts, s)
		}
	}
	require.Len(t, attempts, 2, "a connection refused is retried")
	for _, at := range attempts {
		assert.Equal(t, codes.Error, at.Status().Code)
		a := attrs(at.Attributes())
		assert.Equal(t, "transport_error", a["error.type"].AsString())
		assert.NotContains(t, a, "http.response.status_code")
		exc := events(at, "exception")
		require.Len(t, exc, 1)
		assert.Contains(t, exc[0]["exception.message"].AsString(), "connect")
	}
}

// A summary the Budget refuses is a failed span with no attempt, and
// nothing reaches the server.
func TestBudgetRefusalSpan(t *testing.T) {
	tel := newTelemetry(t)
	srv := budgetRefused(t, tel)

	call := tel.one(t, callName)
	assert.Equal(t, codes.Error, call.Status().Code)
	a := attrs(call.Attributes())
	assert.Equal(t, "budget_exhausted", a["error.type"].AsString())
	assert.EqualValues(t, 0, a["fullstory.attempts"].AsInt64())
	assert.Empty(t, tel.named(attemptName))
	assert.Empty(t, activations(call), "nothing was reserved")
	assert.Empty(t, summaries(srv))
}

// A summary from the cache is a span with no attempt, its source "cache".
func TestCachedSummarySpan(t *testing.T) {
	tel := newTelemetry(t)
	srv, _ := cachedTwice(t, tel)
	calls := tel.named(callName)
	require.Len(t, calls, 2)
	assert.Len(t, tel.childrenOf(calls[0]), 1)
	assert.Equal(t, "api", attrs(calls[0].Attributes())["fullstory.summary.source"].AsString())

	hit := calls[1]
	a := attrs(hit.Attributes())
	assert.Equal(t, "cache", a["fullstory.summary.source"].AsString())
	assert.EqualValues(t, 0, a["fullstory.attempts"].AsInt64())
	assert.NotContains(t, a, "http.response.status_code")
	assert.Empty(t, tel.childrenOf(hit))
	assert.Equal(t, []string{"cached"}, activations(hit))
	assert.Len(t, summaries(srv), 1)
}

// Identical summaries at once share one request: the call that joined is a
// span of its own with the source "shared" and no attempt; the attempt is
// the first call's.
func TestSharedSummarySpan(t *testing.T) {
	tel := newTelemetry(t)
	srv, _ := sharedTwice(t, tel)

	calls := tel.named(callName)
	require.Len(t, calls, 2)
	leader, follower := calls[0], calls[1]
	assert.Equal(t, "api", attrs(leader.Attributes())["fullstory.summary.source"].AsString())
	assert.Len(t, tel.childrenOf(leader), 1)
	assert.Equal(t, []string{"reserved 1", "spent 1"}, activations(leader))
	assert.Equal(t, "shared", attrs(follower.Attributes())["fullstory.summary.source"].AsString())
	assert.Empty(t, tel.childrenOf(follower))
	assert.Equal(t, []string{"shared"}, activations(follower))
	assert.Len(t, summaries(srv), 1)
}

// WithSessionIDs puts the session id on the spans, and keeps it in errors.
func TestWithSessionIDs(t *testing.T) {
	srv := newFake(t)
	tel := newTelemetry(t)
	c := srv.Client(tel.options(fullstoryotel.WithSessionIDs())...)
	summarize(t, c)
	missing := fullstory.NewSessionID("1111111111111111111", "2222222222222222222")
	_, err := c.Sessions.Summarize(t.Context(), missing, nil)
	require.ErrorIs(t, err, fullstory.ErrNotFound)

	calls := tel.named(callName)
	require.Len(t, calls, 2)
	want := srv.URL + "/v2/sessions/" + fullstorytest.DemoCheckoutSession.PathEscaped() + "/summary"
	for _, s := range append([]sdktrace.ReadOnlySpan{calls[0]}, tel.childrenOf(calls[0])...) {
		a := attrs(s.Attributes())
		assert.Equal(t, fullstorytest.DemoCheckoutSession.String(), a["fullstory.session.id"].AsString(), s.Name())
		assert.Equal(t, want, a["url.full"].AsString(), s.Name())
	}
	exc := events(calls[1], "exception")
	require.Len(t, exc, 1)
	assert.Contains(t, exc[0]["exception.message"].AsString(), "1111111111111111111%3A2222222222222222222")
}

// WithPropagator chooses what goes out; by default the global propagator
// does, once one is set.
func TestPropagators(t *testing.T) {
	t.Run("WithPropagator", func(t *testing.T) {
		srv := newFake(t)
		tel := newTelemetry(t)
		c := srv.Client(fullstoryotel.WithTracing(tel.tp, fullstoryotel.WithPropagator(spanIDPropagator{})))
		summarize(t, c)
		req := spanIDSent(t, srv, tel)
		assert.Empty(t, req.Header.Get("Traceparent"))
	})
	t.Run("global", func(t *testing.T) {
		prev := otel.GetTextMapPropagator()
		otel.SetTextMapPropagator(spanIDPropagator{})
		t.Cleanup(func() { otel.SetTextMapPropagator(prev) })
		srv := newFake(t)
		tel := newTelemetry(t)
		c := srv.Client(fullstoryotel.WithTracerProvider(tel.tp))
		summarize(t, c)
		spanIDSent(t, srv, tel)
	})
}

// spanIDSent checks that the one summary request srv received carried the
// attempt span's id as X-Span-Id, and returns it.
func spanIDSent(t *testing.T, srv *fullstorytest.Server, tel *telemetry) fullstorytest.Request {
	t.Helper()
	at := tel.one(t, attemptName)
	reqs := summaries(srv)
	require.Len(t, reqs, 1)
	assert.Equal(t, at.SpanContext().SpanID().String(), reqs[0].Header.Get("X-Span-Id"))
	return reqs[0]
}

// spanIDPropagator sends the span id as X-Span-Id.
type spanIDPropagator struct{}

func (spanIDPropagator) Inject(ctx context.Context, c propagation.TextMapCarrier) {
	c.Set("X-Span-Id", trace.SpanContextFromContext(ctx).SpanID().String())
}
func (spanIDPropagator) Extract(ctx context.Context, _ propagation.TextMapCarrier) context.Context {
	return ctx
}
func (spanIDPropagator) Fields() []string { return []string{"X-Span-Id"} }

// A header of the caller's is not replaced by the trace context.
func TestCallersTraceparentIsKept(t *testing.T) {
	srv := newFake(t)
	tel := newTelemetry(t)
	const mine = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
	c := srv.Client(append(tel.options(), fullstory.WithHeader("Traceparent", mine))...)
	summarize(t, c)
	reqs := summaries(srv)
	require.Len(t, reqs, 1)
	assert.Equal(t, []string{mine}, reqs[0].Header.Values("Traceparent"))
}

// Every method is a span named for it; paths with ids are templates.
func TestSpanNamesOfEveryMethod(t *testing.T) {
	srv := newFake(t)
	tel := newTelemetry(t)
	c := srv.Client(tel.options()...)
	ctx := t.Context()
	_, err := c.Sessions.List(ctx, &fullstory.ListSessionsOptions{Email: fullstorytest.DemoEmail})
	require.NoError(t, err)
	_, err = c.Sessions.Events(ctx, fullstorytest.DemoCheckoutSession)
	require.NoError(t, err)
	_, err = c.Sessions.Context(ctx, fullstorytest.DemoCheckoutSession, nil)
	require.NoError(t, err)
	id, err := c.Profiles.Create(ctx, &fullstory.ProfileRequest{Name: "support"})
	require.NoError(t, err)
	_, err = c.Profiles.Get(ctx, id)
	require.NoError(t, err)
	_, err = c.Profiles.List(ctx, nil)
	require.NoError(t, err)
	require.NoError(t, c.Profiles.Delete(ctx, id))

	want := map[string]string{
		"fullstory Sessions.List":    "GET /sessions/v2",
		"fullstory Sessions.Events":  "GET /v2/sessions/{session_id}/events",
		"fullstory Sessions.Context": "POST /v2/sessions/{session_id}/context",
		"fullstory Profiles.Create":  "POST /v2/visit_profile",
		"fullstory Profiles.Get":     "GET /v2/visit_profile/{id}",
		"fullstory Profiles.List":    "GET /v2/visit_profile",
		"fullstory Profiles.Delete":  "DELETE /v2/visit_profile/{id}",
	}
	got := map[string]string{}
	for _, s := range tel.spans.Ended() {
		if !strings.HasPrefix(s.Name(), "fullstory ") {
			continue
		}
		for _, child := range tel.spans.Ended() {
			if child.Parent().SpanID() == s.SpanContext().SpanID() {
				got[s.Name()] = child.Name()
			}
		}
		assert.NotContains(t, attrs(s.Attributes()), "fullstory.summary.source", "%s is no summary", s.Name())
	}
	assert.Equal(t, want, got)
}

// The option is a Client option: a method refuses it.
func TestOptionsAreClientOptions(t *testing.T) {
	srv := newFake(t)
	tel := newTelemetry(t)
	c := srv.Client()
	for _, opt := range tel.options() {
		_, err := c.Sessions.Summarize(t.Context(), fullstorytest.DemoCheckoutSession, nil, opt)
		require.ErrorIs(t, err, fullstory.ErrInvalidArgument)
	}
	assert.Empty(t, summaries(srv))
	assert.Empty(t, tel.spans.Ended())
}

// nil providers are the global ones, not a panic.
func TestNilProvidersAreTheGlobalOnes(t *testing.T) {
	srv := newFake(t)
	c := srv.Client(fullstoryotel.WithTracerProvider(nil), fullstoryotel.WithMeterProvider(nil), fullstoryotel.WithTracing(nil, nil, fullstoryotel.WithPropagator(nil)))
	summarize(t, c)
}
