package fullstory_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

// The summary cache (summarycache.go, guard.go): a MemoryCache on its own,
// and a SummaryCache in the request path.

func TestMemoryCacheIsBoundedInBytes(t *testing.T) {
	c := fullstory.NewMemoryCache(1000)
	ctx := t.Context()
	value := []byte(strings.Repeat("v", 200))
	for _, k := range []string{"a", "b", "c", "d", "e"} {
		require.NoError(t, c.Set(ctx, k, value, time.Hour))
	}
	// Each entry costs its key and value and 64 bytes of bookkeeping:
	// three of them fit in 1,000 bytes.
	assert.Equal(t, 3, c.Len())
	_, ok, err := c.Get(ctx, "a")
	require.NoError(t, err)
	assert.False(t, ok, "the least recently used entry stays")
	got, ok, err := c.Get(ctx, "e")
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, value, got)
	got[0] = 'x'
	again, _, _ := c.Get(ctx, "e")
	assert.Equal(t, byte('v'), again[0], "Get must return a copy")

	// Reading c makes it recent: the next Set evicts d instead.
	_, _, _ = c.Get(ctx, "c")
	require.NoError(t, c.Set(ctx, "f", value, time.Hour))
	_, ok, _ = c.Get(ctx, "c")
	assert.True(t, ok)
	_, ok, _ = c.Get(ctx, "d")
	assert.False(t, ok)

	require.NoError(t, c.Set(ctx, "huge", make([]byte, 2000), time.Hour))
	_, ok, _ = c.Get(ctx, "huge")
	assert.False(t, ok, "a value larger than the cache is not stored")
}

func TestMemoryCacheEntriesExpire(t *testing.T) {
	c := fullstory.NewMemoryCache(1 << 20)
	require.NoError(t, c.Set(t.Context(), "k", []byte("v"), time.Millisecond))
	require.Eventually(t, func() bool { _, ok, _ := c.Get(t.Context(), "k"); return !ok }, time.Second, time.Millisecond)
	assert.Zero(t, c.Len(), "an expired entry is dropped when read")
}

func TestSummaryCacheBadArgumentsAreRefused(t *testing.T) {
	var nilCache *fullstory.MemoryCache
	for name, opt := range map[string]fullstory.Option{
		"zero size": fullstory.WithSummaryCache(fullstory.NewMemoryCache(0), time.Hour),
		"nil":       fullstory.WithSummaryCache(nil, time.Hour),
		"typed nil": fullstory.WithSummaryCache(nilCache, time.Hour),
		"zero ttl":  fullstory.WithSummaryCache(fullstory.NewMemoryCache(1<<20), 0),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := fullstory.NewClient("k", opt)
			requireInvalidArgument(t, err)
		})
	}
	_, _, err := fullstory.NewMemoryCache(-1).Get(t.Context(), "k")
	requireInvalidArgument(t, err)
}

// A summary asked for again is answered from the cache: nothing is sent.
func TestSummaryCacheAnswersWithoutSending(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, summaryOK)))
	c := wireClient(t, ws, fullstory.WithSummaryCache(fullstory.NewMemoryCache(1<<20), time.Hour))
	first, err := summarize(t, c)
	require.NoError(t, err)
	assert.Equal(t, fullstory.SummaryFromAPI, first.Source)
	again, err := summarize(t, c)
	require.NoError(t, err)
	assert.Equal(t, fullstory.SummaryFromCache, again.Source)
	assert.Equal(t, first.Text, again.Text)
	assert.NotSame(t, first, again)
	assert.Equal(t, 1, ws.hits())
	assert.Equal(t, fullstory.ActivationStats{Spent: 1, CacheHits: 1}, c.ActivationStats())

	// WithFreshSummary asks anew, and stores the new one.
	fresh, err := summarize(t, c, fullstory.WithFreshSummary())
	require.NoError(t, err)
	assert.Equal(t, fullstory.SummaryFromAPI, fresh.Source)
	assert.Equal(t, 2, ws.hits())
}

// Keys hold no secret, separate accounts, and cover everything that
// changes the answer.
func TestSummaryCacheKeys(t *testing.T) {
	rc := &recordingCache{inner: fullstory.NewMemoryCache(1 << 20)}
	ws := newTestServer(t, wireReplies(wireJSON(http.StatusOK, summaryOK)))
	const key = "na1.cache-key-SECRET"
	c := newTestClient(t, key, ws.URL, fullstory.WithSummaryCache(rc, time.Hour))
	end := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	calls := []struct {
		name string
		c    *fullstory.Client
		id   fullstory.SessionID
		req  *fullstory.SummarizeRequest
		opts []fullstory.Option
	}{
		{"base", c, testSession, &fullstory.SummarizeRequest{Profile: "p1"}, nil},
		{"other session", c, fullstory.NewSessionID("4242", "778"), &fullstory.SummarizeRequest{Profile: "p1"}, nil},
		{"other profile", c, testSession, &fullstory.SummarizeRequest{Profile: "p2"}, nil},
		{"no profile", c, testSession, nil, nil},
		{"end timestamp", c, testSession, &fullstory.SummarizeRequest{Profile: "p1", EndTimestamp: end}, nil},
		{"overrides", c, testSession, &fullstory.SummarizeRequest{Profile: "p1", Overrides: &fullstory.ProfileConfig{LLM: &fullstory.LLMConfig{Temperature: fullstory.Ptr(0.9)}}}, nil},
		{"other overrides", c, testSession, &fullstory.SummarizeRequest{Profile: "p1", Overrides: &fullstory.ProfileConfig{LLM: &fullstory.LLMConfig{Temperature: fullstory.Ptr(0.1)}}}, nil},
		{"extra header", c, testSession, &fullstory.SummarizeRequest{Profile: "p1"}, []fullstory.Option{fullstory.WithHeader("X-Tenant", "acme")}},
		{"other base URL", c, testSession, &fullstory.SummarizeRequest{Profile: "p1"}, []fullstory.Option{fullstory.WithBaseURL(strings.Replace(ws.URL, "127.0.0.1", "localhost", 1))}},
		{"other account", newTestClient(t, "na1.another-account", ws.URL, fullstory.WithSummaryCache(rc, time.Hour)), testSession, &fullstory.SummarizeRequest{Profile: "p1"}, nil},
	}
	for _, call := range calls {
		_, err := call.c.Sessions.Summarize(t.Context(), call.id, call.req, call.opts...)
		require.NoError(t, err, call.name)
	}
	keys := rc.setKeys()
	require.Len(t, keys, len(calls), "every call stored its summary under a key of its own")
	seen := map[string]string{}
	for i, k := range keys {
		if prev, dup := seen[k]; dup {
			t.Errorf("%q and %q share a cache key", prev, calls[i].name)
		}
		seen[k] = calls[i].name
		// (Hex digits only: a short number could occur in a hash by chance.)
		for _, secret := range []string{key, "SECRET", testSession.String(), testSession.PathEscaped(), "p1", "p2", "acme"} {
			assert.NotContains(t, k, secret, "the cache key of %q", calls[i].name)
		}
	}
	// The same call again finds the first key.
	_, err := c.Sessions.Summarize(t.Context(), testSession, &fullstory.SummarizeRequest{Profile: "p1"})
	require.NoError(t, err)
	assert.Equal(t, keys[0], rc.lastGet())
	assert.Equal(t, len(calls), ws.hits())
}

// Only successes are stored; a cache that fails is skipped and the call is
// made.
func TestSummaryCacheStoresOnlySuccessesAndSkipsFailures(t *testing.T) {
	ws := newTestServer(t, wireReplies(wireStatusError(http.StatusNotFound), wireJSON(http.StatusOK, `{"summary":""}`), wireJSON(http.StatusOK, summaryOK)))
	rc := &recordingCache{inner: fullstory.NewMemoryCache(1 << 20)}
	c := wireClient(t, ws, fullstory.WithSummaryCache(rc, time.Hour))
	_, err := summarize(t, c)
	require.ErrorIs(t, err, fullstory.ErrNotFound)
	_, err = summarize(t, c)
	require.ErrorIs(t, err, fullstory.ErrInvalidResponse)
	assert.Empty(t, rc.setKeys(), "a failure was stored")

	broken := wireClient(t, ws, fullstory.WithSummaryCache(brokenCache{}, time.Hour))
	sum, err := summarize(t, broken)
	require.NoError(t, err, "a cache that fails must not fail the call")
	assert.Equal(t, fullstory.SummaryFromAPI, sum.Source)
}

// recordingCache records the keys it is asked for.
type recordingCache struct {
	inner *fullstory.MemoryCache
	mu    sync.Mutex
	sets  []string
	gets  []string
}

func (c *recordingCache) Get(ctx context.Context, key string) ([]byte, bool, error) {
	c.mu.Lock()
	c.gets = append(c.gets, key)
	c.mu.Unlock()
	return c.inner.Get(ctx, key)
}

func (c *recordingCache) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	c.mu.Lock()
	c.sets = append(c.sets, key)
	c.mu.Unlock()
	return c.inner.Set(ctx, key, value, ttl)
}

func (c *recordingCache) setKeys() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.sets...)
}

func (c *recordingCache) lastGet() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gets[len(c.gets)-1]
}

// brokenCache fails every call, as a cache whose store is down.
type brokenCache struct{}

func (brokenCache) Get(context.Context, string) ([]byte, bool, error) {
	return nil, false, errors.New("cache down")
}
func (brokenCache) Set(context.Context, string, []byte, time.Duration) error {
	return errors.New("cache down")
}

// MemoryCache against a model of an LRU bounded in bytes (key, value and
// 64 bytes each), on random sets and gets of a few keys.
func TestMemoryCacheFollowsTheModel(t *testing.T) {
	const max = 2000
	c := fullstory.NewMemoryCache(max)
	type entry struct{ key, value string }
	var model []entry // most recently used first
	cost := func(e entry) int { return len(e.key) + len(e.value) + 64 }
	find := func(k string) int {
		for i, e := range model {
			if e.key == k {
				return i
			}
		}
		return -1
	}
	rng := rand.New(rand.NewPCG(1, 2))
	ctx := t.Context()
	for step := range 20000 {
		k := fmt.Sprintf("k%d", rng.IntN(40))
		if rng.IntN(2) == 0 {
			v := strings.Repeat("v", rng.IntN(600))
			require.NoError(t, c.Set(ctx, k, []byte(v), time.Hour))
			if i := find(k); i >= 0 {
				model = append(model[:i], model[i+1:]...)
			}
			e := entry{k, v}
			if cost(e) <= max {
				total := cost(e)
				for _, m := range model {
					total += cost(m)
				}
				for total > max {
					total -= cost(model[len(model)-1])
					model = model[:len(model)-1]
				}
				model = append([]entry{e}, model...)
			}
		} else {
			got, ok, err := c.Get(ctx, k)
			require.NoError(t, err)
			i := find(k)
			require.Equal(t, i >= 0, ok, "step %d: Get(%s)", step, k)
			if ok {
				assert.Equal(t, model[i].value, string(got))
				e := model[i]
				model = append(model[:i], model[i+1:]...)
				model = append([]entry{e}, model...)
			}
		}
		require.Equal(t, len(model), c.Len(), "step %d", step)
	}
}
