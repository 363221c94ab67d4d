package fullstoryotel

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	fullstory "github.com/summarykit/fullstory-go"
)

// WithTracerProvider makes the Client trace its calls with tp: a span per
// call and a child span per attempt, whose trace context is sent with the
// request (see the package doc). nil means the global provider
// (otel.GetTracerProvider). It is a Client option, built on
// fullstory.WithHooks; WithTracing takes TracingOptions too.
func WithTracerProvider(tp trace.TracerProvider) fullstory.Option {
	return WithTracing(tp)
}

// WithTracing is WithTracerProvider with TracingOptions: the propagator,
// and session ids on spans. It is a Client option: a method refuses it.
func WithTracing(tp trace.TracerProvider, opts ...TracingOption) fullstory.Option {
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	t := &tracing{tracer: tp.Tracer(scope)}
	for _, opt := range opts {
		if opt != nil {
			opt(t)
		}
	}
	return fullstory.WithHooks(fullstory.Hooks{
		CallStart:    t.callStart,
		CallEnd:      t.callEnd,
		AttemptStart: t.attemptStart,
		AttemptEnd:   t.attemptEnd,
		Wait:         t.wait,
		Activation:   t.activation,
	})
}

// TracingOption configures WithTracing.
type TracingOption func(*tracing)

// WithPropagator sends each attempt's trace context with p instead of the
// global propagator (otel.GetTextMapPropagator; W3C trace context while
// none was set). A propagator that sends baggage sends it to Fullstory:
// WithPropagator(propagation.TraceContext{}) sends only traceparent and
// tracestate. nil means the default.
func WithPropagator(p propagation.TextMapPropagator) TracingOption {
	return func(t *tracing) { t.propagator = p }
}

// WithSessionIDs puts the session id of a call on its spans, as
// fullstory.session.id ("userId:sessionId") and in url.full (never the
// query), and keeps it in error messages. Without it, no span holds a
// session id. Metrics never do.
func WithSessionIDs() TracingOption {
	return func(t *tracing) { t.sessionIDs = true }
}

// tracing is the Hooks of WithTracing.
type tracing struct {
	tracer     trace.Tracer
	propagator propagation.TextMapPropagator // nil: the global one, else W3C trace context
	sessionIDs bool
}

// callSpan is the span of one call, in the call's context. A shared
// summary's request may go on after its first caller returned, on a
// goroutine of its own, so attempt is atomic.
type callSpan struct {
	span    trace.Span
	attempt atomic.Int64 // the attempt started last
}

// attemptSpan is the span of one attempt, in the attempt's context.
type attemptSpan struct{ span trace.Span }

type (
	callKey    struct{}
	attemptKey struct{}
)

func (t *tracing) callStart(ctx context.Context, call *fullstory.CallInfo) context.Context {
	attrs := httpAttrs(call)
	if t.sessionIDs {
		attrs = append(attrs, sessionAttrs(call)...)
	}
	ctx, span := t.tracer.Start(ctx, "fullstory "+call.Operation,
		trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
	return context.WithValue(ctx, callKey{}, &callSpan{span: span})
}

func (t *tracing) callEnd(ctx context.Context, call *fullstory.CallInfo, err error) {
	cs, _ := ctx.Value(callKey{}).(*callSpan)
	if cs == nil {
		return
	}
	span := cs.span
	span.SetAttributes(keyAttempts.Int(call.Attempts))
	if call.Status != 0 {
		span.SetAttributes(semconv.HTTPResponseStatusCode(call.Status))
	}
	if call.Operation == summarize {
		span.SetAttributes(keySource.String(call.Source.String()))
	}
	if err != nil {
		span.SetAttributes(semconv.ErrorTypeKey.String(callErrorType(err)))
		t.recordError(span, call, err)
	}
	span.End()
}

func (t *tracing) attemptStart(ctx context.Context, a *fullstory.AttemptInfo) context.Context {
	attrs := append(httpAttrs(a.Call), keyAttempt.Int(a.Attempt))
	if a.Attempt > 1 {
		attrs = append(attrs, semconv.HTTPRequestResendCount(a.Attempt-1))
	}
	if t.sessionIDs {
		attrs = append(attrs, sessionAttrs(a.Call)...)
	}
	ctx, span := t.tracer.Start(ctx, a.Call.Method+" "+a.Call.Route,
		trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
	if cs, _ := ctx.Value(callKey{}).(*callSpan); cs != nil {
		cs.attempt.Store(int64(a.Attempt))
	}
	t.propagate().Inject(ctx, propagation.HeaderCarrier(a.Header))
	return context.WithValue(ctx, attemptKey{}, &attemptSpan{span: span})
}

func (t *tracing) attemptEnd(ctx context.Context, a *fullstory.AttemptInfo) {
	as, _ := ctx.Value(attemptKey{}).(*attemptSpan)
	if as == nil {
		return
	}
	span := as.span
	if a.Status != 0 {
		span.SetAttributes(semconv.HTTPResponseStatusCode(a.Status))
	}
	if et := attemptErrorType(a); et != "" {
		span.SetAttributes(semconv.ErrorTypeKey.String(et))
		if a.Err != nil {
			t.recordError(span, a.Call, a.Err)
		} else {
			// An error status: the HTTP conventions leave the description
			// empty, as error.type and the status code say it all.
			span.SetStatus(codes.Error, "")
		}
	}
	span.End()
}

func (t *tracing) wait(ctx context.Context, w *fullstory.WaitInfo) {
	cs, _ := ctx.Value(callKey{}).(*callSpan)
	if cs == nil {
		return
	}
	attrs := []attribute.KeyValue{keyAttempt.Int(w.Attempt), keyWaitReason.String(w.Reason)}
	if w.Wait > 0 {
		attrs = append(attrs, keyWaitDuration.Float64(w.Wait.Seconds()))
	}
	cs.span.AddEvent("fullstory.wait", trace.WithAttributes(attrs...))
}

func (t *tracing) activation(ctx context.Context, _ *fullstory.CallInfo, ev fullstory.ActivationEvent) {
	cs, _ := ctx.Value(callKey{}).(*callSpan)
	if cs == nil {
		return
	}
	attrs := []attribute.KeyValue{keyActivationEvent.String(ev.String())}
	switch ev {
	case fullstory.ActivationReserved: // for the attempt about to start
		attrs = append(attrs, keyAttempt.Int64(cs.attempt.Load()+1))
	case fullstory.ActivationSpent, fullstory.ActivationRefunded:
		attrs = append(attrs, keyAttempt.Int64(cs.attempt.Load()))
	}
	cs.span.AddEvent("fullstory.activation", trace.WithAttributes(attrs...))
}

// recordError records err as Span.RecordError does, with the session id
// taken out of its text unless WithSessionIDs, and sets the status Error.
func (t *tracing) recordError(span trace.Span, call *fullstory.CallInfo, err error) {
	msg := err.Error()
	if !t.sessionIDs {
		msg = withoutSessionID(call, msg)
	}
	span.AddEvent(semconv.ExceptionEventName, trace.WithAttributes(
		semconv.ExceptionType(errorTypeName(err)),
		semconv.ExceptionMessage(msg),
	))
	span.SetStatus(codes.Error, msg)
}

// errorTypeName is exception.type: the library's error type in err's
// chain, else err's own.
func errorTypeName(err error) string {
	var (
		apiErr *fullstory.APIError
		valErr *fullstory.ValidationError
	)
	switch {
	case errors.As(err, &apiErr):
		return fmt.Sprintf("%T", apiErr)
	case errors.As(err, &valErr):
		return fmt.Sprintf("%T", valErr)
	}
	return fmt.Sprintf("%T", err)
}

// propagate returns the propagator that sends the trace context.
func (t *tracing) propagate() propagation.TextMapPropagator {
	if t.propagator != nil {
		return t.propagator
	}
	if p := otel.GetTextMapPropagator(); len(p.Fields()) > 0 {
		return p
	}
	return propagation.TraceContext{}
}
