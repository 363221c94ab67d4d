package fullstory_test

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

// The fault matrix: every fault of faultrows_test.go (served by the
// misbehaving servers of faultservers_test.go), tried on every operation of
// ops_test.go through the real request path, once on a fresh connection and
// once on a reused keep-alive connection (a first call on the same Client
// leaves it idle in the pool; httptrace confirms the faulted call got it).
// Every row checks at once:
//
//   - the requests the server received, per the retry oracle, and the error
//     or result the caller gets;
//   - secrecy: the key, email and uid, which the servers echo, are in no
//     error and no log line at Debug level, nor in the printed client;
//   - write safety: the server receives at most 1 + WithMaxRetries attempts;
//     a summary or an unkeyed write is never sent again once the server has
//     acted on it (a 500, a reset after reading, a timeout, a junk 200); a
//     keyed write is re-sent only with the same key and body.
//
// go test -v -run TestFaultMatrix prints the totals.

const faultRetries = 2 // so a retried fault is seen 3 times

// faultVariants are the connections a faulted call goes over.
var faultVariants = []struct {
	name   string
	reused bool
}{{"fresh connection", false}, {"reused connection", true}}

// faultRun is one fault tried on one operation.
type faultRun struct {
	t      *testing.T
	op     testOp
	ctx    context.Context
	cancel context.CancelFunc
	opts   []fullstory.Option
	logs   *logRecorder // the client's log, at every level
	srv    *wireServer
	other  *wireServer // a second host, for redirects
	dials  bool        // srv counts dials (its port refuses them), not requests
	// deadline, if set, bounds the call's context from when the call starts.
	deadline time.Duration
	// clientURL, if set, is where the client sends instead of srv.URL: a
	// gateway in front of srv.
	clientURL string
}

// faultAPI checks an *APIError with the status, sentinel and Attempts.
func faultAPI(status int, sentinel error, more ...func(t *testing.T, run *faultRun, e *fullstory.APIError)) func(*testing.T, *faultRun, error, int) {
	return func(t *testing.T, run *faultRun, err error, seen int) {
		var e *fullstory.APIError
		require.ErrorAs(t, err, &e)
		assert.Equal(t, status, e.StatusCode)
		assert.Equal(t, seen, e.Attempts, "APIError.Attempts")
		if sentinel != nil {
			assert.ErrorIs(t, err, sentinel)
		}
		assert.NotErrorIs(t, err, fullstory.ErrInvalidResponse)
		for _, m := range more {
			m(t, run, e)
		}
	}
}

// faultMessage checks the message: msg, then the echoed secrets redacted.
func faultMessage(msg string) func(*testing.T, *faultRun, *fullstory.APIError) {
	return func(t *testing.T, run *faultRun, e *fullstory.APIError) {
		assert.Equal(t, msg+run.redactedTaint(t), e.Message)
	}
}

func faultRetryAfter(d time.Duration) func(*testing.T, *faultRun, *fullstory.APIError) {
	return func(t *testing.T, _ *faultRun, e *fullstory.APIError) { assert.Equal(t, d, e.RetryAfter) }
}

// faultTransport checks an error with no response: not an *APIError, and
// matching every target.
func faultTransport(targets ...error) func(*testing.T, *faultRun, error, int) {
	return func(t *testing.T, _ *faultRun, err error, _ int) {
		var e *fullstory.APIError
		assert.False(t, errors.As(err, &e), "a transport error must not be an *APIError: %v", err)
		assert.NotErrorIs(t, err, fullstory.ErrInvalidResponse)
		for _, target := range targets {
			assert.ErrorIs(t, err, target)
		}
	}
}

// faultBroken checks a connection that broke before or during the response.
func faultBroken(t *testing.T, run *faultRun, err error, seen int) {
	faultTransport()(t, run, err, seen)
	assert.True(t, errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE),
		"want EOF, unexpected EOF, a reset or a broken pipe: %v", err)
}

func faultInvalid(t *testing.T, _ *faultRun, err error, _ int) {
	assert.ErrorIs(t, err, fullstory.ErrInvalidResponse)
	var e *fullstory.APIError
	assert.False(t, errors.As(err, &e), "an unusable 200 must not be an *APIError: %v", err)
}

func faultTooLarge(t *testing.T, run *faultRun, err error, seen int) {
	faultInvalid(t, run, err, seen)
	assert.Contains(t, err.Error(), "too large")
}

// faultTotals counts what the matrix did.
type faultTotals struct {
	mu                                     sync.Mutex
	calls, failed, received, applied       int
	safeRetries, keyedRetries, duplicates  int
	errs, logLines, leaks, reused, noConns int
}

// faultOutcome is what one call of the matrix did.
type faultOutcome struct {
	err        error
	received   int  // requests the server received (dials, when refused)
	gotConns   int  // connections the call's attempts took
	firstReuse bool // whether the first of them was a reused one
}

// faultTry runs one fault on one operation, over a reused connection when
// reused, and returns the run, the client and what the call did.
func faultTry(t *testing.T, fc faultCase, op testOp, reused bool) (*faultRun, *fullstory.Client, faultOutcome) {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	run := &faultRun{t: t, op: op, ctx: ctx, cancel: cancel, logs: newLogRecorder()}
	fc.setup(run)
	t.Cleanup(run.cancel) // setup may have replaced it
	c := newTestClient(t, secretKey, cmp.Or(run.clientURL, run.srv.URL), append([]fullstory.Option{
		fullstory.WithMaxRetries(faultRetries), fullstory.WithLogger(run.logs.logger()),
	}, run.opts...)...)
	if reused {
		warmUp(t, c, run.srv)
	}
	var out faultOutcome
	var mu sync.Mutex
	trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		mu.Lock()
		defer mu.Unlock()
		if out.gotConns++; out.gotConns == 1 {
			out.firstReuse = info.Reused
		}
	}}
	if run.deadline > 0 {
		run.ctx, run.cancel = context.WithTimeout(run.ctx, run.deadline)
		t.Cleanup(run.cancel)
	}
	out.err = op.call(httptrace.WithClientTrace(run.ctx, trace), c)
	out.received = run.srv.hits()
	if run.dials {
		out.received = int(run.srv.conns.Load())
	}
	mu.Lock()
	defer mu.Unlock()
	return run, c, out
}

// warmUp makes a first successful call on c, and waits until its connection
// is idle in the pool, where the next call finds it. (An HTTP/2 connection
// stays in the pool while its streams run: nothing to wait for.)
func warmUp(t *testing.T, c *fullstory.Client, ws *wireServer) {
	t.Helper()
	idle := make(chan struct{}, 1)
	ready := func() {
		select {
		case idle <- struct{}{}:
		default: // told already
		}
	}
	ctx := httptrace.WithClientTrace(boundedContext(t, 5*time.Second), &httptrace.ClientTrace{
		PutIdleConn: func(err error) {
			if err == nil {
				ready()
			}
		},
		GotConn: func(info httptrace.GotConnInfo) {
			if tc, ok := info.Conn.(*tls.Conn); ok && tc.ConnectionState().NegotiatedProtocol == "h2" {
				ready()
			}
		},
	})
	ws.awaitWarmUp.Store(true)
	_, err := c.Profiles.Get(ctx, warmUpID)
	require.NoError(t, err, "the warm-up call")
	select {
	case <-idle:
	case <-ctx.Done():
		t.Fatal("the warm-up connection never went idle")
	}
	require.EqualValues(t, 1, ws.warmed.Load())
	require.Zero(t, ws.hits(), "the warm-up is not recorded")
}

func TestFaultMatrix(t *testing.T) {
	t.Parallel()
	var tot faultTotals
	rows := faultCases()
	// Every call runs in parallel with the others; the heavy rows, which
	// keep the CPUs busy, start first.
	order := slices.Clone(rows)
	slices.SortStableFunc(order, func(a, b faultCase) int { return cmp.Compare(btoi(!a.heavy), btoi(!b.heavy)) })
	t.Run("matrix", func(t *testing.T) {
		for _, v := range faultVariants {
			t.Run(v.name, func(t *testing.T) {
				t.Parallel()
				for _, fc := range order {
					if v.reused && fc.freshOnly != "" || !v.reused && fc.reusedOnly != "" {
						continue // the row's freshOnly or reusedOnly says why
					}
					t.Run(fc.name, func(t *testing.T) {
						t.Parallel()
						for _, op := range testOps() {
							if v.reused && fc.heavy && !firstOfClass(op) {
								continue
							}
							t.Run(op.name, func(t *testing.T) {
								t.Parallel()
								if fc.heavy {
									faultHeavy <- struct{}{}
									defer func() { <-faultHeavy }()
								}
								faultCheck(t, fc, op, v.reused, &tot)
							})
						}
					})
				}
			})
		}
	})
	t.Logf("fault matrix: %d faults x %d operations on %d connection variants (less connection refused when reused, and heavy rows on one operation per class when reused) = %d calls, %d failed as expected; "+
		"%d requests received by the servers, %d acted on; %d re-sent before anything was acted on; keyed writes re-sent %d times with the same key and body; duplicates found: %d",
		len(rows), len(testOps()), len(faultVariants), tot.calls, tot.failed, tot.received, tot.applied, tot.safeRetries, tot.keyedRetries, tot.duplicates)
	t.Logf("fault matrix secrecy: %d errors and %d debug log lines checked for the key, email and uid; leaks found: %d", tot.errs, tot.logLines, tot.leaks)
	t.Logf("fault matrix connections: %d faulted calls went over a reused connection, %d took none", tot.reused, tot.noConns)
	// (The totals are figures for the README: every duplicate and every
	// leak has already failed its own row.)
}

// faultHeavy lets one heavy call run at a time: streaming one 32 MiB body
// over loopback keeps both ends, and the CPUs, busy.
var faultHeavy = make(chan struct{}, 1)

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// firstOfClass reports whether op is the first operation of its class.
func firstOfClass(op testOp) bool {
	for _, o := range testOps() {
		if o.class == op.class {
			return o.name == op.name
		}
	}
	return false
}

// faultCheck runs one row on one operation and checks everything.
func faultCheck(t *testing.T, fc faultCase, op testOp, reused bool, tot *faultTotals) {
	run, c, out := faultTry(t, fc, op, reused)
	err := out.err
	want, wantOK := fc.want(op)
	assert.Equal(t, want, out.received, "requests the server received (%s class)", op.class)
	if wantOK {
		assert.NoError(t, err)
	} else if assert.Error(t, err) {
		assert.True(t, strings.HasPrefix(err.Error(), "fullstory: "+op.method+" /"), "error names the call: %q", err)
		assert.NotContains(t, err.Error(), "giving up", "never retryablehttp's bare error")
		fc.check(t, run, err, out.received)
	}
	if fc.after != nil {
		fc.after(t, run)
	}

	// The connection the call went over.
	switch {
	case fc.noConn:
		assert.Zero(t, out.gotConns, "the call took a connection")
	case fc.dialRace && !reused:
		assert.False(t, out.firstReuse, "a fresh client reused a connection")
	case assert.Positive(t, out.gotConns, "the call took no connection"):
		assert.Equal(t, reused, out.firstReuse, "the first attempt went over a reused connection")
	}

	// Secrecy.
	var leaks, errs int
	if err != nil {
		errs++
		leaks += assertNoSecrets(t, err.Error(), "err.Error()")
		leaks += assertNoSecrets(t, fmt.Sprintf("%+v", err), "%+v of the error")
		leaks += assertNoSecrets(t, fmt.Sprintf("%v", err), "%v of the error")
	}
	logText := run.logs.text()
	leaks += assertNoSecrets(t, logText, "the debug log")
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		leaks += assertNoSecrets(t, fmt.Sprintf(verb, c), verb+" of the client")
	}

	// Write safety.
	reqs := run.srv.requests()
	assert.LessOrEqual(t, len(reqs), op.attempts(faultRetries, true)*max(fc.hops, 1), "attempts received beyond 1 + WithMaxRetries")
	first, applied := -1, 0 // the first request the server acted on
	for i, r := range reqs {
		if r.Applied {
			applied++
			if first < 0 {
				first = i
			}
		}
		if i > 0 {
			assert.Equal(t, reqs[0].Method, r.Method, "request %d keeps the method", i+1)
			assert.Equal(t, reqs[0].Body, r.Body, "request %d replays the body byte for byte", i+1)
		}
		if op.class == classKeyed {
			assert.Equal(t, testIdemKey, r.Header.Get("Idempotency-Key"), "attempt %d carries the idempotency key", i+1)
		} else {
			assert.Empty(t, r.Header.Values("Idempotency-Key"), "no idempotency key unless the caller passed one")
		}
	}
	again := 0 // requests sent after one was acted on
	safe := len(reqs) - 1
	if first >= 0 {
		again, safe = len(reqs)-first-1, first
	}
	var duplicates, keyed int
	switch op.class {
	case classKeyed:
		keyed = again
	case classSummary, classWrite:
		duplicates = again
		assert.Zero(t, again, "%s (%s) was sent again after the server acted on it: %d requests, the first acted on was #%d",
			op.name, op.class, len(reqs), first+1)
	}

	tot.mu.Lock()
	defer tot.mu.Unlock()
	tot.calls++
	if err != nil {
		tot.failed++
	}
	tot.received += out.received
	tot.applied += applied
	tot.safeRetries += max(safe, 0)
	tot.keyedRetries += keyed
	tot.duplicates += duplicates
	tot.errs += errs
	tot.logLines += strings.Count(logText, "\n")
	tot.leaks += leaks
	if reused && out.firstReuse {
		tot.reused++
	}
	if out.gotConns == 0 {
		tot.noConns++
	}
}

// TestFaultOversizedBodyIsBounded streams 64 MiB to a client that reads at
// most 32 MiB: the handler must be cut off, and nothing of the body may stay
// in memory once the error is returned. It measures the heap, so it does not
// run in parallel.
func TestFaultOversizedBodyIsBounded(t *testing.T) {
	const size = 64 << 20
	for _, withLength := range []bool{false, true} {
		t.Run(fmt.Sprintf("Content-Length=%v", withLength), func(t *testing.T) {
			written := make(chan int64, 1)
			srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
				written <- faultStream(w, size, withLength)
			})
			c := newTestClient(t, secretKey, srv.URL)

			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := c.Sessions.Summarize(context.Background(), testSession, nil)
			n := <-written
			runtime.GC()
			runtime.ReadMemStats(&after)

			require.ErrorIs(t, err, fullstory.ErrInvalidResponse)
			assert.Contains(t, err.Error(), "too large")
			assert.Less(t, n, int64(size), "the client hung up before the handler wrote everything")
			if withLength {
				assert.Less(t, n, int64(32<<20), "a Content-Length over the limit is refused before the body is read")
			} else {
				assert.GreaterOrEqual(t, n, int64(32<<20), "a chunked body is read up to the limit")
			}
			retained := int64(after.HeapAlloc) - int64(before.HeapAlloc)
			assert.Less(t, retained, int64(8<<20), "the error must not hold the body")
			runtime.KeepAlive(err)
			t.Logf("handler wrote %d MiB of %d MiB before the client hung up; heap retained %+d KiB; allocated %d MiB during the call",
				n>>20, size>>20, retained>>10, (after.TotalAlloc-before.TotalAlloc)>>20)
		})
	}
}
