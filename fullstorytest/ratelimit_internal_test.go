package fullstorytest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestBucket(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	b := newBucket(2, 3) // 2 tokens a second, 3 at most
	for range 3 {
		ok, _ := b.take(now)
		assert.True(t, ok)
	}
	ok, wait := b.take(now)
	assert.False(t, ok)
	assert.InDelta(t, 0.5, wait, 1e-9)
	assert.Equal(t, int64(1), retryAfterSeconds(wait))

	ok, _ = b.take(now.Add(500 * time.Millisecond))
	assert.True(t, ok, "a token came back after half a second")
	ok, _ = b.take(now.Add(500 * time.Millisecond))
	assert.False(t, ok)

	// A long pause refills the bucket to its burst, no more.
	later := now.Add(time.Hour)
	for range 3 {
		ok, _ := b.take(later)
		assert.True(t, ok)
	}
	ok, _ = b.take(later)
	assert.False(t, ok)

	assert.Equal(t, int64(1), retryAfterSeconds(0.001))
	assert.Equal(t, int64(3), retryAfterSeconds(2.01))
	assert.Equal(t, int64(365*24*60*60), retryAfterSeconds(1e300))
	assert.Equal(t, 1.0, newBucket(1, 0).burst, "a burst below 1 counts as 1")
}

func TestBucketSet(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	b := newBucket(10, 5)
	for range 5 {
		ok, _ := b.take(now)
		assert.True(t, ok)
	}
	b.set(now.Add(100*time.Millisecond), 100, 2) // one token came back at the old rate
	ok, _ := b.take(now.Add(100 * time.Millisecond))
	assert.True(t, ok)
	ok, wait := b.take(now.Add(100 * time.Millisecond))
	assert.False(t, ok)
	assert.InDelta(t, 0.01, wait, 1e-9, "the new rate refills")
	b.set(now.Add(time.Hour), 1, 1)
	assert.Equal(t, 1.0, b.tokens, "the tokens fit the new burst")
}

func TestRetryAfterDate(t *testing.T) {
	now := time.Date(2025, 6, 26, 23, 1, 54, 300_000_000, time.UTC)
	// A token back in 0.5s is back at :54.8, so :55.
	assert.Equal(t, "Thu, 26 Jun 2025 23:01:55 GMT", retryAfterDate(now, 0.5))
	assert.Equal(t, "Thu, 26 Jun 2025 23:01:56 GMT", retryAfterDate(now, 1.2))
	assert.Equal(t, "Thu, 26 Jun 2025 23:01:55 GMT", retryAfterDate(now, 0.7), "exactly a whole second stays")
	whole := time.Date(2025, 6, 26, 23, 1, 54, 0, time.UTC)
	assert.Equal(t, "Thu, 26 Jun 2025 23:01:56 GMT", retryAfterDate(whole, 2))
}
