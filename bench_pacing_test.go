package fullstory_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstorytest"
)

// The pacing benchmarks run batches of summaries at concurrency 16 against
// fullstorytest's throttle and report the wall time as a multiple of the
// floor (the requests divided by the server's limit) and the share of
// requests answered 429. Each iteration is a whole batch; run them with
//
//	go test -run '^$' -bench Pacing -benchtime 1x -count 3 .

// pacingServer is a throttled fake that counts requests, 429s and
// successes, and can run a hook on every success.
type pacingServer struct {
	fake               *fullstorytest.Server
	srv                *httptest.Server
	requests, n429, ok atomic.Int64
	onOK               func(n int64)
	storm              atomic.Bool // answer everything 429, Retry-After: 1
}

func newPacingServer(b *testing.B, perSecond float64, burst int, opts ...fullstorytest.ServerOption) *pacingServer {
	b.Helper()
	ps := &pacingServer{}
	ps.fake = fullstorytest.NewUnstartedServer(append([]fullstorytest.ServerOption{
		fullstorytest.WithThrottle(perSecond, burst), fullstorytest.WithRequestLog(0)}, opts...)...)
	ps.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ps.requests.Add(1)
		if ps.storm.Load() {
			ps.n429.Add(1)
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			io.WriteString(w, `{"code":"too_many_requests","message":"rate limit exceeded"}`)
			return
		}
		cw := &codeWriter{ResponseWriter: w}
		ps.fake.Handler().ServeHTTP(cw, r)
		switch {
		case cw.code == http.StatusTooManyRequests:
			ps.n429.Add(1)
		case ps.onOK != nil:
			ps.onOK(ps.ok.Add(1))
		default:
			ps.ok.Add(1)
		}
	}))
	b.Cleanup(ps.srv.Close)
	b.Cleanup(ps.fake.Close)
	return ps
}

type codeWriter struct {
	http.ResponseWriter
	code int
}

func (w *codeWriter) WriteHeader(code int) {
	w.code = code
	w.ResponseWriter.WriteHeader(code)
}

// pacingTrace, set in the environment as FULLSTORY_PACING_TRACE=1, prints
// every change of the learned rate, to tune the pacer by.
var pacingTrace = os.Getenv("FULLSTORY_PACING_TRACE") != ""

func (ps *pacingServer) client(b *testing.B, opts ...fullstory.Option) *fullstory.Client {
	b.Helper()
	if pacingTrace {
		start := time.Now()
		opts = append(opts, fullstory.WithLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{
			Level: slog.LevelDebug,
			ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
				if a.Key == slog.TimeKey {
					return slog.Duration("t", time.Since(start).Round(time.Millisecond))
				}
				return a
			},
		})).With("ok", slog.AnyValue(&ps.ok), "n429", slog.AnyValue(&ps.n429))))
	}
	c, err := fullstory.NewClient(ps.fake.APIKey, append([]fullstory.Option{
		fullstory.WithBaseURL(ps.srv.URL),
		fullstory.WithRetryWait(time.Millisecond, 5*time.Millisecond),
		fullstory.WithMaxRetries(20), // so that no session runs out of retries
	}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

func (ps *pacingServer) share429() float64 {
	return 100 * float64(ps.n429.Load()) / float64(ps.requests.Load())
}

// sessions adds n sessions to the fake, distinct from all before, so that
// every summary of a batch is a request of its own (a batch summarizes a
// session it names twice only once).
func (ps *pacingServer) sessions(n int) []fullstory.SessionID {
	return ps.fake.SeedSessions("bench@example.com", n)
}

// summarizeAll summarizes ids at concurrency 16 and returns how long it
// took, or the first error.
func summarizeAll(c *fullstory.Client, ids []fullstory.SessionID) (time.Duration, error) {
	start := time.Now()
	for _, res := range c.Sessions.SummarizeEach(context.Background(), ids, nil, fullstory.WithConcurrency(16)) {
		if res.Err != nil {
			return 0, res.Err
		}
	}
	return time.Since(start), nil
}

// mustSummarizeAll is summarizeAll on the benchmark's goroutine.
func mustSummarizeAll(b *testing.B, c *fullstory.Client, ids []fullstory.SessionID) time.Duration {
	b.Helper()
	wall, err := summarizeAll(c, ids)
	if err != nil {
		b.Fatal(err)
	}
	return wall
}

func reportPacing(b *testing.B, wall, floor time.Duration, ps *pacingServer) {
	b.ReportMetric(wall.Seconds()/floor.Seconds(), "x-floor")
	b.ReportMetric(ps.share429(), "%429")
	b.ReportMetric(0, "ns/op") // one batch per iteration: ns/op says nothing
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// BenchmarkPacing runs 1,000 summaries on one Client against a fixed limit.
func BenchmarkPacing(b *testing.B) {
	const n = 1000
	for _, tc := range []struct {
		name        string
		rate        float64
		burst       int
		clientLimit bool
	}{
		{"200-burst10", 200, 10, false},
		{"50-burst10", 50, 10, false},
		{"200-burst1", 200, 1, false},
		{"1000-burst10", 1000, 10, false},
		{"200-burst10-WithRateLimit", 200, 10, true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				ps := newPacingServer(b, tc.rate, tc.burst)
				var opts []fullstory.Option
				if tc.clientLimit {
					opts = append(opts, fullstory.WithRateLimit(tc.rate, tc.burst))
				}
				wall := mustSummarizeAll(b, ps.client(b, opts...), ps.sessions(n))
				reportPacing(b, wall, seconds(n/tc.rate), ps)
			}
		})
	}
}

// BenchmarkPacingFourClients runs four Clients (four replicas) at once on
// one limit of 200/s, 300 summaries each. x-floor is the last Client's
// finish; x-floor-first the first's, so a starved Client shows as a gap.
func BenchmarkPacingFourClients(b *testing.B) {
	const clients, n, rate = 4, 300, 200.0
	for b.Loop() {
		ps := newPacingServer(b, rate, 10)
		walls := make([]time.Duration, clients)
		errs := make([]error, clients)
		var wg sync.WaitGroup
		for i := range clients {
			c, ids := ps.client(b), ps.sessions(n)
			wg.Add(1)
			go func() {
				defer wg.Done()
				walls[i], errs[i] = summarizeAll(c, ids)
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				b.Fatal(err)
			}
		}
		first, last := walls[0], walls[0]
		for _, w := range walls {
			first, last = min(first, w), max(last, w)
		}
		floor := seconds(clients * n / rate)
		reportPacing(b, last, floor, ps)
		b.ReportMetric(first.Seconds()/floor.Seconds(), "x-floor-first")
	}
}

// BenchmarkPacingLimitChange changes the server's limit once half of the
// 1,000 summaries have succeeded. The floor is 500 at each limit.
func BenchmarkPacingLimitChange(b *testing.B) {
	const n = 1000
	for _, tc := range []struct {
		name         string
		before, next float64
	}{
		{"drop-300-to-100", 300, 100},
		{"rise-100-to-400", 100, 400},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				ps := newPacingServer(b, tc.before, 10)
				ps.onOK = func(ok int64) {
					if ok == n/2 {
						ps.fake.SetThrottle(tc.next, 10)
					}
				}
				wall := mustSummarizeAll(b, ps.client(b), ps.sessions(n))
				reportPacing(b, wall, seconds(n/2/tc.before+n/2/tc.next), ps)
			}
		})
	}
}

// BenchmarkPacingStormRecovery answers every request 429 (Retry-After: 1)
// for two seconds while a batch runs, then lifts the limit. It reports the
// seconds from the recovery until the Client is unpaced again.
func BenchmarkPacingStormRecovery(b *testing.B) {
	for b.Loop() {
		ps := newPacingServer(b, 200, 10)
		c := ps.client(b, fullstory.WithMaxRetries(100))
		done := make(chan error, 1)
		ids := ps.sessions(3000)
		go func() { _, err := summarizeAll(c, ids); done <- err }()
		time.Sleep(time.Second) // paced at about 200/s by now
		ps.storm.Store(true)    // nothing is accepted
		time.Sleep(2 * time.Second)
		ps.fake.SetThrottle(0, 0) // recovered, with no limit at all
		ps.storm.Store(false)
		recovered := time.Now()
		stormRate := c.RateStats().Rate
		var unpaced time.Duration = -1
		for deadline := recovered.Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if c.RateStats().Rate == 0 {
				unpaced = time.Since(recovered)
				break
			}
		}
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(unpaced.Seconds(), "s-to-unpaced")
		b.ReportMetric(stormRate, "rate-after-storm")
		b.ReportMetric(0, "ns/op")
	}
}
