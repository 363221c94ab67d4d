// Package pace paces the attempts of one Client to the rate its server
// accepts, learned from the server's answers.
//
// Every 429 marks a moment when the server's token bucket is empty. The
// successes between two such marks, divided by the time between them, are a
// lower bound of the server's rate for this Client, and exact while the
// Client kept the server saturated. The Pacer spaces attempts one at a time
// just under that estimate, probes upward only while callers are waiting
// (×1.25 per 50ms until the first cut, then cubically from the rate of the
// last 429), reacts once to each change (429s that answer attempts sent
// before the change are not counted again), pauses every attempt for a
// Retry-After over ShortRetryAfter, and returns to unpaced after 2s without
// a 429. Until the first 429 nothing is held back: Wait costs one atomic
// load.
package pace

import (
	"context"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// Tuning. They are constants, not options: the estimator needs none.
const (
	// margin is the share of the estimate the Pacer sends at.
	margin = 0.95
	// boundaryCut bounds a cut when the server accepted about all the
	// Client sent: the 429 marks the edge, not a drop of the limit.
	boundaryCut = 0.85
	// saturated: fewer than this share of the attempts accepted means the
	// server, not the Client, set the pace, so the estimate is exact.
	saturated = 0.9
	// minRate is the slowest pace, in attempts per second.
	minRate = 1.0
	// startRate paces the release after a long pause when nothing was
	// learned yet.
	startRate = 10.0
	// firstWindow is the shortest time over which the successes before the
	// first 429 are counted, so that a first burst does not read as a rate.
	firstWindow = 100 * time.Millisecond
	// startupGrowth is how fast the rate grows after the first 429, until
	// the first cut: ×1.25 per 50ms of waiting callers.
	startupGrowth = 4.46 // ln(1.25)/0.05s
	// cubicC shapes the probe after a cut: W·(1 + C·(τ−K)³), τ in seconds
	// of waiting callers, W the rate of the 429, K the time back to W.
	cubicC = 0.1
	// ShortRetryAfter is the longest Retry-After that does not pause the
	// whole Client. Longer ones mean the account is over its limit for a
	// while: every attempt waits until then, and the waiting ones are
	// released paced.
	ShortRetryAfter = 2 * time.Second
	// stretchRate: below it, the probe's clock runs slower in proportion,
	// so that a probe costs a 429 per about a hundred attempts at most.
	stretchRate = 80.0
	// defaultMaxPause is Config.MaxPause unless set.
	defaultMaxPause = 60 * time.Second
	// quietReset: after this long without a 429, the Pacer is unpaced again.
	quietReset = 2 * time.Second
	// releaseSpacing spaces the callers still waiting when the Pacer returns
	// to unpaced (at most; a faster pace keeps its own spacing).
	releaseSpacing = 5 * time.Millisecond
)

// Limiter is a limiter of the caller's own, such as *rate.Limiter.
type Limiter interface {
	Wait(ctx context.Context) error
}

// Config configures a Pacer.
type Config struct {
	// Ceiling is the most attempts per second, whatever is learned; 0: none.
	Ceiling float64
	// Burst is the burst of Ceiling while nothing is learned (a token
	// bucket); below 1 counts as 1. A learned pace sends one at a time.
	Burst int
	// Limiter, if set, is waited for after the Pacer, before each attempt.
	Limiter Limiter
	// MaxPause is the longest Retry-After that pauses the whole Client; a
	// longer one (the call that got it returns at once) pauses nothing.
	// 0: 60s; negative: no Retry-After pauses the Client.
	MaxPause time.Duration
	// Now returns the current time; nil: time.Now.
	Now func() time.Time
	// NewTimer returns a channel that receives once d has passed, and a
	// function that stops it; nil: time.NewTimer.
	NewTimer func(d time.Duration) (<-chan time.Time, func() bool)
	// OnRateChange is called, with the Pacer's lock held (it must not call
	// the Pacer), when the rate is set (old 0: from unpaced), cut, or
	// returns to unpaced (new 0), and when probing has raised it by a
	// quarter since the last call. nil: none.
	OnRateChange func(old, new float64, reason string)
}

// Stats are a Pacer's counters.
type Stats struct {
	Rate      float64 // learned attempts per second; 0 while unpaced
	Throttled int64   // 429s observed
}

// HeldError is returned by Wait, at once, when the wait for an attempt
// would outlast the context's deadline: the Client holds the call back, and
// nothing is sent. It is the one "held back" error of the request path:
// package fullstory turns it into the *APIError 429 its users see.
type HeldError struct {
	Wait  time.Duration // how long the attempt would have waited; 0 if unknown
	Cause error         // the Limiter's error, if it was the Limiter
}

func (e *HeldError) Error() string {
	msg := "waiting for the Client's pacing would outlast the context deadline"
	if e.Wait > 0 {
		msg = fmt.Sprintf("waiting %s for the Client's pacing would outlast the context deadline", e.Wait.Round(time.Millisecond))
	}
	if e.Cause != nil {
		msg += ": " + e.Cause.Error()
	}
	return msg
}

func (e *HeldError) Unwrap() error { return e.Cause }

// Pacer holds back the attempts of one Client. It is safe for concurrent use.
type Pacer struct {
	cfg Config

	active    atomic.Bool // false: Wait returns at once
	succ      atomic.Int64
	throttled atomic.Int64

	mu        sync.Mutex
	rate      float64   // learned attempts per second; 0: unpaced
	reported  float64   // the rate OnRateChange last heard of
	tat       time.Time // the earliest start of the next attempt (GCRA)
	last      time.Time // the latest slot handed out that has begun
	pause     time.Time // no attempt starts before this
	waiters   int
	drain     time.Duration // spacing of waiters left when unpaced
	resched   chan struct{} // closed when waiters must take new slots
	scheduled float64       // the rate of the last reschedule
	grants    int64         // attempts let through

	// since the Pacer was last unpaced
	calmAt   time.Time
	calmSucc int64

	// the last counted 429: the server's bucket was empty
	markAt     time.Time
	markSucc   int64
	markGrants int64
	holdUntil  time.Time // 429s before this answer attempts sent before the last change
	last429    time.Time

	// probing
	startup  bool    // no cut yet since pacing began
	base     float64 // startup: the rate pacing began at; else W
	kSec     float64 // cubic: seconds from the cut back to W
	stretch  float64 // cubic: slows the probe at low rates, ≥ 1
	tau      float64 // seconds of waiting callers since the rate was set
	idle     float64 // seconds without waiting callers since the last mark
	lastTick time.Time
}

// New returns a Pacer.
func New(cfg Config) *Pacer {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.NewTimer == nil {
		cfg.NewTimer = func(d time.Duration) (<-chan time.Time, func() bool) {
			t := time.NewTimer(d)
			return t.C, t.Stop
		}
	}
	if cfg.MaxPause == 0 {
		cfg.MaxPause = defaultMaxPause
	}
	if !(cfg.Ceiling > 0) || math.IsInf(cfg.Ceiling, 0) {
		cfg.Ceiling = 0
	}
	cfg.Burst = max(cfg.Burst, 1)
	p := &Pacer{cfg: cfg, resched: make(chan struct{})}
	p.calmAt = cfg.Now()
	p.updateActive(p.calmAt)
	return p
}

// Stats returns the learned rate and the count of 429s.
func (p *Pacer) Stats() Stats {
	p.mu.Lock()
	r := p.rate
	p.mu.Unlock()
	return Stats{Rate: r, Throttled: p.throttled.Load()}
}
