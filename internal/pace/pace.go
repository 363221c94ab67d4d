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
	"net/http"
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

// TooLongError is returned by Wait, at once, when the wait for an attempt
// would outlast the context's deadline. Nothing was sent.
type TooLongError struct {
	Wait  time.Duration // how long the attempt would have waited; 0 if unknown
	Cause error         // the Limiter's error, if it was the Limiter
}

func (e *TooLongError) Error() string {
	if e.Cause != nil {
		return "waiting for the rate limit would outlast the context deadline: " + e.Cause.Error()
	}
	return fmt.Sprintf("waiting %s for the rate limit would outlast the context deadline", e.Wait.Round(time.Millisecond))
}

func (e *TooLongError) Unwrap() error { return e.Cause }

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

// Wait blocks until one attempt may start. It returns at once with a
// *TooLongError if the wait would outlast ctx's deadline (nothing may be
// sent then), or ctx's error if ctx ends first.
func (p *Pacer) Wait(ctx context.Context) error {
	if !p.active.Load() {
		return nil
	}
	if err := p.wait(ctx); err != nil {
		return err
	}
	if p.cfg.Limiter != nil {
		if err := p.cfg.Limiter.Wait(ctx); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if _, ok := ctx.Deadline(); ok {
				return &TooLongError{Cause: err}
			}
			return err
		}
	}
	return nil
}

func (p *Pacer) wait(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	for {
		p.mu.Lock()
		now := p.cfg.Now()
		p.tick(now)
		slot, next, interval := p.slot(now)
		if d := slot.Sub(now); d > 0 {
			if deadline, ok := ctx.Deadline(); ok && slot.After(deadline) {
				p.mu.Unlock()
				return &TooLongError{Wait: d}
			}
		}
		p.tat = next
		p.grants++
		if !slot.After(now) {
			p.last = now
			p.updateActive(now)
			p.mu.Unlock()
			return nil
		}
		p.waiters++
		p.updateActive(now)
		resched := p.resched
		p.mu.Unlock()

		c, stop := p.cfg.NewTimer(slot.Sub(now))
		select {
		case <-c:
			p.mu.Lock()
			p.waiters--
			if slot.After(p.last) {
				p.last = slot
			}
			p.updateActive(p.cfg.Now())
			p.mu.Unlock()
			return nil
		case <-resched:
			stop()
			p.mu.Lock()
			p.waiters--
			p.grants--
			p.mu.Unlock()
		case <-ctx.Done():
			stop()
			p.mu.Lock()
			p.waiters--
			p.grants--
			if p.tat.Equal(slot.Add(interval)) {
				p.tat = slot // nobody came after: give the slot back
			}
			p.updateActive(p.cfg.Now())
			p.mu.Unlock()
			return ctx.Err()
		}
	}
}

// slot returns when the next attempt may start, the earliest start of the
// one after it, and the spacing between them.
func (p *Pacer) slot(now time.Time) (slot, next time.Time, interval time.Duration) {
	var burst int
	switch {
	case p.rate > 0:
		interval, burst = every(p.effective()), 1
	case p.cfg.Ceiling > 0:
		interval, burst = every(p.cfg.Ceiling), p.cfg.Burst
	case p.waiters > 0:
		interval, burst = p.drain, 1
	}
	tat := p.tat
	if tat.Before(p.pause) {
		tat = p.pause
	}
	slot = tat.Add(-time.Duration(burst-1) * interval)
	if slot.Before(now) {
		slot = now
	}
	if tat.Before(now) {
		tat = now
	}
	return slot, tat.Add(interval), interval
}

func every(perSecond float64) time.Duration {
	return time.Duration(float64(time.Second) / perSecond)
}

// effective is the learned rate under the ceiling.
func (p *Pacer) effective() float64 {
	if p.cfg.Ceiling > 0 && p.rate > p.cfg.Ceiling {
		return p.cfg.Ceiling
	}
	return p.rate
}

func (p *Pacer) updateActive(now time.Time) {
	p.active.Store(p.rate > 0 || p.cfg.Ceiling > 0 || p.cfg.Limiter != nil || p.waiters > 0 || p.pause.After(now))
}

// tick returns to unpaced after a quiet spell, and probes upward while
// callers wait.
func (p *Pacer) tick(now time.Time) {
	if p.rate == 0 {
		return
	}
	if now.Sub(p.last429) >= quietReset && !p.pause.After(now) {
		p.unpace(now)
		return
	}
	dt := now.Sub(p.lastTick).Seconds()
	p.lastTick = now
	if dt <= 0 {
		return
	}
	if p.waiters == 0 && !p.tat.After(now) {
		p.idle += dt
		return // nobody waits: the rate is not the limit, so not probed
	}
	p.tau += dt
	var r float64
	if p.startup {
		r = p.base * math.Exp(startupGrowth*p.tau)
	} else {
		x := p.tau/p.stretch - p.kSec
		r = p.base * (1 + cubicC*x*x*x)
	}
	if p.cfg.Ceiling > 0 {
		r = min(r, p.cfg.Ceiling)
	}
	if r > p.rate {
		p.rate = r
		if r >= 1.25*p.reported {
			p.report(p.reported, r, "probing")
		}
		if r >= 1.1*p.scheduled {
			p.reschedule(now) // slots taken at the old pace move up
		}
	}
}

func (p *Pacer) report(old, r float64, reason string) {
	if p.cfg.OnRateChange != nil && r != old {
		p.cfg.OnRateChange(old, r, reason)
	}
	p.reported = r
}

func (p *Pacer) unpace(now time.Time) {
	old := p.effective()
	p.rate = 0
	p.report(old, 0, "no 429 for "+quietReset.String())
	p.calmAt, p.calmSucc = now, p.succ.Load()
	if p.waiters > 0 {
		p.drain = min(every(old), releaseSpacing)
		p.reschedule(now)
	}
	p.updateActive(now)
}

// reschedule makes the waiting callers take new slots, spaced from the last
// one that began.
func (p *Pacer) reschedule(now time.Time) {
	var interval time.Duration
	switch {
	case p.rate > 0:
		interval = every(p.effective())
	case p.cfg.Ceiling > 0:
		interval = every(p.cfg.Ceiling)
	default:
		interval = p.drain
	}
	p.tat = p.last.Add(interval)
	p.scheduled = p.rate
	if p.waiters > 0 {
		close(p.resched)
		p.resched = make(chan struct{})
	}
}

// Observe is called after every attempt that got a response, with its
// status and the Retry-After it carried (ok is false when none). Only 429s
// and successes (any other status) count.
func (p *Pacer) Observe(status int, retryAfter time.Duration, ok bool) {
	if status != http.StatusTooManyRequests {
		p.succ.Add(1)
		return
	}
	p.throttled.Add(1)
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.cfg.Now()
	p.tick(now)
	p.last429 = now
	if ok && retryAfter > ShortRetryAfter && retryAfter <= p.cfg.MaxPause {
		if until := now.Add(retryAfter); until.After(p.pause) {
			p.pause = until
			p.reschedule(now)
		}
	}
	succ, grants := p.succ.Load(), p.grants
	if p.rate == 0 {
		n := succ - p.calmSucc
		r := float64(n) / max(now.Sub(p.calmAt), firstWindow).Seconds()
		if n == 0 {
			if !p.pause.After(now) {
				// Nothing accepted since unpaced: nothing to pace to. The
				// request waits out its own Retry-After.
				p.updateActive(now)
				return
			}
			r = startRate
		}
		p.begin(now, r, succ, grants)
		p.startup = true
		p.base = p.rate
		p.report(0, p.rate, "first 429")
		p.reschedule(now)
		p.updateActive(now)
		return
	}
	if now.Before(p.holdUntil) {
		return // an answer to an attempt sent before the last change
	}
	dt := now.Sub(p.markAt).Seconds()
	n, g := succ-p.markSucc, grants-p.markGrants
	est := float64(n) / dt
	busy := p.idle < (1-saturated)*dt
	w, w0 := p.rate, p.rate
	var target float64
	keepMark := dt < measure(p.rate).Seconds()
	switch {
	case keepMark:
		// Too soon after the last mark to measure: a plain cut, and the
		// next 429 measures from the same mark.
		target = boundaryCut * w
	case busy && float64(n) < saturated*float64(g):
		// Callers kept waiting and the server refused some: it set the
		// pace, so the estimate is exact.
		target = margin * est
	case p.startup && busy:
		// The first probe found the edge after a climb: the estimate is a
		// lower bound, short by what the bucket overflowed during the
		// climb. Probe from it, not from the overshoot the bucket hid.
		target = margin * max(est, w/2)
		w = target / margin
	default:
		// The server took about all that was sent: this 429 marks the
		// edge (or arrival jitter), not a lower limit.
		target = margin * max(est, boundaryCut*w)
	}
	target = min(target, p.rate)
	if keepMark {
		succ, grants = p.markSucc, p.markGrants
		defer func(at time.Time, idle float64) { p.markAt, p.idle = at, idle }(p.markAt, p.idle)
	}
	p.begin(now, target, succ, grants)
	p.startup = false
	p.base = w
	p.kSec = math.Cbrt(max(1-p.rate/w, 0) / cubicC)
	p.stretch = max(1, stretchRate/p.rate)
	p.report(w0, p.rate, fmt.Sprintf("429: %d of %d attempts accepted in %s", n, g, time.Duration(dt*float64(time.Second)).Round(time.Millisecond)))
	p.reschedule(now)
}

// begin sets the rate and starts a new measurement at a 429.
func (p *Pacer) begin(now time.Time, r float64, succ, grants int64) {
	if p.cfg.Ceiling > 0 {
		r = min(r, p.cfg.Ceiling)
	}
	p.rate = max(r, minRate)
	p.markAt, p.markSucc, p.markGrants, p.idle = now, succ, grants, 0
	p.holdUntil = now.Add(stale(p.rate))
	p.tau, p.lastTick = 0, now
}

// stale is how long after a change 429s are taken for answers to attempts
// sent before it: two attempts, 20ms to 200ms.
func stale(rate float64) time.Duration {
	return min(max(time.Duration(2*float64(time.Second)/rate), 20*time.Millisecond), 200*time.Millisecond)
}

// measure is the shortest time between two 429s that measures a rate: ten
// attempts, 50ms to 1s.
func measure(rate float64) time.Duration {
	return min(max(time.Duration(10*float64(time.Second)/rate), 50*time.Millisecond), time.Second)
}
