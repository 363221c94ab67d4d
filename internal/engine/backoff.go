package engine

import (
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Backoff returns the wait before retry number n+1 (n from 0): its ceiling
// grows from min by doubling and is capped at max, and the wait is drawn
// between half and all of the ceiling, so that callers who failed together
// do not retry together.
func Backoff(min, max time.Duration, n int) time.Duration {
	if min <= 0 {
		return 0
	}
	ceiling := max
	if n < 63 && min <= max>>n { // min·2ⁿ where it does not overflow
		ceiling = min << n
	}
	half := ceiling / 2
	return half + rand.N(ceiling-half+1)
}

// longestRetryAfter stands for any Retry-After of a year or more: past
// every cap, so the call returns at once with it.
const longestRetryAfter = 365 * 24 * time.Hour

// ParseRetryAfter reads a Retry-After header: whole seconds or an HTTP date.
// A date gives the exact time left, never rounded down, so that a retry
// never goes out before the time the server named. A number of seconds too
// large for any integer type counts as a year: beyond every cap, not absent.
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseUint(v, 10, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		if err != nil || secs > uint64(longestRetryAfter/time.Second) {
			return longestRetryAfter, true
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
