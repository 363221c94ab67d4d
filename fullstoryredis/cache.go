package fullstoryredis

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	fullstory "github.com/summarykit/fullstory-go"
)

// ErrCacheUnavailable is what the Cache's errors match when Redis failed or
// was skipped because it failed a moment ago. The Client takes it as a
// miss and makes the call.
var ErrCacheUnavailable = errors.New("fullstoryredis: summary cache unavailable")

// Cache bounds: a Get or Set waits at most cacheTimeout for Redis, and
// after a failure the Cache skips Redis for cacheCoolDown.
const (
	cacheTimeout  = 100 * time.Millisecond
	cacheCoolDown = time.Second
)

// Cache is a fullstory.SummaryCache in Redis, shared by every Client, in
// any process, given the same prefix: a summary one replica made is free
// for the others. Each entry is a string key prefix+key that Redis expires
// after the ttl the Client stored it with.
//
// A cache must never slow calls down: each Get and Set waits for Redis at
// most 100ms (less if the caller's deadline is nearer), whatever the
// go-redis options, and after a failure the Cache skips Redis for a second
// and then tries again, one call at a time. A Redis that is down costs a
// miss, not seconds.
//
// Keys arrive hashed and hold no secret; the values are summaries, that is
// your customers' data: give Redis the care you give that.
type Cache struct {
	rdb     redis.UniversalClient
	prefix  string
	err     error // a bad argument to NewCache
	breaker *breaker
}

// NewCache returns a cache in the Redis of rdb whose keys start with
// prefix, e.g. "fullstory:summary:". A nil client or an empty prefix is
// refused with an error matching fullstory.ErrInvalidArgument by Get and
// Set, never a panic.
func NewCache(rdb redis.UniversalClient, prefix string) *Cache {
	c := &Cache{rdb: rdb, prefix: prefix, breaker: newBreaker(cacheCoolDown)}
	switch {
	case checkClient(rdb) != nil:
		c.err = checkClient(rdb)
	case prefix == "":
		c.err = &fullstory.ValidationError{Field: "cache prefix", Reason: "is empty"}
	}
	return c
}

func (c *Cache) check() error {
	if c == nil {
		return &fullstory.ValidationError{Field: "summary cache", Reason: "is nil"}
	}
	return c.err
}

// Get returns the value stored under key, if any and not expired. When
// Redis fails, or failed a moment ago, it returns a miss and an error
// matching ErrCacheUnavailable.
func (c *Cache) Get(ctx context.Context, key string) ([]byte, bool, error) {
	if err := c.check(); err != nil {
		return nil, false, err
	}
	if !c.breaker.allow() {
		return nil, false, errSkipped
	}
	v, err := call(ctx, cacheTimeout, func(ctx context.Context) ([]byte, error) {
		return c.rdb.Get(ctx, c.prefix+key).Bytes()
	}, nil)
	if errors.Is(err, redis.Nil) {
		c.breaker.result(nil)
		return nil, false, nil
	}
	c.record(ctx, err)
	if err != nil {
		return nil, false, fmt.Errorf("%w: %w", ErrCacheUnavailable, err)
	}
	return v, true, nil
}

// Set stores value under key for ttl (at least a millisecond: Redis's
// finest). A ttl of 0 or less is refused with fullstory.ErrInvalidArgument.
// Errors match ErrCacheUnavailable, as Get's.
func (c *Cache) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if err := c.check(); err != nil {
		return err
	}
	if ttl <= 0 {
		return &fullstory.ValidationError{Field: "cache ttl", Reason: "must be positive"}
	}
	if !c.breaker.allow() {
		return errSkipped
	}
	_, err := call(ctx, cacheTimeout, func(ctx context.Context) (string, error) {
		return c.rdb.Set(ctx, c.prefix+key, value, max(ttl, time.Millisecond)).Result()
	}, nil)
	c.record(ctx, err)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrCacheUnavailable, err)
	}
	return nil
}

// record tells the breaker how Redis did. A caller that gave up is no
// news about Redis.
func (c *Cache) record(ctx context.Context, err error) {
	if err != nil && ctx.Err() != nil {
		return
	}
	c.breaker.result(err)
}

var errSkipped = fmt.Errorf("%w: Redis failed a moment ago, so it was skipped", ErrCacheUnavailable)
