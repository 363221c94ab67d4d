// Command fleet runs several replicas of a service, each with its own
// Client and its own Redis connection, that share one Fullstory account
// through Redis: one Activation budget, one summary cache and one pacing,
// learned together from the account's 429s. The account is the in-process
// fake of package fullstorytest, limited to 100 requests a second, so
// nothing is spent.
//
// It needs a Redis: the one at REDIS_ADDR (host:port, or a redis:// URL),
// else a throwaway redis-server it starts and stops (no persistence) when
// one is installed:
//
//	go run ./examples/fleet                     # from fullstoryredis/
//	REDIS_ADDR=localhost:6379 go run ./examples/fleet -replicas 4 -sessions 200
//
// On a Redis of yours it writes only keys under fullstory-example:<run>:,
// and deletes them when it is done.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstoryredis"
	"github.com/summarykit/fullstory-go/fullstoryredis/internal/redistest"
	"github.com/summarykit/fullstory-go/fullstorytest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// noRedis says how to get a Redis.
const noRedis = `fleet needs a Redis, and found none: REDIS_ADDR is not set and redis-server is not installed.
Either install redis-server (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis),
or point REDIS_ADDR at a Redis you may write to, e.g. REDIS_ADDR=localhost:6379
(docker run -p 6379:6379 redis starts one).`

// run runs the fleet and returns the exit code: 2 for bad flags or no Redis.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("fleet", flag.ContinueOnError)
	fs.SetOutput(stderr)
	replicas := fs.Int("replicas", 3, "replicas of the service, each with its own Client")
	sessions := fs.Int("sessions", 120, "sessions each replica summarizes; a quarter are also another replica's")
	budgetLimit := fs.Int64("budget", 300, "the fleet's Activation budget")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *replicas < 1 || *sessions < 1 || *budgetLimit < 0 {
		fmt.Fprintln(stderr, "fleet: -replicas and -sessions must be positive, -budget not negative")
		return 2
	}

	opts, cleanup, err := redisOptions(getenv, stdout)
	if errors.Is(err, redistest.ErrNotInstalled) {
		fmt.Fprintln(stderr, noRedis)
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "fleet:", err)
		return 1
	}
	defer cleanup()
	if err := fleet(ctx, opts, *replicas, *sessions, *budgetLimit, stdout); err != nil {
		fmt.Fprintln(stderr, "fleet:", err)
		return 1
	}
	return 0
}

// redisOptions returns how to reach the Redis at REDIS_ADDR, or a
// throwaway one it starts, and what to do when done.
func redisOptions(getenv func(string) string, stdout io.Writer) (*redis.Options, func(), error) {
	if addr := getenv("REDIS_ADDR"); addr != "" {
		if strings.Contains(addr, "://") {
			opts, err := redis.ParseURL(addr)
			return opts, func() {}, err
		}
		return &redis.Options{Addr: addr}, func() {}, nil
	}
	s, err := redistest.Launch()
	if err != nil {
		return nil, nil, err
	}
	fmt.Fprintln(stdout, "REDIS_ADDR is not set: started a throwaway redis-server (no persistence) on", s.Socket)
	return s.Options(), s.Stop, nil
}

// replica is what one replica did.
type replica struct {
	made, cached, shared, refused, failed int
	wall                                  time.Duration
}

func fleet(ctx context.Context, opts *redis.Options, replicas, sessions int, budgetLimit int64, out io.Writer) error {
	api := fullstorytest.NewServer(fullstorytest.WithThrottle(100, 10), fullstorytest.WithoutDemoData())
	defer api.Close()

	prefix := fmt.Sprintf("fullstory-example:%d:", time.Now().UnixNano())
	admin := redis.NewClient(opts)
	defer admin.Close()
	if err := admin.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("no answer from Redis: %w", err)
	}
	defer deleteKeys(admin, prefix)

	// Each replica summarizes its own sessions, and a quarter of its
	// neighbour's: the cache answers those for whoever comes second.
	own := make([][]fullstory.SessionID, replicas)
	for i := range own {
		for j := range sessions {
			own[i] = append(own[i], api.AddSession(fullstorytest.RecordedSession{
				UID:    fmt.Sprintf("replica-%d-user-%d", i, j),
				Events: []fullstorytest.RecordedEvent{{URL: "/checkout"}, {Type: fullstory.EventClick, Target: "button#pay"}},
			}))
		}
	}
	work := make([][]fullstory.SessionID, replicas)
	for i := range work {
		work[i] = append(own[i][:sessions:sessions], own[(i+1)%replicas][:sessions/4]...)
	}

	fmt.Fprintf(out, "%d replicas, %d summaries each, one account limited to 100 requests/s (not told them), a budget of %d\n",
		replicas, len(work[0]), budgetLimit)
	results := make([]replica, replicas)
	var budgets []*fullstoryredis.Budget
	var limiters []*fullstoryredis.Limiter
	var wg sync.WaitGroup
	for i := range replicas {
		rdb := redis.NewClient(opts) // a replica has its own connections
		defer rdb.Close()
		budget := fullstoryredis.NewBudget(rdb, prefix+"activations", budgetLimit, fullstory.BudgetMonthly)
		limiter := fullstoryredis.NewLimiter(rdb, prefix+"pace")
		budgets, limiters = append(budgets, budget), append(limiters, limiter)
		c := api.Client(
			fullstory.WithBudget(budget),
			fullstory.WithSummaryCache(fullstoryredis.NewCache(rdb, prefix+"summary:"), time.Hour),
			fullstory.WithLimiter(limiter),
			fullstory.WithMaxRetries(20),
		)
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = summarize(ctx, c, work[i])
		}()
	}
	wg.Wait()

	for i, r := range results {
		fmt.Fprintf(out, "replica %d: %3d made, %3d from the cache, %3d shared, %3d refused by the budget, %d failed, in %s\n",
			i+1, r.made, r.cached, r.shared, r.refused, r.failed, r.wall.Round(10*time.Millisecond))
	}
	left, err := budgets[0].Remaining(ctx)
	if err != nil {
		return err
	}
	pace, err := limiters[0].Rate(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "the budget has %d of %d left; the fleet learned to pace at %.0f requests/s\n", left, budgetLimit, pace)
	return nil
}

func summarize(ctx context.Context, c *fullstory.Client, ids []fullstory.SessionID) replica {
	var r replica
	start := time.Now()
	for _, res := range c.Sessions.SummarizeEach(ctx, ids, nil, fullstory.WithConcurrency(8)) {
		switch {
		case errors.Is(res.Err, fullstory.ErrBudgetExhausted):
			r.refused++
		case res.Err != nil:
			r.failed++
		case res.Summary.Source == fullstory.SummaryFromCache:
			r.cached++
		case res.Summary.Source == fullstory.SummaryFromShared:
			r.shared++
		default:
			r.made++
		}
	}
	r.wall = time.Since(start)
	return r
}

// deleteKeys removes the run's keys from the Redis.
func deleteKeys(rdb *redis.Client, prefix string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	iter := rdb.Scan(ctx, 0, prefix+"*", 100).Iterator()
	for iter.Next(ctx) {
		rdb.Del(ctx, iter.Val())
	}
	// The budget's keys are {prefix activations}:…, braced for Redis Cluster.
	iter = rdb.Scan(ctx, 0, "{"+prefix+"*", 100).Iterator()
	for iter.Next(ctx) {
		rdb.Del(ctx, iter.Val())
	}
}
