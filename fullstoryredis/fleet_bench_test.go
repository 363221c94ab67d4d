package fullstoryredis_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstoryredis"
	"github.com/summarykit/fullstory-go/fullstoryredis/internal/redistest"
	"github.com/summarykit/fullstory-go/fullstorytest"
)

// A fleet of Clients on one account: the fake behind a counter of what it
// was sent and answered.
type fleetServer struct {
	fake           *fullstorytest.Server
	srv            *httptest.Server
	requests, n429 atomic.Int64
	replicas       int // sessions seeded so far, for their emails
}

func newFleetServer(tb testing.TB, opts ...fullstorytest.ServerOption) *fleetServer {
	tb.Helper()
	fs := &fleetServer{fake: fullstorytest.NewUnstartedServer(append([]fullstorytest.ServerOption{
		fullstorytest.WithRequestLog(0), fullstorytest.WithoutDemoData()}, opts...)...)}
	h := fs.fake.Handler()
	fs.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fs.requests.Add(1)
		cw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(cw, r)
		if cw.status == http.StatusTooManyRequests {
			fs.n429.Add(1)
		}
	}))
	tb.Cleanup(fs.srv.Close)
	tb.Cleanup(fs.fake.Close)
	return fs
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// sessions adds n distinct sessions, so that no two summaries share a call.
func (fs *fleetServer) sessions(n int) []fullstory.SessionID {
	fs.replicas++
	return fs.fake.SeedSessions(fmt.Sprintf("replica-%d@example.com", fs.replicas), n)
}

func (fs *fleetServer) client(tb testing.TB, opts ...fullstory.Option) *fullstory.Client {
	tb.Helper()
	c, err := fullstory.NewClient(fs.fake.APIKey, append([]fullstory.Option{
		fullstory.WithBaseURL(fs.srv.URL),
		fullstory.WithRetryWait(time.Millisecond, 5*time.Millisecond),
		fullstory.WithMaxRetries(20), // so that no summary runs out of retries
	}, opts...)...)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// summarize summarizes ids at the given concurrency and returns how long
// it took, or the first error.
func summarize(c *fullstory.Client, ids []fullstory.SessionID, concurrency int) (time.Duration, error) {
	start := time.Now()
	for _, res := range c.Sessions.SummarizeEach(context.Background(), ids, nil, fullstory.WithConcurrency(concurrency)) {
		if res.Err != nil {
			return 0, res.Err
		}
	}
	return time.Since(start), nil
}

// fleetRun is one batch of a fleet: each replica summarizes its own ids,
// all at once. It returns every replica's wall time.
func fleetRun(clients []*fullstory.Client, ids [][]fullstory.SessionID, concurrency int) ([]time.Duration, error) {
	walls := make([]time.Duration, len(clients))
	errs := make([]error, len(clients))
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			walls[i], errs[i] = summarize(c, ids[i], concurrency)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return walls, nil
}

// BenchmarkFleet runs four replicas of 300 summaries each, at concurrency 8
// on distinct sessions, against one account limited to 200 requests/s in
// bursts of 10, none told the limit. Each replica has its own go-redis
// client and its own Limiter on one key, as separate processes would.
// x-floor is the last replica's wall time over the floor (1,200/200 = 6s),
// %429 the share of requests answered 429, fairness the first replica's
// wall time over the last's. "cold" starts from nothing learned; "learned"
// measures a second batch on the same key, as the next run of a job would.
// Each iteration is a whole batch; run it with
//
//	go test -run '^$' -bench Fleet -benchtime 1x -count 5 ./fullstoryredis
func BenchmarkFleet(b *testing.B) {
	s, _ := startRedis(b)
	for _, learned := range []bool{false, true} {
		name := "cold"
		if learned {
			name = "learned"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				key := fmt.Sprintf("%s:%d", keyFor(b), time.Now().UnixNano())
				if learned {
					fleetBatch(b, s, key) // the run before
				}
				walls, fs := fleetBatch(b, s, key)
				first, last := walls[0], walls[0]
				for _, w := range walls {
					first, last = min(first, w), max(last, w)
				}
				b.ReportMetric(last.Seconds()/fleetFloor.Seconds(), "x-floor")
				b.ReportMetric(100*float64(fs.n429.Load())/float64(fs.requests.Load()), "%429")
				b.ReportMetric(first.Seconds()/last.Seconds(), "fairness")
				b.ReportMetric(0, "ns/op")
			}
		})
	}
}

// The batch of BenchmarkFleet.
const fleetReplicas, fleetEach, fleetConcurrency, fleetLimit, fleetBurst = 4, 300, 8, 200.0, 10

var fleetFloor = time.Duration(fleetReplicas * fleetEach / fleetLimit * float64(time.Second))

// fleetBatch runs one batch of BenchmarkFleet on a fresh account with the
// Limiter on key, and returns the replicas' wall times and the account.
func fleetBatch(b *testing.B, s *redistest.Server, key string) ([]time.Duration, *fleetServer) {
	b.Helper()
	fs := newFleetServer(b, fullstorytest.WithThrottle(fleetLimit, fleetBurst))
	clients := make([]*fullstory.Client, fleetReplicas)
	ids := make([][]fullstory.SessionID, fleetReplicas)
	for i := range clients {
		rdb := redis.NewClient(s.Options())
		b.Cleanup(func() { rdb.Close() })
		clients[i] = fs.client(b, fullstory.WithLimiter(fullstoryredis.NewLimiter(rdb, key)))
		ids[i] = fs.sessions(fleetEach)
	}
	stop := traceFleet(b, s.Client(b), key, fs)
	walls, err := fleetRun(clients, ids, fleetConcurrency)
	stop()
	if err != nil {
		b.Fatal(err)
	}
	return walls, fs
}

// traceFleet, with FULLSTORYREDIS_TRACE=1 in the environment, prints the
// fleet's pace and the server's counts every 100ms, to tune the limiter by.
func traceFleet(tb testing.TB, rdb *redis.Client, key string, fs *fleetServer) (stop func()) {
	if os.Getenv("FULLSTORYREDIS_TRACE") == "" {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		start := time.Now()
		for {
			select {
			case <-done:
				return
			case <-time.After(100 * time.Millisecond):
			}
			st, _ := rdb.HMGet(context.Background(), key, "r", "W", "served", "q", "busy", "mE", "w429", "ph").Result()
			fmt.Fprintf(os.Stderr, "t=%5.2fs requests=%5d 429=%4d %v\n",
				time.Since(start).Seconds(), fs.requests.Load(), fs.n429.Load(), st)
		}
	}()
	return func() { close(done); wg.Wait() }
}
