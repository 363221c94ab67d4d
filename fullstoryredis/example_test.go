package fullstoryredis_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/redis/go-redis/v9"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstoryredis"
	"github.com/summarykit/fullstory-go/fullstorytest"
)

// connect returns a client of the Redis at REDIS_URL, such as
// redis://localhost:6379/0.
func connect() *redis.Client {
	opt, err := redis.ParseURL(os.Getenv("REDIS_URL"))
	if err != nil {
		panic(err)
	}
	return redis.NewClient(opt)
}

// Every replica of a service gives its Client a Budget on the same key:
// together they spend at most 1,000 Activations a month.
func ExampleNewBudget() {
	rdb := connect()
	defer rdb.Close()
	srv := fullstorytest.NewServer() // stands in for the API here
	defer srv.Close()

	budget := fullstoryredis.NewBudget(rdb, "example:activations", 1000, fullstory.BudgetMonthly)
	c := srv.Client(fullstory.WithBudget(budget))
	ctx := context.Background()
	before, err := budget.Remaining(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := c.Sessions.Summarize(ctx, fullstorytest.DemoCheckoutSession, nil); err != nil {
		fmt.Println(err)
		return
	}
	after, err := budget.Remaining(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(before-after, "Activation spent")

	// A Redis restarted empty has lost the month's count: summaries are
	// refused until you say how many were spent.
	_, err = budget.Reserve(ctx)
	if errors.Is(err, fullstoryredis.ErrBudgetLost) {
		_ = budget.AcknowledgeReset(ctx, 250) // e.g. as Fullstory's usage page says
	}
	// Output:
	// 1 Activation spent
}

// A summary one replica made is free for the others for a day.
func ExampleNewCache() {
	rdb := connect()
	defer rdb.Close()
	srv := fullstorytest.NewServer()
	defer srv.Close()

	cache := fullstoryredis.NewCache(rdb, "example:summaries:")
	one := srv.Client(fullstory.WithSummaryCache(cache, 24*time.Hour))
	other := srv.Client(fullstory.WithSummaryCache(cache, 24*time.Hour))
	ctx := context.Background()
	// A fresh summary (no cache read), stored for the others.
	sum, err := one.Sessions.Summarize(ctx, fullstorytest.DemoCheckoutSession, nil, fullstory.WithFreshSummary())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sum.Source)
	sum, err = other.Sessions.Summarize(ctx, fullstorytest.DemoCheckoutSession, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sum.Source)
	// Output:
	// api
	// cache
}

// Every replica gives its Client a Limiter on the same key: they pace as
// one, at the rate they learn together from the account's 429s.
func ExampleNewLimiter() {
	rdb := connect()
	defer rdb.Close()
	srv := fullstorytest.NewServer(fullstorytest.WithThrottle(100, 10))
	defer srv.Close()

	limiter := fullstoryredis.NewLimiter(rdb, "example:pace")
	c := srv.Client(fullstory.WithLimiter(limiter))
	sum, err := c.Sessions.Summarize(context.Background(), fullstorytest.DemoCheckoutSession, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sum.Source)
	// Output:
	// api
}

// What the fleet learned stays in Redis for a day after the last Wait
// (WithRetention); Forget starts afresh, for every replica.
func ExampleLimiter_Forget() {
	rdb := connect()
	defer rdb.Close()
	ctx := context.Background()
	limiter := fullstoryredis.NewLimiter(rdb, "example:forget", fullstoryredis.WithRetention(time.Hour))
	if err := limiter.Wait(ctx); err != nil {
		fmt.Println(err)
		return
	}
	limiter.Observe(fullstory.Answer{Status: http.StatusTooManyRequests, RetryAfter: time.Second, Sent: time.Now()})
	learned, _ := limiter.Rate(ctx)
	_ = limiter.Forget(ctx)
	afresh, _ := limiter.Rate(ctx)
	fmt.Println(learned < afresh)
	// Output:
	// true
}
