package fullstory

import (
	"context"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/summarykit/fullstory-go/internal/engine"
	"github.com/summarykit/fullstory-go/internal/pace"
)

// Shared calls: identical summary calls in flight on one Client at once
// share one request. Not x/sync/singleflight, whose leader's cancellation
// fails every waiter: here the request runs on a goroutine of its own, every
// caller (the first included) waits for it with its own context, and the
// request is cancelled only when the last caller has gone. A caller whose
// deadline is nearer than the end of a wait the request is in leaves at once
// with the answer it would have got alone (held back, or not retried).

// flights are a Client's shared calls in flight, by key.
type flights struct {
	mu sync.Mutex
	m  map[string]*flight
}

// flight is one shared request.
type flight struct {
	fs     *flights
	key    string
	cancel context.CancelFunc
	done   chan struct{}   // closed once out is set
	out    *engine.Outcome // how the request ended
	stored atomic.Bool     // a caller has put the summary in the cache

	// guarded by fs.mu
	waiters map[*waiter]struct{}
	state   flightState
	changed chan struct{} // closed and replaced at each change of state
}

// waiter is one caller waiting for a flight.
type waiter struct {
	deadline    time.Time
	hasDeadline bool
}

// flightState is where the shared request is.
type flightState struct {
	attempt int            // the attempt in flight, or the last one sent
	waiting bool           // between attempts: for pacing, or before a retry
	pacing  bool           // the wait is for pacing
	until   time.Time      // when the wait ends; zero when not known
	reason  string         // why it retries, for a wait before a retry
	last    engine.Outcome // the call so far
}

// flightKey identifies a summary call: the same bytes on the wire and the
// same settings that shape how it is sent and what its caller is told.
func flightKey(req *engine.Request, s *settings) string {
	var b strings.Builder
	b.Grow(len(req.URL) + len(req.Body) + 256)
	b.WriteString(req.Method)
	b.WriteByte(0)
	b.WriteString(req.URL)
	b.WriteByte(0)
	b.Write(req.Body)
	b.WriteByte(0)
	keys := make([]string, 0, len(req.Header))
	for k := range req.Header {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		b.WriteString(k)
		for _, v := range req.Header[k] {
			b.WriteByte(1)
			b.WriteString(v)
		}
		b.WriteByte(0)
	}
	p := req.Policy
	for _, n := range []int64{int64(p.MaxRetries), int64(p.WaitMin), int64(p.WaitMax), int64(p.MaxRetryAfter), int64(p.Timeout)} {
		b.WriteString(strconv.FormatInt(n, 36))
		b.WriteByte(0)
	}
	// The logger and the HTTP client by identity: a call with its own
	// does not share.
	b.WriteString(pointerKey(s.logger))
	b.WriteByte(0)
	b.WriteString(pointerKey(s.httpClient))
	return b.String()
}

// join adds w to the flight of key, or starts one: then leader is true and
// the caller must run it.
func (fs *flights) join(key string, w *waiter) (f *flight, leader bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if f := fs.m[key]; f != nil {
		f.waiters[w] = struct{}{}
		return f, false
	}
	if fs.m == nil {
		fs.m = make(map[string]*flight)
	}
	f = &flight{fs: fs, key: key, done: make(chan struct{}), waiters: map[*waiter]struct{}{w: {}}, changed: make(chan struct{})}
	fs.m[key] = f
	return f, true
}

// run sends the shared request on a worker goroutine (workers.go), on a
// context that keeps the leader's values (a trace) but not its
// cancellation.
func (f *flight) run(ctx context.Context, c *Client, cl *call) {
	fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	f.cancel = cancel
	cl.obs.flight = f
	c.workers.run(func() {
		defer cancel()
		out := c.execute(flightCtx{fctx, f}, cl.req)
		f.fs.mu.Lock()
		f.out = out
		if f.fs.m[f.key] == f {
			delete(f.fs.m, f.key) // later calls start afresh (and may find the cache)
		}
		f.fs.mu.Unlock()
		close(f.done)
	})
}

// leave takes w out of the flight; the last caller to leave an unfinished
// flight cancels it.
func (f *flight) leave(w *waiter) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	delete(f.waiters, w)
	if len(f.waiters) == 0 && f.out == nil {
		if f.fs.m[f.key] == f {
			delete(f.fs.m, f.key)
		}
		f.cancel()
	}
}

// deadline is the latest deadline of the callers waiting: the request may
// wait as long as one of them can.
func (f *flight) deadline() (time.Time, bool) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	var latest time.Time
	for w := range f.waiters {
		if !w.hasDeadline {
			return time.Time{}, false
		}
		if w.deadline.After(latest) {
			latest = w.deadline
		}
	}
	if latest.IsZero() {
		return time.Now(), true // nobody waits: the request is cancelled already
	}
	return latest, true
}

// attempting records that an attempt is about to be sent. Nobody needs to
// be woken: a caller reads it only when its own context ends.
func (f *flight) attempting() {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	f.state.attempt++
	f.state.waiting = false
}

// waiting records that the request waits before its next attempt, and
// wakes the callers with a deadline, which the wait may outlast.
func (f *flight) waiting(w *engine.Wait) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	f.state.waiting, f.state.pacing, f.state.reason, f.state.last = true, w.Reason == "pacing", w.Reason, w.Last
	f.state.until = time.Time{}
	if w.D <= 0 {
		return
	}
	f.state.until = time.Now().Add(w.D)
	for w := range f.waiters {
		if w.hasDeadline {
			close(f.changed)
			f.changed = make(chan struct{})
			return
		}
	}
}

// await waits for the flight's outcome, or for the moment w cannot wait any
// longer. shared is true when the outcome is the flight's own; otherwise it
// is what the caller would have got alone, at that moment.
func (f *flight) await(ctx context.Context, w *waiter) (out *engine.Outcome, shared bool) {
	for {
		f.fs.mu.Lock()
		st, changed := f.state, f.changed
		f.fs.mu.Unlock()
		if st.waiting && w.hasDeadline && !st.until.IsZero() && st.until.After(w.deadline) {
			f.leave(w)
			return st.outlasted(), false
		}
		select {
		case <-f.done:
			f.leave(w)
			return f.out, true
		case <-changed:
		case <-ctx.Done():
			f.leave(w)
			f.fs.mu.Lock()
			st = f.state
			f.fs.mu.Unlock()
			return st.ended(ctx.Err()), false
		}
	}
}

// outlasted is the outcome of a caller alone whose deadline comes before
// the end of the current wait: held back by the pacing, or not retried.
func (st *flightState) outlasted() *engine.Outcome {
	out := st.last
	left := max(time.Until(st.until), 0)
	if st.pacing {
		out.End, out.Err = engine.EndHeld, &pace.HeldError{Wait: left}
		return &out
	}
	out.Stopped = engine.OutlastsDeadline(st.reason, left)
	return &out
}

// ended is the outcome of a caller alone whose context ended now.
func (st *flightState) ended(err error) *engine.Outcome {
	out := st.last
	if !st.waiting {
		// An attempt was in flight: it has no answer yet.
		out.Result = engine.Result{}
		out.Attempts = st.attempt
	}
	out.End, out.Err = engine.EndContext, err
	return &out
}

// flightCtx is the context of a shared request: cancelled when its last
// caller leaves, with the latest deadline of those still waiting, so that
// the engine holds it back or stops retrying only when none of them can
// wait.
type flightCtx struct {
	context.Context
	f *flight
}

func (c flightCtx) Deadline() (time.Time, bool) { return c.f.deadline() }

// pointerKey names a pointer's identity, "" for nil.
func pointerKey[T any](p *T) string {
	if p == nil {
		return ""
	}
	return strconv.FormatUint(uint64(reflect.ValueOf(p).Pointer()), 36)
}
