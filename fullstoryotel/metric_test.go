package fullstoryotel_test

import (
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"

	fullstory "github.com/summarykit/fullstory-go"
)

var (
	opSummarize = attribute.String("fullstory.operation", "Sessions.Summarize")
	success     = attribute.String("fullstory.outcome", "success")
	failure     = attribute.String("fullstory.outcome", "error")
)

func activation(ev string) attribute.KeyValue {
	return attribute.String("fullstory.activation.event", ev)
}

func source(s string) attribute.KeyValue { return attribute.String("fullstory.summary.source", s) }

func status(code int) attribute.KeyValue { return attribute.Int("http.response.status_code", code) }

func errorType(s string) attribute.KeyValue { return attribute.String("error.type", s) }

// A 429 then a success: one call, two attempts, one retry, one 429, one
// Activation refunded and one spent.
func TestMetricsOfARetriedSummary(t *testing.T) {
	srv := newFake(t)
	srv.InjectFault(throttled)
	tel := newTelemetry(t)
	c := srv.Client(tel.options()...)
	summarize(t, c)

	assert.EqualValues(t, 1, tel.sum(t, "fullstory.client.calls"))
	assert.EqualValues(t, 1, tel.sum(t, "fullstory.client.calls", opSummarize, success, source("api")))
	assert.EqualValues(t, 2, tel.sum(t, "fullstory.client.attempts", opSummarize))
	assert.EqualValues(t, 1, tel.sum(t, "fullstory.client.attempts", failure, status(429), errorType("429")))
	assert.EqualValues(t, 1, tel.sum(t, "fullstory.client.attempts", success, status(200)))
	assert.EqualValues(t, 1, tel.sum(t, "fullstory.client.retries"))
	assert.EqualValues(t, 1, tel.sum(t, "fullstory.client.retries", opSummarize, attribute.String("fullstory.retry.reason", "rate limited (429)")))
	assert.EqualValues(t, 1, tel.sum(t, "fullstory.client.throttled", opSummarize))
	assert.EqualValues(t, 1, tel.sum(t, "fullstory.client.activations", opSummarize, activation("spent")))
	assert.EqualValues(t, 1, tel.sum(t, "fullstory.client.activations", opSummarize, activation("refunded")))
	assert.EqualValues(t, 2, tel.sum(t, "fullstory.client.activations"), "nothing shared, cached or reserved counted")
	assert.EqualValues(t, 1, tel.count(t, "fullstory.client.call.duration", opSummarize, success))
	assert.EqualValues(t, 2, tel.count(t, "fullstory.client.attempt.duration", opSummarize))
	assert.EqualValues(t, 1, tel.count(t, "fullstory.client.attempt.duration", status(429)))

	// The same counts as the Client's own.
	st, rs := c.ActivationStats(), c.RateStats()
	assert.Equal(t, st.Spent, tel.sum(t, "fullstory.client.activations", activation("spent")))
	assert.Equal(t, st.Refunded, tel.sum(t, "fullstory.client.activations", activation("refunded")))
	assert.Equal(t, rs.Throttled, tel.sum(t, "fullstory.client.throttled"))
	assert.Equal(t, rs.Retries, tel.sum(t, "fullstory.client.retries"))
}

// A summary the Budget refuses is a failed call with no attempt and no
// Activation.
func TestMetricsOfABudgetRefusal(t *testing.T) {
	tel := newTelemetry(t)
	srv := budgetRefused(t, tel)

	assert.EqualValues(t, 1, tel.sum(t, "fullstory.client.calls", opSummarize, failure, errorType("budget_exhausted")))
	assert.EqualValues(t, 1, tel.count(t, "fullstory.client.call.duration", failure, errorType("budget_exhausted")))
	assert.Zero(t, tel.sum(t, "fullstory.client.attempts"))
	assert.Zero(t, tel.sum(t, "fullstory.client.activations"))
	assert.Empty(t, summaries(srv))
}

// A cache hit counts as cached, with no attempt.
func TestMetricsOfACacheHit(t *testing.T) {
	tel := newTelemetry(t)
	_, c := cachedTwice(t, tel)
	assert.EqualValues(t, 1, tel.sum(t, "fullstory.client.calls", source("api")))
	assert.EqualValues(t, 1, tel.sum(t, "fullstory.client.calls", source("cache"), success))
	assert.EqualValues(t, 1, tel.sum(t, "fullstory.client.attempts"))
	assert.EqualValues(t, 1, tel.sum(t, "fullstory.client.activations", activation("spent")))
	assert.EqualValues(t, 1, tel.sum(t, "fullstory.client.activations", activation("cached")))
	assert.Equal(t, c.ActivationStats().CacheHits, tel.sum(t, "fullstory.client.activations", activation("cached")))
}

// A shared summary counts as shared, with one attempt between the two
// calls.
func TestMetricsOfASharedSummary(t *testing.T) {
	tel := newTelemetry(t)
	_, c := sharedTwice(t, tel)

	assert.EqualValues(t, 2, tel.sum(t, "fullstory.client.calls", success))
	assert.EqualValues(t, 1, tel.sum(t, "fullstory.client.calls", source("shared")))
	assert.EqualValues(t, 1, tel.sum(t, "fullstory.client.attempts"))
	assert.EqualValues(t, 1, tel.sum(t, "fullstory.client.activations", activation("shared")))
	assert.EqualValues(t, 1, tel.sum(t, "fullstory.client.activations", activation("spent")))
	assert.Equal(t, c.ActivationStats().Shared, tel.sum(t, "fullstory.client.activations", activation("shared")))
}

// The rate gauge follows the rate the Client learns from a 429.
func TestMetricsOfTheLearnedRate(t *testing.T) {
	var n atomic.Int64
	_, opts := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 6 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.Write([]byte(`{"sessions":[]}`))
	})
	tel := newTelemetry(t)
	c, err := fullstory.NewClient("key", append(opts, tel.options()...)...)
	require.NoError(t, err)
	_, ok := tel.gauge(t, "fullstory.client.rate")
	assert.False(t, ok, "no rate before one was learned")
	for range 6 {
		_, err := c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{UID: "u"})
		require.NoError(t, err)
	}
	rate := c.RateStats().Rate
	require.Positive(t, rate)
	got, ok := tel.gauge(t, "fullstory.client.rate")
	require.True(t, ok)
	assert.Equal(t, rate, got)
	assert.EqualValues(t, 1, tel.sum(t, "fullstory.client.throttled", attribute.String("fullstory.operation", "Sessions.List")))
}

// A failed read is counted by why it failed, with the HTTP attributes.
func TestMetricsOfAFailedCall(t *testing.T) {
	srv := newFake(t)
	tel := newTelemetry(t)
	c := srv.Client(tel.options()...)
	_, err := c.Profiles.Get(t.Context(), "no-such-profile")
	require.ErrorIs(t, err, fullstory.ErrNotFound)
	get := attribute.String("fullstory.operation", "Profiles.Get")
	tmpl := attribute.String("url.template", "/v2/visit_profile/{id}")
	assert.EqualValues(t, 1, tel.sum(t, "fullstory.client.calls", get, failure, errorType("404"), attribute.String("http.request.method", "GET"), attribute.String("server.address", "127.0.0.1")))
	assert.EqualValues(t, 1, tel.sum(t, "fullstory.client.attempts", get, failure, errorType("404"), status(404), tmpl))
	assert.Zero(t, tel.sum(t, "fullstory.client.activations"))
}
