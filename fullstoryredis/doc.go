// Package fullstoryredis lets a fleet of services (the replicas of one job,
// the pods behind a load balancer) share one Fullstory account through
// Redis, with go-redis v9:
//
//   - NewBudget: a fullstory.Budget of Activations that every replica takes
//     from, exactly, whatever their number. It fails closed: with Redis
//     unreachable, or restarted empty, summaries are refused before they
//     are sent (fullstory.ErrBudgetUnavailable).
//   - NewCache: a fullstory.SummaryCache, so that a summary one replica made
//     is free for the others. With Redis down it is a fast miss.
//   - NewLimiter: a fullstory.AdaptiveLimiter, one pacing for every Client
//     on the key, at the account's rate, which they learn together from the
//     429s any of them meets. With Redis down each Client paces itself.
//
// Give each replica's Client the same keys:
//
//	rdb := redis.NewClient(&redis.Options{Addr: "redis:6379"})
//	c, err := fullstory.NewClient(apiKey,
//		fullstory.WithBudget(fullstoryredis.NewBudget(rdb, "fullstory:activations", 900, fullstory.BudgetMonthly)),
//		fullstory.WithSummaryCache(fullstoryredis.NewCache(rdb, "fullstory:summary:"), 24*time.Hour),
//		fullstory.WithLimiter(fullstoryredis.NewLimiter(rdb, "fullstory:pace")),
//	)
//
// A budget's Reserve and Refund are one Lua script each, and a limiter's
// Wait one per ask (a long wait asks again as its turn nears): atomic in
// Redis, one round trip (EVALSHA), and timed by Redis's clock, so the
// replicas' clocks need not agree. Every call waits for Redis at most the caller's deadline and a
// short bound of its own (half a second for the budget, 100ms for the
// cache and the limiter), whatever the go-redis options: go-redis by
// default waits 3s for a reply and ignores the context's deadline.
//
// A budget is only as durable as its Redis: run it with appendonly yes and
// maxmemory-policy noeviction. Replication is asynchronous, so a failover
// may lose the last reservations.
//
// Bad arguments are refused with an error matching
// fullstory.ErrInvalidArgument at first use, never a panic.
package fullstoryredis
