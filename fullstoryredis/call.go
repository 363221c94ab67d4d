package fullstoryredis

import (
	"context"
	"fmt"
	"reflect"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	fullstory "github.com/summarykit/fullstory-go"
)

// A go-redis client waits for a reply as long as its ReadTimeout says (3s
// by default) and, unless ContextTimeoutEnabled is set, does not stop at the
// context's deadline. So every call here runs on a goroutine of its own and
// is given up when the caller's context ends or its own short limit passes,
// whatever the client's options are. A call given up still runs until
// go-redis returns; what it did then is handed to late.

// call runs fn, one Redis command, bounded by ctx and by limit. fn's context
// has the same bounds, so they also reach the socket when the client sets
// ContextTimeoutEnabled. If call gives up first, late (when not nil) gets
// fn's result when it comes, on fn's goroutine.
func call[T any](ctx context.Context, limit time.Duration, fn func(context.Context) (T, error), late func(T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	var zero T
	if err := ctx.Err(); err != nil {
		return zero, fmt.Errorf("fullstoryredis: Redis not called: %w", err)
	}
	var handed atomic.Bool // whoever sets it first owns the result
	done := make(chan result, 1)
	cctx, cancel := context.WithTimeout(ctx, limit)
	go func() {
		defer cancel()
		v, err := fn(cctx)
		if handed.CompareAndSwap(false, true) {
			done <- result{v, err}
		} else if late != nil {
			late(v, err)
		}
	}()
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
	case <-timer.C:
	}
	if !handed.CompareAndSwap(false, true) {
		r := <-done // the reply came as we gave up: take it
		return r.v, r.err
	}
	if err := ctx.Err(); err != nil {
		return zero, fmt.Errorf("fullstoryredis: waiting for Redis: %w", err)
	}
	return zero, &TimeoutError{Limit: limit}
}

// TimeoutError is the error of a Redis call that did not answer within its
// own limit. It matches context.DeadlineExceeded.
type TimeoutError struct {
	Limit time.Duration // the limit that passed
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("fullstoryredis: Redis did not answer within %s", e.Limit)
}

// Is reports whether target is context.DeadlineExceeded.
func (e *TimeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

// checkClient refuses a nil client, also a typed nil in the interface.
func checkClient(rdb redis.UniversalClient) error {
	if rdb == nil {
		return &fullstory.ValidationError{Field: "redis client", Reason: "is nil"}
	}
	if v := reflect.ValueOf(rdb); v.Kind() == reflect.Pointer && v.IsNil() {
		return &fullstory.ValidationError{Field: "redis client", Reason: "is nil"}
	}
	return nil
}
