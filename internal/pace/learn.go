package pace

import (
	"fmt"
	"math"
	"net/http"
	"time"
)

// Learning the rate from the answers: cuts on 429s, the probe upward, the
// return to unpaced.

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
