package fullstoryredis

import (
	"sync/atomic"
	"time"
)

// breaker remembers that Redis failed, so that while it is down the Cache
// and the Limiter do not wait for it on every call: after a failure it is
// open for a cool-down, during which allow says no; then one call at a time
// may try again, and a success closes it.
type breaker struct {
	coolDown time.Duration
	now      func() time.Time
	// retryAt is when a call may next try Redis, in Unix nanoseconds; 0:
	// closed (Redis works).
	retryAt atomic.Int64
}

func newBreaker(coolDown time.Duration) *breaker {
	return &breaker{coolDown: coolDown, now: time.Now}
}

// allow reports whether a call may use Redis now. While the breaker is open
// past its cool-down it lets one caller through and holds the others for
// another cool-down, so that a dead Redis sees one try per cool-down.
func (b *breaker) allow() bool {
	at := b.retryAt.Load()
	if at == 0 {
		return true
	}
	now := b.now().UnixNano()
	return now >= at && b.retryAt.CompareAndSwap(at, now+b.coolDown.Nanoseconds())
}

// result records how a call went.
func (b *breaker) result(err error) {
	if err == nil {
		b.retryAt.Store(0)
		return
	}
	b.retryAt.Store(b.now().Add(b.coolDown).UnixNano())
}
