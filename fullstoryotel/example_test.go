package fullstoryotel_test

import (
	"context"
	"fmt"
	"log"
	"net/http"

	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/summarykit/fullstory-go/fullstoryotel"
	"github.com/summarykit/fullstory-go/fullstorytest"
)

// A Client that traces and measures its calls. Here the spans and metrics
// stay in memory and the API is the fake, whose first answer is a 429; in
// a service, tp and mp export to your collector.
func Example() {
	srv := fullstorytest.NewServer()
	defer srv.Close()
	srv.InjectFault(fullstorytest.Fault{Op: fullstorytest.OpSummarize, Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"0"}}})

	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	c := srv.Client(fullstoryotel.WithTracerProvider(tp), fullstoryotel.WithMeterProvider(mp))

	ctx := context.Background()
	if _, err := c.Sessions.Summarize(ctx, fullstorytest.DemoCheckoutSession, nil); err != nil {
		log.Fatal(err)
	}

	for _, s := range spans.Ended() {
		for _, kv := range s.Attributes() {
			if kv.Key == "http.response.status_code" {
				fmt.Println(s.Name(), kv.Value.AsInt64())
			}
		}
	}
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(ctx, &rm); err != nil {
		log.Fatal(err)
	}
	for _, m := range rm.ScopeMetrics[0].Metrics {
		if m.Name == "fullstory.client.activations" {
			for _, p := range m.Data.(metricdata.Sum[int64]).DataPoints {
				ev, _ := p.Attributes.Value("fullstory.activation.event")
				fmt.Printf("activations %s: %d\n", ev.AsString(), p.Value)
			}
		}
	}
	// Unordered output:
	// GET /v2/sessions/{session_id}/summary 429
	// GET /v2/sessions/{session_id}/summary 200
	// fullstory Sessions.Summarize 200
	// activations refunded: 1
	// activations spent: 1
}

// WithTracing takes options: here only W3C trace context goes out with the
// requests (not the global propagator's baggage), and the spans carry the
// session id.
func ExampleWithTracing() {
	srv := fullstorytest.NewServer()
	defer srv.Close()
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	c := srv.Client(fullstoryotel.WithTracing(tp,
		fullstoryotel.WithPropagator(propagation.TraceContext{}),
		fullstoryotel.WithSessionIDs(),
	))

	if _, err := c.Sessions.Summarize(context.Background(), fullstorytest.DemoCheckoutSession, nil); err != nil {
		log.Fatal(err)
	}
	call := spans.Ended()[1]
	for _, kv := range call.Attributes() {
		if kv.Key == "fullstory.session.id" {
			fmt.Println(call.Name(), kv.Value.AsString())
		}
	}
	fmt.Println(srv.Requests()[0].Header.Get("Traceparent") != "")
	// Output:
	// fullstory Sessions.Summarize 6973903723107198876:5156932900183134039
	// true
}
