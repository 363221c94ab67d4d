package retry

import (
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

// ParseRetryAfter reads a Retry-After header: whole seconds or an HTTP date.
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second)*365 {
			secs = int64(24*time.Hour/time.Second) * 365
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d.Round(time.Second), true
	}
	return 0, false
}
