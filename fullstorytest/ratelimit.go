package fullstorytest

import (
	"math"
	"time"
)

// bucket is a token bucket; the Server's mutex guards it.
type bucket struct {
	rate   float64 // tokens per second
	burst  float64
	tokens float64
	last   time.Time
}

func newBucket(perSecond float64, burst int) *bucket {
	b := float64(max(burst, 1))
	return &bucket{rate: perSecond, burst: b, tokens: b}
}

// take spends a token if there is one; otherwise it says how many seconds
// until there is.
func (b *bucket) take(now time.Time) (ok bool, waitSeconds float64) {
	if !b.last.IsZero() {
		b.tokens = math.Min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	}
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, (1 - b.tokens) / b.rate
}

// maxRetryAfter caps the Retry-After of a very slow bucket at a year.
const maxRetryAfter = 365 * 24 * 60 * 60

// retryAfterSeconds is secs rounded up to whole seconds, at least 1: the
// Retry-After the API sends.
func retryAfterSeconds(secs float64) int64 {
	if !(secs < maxRetryAfter) { // also NaN
		return maxRetryAfter
	}
	return max(int64(math.Ceil(secs)), 1)
}
