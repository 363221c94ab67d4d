package fullstory

import (
	"sync"
	"time"
)

// workerIdle is how long a worker waits for its next shared request
// before it exits: long enough to serve back-to-back calls, short enough
// that an idle Client leaves no goroutine behind for long.
const workerIdle = 50 * time.Millisecond

// workers run the shared requests of a Client (flight.go) on goroutines
// that outlive one request. A new goroutine starts on a small stack, which
// net/http's depth grows by copying it several times: reusing a grown one
// saves most of what a goroutine per request would cost.
type workers struct {
	idle     time.Duration // how long an idle worker waits for a job
	jobs     chan func()   // unbuffered: a send succeeds only when a worker waits
	quit     chan struct{} // closed by stop: idle workers exit at once
	stopOnce sync.Once
}

func newWorkers() *workers {
	return &workers{idle: workerIdle, jobs: make(chan func()), quit: make(chan struct{})}
}

// stop makes the idle workers exit now, and the others once their request
// ends, as Client.Close does.
func (w *workers) stop() { w.stopOnce.Do(func() { close(w.quit) }) }

// run runs job on an idle worker, or on a new one.
func (w *workers) run(job func()) {
	select {
	case w.jobs <- job:
	default:
		go w.loop(job)
	}
}

func (w *workers) loop(job func()) {
	idle := time.NewTimer(w.idle)
	defer idle.Stop()
	for {
		job()
		idle.Reset(w.idle)
		select {
		case job = <-w.jobs:
		case <-idle.C:
			return
		case <-w.quit:
			return
		}
	}
}
