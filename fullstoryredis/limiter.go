package fullstoryredis

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	fullstory "github.com/summarykit/fullstory-go"
	"golang.org/x/time/rate"
)

// ErrLimiterUnavailable is what a Limiter's Wait returns, with Redis's
// error, when Redis fails: the Client then paces that attempt itself, and
// asks Redis again a second later (or the Limiter paces at its fallback,
// WithFallback).
var ErrLimiterUnavailable = errors.New("fullstoryredis: shared limiter unavailable")

// Limiter bounds: a Wait waits at most limiterTimeout for Redis; after a
// failure the Limiter leaves Redis alone for limiterCoolDown.
const (
	limiterTimeout  = 100 * time.Millisecond
	limiterCoolDown = time.Second
	// longRetryAfter: a 429 asking for longer than this pauses the whole
	// fleet until then.
	longRetryAfter = 2 * time.Second
	// defaultRetention is how long the fleet remembers what it learned.
	defaultRetention = 24 * time.Hour
)

// Limiter is a fullstory.AdaptiveLimiter in Redis: every Client given a
// Limiter on the same key, in any process, waits in one shared pacing (a
// GCRA in one Lua script, on Redis's clock), and they learn the account's
// rate together from the 429s any of them meets. Fullstory does not publish
// its limit; none needs to be told.
//
// How it learns: every attempt waits its turn in one queue, served at the
// fleet's pace. Until the first 429 the pace starts at 50 attempts a second
// and grows ×1.25 every 50ms while attempts wait; the first 429 halves it.
// Each 429 marks a moment when the account had nothing left: the attempts
// it accepted between two such marks, over the time attempts waited
// between them, are its rate, and the fleet paces just under that,
// probing above it while attempts wait, the more slowly the more its
// measures agree (a limit the account raises is found within seconds, one
// it lowers at the next 429s). A 429 counts once: those that answer
// attempts sent before the last change of pace are not counted again, and
// one alone may be an attempt the machine held up, so it takes two. A 429
// whose Retry-After is over 2s pauses the whole fleet until then.
//
// What the fleet learned lives in Redis, in the hash at key, until a day
// passes with no Wait (WithRetention), so the next run starts at the
// learned pace. Forget, or DEL key, starts afresh.
//
// When Redis cannot be reached in time (each call waits at most 100ms, or
// until the caller's deadline, whatever the go-redis options), Pacing
// reports false and each Client paces itself, as without this Limiter, and
// calls do not fail; a second later one attempt asks Redis again, and once
// it answers the Clients share again. WithFallback paces at a rate of your
// choosing instead.
type Limiter struct {
	rdb       redis.UniversalClient
	key       string
	err       error   // a bad argument to NewLimiter
	ceiling   float64 // 0: none
	fallback  *rate.Limiter
	retention time.Duration
	breaker   *breaker
	now       func() time.Time

	mu      sync.Mutex
	pending int64       // 429s met since the last report
	sent    []time.Time // when they were sent, the latest maxReported
	pause   time.Time   // a long Retry-After: when the account takes attempts again

	// offset is Redis's clock minus this process's, in nanoseconds, as of
	// the last reply.
	offset atomic.Int64
}

// LimiterOption configures a Limiter in NewLimiter.
type LimiterOption func(*Limiter) error

// WithCeiling makes the Limiter never pace faster than perSecond attempts a
// second for the fleet together, whatever it learns: the account's limit if
// you know it, or the share of it the fleet may use. perSecond must be
// positive.
func WithCeiling(perSecond float64) LimiterOption {
	return func(l *Limiter) error {
		if !(perSecond > 0) || math.IsInf(perSecond, 0) {
			return &fullstory.ValidationError{Field: "limiter ceiling", Reason: "must be a positive number of attempts per second"}
		}
		l.ceiling = perSecond
		return nil
	}
}

// WithFallback makes the Limiter, while Redis is unreachable, pace each
// process alone at perSecond attempts a second with bursts of burst, such
// as the account's rate divided by the number of replicas (a safe share),
// instead of handing pacing back to each Client's own pacer. perSecond must
// be positive; a burst below 1 counts as 1.
func WithFallback(perSecond float64, burst int) LimiterOption {
	return func(l *Limiter) error {
		if !(perSecond > 0) || math.IsInf(perSecond, 0) {
			return &fullstory.ValidationError{Field: "limiter fallback", Reason: "must be a positive number of attempts per second"}
		}
		l.fallback = rate.NewLimiter(rate.Limit(perSecond), max(burst, 1))
		return nil
	}
}

// WithRetention sets how long the fleet's learned pacing stays in Redis
// after the last Wait of any Client on the key: 24 hours unless set. It
// must be at least a second.
func WithRetention(d time.Duration) LimiterOption {
	return func(l *Limiter) error {
		if d < time.Second {
			return &fullstory.ValidationError{Field: "limiter retention", Reason: "must be at least a second"}
		}
		l.retention = d
		return nil
	}
}

// NewLimiter returns a limiter shared by every Limiter on key in the Redis
// of rdb. Give it to each Client with fullstory.WithLimiter. A nil client,
// an empty key or a bad option is refused with an error matching
// fullstory.ErrInvalidArgument by Wait, never a panic.
func NewLimiter(rdb redis.UniversalClient, key string, opts ...LimiterOption) *Limiter {
	l := &Limiter{rdb: rdb, key: key, retention: defaultRetention, breaker: newBreaker(limiterCoolDown), now: time.Now}
	switch {
	case checkClient(rdb) != nil:
		l.err = checkClient(rdb)
	case key == "":
		l.err = &fullstory.ValidationError{Field: "limiter key", Reason: "is empty"}
	}
	for _, opt := range opts {
		if l.err != nil {
			break
		}
		if opt == nil {
			l.err = &fullstory.ValidationError{Field: "limiter option", Reason: "is nil"}
			break
		}
		l.err = opt(l)
	}
	return l
}

func (l *Limiter) check() error {
	if l == nil {
		return &fullstory.ValidationError{Field: "limiter", Reason: "is nil"}
	}
	return l.err
}

// Pacing reports whether the Limiter paces the Client now: while Redis
// answers, or after its cool-down for the one attempt that asks it again,
// or always with WithFallback. A Limiter with a bad argument says true, so
// that its Wait can report it.
func (l *Limiter) Pacing() bool {
	if l.check() != nil || l.fallback != nil {
		return true
	}
	return l.breaker.allow()
}

// Observe is told of every answer an attempt got: a 429 is reported to the
// fleet with the next Wait of this process.
func (l *Limiter) Observe(a fullstory.Answer) {
	if l.check() != nil || a.Status != http.StatusTooManyRequests {
		return
	}
	sent := a.Sent
	if sent.IsZero() {
		sent = l.now()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pending++
	l.sent = append(l.sent, sent)
	if len(l.sent) > maxReported {
		l.sent = l.sent[1:]
	}
	if a.RetryAfter > longRetryAfter {
		if until := sent.Add(a.RetryAfter); until.After(l.pause) {
			l.pause = until
		}
	}
}

// maxReported bounds the send times of 429s one report carries.
const maxReported = 64

// report is what a process tells the fleet with a Wait.
type report struct {
	n429  int64
	sent  []time.Time
	pause time.Time
}

func (l *Limiter) takeReport() report {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := report{n429: l.pending, sent: l.sent, pause: l.pause}
	l.pending, l.sent, l.pause = 0, nil, time.Time{}
	return r
}

// putBack keeps a report that did not reach Redis for the next Wait.
func (l *Limiter) putBack(r report) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pending += r.n429
	l.sent = append(r.sent, l.sent...)
	if n := len(l.sent); n > maxReported {
		l.sent = l.sent[n-maxReported:]
	}
	if r.pause.After(l.pause) {
		l.pause = r.pause
	}
}

// redisMicros converts a time of this process's clock to Redis's, in
// microseconds; 0 for the zero time.
func (l *Limiter) redisMicros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Add(time.Duration(l.offset.Load())).UnixMicro()
}

// turn is the script's answer.
type turn struct {
	ticket int64         // the caller's place in the queue
	wait   time.Duration // 0: go now; -1: longer than the caller may wait
	rate   float64
}

// ask runs the script once: take a ticket (ticket 0), see whether a ticket's
// turn has come, or (ticket -1) only report.
func (l *Limiter) ask(ctx context.Context, ticket int64, maxWait time.Duration) (turn, error) {
	rep := l.takeReport()
	maxMicros := int64(-1)
	if maxWait >= 0 {
		maxMicros = maxWait.Microseconds()
	}
	args := []any{ticket, maxMicros, rep.n429, l.redisMicros(rep.pause), l.ceiling, l.retention.Milliseconds()}
	for _, t := range rep.sent {
		args = append(args, l.redisMicros(t))
	}
	sent := l.now()
	v, err := call(ctx, limiterTimeout, func(ctx context.Context) ([]int64, error) {
		return limiterScript.Run(ctx, l.rdb, []string{l.key}, args...).Int64Slice()
	}, nil)
	if err == nil && len(v) != 4 {
		err = fmt.Errorf("fullstoryredis: unexpected limiter reply %v", v)
	}
	if err != nil {
		l.putBack(rep)
		if ctx.Err() == nil {
			l.breaker.result(err)
		}
		return turn{}, fmt.Errorf("%w: %w", ErrLimiterUnavailable, err)
	}
	l.breaker.result(nil)
	got := l.now()
	mid := sent.Add(got.Sub(sent) / 2)
	l.offset.Store(int64(time.UnixMicro(v[2]).Sub(mid)))
	tu := turn{ticket: v[0], wait: time.Duration(v[1]) * time.Microsecond, rate: float64(v[3]) / 1000}
	if v[1] < 0 {
		tu.wait = -1
	}
	return tu, nil
}

// lastLeg is the longest wait slept without asking Redis again: a longer
// one wakes this much before its turn and asks, so that a change of pace
// meanwhile moves it.
const lastLeg = 20 * time.Millisecond

// Wait blocks until the fleet's pacing lets one attempt start. It returns
// at once an error matching fullstory.ErrRateLimited when the wait would
// outlast ctx's deadline (nothing is taken from the fleet then), ctx's
// error if ctx ends first, or an error matching ErrLimiterUnavailable when
// Redis fails (with WithFallback, it then waits for the fallback instead).
// A short wait is one round trip to Redis; a long one, a few.
func (l *Limiter) Wait(ctx context.Context) error {
	if err := l.check(); err != nil {
		return err
	}
	var ticket int64
	for {
		maxWait := time.Duration(-1)
		if deadline, ok := ctx.Deadline(); ok {
			maxWait = max(deadline.Sub(l.now()), 0)
		}
		tu, err := l.ask(ctx, ticket, maxWait)
		switch {
		case err != nil:
			if l.fallback != nil && ctx.Err() == nil {
				return l.waitFallback(ctx)
			}
			return err
		case tu.wait < 0:
			return &HeldError{Rate: tu.rate}
		case tu.wait == 0:
			return nil
		}
		ticket = tu.ticket
		sleep, last := tu.wait, tu.wait <= lastLeg
		if !last {
			sleep -= lastLeg
		}
		if err := l.sleep(ctx, sleep); err != nil {
			return err
		}
		if last {
			return nil
		}
	}
}

func (l *Limiter) sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (l *Limiter) waitFallback(ctx context.Context) error {
	err := l.fallback.Wait(ctx)
	if err != nil && ctx.Err() == nil {
		// rate.Limiter's only other error: the wait would pass the deadline.
		return &HeldError{Rate: float64(l.fallback.Limit())}
	}
	return err
}

// HeldError is Wait's error when the wait for the fleet's pacing would
// outlast the context's deadline. It matches fullstory.ErrRateLimited, so
// the Client ends the call held, as for its own pacing.
type HeldError struct {
	Rate float64 // the pace the fleet keeps, in attempts per second
}

func (e *HeldError) Error() string {
	return fmt.Sprintf("fullstoryredis: waiting for the fleet's pace (%.1f/s) would outlast the context deadline", e.Rate)
}

// Is reports whether target is fullstory.ErrRateLimited.
func (e *HeldError) Is(target error) bool { return target == fullstory.ErrRateLimited }

// Rate returns the pace the fleet keeps now, in attempts per second, and
// reports this process's 429s that Redis has not heard of yet. It takes no
// slot.
func (l *Limiter) Rate(ctx context.Context) (float64, error) {
	if err := l.check(); err != nil {
		return 0, err
	}
	tu, err := l.ask(ctx, -1, -1)
	return tu.rate, err
}

// Forget makes the fleet forget what it learned: the next Wait starts
// afresh, for every Limiter on the key. It is DEL key.
func (l *Limiter) Forget(ctx context.Context) error {
	if err := l.check(); err != nil {
		return err
	}
	_, err := call(ctx, limiterTimeout, func(ctx context.Context) (int64, error) {
		return l.rdb.Del(ctx, l.key).Result()
	}, nil)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrLimiterUnavailable, err)
	}
	return nil
}

var _ fullstory.AdaptiveLimiter = (*Limiter)(nil)
