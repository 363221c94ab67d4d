package fullstorytest

import (
	"math"
	"net/http"
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
	b.take0(now)
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, (1 - b.tokens) / b.rate
}

// set changes the rate and burst from now on, keeping the tokens the bucket
// holds (up to the new burst).
func (b *bucket) set(now time.Time, perSecond float64, burst int) {
	b.take0(now)
	b.rate, b.burst = perSecond, float64(max(burst, 1))
	b.tokens = math.Min(b.tokens, b.burst)
}

// take0 brings the tokens up to now without spending one.
func (b *bucket) take0(now time.Time) {
	if !b.last.IsZero() {
		b.tokens = math.Min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	}
	b.last = now
}

// retryAfterDate is the time a token is back, rounded up to the next whole
// second, as an HTTP date (which has whole seconds).
func retryAfterDate(now time.Time, secs float64) string {
	if !(secs < maxRetryAfter) {
		secs = maxRetryAfter
	}
	at := now.Add(time.Duration(secs * float64(time.Second)))
	if t := at.Truncate(time.Second); !t.Equal(at) {
		at = t.Add(time.Second)
	}
	return at.UTC().Format(http.TimeFormat)
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

// SetThrottle changes the limit of WithThrottle while the server runs, as
// when another integration of the account starts or stops: from now on the
// bucket refills at perSecond and holds at most burst (below 1 counts as 1),
// keeping the tokens it has up to the new burst. perSecond <= 0 turns the
// limit off; a later SetThrottle turns it on again with a full bucket.
func (s *Server) SetThrottle(perSecond float64, burst int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case perSecond <= 0:
		s.limit = nil
	case s.limit == nil:
		s.limit = newBucket(perSecond, burst)
	default:
		s.limit.set(time.Now(), perSecond, burst)
	}
}
