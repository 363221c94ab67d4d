package fullstoryotel_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstoryotel"
	"github.com/summarykit/fullstory-go/fullstorytest"
)

// telemetry is an in-memory tracer and meter provider: what a Client
// records lands in spans and reader.
type telemetry struct {
	spans  *tracetest.SpanRecorder
	tp     *sdktrace.TracerProvider
	reader *sdkmetric.ManualReader
	mp     *sdkmetric.MeterProvider
}

func newTelemetry(t *testing.T) *telemetry {
	t.Helper()
	tel := &telemetry{spans: tracetest.NewSpanRecorder(), reader: sdkmetric.NewManualReader()}
	tel.tp = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(tel.spans))
	tel.mp = sdkmetric.NewMeterProvider(sdkmetric.WithReader(tel.reader))
	t.Cleanup(func() {
		require.NoError(t, tel.tp.Shutdown(context.Background()))
		require.NoError(t, tel.mp.Shutdown(context.Background()))
	})
	return tel
}

// options are the Client options that record into tel.
func (tel *telemetry) options(opts ...fullstoryotel.TracingOption) []fullstory.Option {
	return []fullstory.Option{fullstoryotel.WithTracing(tel.tp, opts...), fullstoryotel.WithMeterProvider(tel.mp)}
}

// parent starts a span of the test's own, for the calls to be children of.
func (tel *telemetry) parent(t *testing.T) (context.Context, trace.Span) {
	ctx, span := tel.tp.Tracer("test").Start(t.Context(), "test")
	t.Cleanup(func() { span.End() })
	return ctx, span
}

// named returns the ended spans named name, in the order they started.
func (tel *telemetry) named(name string) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, s := range tel.spans.Ended() {
		if s.Name() == name {
			out = append(out, s)
		}
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].StartTime().Before(out[j-1].StartTime()); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// one returns the one ended span named name.
func (tel *telemetry) one(t *testing.T, name string) sdktrace.ReadOnlySpan {
	t.Helper()
	spans := tel.named(name)
	require.Len(t, spans, 1, "spans named %q", name)
	return spans[0]
}

// childrenOf returns the ended spans whose parent is s, in the order they
// started.
func (tel *telemetry) childrenOf(s sdktrace.ReadOnlySpan) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, c := range tel.named(attemptName) {
		if c.Parent().SpanID() == s.SpanContext().SpanID() {
			out = append(out, c)
		}
	}
	return out
}

// Span names of a summary call.
const (
	callName    = "fullstory Sessions.Summarize"
	attemptName = "GET /v2/sessions/{session_id}/summary"
)

// attrs returns kvs by key.
func attrs(kvs []attribute.KeyValue) map[string]attribute.Value {
	m := make(map[string]attribute.Value, len(kvs))
	for _, kv := range kvs {
		m[string(kv.Key)] = kv.Value
	}
	return m
}

// events returns the attributes of s's events named name, in order.
func events(s sdktrace.ReadOnlySpan, name string) []map[string]attribute.Value {
	var out []map[string]attribute.Value
	for _, e := range s.Events() {
		if e.Name == name {
			out = append(out, attrs(e.Attributes))
		}
	}
	return out
}

// activations returns the fullstory.activation.event of s's events, with
// their attempt: "reserved 1", "spent 1", "cached".
func activations(s sdktrace.ReadOnlySpan) []string {
	var out []string
	for _, e := range events(s, "fullstory.activation") {
		ev := e["fullstory.activation.event"].AsString()
		if n, ok := e["fullstory.attempt"]; ok {
			ev += fmt.Sprintf(" %d", n.AsInt64())
		}
		out = append(out, ev)
	}
	return out
}

// traceparent is the W3C traceparent header of span context sc.
func traceparent(sc trace.SpanContext) string {
	return fmt.Sprintf("00-%s-%s-%s", sc.TraceID(), sc.SpanID(), sc.TraceFlags())
}

// collect reads the metrics recorded so far.
func (tel *telemetry) collect(t *testing.T) []metricdata.Metrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, tel.reader.Collect(context.Background(), &rm))
	var out []metricdata.Metrics
	for _, sm := range rm.ScopeMetrics {
		require.Equal(t, "github.com/summarykit/fullstory-go/fullstoryotel", sm.Scope.Name)
		out = append(out, sm.Metrics...)
	}
	return out
}

// matches reports whether set has every attribute in want.
func matches(set attribute.Set, want []attribute.KeyValue) bool {
	for _, kv := range want {
		if v, ok := set.Value(kv.Key); !ok || v != kv.Value {
			return false
		}
	}
	return true
}

// sum adds up the points of the counter name whose attributes include
// want.
func (tel *telemetry) sum(t *testing.T, name string, want ...attribute.KeyValue) int64 {
	t.Helper()
	var n int64
	for _, m := range tel.collect(t) {
		if m.Name != name {
			continue
		}
		s, ok := m.Data.(metricdata.Sum[int64])
		require.True(t, ok, "%s is a %T", name, m.Data)
		require.True(t, s.IsMonotonic, name)
		for _, p := range s.DataPoints {
			if matches(p.Attributes, want) {
				n += p.Value
			}
		}
	}
	return n
}

// count adds up the counts of the histogram name whose attributes include
// want.
func (tel *telemetry) count(t *testing.T, name string, want ...attribute.KeyValue) uint64 {
	t.Helper()
	var n uint64
	for _, m := range tel.collect(t) {
		if m.Name != name {
			continue
		}
		h, ok := m.Data.(metricdata.Histogram[float64])
		require.True(t, ok, "%s is a %T", name, m.Data)
		require.Equal(t, "s", m.Unit)
		for _, p := range h.DataPoints {
			if matches(p.Attributes, want) {
				n += p.Count
			}
		}
	}
	return n
}

// gauge returns the value of the gauge name, and whether it has one.
func (tel *telemetry) gauge(t *testing.T, name string) (float64, bool) {
	t.Helper()
	for _, m := range tel.collect(t) {
		if m.Name != name {
			continue
		}
		g, ok := m.Data.(metricdata.Gauge[float64])
		require.True(t, ok, "%s is a %T", name, m.Data)
		require.Len(t, g.DataPoints, 1)
		return g.DataPoints[0].Value, true
	}
	return 0, false
}

// newFake returns a started fullstorytest server, closed at the end of the
// test.
func newFake(t *testing.T) *fullstorytest.Server {
	srv := fullstorytest.NewServer()
	t.Cleanup(srv.Close)
	return srv
}

// summaries returns the summary requests srv received.
func summaries(srv *fullstorytest.Server) []fullstorytest.Request {
	var out []fullstorytest.Request
	for _, r := range srv.Requests() {
		if r.Op == fullstorytest.OpSummarize {
			out = append(out, r)
		}
	}
	return out
}

// retryable503 is the 503 that a summary is retried on: it says when to
// come back.
var retryable503 = fullstorytest.Fault{Op: fullstorytest.OpSummarize, Status: http.StatusServiceUnavailable, Header: http.Header{"Retry-After": {"0"}}}

// throttled is a 429 that says to come back at once.
var throttled = fullstorytest.Fault{Op: fullstorytest.OpSummarize, Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"0"}}}

// newServer returns an httptest server of h, closed at the end of the test,
// and the options of a Client of it.
func newServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, []fullstory.Option) {
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	return hs, []fullstory.Option{
		fullstory.WithBaseURL(hs.URL),
		fullstory.WithHTTPClient(hs.Client()),
		fullstory.WithRetryWait(time.Millisecond, 2*time.Millisecond),
	}
}

// awaiting waits until n calls wait for a shared summary request.
func awaiting(t *testing.T, n int) {
	t.Helper()
	buf := make([]byte, 1<<20)
	require.Eventually(t, func() bool {
		stacks := string(buf[:runtime.Stack(buf, true)])
		return strings.Count(stacks, "fullstory-go.(*flight).await") >= n
	}, 10*time.Second, time.Millisecond, "%d calls waiting for a shared request", n)
}

// summarize summarizes the demo checkout session, which must succeed.
func summarize(t *testing.T, c *fullstory.Client) *fullstory.Summary {
	t.Helper()
	sum, err := c.Sessions.Summarize(t.Context(), fullstorytest.DemoCheckoutSession, nil)
	require.NoError(t, err)
	return sum
}

// budgetRefused makes a summary that an empty Budget refuses.
func budgetRefused(t *testing.T, tel *telemetry) *fullstorytest.Server {
	t.Helper()
	srv := newFake(t)
	c := srv.Client(append(tel.options(), fullstory.WithBudget(fullstory.NewMemoryBudget(0, fullstory.BudgetTotal)))...)
	_, err := c.Sessions.Summarize(t.Context(), fullstorytest.DemoCheckoutSession, nil)
	require.ErrorIs(t, err, fullstory.ErrBudgetExhausted)
	return srv
}

// cachedTwice makes a summary twice on a Client with a cache: the second
// comes from the cache.
func cachedTwice(t *testing.T, tel *telemetry) (*fullstorytest.Server, *fullstory.Client) {
	t.Helper()
	srv := newFake(t)
	c := srv.Client(append(tel.options(), fullstory.WithSummaryCache(fullstory.NewMemoryCache(1<<20), time.Hour))...)
	summarize(t, c)
	require.Equal(t, fullstory.SummaryFromCache, summarize(t, c).Source)
	return srv, c
}

// sharedTwice makes two identical summaries at once: the second joins the
// first's request, which the server holds until both wait for it.
func sharedTwice(t *testing.T, tel *telemetry) (*fullstorytest.Server, *fullstory.Client) {
	t.Helper()
	srv := newFake(t)
	release := make(chan struct{})
	arrived := make(chan struct{}, 1)
	_, opts := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-release
		srv.Handler().ServeHTTP(w, r)
	})
	c, err := fullstory.NewClient(srv.APIKey, append(opts, tel.options()...)...)
	require.NoError(t, err)

	var wg sync.WaitGroup
	sources := make([]fullstory.SummarySource, 2)
	call := func(i int) {
		defer wg.Done()
		sum, err := c.Sessions.Summarize(t.Context(), fullstorytest.DemoCheckoutSession, nil)
		if assert.NoError(t, err) {
			sources[i] = sum.Source
		}
	}
	wg.Add(2)
	go call(0)
	<-arrived
	go call(1)
	awaiting(t, 2)
	close(release)
	wg.Wait()
	require.Equal(t, []fullstory.SummarySource{fullstory.SummaryFromAPI, fullstory.SummaryFromShared}, sources)
	return srv, c
}
