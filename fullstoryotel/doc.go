// Package fullstoryotel traces and measures the calls of a fullstory.Client
// with OpenTelemetry. It plugs into the Client's hooks (fullstory.WithHooks),
// so the package fullstory itself never imports OpenTelemetry:
//
//	c, err := fullstory.NewClient(key,
//		fullstoryotel.WithTracerProvider(tp),
//		fullstoryotel.WithMeterProvider(mp),
//	)
//
// # Traces
//
// Each call is a span of kind client named for its method, such as
// "fullstory Sessions.Summarize", a child of the span in the call's
// context. Each attempt sent is a child span of the call, of kind client,
// named as the HTTP semantic conventions name a request ("GET
// /v2/sessions/{session_id}/summary"), and the W3C trace context of that
// attempt span goes out with the request (traceparent), through the
// propagator of WithPropagator, else the global one (otel.SetTextMapPropagator),
// else W3C trace context alone.
//
// Attributes follow the semantic conventions for HTTP clients where they
// apply: http.request.method, server.address, server.port, url.template
// (the path with placeholders), http.response.status_code, error.type and,
// on attempts after the first, http.request.resend_count. Ours: fullstory.operation,
// fullstory.attempt (on attempt spans and events), fullstory.attempts (the
// attempts of the call's request, at its end: for a shared summary, those
// of the request it shared) and, on summaries, fullstory.summary.source
// ("api", "shared" or "cache"). The call span has an event "fullstory.wait"
// for each wait (fullstory.wait.reason: "pacing" or why the call retries;
// fullstory.wait.duration in seconds, when known) and an event
// "fullstory.activation" for each Activation event of a summary
// (fullstory.activation.event: "reserved", "spent", "refunded", "shared" or
// "cached"). A failed call or attempt has status Error and an "exception"
// event, as Span.RecordError records it.
//
// # Metrics
//
// Counters fullstory.client.calls, fullstory.client.attempts,
// fullstory.client.retries (by fullstory.retry.reason), fullstory.client.throttled
// (429 responses) and fullstory.client.activations (by fullstory.activation.event:
// spent, refunded, shared, cached); histograms fullstory.client.call.duration
// and fullstory.client.attempt.duration, in seconds; and the gauge
// fullstory.client.rate, the attempts per second the Client has learned to
// send at (0: unpaced). Calls and attempts carry fullstory.operation,
// fullstory.outcome ("success" or "error"), error.type when they failed,
// and the HTTP attributes above; calls of summaries carry
// fullstory.summary.source.
//
// # What is never recorded
//
// No API key, no query string (so no email, uid or session uid that a call
// looked up), no request or response body, and no session id: url.full and
// the path are left out, url.template stands in for them, and session ids
// in error messages are replaced with {session_id}. WithSessionIDs opts in to
// session ids on spans (url.full without its query, and fullstory.session.id),
// never on metrics.
package fullstoryotel

// scope is the instrumentation scope of the tracer and the meter.
const scope = "github.com/summarykit/fullstory-go/fullstoryotel"
