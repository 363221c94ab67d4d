package fullstory_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest"
)

// statusCounter counts the requests and the 429 answers of a handler.
type statusCounter struct {
	http.ResponseWriter
	n429 *atomic.Int64
}

func (w statusCounter) WriteHeader(code int) {
	if code == http.StatusTooManyRequests {
		w.n429.Add(1)
	}
	w.ResponseWriter.WriteHeader(code)
}

// BenchmarkSummarizeEachRateLimited summarizes b.N sessions on a fake that
// allows 200 requests per second, so b.N/200 seconds is the floor. It reports
// the wall time as a multiple of that floor and the share of requests
// answered 429, with and without a client-side WithRateLimit.
func BenchmarkSummarizeEachRateLimited(b *testing.B) {
	const rate = 200
	for _, tc := range []struct {
		name string
		opts []fullstory.Option
	}{
		{"client-limit", []fullstory.Option{fullstory.WithRateLimit(rate, 1)}},
		// Without a client-side limit the batch finds the limit through 429s;
		// more retries, so that no session runs out of them.
		{"retry-after-only", []fullstory.Option{fullstory.WithMaxRetries(20)}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			fake := fullstorytest.NewUnstartedServer(fullstorytest.WithThrottle(rate, 10), fullstorytest.WithRequestLog(0))
			var n429 atomic.Int64
			srv := newCountingServer(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				fake.Handler().ServeHTTP(statusCounter{w, &n429}, r)
			}))
			opts := append([]fullstory.Option{fullstory.WithBaseURL(srv.URL), fullstory.WithRetryWait(time.Millisecond, 5*time.Millisecond)}, tc.opts...)
			c, err := fullstory.NewClient(fake.APIKey, opts...)
			if err != nil {
				b.Fatal(err)
			}
			ids := fake.SeedSessions("bench@example.com", b.N)
			b.ResetTimer()
			start := time.Now()
			for _, res := range c.Sessions.SummarizeEach(context.Background(), ids, nil, fullstory.WithConcurrency(16)) {
				if res.Err != nil {
					b.Fatal(res.Err)
				}
			}
			wall := time.Since(start)
			b.StopTimer()
			floor := time.Duration(float64(b.N) / rate * float64(time.Second))
			b.ReportMetric(wall.Seconds()/floor.Seconds(), "x-floor")
			b.ReportMetric(100*float64(n429.Load())/float64(srv.served.Load()), "%429")
		})
	}
}
