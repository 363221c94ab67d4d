package pace

import (
	"context"
	"time"
)

// Handing out the slots in which attempts may start.

// Wait blocks until one attempt may start. It returns at once with a
// *HeldError if the wait would outlast ctx's deadline (nothing may be sent
// then), or ctx's error if ctx ends first.
func (p *Pacer) Wait(ctx context.Context) error { return p.WaitNotify(ctx, nil) }

// WaitNotify is Wait that calls notify, if not nil, with how long the
// attempt will wait for its slot before it sleeps (again, if a change of
// pace moves the slot).
func (p *Pacer) WaitNotify(ctx context.Context, notify func(time.Duration)) error {
	if !p.active.Load() {
		return nil
	}
	if err := p.wait(ctx, notify); err != nil {
		return err
	}
	if p.cfg.Limiter != nil {
		if err := p.cfg.Limiter.Wait(ctx); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if _, ok := ctx.Deadline(); ok {
				return &HeldError{Cause: err}
			}
			return err
		}
	}
	return nil
}

func (p *Pacer) wait(ctx context.Context, notify func(time.Duration)) error {
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
				return &HeldError{Wait: d}
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

		if notify != nil {
			notify(slot.Sub(now))
		}
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
