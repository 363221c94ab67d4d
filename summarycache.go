package fullstory

import (
	"context"
	"strings"
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
//
// Its entries are slots of one slice, linked by index, each holding its key
// and value in one string, which the index's key is a part of: a cache of
// many small summaries holds one object per entry for the garbage collector
// to trace, not four.
type MemoryCache struct {
	max int64
	err error            // a bad argument to NewMemoryCache
	now func() time.Time // the clock; time.Now

	mu    sync.Mutex
	size  int64
	index map[string]int32 // key → slot
	slots []cacheSlot
	head  int32 // the most recently used slot; -1: none
	tail  int32 // the least recently used slot; -1: none
	free  int32 // a slot to reuse, linked by next; -1: none
}

// cacheSlot is one entry of a MemoryCache, or a free slot.
type cacheSlot struct {
	kv         string // the key, then the value
	klen       int32  // the key's length
	expires    int64  // unix nanoseconds
	prev, next int32  // toward head and tail, or the next free slot
}

func (s *cacheSlot) key() string   { return s.kv[:s.klen] }
func (s *cacheSlot) value() string { return s.kv[s.klen:] }

// entryOverhead is what an entry costs beyond its key and value: its slot
// and its place in the index, roughly.
const entryOverhead = 64

// NewMemoryCache returns a cache that holds at most maxBytes of keys,
// values and bookkeeping. A maxBytes of 0 or less is refused with
// ErrInvalidArgument by WithSummaryCache, never a panic.
func NewMemoryCache(maxBytes int64) *MemoryCache {
	c := &MemoryCache{max: maxBytes, now: time.Now, index: make(map[string]int32), head: -1, tail: -1, free: -1}
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
	i, ok := c.index[key]
	if !ok {
		return nil, false, nil
	}
	if c.now().UnixNano() >= c.slots[i].expires {
		c.remove(i)
		return nil, false, nil
	}
	c.unlink(i)
	c.pushFront(i)
	return []byte(c.slots[i].value()), true, nil
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
	if i, ok := c.index[key]; ok {
		c.remove(i)
	}
	if cost > c.max {
		return nil
	}
	for c.size+cost > c.max {
		c.remove(c.tail)
	}
	i := c.free
	if i >= 0 {
		c.free = c.slots[i].next
	} else {
		i = int32(len(c.slots))
		c.slots = append(c.slots, cacheSlot{})
	}
	var kv strings.Builder // one allocation for both
	kv.Grow(len(key) + len(value))
	kv.WriteString(key)
	kv.Write(value)
	c.slots[i] = cacheSlot{kv: kv.String(), klen: int32(len(key)), expires: c.now().Add(ttl).UnixNano()}
	c.pushFront(i)
	c.index[c.slots[i].key()] = i
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
	return len(c.index)
}

// remove drops slot i and puts it on the free list. c.mu is held.
func (c *MemoryCache) remove(i int32) {
	s := &c.slots[i]
	c.unlink(i)
	delete(c.index, s.key())
	c.size -= int64(len(s.kv)) + entryOverhead
	*s = cacheSlot{next: c.free}
	c.free = i
}

// unlink takes slot i out of the recency list. c.mu is held.
func (c *MemoryCache) unlink(i int32) {
	s := &c.slots[i]
	if s.prev >= 0 {
		c.slots[s.prev].next = s.next
	} else {
		c.head = s.next
	}
	if s.next >= 0 {
		c.slots[s.next].prev = s.prev
	} else {
		c.tail = s.prev
	}
	s.prev, s.next = -1, -1
}

// pushFront makes slot i the most recently used. c.mu is held.
func (c *MemoryCache) pushFront(i int32) {
	s := &c.slots[i]
	s.prev, s.next = -1, c.head
	if c.head >= 0 {
		c.slots[c.head].prev = i
	}
	c.head = i
	if c.tail < 0 {
		c.tail = i
	}
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
