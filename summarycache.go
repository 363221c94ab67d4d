package fullstory

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// SummaryCache stores summaries the Client made, so that asking again for
// the same one is free: nothing is sent and no Activation spent. It is not
// the server's event cache (CacheConfig.EnableEventCache), which only speeds
// up reading a session's events and still spends an Activation per summary.
//
// Keys are opaque and hold no secret: a hash of the API key (which separates
// accounts) and of everything that changes the answer. Values are what the
// Client stored. NewMemoryCache keeps one in memory; fullstoryredis.NewCache
// shares one across a fleet. Implementations must be safe for concurrent use.
type SummaryCache interface {
	// Get returns the value stored under key, if any and not expired. An
	// error counts as a miss: the call is made.
	Get(ctx context.Context, key string) (value []byte, ok bool, err error)
	// Set stores value under key for ttl. An error is ignored: the call has
	// its answer already.
	Set(ctx context.Context, key string, value []byte, ttl time.Duration) error
}

// MemoryCache is a SummaryCache in memory: a least-recently-used cache
// bounded in bytes (keys and values), whose entries also expire after the
// ttl they were stored with. It is safe for concurrent use.
type MemoryCache struct {
	max int64
	err error            // a bad argument to NewMemoryCache
	now func() time.Time // the clock; time.Now

	mu      sync.Mutex
	size    int64
	order   *list.List // of *cacheEntry, most recently used first
	entries map[string]*list.Element
}

type cacheEntry struct {
	key     string
	value   []byte
	expires time.Time
}

// entryOverhead is what an entry costs beyond its key and value: the list
// element, the map slot and the entry itself, roughly.
const entryOverhead = 128

// NewMemoryCache returns a cache that holds at most maxBytes of keys,
// values and bookkeeping. A maxBytes of 0 or less is refused with
// ErrInvalidArgument by WithSummaryCache, never a panic.
func NewMemoryCache(maxBytes int64) *MemoryCache {
	c := &MemoryCache{max: maxBytes, now: time.Now, order: list.New(), entries: make(map[string]*list.Element)}
	if maxBytes <= 0 {
		c.err = &ValidationError{Field: "cache size", Reason: "must be positive"}
	}
	return c
}

func (c *MemoryCache) check() error {
	if c == nil {
		return &ValidationError{Field: "summary cache", Reason: "is nil"}
	}
	return c.err
}

// Get returns a copy of the value stored under key, unless it expired.
func (c *MemoryCache) Get(_ context.Context, key string) ([]byte, bool, error) {
	if err := c.check(); err != nil {
		return nil, false, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[key]
	if !ok {
		return nil, false, nil
	}
	e := el.Value.(*cacheEntry)
	if !c.now().Before(e.expires) {
		c.remove(el)
		return nil, false, nil
	}
	c.order.MoveToFront(el)
	return append([]byte(nil), e.value...), true, nil
}

// Set stores a copy of value under key for ttl, evicting the least recently
// used entries to make room. A value larger than the whole cache is not
// stored.
func (c *MemoryCache) Set(_ context.Context, key string, value []byte, ttl time.Duration) error {
	if err := c.check(); err != nil {
		return err
	}
	if ttl <= 0 {
		return &ValidationError{Field: "cache ttl", Reason: "must be positive"}
	}
	cost := int64(len(key)+len(value)) + entryOverhead
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[key]; ok {
		c.remove(el)
	}
	if cost > c.max {
		return nil
	}
	for c.size+cost > c.max {
		c.remove(c.order.Back())
	}
	e := &cacheEntry{key: key, value: append([]byte(nil), value...), expires: c.now().Add(ttl)}
	c.entries[key] = c.order.PushFront(e)
	c.size += cost
	return nil
}

// Len returns the number of entries held, expired ones included until they
// are read or evicted.
func (c *MemoryCache) Len() int {
	if c.check() != nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

func (c *MemoryCache) remove(el *list.Element) {
	e := c.order.Remove(el).(*cacheEntry)
	delete(c.entries, e.key)
	c.size -= int64(len(e.key)+len(e.value)) + entryOverhead
}

// WithSummaryCache makes the Client keep every summary it makes in cache for
// ttl, and answer an identical summary call from it, sending nothing and
// spending no Activation (Summary.Source is SummaryFromCache). Only
// successes are stored. A cache that fails is skipped: the call is made.
//
// A session still in progress gains events, so a summary cached while it ran
// ages; choose the ttl with that in mind. Updating or deleting a profile
// does not invalidate the summaries cached with it. WithFreshSummary skips
// the cache for one call (its result is still stored). It is a Client
// option: a method refuses it.
func WithSummaryCache(cache SummaryCache, ttl time.Duration) Option {
	return func(s *settings) error {
		if err := s.clientOnly("summary cache"); err != nil {
			return err
		}
		if isNil(cache) {
			return &ValidationError{Field: "summary cache", Reason: "is nil"}
		}
		if mc, ok := cache.(*MemoryCache); ok {
			if err := mc.check(); err != nil {
				return err
			}
		}
		if ttl <= 0 {
			return &ValidationError{Field: "summary cache ttl", Reason: "must be positive"}
		}
		s.cache, s.cacheTTL = cache, ttl
		return nil
	}
}

// WithFreshSummary makes one summary call ask for a new summary now: it
// reads no cached summary and joins no identical call in flight, so it
// spends an Activation. Its result is still stored in the cache. It applies
// to Sessions.Summarize (and SummarizeAs) and SummarizeEach.
func WithFreshSummary() Option {
	return func(s *settings) error {
		if err := s.callOnly("fresh summary", opSummarize, opSummarizeEach); err != nil {
			return err
		}
		s.fresh = true
		return nil
	}
}
