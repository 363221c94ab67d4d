package fullstoryotel

import (
	"context"
	"net/http"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"

	fullstory "github.com/summarykit/fullstory-go"
)

// WithMeterProvider makes the Client measure its calls with mp: calls and
// attempts by operation and outcome, their durations, 429s, retries, the
// Activations of summaries and the learned rate (see the package doc). nil
// means the global provider (otel.GetMeterProvider). It is a Client
// option, built on fullstory.WithHooks.
//
// The rate gauge is the last rate reported by a Client built with this
// option: give each Client its own WithMeterProvider.
func WithMeterProvider(mp metric.MeterProvider) fullstory.Option {
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	m := newMeters(mp.Meter(scope))
	return fullstory.WithHooks(fullstory.Hooks{
		CallStart:  m.callStart,
		CallEnd:    m.callEnd,
		AttemptEnd: m.attemptEnd,
		Wait:       m.wait,
		Activation: m.activation,
		RateChange: m.rateChange,
	})
}

// durationBuckets are the HTTP conventions' boundaries of
// http.client.request.duration, in seconds, up to the 120s a summary may
// take.
var durationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 15, 30, 60, 120}

// meters is the Hooks of WithMeterProvider.
type meters struct {
	calls, attempts, retries, throttled, activations metric.Int64Counter
	callDuration, attemptDuration                    metric.Float64Histogram
	rate                                             metric.Float64Gauge
}

func newMeters(m metric.Meter) *meters {
	ms := &meters{}
	counter := func(name, unit, desc string) metric.Int64Counter {
		c, err := m.Int64Counter(name, metric.WithUnit(unit), metric.WithDescription(desc))
		handle(err)
		return c
	}
	histogram := func(name, desc string) metric.Float64Histogram {
		h, err := m.Float64Histogram(name, metric.WithUnit("s"), metric.WithDescription(desc),
			metric.WithExplicitBucketBoundaries(durationBuckets...))
		handle(err)
		return h
	}
	ms.calls = counter("fullstory.client.calls", "{call}", "Calls of the Client's methods, by operation and outcome.")
	ms.attempts = counter("fullstory.client.attempts", "{attempt}", "HTTP requests sent, retries included, by operation and outcome.")
	ms.retries = counter("fullstory.client.retries", "{retry}", "Attempts sent again, by the reason for the retry.")
	ms.throttled = counter("fullstory.client.throttled", "{response}", "Attempts answered 429 Too Many Requests.")
	ms.activations = counter("fullstory.client.activations", "{activation}",
		"Activations of summary calls: spent (may have been billed), refunded (provably not), shared or cached (no request of their own).")
	ms.callDuration = histogram("fullstory.client.call.duration", "Duration of calls, retries and waits included.")
	ms.attemptDuration = histogram("fullstory.client.attempt.duration", "Duration of attempts, from sending to the end of the body.")
	var err error
	ms.rate, err = m.Float64Gauge("fullstory.client.rate", metric.WithUnit("{attempt}/s"),
		metric.WithDescription("The attempts per second the Client learned to send at from 429s; 0 while unpaced."))
	handle(err)
	return ms
}

// handle reports an error of the meter, as instrumentation libraries do:
// the instrument it returned still works, as a no-op.
func handle(err error) {
	if err != nil {
		otel.Handle(err)
	}
}

// callStartKey holds the start of a call, in its context.
type callStartKey struct{}

func (m *meters) callStart(ctx context.Context, _ *fullstory.CallInfo) context.Context {
	return context.WithValue(ctx, callStartKey{}, time.Now())
}

func (m *meters) callEnd(ctx context.Context, call *fullstory.CallInfo, err error) {
	attrs := append(httpAttrs(call), outcome(err != nil))
	if err != nil {
		attrs = append(attrs, semconv.ErrorTypeKey.String(callErrorType(err)))
	}
	if call.Operation == summarize {
		attrs = append(attrs, keySource.String(call.Source.String()))
	}
	set := metric.WithAttributeSet(attribute.NewSet(attrs...))
	m.calls.Add(ctx, 1, set)
	if start, ok := ctx.Value(callStartKey{}).(time.Time); ok {
		m.callDuration.Record(ctx, time.Since(start).Seconds(), set)
	}
}

func (m *meters) attemptEnd(ctx context.Context, a *fullstory.AttemptInfo) {
	et := attemptErrorType(a)
	attrs := append(httpAttrs(a.Call), outcome(et != ""))
	if a.Status != 0 {
		attrs = append(attrs, semconv.HTTPResponseStatusCode(a.Status))
	}
	if et != "" {
		attrs = append(attrs, semconv.ErrorTypeKey.String(et))
	}
	set := metric.WithAttributeSet(attribute.NewSet(attrs...))
	m.attempts.Add(ctx, 1, set)
	m.attemptDuration.Record(ctx, a.Duration.Seconds(), set)
	if a.Status == http.StatusTooManyRequests {
		m.throttled.Add(ctx, 1, metric.WithAttributes(keyOperation.String(a.Call.Operation)))
	}
}

func (m *meters) wait(ctx context.Context, w *fullstory.WaitInfo) {
	if w.Reason == "pacing" {
		return // a wait before the attempt, not a retry
	}
	m.retries.Add(ctx, 1, metric.WithAttributes(keyOperation.String(w.Call.Operation), keyRetryReason.String(w.Reason)))
}

func (m *meters) activation(ctx context.Context, call *fullstory.CallInfo, ev fullstory.ActivationEvent) {
	if ev == fullstory.ActivationReserved {
		return // each reservation ends spent or refunded: counted then
	}
	m.activations.Add(ctx, 1, metric.WithAttributes(keyOperation.String(call.Operation), keyActivationEvent.String(ev.String())))
}

func (m *meters) rateChange(_, rate float64) {
	m.rate.Record(context.Background(), rate)
}
